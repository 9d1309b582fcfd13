"""Deterministic demo data for the reference company, an online school for building your own AI.

The company grows along the phase targets of its KPI document (about 50 customers by June
2025, 300 by December 2025, some 1,100 by November 2026), and its recent months are tuned so
that every status level shows up: new customers, NPS and uptime green; CAC, CSAT and AI
adoption yellow; revenue orange; the referral share and team productivity red.

Everything derives from the seed: each month's events of a type come from a Random seeded
with (seed, type, month) and each customer's life from one seeded with (seed, customer), so
the same arguments give the same rows and a later `today` only extends the history. Rows come
month by month, in time order, as the strings a CSV cell would hold.
"""

from __future__ import annotations

import csv
import functools
import itertools
import random
from bisect import bisect_right
from calendar import monthrange
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from storage.readers import RawRow
from storage.records import EventType, fields_of

DEMO_START = date(2025, 1, 1)
DEMO_SEED = 20250105
MEASURED_KPIS = ("brand_search_rank", "market_share", "team_productivity")

ENROLLMENT_FEE = 29_800
MONTHLY_FEE = 4_380
# New customers per month from January 2025; later months keep growing by two a month.
_NEW_CUSTOMERS = (
    *(2, 4, 6, 9, 12, 17),  # phase 1: about 50 by June 2025
    *(24, 32, 39, 46, 52, 57),  # phase 2: about 300 by December 2025
    *(55, 57, 59, 62, 65, 68, 72, 77, 83, 88, 91, 93),  # phase 3
)
_NEW_CUSTOMERS_CAP = 140
# Knots (month index from January 2025, value), interpolated linearly, held after the last.
_CAC = ((0, 46_000), (5, 38_500), (11, 29_500), (21, 27_500))
_REFERRAL_SHARE = ((0, 0.05), (11, 0.12), (21, 0.19))
_COMPLETION_RATE = ((0, 0.70), (11, 0.76), (21, 0.79))
_NPS = ((0, 55.0), (5, 63.0), (11, 70.0), (21, 73.0))
_DETRACTORS = ((0, 0.09), (21, 0.05))
_AI_ADOPTION = ((0, 0.62), (21, 0.735))
_OTHER_CHANNELS = (("ads", 0.36), ("organic", 0.25), ("sns", 0.15), ("seminar", 0.09))
_CSAT = ((5, 0.25), (4, 0.49), (3, 0.22), (2, 0.03), (1, 0.01))

_COMPLETER_CHURN_PER_MONTH = 0.025
_DROPOUT_CHURN = 0.85
_COMPLETION_SURVEY_RESPONSE = 0.8
_PULSE_SURVEY_RATE = 0.08
_TICKETS_PER_ACTIVE_CUSTOMER = 0.15
_VARIABLE_COST_SHARE = (0.10, 0.12)
_LONG_OUTAGE_MONTH = date(2025, 8, 1)
_DAYS_PER_MONTH = 30.44

# Mostly business hours, a tail into the night so that local midnight matters.
_HOUR_WEIGHTS = (
    *(6, 3, 2, 1, 1, 2, 5, 12, 25, 40, 50, 50),  # 00-11 h
    *(45, 50, 50, 50, 45, 40, 35, 35, 35, 30, 20, 12),  # 12-23 h
)
_HOURS = tuple(range(24))
_CUM_HOURS = tuple(itertools.accumulate(_HOUR_WEIGHTS))

