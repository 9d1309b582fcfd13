"""Column mappings: how another tool's export becomes kpibot's rows.

A mapping is a small YAML file (validated with pydantic: a bad one is refused naming the
key at fault) that says which of the file's columns fill which fields, which record type
every row is, which constant values to add, which columns to drop, and which rows to skip
or refuse by one simple condition each (equals / not equals / in / not in, on one column,
ignoring case and surrounding spaces). It is applied to rows as read, before validation.

What is wrong with a mapping is said as codes and parameters (`MappingProblem`), each at the
key it concerns; the bot words them in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kpi_engine.problems import invalid
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import CsvBatch, RawRow
from storage.schema import EventType

# A mapping's name, as `?map=NAME` gives it: a plain file stem, never a path.
MAPPING_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAPPING_SUFFIXES = (".yaml", ".yml")
# Cells of a field filled from several columns are joined with this.
JOINER = ":"


class MappingProblem(StrEnum):
    """What is wrong with a mapping, or with one of its keys."""

    # The file as a whole.
    UNREADABLE = "unreadable"  # params: reason (the system's words)
    NOT_UTF8 = "not_utf8"
    NOT_YAML = "not_yaml"  # params: line, column (None when YAML does not say)
    BAD_NAME = "bad_name"  # params: name (as `?map=` gave it)
    # One key.
    NOT_A_MAPPING = "not_a_mapping"
    UNKNOWN_KEY = "unknown_key"  # params: known
    REQUIRED = "required"
    NOT_TEXT = "not_text"
    NOT_A_LIST = "not_a_list"
    NOT_A_TYPE = "not_a_type"  # params: value, known
    EMPTY = "empty"
    NOT_A_SCALAR = "not_a_scalar"
    NOT_COLUMN_NAMES = "not_column_names"
    BLANK_FIELD = "blank_field"
    ONE_TEST = "one_test"
    FILLED_TWICE = "filled_twice"  # params: field
    UNKNOWN_ZONE = "unknown_zone"  # params: value
    INVALID = "invalid"  # params: detail (pydantic's words, for a check without a code)


@dataclass(frozen=True)
class KeyProblem:
    """One problem of a mapping: the key it concerns (its path, `skip.0.column`; "" for the
    file as a whole), a code and its parameters."""

    key: str
    code: MappingProblem
    params: Mapping[str, Any] = field(default_factory=dict)


class MappingError(Exception):
    """A mapping that cannot be used: `source` names its file (None for a name that names
    no file), `problems` say what is wrong with it."""

    def __init__(self, source: str | None, problems: Sequence[KeyProblem]) -> None:
        said = "; ".join(f"{problem.key or '-'}: {problem.code}" for problem in problems)
        super().__init__(f"{source}: {said}" if source else said)
        self.source = source
        self.problems = list(problems)


def _column_names(value: Any) -> Any:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise invalid(MappingProblem.NOT_COLUMN_NAMES)
    if any(not isinstance(name, str) or not name.strip() for name in names):
        raise invalid(MappingProblem.NOT_COLUMN_NAMES)
    return value


def _scalar(value: Any) -> Any:
    if not isinstance(value, str | int | float | bool):
        raise invalid(MappingProblem.NOT_A_SCALAR)
    return value


# One column's name, or several joined (an id); a constant value a field is given.
ColumnNames = Annotated[str | list[str], BeforeValidator(_column_names)]
Constant = Annotated[str | int | float | bool, BeforeValidator(_scalar)]


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
            raise invalid(MappingProblem.ONE_TEST)
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
    columns: dict[str, ColumnNames] = Field(default_factory=dict)
    values: dict[str, Constant] = Field(default_factory=dict)
    drop: list[str] = Field(default_factory=list)
    skip: list[Condition] = Field(default_factory=list)
    refuse: list[Condition] = Field(default_factory=list)
    # The zone of times written without an offset (a payment export in UTC, say); default:
    # KPIBOT_TIMEZONE.
    times_in: str | None = None

    @field_validator("columns", "values")
    @classmethod
    def _fields_named(cls, filled: dict[str, Any]) -> dict[str, Any]:
        if any(not name.strip() for name in filled):
            raise invalid(MappingProblem.BLANK_FIELD)
        return filled

    @field_validator("times_in")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name is not None:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
                raise invalid(MappingProblem.UNKNOWN_ZONE, value=name) from None
        return name

    @model_validator(mode="after")
    def _usable(self) -> Self:
        for name in self.values:
            if name in self.columns:
                raise invalid(MappingProblem.FILLED_TWICE, field=name)
        return self

    def sources(self) -> list[str]:
        """Every column of the file the mapping names, lower-case as headers are read."""
        named: list[str] = []
        for source in self.columns.values():
            named.extend([source] if isinstance(source, str) else source)
        named.extend(self.drop)
        named.extend(condition.column for condition in (*self.skip, *self.refuse))
        return list(dict.fromkeys(name.strip().lower() for name in named))


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


# pydantic's own checks, as problems; the others are worded from their code below.
_PYDANTIC_PROBLEMS = {
    "missing": MappingProblem.REQUIRED,
    "string_type": MappingProblem.NOT_TEXT,
    "list_type": MappingProblem.NOT_A_LIST,
    "dict_type": MappingProblem.NOT_A_MAPPING,
    "model_type": MappingProblem.NOT_A_MAPPING,
    "model_attributes_type": MappingProblem.NOT_A_MAPPING,
    "string_too_short": MappingProblem.EMPTY,
    "too_short": MappingProblem.EMPTY,
}
_OWN_PROBLEMS = frozenset(MappingProblem)


def _key_problem(item: Mapping[str, Any]) -> KeyProblem:
    """One of pydantic's errors about a mapping, as a problem at its key."""
    location = tuple(item["loc"])
    key, kind = ".".join(str(part) for part in location), str(item["type"])
    if kind in _OWN_PROBLEMS:
        return KeyProblem(key, MappingProblem(kind), dict(item.get("ctx") or {}))
    if kind == "extra_forbidden":
        # A key at the top, or one of a condition's (`skip.0.matches`).
        known = _keys(ColumnMapping if len(location) == 1 else Condition)
        return KeyProblem(key, MappingProblem.UNKNOWN_KEY, {"known": known})
    if kind == "enum":
        known = [event_type.value for event_type in EventType]
        return KeyProblem(key, MappingProblem.NOT_A_TYPE, {"value": item["input"], "known": known})
    if kind in _PYDANTIC_PROBLEMS:
        return KeyProblem(key, _PYDANTIC_PROBLEMS[kind])
    return KeyProblem(key, MappingProblem.INVALID, {"detail": str(item["msg"])})


