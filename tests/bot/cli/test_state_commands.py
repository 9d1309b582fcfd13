"""`kpibot show` and `kpibot status`: as of when, labelled how, and the JSON's targets."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.runtime import Runtime
from kpi_engine.catalog import load_catalog
from tests.bot.conftest import TOKYO, Kpibot, make_settings
from tests.bot.mock_web_api import MockWebApi

# What `kpibot status` prints under its title: "2026-11-30 13:27 時点".
_MOMENT = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d) 時点$", re.MULTILINE)


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def test_status_without_at_is_as_of_the_minute_it_ran(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    before = _minute(datetime.now(TOKYO))
    finished = kpibot("status", cwd=tmp_path, database=demo_url)
    after = _minute(datetime.now(TOKYO))
    assert finished.returncode == 0, finished.stderr
    labels = _MOMENT.findall(finished.stdout)
    assert len(labels) == 1, finished.stdout
    shown = datetime.strptime(labels[0], "%Y-%m-%d %H:%M").replace(tzinfo=TOKYO)
    assert before <= shown <= after
    assert "終了時点" not in finished.stdout


def test_now_is_the_runtimes_clock_for_the_cli_and_for_slack(
    tmp_path: Path, demo_url: str, slack_api: MockWebApi, capsys: pytest.CaptureFixture[str]
) -> None:
    moment = datetime(2026, 11, 23, 13, 27, 45, tzinfo=TOKYO)
    runtime = Runtime(make_settings(demo_url, slack_api), clock=lambda: moment)
    try:
        assert main(["show", "nps"], runtime) == 0
        assert "2026-11-23 13:27 時点" in capsys.readouterr().out
        assert main(["status", "--json"], runtime) == 0
        assert {state["as_of"] for state in json.loads(capsys.readouterr().out)} == {
            "2026-11-23T13:27:45+09:00"
        }
        # `/kpi nps` in Slack reads the same clock.
        answer = runtime.services.reply("nps", user_id="U0DEMO", channel_id="C0DEMO").message
        assert answer is not None
        assert "2026-11-23 13:27 時点" in answer.as_payload()["blocks"][-1]["elements"][-1]["text"]
    finally:
        runtime.services.followups.close()
        runtime.close()


@pytest.mark.parametrize(
    ("locale", "label"),
    [("ja", "2026-11-23 終了時点"), ("en", "as of the end of 2026-11-23")],
)
def test_at_a_date_is_labelled_the_end_of_that_day(
    kpibot: Kpibot, tmp_path: Path, demo_url: str, locale: str, label: str
) -> None:
    environment = {"KPIBOT_LOCALE": locale}
    for command in (("status",), ("show", "nps")):
        finished = kpibot(
            *command, "--at", "2026-11-23", cwd=tmp_path, database=demo_url, environment=environment
        )
        assert finished.returncode == 0, finished.stderr
        assert label in finished.stdout
        assert "2026-11-24" not in finished.stdout  # not the next day's 00:00


def test_the_json_says_the_moment_and_each_periods_own_target(
    kpibot: Kpibot, tmp_path: Path, demo_url: str
) -> None:
    finished = kpibot(
        "show", "nps", "--json", "--at", "2026-11-23", cwd=tmp_path, database=demo_url
    )
    assert finished.returncode == 0, finished.stderr
    state = json.loads(finished.stdout)
    assert state["as_of"] == "2026-11-24T00:00:00+09:00"  # the end of 2026-11-23
    phase3 = {"value": 75.0, "due": "2027-06-30", "phase": "phase3", "judged": 75.0}
    assert state["target"] == phase3
    assert state["current"]["target"] == state["previous"]["target"] == phase3
    # A year earlier, Phase 2's 70 was in force.
    assert state["last_year"]["target"] == {
        "value": 70.0,
        "due": "2025-12-31",
        "phase": "phase2",
        "judged": 70.0,
    }


def test_the_target_in_force_is_in_the_json_and_the_text_when_no_period_has_data(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str
) -> None:
    finished = kpibot("status", "--json", "--at", "2026-11-23", cwd=tmp_path, database=migrated_url)
    assert finished.returncode == 0, finished.stderr
    states = {state["kpi"]: state for state in json.loads(finished.stdout)}
    # Every KPI of the catalog has had a target since 2025-01-01.
    assert set(states) == {kpi.id for kpi in load_catalog().kpis}
    assert states["nps"]["level"] == "no_data" and states["nps"]["current"]["value"] is None
    missing = [kpi for kpi, state in states.items() if state["target"] is None]
    assert not missing, f"no target in force for {missing}"
    assert states["nps"]["target"] == {
        "value": 75.0,
        "due": "2027-06-30",
        "phase": "phase3",
        "judged": 75.0,
    }
    shown = kpibot("show", "nps", "--at", "2026-11-23", cwd=tmp_path, database=migrated_url)
    assert "目標: 75.0 pt / Phase 3 2027年6月末目標" in shown.stdout
    assert "目標は設定されていません" not in shown.stdout


def test_rows_timed_later_today_are_not_counted_now(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str
) -> None:
    today = datetime.now(TOKYO).date()
    later = datetime.combine(today, datetime.max.time(), tzinfo=TOKYO) - timedelta(seconds=1)
    (tmp_path / "payments.csv").write_text(
        "type,id,at,customer,amount,recurring\n"
        f"payment,p1,{today.isoformat()}T00:00:00+09:00,c1,1000,true\n"
        f"payment,p2,{later.isoformat(timespec='seconds')},c2,5000,true\n",
        encoding="utf-8",
    )
    stored = kpibot("ingest", "payments.csv", cwd=tmp_path, database=migrated_url)
    assert stored.returncode == 0, stored.stderr
    shown = kpibot("show", "mrr", "--json", cwd=tmp_path, database=migrated_url)
    assert json.loads(shown.stdout)["current"]["value"] == 1000.0