_CHAPTERS = (
    "Pythonと開発環境の基本",
    "生成AIのしくみ",
    "プロンプト設計",
    "RAG入門",
    "埋め込みとベクトル検索",
    "自分の文書でQ&Aボットを作る",
    "ローカルLLMを動かす",
    "ファインチューニング入門",
    "LoRAで自分好みのモデルを作る",
    "AIエージェントの設計",
    "ツール呼び出しとワークフロー",
    "音声アシスタントを作る",
    "画像生成AIの活用",
    "マルチモーダルAI入門",
    "AIの評価とテスト",
    "安全なAIの作り方",
    "業務自動化レシピ",
    "個人データとプライバシー",
    "自作AIをWebアプリにする",
    "スマホから使う自分専用AI",
    "AIと一緒に学び続ける方法",
    "チームで使うAIアシスタント",
    "コストを抑えるAI運用",
    "修了制作ガイド",
)
_IMPROVEMENTS = (
    "演習環境のGPUを増強",
    "受講ダッシュボードに進捗グラフを追加",
    "質問チャットの回答速度を改善",
    "修了証のPDFダウンロードに対応",
    "スマートフォン表示を改善",
    "演習コードをPython 3.12に対応",
    "講義動画に日本語字幕を追加",
    "課題の自動採点を改善",
    "受講生コミュニティに検索機能を追加",
    "ログインをメールリンク方式に対応",
    "教材のサンプルデータを更新",
    "オフィスアワーの予約機能を追加",
)


class _Customer(NamedTuple):
    id: str
    enrolled: datetime
    month: int  # the index of the month of enrollment
    channel: str
    completed: datetime | None
    surveyed: datetime | None  # answered the survey after completing the course
    churned: datetime | None
    billing_second: int  # when in the local day the monthly charge runs


@dataclass(frozen=True)
class _World:
    """The customers of every month up to the last one, and what the months share."""

    tz: ZoneInfo
    seed: int
    months: tuple[date, ...]
    customers: tuple[_Customer, ...]
    bounds: tuple[int, ...]  # customers[bounds[m]:bounds[m + 1]] enrolled in month m


_Value = str | datetime
_Event = tuple[datetime, tuple[_Value, ...]]  # when, then every field but `at` in field order
T = TypeVar("T")


class _Quota(Generic[T]):
    """Deal values so that every run of draws keeps close to the target shares."""

    def __init__(self, shares: Sequence[tuple[T, float]], r: random.Random) -> None:
        self._values = [value for value, _ in shares]
        self._shares = [share for _, share in shares]
        self._counts = [0] * len(shares)
        self._drawn = 0
        self._r = r

    def draw(self) -> T:
        self._drawn += 1
        # Largest shortfall wins; the jitter keeps the sequence from looking periodic.
        debts = [
            self._drawn * share - count + 0.15 * self._r.random()
            for share, count in zip(self._shares, self._counts, strict=True)
        ]
        pick = debts.index(max(debts))
        self._counts[pick] += 1
        return self._values[pick]


def _interp(knots: Sequence[tuple[int, float]], m: int) -> float:
    xs = [x for x, _ in knots]
    i = bisect_right(xs, m)
    if i == 0:
        return knots[0][1]
    if i == len(knots):
        return knots[-1][1]
    (x0, y0), (x1, y1) = knots[i - 1], knots[i]
    return y0 + (y1 - y0) * (m - x0) / (x1 - x0)


def _index(month: date) -> int:
    return (month.year - DEMO_START.year) * 12 + month.month - DEMO_START.month


def _add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def _next_month(month: date) -> date:
    return _add_months(month, 1)


def _at(day: date, second: float, tz: ZoneInfo) -> datetime:
    """A local wall time, normalised so that a time in a DST gap carries a real offset."""
    local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(seconds=int(second))
    if local.date() == day and _steady(day, tz):
        return local
    return local.astimezone(UTC).astimezone(tz)


@functools.lru_cache(maxsize=4096)
def _steady(day: date, tz: ZoneInfo) -> bool:
    """Whether a local day has one UTC offset throughout (no DST change), as most days do."""
    first = datetime(day.year, day.month, day.day, tzinfo=tz)
    return first.utcoffset() == first.replace(hour=23, minute=59, second=59).utcoffset()


def _later(at: datetime, seconds: float, tz: ZoneInfo) -> datetime:
    return (at.astimezone(UTC) + timedelta(seconds=int(seconds))).astimezone(tz)


def _start(month: date, tz: ZoneInfo) -> datetime:
    return _at(month, 0, tz)


def _time_of_day(r: random.Random) -> int:
    return r.choices(_HOURS, cum_weights=_CUM_HOURS)[0] * 3600 + r.randrange(3600)


def _rng(seed: int, stream: str, month: date) -> random.Random:
    return random.Random(f"{seed}:{stream}:{month:%Y-%m}")


