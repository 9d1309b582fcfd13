"""Streaming readers for import files: CSV with a header row, or JSON Lines.

Every data row comes with the line it starts on; UTF-8 is decoded (a BOM, as Excel writes
it, is skipped) so that a bad byte is reported on its line. CSV rows come in batches of
cell lists (`CsvBatch`), JSON Lines rows one by one (`RawRow`).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, NamedTuple

BOM = b"\xef\xbb\xbf"
MAX_CELL = 100_000


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header, emptiness)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class RawRow(NamedTuple):
    """One data row as read: its starting line and its cells (or the reason it is unreadable)."""

    line: int
    cells: dict[str, Any]
    unreadable: str | None = None


def guess_format(name: str, head: bytes) -> FileFormat:
    """Pick the format from the file name, falling back to its first character."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return FileFormat.CSV
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return FileFormat.JSONL
    return (
        FileFormat.JSONL if head.removeprefix(BOM).lstrip()[:1] in (b"{", b"[") else FileFormat.CSV
    )


def _decoded_lines(
    stream: IO[bytes], progress: Callable[[int], object] | None
) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        if progress is not None:
            progress(len(raw))
        if number == 1:
            raw = raw.removeprefix(BOM)
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"the file is not UTF-8 (byte 0x{raw[error.start]:02x} at column "
                f"{error.start + 1}); save it as UTF-8 (Excel: 'CSV UTF-8')",
                line=number,
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


def _first_undecodable_line(stream: IO[bytes]) -> FileProblem:
    if not stream.seekable():
        return FileProblem("the file is not UTF-8; save it as UTF-8 (Excel: 'CSV UTF-8')")
    stream.seek(0)
    try:
        for _ in _decoded_lines(stream, None):
            pass
    except FileProblem as problem:
        return problem
    return FileProblem("the file is not UTF-8; save it as UTF-8 (Excel: 'CSV UTF-8')")


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
) -> Iterator[CsvBatch]:
    """Yield the data rows of a CSV file whose first row names the columns, in batches:
    of the sizes given, the last size repeating."""
    # Decoding in C, chunk by chunk, is several times faster than line by line; on a bad
    # byte we go back and find its line.
    text = io.TextIOWrapper(
        io.BufferedReader(_Progress(stream, progress)), encoding="utf-8-sig", newline=""
    )
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise FileProblem("the file is empty")
        names = [name.strip().lower() for name in header]
        if any(not name for name in names):
            raise FileProblem("the header row has an empty column name", line=1)
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise FileProblem(f"the header names {', '.join(duplicated)} twice", line=1)
        width = len(names)
        sizes = iter(batch_sizes)
        size = next(sizes)
        batch = CsvBatch(names, [], [], [])
        start = reader.line_num + 1
        for cells in reader:
            if len(cells) == width:
                batch.lines.append(start)
                batch.rows.append(cells)
            elif cells and any(cell.strip() for cell in cells):
                batch.unreadable.append(
                    RawRow(start, {}, f"has {len(cells)} cells but the header has {width} columns")
                )
            start = reader.line_num + 1
            if len(batch.rows) + len(batch.unreadable) == size:
                yield batch
                batch = CsvBatch(names, [], [], [])
                size = next(sizes, size)
        if batch.rows or batch.unreadable:
            yield batch
    except csv.Error as error:
        raise FileProblem(f"malformed CSV: {error}", line=reader.line_num) from None
    except UnicodeDecodeError:
        raise _first_undecodable_line(stream) from None


def read_jsonl(
    stream: IO[bytes], progress: Callable[[int], object] | None = None
) -> Iterator[RawRow]:
    """Yield one row per non-blank line of a JSON Lines file (each line a JSON object)."""
    for number, text in _decoded_lines(stream, progress):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield RawRow(number, {}, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        except ValueError:
            # Python refuses to turn very long digit strings into ints (a denial of service).
            digits = sys.get_int_max_str_digits()
            yield RawRow(number, {}, f"invalid JSON: a number has more than {digits:,} digits")
            continue
        except RecursionError:
            yield RawRow(number, {}, "invalid JSON: arrays or objects nested too deeply")
            continue
        if not isinstance(value, dict):
            yield RawRow(number, {}, "each line must be a JSON object")
            continue
        yield RawRow(number, {str(key).strip().lower(): cell for key, cell in value.items()})
