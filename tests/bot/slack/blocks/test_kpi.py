"""The `/kpi` answers: built from real KPI states, valid Block Kit, within Slack's limits."""

# Full-width brackets are part of the Japanese copy under test.
# ruff: noqa: RUF001

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.blocks.formatting import format_change
from bot.slack.blocks.ids import ActionId
from bot.slack.blocks.kpi import (
    deletion_confirmation,
    error_message,
    help_message,
    invite_bot_message,
    kpi_message,
    not_admin_message,
    not_recordable_message,
    record_confirmation,
    sparkline,
    status_message,
    status_pending_message,
    unknown_kpi_message,
    usage_message,
)
from bot.slack.blocks.limits import MESSAGE_BLOCKS, escape, truncate
from bot.slack.copy import level_emoji, tier_title
from bot.slack.problems import Problem
from kpi_engine.catalog import Localized, Tier, Unit, load_catalog
from kpi_engine.evaluate import Basis, KpiState, PeriodValue, TargetInForce
from kpi_engine.levels import Level
from tests.bot.slack.blocks.slack_checks import (
    AS_OF,
    TOKYO,
    VALIDATORS,
    Demo,
    all_text,
    check_message,
    edge_states,
    every_message,
    in_force,
    load_demo,
)

CATALOG = load_catalog()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return load_demo(tmp_path_factory)


def blocks_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = payload["blocks"]
    return blocks


def test_the_schema_refuses_what_slack_refuses() -> None:
    # Guards the checks themselves: a section without text must not validate.
    assert list(VALIDATORS[0].iter_errors([{"type": "section"}]))


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_message_is_valid_block_kit_within_slacks_limits(demo: Demo, locale: str) -> None:
    messages = every_message(demo, locale)
    assert len(messages) > 40
    for name, message in messages.items():
        try:
            check_message(message)
        except AssertionError as error:
            raise AssertionError(f"{name} ({locale}): {error}") from None


def test_the_nps_answer_has_every_figure_the_issue_asks_for(demo: Demo) -> None:
    state = demo.state("nps")
    payload = check_message(kpi_message(state, "ja"))
    text = all_text(payload)
    blocks = blocks_of(payload)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "🟢 ネットプロモータースコア（NPS）", "emoji": True},
    }
    assert "🟢 *順調*" in text
    assert "73.3 pt（n=101）" in text  # the value this period, with its sample size
    # The label names the due month: the due date is not said a second time.
    assert "*目標*\n75.0 pt\nPhase 3 2027年6月末目標\n" in text and "期限" not in text
    assert "97.7 %" in text
    assert "*前期*\n2026-10-01〜2026-10-31\n73.9 pt（n=111）\n前期比 -0.6 pt" in text
    # 73.3 - 71.4 as shown, not the +1.8 of the unrounded values.
    assert "*前年同期*\n2025-11-01〜2025-11-30\n71.4 pt（n=35）\n前年同期比 +1.9 pt" in text
    assert f"`{sparkline([period.value for period in state.history])}`" in text
    assert "測定方法: 「推奨度」0-10点での9-10点率 - 0-6点率" in text
    assert "更新頻度: 月次" in text
    assert "2026-11-23 終了時点" in text
    assert "期末見込み" not in text  # NPS is no period total
    assert payload["text"] == (
        "🟢 ネットプロモータースコア（NPS）: 73.3 pt（目標 75.0 pt、達成率 97.7 %）順調"
    )


def test_a_flow_kpi_shows_its_projection_compares_it_and_names_the_rule_that_fired(
    demo: Demo,
) -> None:
    state = demo.state("mrr")
    assert state.rule is not None and state.projection is not None
    text = all_text(check_message(kpi_message(state, "en")))
    assert "🟠 *warning*" in text
    assert "*Projected for the period*\n¥6,140,635" in text
    # ¥6,140,635 projected against ¥5,801,340 last month, not the ¥4.7 M so far.
    assert "Projection vs previous: +¥339,295 (+5.8 %)" in text
    assert "judged against ¥6,133,333 to date" in text
    assert "⚠️ *Alert*: Revenue is below 80 % of its monthly target (pro-rated to date)" in text