def _new_customer_base(m: int) -> float:
    if m < len(_NEW_CUSTOMERS):
        return _NEW_CUSTOMERS[m]
    return min(_NEW_CUSTOMERS_CAP, _NEW_CUSTOMERS[-1] + 2 * (m + 1 - len(_NEW_CUSTOMERS)))


def _life(seed: int, number: int, enrolled: datetime, channel: str, m: int) -> _Customer:
    """Draw one customer's completion, survey answer and churn from their own Random."""
    tz = enrolled.tzinfo
    assert isinstance(tz, ZoneInfo)
    r = random.Random(f"{seed}:customer:{number}")
    completed = surveyed = churned = None
    if r.random() < _interp(_COMPLETION_RATE, m):
        days = round(r.triangular(30, 120, 55))
        completed = _at(enrolled.date() + timedelta(days=days), _time_of_day(r), tz)
        if r.random() < _COMPLETION_SURVEY_RESPONSE:
            surveyed = _later(completed, r.uniform(600, 3 * 86_400), tz)
        rate = _COMPLETER_CHURN_PER_MONTH / _DAYS_PER_MONTH / 86_400
        churned = _later(completed, r.expovariate(rate), tz)
    elif r.random() < _DROPOUT_CHURN:
        churned = _at(enrolled.date() + timedelta(days=r.randint(20, 170)), _time_of_day(r), tz)
    else:
        rate = _COMPLETER_CHURN_PER_MONTH / _DAYS_PER_MONTH / 86_400
        churned = _later(enrolled, 180 * 86_400 + r.expovariate(rate), tz)
    return _Customer(
        id=f"AIM-{number:06d}",
        enrolled=enrolled,
        month=m,
        channel=channel,
        completed=completed,
        surveyed=surveyed,
        churned=churned,
        billing_second=r.randrange(600, 3 * 3600),
    )


@functools.lru_cache(maxsize=8)
def _world(last_month: date, tz: ZoneInfo, scale: float, seed: int) -> _World:
    """Build every customer who enrolls from DEMO_START to the end of `last_month`."""
    months: list[date] = []
    customers: list[_Customer] = []
    bounds = [0]
    month = DEMO_START
    while month <= last_month:
        m = _index(month)
        r = _rng(seed, "customers", month)
        count = round(_new_customer_base(m) * scale * r.uniform(0.97, 1.03))
        days = monthrange(month.year, month.month)[1]
        # Spread evenly over the month, so that month-to-date figures track the full month.
        stamps = sorted(
            _at(month + timedelta(days=int((k + r.random()) * days / count)), _time_of_day(r), tz)
            for k in range(count)
        )
        referral = _interp(_REFERRAL_SHARE, m)
        others = sum(share for _, share in _OTHER_CHANNELS)
        shares = [("referral", referral)]
        shares += [(name, share * (1 - referral) / others) for name, share in _OTHER_CHANNELS]
        channels = _Quota(shares, r)
        for enrolled in stamps:
            customers.append(_life(seed, len(customers) + 1, enrolled, channels.draw(), m))
        months.append(month)
        bounds.append(len(customers))
        month = _next_month(month)
    return _World(tz, seed, tuple(months), tuple(customers), tuple(bounds))


def _within(at: datetime | None, lo: datetime, hi: datetime) -> bool:
    return at is not None and lo <= at < hi


def _enrollments(world: _World, month: date, r: random.Random) -> list[_Event]:
    m = _index(month)
    return [
        (c.enrolled, (f"enr-{c.id}", c.id, c.channel))
        for c in world.customers[world.bounds[m] : world.bounds[m + 1]]
    ]


def _milestones(world: _World, month: date, field: str, prefix: str) -> list[_Event]:
    lo, hi = _start(month, world.tz), _start(_next_month(month), world.tz)
    events: list[_Event] = []
    for c in world.customers[: world.bounds[_index(month) + 1]]:
        at = getattr(c, field)
        if _within(at, lo, hi):
            events.append((at, (f"{prefix}-{c.id}", c.id)))
    return sorted(events)


