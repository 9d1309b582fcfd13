"""A month of alerts on the demo data, as the scheduler runs it: the README's alert timeline.

Time is frozen and stepped every 15 minutes for 30 days from the day after the demo data
ends. At every step the scheduler's own alert sweep and delivery run (what its two threads
do at each `KPIBOT_ALERT_INTERVAL_MINUTES`) on a real database, against the mock Web API;
people press the alert's buttons as Slack sends them (signed requests to the web app), and
the brand's search rank is recorded by hand at chosen moments so that one KPI goes through
every transition. Halfway through, every object in memory (runtime, scheduler, sweep,
deliverer, the app and its membership cache) is dropped and built again from the database.

Every post, thread reply, chart and edit Slack receives is written as one line of a
timeline, which must be, line for line, the block the README shows under "The alert
timeline"; no post carries a key twice, and each edit is one outbox item sent once.
The same month runs on SQLite and on PostgreSQL, to the same timeline. 2,880 steps take
minutes, not seconds: the test is marked `acceptance` and runs as `.ci/run`'s second step
(`pytest -m acceptance`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.http.server import create_web_app
from bot.jobs.scheduler import ReportScheduler
from bot.runtime import Runtime
from bot.settings import Settings
from kpi_engine.catalog import load_catalog
from kpi_engine.formulas import measured_kpis
from kpi_engine.levels import Level
from storage import alerts as stored_alerts
from storage.db import open_database
from storage.demo.rows import demo_import_rows, demo_types
from storage.imports.ingest import import_rows, validated_measurement, write_measurement
from storage.schema import OutboxItem
from tests.authors import TEST_AUTHOR
from tests.bot.conftest import (
    DEMO_SCALE,
    MEMBER,
    TODAY,
    SlackAppServer,
    make_settings,
    serve_in_thread,
)
from tests.bot.jobs.test_alerts import KPI, OWNER, Clock, shifted_catalog
from tests.bot.mock_web_api import Call, MockWebApi
from tests.bot.slack.listeners.test_alert_buttons import (
    action_values,
    answer_to,
    modal_opened,
    press,
    snooze_values,
    submission,
)

pytestmark = pytest.mark.acceptance

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 11, 24, 0, 0, tzinfo=TOKYO)  # the day after the demo data's last
STEP = timedelta(minutes=15)
STEPS = 30 * 24 * 4
RESTART_AT = datetime(2026, 12, 9, 0, 0, tzinfo=TOKYO)
ALERTS, LEADERSHIP = "C0ALERTS", "C0LEAD"
LEADS = "<!subteam^S0LEADS>"
CHANNEL_NAMES = {ALERTS: "#alerts", LEADERSHIP: "#leadership"}
README = Path(__file__).resolve().parents[3] / "README.md"
GREEN, YELLOW, ORANGE, RED = 10, 12, 14, 15


@dataclass
class Process:
    """What one scheduler process and one web process hold in memory."""

    runtime: Runtime
    scheduler: ReportScheduler
    app: SlackAppServer
    stop_app: Callable[[], None]

    def close(self) -> None:
        self.stop_app()
        self.runtime.services.followups.close()
        self.runtime.close()


def start_process(settings: Settings, clock: Clock, slack_api: MockWebApi) -> Process:
    runtime = Runtime(settings, clock=clock)
    server, _thread = serve_in_thread(create_web_app(runtime.services))

    def stop() -> None:
        server.shutdown()
        server.server_close()

    app = SlackAppServer(f"http://127.0.0.1:{server.server_port}", slack_api)
    return Process(runtime, ReportScheduler(runtime, holder="month:1"), app, stop)


@dataclass
class Month:
    """The simulation's state: the processes, the clock and the lines written so far."""

    settings: Settings
    clock: Clock
    slack_api: MockWebApi
    process: Process
    lines: list[str] = field(default_factory=list)

    @property
    def now(self) -> datetime:
        return self.clock.at

    def restart(self) -> None:
        self.process.close()
        self.process = start_process(self.settings, self.clock, self.slack_api)

    def record(self, rank: int) -> None:
        """Record the brand's search rank, taken a minute ago, as `kpibot record` does."""
        runtime = self.process.runtime
        database = runtime.database
        measurement = validated_measurement(
            kpi=KPI,
            value=rank,
            at=self.now - timedelta(minutes=1),
            zone=database.zone,
            known_kpis=measured_kpis(runtime.catalog),
        )
        with database.write() as connection:
            write_measurement(connection, measurement, zone=database.zone, author=runtime.author())

    def episode(self, kpi: str) -> int:
        with self.process.runtime.database.read() as connection:
            (state,) = [s for s in stored_alerts.list_states(connection) if s.kpi == kpi]
        return state.memory.episode

    def acknowledge(self, kpi: str, *, user: str = MEMBER) -> None:
        value = f"v1|{kpi}|{self.episode(kpi)}"
        payload = press(self.slack_api, "alert_acknowledge", value, user=user, channel=ALERTS)
        assert "確認済みにしました" in answer_to(self.process.app, self.slack_api, payload)

    def acknowledge_every_red_alert(self) -> None:
        with self.process.runtime.database.read() as connection:
            red = [
                a.kpi for a in stored_alerts.open_alerts(connection) if a.memory.level is Level.RED
            ]
        assert red
        for kpi in red:
            self.acknowledge(kpi)

    def _modal(self, action_id: str) -> dict[str, Any]:
        before = len(self.slack_api.called("views.open"))
        value = f"v1|{KPI}|{self.episode(KPI)}"
        payload = press(self.slack_api, action_id, value, user=OWNER, channel=ALERTS)
        assert self.process.app.action(payload).status == 200
        return modal_opened(self.slack_api, before)

    def snooze_for_a_day(self) -> None:
        view = self._modal("alert_snooze")
        answer = self.process.app.action(
            submission(view, snooze_values("1d", "原因を調査中"), user=OWNER)
        )
        assert answer.status == 200 and not answer.raw.strip()

    def record_an_action(self) -> None:
        view = self._modal("alert_record_action")
        values = action_values("検索広告の入札を見直す", OWNER, "2026-12-18")
        good = submission(view, values, user=OWNER)
        assert self.process.app.action(good).status == 200
        assert self.process.app.action(good).status == 200  # Slack retrying it: one action