def test_a_level_judged_on_the_previous_period_says_so(demo: Demo) -> None:
    state = demo.state("support_response_24h")
    assert state.basis is Basis.PREVIOUS
    ja = all_text(check_message(kpi_message(state, "ja")))
    en = all_text(check_message(kpi_message(state, "en")))
    assert "前期（2026-11-16〜2026-11-22）の値で判定しています" in ja
    assert "judged on the previous period (2026-11-16 to 2026-11-22)" in en
    status = all_text(check_message(status_message([state], "ja")))
    assert "100.0 %（前期の値）" in status


def test_no_data_and_insufficient_data_say_so_plainly(demo: Demo) -> None:
    edges = edge_states(demo)
    no_data = all_text(check_message(kpi_message(edges["no_data"], "ja")))
    assert "⚪ *データなし*\nこの期間のデータはまだありません。" in no_data
    assert "`············`" in no_data
    no_target = all_text(check_message(kpi_message(edges["no_target_yet"], "ja")))
    assert "*目標*\n目標は設定されていません" in no_target
    insufficient = all_text(check_message(kpi_message(edges["insufficient_data"], "en")))
    assert "⚪ *insufficient data*" in insufficient
    assert "Too few samples to judge (n=3, at least 5 needed)." in insufficient


def hand_state(
    kpi_id: str,
    *,
    current: PeriodValue,
    previous: PeriodValue,
    target: TargetInForce | None,
    attainment: float | None,
    level: Level,
    basis: Basis | None,
    as_of: datetime = AS_OF,
) -> KpiState:
    """A state as the engine hands it over, of the figures a test names."""
    return KpiState(
        kpi=CATALOG.get(kpi_id),
        as_of=as_of,
        current=current,
        previous=previous,
        last_year=PeriodValue(date(2025, 11, 1), date(2025, 11, 30), None, None),
        history=[previous, current],
        target=target,
        attainment=attainment,
        level=level,
        basis=basis,
        rule=None,
        projection=None,
    )


def target_field(payload: dict[str, Any]) -> str:
    """Return the text of a KPI answer's target field."""
    fields = [field["text"] for block in blocks_of(payload) for field in block.get("fields", [])]
    return next(field for field in fields if field.startswith(("*目標*", "*Target*")))


def status_text(state: KpiState, locale: str) -> str:
    return all_text(check_message(status_message([state], locale)))


NOVEMBER = (date(2026, 11, 1), date(2026, 11, 23))
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def test_on_a_new_phases_first_day_the_answer_names_the_target_june_was_judged_against() -> None:
    # 2026-07-01: Phase 3's 75 is in force; July has too few answers, so the level is
    # June's, judged against Phase 2's 70: 72.5 / 70 = 103.6 %.
    nps = CATALOG.get("nps")
    phase2, phase3 = in_force(nps, 1), in_force(nps, 2)
    state = hand_state(
        "nps",
        as_of=datetime(2026, 7, 1, 9, 30, tzinfo=TOKYO),
        current=PeriodValue(date(2026, 7, 1), date(2026, 7, 1), 80.0, 3, target=phase3),
        previous=PeriodValue(date(2026, 6, 1), date(2026, 6, 30), 72.5, 120, target=phase2),
        target=phase3,
        attainment=72.5 / 70 * 100,
        level=Level.GREEN,
        basis=Basis.PREVIOUS,
    )
    ja = check_message(kpi_message(state, "ja"))
    assert target_field(ja) == (
        "*目標*\n75.0 pt\nPhase 3 2027年6月末目標\n前期は Phase 2 12月末目標（70.0 pt）に対して判定"
    )
    assert "*達成率*\n103.6 %" in all_text(ja)
    assert "2026-07-01 09:30 時点" in all_text(ja)
    en = check_message(kpi_message(state, "en"))
    assert target_field(en) == (
        "*Target*\n75.0 pt\nPhase 3 end-of-June 2027 target\n"
        "previous period judged against Phase 2 end-of-December 2025 target (70.0 pt)"
    )
    assert (
        "🟢 *ネットプロモータースコア（NPS）*: 72.5 pt（前期の値） / "
        "目標 75.0 pt（前期 70.0 pt）、達成率 103.6 %（順調）"
    ) in status_text(state, "ja")
    assert (
        "🟢 *Net Promoter Score (NPS)*: 72.5 pt (previous period) / "
        "target 75.0 pt (previous period 70.0 pt), attainment 103.6 % (on track)"
    ) in status_text(state, "en")