def _completions(world: _World, month: date, r: random.Random) -> list[_Event]:
    return _milestones(world, month, "completed", "cmp")


def _churns(world: _World, month: date, r: random.Random) -> list[_Event]:
    return _milestones(world, month, "churned", "churn")


def _active(world: _World, month: date) -> Iterator[_Customer]:
    lo = _start(month, world.tz)
    for c in world.customers[: world.bounds[_index(month) + 1]]:
        if c.churned is None or c.churned >= lo:
            yield c


def _payments(world: _World, month: date, r: random.Random) -> list[_Event]:
    m = _index(month)
    days = monthrange(month.year, month.month)[1]
    events: list[_Event] = []
    for c in _active(world, month):
        if c.month == m:
            events.append((c.enrolled, (f"pay-{c.id}-fee", c.id, str(ENROLLMENT_FEE), "false")))
            sub = f"pay-{c.id}-{month:%Y-%m}"
            events.append((c.enrolled, (sub, c.id, str(MONTHLY_FEE), "true")))
            continue
        # Billed on the day of the month they enrolled, or the month's last day if shorter.
        day = month.replace(day=min(c.enrolled.day, days))
        at = _at(day, c.billing_second + r.randrange(60), world.tz)
        if c.churned is None or at < c.churned:
            sub = f"pay-{c.id}-{month:%Y-%m}"
            events.append((at, (sub, c.id, str(MONTHLY_FEE), "true")))
    return sorted(events)


class _Answer(NamedTuple):
    at: datetime
    id: str
    customer: str
    csat: bool  # whether this survey asks for satisfaction
    adoption: bool  # whether it asks if the customer has started using AI


def _answers(world: _World, month: date) -> list[_Answer]:
    """Who answers a survey in a month: course graduates, and a sample of active customers."""
    r = _rng(world.seed, EventType.SURVEY, month)
    lo, hi = _start(month, world.tz), _start(_next_month(month), world.tz)
    answers: list[_Answer] = []
    for c in _active(world, month):
        if c.surveyed is not None and lo <= c.surveyed < hi:
            answers.append(_Answer(c.surveyed, f"srv-{c.id}-done", c.id, True, True))
        if r.random() >= _PULSE_SURVEY_RATE:
            continue
        first = max(lo, c.enrolled)
        last = hi if c.churned is None else min(hi, c.churned)
        span = (last.date() - first.date()).days
        asks_csat = r.random() < 0.6
        asks_adoption = r.random() < 0.4
        if span < 0:
            continue
        at = _at(first.date() + timedelta(days=r.randint(0, span)), _time_of_day(r), world.tz)
        if first < at < last:
            graduate = c.completed is not None and c.completed < at
            pulse_id = f"srv-{c.id}-{month:%Y-%m}"
            answers.append(_Answer(at, pulse_id, c.id, asks_csat, graduate and asks_adoption))
    return sorted(answers)


def _satisfaction(world: _World, month: date, answers: list[_Answer]) -> dict[str, int]:
    """Deal CSAT scores week by week (Monday first), so that every week's mean is on target."""
    earlier = _answers(world, _add_months(month, -1)) if month > DEMO_START else []
    scores: dict[str, int] = {}
    quota: _Quota[int] | None = None
    week: date | None = None
    for answer in [*earlier, *answers]:
        day = answer.at.date()
        monday = day - timedelta(days=day.weekday())
        if monday != week:
            week, quota = monday, _Quota(_CSAT, random.Random(f"{world.seed}:csat:{monday}"))
        if answer.csat and quota is not None:
            scores[answer.id] = quota.draw()
    return scores


def _surveys(world: _World, month: date, r: random.Random) -> list[_Event]:
    m = _index(month)
    answers = _answers(world, month)
    satisfaction = _satisfaction(world, month, answers)
    detractors = _interp(_DETRACTORS, m)
    promoters = _interp(_NPS, m) / 100 + detractors
    passives = 1 - promoters - detractors
    nps = _Quota([("promoter", promoters), ("passive", passives), ("detractor", detractors)], r)
    adoption = _interp(_AI_ADOPTION, m)
    adopted = _Quota([("true", adoption), ("false", 1 - adoption)], r)
    events: list[_Event] = []
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


