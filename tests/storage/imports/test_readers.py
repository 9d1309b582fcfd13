"""Reading CSV and JSON Lines files into raw rows, each with the line it starts on."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.imports import readers
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import (
    Encoding,
    FileFormat,
    RawRow,
    detect_encoding,
    guess_format,
    read_csv,
    read_jsonl,
)

BOM = b"\xef\xbb\xbf"


def csv_rows(data: bytes, batch_sizes: tuple[int, ...] = (5_000,)) -> list[RawRow]:
    return [
        row for batch in read_csv(io.BytesIO(data), None, batch_sizes) for row in batch.raw_rows()
    ]


def jsonl_rows(data: bytes) -> list[RawRow]:
    return list(read_jsonl(io.BytesIO(data)))


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("events.csv", b"{", FileFormat.CSV),
        ("EVENTS.JSONL", b"id,at", FileFormat.JSONL),
        ("events.ndjson", b"", FileFormat.JSONL),
        ("events.json", b"", FileFormat.JSONL),
        ("events.txt", b'  {"id": 1}', FileFormat.JSONL),
        ("events.txt", BOM + b'["x"]', FileFormat.JSON),
        ("events", b"id,at\n", FileFormat.CSV),
    ],
)
def test_the_format_comes_from_the_name_then_the_first_character(
    name: str, head: bytes, expected: FileFormat
) -> None:
    assert guess_format(name, head) is expected


def test_csv_rows_are_numbered_by_the_line_they_start_on() -> None:
    rows = csv_rows(b'id,note\na,"two\nlines"\nb,one\n')
    assert [(row.line, row.cells) for row in rows] == [
        (2, {"id": "a", "note": "two\nlines"}),
        (4, {"id": "b", "note": "one"}),
    ]


def test_csv_column_names_are_stripped_and_lowercased() -> None:
    assert csv_rows(b" ID , At\n1,2\n")[0].cells == {"id": "1", "at": "2"}


def test_a_csv_bom_is_skipped() -> None:
    assert csv_rows(BOM + b"id\nx\n")[0].cells == {"id": "x"}


def test_crlf_line_endings_are_read() -> None:
    rows = csv_rows(b"id,at\r\na,1\r\nb,2\r\n")
    assert [(row.line, row.cells["id"]) for row in rows] == [(2, "a"), (3, "b")]


def test_blank_csv_lines_are_skipped_but_counted() -> None:
    rows = csv_rows(b"id\n\na\n,\n\nb\n")
    assert [(row.line, row.cells) for row in rows] == [(3, {"id": "a"}), (6, {"id": "b"})]


@pytest.mark.parametrize(("line", "cells"), [(b"a,b,c", 3), (b"a", 1)])
def test_a_csv_row_of_the_wrong_width_is_unreadable(line: bytes, cells: int) -> None:
    (row,) = csv_rows(b"id,at\n" + line + b"\n")
    assert row.line == 2
    assert row.unreadable == RowProblem(
        2, None, ProblemCode.CELL_COUNT, {"cells": cells, "columns": 2}
    )


def test_an_empty_csv_is_a_file_problem() -> None:
    with pytest.raises(FileProblem) as problem:
        csv_rows(b"")
    assert problem.value.code is ProblemCode.EMPTY_FILE


def test_a_header_naming_a_column_twice_is_a_file_problem() -> None:
    with pytest.raises(FileProblem) as problem:
        csv_rows(b"id,ID\n1,2\n")
    assert (problem.value.code, problem.value.params) == (
        ProblemCode.DUPLICATE_HEADER,
        {"names": ["id"]},
    )
    assert problem.value.line == 1


def test_a_header_with_an_empty_name_is_a_file_problem() -> None:
    with pytest.raises(FileProblem) as problem:
        csv_rows(b"id,,at\n1,2,3\n")
    assert problem.value.code is ProblemCode.EMPTY_HEADER_NAME
    assert problem.value.line == 1


@pytest.mark.parametrize("line", [b'b,"x"y', b'b,"never closed'])
def test_a_badly_quoted_cell_is_a_file_problem_naming_its_line(line: bytes) -> None:
    with pytest.raises(FileProblem) as problem:
        csv_rows(b"id,at\na,1\n" + line + b"\n")
    assert problem.value.code is ProblemCode.MALFORMED_CSV
    assert problem.value.line == 3


def test_a_csv_neither_utf8_nor_cp932_names_the_line_of_the_bad_byte() -> None:
    data = b"id,customer\na,ok\n" + "b,顧客\n".encode("shift_jis") + b"c,\x81,\n"
    with pytest.raises(FileProblem) as problem:
        csv_rows(data)
    assert problem.value.code is ProblemCode.NOT_DECODABLE
    assert problem.value.line == 3


def test_a_bad_byte_far_into_a_csv_is_found_on_its_line() -> None:
    data = b"id\n" + b"".join(b"row%d\n" % n for n in range(20_000)) + b"\x81\n"
    with pytest.raises(FileProblem) as problem:
        csv_rows(data)
    assert (problem.value.params["byte"], problem.value.column) == (0x81, 1)
    assert problem.value.line == 20_002


def test_jsonl_rows_are_numbered_by_line_and_blank_lines_skipped() -> None:
    rows = jsonl_rows(b'{"ID ": "a", "Amount": 5}\n\n   \n{"id": "b"}\n')
    assert [(row.line, row.cells) for row in rows] == [
        (1, {"id": "a", "amount": 5}),
        (4, {"id": "b"}),
    ]


def test_a_broken_jsonl_line_is_unreadable_and_the_others_still_read() -> None:
    rows = jsonl_rows(b'{"id": "a"}\n{"id": \n{"id": "c"}\n')
    assert [row.line for row in rows] == [1, 2, 3]
    assert rows[1].unreadable is not None
    assert rows[1].unreadable.code is ProblemCode.INVALID_JSON
    assert rows[1].unreadable.params["column"] == 8
    assert rows[2].cells == {"id": "c"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": "a", "amount": ' + b"9" * 5_000 + b"}", ProblemCode.JSON_NUMBER_TOO_LONG),
        (b'{"id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ProblemCode.JSON_TOO_DEEP),
        (b"[" * 100_000, ProblemCode.JSON_TOO_DEEP),
    ],
)
def test_a_hostile_jsonl_line_is_unreadable_and_the_others_still_read(
    line: bytes, reason: ProblemCode
) -> None:
    rows = jsonl_rows(b'{"id": "a"}\n' + line + b'\n{"id": "c"}\n')
    assert [row.line for row in rows] == [1, 2, 3]
    assert rows[1].unreadable is not None
    assert rows[1].unreadable.code is reason
    assert rows[2].cells == {"id": "c"}


@pytest.mark.parametrize("line", [b'["payment", "p1"]', b"42", b'"text"', b"null"])
def test_a_jsonl_line_that_is_not_an_object_is_unreadable(line: bytes) -> None:
    (row,) = jsonl_rows(line + b"\n")
    assert row.unreadable == RowProblem(1, None, ProblemCode.NOT_AN_OBJECT)


def test_a_jsonl_bom_is_skipped() -> None:
    assert jsonl_rows(BOM + b'{"id": "a"}\n')[0].cells == {"id": "a"}


def test_a_jsonl_neither_utf8_nor_cp932_names_the_line_of_the_bad_byte() -> None:
    data = b'{"id": "a"}\n' + b'{"customer": "\x81,"}\n'
    with pytest.raises(FileProblem) as problem:
        jsonl_rows(data)
    assert problem.value.code is ProblemCode.NOT_DECODABLE
    assert problem.value.line == 2


def test_progress_reports_every_byte_read() -> None:
    for reader, data in (
        (read_csv, b"id,at\na,1\nb,2\n"),
        (read_jsonl, b'{"id": "a"}\n{"id": "b"}\n'),
    ):
        read: list[int] = []
        list(reader(io.BytesIO(data), read.append))
        assert sum(read) == len(data)


def test_csv_batches_have_the_sizes_asked_and_keep_every_line() -> None:
    data = b'id,note\na,1\nb,"two\nlines"\n\nc\nd,4\ne,5\nf,6\n'
    batches = list(read_csv(io.BytesIO(data), None, (1, 2)))
    assert [len(batch.rows) + len(batch.unreadable) for batch in batches] == [1, 2, 2, 1]
    assert [batch.lines for batch in batches] == [[2], [3], [7, 8], [9]]
    assert batches[1].unreadable[0].line == 6
    assert csv_rows(data, (1, 2)) == csv_rows(data)


def test_a_csv_batch_turns_into_columns() -> None:
    (batch,) = read_csv(io.BytesIO(b"ID,At\na,1\nb,2\n"))
    assert batch.columns() == {"id": ["a", "b"], "at": ["1", "2"]}


def encoding_of_whole(data: bytes) -> Encoding | None:
    """The encoding detection must find, decoding the file in one piece."""
    for encoding in (Encoding.UTF8, Encoding.CP932):
        try:
            data.decode(encoding.value)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


# ASCII, a character of each encoding, the lead byte of one alone, bytes neither allows.
PIECES = [b"a", b"id,at\n", "é".encode(), "円".encode(), "円".encode("cp932"), b"\xe3", b"\x82"]
PIECES += [b"\xff", b"\x80"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_encoding_detected_in_chunks_is_that_of_the_whole_file(pieces: list[bytes]) -> None:
    # Chunks of 4 bytes: characters and lone lead bytes fall across chunk ends, and chunks
    # of ASCII alone (which detection need not decode) come after them.
    data = b"".join(pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "_SCAN_CHUNK", 4)
        try:
            detected: Encoding | None = detect_encoding(io.BytesIO(data))
        except FileProblem:
            detected = None
    assert detected == encoding_of_whole(data)
