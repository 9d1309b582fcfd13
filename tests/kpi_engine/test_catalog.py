from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kpi_engine.catalog import (
    Catalog,
    CatalogError,
    CatalogProblem,
    EntryProblem,
    Judge,
    KpiDefinition,
    Level,
    PeriodKind,
    RuleCondition,
    Tier,
    UnknownKpi,
    load_catalog,
)

DOCUMENT_IDS = [
    "brand_search_rank",
    "market_share",
    "cumulative_students",
    "annual_revenue",
    "mrr",
    "revenue_growth_yoy",
    "gross_margin",
    "new_customers",
    "cac",
    "ltv",
    "ltv_cac",
    "completion_rate",
    "uptime",
    "support_response_24h",
    "support_response_48h",
    "content_updates",
    "team_productivity",
    "nps",
    "csat",
    "retention_6m",
    "ai_adoption_rate",
    "referral_rate",
]

# Written as escapes: full-width letters look like ASCII ones in most editors.
FULLWIDTH_N = "\uff2e"
FULLWIDTH_NPS = "\uff2e\uff30\uff33"

A_KPI = """
  - id: {id}
    name: {{ja: {name}, en: {name}}}
    aliases: [{aliases}]
    tier: customer
    unit: point
    direction: higher
    period: month
    update_frequency: monthly
    method: {{ja: 測定, en: measured}}
    calculation: {{ja: 計算, en: computed}}
    judge: ratio
    targets:
      - {{value: {value}, start: 2025-01-01}}
"""


def catalog_text(*kpis: str, rules: str = "[]") -> str:
    return (
        "document_date: 2025-01-05\n"
        "phases:\n"
        "  - {id: phase1, name: {ja: 基盤構築期, en: Foundation},"
        " start: 2025-01-01, end: 2025-06-30}\n"
        "kpis:" + "".join(kpis) + f"\nrules: {rules}\n"
    )


def a_kpi(kpi_id: str, *, name: str = "", aliases: str = "", value: str = "1") -> str:
    return A_KPI.format(id=kpi_id, name=name or kpi_id, aliases=aliases, value=value)