def _tickets(world: _World, month: date, r: random.Random) -> list[_Event]:
    mid = _start(month, world.tz) + timedelta(days=15)
    active = sum(1 for c in _active(world, month) if c.enrolled < mid)
    count = round(_TICKETS_PER_ACTIVE_CUSTOMER * active * r.uniform(0.85, 1.15))
    days = monthrange(month.year, month.month)[1]
    opened = sorted(
        _at(month + timedelta(days=r.randrange(days)), _time_of_day(r), world.tz)
        for _ in range(count)
    )
    events: list[_Event] = []
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
        answered = _later(at, hours * 3600, world.tz)
        events.append((at, (f"tkt-{month:%Y-%m}-{k:04d}", answered)))
    return events


def _costs(world: _World, month: date, r: random.Random) -> list[_Event]:
    m, tz = _index(month), world.tz
    days = [month + timedelta(days=d) for d in range(monthrange(month.year, month.month)[1])]
    new_customers = world.bounds[m + 1] - world.bounds[m]
    budget = round(_interp(_CAC, m) * new_customers * r.uniform(0.985, 1.015))
    weights = [r.uniform(0.7, 1.3) * (1.0 if day.weekday() < 5 else 0.8) for day in days]
    events: list[_Event] = []
    spent = 0
    for i, day in enumerate(days):
        amount = round(budget * sum(weights[: i + 1]) / sum(weights)) - spent
        spent += amount
        at = _at(day, 9 * 3600 + r.randrange(3600), tz)
        events.append((at, (f"cost-{day}-marketing", str(amount), "marketing")))
    revenue: dict[date, int] = {}
    for at, values in _payments(world, month, _rng(world.seed, EventType.PAYMENT, month)):
        revenue[at.date()] = revenue.get(at.date(), 0) + int(str(values[2]))
    for day in days:
        if day in revenue:
            amount = round(revenue[day] * r.uniform(*_VARIABLE_COST_SHARE))
            at = _at(day, 23 * 3600 + r.randrange(3000), tz)
            events.append((at, (f"cost-{day}-variable", str(amount), "variable")))
    for day_of_month, name, amount in (
        (1, "rent", 280_000),
        (1, "tools", 90_000 + 5_000 * (m // 3)),
        (25, "payroll", 1_200_000 + 150_000 * (m // 6)),
    ):
        at = _at(month.replace(day=day_of_month), 10 * 3600 + r.randrange(3600), tz)
        events.append((at, (f"cost-{month:%Y-%m}-{name}", str(amount), "fixed")))
    return sorted(events)


def _downtimes(world: _World, month: date, r: random.Random) -> list[_Event]:
    days = monthrange(month.year, month.month)[1]
    outages = [
        (r.randrange(days), r.randrange(86_400), r.randint(5, 30) * 60 + r.randrange(60))
        for _ in range(r.choice((2, 3, 3, 4)))
    ]
    if month == _LONG_OUTAGE_MONTH:
        outages.append((18, 2 * 3600 + 600, 15 * 3600 + 40 * 60))
    events: list[_Event] = []
    previous_end: datetime | None = None
    for day, second, duration in sorted(outages):
        at = _at(month + timedelta(days=day), second, world.tz)
        if previous_end is not None and at <= previous_end:
            continue  # overlapping outages would count twice
        previous_end = _later(at, duration, world.tz)
        events.append((at, (f"down-{month:%Y-%m}-{len(events) + 1}", previous_end)))
    return events


def _releases(world: _World, month: date, r: random.Random) -> list[_Event]:
    m = _index(month)
    weekdays = [
        month + timedelta(days=d)
        for d in range(monthrange(month.year, month.month)[1])
        if (month + timedelta(days=d)).weekday() < 5
    ]
    days = sorted(r.sample(weekdays, r.choice((2, 3, 3))))
    chapter = _CHAPTERS[m % len(_CHAPTERS)] + (" 応用編" if m >= len(_CHAPTERS) else "")
    titles = [f"第{m + 3}章: {chapter}を追加"]
    titles += [_IMPROVEMENTS[(2 * m + j) % len(_IMPROVEMENTS)] for j in range(len(days) - 1)]
    r.shuffle(titles)
    return [
        (_at(day, 11 * 3600 + r.randrange(8 * 3600), world.tz), (f"rel-{day}", title))
        for day, title in zip(days, titles, strict=True)
    ]


def _measurements(world: _World, month: date, r: random.Random) -> list[_Event]:
    m = _index(month)
    day = next(
        month + timedelta(days=d) for d in range(7) if (month + timedelta(days=d)).weekday() < 5
    )
    noise = r.choice((-1, 0, 0, 0, 1)) if m else 0
    rank = max(1, round(max(3.0, 12 - 8 * m / 21) + noise))
    events: list[_Event] = [
        (
            _at(day, 10 * 3600, world.tz),
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
            at = _at(day, 10 * 3600 + minute * 60, world.tz)
            events.append((at, (f"msr-{kpi}-{month:%Y-%m}", kpi, value)))
    return events


_MONTHLY: dict[EventType, Callable[[_World, date, random.Random], list[_Event]]] = {
    EventType.ENROLLMENT: _enrollments,
    EventType.COMPLETION: _completions,
    EventType.CHURN: _churns,
    EventType.PAYMENT: _payments,
    EventType.COST: _costs,
    EventType.SURVEY: _surveys,
    EventType.TICKET: _tickets,
    EventType.DOWNTIME: _downtimes,
    EventType.RELEASE: _releases,
    EventType.MEASUREMENT: _measurements,
}


def demo_types() -> list[EventType]:
    """List the event types in load order: enrollments first, since the others refer to them."""
    return list(_MONTHLY)


def demo_rows(
    event_type: EventType,
    *,
    today: date,
    tz: ZoneInfo,
    scale: float = 1.0,
    seed: int = DEMO_SEED,
) -> Iterator[dict[str, str]]:
    """Yield the demo import rows of one type from DEMO_START through `today`, in time order."""
    if today < DEMO_START:
        return
    world = _world(today.replace(day=1), tz, scale, seed)
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=tz)
    names = [name for name in fields_of(event_type) if name != "at"]
    make = _MONTHLY[event_type]
    for month in world.months:
        for at, values in make(world, month, _rng(seed, event_type, month)):
            if at >= end:
                return  # events come sorted and the last month is today's
            cells = _cells(values, end, open_ended=event_type == EventType.TICKET)
            if cells is not None:
                row = {"id": cells[0], "at": at.isoformat()}
                row.update(zip(names[1:], cells[1:], strict=True))
                yield row


def demo_import_rows(
    event_type: EventType, *, today: date, tz: ZoneInfo, scale: float = 1.0
) -> Iterator[RawRow]:
    """The demo rows of one type as an import reads them: typed, numbered as file lines."""
    for line, cells in enumerate(demo_rows(event_type, today=today, tz=tz, scale=scale), start=2):
        yield RawRow(line, {"type": event_type.value, **cells})


def _cells(values: tuple[_Value, ...], end: datetime, *, open_ended: bool) -> list[str] | None:
    """Format an event's values; a time after `end` is still unknown.

    An open-ended event (a ticket not answered yet) leaves such a time empty; any other is left
    out whole (an outage still going on).
    """
    cells: list[str] = []
    for value in values:
        if isinstance(value, str):
            cells.append(value)
        elif value < end:
            cells.append(value.isoformat())
        elif open_ended:
            cells.append("")
        else:
            return None
    return cells


def write_demo_csv(
    directory: Path, *, today: date, tz: ZoneInfo, scale: float = 1.0
) -> dict[EventType, tuple[Path, int]]:
    """Write one `<type>.csv` per event type, with a leading `type` column; count the rows."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[EventType, tuple[Path, int]] = {}
    for event_type in demo_types():
        path = directory / f"{event_type.value}.csv"
        names = fields_of(event_type)
        count = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["type", *names])
            for row in demo_rows(event_type, today=today, tz=tz, scale=scale):
                writer.writerow([event_type.value, *(row[name] for name in names)])
                count += 1
        written[event_type] = (path, count)
    return written
