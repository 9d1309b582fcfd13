"""A KPI catalog's problems in words: every problem the engine reports, in Japanese and in
English, at its place in the file."""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.catalog_problems import catalog_error_text, catalog_problem_text
from kpi_engine.catalog import CatalogProblem, EntryProblem, PeriodKind

KPI = ("kpis", 0)
# Each code with parameters as the engine gives them, and its words in each language.
WORDED: list[tuple[CatalogProblem, tuple[Any, ...], dict[str, Any], str, str]] = [
    (
        CatalogProblem.UNREADABLE,
        (),
        {"reason": "Permission denied"},
        "読めません（Permission denied）",
        "cannot be read (Permission denied)",
    ),
    (CatalogProblem.NOT_UTF8, (), {}, "UTF-8 のテキストではありません", "not UTF-8 text"),
    (CatalogProblem.NOT_YAML, (), {}, "YAML として読めません", "not YAML"),
    (
        CatalogProblem.NOT_A_MAPPING,
        (),
        {},
        "document_date、phases、kpis、rules を「キー: 値」の組で書いてください",
        "must be a YAML mapping of document_date, phases, kpis and rules",
    ),
    (
        CatalogProblem.NOT_A_MAPPING,
        (*KPI, "name"),
        {},
        "「キー: 値」の組で書いてください",
        "must be keys with values (key: value)",
    ),
    (
        CatalogProblem.UNKNOWN_KEY,
        ("rules", 0, "message", "fr"),
        {"known": ["ja", "en"]},
        "知らないキーです（使えるのは ja、en）",
        "not a key this entry takes (it takes ja, en)",
    ),
    (CatalogProblem.REQUIRED, (*KPI, "tier"), {}, "このキーが必要です", "this key is required"),
    (
        CatalogProblem.NOT_TEXT,
        (*KPI, "aliases", 0),
        {"value": 5},
        "文字列で書いてください（数字は '5' のように引用符で囲みます）",
        "must be text (quote a number: '5')",
    ),
    (CatalogProblem.EMPTY, (*KPI, "method", "ja"), {}, "空にはできません", "must not be empty"),
    (
        CatalogProblem.NOT_A_LIST,
        (*KPI, "targets"),
        {},
        "リスト（[a, b]）で書いてください",
        "must be a list ([a, b])",
    ),
    (
        CatalogProblem.NOT_A_NUMBER,
        (*KPI, "targets", 0, "value"),
        {"value": True},
        "true は数値ではありません",
        "true is not a number",
    ),
    (
        CatalogProblem.NOT_A_WHOLE_NUMBER,
        (*KPI, "min_sample"),
        {"value": 1.5},
        "1.5 は整数ではありません",
        "1.5 is not a whole number",
    ),
    (
        CatalogProblem.NOT_TRUE_OR_FALSE,
        (*KPI, "measured_value", "whole"),
        {"value": "sometimes"},
        "'sometimes' は true か false にしてください",
        "'sometimes' must be true or false",
    ),
    (
        CatalogProblem.NOT_A_DATE,
        (*KPI, "targets", 0, "start"),
        {"value": "2025-13-01"},
        "'2025-13-01' は日付ではありません（2025-01-01 のように書きます）",
        "'2025-13-01' is not a date (write it as 2025-01-01)",
    ),
    (
        CatalogProblem.NOT_A_SETTING,
        (*KPI, "settings", "query"),
        {},
        "文字列・数値・true・false のどれかにしてください",
        "must be text, a number, true or false",
    ),
    (
        CatalogProblem.NOT_ONE_OF,
        ("rules", 0, "level"),
        {"value": "green", "expected": ["yellow", "orange", "red"]},
        "'green' は使えません（yellow、orange、red のどれか）",
        "'green' is not allowed (one of yellow, orange, red)",
    ),
    (
        CatalogProblem.AT_LEAST,
        (*KPI, "stale_after_days"),
        {"limit": 1},
        "1 以上にしてください",
        "must be at least 1",
    ),
    (
        CatalogProblem.AT_MOST,
        (*KPI, "stale_after_days"),
        {"limit": 3660},
        "3,660 以下にしてください",
        "must be at most 3,660",
    ),
    (
        CatalogProblem.NOT_AN_ID,
        (*KPI, "id"),
        {"value": "Bad-Id"},
        "'Bad-Id' は id に使えません（英小文字で始め、英小文字・数字・_ だけで書きます）",
        "'Bad-Id' cannot be an id (a lower-case letter, then lower-case letters, digits and _)",
    ),
    (
        CatalogProblem.NOT_AN_OWNER,
        (*KPI, "owner"),
        {"value": "bob"},
        "'bob' は Slack のユーザーIDでもユーザーグループIDでもありません"
        "（U012AB3CD や S012AB3CD のようなID）",
        "'bob' is not a Slack user or user group id (such as U012AB3CD or S012AB3CD)",
    ),
    (
        CatalogProblem.INVALID,
        (*KPI, "aliases"),
        {"detail": "Input should be a valid list"},
        "使えない値です: Input should be a valid list",
        "cannot be used: Input should be a valid list",
    ),
    (
        CatalogProblem.END_BEFORE_START,
        ("phases", 0, "end"),
        {"start": date(2025, 1, 1), "end": date(2024, 6, 30)},
        "終了日 2024-06-30 が開始日 2025-01-01 より前です",
        "ends 2024-06-30, before it starts (2025-01-01)",
    ),
    (
        CatalogProblem.DUE_BEFORE_START,
        (*KPI, "targets", 0, "due"),
        {"start": date(2025, 1, 1), "due": date(2024, 12, 31)},
        "期限 2024-12-31 が開始日 2025-01-01 より前です",
        "due 2024-12-31, before it starts (2025-01-01)",
    ),
    (
        CatalogProblem.GROWTH_NEEDS_HIGHER,
        (*KPI, "judge"),
        {},
        "judge: growth は direction: higher の KPI にしか使えません",
        "judge: growth needs direction: higher",
    ),
    (
        CatalogProblem.TARGET_OUT_OF_ORDER,
        (*KPI, "targets", 1),
        {"start": date(2024, 12, 1), "previous": "targets[0]", "previous_start": date(2025, 1, 1)},
        "開始日 2024-12-01 が targets[0] の開始日 2025-01-01 より後ではありません"
        "（目標は開始日の順に、1つの開始日に1つずつ書きます）",
        "starts 2024-12-01, not after targets[0] (2025-01-01):"
        " targets go in order of start, one per start date",
    ),
    (
        CatalogProblem.NO_DUE_FOR_LINE,
        (*KPI, "targets", 0),
        {},
        "期限（due）がありません。judge: line の KPI の目標には必要です",
        "has no due date, which judge: line needs",
    ),
    (
        CatalogProblem.TOO_MANY_DAYS,
        (*KPI, "min_elapsed_days"),
        {"days": 29, "period": PeriodKind.MONTH, "fewest": 28},
        "29 日は period: month の最も短い期間（28 日）より長く、進行中の期間が判定されなくなります",
        "29 days are more than the shortest month has (28):"
        " such a period would never be judged while in progress",
    ),
    (
        CatalogProblem.NO_MEASURED_VALUE,
        ("kpis", 1, "measured_value"),
        {"kpi": "market_share"},
        "'market_share' は手で記録する KPI なので、取りうる値（measured_value）が必要です",
        "'market_share' is recorded by hand, so it needs measured_value (the values it can take)",
    ),
    (
        CatalogProblem.DUPLICATE_ID,
        ("kpis", 1, "id"),
        {"id": "nps", "first": "kpis[0]"},
        "id 'nps' は kpis[0] と重複しています",
        "duplicate id 'nps' (also kpis[0])",
    ),
    (
        CatalogProblem.PHASE_OVERLAP,
        ("phases", 1, "start"),
        {
            "start": date(2025, 6, 1),
            "previous": "phases[0]",
            "previous_id": "phase1",
            "previous_end": date(2025, 6, 30),
        },
        "開始日 2025-06-01 が phases[0]（'phase1'）の終了日 2025-06-30 より後ではありません",
        "starts 2025-06-01, not after phases[0] ('phase1') ends 2025-06-30",
    ),
    (
        CatalogProblem.UNKNOWN_PHASE,
        (*KPI, "targets", 1, "phase"),
        {"value": "phase9", "known": ["phase1", "phase2"]},
        "'phase9' というフェーズはありません（phase1、phase2 のどれか）",
        "unknown phase 'phase9' (phases are: phase1, phase2)",
    ),
    (
        CatalogProblem.NAME_TAKEN,
        ("kpis", 1, "aliases", 0),
        {"name": "NPS", "other": "kpis[0]", "other_id": "nps"},
        "'NPS' は kpis[0]（'nps'）の名前にもなっています",
        "'NPS' already names kpis[0] ('nps')",
    ),
    (
        CatalogProblem.UNKNOWN_KPI,
        ("rules", 0, "kpi"),
        {"value": "revenue"},
        "'revenue' という KPI はありません",
        "unknown KPI 'revenue'",
    ),
]