def load_mapping(path: Path) -> ColumnMapping:
    """Read and validate a mapping file; raises MappingError naming the keys at fault."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MappingError(
            str(path), [KeyProblem("", MappingProblem.UNREADABLE, {"reason": error.strerror})]
        ) from None
    except UnicodeDecodeError:
        raise MappingError(str(path), [KeyProblem("", MappingProblem.NOT_UTF8)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = {"line": None, "column": None}
        if mark is not None:
            where = {"line": mark.line + 1, "column": mark.column + 1}
        raise MappingError(str(path), [KeyProblem("", MappingProblem.NOT_YAML, where)]) from None
    try:
        return ColumnMapping.model_validate({} if content is None else content)
    except ValidationError as error:
        problems = [_key_problem(dict(item)) for item in error.errors()]
        raise MappingError(str(path), problems) from None


def mapping_path(folder: Path, name: str) -> Path | None:
    """The file of a named mapping in a folder, None if there is none; raises MappingError
    for a name that is not a plain file stem (`../x`, `a/b`)."""
    if not MAPPING_NAME.fullmatch(name):
        raise MappingError(None, [KeyProblem("", MappingProblem.BAD_NAME, {"name": name})])
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
        for target, source in mapping.columns.items():
            names = [source] if isinstance(source, str) else source
            keys = [name.strip().lower() for name in names]
            taken.update(keys)
            parts = [cells.get(key) for key in keys]
            if len(parts) == 1:
                mapped[target.strip().lower()] = parts[0]
            elif all(part not in (None, "") for part in parts):
                mapped[target.strip().lower()] = JOINER.join(str(part).strip() for part in parts)
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
