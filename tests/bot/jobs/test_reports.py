"""`compose_report` on the demo database: the right period's figures on one snapshot, its
notes, its charts, and messages Slack accepts."""

# ruff: noqa: RUF001 (Japanese text is what these tests are about)

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.jobs.reports import ComposedReport, compose_report, report_as_text
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.blocks.formatting import format_kpi_value
from kpi_engine.reports import NoteKind, ReportKind, ReportPeriod, judged_period
from storage.notes import add_note
from storage.snapshot import states_at
from tests.bot.conftest import TOKYO, make_settings
from tests.bot.mock_web_api import MockWebApi
from tests.bot.slack.blocks.slack_checks import all_text, check_message
from tests.bot.slack.test_charts import PNG_MAGIC


@pytest.fixture
def runtime(settings: Settings) -> Any:
    built = Runtime(settings)
    yield built
    built.close()


def shown(report: ComposedReport) -> str:
    return "\n".join(all_text(message.as_payload()) for message in report.messages)


def period(kind: ReportKind, key: str) -> ReportPeriod:
    return ReportPeriod.from_key(kind, key)


def test_the_weekly_summary_is_evaluated_as_of_the_end_of_its_week(runtime: Runtime) -> None:
    week = period(ReportKind.WEEKLY, "2026-W46")  # 9-15 November 2026
    report = compose_report(runtime, ReportKind.WEEKLY, week)
    for message in report.messages:
        check_message(message)
    end = datetime(2026, 11, 16, tzinfo=TOKYO)
    states = {s.kpi.id: s for s in states_at(runtime.database, runtime.catalog, end, TOKYO)}
    text = shown(report)
    # The figures are those of the week's end, evaluated independently here.
    for kpi_id in ("nps", "mrr", "completion_rate"):
        state = states[kpi_id]
        assert format_kpi_value(judged_period(state).value, state.kpi, "ja") in text
    assert "2026-11-09〜2026-11-15（Asia/Tokyo）・2026-11-15 終了時点" in text
    assert "主要KPIの進捗" in text and "グラフ 1点" in text
    assert [chart.filename for chart in report.charts] == ["weekly-2026-W46-main-kpis.png"]
    assert report.charts[0].png[:8] == PNG_MAGIC
    assert report.charts[0].title == "主要KPIの目標達成率の推移（2026-W46 時点、直近12期間）"
    assert (report.kind, report.period) == (ReportKind.WEEKLY, week)


def test_a_late_report_says_so(runtime: Runtime) -> None:
    report = compose_report(
        runtime, ReportKind.WEEKLY, period(ReportKind.WEEKLY, "2026-W46"), late=True
    )
    assert report.messages[0].text.startswith("【遅延】")
    assert "予定の時刻より遅れて" in shown(report)


def test_the_monthly_digest_holds_the_months_notes_and_a_chart_per_tier(runtime: Runtime) -> None:
    with runtime.database.write() as connection:
        for kind, text, at in (
            (NoteKind.MARKET, "競合A社が値下げ <!channel>", datetime(2026, 10, 5, 1, tzinfo=UTC)),
            (NoteKind.STRATEGY, "法人向けプランを検討", datetime(2026, 10, 31, 14, 59, tzinfo=UTC)),
            (NoteKind.MARKET, "11月のメモ", datetime(2026, 10, 31, 15, 0, tzinfo=UTC)),
        ):
            add_note(connection, kind=kind, text=text, author="U0AUTHOR", at=at)
    report = compose_report(runtime, ReportKind.MONTHLY, period(ReportKind.MONTHLY, "2026-10"))
    for message in report.messages:
        check_message(message)
    text = shown(report)
    assert "競合A社が値下げ &lt;!channel&gt;" in text and "法人向けプランを検討" in text
    assert "11月のメモ" not in text  # written on 1 November, local time
    assert "前月比" in text and "前年比" in text
    assert [chart.filename for chart in report.charts] == [
        "monthly-2026-10-strategic.png",
        "monthly-2026-10-business.png",
        "monthly-2026-10-operational.png",
        "monthly-2026-10-customer.png",
    ]
    assert all(chart.png[:8] == PNG_MAGIC for chart in report.charts)
    assert report.messages[0].text.endswith("メモ 2件")


def test_the_quarterly_review_before_phase_3_announces_it(runtime: Runtime) -> None:
    report = compose_report(runtime, ReportKind.QUARTERLY, period(ReportKind.QUARTERLY, "2026-Q2"))
    for message in report.messages:
        check_message(message)
    text = shown(report)
    assert "戦略KPI評価" in text and "次四半期から *Phase 3: 拡張期* に移行します" in text
    assert [chart.filename for chart in report.charts] == ["quarterly-2026-Q2-strategic.png"]


def test_a_report_in_english(demo_url: str, slack_api: MockWebApi) -> None:
    runtime = Runtime(make_settings(demo_url, slack_api, locale="en"))
    try:
        report = compose_report(runtime, ReportKind.WEEKLY, period(ReportKind.WEEKLY, "2026-W46"))
    finally:
        runtime.close()
    assert report.messages[0].text.startswith("Weekly team summary 2026-W46 (2026-11-09 to")
    assert report.charts[0].title.startswith("Main KPIs: attainment of target")


def test_a_period_of_another_kind_is_refused(runtime: Runtime) -> None:
    with pytest.raises(ValueError, match="not a weekly one"):
        compose_report(runtime, ReportKind.WEEKLY, period(ReportKind.MONTHLY, "2026-10"))


def test_a_report_as_text_reads_like_slack_with_its_charts_named(runtime: Runtime) -> None:
    report = compose_report(runtime, ReportKind.WEEKLY, period(ReportKind.WEEKLY, "2026-W46"))
    text = report_as_text(report)
    assert text.startswith("📊 週次チームサマリー 2026-W46\n🗓️ 対象期間: 2026-11-09〜2026-11-15")
    assert text.endswith(
        "\n\n[weekly-2026-W46-main-kpis.png]"
        " 主要KPIの目標達成率の推移（2026-W46 時点、直近12期間）\n"
    )
    assert "*" not in text and "&gt;" not in text  # markup dropped, entities undone