def test_every_problem_the_engine_reports_is_worded_below() -> None:
    assert {code for code, *_ in WORDED} == set(CatalogProblem)


@pytest.mark.parametrize(
    ("code", "path", "params", "japanese", "english"),
    WORDED,
    ids=[f"{code}-{len(path)}" for code, path, *_ in WORDED],
)
def test_a_catalog_problem_is_worded_after_its_entry_in_either_language(
    code: CatalogProblem, path: tuple[Any, ...], params: dict[str, Any], japanese: str, english: str
) -> None:
    problem = EntryProblem(path, code, params)
    where = f"{problem.where}: " if path else ""

    assert catalog_problem_text(problem, "ja") == where + japanese
    assert catalog_problem_text(problem, "en") == where + english


def test_a_problem_read_from_a_file_starts_with_its_line_and_column() -> None:
    tier = EntryProblem((*KPI, "tier"), CatalogProblem.REQUIRED, line=5, column=5)
    not_yaml = EntryProblem((), CatalogProblem.NOT_YAML, line=4, column=1)
    not_utf8 = EntryProblem((), CatalogProblem.NOT_UTF8, line=3)

    assert catalog_problem_text(tier, "ja") == "5 行目 5 文字目、kpis[0].tier: このキーが必要です"
    assert (
        catalog_problem_text(tier, "en") == "line 5, column 5, kpis[0].tier: this key is required"
    )
    assert catalog_problem_text(not_yaml, "ja") == "4 行目 1 文字目: YAML として読めません"
    assert catalog_problem_text(not_yaml, "en") == "line 4, column 1: not YAML"
    assert catalog_problem_text(not_utf8, "ja") == "3 行目: UTF-8 のテキストではありません"
    assert catalog_problem_text(not_utf8, "en") == "line 3: not UTF-8 text"


def test_a_long_value_is_quoted_cut_short() -> None:
    problem = EntryProblem((*KPI, "id"), CatalogProblem.NOT_AN_ID, {"value": "X" * 500})

    assert catalog_problem_text(problem, "en").startswith(
        f"kpis[0].id: '{'X' * 59}… (502 chars) cannot be an id"
    )


def test_the_shipped_catalog_is_named_as_such_and_a_custom_one_by_its_variable() -> None:
    one = [EntryProblem((), CatalogProblem.NOT_YAML, line=2, column=1)]
    two = [*one, EntryProblem(("rules", 0, "kpi"), CatalogProblem.UNKNOWN_KPI, {"value": "x"})]

    assert catalog_error_text(one, None, "ja") == (
        "同梱のカタログ kpi_engine/catalog.yaml は KPI カタログとして使えません（問題 1 件）:\n"
        "  - 2 行目 1 文字目: YAML として読めません"
    )
    assert catalog_error_text(two, Path("/etc/kpibot/catalog.yaml"), "en") == (
        "KPIBOT_CATALOG: /etc/kpibot/catalog.yaml is not a valid KPI catalog (2 problems):\n"
        "  - line 2, column 1: not YAML\n"
        "  - rules[0].kpi: unknown KPI 'x'"
    )
