"""A mapping that cannot be used is refused with what is wrong as codes, each at its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storage.imports.mapping import (
    KeyProblem,
    MappingError,
    MappingProblem,
    load_mapping,
    mapping_path,
)

TOP_KEYS = ["type", "columns", "values", "drop", "skip", "refuse", "times_in"]


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        ("- a\n", [("", MappingProblem.NOT_A_MAPPING, {})]),
        ("colums: {id: id}\n", [("colums", MappingProblem.UNKNOWN_KEY, {"known": TOP_KEYS})]),
        (
            "skip: [{column: Status, matches: 'p.*'}]\n",
            [
                (
                    "skip.0.matches",
                    MappingProblem.UNKNOWN_KEY,
                    {"known": ["column", "equals", "not_equals", "in", "not_in"]},
                )
            ],
        ),
        ("skip: [{equals: paid}]\n", [("skip.0.column", MappingProblem.REQUIRED, {})]),
        ("skip: [{column: Status, in: []}]\n", [("skip.0.in", MappingProblem.EMPTY, {})]),
        (
            "refuse: [{column: Currency, equals: 5}]\n",
            [("refuse.0.equals", MappingProblem.NOT_TEXT, {})],
        ),
        ("drop: Description\n", [("drop", MappingProblem.NOT_A_LIST, {})]),
        ("refuse: [jpy]\n", [("refuse.0", MappingProblem.NOT_A_MAPPING, {})]),
        ("columns: {id: []}\n", [("columns.id", MappingProblem.NOT_COLUMN_NAMES, {})]),
        ("columns: {' ': id}\n", [("columns", MappingProblem.BLANK_FIELD, {})]),
        ("values: {recurring: [1]}\n", [("values.recurring", MappingProblem.NOT_A_SCALAR, {})]),
        (
            "columns: {amount: total}\nvalues: {amount: 1}\n",
            [("", MappingProblem.FILLED_TWICE, {"field": "amount"})],
        ),
        ("skip: [{column: s, equals: a, in: [b]}]\n", [("skip.0", MappingProblem.ONE_TEST, {})]),
        (
            "times_in: Mars/Base\n",
            [("times_in", MappingProblem.UNKNOWN_ZONE, {"value": "Mars/Base"})],
        ),
        ("a: [b\nc: d\n", [("", MappingProblem.NOT_YAML, {"line": 2, "column": 2})]),
    ],
)
def test_a_bad_mapping_is_refused_with_each_problem_at_its_key(
    tmp_path: Path, content: str, problems: list[tuple[str, MappingProblem, dict[str, Any]]]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError) as refused:
        load_mapping(path)
    assert refused.value.source == str(path)
    assert refused.value.problems == [KeyProblem(*problem) for problem in problems]


def test_a_record_type_a_mapping_cannot_name_lists_those_it_can(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("type: rebate\n", encoding="utf-8")
    with pytest.raises(MappingError) as refused:
        load_mapping(path)
    (problem,) = refused.value.problems
    assert (problem.key, problem.code, problem.params["value"]) == (
        "type",
        MappingProblem.NOT_A_TYPE,
        "rebate",
    )
    assert {"payment", "survey", "measurement"} <= set(problem.params["known"])


def test_a_mapping_file_that_is_not_there_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as refused:
        load_mapping(tmp_path / "gone.yaml")
    assert refused.value.problems == [
        KeyProblem("", MappingProblem.UNREADABLE, {"reason": "No such file or directory"})
    ]


def test_a_mapping_name_that_is_a_path_names_no_file() -> None:
    with pytest.raises(MappingError) as refused:
        mapping_path(Path("/srv/mappings"), "../etc/passwd")
    assert refused.value.source is None
    assert refused.value.problems == [
        KeyProblem("", MappingProblem.BAD_NAME, {"name": "../etc/passwd"})
    ]
