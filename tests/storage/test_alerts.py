"""Alert states and the audit log, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kpi_engine.alerts import AlertMemory, AlertPolicy, Observation, decide
from kpi_engine.levels import Level
from storage import alerts
from storage.db import Database

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def red_alert(database: Database, kpi: str = "nps") -> AlertMemory:
    with database.write() as connection:
        alerts.ensure_states(connection, [kpi])
        stored = alerts.lock_state(connection, kpi)
        decision = decide(
            stored.memory, Observation(Level.RED, "nps_at_most_50"), AT, AlertPolicy()
        )
        alerts.save_state(connection, kpi, decision.after, message_key=f"alert:{kpi}:1")
    return decision.after


def test_a_state_is_stored_and_read_back_whole(database: Database) -> None:
    memory = red_alert(database)
    with database.write() as connection:
        alerts.ensure_states(connection, ["nps", "mrr"])  # an existing row is left alone
        stored = {alert.kpi: alert for alert in alerts.list_states(connection)}
    assert stored["nps"].memory == memory
    assert stored["nps"].message_key == "alert:nps:1"
    assert stored["mrr"].memory == AlertMemory()
    assert memory.level is Level.RED and memory.episode == 1


def test_acknowledging_an_open_episode_is_recorded_once(database: Database) -> None:
    red_alert(database)
    with database.write() as connection:
        assert alerts.acknowledge(connection, kpi="nps", episode=1, by="U0ACK", at=AT)
        assert not alerts.acknowledge(connection, kpi="nps", episode=1, by="U0OTHER", at=AT)
        assert not alerts.acknowledge(connection, kpi="nps", episode=2, by="U0ACK", at=AT)
        stored = alerts.lock_state(connection, "nps")
    assert stored.acknowledged_by == "U0ACK"
    assert stored.memory.acknowledged_at == AT


def test_a_snooze_needs_an_open_episode_a_reason_and_a_later_end(database: Database) -> None:
    red_alert(database)
    until = AT + timedelta(days=1)
    with database.write() as connection:
        with pytest.raises(ValueError, match="reason"):
            alerts.snooze(
                connection, kpi="nps", episode=1, by="U0S", until=until, reason=" ", at=AT
            )
        with pytest.raises(ValueError, match="after"):
            alerts.snooze(connection, kpi="nps", episode=1, by="U0S", until=AT, reason="x", at=AT)
        assert not alerts.snooze(
            connection, kpi="nps", episode=9, by="U0S", until=until, reason="会議待ち", at=AT
        )
        assert alerts.snooze(
            connection, kpi="nps", episode=1, by="U0S", until=until, reason="会議待ち", at=AT
        )
        stored = alerts.lock_state(connection, "nps")
    assert (stored.snoozed_by, stored.snooze_reason) == ("U0S", "会議待ち")
    assert stored.memory.snoozed_until == until


def test_saving_a_state_without_snooze_or_acknowledgement_clears_who(database: Database) -> None:
    memory = red_alert(database)
    with database.write() as connection:
        alerts.acknowledge(connection, kpi="nps", episode=1, by="U0ACK", at=AT)
        alerts.save_state(connection, "nps", memory, message_key=None)
        stored = alerts.lock_state(connection, "nps")
    assert stored.acknowledged_by is None and stored.message_key is None


def test_the_audit_log_lists_newest_first_per_kpi(database: Database) -> None:
    with database.write() as connection:
        for minute, kpi in enumerate(["nps", "mrr", "nps"]):
            alerts.audit(
                connection,
                at=AT + timedelta(minutes=minute),
                kpi=kpi,
                episode=1,
                actor="scheduler",
                action="open",
                detail={"level": "red", "値": 42},
            )
        with pytest.raises(ValueError):
            alerts.audit(connection, at=AT, kpi="nps", episode=1, actor="", action="x", detail={})
        with pytest.raises(ValueError):
            alerts.audit(
                connection,
                at=AT.replace(tzinfo=None),
                kpi="nps",
                episode=1,
                actor="U0",
                action="x",
                detail={},
            )
    with database.read() as connection:
        nps = alerts.history(connection, kpi="nps")
        every = alerts.history(connection, limit=2)
    assert [entry.at for entry in nps] == [AT + timedelta(minutes=2), AT]
    assert nps[0].detail == {"level": "red", "値": 42}
    assert [entry.kpi for entry in every] == ["nps", "mrr"]


def test_open_alerts_are_worst_first(database: Database) -> None:
    red_alert(database, "nps")
    with database.write() as connection:
        alerts.ensure_states(connection, ["mrr", "csat"])
        orange = AlertMemory(level=Level.ORANGE, episode=1, opened_at=AT, level_since=AT)
        alerts.save_state(connection, "mrr", orange, message_key=None)
        listed = alerts.open_alerts(connection)
    assert [alert.kpi for alert in listed] == ["nps", "mrr"]


def test_locking_a_state_without_a_row_says_so(database: Database) -> None:
    with database.write() as connection, pytest.raises(LookupError):
        alerts.lock_state(connection, "nps")