def test_judged_on_the_previous_period_of_the_same_target_shows_that_periods_own_figure() -> None:
    # On the straight line, October ended at 981.2 and November stands at 1,014.4: the
    # level is October's, so October's figure is the one beside the target.
    students = CATALOG.get("cumulative_students")
    now, october = in_force(students, 2, 1014.4), in_force(students, 2, 981.2)
    state = hand_state(
        "cumulative_students",
        current=PeriodValue(date.min, NOVEMBER[1], None, None, target=now),
        previous=PeriodValue(date.min, OCTOBER[1], 990.0, None, target=october),
        target=now,
        attainment=990 / 981.2 * 100,
        level=Level.GREEN,
        basis=Basis.PREVIOUS,
    )
    assert target_field(check_message(kpi_message(state, "ja"))) == (
        "*目標*\n1,500人\nPhase 3 2027年6月末目標\n前期の判定基準 981人"
    )
    assert target_field(check_message(kpi_message(state, "en"))) == (
        "*Target*\n1,500 people\nPhase 3 end-of-June 2027 target\n"
        "previous period judged against 981 people"
    )
    assert "目標 1,500人（前期 981人）、達成率 100.9 %" in status_text(state, "ja")
    assert "target 1,500 people (previous period 981 people)" in status_text(state, "en")


def test_the_target_in_force_is_shown_when_no_period_has_data() -> None:
    nps = CATALOG.get("nps")
    phase3 = in_force(nps, 2)
    state = hand_state(
        "nps",
        current=PeriodValue(*NOVEMBER, None, 0, target=phase3),
        previous=PeriodValue(*OCTOBER, None, 0, target=phase3),
        target=phase3,
        attainment=None,
        level=Level.NO_DATA,
        basis=None,
    )
    ja = check_message(kpi_message(state, "ja"))
    assert target_field(ja) == "*目標*\n75.0 pt\nPhase 3 2027年6月末目標"
    assert "目標は設定されていません" not in all_text(ja)
    assert ja["text"] == (
        "⚪ ネットプロモータースコア（NPS）: -（目標 75.0 pt、達成率 -）データなし"
    )
    en = check_message(kpi_message(state, "en"))
    assert target_field(en) == "*Target*\n75.0 pt\nPhase 3 end-of-June 2027 target"
    assert "⚪ *ネットプロモータースコア（NPS）*: - / 目標 75.0 pt、達成率 -（データなし）" in (
        status_text(state, "ja")
    )
    assert "⚪ *Net Promoter Score (NPS)*: - / target 75.0 pt, attainment - (no data)" in (
        status_text(state, "en")
    )


def test_a_count_of_people_is_whole_even_on_the_straight_line() -> None:
    # 1,049 people against the straight line's 1,014.4 to date: 103.4 %.
    students = CATALOG.get("cumulative_students")
    target = in_force(students, 2, 1014.4)
    state = hand_state(
        "cumulative_students",
        current=PeriodValue(date.min, NOVEMBER[1], 1049.0, None, target=target),
        previous=PeriodValue(date.min, OCTOBER[1], 981.0, None, target=in_force(students, 2)),
        target=target,
        attainment=1049 / 1014.4 * 100,
        level=Level.GREEN,
        basis=Basis.CURRENT,
    )
    assert (
        "🟢 *累計受講生数*: 1,049人 / 目標 1,500人（現時点 1,014人）、達成率 103.4 %（順調）"
    ) in status_text(state, "ja")
    assert (
        "🟢 *Cumulative students*: 1,049 people / target 1,500 people (now 1,014 people),"
        " attainment 103.4 % (on track)"
    ) in status_text(state, "en")
    ja = check_message(kpi_message(state, "ja"))
    assert target_field(ja).endswith("\n現時点の判定基準 1,014人")
    assert "*前期*\n〜2026-10-31\n981人\n前期比 +68人（+6.9 %）" in all_text(ja)
    en = check_message(kpi_message(state, "en"))
    assert target_field(en).endswith("\njudged against 1,014 people to date")


