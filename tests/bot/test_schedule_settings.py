"""The scheduled reports' settings: channels, crontab schedules and grace windows."""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.settings_problems import settings_error_text
from kpi_engine.reports import ReportKind
from tests.bot.conftest import Kpibot


@pytest.fixture(autouse=True)
def _in_an_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_by_default_no_report_has_a_channel_and_the_document_s_rhythm_applies() -> None:
    settings = load_settings()
    assert [settings.report_channel(kind) for kind in ReportKind] == [None, None, None]
    weekly = settings.report_schedule(ReportKind.WEEKLY).trigger_fields()
    assert (weekly["day_of_week"], weekly["hour"], weekly["minute"]) == ("mon", "9", "0")
    monthly = settings.report_schedule(ReportKind.MONTHLY).trigger_fields()
    assert (monthly["day"], monthly["hour"]) == ("1", "9")
    quarterly = settings.report_schedule(ReportKind.QUARTERLY).trigger_fields()
    assert (quarterly["month"], quarterly["day"], quarterly["hour"]) == ("1,4,7,10", "1", "10")
    assert settings.report_grace(ReportKind.WEEKLY) == timedelta(hours=24)
    assert settings.report_grace(ReportKind.MONTHLY) == timedelta(hours=72)
    assert settings.report_grace(ReportKind.QUARTERLY) == timedelta(hours=72)


def test_each_report_goes_to_its_own_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOT_CHANNEL_TEAM", "C0TEAM")
    monkeypatch.setenv("KPIBOT_CHANNEL_STAKEHOLDERS", " G0STAKE ")
    monkeypatch.setenv("KPIBOT_CHANNEL_LEADERSHIP", "")
    monkeypatch.setenv("KPIBOT_SCHEDULE_WEEKLY", "30 8 * * 0")
    monkeypatch.setenv("KPIBOT_GRACE_MONTHLY_HOURS", "12.5")
    settings = load_settings()
    assert settings.report_channel(ReportKind.WEEKLY) == "C0TEAM"
    assert settings.report_channel(ReportKind.MONTHLY) == "G0STAKE"
    assert settings.report_channel(ReportKind.QUARTERLY) is None
    assert settings.report_schedule(ReportKind.WEEKLY).weekdays == ("sun",)
    assert settings.report_grace(ReportKind.MONTHLY) == timedelta(hours=12, minutes=30)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("KPIBOT_CHANNEL_TEAM", "#general", "KPIBOT_CHANNEL_TEAM: not a Slack channel id"),
        ("KPIBOT_CHANNEL_LEADERSHIP", "U012AB3CD", "KPIBOT_CHANNEL_LEADERSHIP: not a Slack"),
        (
            "KPIBOT_SCHEDULE_WEEKLY",
            "0 9 * * 8",
            "KPIBOT_SCHEDULE_WEEKLY: day of week 8 is outside 0-7 (0 and 7 are Sunday)",
        ),
        ("KPIBOT_SCHEDULE_MONTHLY", "monthly", "KPIBOT_SCHEDULE_MONTHLY: 'monthly' has 1"),
        ("KPIBOT_SCHEDULE_QUARTERLY", "0 10 1 1 1", "restricts both the day of month"),
        ("KPIBOT_GRACE_WEEKLY_HOURS", "0", "KPIBOT_GRACE_WEEKLY_HOURS: must be greater than 0"),
        ("KPIBOT_GRACE_WEEKLY_HOURS", "169", "KPIBOT_GRACE_WEEKLY_HOURS: must be at most 168"),
        (
            "KPIBOT_GRACE_QUARTERLY_HOURS",
            "soon",
            "KPIBOT_GRACE_QUARTERLY_HOURS: 'soon' is not a number",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable_and_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    in_english = settings_error_text(refused.value, "en")
    assert message in in_english
    if variable.startswith("KPIBOT_SCHEDULE"):
        assert "crontab syntax" in in_english


@pytest.mark.parametrize(
    ("value", "japanese", "english"),
    [
        (
            "0 9 * * 8",
            "曜日の 8 は 0〜7 の範囲外です（0 と 7 が日曜）",
            "day of week 8 is outside 0-7 (0 and 7 are Sunday)",
        ),
        (
            "0 9 * * 5-1",
            "曜日の範囲 '5-1' が逆順です（1-5 と書いてください）",
            "day of week range '5-1' runs backwards (write 1-5)",
        ),
        (
            "0 9 * * funday",
            "曜日の 'funday' は 0〜7 の数でも、sun のような名前でもありません",
            "day of week 'funday' is not a number 0-7 or a name such as sun",
        ),
    ],
)
def test_a_bad_schedule_is_said_in_japanese_and_in_english(
    monkeypatch: pytest.MonkeyPatch, value: str, japanese: str, english: str
) -> None:
    monkeypatch.setenv("KPIBOT_SCHEDULE_WEEKLY", value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert settings_error_text(refused.value, "ja") == (
        f"KPIBOT_SCHEDULE_WEEKLY: {japanese}（KPIBOT_TIMEZONE での crontab の書式: "
        "分 時 日 月 曜日、日曜は 0 か 7）"
    )
    assert settings_error_text(refused.value, "en") == (
        f"KPIBOT_SCHEDULE_WEEKLY: {english} (crontab syntax in KPIBOT_TIMEZONE: minute hour "
        "day-of-month month day-of-week, with 0 or 7 for Sunday)"
    )


def test_a_bad_schedule_stops_any_command_at_start_with_exit_code_2(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    done = kpibot(
        "status", cwd=tmp_path, environment={"KPIBOT_SCHEDULE_WEEKLY": "0 9 * * mon-sun-x"}
    )
    assert done.returncode == 2
    assert done.stderr.startswith("kpibot: 設定エラー: KPIBOT_SCHEDULE_WEEKLY:")