def at(day: int, hour: int, minute: int = 0) -> datetime:
    month = 11 if day >= 24 else 12
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


# What people and data do, and when (local time). The scheduler's steps do the rest.
SCRIPT: dict[datetime, Callable[[Month], None]] = {
    at(24, 0, 15): Month.acknowledge_every_red_alert,  # the demo data's red alerts, seen
    at(24, 9): lambda month: month.record(YELLOW),
    at(24, 12): lambda month: month.record(ORANGE),
    at(24, 13): Month.snooze_for_a_day,
    at(24, 18): lambda month: month.record(RED),  # red breaks through the snooze
    at(26, 9): lambda month: month.acknowledge(KPI, user=OWNER),  # after one red reminder
    at(26, 12): lambda month: month.record(ORANGE),
    at(27, 9): lambda month: month.record(GREEN),
    at(1, 9): lambda month: month.record(ORANGE),  # episode 2, left unacknowledged
    at(3, 10): lambda month: month.acknowledge("revenue_growth_yoy"),  # after two reminders
    at(10, 10): Month.record_an_action,
    at(10, 11): lambda month: month.acknowledge("content_updates"),  # reminded across a restart
    at(12, 9): lambda month: month.record(GREEN),
}


def key_of(body: dict[str, Any]) -> str:
    metadata = body.get("metadata")
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    return str(((metadata or {}).get("event_payload") or {}).get("key", ""))


def pings(text: str) -> str:
    return " ".join(re.findall(r"<(?:@U|!subteam\^)[A-Z0-9]+>", text))


def timeline_line(call: Call, moment: datetime, threads: dict[str, str]) -> str | None:
    """One line of the timeline for a call that adds or changes a message, else None.

    An edit carries its message's key (the outbox's metadata); `threads` maps each living
    message's ts to its key, for the charts shared in its thread, which carry none.
    """
    body = call.body
    when = f"{moment.astimezone(TOKYO):%m-%d %H:%M}"
    channel = CHANNEL_NAMES.get(str(body.get("channel") or body.get("channel_id")), "?")
    if call.method == "chat.postMessage":
        key = key_of(body)
        parts = key.split(":")
        if key.startswith("alert-stale:"):
            subject, event = parts[1], "data missing"
        else:
            subject, event = f"{parts[1]} #{parts[2]}", parts[3]
        kind = "reply" if body.get("thread_ts") else "post"
        if kind == "post" and event == "post":
            event = "living message"
        mentioned = pings(str(body.get("text", "")))
        return f"{when}  {channel:<11} {kind:<5} {subject:<26} {event} {mentioned}".rstrip()
    if call.method == "chat.update":
        kpi, episode = key_of(body).split(":")[1:3]
        return f"{when}  {channel:<11} edit  {kpi + ' #' + episode:<26} updated"
    if call.method == "files.completeUploadExternal":
        parent = threads[str(body["thread_ts"])]
        kpi, episode = parent.split(":")[1:3]
        return f"{when}  {channel:<11} chart {kpi + ' #' + episode:<26} attainment chart"
    return None


def readme_timeline() -> list[str]:
    text = README.read_text("utf-8")
    section = text[text.index("### The alert timeline") :]
    block = section[section.index("```text\n") + len("```text\n") :]
    return block[: block.index("```")].rstrip("\n").split("\n")


def load_demo_data(url: str) -> None:
    """The demo company's data, as `kpibot demo` loads it (the tests' scale and day)."""
    database = open_database(url, TOKYO)
    known = measured_kpis(load_catalog())
    try:
        for event_type in demo_types():
            rows = demo_import_rows(event_type, today=TODAY, tz=TOKYO, scale=DEMO_SCALE)
            import_rows(database, rows, known_kpis=known, author=TEST_AUTHOR)
    finally:
        database.engine.dispose()


@pytest.fixture
def month(migrated_url: str, slack_api: MockWebApi, tmp_path: Path) -> Iterator[Month]:
    """The month's start on the demo data, on SQLite and on PostgreSQL."""
    load_demo_data(migrated_url)
    settings = make_settings(
        migrated_url,
        slack_api,
        channel_alerts=ALERTS,
        channel_leadership=LEADERSHIP,
        leadership_mention=LEADS,
        catalog=shifted_catalog(tmp_path),
    )
    slack_api.set_members(ALERTS, [MEMBER, OWNER])
    clock = Clock(START)
    with time_machine.travel(START, tick=False) as traveller:
        clock.traveller = traveller  # type: ignore[attr-defined]
        simulated = Month(settings, clock, slack_api, start_process(settings, clock, slack_api))
        try:
            yield simulated
        finally:
            simulated.process.close()


def test_a_month_on_the_demo_data_sends_the_readme_s_alert_timeline_once_across_a_restart(
    month: Month, slack_api: MockWebApi
) -> None:
    threads: dict[str, str] = {}
    for number in range(STEPS):
        moment = START + number * STEP
        month.clock.at = moment
        month.clock.traveller.move_to(moment)  # type: ignore[attr-defined]
        if moment == RESTART_AT:
            month.restart()
        seen = len(slack_api.calls)
        if moment in SCRIPT:
            SCRIPT[moment](month)
        month.process.scheduler.sweep_alerts()
        month.process.scheduler.deliverer.deliver_due()
        for message in slack_api.messages(ALERTS):
            key = key_of(message)
            if key.startswith("alert:") and "thread_ts" not in message:
                threads.setdefault(str(message["ts"]), key)
        for call in slack_api.calls[seen:]:
            line = timeline_line(call, moment, threads)
            if line is not None:
                month.lines.append(line)

    posted = [key_of(call.body) for call in slack_api.called("chat.postMessage")]
    assert len(posted) == len(set(posted)), "a post was sent twice"
    with month.process.runtime.database.read() as connection:
        updates = connection.execute(
            select(OutboxItem.key, OutboxItem.status).where(OutboxItem.kind == "update")
        ).all()
    assert {status for _key, status in updates} == {"sent"}
    assert len(slack_api.called("chat.update")) == len(updates)
    assert month.lines == readme_timeline()