@pytest.mark.parametrize(
    ("kpi_id", "now", "then", "ja", "en"),
    [
        # Unrounded, 73.64 - 73.87 is -0.23: shown as -0.2 beside 73.9 and 73.6, it did not add up.
        ("nps", 73.64, 73.87, "73.9 pt（n=111）\n前期比 -0.3 pt", "Current vs previous: -0.3 pt"),
        # 6.54 - 4.46 is 2.08, but 6.5 - 4.5 on screen is 2.0.
        ("team_productivity", 6.54, 4.46, "4.5 %\n前期比 +2.0 pt", "Current vs previous: +2.0 pt"),
    ],
)
def test_a_change_beside_two_rounded_values_is_their_difference_as_shown(
    kpi_id: str, now: float, then: float, ja: str, en: str
) -> None:
    target = in_force(CATALOG.get(kpi_id), 0)
    state = hand_state(
        kpi_id,
        current=PeriodValue(*NOVEMBER, now, 101, target=target),
        previous=PeriodValue(*OCTOBER, then, 111, target=target),
        target=target,
        attainment=now / target.value * 100,
        level=Level.GREEN,
        basis=Basis.CURRENT,
    )
    assert ja in all_text(check_message(kpi_message(state, "ja")))
    assert en in all_text(check_message(kpi_message(state, "en")))


@pytest.mark.parametrize(
    ("target", "ja", "en"),
    [
        # The label names the due month: no "期限 2027-06-30" after it.
        (
            in_force(CATALOG.get("nps"), 2),
            "Phase 3 2027年6月末目標",
            "Phase 3 end-of-June 2027 target",
        ),
        # No due date, and the label says so: no "期限なし" after it.
        (in_force(CATALOG.get("csat"), 0), "目標（期限なし）", "Standing goal"),
        # The label says "in three years", not when: the date follows.
        (
            in_force(CATALOG.get("market_share"), 0),
            "3年後目標、期限 2028-01-05",
            "3-year goal, due 2028-01-05",
        ),
        (
            TargetInForce(75.0, date(2027, 6, 30), "phase3", 75.0),
            "phase3、期限 2027-06-30",
            "phase3, due 2027-06-30",
        ),
        (
            TargetInForce(75.0, None, None, 75.0),
            "長期目標、期限なし",
            "Long-term goal, no due date",
        ),
    ],
)
def test_a_target_is_named_once_with_its_due_date_unless_its_label_says_it(
    target: TargetInForce, ja: str, en: str
) -> None:
    state = hand_state(
        "nps",
        current=PeriodValue(*NOVEMBER, 73.3, 101, target=target),
        previous=PeriodValue(*OCTOBER, 73.9, 111, target=target),
        target=target,
        attainment=73.3 / 75 * 100,
        level=Level.GREEN,
        basis=Basis.CURRENT,
    )
    # The field is the label, the value, then the name: nothing judged differs here.
    assert target_field(check_message(kpi_message(state, "ja"))).split("\n")[2:] == [ja]
    assert target_field(check_message(kpi_message(state, "en"))).split("\n")[2:] == [en]


def test_a_fired_rule_is_shown_in_the_kpis_locale(demo: Demo) -> None:
    state = edge_states(demo)["rule_fired"]
    assert "⚠️ *アラート*: NPSが50以下です" in all_text(check_message(kpi_message(state, "ja")))
    assert "⚠️ *Alert*: NPS is 50 or lower" in all_text(check_message(kpi_message(state, "en")))