def write(tmp_path: Path, text: str, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[EntryProblem]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    return caught.value.problems


def said(path: Path) -> list[tuple[str, CatalogProblem, dict[str, Any]]]:
    """Each problem of a catalog file: the entry, the code and its parameters."""
    return [(problem.where, problem.code, dict(problem.params)) for problem in problems_of(path)]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_shipped_catalog_has_every_kpi_of_the_document_in_order(catalog: Catalog) -> None:
    assert [kpi.id for kpi in catalog.kpis] == DOCUMENT_IDS


def test_every_shipped_kpi_has_a_target_from_2025_01_01_onwards(catalog: Catalog) -> None:
    for kpi in catalog.kpis:
        assert kpi.targets, kpi.id
        assert kpi.targets[0].start <= date(2025, 1, 1), kpi.id


def test_shipped_catalog_dates_the_document_and_its_three_phases(catalog: Catalog) -> None:
    assert catalog.document_date == date(2025, 1, 5)
    assert [(p.start, p.end) for p in catalog.phases] == [
        (date(2025, 1, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2027, 6, 30)),
    ]


def test_shipped_catalog_groups_kpis_by_the_documents_four_tiers(catalog: Catalog) -> None:
    tiers = catalog.by_tier()

    assert list(tiers) == [Tier.STRATEGIC, Tier.BUSINESS, Tier.OPERATIONAL, Tier.CUSTOMER]
    assert [len(kpis) for kpis in tiers.values()] == [4, 7, 6, 5]
    assert [kpi.id for kpi in tiers[Tier.CUSTOMER]] == DOCUMENT_IDS[-5:]


def test_shipped_catalog_judges_flows_pro_rated_and_stocks_on_a_line(catalog: Catalog) -> None:
    judges = {kpi.id: kpi.judge for kpi in catalog.kpis}

    assert [k for k, j in judges.items() if j is Judge.PRORATED] == [
        "mrr",
        "new_customers",
        "content_updates",
    ]
    assert [k for k, j in judges.items() if j is Judge.LINE] == [
        "market_share",
        "cumulative_students",
        "annual_revenue",
    ]
    assert [k for k, j in judges.items() if j is Judge.GROWTH] == [
        "revenue_growth_yoy",
        "team_productivity",
    ]


def test_shipped_catalog_holds_the_documents_four_alert_rules(catalog: Catalog) -> None:
    rules = [(r.kpi, r.condition, r.threshold, r.level) for r in catalog.rules]

    assert rules == [
        ("mrr", RuleCondition.ATTAINMENT_BELOW, 80, Level.ORANGE),
        ("nps", RuleCondition.VALUE_AT_MOST, 50, Level.RED),
        ("uptime", RuleCondition.VALUE_AT_MOST, 98, Level.RED),
        ("support_response_48h", RuleCondition.VALUE_BELOW, 80, Level.ORANGE),
    ]


def test_rules_for_a_kpi_returns_only_its_rules(catalog: Catalog) -> None:
    assert [rule.id for rule in catalog.rules_for("uptime")] == ["uptime_at_most_98"]
    assert catalog.rules_for("csat") == []


def test_minimum_samples_follow_the_kinds_of_data(catalog: Catalog) -> None:
    samples = {kpi.id: kpi.min_sample for kpi in catalog.kpis if kpi.min_sample}

    assert samples == {
        "completion_rate": 10,
        "support_response_24h": 5,
        "support_response_48h": 5,
        "nps": 10,
        "csat": 5,
        "retention_6m": 10,
        "ai_adoption_rate": 10,
        "referral_rate": 10,
    }


@pytest.mark.parametrize(
    ("query", "kpi_id"),
    [
        (FULLWIDTH_NPS, "nps"),
        ("nps", "nps"),
        ("N P S", "nps"),
        ("顧客満足度", "csat"),
        ("LTV/CAC", "ltv_cac"),
        ("ltv/cac", "ltv_cac"),
        ("LTV/CAC比率", "ltv_cac"),
        ("MRR", "mrr"),
        ("月次売上", "mrr"),
        ("稼働率", "uptime"),
        ("Support-Response_24H", "support_response_24h"),
    ],
)
def test_find_matches_ids_names_and_aliases_whatever_the_case_and_width(
    catalog: Catalog, query: str, kpi_id: str
) -> None:
    assert catalog.find(query).id == kpi_id


def test_find_suggests_close_kpis_for_a_typo(catalog: Catalog) -> None:
    with pytest.raises(UnknownKpi) as caught:
        catalog.find("npx")

    assert caught.value.query == "npx"
    assert caught.value.suggestions[0] == "nps"
    assert len(caught.value.suggestions) <= 3
    assert len(set(caught.value.suggestions)) == len(caught.value.suggestions)


def test_get_takes_exact_ids_only_and_suggests_otherwise(catalog: Catalog) -> None:
    assert catalog.get("cac").id == "cac"
    with pytest.raises(UnknownKpi) as caught:
        catalog.get("CAC ")
    assert "cac" in caught.value.suggestions


def test_find_with_nothing_close_suggests_nothing(catalog: Catalog) -> None:
    with pytest.raises(UnknownKpi) as caught:
        catalog.find("zzzzzzzzzzzz")
    assert caught.value.suggestions == []


def test_localized_text_follows_the_locale(catalog: Catalog) -> None:
    name = catalog.get("csat").name

    assert name.in_locale("ja-JP") == "顧客満足度"
    assert name.in_locale("en-US") == "Customer satisfaction (CSAT)"


def test_a_valid_custom_catalog_loads_with_its_restrictions(tmp_path: Path) -> None:
    kpi = a_kpi("nps") + "    restricted: {channels: [C123], users: [U1, U2]}\n"
    catalog = load_catalog(write(tmp_path, catalog_text(kpi)))

    restricted = catalog.get("nps").restricted
    assert restricted is not None
    assert restricted.channels == ["C123"]
    assert restricted.users == ["U1", "U2"]


def test_a_broken_catalog_lists_every_problem_at_its_line_and_column_in_file_order(
    tmp_path: Path,
) -> None:
    text = catalog_text(
        a_kpi("nps"),
        a_kpi("nps", name="NPS again"),
        a_kpi("csat", value="lots"),
        rules="[{id: r1, kpi: revenue, level: red, condition: value_below, threshold: 1,"
        " message: {ja: 売上, en: revenue}}]",
    )

    problems = problems_of(write(tmp_path, text))

    assert problems == [
        EntryProblem(
            ("kpis", 1, "id"),
            CatalogProblem.DUPLICATE_ID,
            {"id": "nps", "first": "kpis[0]"},
            line=19,
            column=5,
        ),
        EntryProblem(
            ("kpis", 2, "targets", 0, "value"),
            CatalogProblem.NOT_A_NUMBER,
            {"value": "lots"},
            line=45,
            column=10,
        ),
        EntryProblem(
            ("rules", 0, "kpi"),
            CatalogProblem.UNKNOWN_KPI,
            {"value": "revenue"},
            line=47,
            column=18,
        ),
    ]
    assert [problem.where for problem in problems] == [
        "kpis[1].id",
        "kpis[2].targets[0].value",
        "rules[0].kpi",
    ]


def test_a_catalog_errors_own_text_is_codes_and_parameters_for_the_log(tmp_path: Path) -> None:
    path = write(tmp_path, catalog_text(a_kpi("nps"), a_kpi("nps")))

    with pytest.raises(CatalogError) as caught:
        load_catalog(path)

    assert caught.value.source == path
    assert str(caught.value) == (
        f"{path}: kpis[1].id: duplicate_id {{'id': 'nps', 'first': 'kpis[0]'}}"
    )


def test_a_yaml_syntax_error_names_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "document_date: 2025-01-05\nkpis:\n  - id: [nps\n", "broken.yaml")

    assert problems_of(path) == [EntryProblem((), CatalogProblem.NOT_YAML, line=4, column=1)]


def test_a_file_that_is_not_utf8_names_the_line_of_its_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_bytes("document_date: 2025-01-05\nkpis:\n  - id: 顧客\n".encode("shift_jis"))

    assert problems_of(path) == [EntryProblem((), CatalogProblem.NOT_UTF8, line=3)]


def test_a_missing_file_is_a_catalog_error_with_the_systems_reason(tmp_path: Path) -> None:
    assert said(tmp_path / "nowhere.yaml") == [
        ("", CatalogProblem.UNREADABLE, {"reason": "No such file or directory"})
    ]


def test_a_file_that_is_not_a_mapping_is_a_catalog_error(tmp_path: Path) -> None:
    assert said(write(tmp_path, "- just\n- a list\n")) == [("", CatalogProblem.NOT_A_MAPPING, {})]


def test_a_missing_key_is_placed_at_the_entry_that_lacks_it(tmp_path: Path) -> None:
    kpi = a_kpi("nps").replace("    tier: customer\n", "")

    [problem] = problems_of(write(tmp_path, catalog_text(kpi)))

    assert (problem.where, problem.code) == ("kpis[0].tier", CatalogProblem.REQUIRED)
    assert (problem.line, problem.column) == (5, 5)  # the `- id: nps` that starts the KPI


def test_an_unknown_key_is_told_the_keys_its_entry_takes(tmp_path: Path) -> None:
    rules = (
        "[{id: r1, kpi: nps, level: red, condition: value_below, threshold: 1,"
        " message: {ja: x, en: x, fr: x}}]"
    )

    assert said(write(tmp_path, catalog_text(a_kpi("nps"), rules=rules))) == [
        ("rules[0].message.fr", CatalogProblem.UNKNOWN_KEY, {"known": ["ja", "en"]})
    ]


def test_a_value_outside_a_choice_is_told_the_choices(tmp_path: Path) -> None:
    kpi = a_kpi("nps").replace("tier: customer", "tier: nowhere")

    assert said(write(tmp_path, catalog_text(kpi))) == [
        (
            "kpis[0].tier",
            CatalogProblem.NOT_ONE_OF,
            {"value": "nowhere", "expected": ["strategic", "business", "operational", "customer"]},
        )
    ]


def test_ids_owners_and_settings_are_checked_each_once(tmp_path: Path) -> None:
    kpi = a_kpi("Bad-Id") + "    owner: bob\n    settings: {query: [a, b], days: 90}\n"

    assert said(write(tmp_path, catalog_text(kpi))) == [
        ("kpis[0].id", CatalogProblem.NOT_AN_ID, {"value": "Bad-Id"}),
        ("kpis[0].owner", CatalogProblem.NOT_AN_OWNER, {"value": "bob"}),
        ("kpis[0].settings.query", CatalogProblem.NOT_A_SETTING, {}),
    ]


def test_an_alias_naming_two_kpis_is_a_problem(tmp_path: Path) -> None:
    text = catalog_text(a_kpi("nps"), a_kpi("csat", aliases=FULLWIDTH_N + "_P-S"))

    assert said(write(tmp_path, text)) == [
        (
            "kpis[1].aliases[0]",
            CatalogProblem.NAME_TAKEN,
            {"name": f"{FULLWIDTH_N}_P-S", "other": "kpis[0]", "other_id": "nps"},
        )
    ]


def test_targets_out_of_order_and_a_line_without_due_are_problems_at_their_targets(
    tmp_path: Path,
) -> None:
    kpi = a_kpi("cumulative", value="50").replace("judge: ratio", "judge: line")
    kpi += "      - {value: 10, start: 2024-12-01, due: 2025-06-30}\n"

    assert said(write(tmp_path, catalog_text(kpi))) == [
        ("kpis[0].targets[0]", CatalogProblem.NO_DUE_FOR_LINE, {}),
        (
            "kpis[0].targets[1]",
            CatalogProblem.TARGET_OUT_OF_ORDER,
            {
                "start": date(2024, 12, 1),
                "previous": "targets[0]",
                "previous_start": date(2025, 1, 1),
            },
        ),
    ]


def test_a_due_date_before_the_start_and_an_unknown_phase_are_problems(tmp_path: Path) -> None:
    early_due = a_kpi("nps").replace(
        "{value: 1, start: 2025-01-01}", "{value: 1, start: 2025-01-01, due: 2024-12-31}"
    )
    unknown_phase = a_kpi("csat") + "      - {value: 2, start: 2025-07-01, phase: phase9}\n"

    assert said(write(tmp_path, catalog_text(early_due, unknown_phase))) == [
        (
            "kpis[0].targets[0].due",
            CatalogProblem.DUE_BEFORE_START,
            {"start": date(2025, 1, 1), "due": date(2024, 12, 31)},
        ),
        (
            "kpis[1].targets[1].phase",
            CatalogProblem.UNKNOWN_PHASE,
            {"value": "phase9", "known": ["phase1"]},
        ),
    ]


def test_phases_that_overlap_or_end_before_they_start_are_problems(tmp_path: Path) -> None:
    text = catalog_text(a_kpi("nps")).replace(
        "end: 2025-06-30}\n",
        "end: 2025-06-30}\n"
        "  - {id: phase2, name: {ja: 二, en: Two}, start: 2025-06-01, end: 2025-12-31}\n"
        "  - {id: phase3, name: {ja: 三, en: Three}, start: 2026-07-01, end: 2026-01-01}\n",
    )

    assert said(write(tmp_path, text)) == [
        (
            "phases[1].start",
            CatalogProblem.PHASE_OVERLAP,
            {
                "start": date(2025, 6, 1),
                "previous": "phases[0]",
                "previous_id": "phase1",
                "previous_end": date(2025, 6, 30),
            },
        ),
        (
            "phases[2].end",
            CatalogProblem.END_BEFORE_START,
            {"start": date(2026, 7, 1), "end": date(2026, 1, 1)},
        ),
    ]


def test_an_alert_rule_must_raise_an_alerting_level(tmp_path: Path) -> None:
    rules = (
        "[{id: r1, kpi: nps, level: green, condition: value_below, threshold: 1,"
        " message: {ja: x, en: x}}]"
    )

    assert said(write(tmp_path, catalog_text(a_kpi("nps"), rules=rules))) == [
        (
            "rules[0].level",
            CatalogProblem.NOT_ONE_OF,
            {"value": "green", "expected": ["yellow", "orange", "red"]},
        )
    ]


def test_growth_is_judged_only_of_a_kpi_where_higher_is_better(tmp_path: Path) -> None:
    kpi = a_kpi("nps").replace("direction: higher", "direction: lower")

    text = catalog_text(kpi.replace("judge: ratio", "judge: growth"))

    assert said(write(tmp_path, text)) == [
        ("kpis[0].judge", CatalogProblem.GROWTH_NEEDS_HIGHER, {})
    ]


def test_flow_totals_are_judged_once_a_week_of_their_month_has_passed(catalog: Catalog) -> None:
    waiting = {kpi.id: kpi.elapsed_days_to_judge for kpi in catalog.kpis}

    assert {kpi_id: days for kpi_id, days in waiting.items() if days} == {
        "mrr": 7,
        "new_customers": 7,
        "content_updates": 7,
    }


def test_min_elapsed_days_defaults_by_period_for_pro_rated_kpis_only(catalog: Catalog) -> None:
    prorated = catalog.get("mrr").model_copy(update={"min_elapsed_days": None})
    kinds = [PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.TRAILING_12M]

    defaults = [prorated.model_copy(update={"period": k}).elapsed_days_to_judge for k in kinds]

    assert defaults == [1, 7, 21, 0]
    assert catalog.get("nps").elapsed_days_to_judge == 0
    assert catalog.get("nps").model_copy(update={"min_elapsed_days": 3}).elapsed_days_to_judge == 3


def test_min_elapsed_days_must_pass_within_the_shortest_period(tmp_path: Path) -> None:
    def with_days(kpi_id: str, days: str) -> str:
        return a_kpi(kpi_id).replace("judge: ratio", f"judge: ratio\n    min_elapsed_days: {days}")

    text = catalog_text(with_days("nps", "29"), with_days("csat", "28"), with_days("x", "-1"))

    assert said(write(tmp_path, text)) == [
        (
            "kpis[0].min_elapsed_days",
            CatalogProblem.TOO_MANY_DAYS,
            {"days": 29, "period": PeriodKind.MONTH, "fewest": 28},
        ),
        ("kpis[2].min_elapsed_days", CatalogProblem.AT_LEAST, {"limit": 0}),
    ]


def test_a_boolean_is_not_a_target_value(tmp_path: Path) -> None:
    assert said(write(tmp_path, catalog_text(a_kpi("nps", value="yes")))) == [
        ("kpis[0].targets[0].value", CatalogProblem.NOT_A_NUMBER, {"value": True})
    ]


def test_a_catalog_built_in_code_is_checked_too() -> None:
    kpi = KpiDefinition.model_validate(
        {
            "id": "nps",
            "name": {"ja": "NPS", "en": "NPS"},
            "tier": "customer",
            "unit": "point",
            "direction": "higher",
            "period": "month",
            "update_frequency": "monthly",
            "method": {"ja": "m", "en": "m"},
            "calculation": {"ja": "c", "en": "c"},
            "judge": "ratio",
        }
    )

    with pytest.raises(CatalogError) as caught:
        Catalog(document_date=date(2025, 1, 5), phases=[], kpis=[kpi, kpi])

    assert caught.value.problems == [
        EntryProblem(
            ("kpis", 1, "id"), CatalogProblem.DUPLICATE_ID, {"id": "nps", "first": "kpis[0]"}
        )
    ]
    assert caught.value.source is None
