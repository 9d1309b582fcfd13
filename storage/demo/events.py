"""Each event type's events of one month, drawn from the customers and the company's curves."""

from __future__ import annotations

import random
from calendar import monthrange
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from storage.demo.company import (
    AI_ADOPTION,
    CAC,
    CHAPTERS,
    CSAT,
    DEMO_START,
    DETRACTORS,
    ENROLLMENT_FEE,
    IMPROVEMENTS,
    LONG_OUTAGE_MONTH,
    MONTHLY_FEE,
    NPS,
    PULSE_SURVEY_RATE,
    REFUND_DAYS,
    REFUND_SHARE,
    TICKETS_PER_ACTIVE_CUSTOMER,
    VARIABLE_COST_SHARE,
)
from storage.demo.customers import World, active_customers
from storage.demo.draws import (
    Quota,
    add_months,
    interpolate,
    later,
    local_time,
    month_index,
    month_start,
    next_month,
    rng,
    time_of_day,
)
from storage.schema import EventType

Value = str | datetime
Event = tuple[datetime, tuple[Value, ...]]  # when, then every field but `at` in field order


def _within(at: datetime | None, lo: datetime, hi: datetime) -> bool:
    return at is not None and lo <= at < hi


def _enrollments(world: World, month: date, r: random.Random) -> list[Event]:
    m = month_index(month)
    return [
        (c.enrolled, (f"enr-{c.id}", c.id, c.channel))
        for c in world.customers[world.bounds[m] : world.bounds[m + 1]]
    ]


def _milestones(world: World, month: date, field: str, prefix: str) -> list[Event]:
    lo, hi = month_start(month, world.tz), month_start(next_month(month), world.tz)
    events: list[Event] = []
    for c in world.customers[: world.bounds[month_index(month) + 1]]:
        at = getattr(c, field)
        if _within(at, lo, hi):
            events.append((at, (f"{prefix}-{c.id}", c.id)))
    return sorted(events)


def _completions(world: World, month: date, r: random.Random) -> list[Event]:
    return _milestones(world, month, "completed", "cmp")


def _churns(world: World, month: date, r: random.Random) -> list[Event]:
    return _milestones(world, month, "churned", "churn")


def _payments(world: World, month: date, r: random.Random) -> list[Event]:
    m = month_index(month)
    days = monthrange(month.year, month.month)[1]
    events: list[Event] = []
    for c in active_customers(world, month):
        if c.month == m:
            events.append((c.enrolled, (f"pay-{c.id}-fee", c.id, str(ENROLLMENT_FEE), "false")))
            sub = f"pay-{c.id}-{month:%Y-%m}"
            events.append((c.enrolled, (sub, c.id, str(MONTHLY_FEE), "true")))
            continue
        # Billed on the day of the month they enrolled, or the month's last day if shorter.
        day = month.replace(day=min(c.enrolled.day, days))
        at = local_time(day, c.billing_second + r.randrange(60), world.tz)
        if c.churned is None or at < c.churned:
            sub = f"pay-{c.id}-{month:%Y-%m}"
            events.append((at, (sub, c.id, str(MONTHLY_FEE), "true")))
    return sorted(events)


def _refunds(world: World, month: date, r: random.Random) -> list[Event]:
    """Enrollment fees paid back under the guarantee, in the month the money went back.

    Whether (and when) a customer is refunded is drawn from their own Random, so a refund
    of last month's fee paid back this month is the same refund seen from either month.
    """
    m = month_index(month)
    lo, hi = month_start(month, world.tz), month_start(next_month(month), world.tz)
    events: list[Event] = []
    for c in world.customers[world.bounds[max(m - 1, 0)] : world.bounds[m + 1]]:
        own = random.Random(f"{world.seed}:refund:{c.id}")
        if own.random() >= REFUND_SHARE:
            continue
        at = later(c.enrolled, own.uniform(*REFUND_DAYS) * 86_400, world.tz)
        if lo <= at < hi:
            amount = ENROLLMENT_FEE if own.random() < 0.75 else ENROLLMENT_FEE // 2
            events.append((at, (f"ref-{c.id}-fee", c.id, str(amount), f"pay-{c.id}-fee")))
    return sorted(events)


class _Answer(NamedTuple):
    at: datetime
    id: str
    customer: str
    csat: bool  # whether this survey asks for satisfaction
    adoption: bool  # whether it asks if the customer has started using AI