def test_user_and_catalog_text_is_escaped_in_mrkdwn_and_shown_as_is_in_plain_text(
    demo: Demo,
) -> None:
    payload = check_message(kpi_message(edge_states(demo)["hostile_name"], "en"))
    blocks = blocks_of(payload)
    assert blocks[0]["text"]["text"] == "🟢 <script>&danger"  # plain text: Slack shows it as is
    assert "&lt;script&gt;&amp;danger" in payload["text"]
    assert "Method: a &lt; b &amp; c &gt; d" in all_text(payload)
    assert "<script>" not in all_text({"blocks": blocks[1:]})


def test_status_groups_every_kpi_by_tier_in_document_order(demo: Demo) -> None:
    payload = check_message(status_message(demo.states, "ja"))
    text = all_text(payload)
    positions = [text.index(f"*{title}*") for title in ("戦略KPI", "事業KPI", "運営KPI", "顧客KPI")]
    assert positions == sorted(positions)
    for state in demo.states:
        assert f"{level_emoji(state.level)} *{state.kpi.name.ja}*:" in text
    assert (
        "🟠 *月次経常収益（MRR）*: ¥4,707,820 / 目標 ¥8,000,000（現時点 ¥6,133,333）、"
        "達成率 76.8 %（警戒）" in text
    )
    assert payload["text"] == "KPIステータス（2026-11-23 終了時点）: 🔴 5 🟠 1 🟡 3 🟢 13"


def test_status_filtered_by_level_shows_only_that_level(demo: Demo) -> None:
    payload = check_message(status_message(demo.states, "en", Level.RED))
    text = all_text(payload)
    red = [state for state in demo.states if state.level is Level.RED]
    assert red
    assert text.count("🔴 *") == len(red)
    assert "🟢" not in text
    assert blocks_of(payload)[0]["text"]["text"] == "KPI status: 🔴 critical"
    assert "Operational" in text and "Customer" in text
    nothing = all_text(check_message(status_message(demo.states, "en", Level.NO_DATA)))
    assert "No KPI matches." in nothing


def test_status_of_hundreds_of_kpis_stays_within_fifty_blocks_and_says_what_is_left_out(
    demo: Demo,
) -> None:
    long_name = Localized(ja="長い名前" * 60, en="long name " * 30)
    many = [
        replace(state, kpi=state.kpi.model_copy(update={"name": long_name}))
        for state in demo.states * 40
    ]
    payload = check_message(status_message(many, "en"))
    blocks = blocks_of(payload)
    assert len(blocks) == MESSAGE_BLOCKS
    shown = all_text({"blocks": blocks}).count("*long name")
    assert f"{len(many) - shown} more not shown" in blocks[-2]["text"]["text"]


def test_an_unknown_kpi_offers_a_button_per_suggestion(demo: Demo) -> None:
    nps, csat = demo.catalog.get("nps"), demo.catalog.get("csat")
    payload = check_message(unknown_kpi_message("nsp", [nps, csat], "ja"))
    buttons = [block["accessory"] for block in blocks_of(payload) if "accessory" in block]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ActionId.SHOW_KPI, "nps"),
        (ActionId.SHOW_KPI, "csat"),
    ]
    assert [b["text"]["text"] for b in buttons] == [nps.name.ja, csat.name.ja]
    assert "「nsp」に一致するKPIが見つかりませんでした。" in payload["text"]
    assert "もしかして:" in all_text(payload)


def test_an_unknown_kpi_without_suggestions_points_to_the_status_list() -> None:
    payload = check_message(unknown_kpi_message("  ", [], "en"))
    assert "Use `/kpi status` to list every KPI." in all_text(payload)
    huge = check_message(unknown_kpi_message("x" * 3000, [], "en"))
    assert len(huge["text"]) < 200


def test_a_non_admin_is_told_who_can_record_as_mentions() -> None:
    payload = check_message(not_admin_message(["U012ABCDEF", " W0ABC ", "<!channel>"], "ja"))
    text = all_text(payload)
    assert "値を記録できるのは管理者だけです。" in text
    assert "<@U012ABCDEF>、<@W0ABC>、&lt;!channel&gt;" in text
    assert "<@" not in payload["text"]  # the fallback notifies no one
    nobody = all_text(check_message(not_admin_message([], "en")))
    assert "No admins are configured (environment variable `KPIBOT_ADMINS`)." in nobody


