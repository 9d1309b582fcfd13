"""Improvement actions in the reports: the weekly summary's actions due next week and those
overdue, as they stood at the week's end; the monthly digest's actions opened and closed per
KPI."""

# ruff: noqa: RUF001 (Japanese text is what these tests are about)

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bot.jobs.reports import compose_report
from bot.runtime import Runtime
from bot.settings import Settings
from kpi_engine.reports import ReportKind, ReportPeriod
from storage.actions import add_action, close_action
from tests.bot.conftest import TOKYO
from tests.bot.slack.blocks.slack_checks import all_text, check_message


@pytest.fixture
def runtime(settings: Settings) -> Any:
    built = Runtime(settings)
    yield built
    built.close()


def add(
    runtime: Runtime,
    text: str,
    due: date | None,
    created: datetime,
    closed: datetime | None = None,
    kpi: str = "nps",
) -> int:
    with runtime.database.write() as connection:
        action = add_action(
            connection,
            kpi=kpi,
            text=text,
            owner="U0OWNER",
            due=due,
            created_by="U0MAKER",
            at=created,
        )
        if closed is not None:
            close_action(connection, action_id=action.id, by="U0MAKER", at=closed)
    return action.id


def lines_under(text: str, title: str) -> list[str]:
    """The bullet lines right after a section title."""
    after = text.split(title, 1)[1].split("\n")[1:]
    lines = []
    for line in after:
        if not line.startswith("• "):
            break
        lines.append(line)
    return lines


def test_the_weekly_summary_lists_next_weeks_actions_and_overdue_ones_as_at_its_end(
    runtime: Runtime,
) -> None:
    week = ReportPeriod.from_key(ReportKind.WEEKLY, "2026-W46")  # 9-15 November 2026
    early = datetime(2026, 11, 1, tzinfo=TOKYO)
    due_next_week = add(runtime, "解約者に電話 <!channel>", date(2026, 11, 18), early)
    last_day = add(runtime, "last day of next week", date(2026, 11, 22), early)
    overdue = add(runtime, "overdue", date(2026, 11, 12), early)
    add(runtime, "closed in time", date(2026, 11, 10), early, datetime(2026, 11, 14, tzinfo=TOKYO))
    closed_late = add(
        runtime,
        "closed after the week",
        date(2026, 11, 13),
        early,
        datetime(2026, 11, 16, 10, tzinfo=TOKYO),
    )
    add(runtime, "due the week after", date(2026, 11, 23), early)
    add(
        runtime,
        "created after the week",
        date(2026, 11, 17),
        datetime(2026, 11, 16, 1, tzinfo=TOKYO),
    )
    add(runtime, "no due day", None, early)
    report = compose_report(runtime, ReportKind.WEEKLY, week)
    for message in report.messages:
        check_message(message)
    text = "\n".join(all_text(message.as_payload()) for message in report.messages)
    nps = runtime.catalog.get("nps").name.ja
    assert lines_under(text, "*次週のアクション*") == [
        f"• #{due_next_week} 2026-11-18 *{nps}*: 解約者に電話 &lt;!channel&gt;（担当: U0OWNER）",
        f"• #{last_day} 2026-11-22 *{nps}*: last day of next week（担当: U0OWNER）",
    ]
    assert lines_under(text, "*期限切れのアクション*") == [
        f"• #{overdue} 2026-11-12 *{nps}*: overdue（担当: U0OWNER）",
        f"• #{closed_late} 2026-11-13 *{nps}*: closed after the week（担当: U0OWNER）",
    ]
    # A report pings no one: the owner is named, not mentioned.
    assert "<@U0OWNER>" not in text and "<!channel>" not in text


def test_the_monthly_digest_counts_actions_opened_and_closed_per_kpi(runtime: Runtime) -> None:
    october = ReportPeriod.from_key(ReportKind.MONTHLY, "2026-10")
    add(
        runtime,
        "a",
        None,
        datetime(2026, 10, 3, tzinfo=TOKYO),
        datetime(2026, 10, 20, tzinfo=TOKYO),
    )
    add(runtime, "b", date(2026, 11, 30), datetime(2026, 10, 31, 23, 59, tzinfo=TOKYO))
    add(
        runtime,
        "c",
        None,
        datetime(2026, 9, 20, tzinfo=TOKYO),
        datetime(2026, 10, 1, tzinfo=TOKYO),  # the first instant of October
        kpi="mrr",
    )
    add(runtime, "november", None, datetime(2026, 11, 1, tzinfo=TOKYO), kpi="mrr")
    add(runtime, "september", None, datetime(2026, 9, 30, 23, 59, tzinfo=TOKYO), kpi="csat")
    report = compose_report(runtime, ReportKind.MONTHLY, october)
    for message in report.messages:
        check_message(message)
    text = "\n".join(all_text(message.as_payload()) for message in report.messages)
    names = {kpi.id: kpi.name.ja for kpi in runtime.catalog.kpis}
    expected = {
        "nps": f"• *{names['nps']}*: 新規 2件・完了 1件",
        "mrr": f"• *{names['mrr']}*: 新規 0件・完了 1件",
    }
    in_catalog_order = [expected[k.id] for k in runtime.catalog.kpis if k.id in expected]
    assert lines_under(text, "*改善アクション（PDCA）*") == in_catalog_order
    assert "合計: 新規 2件・完了 2件" in text
    assert names["csat"] not in text.split("*改善アクション（PDCA）*", 1)[1]
