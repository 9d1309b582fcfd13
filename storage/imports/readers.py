"""Streaming readers for import files: CSV or TSV with a header row, JSON Lines, or one
JSON array.

Every data row comes with the line it starts on (an array's items with their position).
The text is UTF-8 (a BOM, as Excel writes it, is skipped) or CP932 (Shift_JIS, as Excel's
plain "CSV" writes it on Japanese Windows): a file that is valid UTF-8 is read as UTF-8,
one that is not but is valid CP932 as CP932, and one that is neither is refused naming the
line of its first bad byte. CSV rows come in batches of cell lists (`CsvBatch`), JSON rows
one by one (`RawRow`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, NamedTuple

from storage.imports.problems import FileProblem, ProblemCode, RowProblem

BOM = b"\xef\xbb\xbf"
MAX_CELL = 100_000
# Files are checked for UTF-8 in chunks of this size before they are read.
_SCAN_CHUNK = 1024 * 1024


class FileFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"
    JSON = "json"  # one JSON array of objects


class Encoding(StrEnum):
    UTF8 = "utf-8"
    CP932 = "cp932"


# Names `--encoding` accepts for each encoding.
ENCODING_NAMES = {
    "utf-8": Encoding.UTF8,
    "utf8": Encoding.UTF8,
    "cp932": Encoding.CP932,
    "shift_jis": Encoding.CP932,
    "shift-jis": Encoding.CP932,
    "sjis": Encoding.CP932,
    "windows-31j": Encoding.CP932,
}


class RawRow(NamedTuple):
    """One data row as read: its starting line and its cells (or why it is unreadable)."""

    line: int
    cells: dict[str, Any]
    unreadable: RowProblem | None = None


def guess_format(name: str, head: bytes) -> FileFormat:
    """Pick the format from the file name, falling back to its first character."""
    lowered = name.lower()
    first = head.removeprefix(BOM).lstrip()[:1]
    if lowered.endswith(".csv"):
        return FileFormat.CSV
    if lowered.endswith((".tsv", ".tab")):
        return FileFormat.TSV
    if lowered.endswith((".jsonl", ".ndjson")):
        return FileFormat.JSONL
    if first == b"[":
        return FileFormat.JSON
    if first == b"{" or lowered.endswith(".json"):
        return FileFormat.JSONL
    return FileFormat.TSV if b"\t" in head.split(b"\n", 1)[0] else FileFormat.CSV


def _valid(stream: IO[bytes], encoding: Encoding) -> bool:
    decoder = codecs.getincrementaldecoder(encoding.value)()
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            # ASCII decodes alike in both encodings: only a chunk with other bytes, or one
            # after a chunk that ended inside a character, needs the slower decoding.
            if not chunk.isascii() or decoder.getstate()[0]:
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_encoding(stream: IO[bytes]) -> Encoding:
    """The encoding a seekable file is in: UTF-8 whenever it is valid UTF-8, else CP932.

    A valid UTF-8 file is never read as CP932 (Japanese text in CP932 is almost never valid
    UTF-8, the other way round it often is). Raises FileProblem naming the first byte that
    is not UTF-8 when the file is neither.
    """
    if _valid(stream, Encoding.UTF8):
        return Encoding.UTF8
    if _valid(stream, Encoding.CP932):
        return Encoding.CP932
    raise _first_undecodable_line(stream, Encoding.UTF8, forced=False)


def _decoded_lines(
    stream: IO[bytes],
    progress: Callable[[int], object] | None,
    encoding: Encoding,
    forced: bool = True,
) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        if progress is not None:
            progress(len(raw))
        if number == 1 and encoding is Encoding.UTF8:
            raw = raw.removeprefix(BOM)
        try:
            yield number, raw.decode(encoding.value)
        except UnicodeDecodeError as error:
            raise FileProblem(
                ProblemCode.NOT_DECODABLE,
                line=number,
                column=error.start + 1,
                encoding=encoding.value if forced else None,
                byte=raw[error.start],
            ) from None


class _Progress(io.RawIOBase):
    """A raw stream that reports how many bytes were read."""

    def __init__(self, stream: IO[bytes], progress: Callable[[int], object] | None) -> None:
        self.stream = stream
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        if self.progress is not None and data:
            self.progress(len(data))
        return len(data)


def _first_undecodable_line(stream: IO[bytes], encoding: Encoding, forced: bool) -> FileProblem:
    encoding_named = encoding.value if forced else None
    if not stream.seekable():
        return FileProblem(ProblemCode.NOT_DECODABLE, encoding=encoding_named, byte=None)
    stream.seek(0)
    try:
        for _ in _decoded_lines(stream, None, encoding, forced):
            pass
    except FileProblem as problem:
        return problem
    raise AssertionError("the file decodes after all")  # pragma: no cover


def _encoding_of(stream: IO[bytes], encoding: Encoding | None) -> Encoding:
    """The encoding given, else the one detected (a stream that cannot seek: UTF-8)."""
    if encoding is not None:
        return encoding
    return detect_encoding(stream) if stream.seekable() else Encoding.UTF8


@dataclass(slots=True)
class CsvBatch:
    """Consecutive data rows of a CSV file, read together and kept as cell lists: the
    header's names, each full row's cells and line, and the rows that could not be read.

    Cell lists turn into columns in C (`columns`), so a batch that validates whole costs
    no Python per row and cell; `raw_rows` gives the rows one by one for the rest.
    """

    names: list[str]
    lines: list[int]
    rows: list[list[str]]
    unreadable: list[RawRow]

    def columns(self) -> dict[str, list[str]]:
        """The full rows' cells, column by column."""
        if not self.rows:
            return {name: [] for name in self.names}
        return dict(zip(self.names, map(list, zip(*self.rows, strict=True)), strict=True))

    def raw_rows(self) -> list[RawRow]:
        """Every row of the batch, readable or not, in file order."""
        rows = [
            # Every full row has one cell per name: a strict zip would check it per cell.
            RawRow(line, dict(zip(self.names, cells, strict=False)))
            for line, cells in zip(self.lines, self.rows, strict=True)
        ]
        if not self.unreadable:
            return rows
        return sorted(rows + self.unreadable, key=lambda row: row.line)