def test_a_recorded_value_is_confirmed_with_what_was_stored() -> None:
    nps = CATALOG.get("nps")
    stored = check_message(record_confirmation(nps, 71.5, AS_OF, None, "ja"))
    assert (
        stored["text"]
        == "✅ *ネットプロモータースコア（NPS）* に 71.5 pt を記録しました（2026-11-24）。"
    )
    at = datetime(2026, 11, 23, 9, 30, tzinfo=TOKYO)
    updated = check_message(record_confirmation(CATALOG.get("mrr"), 5e6, at, 4.5e6, "en"))
    assert updated["text"] == (
        "✅ Updated *Monthly recurring revenue (MRR)* for 2026-11-23 09:30"
        " from ¥4,500,000 to ¥5,000,000."
    )
    rank = CATALOG.get("brand_search_rank")
    same = check_message(record_confirmation(rank, 3, at, 3, "ja"))
    assert same["text"] == (
        "*ブランド認知度（検索順位）* の 2026-11-23 09:30 の値はすでに 3位 です。変更はありません。"
    )


def test_a_deletion_is_confirmed_with_every_value_it_deleted_or_none() -> None:
    rank = CATALOG.get("brand_search_rank")
    day = date(2026, 11, 20)
    both = check_message(deletion_confirmation(rank, day, [4, 7], "ja"))
    assert both["text"] == (
        "🗑️ *ブランド認知度（検索順位）* の 2026-11-20 の値 4位、7位 を削除しました。"
    )
    none = check_message(deletion_confirmation(rank, day, [], "en"))
    assert none["text"] == (
        "*Brand awareness (search rank)* has no value for 2026-11-20. Nothing was deleted."
    )


@pytest.mark.parametrize(
    ("problem", "word", "ja", "en"),
    [
        (
            Problem.TOO_LONG,
            "",
            "入力が長すぎます。3,000文字以内",
            "too long. Please keep it within 3,000",
        ),
        (Problem.RECORD_USAGE, "", "`/kpi record KPI名 値 [YYYY-MM-DD]`", "`/kpi record KPI-name"),
        (
            Problem.BAD_VALUE,
            "abc",
            "値「abc」は数値ではありません",
            "The value “abc” is not a number",
        ),
        (
            Problem.BAD_DATE,
            "2026-13-01",
            "「2026-13-01」は正しい日付ではありません",
            "not a valid date",
        ),
        (
            Problem.BAD_LEVEL,
            "purple",
            "「purple」はレベルとして指定できません",
            "“purple” is not a level",
        ),
        (Problem.EXTRA_WORDS, "me", "余分な語「me」があります", "extra words after `help`"),
    ],
)
def test_a_usage_error_says_what_is_wrong_then_shows_the_commands(
    problem: Problem, word: str, ja: str, en: str
) -> None:
    for locale, expected in (("ja", ja), ("en", en)):
        payload = check_message(usage_message(problem, word, locale))
        assert expected in payload["text"]
        assert blocks_of(payload)[0]["text"]["text"] == payload["text"]
        # The commands are help's own blocks, not a copy of them.
        assert blocks_of(payload)[1:] == blocks_of(help_message(locale).as_payload())[1:]


def test_a_usage_error_escapes_and_shortens_what_the_user_typed() -> None:
    payload = check_message(usage_message(Problem.BAD_LEVEL, "<!channel>&" * 300, "en"))
    assert payload["text"].startswith("“&lt;!channel&gt;&amp;")
    assert len(payload["text"]) < 600
    assert "<!channel>" not in all_text(payload)


def test_a_computed_kpi_is_refused_naming_the_kpis_that_can_be_recorded() -> None:
    recordable = [CATALOG.get("brand_search_rank"), CATALOG.get("market_share")]
    ja = check_message(not_recordable_message(CATALOG.get("nps"), recordable, "ja"))
    assert ja["text"] == (
        "*ネットプロモータースコア（NPS）* は kpibot がデータから計算するKPIのため、"
        "値を記録できません。\n"
        "記録できるKPI: ブランド認知度（検索順位） `brand_search_rank`、市場シェア `market_share`"
    )
    en = check_message(not_recordable_message(CATALOG.get("nps"), recordable, "en"))
    assert en["text"] == (
        "*Net Promoter Score (NPS)* is computed by kpibot from its data, so it cannot be"
        " recorded.\nKPIs you can record: Brand awareness (search rank) `brand_search_rank`,"
        " Market share `market_share`"
    )


