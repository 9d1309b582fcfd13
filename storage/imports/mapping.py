"""Column mappings: how another tool's export becomes kpibot's rows.

A mapping is a small YAML file (validated with pydantic: a bad one is refused naming the
key at fault) that says which of the file's columns fill which fields, which record type
every row is, which constant values to add, which columns to drop, and which rows to skip
or refuse by one simple condition each (equals / not equals / in / not in, on one column,
ignoring case and surrounding spaces). It is applied to rows as read, before validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import CsvBatch, RawRow
from storage.schema import EventType

# A mapping's name, as `?map=NAME` gives it: a plain file stem, never a path.
MAPPING_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAPPING_SUFFIXES = (".yaml", ".yml")
# Cells of a field filled from several columns are joined with this.
JOINER = ":"


class MappingError(Exception):
    """A mapping file that cannot be used; the message names the file and the key at fault."""


def _folded(text: str) -> str:
    return text.strip().casefold()


class Condition(BaseModel):
    """One test on one column's cell: exactly one of equals, not_equals, in, not_in."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str = Field(min_length=1)
    equals: str | None = None
    not_equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[str] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        given = [
            name
            for name, value in (
                ("equals", self.equals),
                ("not_equals", self.not_equals),
                ("in", self.in_),
                ("not_in", self.not_in),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of equals, not_equals, in, not_in")
        return self

    def allowed(self) -> list[str]:
        """The values that pass, or (for not_equals / not_in) those that do not."""
        values = [self.equals] if self.equals is not None else self.in_
        values = values or ([self.not_equals] if self.not_equals is not None else self.not_in)
        return list(values or [])

    def holds(self, cell: Any) -> bool:
        """Whether a cell meets the condition (an empty or missing cell is "")."""
        value = _folded("" if cell is None else str(cell))
        if self.equals is not None:
            return value == _folded(self.equals)
        if self.not_equals is not None:
            return value != _folded(self.not_equals)
        if self.in_ is not None:
            return value in {_folded(item) for item in self.in_}
        return value not in {_folded(item) for item in self.not_in or []}


class ColumnMapping(BaseModel):
    """A mapping file's content."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: EventType | None = None
    # field -> the file's column (or columns, joined with ':'); unmapped columns stay as
    # they are.
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    values: dict[str, str | int | float | bool] = Field(default_factory=dict)
    drop: list[str] = Field(default_factory=list)
    skip: list[Condition] = Field(default_factory=list)
    refuse: list[Condition] = Field(default_factory=list)
    # The zone of times written without an offset (a payment export in UTC, say); default:
    # KPIBOT_TIMEZONE.
    times_in: str | None = None

    @field_validator("columns")
    @classmethod
    def _sources_named(cls, columns: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for field, source in columns.items():
            names = [source] if isinstance(source, str) else source
            if not field.strip() or not names or any(not name.strip() for name in names):
                raise ValueError(f"{field}: name one of the file's columns (or a list of them)")
        return columns

    @model_validator(mode="after")
    def _usable(self) -> Self:
        for field in self.values:
            if field in self.columns:
                raise ValueError(f"values.{field}: already filled from columns.{field}")
        return self

    def sources(self) -> list[str]:
        """Every column of the file the mapping names, lower-case as headers are read."""
        named: list[str] = []
        for source in self.columns.values():
            named.extend([source] if isinstance(source, str) else source)
        named.extend(self.drop)
        named.extend(condition.column for condition in (*self.skip, *self.refuse))
        return list(dict.fromkeys(name.strip().lower() for name in named))


def _at_key(location: tuple[int | str, ...], message: str) -> str:
    path = ".".join(str(part) for part in location)
    return f"{path}: {message}" if path else message


def load_mapping(path: Path) -> ColumnMapping:
    """Read and validate a mapping file; raises MappingError naming the key at fault."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MappingError(f"{path}: cannot be read ({error.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: not YAML: {str(error).splitlines()[0]}") from None
    try:
        return ColumnMapping.model_validate(content or {})
    except ValidationError as error:
        problems = "; ".join(
            _at_key(item["loc"], str(item["msg"]).removeprefix("Value error, "))
            for item in error.errors()
        )
        raise MappingError(f"{path}: {problems}") from None


def mapping_path(folder: Path, name: str) -> Path | None:
    """The file of a named mapping in a folder, None if there is none; raises MappingError
    for a name that is not a plain file stem (`../x`, `a/b`)."""
    if not MAPPING_NAME.fullmatch(name):
        raise MappingError(
            f"{name[:60]!r} is not a mapping name (letters, digits, '-' and '_', "
            "as the file's name without .yaml)"
        )
    for suffix in MAPPING_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


@dataclass
class AppliedMapping:
    """A mapping applied to the rows of one import: it counts the rows it skipped."""

    mapping: ColumnMapping
    skipped: int = 0

    def check_header(self, names: list[str]) -> None:
        """Refuse a file whose header lacks a column the mapping names."""
        missing = [name for name in self.mapping.sources() if name not in names]
        if missing:
            raise FileProblem(ProblemCode.MAPPING_COLUMNS_MISSING, line=1, columns=missing)

    def _mapped(self, line: int, cells: Mapping[str, Any]) -> RawRow | None:
        """A row's cells as the mapping makes them; None for a skipped row."""
        mapping = self.mapping
        if any(
            condition.holds(cells.get(condition.column.strip().lower()))
            for condition in mapping.skip
        ):
            self.skipped += 1
            return None
        for condition in mapping.refuse:
            column = condition.column.strip().lower()
            if condition.holds(cells.get(column)):
                problem = RowProblem(
                    line,
                    condition.column,
                    ProblemCode.REFUSED_BY_MAPPING,
                    {
                        "value": cells.get(column),
                        "allowed": condition.allowed(),
                        "excluded": condition.equals is not None or condition.in_ is not None,
                    },
                )
                return RawRow(line, dict(cells), problem)
        # Columns only a condition reads have served their purpose: dropped too.
        taken: set[str] = {name.strip().lower() for name in mapping.drop}
        taken.update(condition.column.strip().lower() for condition in mapping.refuse)
        taken.update(condition.column.strip().lower() for condition in mapping.skip)
        mapped: dict[str, Any] = {}
        for field, source in mapping.columns.items():
            names = [source] if isinstance(source, str) else source
            keys = [name.strip().lower() for name in names]
            taken.update(keys)
            parts = [cells.get(key) for key in keys]
            if len(parts) == 1:
                mapped[field.strip().lower()] = parts[0]
            elif all(part not in (None, "") for part in parts):
                mapped[field.strip().lower()] = JOINER.join(str(part).strip() for part in parts)
        rest = {name: cell for name, cell in cells.items() if name not in taken}
        return RawRow(line, {**rest, **mapped, **mapping.values})

    def rows(self, rows: Iterator[RawRow]) -> Iterator[RawRow]:
        """The rows of a JSON import, mapped; skipped rows left out."""
        for raw in rows:
            if raw.unreadable is not None:
                yield raw
                continue
            mapped = self._mapped(raw.line, raw.cells)
            if mapped is not None:
                yield mapped

    def batch(self, batch: CsvBatch) -> list[RawRow]:
        """The rows of a CSV batch, mapped; skipped rows left out."""
        mapped = (
            self._mapped(raw.line, raw.cells) if raw.unreadable is None else raw
            for raw in batch.raw_rows()
        )
        return [raw for raw in mapped if raw is not None]