def _answers(world: World, month: date) -> list[_Answer]:
    """Who answers a survey in a month: course graduates, and a sample of active customers."""
    r = rng(world.seed, EventType.SURVEY, month)
    lo, hi = month_start(month, world.tz), month_start(next_month(month), world.tz)
    answers: list[_Answer] = []
    for c in active_customers(world, month):
        if c.surveyed is not None and lo <= c.surveyed < hi:
            answers.append(_Answer(c.surveyed, f"srv-{c.id}-done", c.id, True, True))
        if r.random() >= PULSE_SURVEY_RATE:
            continue
        first = max(lo, c.enrolled)
        last = hi if c.churned is None else min(hi, c.churned)
        span = (last.date() - first.date()).days
        asks_csat = r.random() < 0.6
        asks_adoption = r.random() < 0.4
        if span < 0:
            continue
        at = local_time(first.date() + timedelta(days=r.randint(0, span)), time_of_day(r), world.tz)
        if first < at < last:
            graduate = c.completed is not None and c.completed < at
            pulse_id = f"srv-{c.id}-{month:%Y-%m}"
            answers.append(_Answer(at, pulse_id, c.id, asks_csat, graduate and asks_adoption))
    return sorted(answers)


def _satisfaction(world: World, month: date, answers: list[_Answer]) -> dict[str, int]:
    """Deal CSAT scores week by week (Monday first), so that every week's mean is on target."""
    earlier = _answers(world, add_months(month, -1)) if month > DEMO_START else []
    scores: dict[str, int] = {}
    quota: Quota[int] | None = None
    week: date | None = None
    for answer in [*earlier, *answers]:
        day = answer.at.date()
        monday = day - timedelta(days=day.weekday())
        if monday != week:
            week, quota = monday, Quota(CSAT, random.Random(f"{world.seed}:csat:{monday}"))
        if answer.csat and quota is not None:
            scores[answer.id] = quota.draw()
    return scores


def _surveys(world: World, month: date, r: random.Random) -> list[Event]:
    m = month_index(month)
    answers = _answers(world, month)
    satisfaction = _satisfaction(world, month, answers)
    detractors = interpolate(DETRACTORS, m)
    promoters = interpolate(NPS, m) / 100 + detractors
    passives = 1 - promoters - detractors
    nps = Quota([("promoter", promoters), ("passive", passives), ("detractor", detractors)], r)
    adoption = interpolate(AI_ADOPTION, m)
    adopted = Quota([("true", adoption), ("false", 1 - adoption)], r)
    events: list[Event] = []
    for a in answers:
        score = _nps_score(nps.draw(), r)
        csat = str(satisfaction[a.id]) if a.csat else ""
        events.append((a.at, (a.id, a.customer, score, csat, adopted.draw() if a.adoption else "")))
    return events


def _nps_score(category: str, r: random.Random) -> str:
    if category == "promoter":
        return "10" if r.random() < 0.6 else "9"
    if category == "passive":
        return "8" if r.random() < 0.6 else "7"
    return str(r.choices((6, 5, 4, 3, 2, 0), weights=(45, 28, 12, 7, 5, 3))[0])


def _tickets(world: World, month: date, r: random.Random) -> list[Event]:
    mid = month_start(month, world.tz) + timedelta(days=15)
    active = sum(1 for c in active_customers(world, month) if c.enrolled < mid)
    count = round(TICKETS_PER_ACTIVE_CUSTOMER * active * r.uniform(0.85, 1.15))
    days = monthrange(month.year, month.month)[1]
    opened = sorted(
        local_time(month + timedelta(days=r.randrange(days)), time_of_day(r), world.tz)
        for _ in range(count)
    )
    events: list[Event] = []
    for k, at in enumerate(opened, start=1):
        u = r.random()
        hours = (
            r.uniform(0.1, 4)
            if u < 0.55
            else r.uniform(4, 23.5)
            if u < 0.965
            else r.uniform(24, 47.5)
            if u < 0.992
            else r.uniform(48, 120)
        )
        answered = later(at, hours * 3600, world.tz)
        events.append((at, (f"tkt-{month:%Y-%m}-{k:04d}", answered)))
    return events


