"""Refunds through `POST /api/v1/events`: stored and counted like any row, refused by the
same rules as `kpibot ingest` (a 422 naming the row and column, nothing stored)."""

from __future__ import annotations

import json
import sqlite3

from bot.slack.services import Services
from tests.bot.conftest import SlackAppServer
from tests.bot.http.test_ingest_api import PAYMENTS, jsonl, post


def refunds(services: Services) -> list[tuple[str, int, str | None]]:
    path = services.settings.database_url.get_secret_value().removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT id, amount, payment FROM refunds WHERE id LIKE 'api-r%' ORDER BY id"
        ).fetchall()


def refund(key: str, amount: int, payment: str = "api-1") -> dict[str, object]:
    return {"type": "refund", "id": key, "customer": "c-1", "at": "2026-11-24 09:00",
            "amount": amount, "payment": payment}  # fmt: skip


def test_a_refund_posted_with_its_payment_is_stored_and_counted(
    app: SlackAppServer, services: Services
) -> None:
    answer = post(app, json.dumps([*PAYMENTS, refund("api-r1", 9800)]), "application/json")

    assert (answer.status, answer.json) == (200, {"inserted": 3, "updated": 0, "unchanged": 0})
    assert refunds(services) == [("api-r1", 9800, "api-1")]


def test_a_refund_above_its_payment_is_a_422_and_nothing_is_stored(
    app: SlackAppServer, services: Services
) -> None:
    assert post(app, jsonl(PAYMENTS)).status == 200

    answer = post(app, jsonl([refund("api-r1", 20_000), refund("api-r2", 9_801)]))

    assert answer.status == 422
    assert answer.json["errors"] == [
        {
            "line": 2,
            "column": "amount",
            "code": "refunds_exceed_payment",
            "message": "支払い 'api-1' への返金が合計 29,801 円になり、支払額 29,800 円を超えます",
        }
    ]
    assert refunds(services) == []