def test_an_error_is_a_short_apology_with_its_reference_and_nothing_else() -> None:
    payload = check_message(error_message("ref-7f3a", "en"))
    assert "Sorry, something went wrong." in payload["text"]
    assert "Reference: `ref-7f3a`" in all_text(payload)
    assert "Traceback" not in all_text(payload)


def test_the_invite_answer_tells_the_user_to_invite_the_bot() -> None:
    assert "`/invite @kpibot`" in check_message(invite_bot_message("ja"))["text"]
    assert "`/invite @kpibot`" in check_message(invite_bot_message("en"))["text"]


@pytest.mark.parametrize(
    ("locale", "note"), [("ja", "⏳ 全KPIを集計しています…"), ("en", "⏳ Gathering every KPI…")]
)
def test_the_status_pending_note_is_one_short_section_in_each_locale(
    locale: str, note: str
) -> None:
    assert check_message(status_pending_message(locale)) == {
        "text": note,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": note}}],
    }


def test_help_in_japanese_is_exactly_the_golden_payload() -> None:
    assert help_message("ja").as_payload() == {
        "text": "kpibot の使い方",
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "kpibot の使い方", "emoji": True},
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        "• `/kpi KPI名` — KPIの今期の値、目標、達成率、推移を表示"
                        "（例: `/kpi nps`、`/kpi 売上`）\n"
                        "• `/kpi status` または `/kpi 一覧` — 全KPIを階層ごとに一覧表示\n"
                        "• `/kpi status red` — レベルで絞り込み（green / yellow / orange / red）\n"
                        "• `/kpi KPI名 chart`（または `グラフ`）— 推移と目標線のグラフを投稿\n"
                        "• `/kpi KPI名 share`（または `共有`）— 回答をチャンネルのみんなに表示\n"
                        "• `/kpi record KPI名 値 [YYYY-MM-DD]` — 計測値を記録（管理者のみ）\n"
                        "• `/kpi record KPI名 delete YYYY-MM-DD` — 誤った計測値を削除"
                        "（管理者のみ）\n"
                        "• `/kpi note market 本文` / `/kpi note strategy 本文` — 月次レポートに"
                        "載せる競合・市場動向のメモ / 戦略見直し提案を追加\n"
                        "• `/kpi notes [YYYY-MM]` — その月のメモを表示（省略時は今月）\n"
                        "• `/kpi actions` — 未完了の改善アクションを期限順に表示\n"
                        "• `/kpi action add KPI名 内容 [@担当者] [YYYY-MM-DD]` — "
                        "改善アクションを登録（`/kpi action done 番号` で完了）\n"
                        "• `/kpi health` — 定期レポートの前回・次回の配信と送信キュー、"
                        "スケジューラの状態\n"
                        "• `/kpi alerts` — 未解決のアラート（重い順）とデータ未更新のKPI\n"
                        "• `/kpi help` — この説明を表示"
                    ),
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "回答はあなたにだけ表示されます（share を付けた場合を除く）。",
                    }
                ],
            },
        ],
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], "▁▂▃▄▅▆▇█"),
        ([8, None, 1], "█·▁"),
        ([5, 5, 5], "▄▄▄"),
        ([None, 3.0, None], "·▄·"),
        ([None, None], "··"),
        ([], ""),
        ([0, math.inf, 10, -math.inf, math.nan], "▁·█··"),
        ([-1e308, 1e308], "▁█"),
    ],
)
def test_sparkline_draws_the_values_between_their_minimum_and_maximum(
    values: list[float | None], expected: str
) -> None:
    assert sparkline(values) == expected


