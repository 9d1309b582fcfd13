"""What can be wrong with a KPI catalog, as codes and parameters rather than sentences.

Each problem names the entry it concerns by its path in the catalog (`kpis[2].targets[0]`)
and, when the catalog was read from a file, its line and column there. The engine says what
is wrong; whoever shows it words it, in the reader's language. Pydantic's own checks become
the same codes, so none of pydantic's English reaches a person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails

EntryPath = tuple[str | int, ...]


class CatalogProblem(StrEnum):
    """What is wrong with a catalog, or with one of its entries."""

    # The file as a whole.
    UNREADABLE = "unreadable"  # params: reason (the system's words)
    NOT_UTF8 = "not_utf8"
    NOT_YAML = "not_yaml"
    # One entry, as its type says.
    NOT_A_MAPPING = "not_a_mapping"
    UNKNOWN_KEY = "unknown_key"  # params: known
    REQUIRED = "required"
    NOT_TEXT = "not_text"  # params: value
    EMPTY = "empty"
    NOT_A_LIST = "not_a_list"
    NOT_A_NUMBER = "not_a_number"  # params: value
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"  # params: value
    NOT_TRUE_OR_FALSE = "not_true_or_false"  # params: value
    NOT_A_DATE = "not_a_date"  # params: value
    NOT_A_SETTING = "not_a_setting"  # a KPI setting that is no text, number or true/false
    NOT_ONE_OF = "not_one_of"  # params: value, expected
    AT_LEAST = "at_least"  # params: limit
    AT_MOST = "at_most"  # params: limit
    NOT_AN_ID = "not_an_id"  # params: value
    NOT_AN_OWNER = "not_an_owner"  # params: value
    INVALID = "invalid"  # params: detail (pydantic's words, for a check without a code)
    # One entry, as the catalog's rules say.
    END_BEFORE_START = "end_before_start"  # params: start, end
    DUE_BEFORE_START = "due_before_start"  # params: start, due
    GROWTH_NEEDS_HIGHER = "growth_needs_higher"
    TARGET_OUT_OF_ORDER = "target_out_of_order"  # params: start, previous, previous_start
    NO_DUE_FOR_LINE = "no_due_for_line"
    TOO_MANY_DAYS = "too_many_days"  # params: days, period, fewest
    NO_MEASURED_VALUE = "no_measured_value"  # params: kpi
    # Between entries (`first`, `previous`, `other`: an entry's path).
    DUPLICATE_ID = "duplicate_id"  # params: id, first
    PHASE_OVERLAP = "phase_overlap"  # params: start, previous, previous_id, previous_end
    UNKNOWN_PHASE = "unknown_phase"  # params: value, known
    NAME_TAKEN = "name_taken"  # params: name, other, other_id
    UNKNOWN_KPI = "unknown_kpi"  # params: value


@dataclass(frozen=True)
class EntryProblem:
    """One problem of a catalog: the entry it concerns (its path; empty for the file as a
    whole), a code and its parameters, and where the file says it (1-based; None when
    unknown, or when the catalog was not read from a file)."""

    path: EntryPath
    code: CatalogProblem
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str:
        """The entry's path as the catalog is written: `kpis[2].targets[0].value`."""
        return entry_path(self.path)


