"""Streaming readers for import files: CSV with a header row, or JSON Lines.

Both yield one `RawRow` per data row with the line it starts on, decoding UTF-8 (a BOM, as
Excel writes it, is skipped) line by line so that a bad byte is reported where it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
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


def read_csv(
    stream: IO[bytes], progress: Callable[[int], object] | None = None
) -> Iterator[RawRow]:
    """Yield the data rows of a CSV file whose first row names the columns."""
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
        columns = [name.strip().lower() for name in header]
        if any(not name for name in columns):
            raise FileProblem("the header row has an empty column name", line=1)
        duplicated = sorted({name for name in columns if columns.count(name) > 1})
        if duplicated:
            raise FileProblem(f"the header names {', '.join(duplicated)} twice", line=1)
        width = len(columns)
        start = reader.line_num + 1
        for cells in reader:
            if len(cells) == width:
                # Lengths are equal: a strict zip would only check it again, per cell.
                yield RawRow(start, dict(zip(columns, cells, strict=False)))
            elif cells and any(cell.strip() for cell in cells):
                yield RawRow(
                    start, {}, f"has {len(cells)} cells but the header has {width} columns"
                )
            start = reader.line_num + 1
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
        if not isinstance(value, dict):
            yield RawRow(number, {}, "each line must be a JSON object")
            continue
        yield RawRow(number, {str(key).strip().lower(): cell for key, cell in value.items()})


def read_rows(
    stream: IO[bytes], file_format: FileFormat, progress: Callable[[int], object] | None = None
) -> Iterator[RawRow]:
    """Yield the rows of a CSV or JSON Lines stream."""
    reader = read_csv if file_format is FileFormat.CSV else read_jsonl
    return reader(stream, progress)
