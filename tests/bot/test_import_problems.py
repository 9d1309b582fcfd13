"""Import problems in words: in the reader's language, where they are, values quoted short."""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

from bot.import_problems import _TEXTS, file_problem_text, row_problem_text, worker_error_text
from kpi_engine.catalog import ValueRule
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.worker import ImportWorkerError


def test_a_row_problem_names_its_line_and_column_in_either_language() -> None:
    problem = RowProblem(3, "amount", ProblemCode.TOO_SMALL, {"value": -5, "limit": 0})
    assert row_problem_text(problem, "ja") == "3 行目、amount 列: -5 は小さすぎます（0 以上）"
    assert row_problem_text(problem, "en") == "line 3, column amount: -5 is too small (at least 0)"


def test_a_huge_value_is_quoted_by_its_start_only() -> None:
    problem = RowProblem(2, "amount", ProblemCode.BAD_NUMBER, {"value": "9" * 5_000})
    text = row_problem_text(problem, "en")
    assert len(text) < 200
    assert text.endswith("… (5,002 chars) is not a number")
    assert row_problem_text(problem, "ja").endswith("…（5,002 文字） は数値として読めません")


def test_an_impossible_manual_value_says_what_the_kpi_can_take() -> None:
    rule = ValueRule(minimum=1, maximum=1000, whole=True)
    params = {"value": 0.0, "kpi": "brand_search_rank", "rule": rule}
    problem = RowProblem(2, None, ProblemCode.IMPOSSIBLE_VALUE, params)
    assert row_problem_text(problem, "en") == (
        "line 2: 0 is not a possible brand_search_rank: it is a whole number from 1 to 1,000"
    )
    assert "1以上1,000以下の整数" in row_problem_text(problem, "ja")


def test_a_file_neither_utf8_nor_cp932_names_the_byte_and_where_it_is() -> None:
    problem = FileProblem(ProblemCode.NOT_DECODABLE, line=7, column=4, encoding=None, byte=0x81)
    assert file_problem_text(problem, "en") == (
        "line 7: the file is neither UTF-8 nor Shift_JIS (CP932) (byte 0x81 at column 4); "
        "save it as UTF-8 (Excel: 'CSV UTF-8')"
    )


def test_every_problem_code_has_words() -> None:
    worded_apart = {
        ProblemCode.REFUSED_BY_MAPPING,
        ProblemCode.NOT_DECODABLE,
        ProblemCode.IMPOSSIBLE_VALUE,
    }
    assert set(ProblemCode) - worded_apart <= set(_TEXTS)


def test_a_refund_beyond_its_payment_names_both_sums_in_either_language() -> None:
    params = {"payment": "p1", "total": 100_001, "paid": 100_000}
    problem = RowProblem(2, "amount", ProblemCode.REFUNDS_EXCEED_PAYMENT, params)
    assert row_problem_text(problem, "en") == (
        "line 2, column amount: refunds of payment 'p1' would total 100,001 JPY, "
        "more than its 100,000 JPY"
    )
    assert row_problem_text(problem, "ja") == (
        "2 行目、amount 列: 支払い 'p1' への返金が合計 100,001 円になり、"
        "支払額 100,000 円を超えます"
    )


def test_a_failed_import_worker_is_said_in_either_language() -> None:
    stopped = ImportWorkerError(exit_code=-9)
    failed = ImportWorkerError(failure="MemoryError", details="Traceback ...\nMemoryError")
    assert worker_error_text(stopped, "ja") == (
        "取り込み用のプロセスが途中で終了しました（終了コード -9）"
    )
    assert worker_error_text(stopped, "en") == (
        "the import worker stopped unexpectedly (exit code -9)"
    )
    assert worker_error_text(failed, "ja") == "取り込み用のプロセスが失敗しました: MemoryError"
    assert worker_error_text(failed, "en") == "the import worker failed: MemoryError"