def entry_path(path: EntryPath) -> str:
    """Write a path as the catalog is written: keys joined by dots, list positions in brackets."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(
        "."
    )


class CatalogError(Exception):
    """The catalog is missing or invalid: `problems` lists every problem found, `source` is
    the file it was read from (None: the shipped catalog, or one built in code)."""

    def __init__(self, problems: Sequence[EntryProblem], source: Path | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        # The text logs and tracebacks show: codes and parameters, in no one's language.
        said = "; ".join(
            f"{problem.where or '-'}: {problem.code} {dict(problem.params)}"
            for problem in self.problems
        )
        super().__init__(f"{source or 'shipped catalog'}: {said}")


# Pydantic's own checks, as problems that quote the value given (or do not).
_QUOTING = {
    "string_type": CatalogProblem.NOT_TEXT,
    "float_type": CatalogProblem.NOT_A_NUMBER,
    "float_parsing": CatalogProblem.NOT_A_NUMBER,
    "finite_number": CatalogProblem.NOT_A_NUMBER,
    "int_type": CatalogProblem.NOT_A_WHOLE_NUMBER,
    "int_parsing": CatalogProblem.NOT_A_WHOLE_NUMBER,
    "int_from_float": CatalogProblem.NOT_A_WHOLE_NUMBER,
    "bool_type": CatalogProblem.NOT_TRUE_OR_FALSE,
    "bool_parsing": CatalogProblem.NOT_TRUE_OR_FALSE,
}
_SILENT = {
    "missing": CatalogProblem.REQUIRED,
    "string_too_short": CatalogProblem.EMPTY,
    "too_short": CatalogProblem.EMPTY,
    "list_type": CatalogProblem.NOT_A_LIST,
    "dict_type": CatalogProblem.NOT_A_MAPPING,
    "model_type": CatalogProblem.NOT_A_MAPPING,
    "model_attributes_type": CatalogProblem.NOT_A_MAPPING,
}
_OWN = frozenset(CatalogProblem)


def _quotable(value: object) -> bool:
    return isinstance(value, str | int | float | date) or value is None


def pydantic_problem(detail: ErrorDetails, root: type[BaseModel]) -> EntryProblem:
    """One of pydantic's errors about a catalog whose model is `root`, as a problem."""
    path: EntryPath = tuple(detail["loc"])
    kind, given = detail["type"], detail.get("input")
    value = {"value": given} if _quotable(given) else {}
    if kind in _OWN:
        return EntryProblem(path, CatalogProblem(kind), dict(detail.get("ctx") or {}))
    if kind in _QUOTING:
        return EntryProblem(path, _QUOTING[kind], value)
    if kind in _SILENT:
        return EntryProblem(path, _SILENT[kind])
    if kind.startswith("date_"):
        return EntryProblem(path, CatalogProblem.NOT_A_DATE, value)
    if kind == "extra_forbidden":
        model = _model_at(root, path[:-1])
        known = list(model.model_fields) if model is not None else []
        return EntryProblem(path, CatalogProblem.UNKNOWN_KEY, {"known": known})
    choices = _choices_at(root, path) if kind == "enum" else []
    if choices:
        return EntryProblem(path, CatalogProblem.NOT_ONE_OF, {**value, "expected": choices})
    context = detail.get("ctx") or {}
    if kind == "greater_than_equal":
        return EntryProblem(path, CatalogProblem.AT_LEAST, {"limit": context["ge"]})
    if kind == "less_than_equal":
        return EntryProblem(path, CatalogProblem.AT_MOST, {"limit": context["le"]})
    return EntryProblem(path, CatalogProblem.INVALID, {"detail": detail["msg"]})


def _inner(annotation: Any) -> list[Any]:
    """The types an annotation is made of: `list[Target] | None` gives Target and None."""
    if get_origin(annotation) is not None:
        return [inner for arg in get_args(annotation) for inner in _inner(arg)]
    return [annotation]


def _annotation_at(root: type[BaseModel], path: EntryPath) -> list[Any]:
    """The types of the entry at a path (list positions and dict keys skipped), if known."""
    found: list[Any] = [root]
    for part in path:
        if isinstance(part, int):
            continue
        models = [kind for kind in found if isinstance(kind, type) and issubclass(kind, BaseModel)]
        if not models or part not in models[0].model_fields:
            return []
        found = _inner(models[0].model_fields[part].annotation)
    return found


def _model_at(root: type[BaseModel], path: EntryPath) -> type[BaseModel] | None:
    return next(
        (
            kind
            for kind in _annotation_at(root, path)
            if isinstance(kind, type) and issubclass(kind, BaseModel)
        ),
        None,
    )


def _choices_at(root: type[BaseModel], path: EntryPath) -> list[str]:
    enums = [
        kind
        for kind in _annotation_at(root, path)
        if isinstance(kind, type) and issubclass(kind, Enum)
    ]
    return [str(member.value) for member in enums[0]] if enums else []


def yaml_problem(error: yaml.YAMLError) -> EntryProblem:
    """A file that is not YAML, at the place the parser stopped when it says so."""
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return EntryProblem((), CatalogProblem.NOT_YAML)
    return EntryProblem((), CatalogProblem.NOT_YAML, line=mark.line + 1, column=mark.column + 1)


def utf8_problem(data: bytes, error: UnicodeDecodeError) -> EntryProblem:
    """A file that is not UTF-8 text, at the line of its first byte that is not."""
    return EntryProblem((), CatalogProblem.NOT_UTF8, line=data[: error.start].count(b"\n") + 1)


def located(problems: Sequence[EntryProblem], text: str, loader: Any) -> list[EntryProblem]:
    """The problems in the order of the YAML text, each at the line and column of its entry
    there (the key that names it, or its item in a list); one whose entry is missing from
    the text is placed at the entry that should hold it."""
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return list(problems)
    if root is None:
        return list(problems)
    placed = []
    for problem in problems:
        mark = _mark(root, problem.path)
        placed.append(replace(problem, line=mark.line + 1, column=mark.column + 1))
    return sorted(placed, key=lambda problem: (problem.line, problem.column))


def _mark(node: yaml.Node, path: EntryPath) -> yaml.Mark:
    mark = node.start_mark
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            # The last of repeated keys, as the loader keeps it.
            pairs = [(key, value) for key, value in node.value if key.value == part]
            if not pairs:
                break
            key, node = pairs[-1]
            mark = key.start_mark
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark
