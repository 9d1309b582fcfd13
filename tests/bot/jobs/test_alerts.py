"""The alert sweep end to end: a real database (SQLite and PostgreSQL), the outbox, the
deliverer and the mock Web API, time frozen and stepped every 15 minutes.

The KPI is the brand's search rank (recorded by hand, lower is better), judged in a copy of
the shipped catalog against a target of rank 10, so that whole ranks reach every level:
10 → 100 % green, 12 → 83.3 % yellow, 14 → 71.4 % orange, 15 → 66.7 % red.
"""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.cli.main import main
from bot.jobs.alerts import AlertSweep, refresh_living_message
from bot.jobs.delivery import Deliverer
from bot.jobs.scheduler import ReportScheduler
from bot.runtime import Runtime
from kpi_engine.alerts import AlertEvent
from kpi_engine.formulas import measured_kpis
from kpi_engine.levels import Level
from storage import alerts as stored_alerts
from storage.imports.ingest import validated_measurement, write_measurement
from tests.bot.conftest import make_settings
from tests.bot.mock_web_api import MockWebApi

START = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)
TEAM = "C0TEAM"
LEADERSHIP = "C0LEAD"
OWNER = "U0OWNER"
LEADS = "<!subteam^S0LEADS>"
KPI = "brand_search_rank"
GREEN, YELLOW, ORANGE, RED = 10, 12, 14, 15


def shifted_catalog(tmp_path: Path) -> Path:
    """The shipped catalog with the search rank's target at 10 and an owner."""
    text = resources.files("kpi_engine").joinpath("catalog.yaml").read_text("utf-8")
    start = text.index(f"  - id: {KPI}\n")
    end = text.index("  - id: ", start + 1)
    block = text[start:end]
    block = re.sub(r"\{value: 3, start: 2025-01-01", "{value: 10, start: 2025-01-01", block)
    block = block.replace("    judge: ratio\n", f"    judge: ratio\n    owner: {OWNER}\n", 1)
    path = tmp_path / "catalog.yaml"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return path


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def world(
    migrated_url: str, slack_api: MockWebApi, tmp_path: Path
) -> Iterator[tuple[Runtime, Clock]]:
    clock = Clock(START)
    settings = make_settings(
        migrated_url,
        slack_api,
        channel_team=TEAM,
        channel_leadership=LEADERSHIP,
        leadership_mention=LEADS,
        catalog=shifted_catalog(tmp_path),
    )
    runtime = Runtime(settings, clock=clock)
    with time_machine.travel(START, tick=False) as traveller:
        clock.traveller = traveller  # type: ignore[attr-defined]
        try:
            yield runtime, clock
        finally:
            runtime.close()


def record(runtime: Runtime, value: int) -> None:
    database = runtime.database
    measurement = validated_measurement(
        kpi=KPI,
        value=value,
        at=runtime.clock()
        - timedelta(minutes=1),  # before the sweep's moment, which it reads up to
        zone=database.zone,
        known_kpis=measured_kpis(runtime.catalog),
    )
    with database.write() as connection:
        write_measurement(connection, measurement, zone=database.zone, author=runtime.author())


def step(runtime: Runtime, clock: Clock, value: int | None = None) -> list[AlertEvent]:
    """Record a value (if given), sweep, deliver what is due, then move 15 minutes on."""
    if value is not None:
        record(runtime, value)
    outcomes = AlertSweep(runtime).run()
    Deliverer.from_runtime(runtime).deliver_due()
    clock.at += STEP
    clock.traveller.move_to(clock.at)  # type: ignore[attr-defined]
    return [event for outcome in outcomes if outcome.kpi == KPI for event in outcome.events]


def keyed(slack_api: MockWebApi, channel: str) -> list[dict[str, Any]]:
    """A channel's messages that carry an outbox key (not the charts shared in threads)."""
    return [message for message in slack_api.messages(channel) if key_of(message)]


def charts(slack_api: MockWebApi, channel: str) -> list[dict[str, Any]]:
    """The files shared in a channel's threads."""
    return [message for message in slack_api.messages(channel) if message.get("files")]


def block_types(blocks: Any) -> list[str]:
    listed = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [block["type"] for block in listed]


def key_of(message: dict[str, Any]) -> str:
    """The outbox key a message carries ("" for a shared file, which carries none)."""
    return str((message.get("metadata") or {}).get("event_payload", {}).get("key", ""))


def mentions(message: dict[str, Any]) -> set[str]:
    return set(re.findall(r"<[@!][^>]+>", message.get("text", "")))


def test_a_kpi_sliding_to_red_and_back_posts_edits_and_pings_exactly_as_routed(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    timeline = [
        (GREEN, []),
        (None, []),
        (YELLOW, []),
        (None, [AlertEvent.OPEN]),  # yellow: announced, never pushed
        (ORANGE, []),
        (None, [AlertEvent.ESCALATE]),  # orange: the living message, pinging the owner
        (RED, [AlertEvent.ESCALATE]),  # red at once: edit, reply and leadership, pinging
        (ORANGE, []),
        (None, [AlertEvent.DEESCALATE]),  # edit and reply, no ping
        (GREEN, []),
        (None, [AlertEvent.RESOLVE]),  # edit and reply, no ping
        (None, []),
    ]
    for value, expected in timeline:
        assert step(runtime, clock, value) == expected

    team = keyed(slack_api, TEAM)
    living, *replies = team
    (chart,) = charts(slack_api, TEAM)  # the KPI's recent attainment, in the thread
    assert chart["thread_ts"] == living["ts"]
    assert chart["files"][0]["name"] == f"alert-{KPI}-1.png"
    assert "thread_ts" not in living
    assert [reply.get("thread_ts") for reply in replies] == [living["ts"]] * 3
    assert living["edited"] == 3  # red, orange, resolved
    assert "解決" in living["text"]
    assert mentions(living) == set()  # the resolved version names no one

    first_post = slack_api.called("chat.postMessage")[0].body
    assert first_post["channel"] == TEAM
    assert f"<@{OWNER}>" in first_post["text"]
    assert "警戒" in first_post["text"]
    # The buttons (the actions part's) are on the open alert, and gone once it is resolved.
    assert "actions" in block_types(first_post["blocks"])
    assert "actions" not in block_types(living["blocks"])

    escalated, deescalated, resolved = replies
    assert mentions(escalated) == {f"<@{OWNER}>"}
    assert "緊急" in escalated["text"] and "緊急対策会議・戦略見直し" in escalated["text"]
    assert mentions(deescalated) == set() and "改善" in deescalated["text"]
    assert mentions(resolved) == set() and "解決" in resolved["text"]

    (leadership,) = slack_api.messages(LEADERSHIP)
    assert mentions(leadership) == {LEADS}
    assert "緊急対策会議・戦略見直し" in leadership["text"]

    assert len(slack_api.called("chat.postMessage")) == 5
    assert len(slack_api.called("files.completeUploadExternal")) == 1
    assert len(slack_api.called("chat.update")) == 3
    for call in slack_api.called("chat.postMessage") + slack_api.called("chat.update"):
        assert call.body["parse"] == "none"
        assert call.body["link_names"] in (False, "false", "0", 0)

    with runtime.database.read() as connection:
        state = next(s for s in stored_alerts.list_states(connection) if s.kpi == KPI)
        history = stored_alerts.history(connection, kpi=KPI)
    assert state.memory.level is Level.GREEN and state.memory.episode == 1
    assert state.message_key is None
    assert [entry.action for entry in reversed(history)] == [
        "open",
        "escalate",
        "escalate",
        "deescalate",
        "resolve",
    ]


def test_a_sweep_repeated_at_the_same_moment_queues_nothing_twice(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, _clock = world
    record(runtime, RED)
    first = AlertSweep(runtime).run()
    again = AlertSweep(runtime).run()
    Deliverer.from_runtime(runtime).deliver_due()
    assert [o.events for o in first if o.kpi == KPI] == [(AlertEvent.OPEN,)]
    assert [o.events for o in again if o.kpi == KPI] == [()]
    assert len(keyed(slack_api, TEAM)) == 1
    assert len(slack_api.messages(LEADERSHIP)) == 1


def test_a_dry_run_decides_and_renders_but_keeps_nothing(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, _clock = world
    record(runtime, RED)
    dry = AlertSweep(runtime).run(dry_run=True)
    (outcome,) = [o for o in dry if o.kpi == KPI]
    assert outcome.events == (AlertEvent.OPEN,)
    assert sorted(sent.channel for sent in outcome.queued) == [LEADERSHIP, TEAM]
    Deliverer.from_runtime(runtime).deliver_due()
    assert slack_api.called("chat.postMessage") == []
    real = AlertSweep(runtime).run()
    assert [o.events for o in real if o.kpi == KPI] == [(AlertEvent.OPEN,)]


def test_a_deleted_living_message_is_replaced_and_its_thread_follows(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    step(runtime, clock, ORANGE)
    step(runtime, clock)  # the living message
    (living,) = keyed(slack_api, TEAM)
    slack_api.delete_message(TEAM, living["ts"])
    step(runtime, clock, RED)  # the edit fails: a new living message, the reply in its thread
    Deliverer.from_runtime(runtime).deliver_due()
    team = keyed(slack_api, TEAM)
    top = [m for m in team if "thread_ts" not in m]
    assert len(top) == 1 and "緊急" in top[0]["text"]
    replies = [m for m in team if m.get("thread_ts") == top[0]["ts"]]
    assert len(replies) == 1 and mentions(replies[0]) == {f"<@{OWNER}>"}
    step(runtime, clock, GREEN)
    step(runtime, clock)  # resolved: edits the replacement
    Deliverer.from_runtime(runtime).deliver_due()
    assert keyed(slack_api, TEAM)[0]["edited"] == 1


def test_an_unacknowledged_red_alert_reminds_leadership_after_24_hours_not_before(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    step(runtime, clock, RED)
    clock.at = START + timedelta(hours=24) - timedelta(minutes=1)
    clock.traveller.move_to(clock.at)  # type: ignore[attr-defined]
    assert step(runtime, clock) == []
    clock.at = START + timedelta(hours=24)
    clock.traveller.move_to(clock.at)  # type: ignore[attr-defined]
    assert step(runtime, clock) == [AlertEvent.REMIND]
    leadership = slack_api.messages(LEADERSHIP)
    assert len(leadership) == 2
    assert mentions(leadership[1]) == {LEADS}
    assert "24" in leadership[1]["text"]


def test_an_acknowledged_red_alert_is_not_reminded(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    step(runtime, clock, RED)
    with runtime.database.write() as connection:
        assert stored_alerts.acknowledge(connection, kpi=KPI, episode=1, by="U0ACK", at=clock.at)
    clock.at = START + timedelta(days=3)
    clock.traveller.move_to(clock.at)  # type: ignore[attr-defined]
    assert step(runtime, clock) == []
    assert len(slack_api.messages(LEADERSHIP)) == 1


def test_alerts_check_dry_run_prints_what_would_be_sent_and_keeps_nothing(
    world: tuple[Runtime, Clock], slack_api: MockWebApi, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime, _clock = world
    record(runtime, RED)
    assert main(["alerts", "check", "--dry-run"], runtime) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{KPI}: 順調 → 緊急 [発生]"
    assert out[1].startswith(f"  → {LEADERSHIP} 経営陣への投稿: {LEADS} 🔴 緊急アラート: ")
    assert out[2] == f"  → {TEAM} 投稿: <@{OWNER}> 🔴 緊急アラート: ブランド認知度（検索順位）"
    assert out[3] == "（ドライラン: 何も保存・送信していません）"
    english = Runtime(runtime.settings.model_copy(update={"locale": "en"}), clock=runtime.clock)
    try:
        assert main(["alerts", "check", "--dry-run"], english) == 0
    finally:
        english.close()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{KPI}: on track → critical [opened]"
    assert out[1].startswith(f"  → {LEADERSHIP} leadership post: {LEADS} ")
    assert out[2].startswith(f"  → {TEAM} post: <@{OWNER}> ")
    with runtime.database.read() as connection:
        assert stored_alerts.history(connection) == []
    assert main(["alerts", "check"], runtime) == 0
    assert "送信キューに追加: 2 件" in capsys.readouterr().out
    assert main(["alerts", "check"], runtime) == 0
    assert "アラートの変化はありません" in capsys.readouterr().out


def test_alerts_history_lists_the_audit_log_of_one_kpi_newest_first(
    world: tuple[Runtime, Clock], capsys: pytest.CaptureFixture[str]
) -> None:
    runtime, clock = world
    assert main(["alerts", "history"], runtime) == 0
    assert "アラートの記録はまだありません" in capsys.readouterr().out
    step(runtime, clock, RED)
    step(runtime, clock, GREEN)
    step(runtime, clock)
    assert main(["alerts", "history", "ブランド認知度"], runtime) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"2026-11-10 09:30 {KPI} #1 スケジューラー: "
        "解決（緊急から順調へ、評価 順調、達成率 100.0 %）",
        f"2026-11-10 09:00 {KPI} #1 スケジューラー: "
        "発生（順調から緊急へ、評価 緊急、達成率 66.7 %）",
    ]
    english = Runtime(runtime.settings.model_copy(update={"locale": "en"}), clock=clock)
    try:
        assert main(["alerts", "history", KPI, "--limit", "1"], english) == 0
    finally:
        english.close()
    assert capsys.readouterr().out == (
        f"2026-11-10 09:30 {KPI} #1 scheduler: resolved (from critical to on track, "
        "evaluated on track, attainment 100.0 %)\n"
    )


def stale_notices(slack_api: MockWebApi) -> list[dict[str, Any]]:
    return [
        message
        for message in slack_api.messages(TEAM)
        if key_of(message).startswith(f"alert-stale:{KPI}:")
    ]


def test_data_older_than_its_cycle_raises_one_notice_per_staleness_episode(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    step(runtime, clock, GREEN)  # recorded at START - 1 min; monthly: 35 days allowed

    def at(moment: datetime) -> list[AlertEvent]:
        clock.at = moment
        clock.traveller.move_to(moment)  # type: ignore[attr-defined]
        return step(runtime, clock)

    recorded = START - timedelta(minutes=1)
    at(recorded + timedelta(days=35))
    assert stale_notices(slack_api) == []
    at(recorded + timedelta(days=35, minutes=15))
    at(recorded + timedelta(days=36))
    (notice,) = stale_notices(slack_api)
    assert mentions(notice) == {f"<@{OWNER}>"}
    assert "データ未更新" in notice["text"] and "35日" in notice["text"]
    # New data ends the episode; going stale again is a new one.
    step(runtime, clock, GREEN)
    at(clock.at + timedelta(days=36))
    assert len(stale_notices(slack_api)) == 2


def test_the_leading_scheduler_sweeps_within_a_heartbeat_of_a_manual_record(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, _clock = world
    leader_runtime = Runtime(
        runtime.settings.model_copy(update={"scheduler_heartbeat": 0.2}), clock=runtime.clock
    )
    scheduler = ReportScheduler(leader_runtime, holder="test:leader", poll=0.1)
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop,), daemon=True)
    thread.start()
    try:
        # The first sweep, at the lead, finds nothing (the interval is 15 minutes).
        deadline = time.monotonic() + 10
        while scheduler.alert_sweep_count == 0:
            assert time.monotonic() < deadline, "no first sweep"
            time.sleep(0.05)
        assert slack_api.messages(LEADERSHIP) == []
        record(runtime, RED)  # by another process: its own runtime and connection
        deadline = time.monotonic() + 20

        def alert_posts() -> list[dict[str, Any]]:
            return [m for m in slack_api.messages(TEAM) if key_of(m).startswith(f"alert:{KPI}:")]

        # Delivered in the order queued, the leadership's post first: wait for both.
        while not (slack_api.messages(LEADERSHIP) and alert_posts()):
            assert time.monotonic() < deadline, "no sweep after the record"
            time.sleep(0.05)
        assert len(alert_posts()) == 1  # the team channel also has the late weekly summary
    finally:
        stop.set()
        thread.join(timeout=10)
        leader_runtime.close()


def test_two_schedulers_sweeping_at_once_announce_each_change_once(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, _clock = world
    record(runtime, RED)
    other = Runtime(runtime.settings, clock=runtime.clock)  # a second process
    try:
        barrier = threading.Barrier(2)
        found: list[list[AlertEvent]] = []

        def sweep(which: Runtime) -> None:
            barrier.wait()
            outcomes = AlertSweep(which).run()
            found.append([e for o in outcomes if o.kpi == KPI for e in o.events])

        threads = [threading.Thread(target=sweep, args=(r,)) for r in (runtime, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(found) == [[], [AlertEvent.OPEN]]
        Deliverer.from_runtime(runtime).deliver_due()
        assert len([m for m in slack_api.messages(TEAM) if key_of(m).startswith("alert:")]) == 1
        assert len(slack_api.messages(LEADERSHIP)) == 1
        with runtime.database.read() as connection:
            assert [e.action for e in stored_alerts.history(connection, kpi=KPI)] == ["open"]
    finally:
        other.close()


def test_a_snooze_suppresses_reminders_and_its_end_is_said_in_the_thread(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    step(runtime, clock, RED)
    until = START + timedelta(days=2)
    with runtime.database.write() as connection:
        assert stored_alerts.snooze(
            connection, kpi=KPI, episode=1, by="U0SNOOZE", until=until, reason="会議待ち", at=START
        )
    clock.at = START + timedelta(hours=30)  # a reminder would be due: the snooze holds it
    clock.traveller.move_to(clock.at)  # type: ignore[attr-defined]
    assert step(runtime, clock) == []
    clock.at = until
    clock.traveller.move_to(clock.at)  # type: ignore[attr-defined]
    assert step(runtime, clock) == [AlertEvent.SNOOZE_ENDED, AlertEvent.REMIND]
    (living, ended) = keyed(slack_api, TEAM)
    assert ended["thread_ts"] == living["ts"] and "スヌーズが終了しました" in ended["text"]
    assert mentions(ended) == set()
    assert len(slack_api.messages(LEADERSHIP)) == 2  # the red post, then the reminder


def test_an_acknowledgement_is_shown_by_an_edit_of_the_living_message(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    assert not refresh_living_message(runtime, KPI, clock.at)  # no alert yet
    step(runtime, clock, RED)
    with runtime.database.write() as connection:
        stored_alerts.acknowledge(connection, kpi=KPI, episode=1, by="U0ACK", at=clock.at)
    assert refresh_living_message(runtime, KPI, clock.at)
    Deliverer.from_runtime(runtime).deliver_due()
    (living,) = keyed(slack_api, TEAM)
    assert living["edited"] == 1 and "<@U0ACK>" in str(living["blocks"])


def reminders(slack_api: MockWebApi) -> list[dict[str, Any]]:
    return [m for m in keyed(slack_api, TEAM) if ":remind:" in key_of(m)]


def test_an_unacknowledged_orange_alert_is_reminded_in_its_thread_every_72_hours_only(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    scheduler = ReportScheduler(runtime, holder="test:leader")
    announced = START + STEP  # the second orange evaluation

    def hours(count: int) -> datetime:
        return announced + timedelta(hours=count)

    def sweep_at(moment: datetime, value: int | None = None) -> None:
        """What the scheduler's alert and delivery threads do at a moment."""
        clock.at = moment
        clock.traveller.move_to(moment)  # type: ignore[attr-defined]
        if value is not None:
            record(runtime, value)
        scheduler.sweep_alerts()
        scheduler.deliverer.deliver_due()

    sweep_at(START, ORANGE)
    sweep_at(announced)  # the living message, pinging the owner
    (living,) = keyed(slack_api, TEAM)
    sweep_at(hours(72) - STEP)
    assert reminders(slack_api) == []
    sweep_at(hours(72))
    (reminder,) = reminders(slack_api)
    assert reminder["thread_ts"] == living["ts"]
    assert mentions(reminder) == {f"<@{OWNER}>"} and "72" in reminder["text"]
    assert slack_api.messages(LEADERSHIP) == []  # orange never goes to leadership
    # Snoozed from 80 h to 160 h: the reminder due at 144 h waits for the snooze's end.
    with runtime.database.write() as connection:
        assert stored_alerts.snooze(
            connection,
            kpi=KPI,
            episode=1,
            by="U0SNOOZE",
            until=hours(160),
            reason="調査中",
            at=hours(80),
        )
    sweep_at(hours(144))
    sweep_at(hours(160) - STEP)
    assert len(reminders(slack_api)) == 1
    sweep_at(hours(160))
    assert len(reminders(slack_api)) == 2
    assert "スヌーズが終了しました" in keyed(slack_api, TEAM)[-2]["text"]
    # Acknowledged: no reminder at 232 h; resolved: none ever after.
    with runtime.database.write() as connection:
        assert stored_alerts.acknowledge(connection, kpi=KPI, episode=1, by="U0ACK", at=hours(161))
    sweep_at(hours(232))
    sweep_at(hours(233), GREEN)
    sweep_at(hours(233) + STEP)
    assert "解決" in keyed(slack_api, TEAM)[-1]["text"]
    sweep_at(hours(400))
    assert len(reminders(slack_api)) == 2


def test_a_sweep_of_unchanged_data_records_only_each_kpi_s_moment_of_evaluation(
    world: tuple[Runtime, Clock], slack_api: MockWebApi
) -> None:
    runtime, clock = world
    sweep = AlertSweep(runtime)  # one per process, as the scheduler holds it
    record(runtime, RED)
    for _ in range(3):  # opens, then the runs fill up
        sweep.run()
        clock.at += STEP
    with runtime.database.read() as connection:
        before = {s.kpi: s for s in stored_alerts.list_states(connection)}
    outcomes = sweep.run()
    assert all(outcome.events == () and not outcome.queued for outcome in outcomes)
    with runtime.database.read() as connection:
        after = {s.kpi: s for s in stored_alerts.list_states(connection)}
        assert [e.action for e in stored_alerts.history(connection, kpi=KPI)] == ["open"]
    assert set(after) == set(before)
    for kpi, state in after.items():
        assert state.memory.evaluated_at == clock.at
        assert replace(state.memory, evaluated_at=None) == replace(
            before[kpi].memory, evaluated_at=None
        )