def _costs(world: World, month: date, r: random.Random) -> list[Event]:
    m, tz = month_index(month), world.tz
    days = [month + timedelta(days=d) for d in range(monthrange(month.year, month.month)[1])]
    new_customers = world.bounds[m + 1] - world.bounds[m]
    budget = round(interpolate(CAC, m) * new_customers * r.uniform(0.985, 1.015))
    weights = [r.uniform(0.7, 1.3) * (1.0 if day.weekday() < 5 else 0.8) for day in days]
    events: list[Event] = []
    spent = 0
    for i, day in enumerate(days):
        amount = round(budget * sum(weights[: i + 1]) / sum(weights)) - spent
        spent += amount
        at = local_time(day, 9 * 3600 + r.randrange(3600), tz)
        events.append((at, (f"cost-{day}-marketing", str(amount), "marketing")))
    revenue: dict[date, int] = {}
    for at, values in _payments(world, month, rng(world.seed, EventType.PAYMENT, month)):
        revenue[at.date()] = revenue.get(at.date(), 0) + int(str(values[2]))
    for day in days:
        if day in revenue:
            amount = round(revenue[day] * r.uniform(*VARIABLE_COST_SHARE))
            at = local_time(day, 23 * 3600 + r.randrange(3000), tz)
            events.append((at, (f"cost-{day}-variable", str(amount), "variable")))
    for day_of_month, name, amount in (
        (1, "rent", 280_000),
        (1, "tools", 90_000 + 5_000 * (m // 3)),
        (25, "payroll", 1_200_000 + 150_000 * (m // 6)),
    ):
        at = local_time(month.replace(day=day_of_month), 10 * 3600 + r.randrange(3600), tz)
        events.append((at, (f"cost-{month:%Y-%m}-{name}", str(amount), "fixed")))
    return sorted(events)


def _downtimes(world: World, month: date, r: random.Random) -> list[Event]:
    days = monthrange(month.year, month.month)[1]
    outages = [
        (r.randrange(days), r.randrange(86_400), r.randint(5, 30) * 60 + r.randrange(60))
        for _ in range(r.choice((2, 3, 3, 4)))
    ]
    if month == LONG_OUTAGE_MONTH:
        outages.append((18, 2 * 3600 + 600, 15 * 3600 + 40 * 60))
    events: list[Event] = []
    previous_end: datetime | None = None
    for day, second, duration in sorted(outages):
        at = local_time(month + timedelta(days=day), second, world.tz)
        if previous_end is not None and at <= previous_end:
            continue  # overlapping outages would count twice
        previous_end = later(at, duration, world.tz)
        events.append((at, (f"down-{month:%Y-%m}-{len(events) + 1}", previous_end)))
    return events


def _releases(world: World, month: date, r: random.Random) -> list[Event]:
    m = month_index(month)
    weekdays = [
        month + timedelta(days=d)
        for d in range(monthrange(month.year, month.month)[1])
        if (month + timedelta(days=d)).weekday() < 5
    ]
    days = sorted(r.sample(weekdays, r.choice((2, 3, 3))))
    chapter = CHAPTERS[m % len(CHAPTERS)] + (" 応用編" if m >= len(CHAPTERS) else "")
    titles = [f"第{m + 3}章: {chapter}を追加"]
    titles += [IMPROVEMENTS[(2 * m + j) % len(IMPROVEMENTS)] for j in range(len(days) - 1)]
    r.shuffle(titles)
    return [
        (local_time(day, 11 * 3600 + r.randrange(8 * 3600), world.tz), (f"rel-{day}", title))
        for day, title in zip(days, titles, strict=True)
    ]


def _measurements(world: World, month: date, r: random.Random) -> list[Event]:
    m = month_index(month)
    day = next(
        month + timedelta(days=d) for d in range(7) if (month + timedelta(days=d)).weekday() < 5
    )
    noise = r.choice((-1, 0, 0, 0, 1)) if m else 0
    rank = max(1, round(max(3.0, 12 - 8 * m / 21) + noise))
    events: list[Event] = [
        (
            local_time(day, 10 * 3600, world.tz),
            (f"msr-brand_search_rank-{month:%Y-%m}", "brand_search_rank", str(rank)),
        )
    ]
    if month.month % 3 == 1:
        q = m // 3
        share = 0.5 + 3.0 * (q / 7) ** 1.3 * (r.uniform(0.95, 1.05) if q else 1.0)
        productivity = 100 * 1.06**q * (r.uniform(0.99, 1.01) if q else 1.0)
        for minute, kpi, value in (
            (30, "market_share", f"{share:.2f}"),
            (45, "team_productivity", f"{productivity:.1f}"),
        ):
            at = local_time(day, 10 * 3600 + minute * 60, world.tz)
            events.append((at, (f"msr-{kpi}-{month:%Y-%m}", kpi, value)))
    return events


# Its order is the load order that `rows.demo_types` gives.
MONTHLY: dict[EventType, Callable[[World, date, random.Random], list[Event]]] = {
    EventType.ENROLLMENT: _enrollments,
    EventType.COMPLETION: _completions,
    EventType.CHURN: _churns,
    EventType.PAYMENT: _payments,
    EventType.REFUND: _refunds,
    EventType.COST: _costs,
    EventType.SURVEY: _surveys,
    EventType.TICKET: _tickets,
    EventType.DOWNTIME: _downtimes,
    EventType.RELEASE: _releases,
    EventType.MEASUREMENT: _measurements,
}