@pytest.mark.parametrize(
    ("now", "then", "unit", "expected"),
    [
        (120.0, 100.0, Unit.JPY, "+¥20 (+20.0 %)"),
        (80.0, 100.0, Unit.COUNT, "-20 (-20.0 %)"),
        (85.0, 80.0, Unit.PERCENT, "+5.0 pt"),  # a difference of percentages is in points
        (70.0, 70.0, Unit.POINT, "±0.0 pt"),
        (3.0, 5.0, Unit.RANK, "-2"),
        (5.0, 0.0, Unit.JPY, "+¥5"),  # no relative change from zero
        (None, 1.0, Unit.JPY, "-"),
        (math.inf, 1.0, Unit.JPY, "-"),
    ],
)
def test_changes_are_signed_differences_in_the_unit(
    now: float | None, then: float | None, unit: Unit, expected: str
) -> None:
    assert format_change(now, then, unit, "en") == expected


def test_truncate_never_splits_an_entity_or_a_mention() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc…"
    assert truncate(escape("a&b"), 5) == "a…"
    assert truncate("hi <@U0123456>", 8) == "hi …"


# Values the engine may produce, and a few it never should.
_NUMBERS = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, -1.0, 1e300, -1e300, math.inf, -math.inf]),
    st.floats(allow_nan=False),
)
_DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
_FINITE = st.floats(allow_nan=False, allow_infinity=False)
_TARGETS = st.one_of(
    st.none(),
    st.builds(
        TargetInForce,
        value=_FINITE,
        due=st.one_of(st.none(), _DAYS),
        phase=st.one_of(st.none(), st.text(max_size=50)),
        judged=_FINITE,
        label=st.one_of(
            st.none(),
            st.builds(
                Localized,
                ja=st.text(min_size=1, max_size=200).filter(str.strip),
                en=st.text(min_size=1, max_size=200).filter(str.strip),
            ),
        ),
    ),
)


@st.composite
def _periods(draw: st.DrawFn) -> PeriodValue:
    start = draw(st.one_of(st.just(date.min), _DAYS))
    end = max(start, draw(_DAYS))
    n = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)))
    level = draw(st.sampled_from(list(Level)))
    return PeriodValue(start, end, draw(_NUMBERS), n, level, draw(_TARGETS))


@st.composite
def _states(draw: st.DrawFn) -> KpiState:
    kpi = draw(st.sampled_from(CATALOG.kpis))
    if draw(st.booleans()):
        # A catalog name has visible text (Localized strips and refuses blank names).
        name = draw(st.text(min_size=1, max_size=400).filter(lambda text: text.strip()))
        kpi = kpi.model_copy(update={"name": Localized(ja=name, en=name)})
    target = draw(_TARGETS)
    return KpiState(
        kpi=kpi,
        as_of=AS_OF + timedelta(days=draw(st.integers(-5000, 5000))),
        current=draw(_periods()),
        previous=draw(_periods()),
        last_year=draw(_periods()),
        history=draw(st.lists(_periods(), max_size=12)),
        target=target,
        attainment=draw(st.one_of(_NUMBERS, st.just(math.inf))),
        level=draw(st.sampled_from(Level)),
        basis=draw(st.one_of(st.none(), st.sampled_from(Basis))),
        rule=draw(st.one_of(st.none(), st.sampled_from(CATALOG.rules))),
        projection=draw(_NUMBERS),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state=_states(), locale=st.sampled_from(["ja", "en"]))
def test_a_kpi_answer_never_fails_and_stays_within_limits_whatever_the_values(
    state: KpiState, locale: str
) -> None:
    check_message(kpi_message(state, locale))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    states=st.lists(_states(), max_size=80),
    locale=st.sampled_from(["ja", "en"]),
    level=st.one_of(st.none(), st.sampled_from(Level)),
)
def test_a_status_answer_never_fails_and_stays_within_limits_whatever_the_values(
    states: list[KpiState], locale: str, level: Level | None
) -> None:
    text = all_text(check_message(status_message(states, locale, level)))
    for tier in Tier:
        if any(state.kpi.tier is tier for state in states if level in (None, state.level)):
            assert f"*{tier_title(tier, locale)}*" in text
