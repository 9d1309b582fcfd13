"""What a refund may refer to, checked against the stored payments as an import writes it.

A refund that names a payment (`payment`) must name a stored payment of the same customer,
and the refunds of one payment never total more than its amount. A refund without a payment
is checked only for its own fields. The checks read the caller's transaction, under the
writer lock: a payment written earlier in the same import counts, and two imports running
at the same time are checked as if one came after the other.

Each problem is `(column, code, parameters)`, keyed by the id of the row it refuses; the bot
words it in the reader's language (`storage.imports.problems`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from storage.imports.problems import ProblemCode
from storage.schema import Payment, Refund

Problems = dict[str, tuple[str, ProblemCode, dict[str, Any]]]


def _refunded(connection: Connection, payments: Sequence[str], besides: set[str]) -> dict[str, int]:
    """JPY refunded so far of each of these payments, leaving out the refunds `besides`."""
    refunded: dict[str, int] = {}
    rows = connection.execute(
        select(Refund.id, Refund.payment, Refund.amount).where(Refund.payment.in_(payments))
    )
    for refund_id, payment, amount in rows:
        if payment is not None and refund_id not in besides:
            refunded[payment] = refunded.get(payment, 0) + amount
    return refunded


def refund_problems(
    connection: Connection, columns: list[str], rows: Sequence[tuple[Any, ...]]
) -> Problems:
    """The refunds among `rows` (driver-level, in the refunds table's column order) that
    may not be stored, in order: each is checked with the refunds before it counted."""
    key, customer, amount, payment = (
        columns.index(name) for name in ("id", "customer", "amount", "payment")
    )
    named = sorted({row[payment] for row in rows if row[payment] is not None})
    if not named:
        return {}
    paid = {
        payment_id: (payer, paid_amount)
        for payment_id, payer, paid_amount in connection.execute(
            select(Payment.id, Payment.customer, Payment.amount).where(Payment.id.in_(named))
        )
    }
    # The rows replace their own stored versions, so those do not count.
    refunded = _refunded(connection, named, {row[key] for row in rows})
    problems: Problems = {}
    for row in rows:
        payment_id = row[payment]
        if payment_id is None:
            continue
        if payment_id not in paid:
            problems[row[key]] = (
                "payment",
                ProblemCode.REFUND_PAYMENT_UNKNOWN,
                {"payment": payment_id},
            )
            continue
        payer, paid_amount = paid[payment_id]
        if row[customer] != payer:
            problems[row[key]] = (
                "customer",
                ProblemCode.REFUND_OTHER_CUSTOMER,
                {"payment": payment_id, "payer": payer, "customer": row[customer]},
            )
            continue
        total = refunded.get(payment_id, 0) + row[amount]
        if total > paid_amount:
            problems[row[key]] = (
                "amount",
                ProblemCode.REFUNDS_EXCEED_PAYMENT,
                {"payment": payment_id, "total": total, "paid": paid_amount},
            )
            continue
        refunded[payment_id] = total
    return problems


def payment_problems(
    connection: Connection, columns: list[str], rows: Sequence[tuple[Any, ...]]
) -> Problems:
    """The changed payments among `rows` (driver-level, in the payments table's column
    order) that would leave their refunds wrong: an amount below what was refunded of it,
    or another customer than its refunds'."""
    key, customer, amount = (columns.index(name) for name in ("id", "customer", "amount"))
    ids = [row[key] for row in rows]
    refunds = connection.execute(
        select(Refund.payment, Refund.customer, Refund.amount).where(Refund.payment.in_(ids))
    ).all()
    if not refunds:
        return {}
    refunded: dict[str, int] = {}
    refund_customers: dict[str, set[str]] = {}
    for payment_id, refund_customer, refund_amount in refunds:
        if payment_id is None:  # not matched by the IN above; for the type checker
            continue
        refunded[payment_id] = refunded.get(payment_id, 0) + refund_amount
        refund_customers.setdefault(payment_id, set()).add(refund_customer)
    problems: Problems = {}
    for row in rows:
        payment_id = row[key]
        if payment_id not in refunded:
            continue
        if refund_customers[payment_id] != {row[customer]}:
            problems[payment_id] = (
                "customer",
                ProblemCode.REFUNDED_PAYMENT_CUSTOMER,
                {"payment": payment_id},
            )
        elif row[amount] < refunded[payment_id]:
            problems[payment_id] = (
                "amount",
                ProblemCode.PAYMENT_BELOW_REFUNDS,
                {"payment": payment_id, "amount": row[amount], "refunded": refunded[payment_id]},
            )
    return problems
