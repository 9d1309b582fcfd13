"""The alert decision: when levels are announced, resolved and reminded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_engine.alerts import (
    AlertEvent,
    AlertMemory,
    AlertPolicy,
    Decision,
    Observation,
    Runs,
    decide,
)
from kpi_engine.catalog import load_catalog
from kpi_engine.levels import Level
from kpi_engine.rules import fired_rules

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)
POLICY = AlertPolicy()
G, Y, O, R = Level.GREEN, Level.YELLOW, Level.ORANGE, Level.RED  # noqa: E741 (short names keep sequences readable)


def run(levels: list[Level], memory: AlertMemory | None = None) -> list[Decision]:
    """Evaluate a sequence of observed levels 15 minutes apart, from START."""
    state = memory or AlertMemory()
    decisions = []
    for i, level in enumerate(levels):
        decision = decide(state, Observation(level), START + i * STEP, POLICY)
        decisions.append(decision)
        state = decision.after
    return decisions


def events(decisions: list[Decision]) -> list[tuple[AlertEvent, ...]]:
    return [decision.events for decision in decisions]


def test_an_orange_level_is_announced_on_its_second_consecutive_evaluation() -> None:
    decisions = run([O, O])
    assert events(decisions) == [(), (AlertEvent.OPEN,)]
    assert decisions[1].after.level is O
    assert decisions[1].after.episode == 1
    assert decisions[1].after.opened_at == START + STEP


def test_a_red_level_is_announced_at_once() -> None:
    decisions = run([R])
    assert events(decisions) == [(AlertEvent.OPEN,)]
    assert decisions[0].after.level is R


def test_the_slide_green_yellow_orange_red_orange_green_announces_each_step_once() -> None:
    decisions = run([G, Y, Y, O, O, R, O, O, G, G])
    assert events(decisions) == [
        (),
        (),
        (AlertEvent.OPEN,),
        (),
        (AlertEvent.ESCALATE,),
        (AlertEvent.ESCALATE,),
        (),
        (AlertEvent.DEESCALATE,),
        (),
        (AlertEvent.RESOLVE,),
    ]
    levels = [decision.after.level for decision in decisions]
    assert levels == [G, G, Y, Y, O, R, R, O, O, G]
    assert {decision.after.episode for decision in decisions[2:]} == {1}


def test_a_new_episode_after_resolution_has_the_next_number() -> None:
    decisions = run([R, G, G, R])
    assert events(decisions)[-1] == (AlertEvent.OPEN,)
    assert decisions[-1].after.episode == 2


def test_yellow_and_orange_alternating_announce_yellow_and_never_orange() -> None:
    decisions = run([Y, O, Y, O, Y, O, Y, O])
    assert [e for d in events(decisions) for e in d] == [AlertEvent.OPEN]
    assert decisions[-1].after.level is Y


def test_no_data_and_insufficient_data_neither_alert_nor_break_a_run() -> None:
    decisions = run([O, Level.NO_DATA, Level.INSUFFICIENT_DATA, O])
    assert events(decisions) == [(), (), (), (AlertEvent.OPEN,)]
    only_missing = run([Level.NO_DATA] * 5 + [Level.INSUFFICIENT_DATA] * 5)
    assert all(d.events == () and d.after.level is G for d in only_missing)


def test_no_data_keeps_an_open_alert_open() -> None:
    decisions = run([R, Level.NO_DATA, Level.NO_DATA, Level.NO_DATA])
    assert decisions[-1].after.level is R


def test_confirmations_are_configurable() -> None:
    policy = AlertPolicy(confirmations={Y: 3, O: 0, R: 0}, settle=1)
    state = AlertMemory()
    seen = []
    for i, level in enumerate([Y, Y, Y, O, G]):
        decision = decide(state, Observation(level), START + i * STEP, policy)
        seen.append(decision.events)
        state = decision.after
    assert seen == [
        (),
        (),
        (AlertEvent.OPEN,),
        (AlertEvent.ESCALATE,),
        (AlertEvent.RESOLVE,),
    ]


def test_the_rule_that_fired_is_kept_with_the_announced_level() -> None:
    state = AlertMemory()
    decision = decide(state, Observation(R, "nps_at_most_50"), START, POLICY)
    assert decision.after.rule == "nps_at_most_50"
    resolved = decide(decision.after, Observation(G), START + STEP, POLICY)
    resolved = decide(resolved.after, Observation(G), START + 2 * STEP, POLICY)
    assert resolved.after.rule is None


def red_since(moment: datetime, **changes: Any) -> AlertMemory:
    return replace(AlertMemory(level=R, episode=1, opened_at=moment, level_since=moment), **changes)


def test_a_red_alert_is_reminded_exactly_24_hours_after_it_was_announced() -> None:
    state = red_since(START)
    before = decide(state, Observation(R), START + timedelta(hours=24, microseconds=-1), POLICY)
    at = decide(state, Observation(R), START + timedelta(hours=24), POLICY)
    assert before.events == ()
    assert at.events == (AlertEvent.REMIND,)
    assert at.after.last_reminded_at == START + timedelta(hours=24)


def test_the_next_reminder_counts_from_the_last_one() -> None:
    reminded = START + timedelta(hours=24, minutes=10)
    state = red_since(START, last_reminded_at=reminded)
    at = START + timedelta(hours=48, minutes=5)
    assert decide(state, Observation(R), at, POLICY).events == ()
    assert decide(state, Observation(R), reminded + timedelta(hours=24), POLICY).events == (
        AlertEvent.REMIND,
    )


def test_an_orange_alert_is_reminded_every_72_hours_and_a_yellow_one_never() -> None:
    orange = AlertMemory(level=O, episode=1, opened_at=START, level_since=START)
    assert (
        decide(orange, Observation(O), START + timedelta(hours=71, minutes=59), POLICY).events == ()
    )
    assert decide(orange, Observation(O), START + timedelta(hours=72), POLICY).events == (
        AlertEvent.REMIND,
    )
    yellow = AlertMemory(level=Y, episode=1, opened_at=START, level_since=START)
    assert decide(yellow, Observation(Y), START + timedelta(days=30), POLICY).events == ()


def test_acknowledged_snoozed_or_resolved_alerts_are_never_reminded() -> None:
    later = START + timedelta(days=3)
    acknowledged = red_since(START, acknowledged_at=START + STEP)
    assert decide(acknowledged, Observation(R), later, POLICY).events == ()
    snoozed = red_since(START, snoozed_until=later + STEP)
    assert decide(snoozed, Observation(R), later, POLICY).events == ()
    resolved = AlertMemory(level=G, episode=1, level_since=START)
    assert decide(resolved, Observation(G), later, POLICY).events == ()


def test_the_red_repeat_is_configurable() -> None:
    policy = AlertPolicy(red_repeat=timedelta(hours=6))
    state = red_since(START)
    assert decide(state, Observation(R), START + timedelta(hours=6), policy).events == (
        AlertEvent.REMIND,
    )


def test_a_snooze_suppresses_de_escalation_and_its_end_is_announced() -> None:
    until = START + timedelta(hours=1)
    state = red_since(START, snoozed_until=until)
    first = decide(state, Observation(O), START + STEP, POLICY)
    second = decide(first.after, Observation(O), START + 2 * STEP, POLICY)
    assert (first.events, second.events) == ((), ())
    assert second.after.level is R
    ended = decide(second.after, Observation(O), until, POLICY)
    assert ended.events == (AlertEvent.SNOOZE_ENDED, AlertEvent.DEESCALATE)
    assert ended.after.snoozed_until is None
    assert ended.after.level is O


def test_a_snooze_ending_without_a_change_is_announced_alone() -> None:
    until = START + timedelta(hours=1)
    state = red_since(START, snoozed_until=until)
    assert decide(state, Observation(R), until, POLICY).events == (AlertEvent.SNOOZE_ENDED,)


def test_escalation_into_red_breaks_a_snooze_and_clears_the_acknowledgement() -> None:
    orange = AlertMemory(
        level=O,
        episode=1,
        opened_at=START,
        level_since=START,
        acknowledged_at=START,
        snoozed_until=START + timedelta(days=7),
    )
    decision = decide(orange, Observation(R), START + STEP, POLICY)
    assert decision.events == (AlertEvent.SNOOZE_ENDED, AlertEvent.ESCALATE)
    assert decision.after.acknowledged_at is None
    assert decision.after.snoozed_until is None


def test_resolution_ends_a_snooze_without_announcing_its_end() -> None:
    state = red_since(START, snoozed_until=START + timedelta(days=7))
    decisions = run([G, G], state)
    assert events(decisions) == [(), (AlertEvent.RESOLVE,)]
    assert decisions[-1].after.snoozed_until is None


def test_naive_moments_and_negative_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        decide(AlertMemory(), Observation(G), datetime(2026, 1, 1), POLICY)
    with pytest.raises(ValueError):
        AlertPolicy(confirmations={O: -1})
    with pytest.raises(ValueError):
        AlertPolicy(red_repeat=timedelta(0))


def test_runs_survive_their_stored_form() -> None:
    runs = Runs().after(O).after(R)
    assert Runs.from_dict(runs.as_dict()) == runs
    assert runs.up == {Y: 2, O: 2, R: 1}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([Y, G]), min_size=1, max_size=200))
def test_flapping_on_the_80_percent_boundary_never_storms(levels: list[Level]) -> None:
    # Each flip of a value flapping across a boundary would be a message without hysteresis;
    # with it, announcing takes two like evaluations in a row, so announcements can never
    # outnumber half the evaluations, and a strict alternation announces nothing.
    decisions = run(levels)
    announced = [e for d in decisions for e in d.events]
    assert len(announced) <= len(levels) // 2
    for i, decision in enumerate(decisions):
        for event in decision.events:
            assert event in (AlertEvent.OPEN, AlertEvent.RESOLVE)
            assert i >= 1 and levels[i] == levels[i - 1]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_strict_alternation_across_a_boundary_announces_nothing(length: int) -> None:
    for pair in ((G, Y), (Y, O), (O, Y)):
        levels = [pair[i % 2] for i in range(length)]
        memory = AlertMemory()
        if pair[0] is not G:
            memory = AlertMemory(level=pair[0], episode=1, opened_at=START, level_since=START)
        decisions = run(levels, memory)
        assert all(d.events == () for d in decisions[: min(length, 16)])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([G, Y, O, R, Level.NO_DATA]), min_size=1, max_size=120),
)
def test_every_announced_level_held_as_long_as_the_policy_asks(levels: list[Level]) -> None:
    decisions = run(levels)
    observed = list(levels)
    for i, decision in enumerate(decisions):
        if not decision.events or AlertEvent.REMIND in decision.events:
            continue
        new = decision.after.level
        seen = [level for level in observed[: i + 1] if level is not Level.NO_DATA]
        if new.severity > decision.before.level.severity:
            needed = POLICY.needed_up(new)
            assert all(level.severity >= new.severity for level in seen[-needed:])
        elif new.severity < decision.before.level.severity:
            assert all(level.severity <= new.severity for level in seen[-POLICY.needed_down() :])
        # An episode is counted once: its number moves only when one opens.
        assert decision.after.episode - decision.before.episode == (
            1 if AlertEvent.OPEN in decision.events else 0
        )


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=7 * 24 * 4),
    st.sampled_from([R, O]),
)
def test_reminders_come_exactly_at_each_multiple_of_the_repeat(quarters: int, level: Level) -> None:
    state = AlertMemory(level=level, episode=1, opened_at=START, level_since=START)
    repeat = POLICY.repeat(level)
    assert repeat is not None
    reminded = []
    for i in range(1, quarters + 1):
        decision = decide(state, Observation(level), START + i * STEP, POLICY)
        if AlertEvent.REMIND in decision.events:
            reminded.append(START + i * STEP)
        state = decision.after
    # Fifteen-minute steps divide both repeats, so reminders land on the exact multiples.
    expected = [
        START + k * repeat for k in range(1, 100) if START + k * repeat <= START + quarters * STEP
    ]
    assert reminded == expected


# The shipped automatic rules: (value, attainment) just at the threshold and one step (0.01)
# on the good side of it.
RULE_EDGES = {
    "revenue_below_80_percent": ((600_000.0, 79.99), (640_000.0, 80.0)),
    "nps_at_most_50": ((50.0, None), (50.01, None)),
    "uptime_at_most_98": ((98.0, None), (98.01, None)),
    "support_48h_below_80": ((79.99, None), (80.0, None)),
}


@pytest.mark.parametrize("rule_id", sorted(RULE_EDGES))
def test_each_automatic_rule_alerts_at_its_threshold_and_not_one_step_before(
    rule_id: str,
) -> None:
    rule = next(rule for rule in load_catalog().rules if rule.id == rule_id)
    (fires_value, fires_percent), (quiet_value, quiet_percent) = RULE_EDGES[rule_id]
    assert fired_rules([rule], fires_value, fires_percent) == [rule]
    assert fired_rules([rule], quiet_value, quiet_percent) == []
    # At its catalog level, named: red at once, orange on its second evaluation.
    decisions = run([rule.level, rule.level])
    opened_at = 0 if rule.level is R else 1
    assert decisions[opened_at].events == (AlertEvent.OPEN,)
    assert decisions[opened_at].after.level is rule.level
    named = decide(AlertMemory(), Observation(R, rule.id), START, POLICY)
    assert named.after.rule == rule.id


def test_runs_stop_growing_at_the_longest_count_the_policy_compares() -> None:
    assert POLICY.longest_run() == 2
    assert AlertPolicy(confirmations={Y: 5, O: 2, R: 0}).longest_run() == 5
    decisions = run([O] * 6)
    assert [d.after.runs.up for d in decisions[1:]] == [{Y: 2, O: 2}] * 5


def test_a_kpi_holding_its_announced_level_is_steady_once_its_runs_are_full() -> None:
    decisions = run([O, O, O, O])
    assert [d.steady for d in decisions] == [False, False, True, True]
    # A reminder due is not steady, however still the level.
    later = decide(decisions[-1].after, Observation(O), START + timedelta(hours=73), POLICY)
    assert later.events == (AlertEvent.REMIND,) and not later.steady