def read_csv(
    stream: IO[bytes],
    progress: Callable[[int], object] | None = None,
    batch_sizes: Iterable[int] = (5_000,),
    *,
    encoding: Encoding | None = None,
    delimiter: str = ",",
    check_header: Callable[[list[str]], None] | None = None,
) -> Iterator[CsvBatch]:
    """Yield the data rows of a CSV (or, with a tab delimiter, TSV) file whose first row
    names the columns, in batches: of the sizes given, the last size repeating.

    `encoding` None detects it; `check_header` may refuse the header's names (lower-case)
    before any row is read.
    """
    forced = encoding is not None
    encoding = _encoding_of(stream, encoding)
    # Decoding in C, chunk by chunk, is several times faster than line by line; on a bad
    # byte we go back and find its line.
    text = io.TextIOWrapper(
        io.BufferedReader(_Progress(stream, progress)),
        encoding="utf-8-sig" if encoding is Encoding.UTF8 else encoding.value,
        newline="",
    )
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(text, strict=True, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise FileProblem(ProblemCode.EMPTY_FILE)
        names = [name.strip().lower() for name in header]
        if any(not name for name in names):
            raise FileProblem(ProblemCode.EMPTY_HEADER_NAME, line=1)
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise FileProblem(ProblemCode.DUPLICATE_HEADER, line=1, names=duplicated)
        if check_header is not None:
            check_header(names)
        width = len(names)
        sizes = iter(batch_sizes)
        size = next(sizes)
        batch = CsvBatch(names, [], [], [])
        # The batch's lists and its row count as locals: this loop runs once per row.
        lines, rows, count = batch.lines, batch.rows, 0
        start = reader.line_num + 1
        for cells in reader:
            if len(cells) == width:
                lines.append(start)
                rows.append(cells)
                count += 1
            elif cells and any(cell.strip() for cell in cells):
                problem = RowProblem(
                    start, None, ProblemCode.CELL_COUNT, {"cells": len(cells), "columns": width}
                )
                batch.unreadable.append(RawRow(start, {}, problem))
                count += 1
            start = reader.line_num + 1
            if count == size:
                yield batch
                batch = CsvBatch(names, [], [], [])
                lines, rows, count = batch.lines, batch.rows, 0
                size = next(sizes, size)
        if count:
            yield batch
    except csv.Error as error:
        raise FileProblem(
            ProblemCode.MALFORMED_CSV, line=reader.line_num, detail=str(error)
        ) from None
    except UnicodeDecodeError:
        raise _first_undecodable_line(stream, encoding, forced) from None


def _json_problem(line: int, error: ValueError | RecursionError) -> RowProblem:
    """Why a line or a document is not JSON: where it breaks, or what is too big."""
    if isinstance(error, json.JSONDecodeError):
        return RowProblem(
            line, None, ProblemCode.INVALID_JSON, {"detail": error.msg, "column": error.colno}
        )
    if isinstance(error, RecursionError):
        return RowProblem(line, None, ProblemCode.JSON_TOO_DEEP)
    # Python refuses to turn very long digit strings into ints (a denial of service).
    digits = sys.get_int_max_str_digits()
    return RowProblem(line, None, ProblemCode.JSON_NUMBER_TOO_LONG, {"digits": digits})


def _object_row(line: int, value: Any) -> RawRow:
    if not isinstance(value, dict):
        return RawRow(line, {}, RowProblem(line, None, ProblemCode.NOT_AN_OBJECT))
    return RawRow(line, {str(key).strip().lower(): cell for key, cell in value.items()})


def read_jsonl(
    stream: IO[bytes],
    progress: Callable[[int], object] | None = None,
    *,
    encoding: Encoding | None = None,
) -> Iterator[RawRow]:
    """Yield one row per non-blank line of a JSON Lines file (each line a JSON object)."""
    forced = encoding is not None
    encoding = _encoding_of(stream, encoding)
    for number, text in _decoded_lines(stream, progress, encoding, forced):
        if not text.strip():
            continue
        try:
            # Without its line break, a line cut short breaks at its own end.
            value = json.loads(text.rstrip("\r\n"))
        except (ValueError, RecursionError) as error:
            yield RawRow(number, {}, _json_problem(number, error))
            continue
        yield _object_row(number, value)


def read_json_array(
    stream: IO[bytes],
    progress: Callable[[int], object] | None = None,
    *,
    encoding: Encoding | None = None,
) -> Iterator[RawRow]:
    """Yield one row per item of a JSON document holding one array of objects; an item's
    line is its position in the array (1, 2, …). The document is read whole."""
    forced = encoding is not None
    encoding = _encoding_of(stream, encoding)
    data = stream.read()
    if progress is not None:
        progress(len(data))
    try:
        text = data.removeprefix(BOM).decode(encoding.value)
    except UnicodeDecodeError:
        raise _first_undecodable_line(io.BytesIO(data), encoding, forced) from None
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as error:
        line = error.lineno if isinstance(error, json.JSONDecodeError) else None
        problem = _json_problem(line or 0, error)
        raise FileProblem(problem.code, line=line, **problem.params) from None
    if not isinstance(items, list):
        raise FileProblem(ProblemCode.NOT_AN_ARRAY)
    for position, item in enumerate(items, start=1):
        yield _object_row(position, item)
