"""Shared checks for built Block Kit: Slack's JSON Schema, its size limits, and the demo data.

Slack rejects a whole message for one bad block (`invalid_blocks`), and slack_sdk checks only
part of what Slack does, so every builder output goes through `check_message` or
`check_home`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jsonschema_rs import Draft202012Validator
from slack_sdk.models.views import View

from bot.slack.blocks import limits
from bot.slack.blocks.kpi import (
    chart_pending_message,
    chart_rendering_failed_message,
    chart_too_few_points_message,
    chart_upload_failed_message,
    error_message,
    help_message,
    invite_bot_message,
    kpi_message,
    not_admin_message,
    not_recordable_message,
    record_confirmation,
    restricted_message,
    shared_kpi_message,
    status_message,
    status_pending_message,
    unknown_kpi_message,
    usage_message,
)
from bot.slack.blocks.message import Message
from bot.slack.problems import MAX_TEXT, Problem
from kpi_engine.catalog import Catalog, KpiDefinition, Localized, load_catalog
from kpi_engine.dashboard import Dashboard
from kpi_engine.evaluate import Basis, KpiState, TargetInForce
from kpi_engine.formulas import measured_kpis
from kpi_engine.levels import Level
from storage.db import open_database
from storage.snapshot import board_at
from tests.bot.conftest import build_demo_database

TOKYO = ZoneInfo("Asia/Tokyo")
AS_OF = datetime(2026, 11, 24, tzinfo=TOKYO)
SCHEMA_PATH = Path(__file__).with_name("schema") / "slack-block-kit.schema.json"

# Hiragana, katakana, CJK ideographs and full-width forms: what makes a text Japanese.
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# In mrkdwn, `<` opens a link or mention and `&` an entity: anything else must be escaped.
# User and channel mentions are the markup kpibot writes on purpose.
_RAW_MARKUP = re.compile(
    r"<(?!@[UW][A-Z0-9]+>|#[CG][A-Z0-9]+>|!subteam\^S[A-Z0-9]+>)|&(?!(?:amp|lt|gt);)"
)


def _validators() -> tuple[Draft202012Validator, Draft202012Validator, Draft202012Validator]:
    """The schema for a list of blocks, for a Home view and for a modal."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    # jsonschema-rs rather than jsonschema: the same verdicts (3,000 random mutations of
    # built messages and Home views, 1,872 of them invalid, were judged alike by both) at
    # some seventy times the speed, which checking every builder's output needs. Formats
    # are annotations in draft 2020-12, as jsonschema treats them by default.
    def validator(root: dict[str, object]) -> Draft202012Validator:
        return Draft202012Validator(root, validate_formats=False)

    def view(kind: str) -> Draft202012Validator:
        ref = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"}
        return validator(ref)

    return validator(schema), view("home_view"), view("modal_view")


VALIDATORS = _validators()


@dataclass(frozen=True)
class Demo:
    """The demo company's catalog, KPI states and dashboard at the end of 2026-11-23."""

    catalog: Catalog
    states: list[KpiState]
    board: Dashboard

    def state(self, kpi_id: str) -> KpiState:
        """Return the state of one KPI."""
        return next(state for state in self.states if state.kpi.id == kpi_id)


_demo: Demo | None = None


def load_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """Build the demo database (full scale, as `kpibot demo` builds it) once per test process
    and evaluate it."""
    global _demo
    if _demo is None:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        build_demo_database(path, scale=1.0)
        catalog = load_catalog()
        database = open_database(f"sqlite:///{path}", TOKYO)
        try:
            board, states = board_at(database, catalog, AS_OF, TOKYO)
        finally:
            database.engine.dispose()
        _demo = Demo(catalog, states, board)
    return _demo


def text_objects(node: object) -> Iterator[dict[str, Any]]:
    """Yield every text object (plain_text or mrkdwn) anywhere in a payload."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item)


def all_text(payload: dict[str, Any]) -> str:
    """Return every text a user can see in a message or view payload, one per line."""
    texts = [payload["text"]] if isinstance(payload.get("text"), str) else []
    texts += [obj["text"] for obj in text_objects(payload.get("blocks", []))]
    return "\n".join(texts)


def _check_blocks(blocks: list[dict[str, Any]], most: int) -> None:
    problems = [
        f"{'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in VALIDATORS[0].iter_errors(blocks)
    ]
    assert not problems, problems
    assert 1 <= len(blocks) <= most
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), "block ids must be unique"
    for block in blocks:
        action_ids = [
            element["action_id"]
            for element in [*block.get("elements", []), block.get("accessory", {})]
            if "action_id" in element
        ]
        assert len(action_ids) == len(set(action_ids)), "action ids must be unique in a block"
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= limits.SECTION_TEXT
            assert len(block.get("fields", [])) <= limits.SECTION_FIELDS
            for field in block.get("fields", []):
                assert len(field["text"]) <= limits.FIELD_TEXT
            button = block.get("accessory")
            if button is not None:
                assert len(button["text"]["text"]) <= limits.BUTTON_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= limits.HEADER_TEXT
        if block["type"] == "context":
            assert len(block["elements"]) <= limits.CONTEXT_ELEMENTS
    for obj in text_objects(blocks):
        assert obj["text"].strip(), f"empty text object in {blocks}"
        if obj["type"] == "mrkdwn":
            assert not _RAW_MARKUP.search(obj["text"]), f"unescaped mrkdwn: {obj['text']!r}"


def check_message(message: Message) -> dict[str, Any]:
    """Assert a message is one Slack accepts; return its payload."""
    payload = message.as_payload()
    assert set(payload) == {"text", "blocks"}
    assert payload["text"].strip(), "a message needs a fallback text"
    assert len(payload["text"]) <= limits.FALLBACK_TEXT
    assert not _RAW_MARKUP.search(payload["text"]), payload["text"]
    _check_blocks(payload["blocks"], limits.MESSAGE_BLOCKS)
    # The payload is what goes over the wire: it must survive JSON.
    assert json.loads(json.dumps(payload)) == payload
    return payload


def check_home(view: View) -> dict[str, Any]:
    """Assert a Home tab view is one Slack accepts; return its payload."""
    payload: dict[str, Any] = view.to_dict()
    problems = [error.message for error in VALIDATORS[1].iter_errors(payload)]
    assert not problems, problems
    assert payload["type"] == "home"
    _check_blocks(payload["blocks"], limits.HOME_BLOCKS)
    return payload


def check_modal(payload: dict[str, Any]) -> dict[str, Any]:
    """Assert a modal view (as JSON) is one Slack accepts; return it."""
    problems = [error.message for error in VALIDATORS[2].iter_errors(payload)]
    assert not problems, problems
    assert payload["type"] == "modal"
    _check_blocks(payload["blocks"], limits.MODAL_BLOCKS)
    return payload


def catalog_texts(kpis: list[KpiDefinition], catalog: Catalog, locale: str) -> list[str]:
    """List the catalog-provided texts a message in `locale` may show, raw and escaped."""
    texts = [
        text
        for kpi in kpis
        for text in (
            kpi.name.in_locale(locale),
            kpi.method.in_locale(locale),
            *(target.label.in_locale(locale) for target in kpi.targets if target.label),
        )
    ]
    texts += [rule.message.in_locale(locale) for rule in catalog.rules]
    texts += [phase.name.in_locale(locale) for phase in catalog.phases]
    # Longest first, so that a name is removed before a shorter one inside it.
    return sorted({*texts, *map(limits.escape, texts)}, key=len, reverse=True)


def own_text(text: str, provided: list[str]) -> str:
    """Remove catalog-provided texts, leaving the words kpibot itself wrote."""
    for catalog_text in provided:
        text = text.replace(catalog_text, " ")
    return text


def in_force(kpi: KpiDefinition, index: int, judged: float | None = None) -> TargetInForce:
    """The catalog's `index`th target of a KPI as the engine hands it over, judged against
    `judged` (default: its value)."""
    target = kpi.targets[index]
    figure = target.value if judged is None else judged
    return TargetInForce(target.value, target.due, target.phase, figure, target.label)


def edge_states(demo: Demo) -> dict[str, KpiState]:
    """Hand-made states for what the demo does not show, named by what they exercise."""
    nps, csat = demo.state("nps"), demo.state("csat")
    nothing = [replace(period, value=None, n=0) for period in nps.history]
    phase2 = in_force(nps.kpi, 1)
    at_most_50 = next(rule for rule in demo.catalog.rules if rule.id == "nps_at_most_50")
    hostile = nps.kpi.model_copy(
        update={
            "name": Localized(ja="<script>&危険", en="<script>&danger"),
            "method": Localized(ja="a < b & c > d", en="a < b & c > d"),
        }
    )
    return {
        "no_data": replace(
            nps,
            current=nothing[-1],
            previous=nothing[-2],
            last_year=replace(nps.last_year, value=None, n=0),
            history=nothing,
            # The target in force stays whatever the data.
            attainment=None,
            level=Level.NO_DATA,
            basis=None,
            rule=None,
        ),
        "no_target_yet": replace(
            nps,
            current=replace(nothing[-1], target=None),
            previous=replace(nothing[-2], target=None),
            last_year=replace(nps.last_year, value=None, n=0, target=None),
            history=nothing,
            target=None,
            attainment=None,
            level=Level.NO_DATA,
            basis=None,
            rule=None,
        ),
        "insufficient_data": replace(
            csat,
            current=replace(csat.current, value=4.2, n=3),
            previous=replace(csat.previous, value=None, n=0),
            attainment=None,
            level=Level.INSUFFICIENT_DATA,
            basis=None,
            rule=None,
        ),
        "rule_fired": replace(
            nps,
            current=replace(nps.current, value=42.0, n=50),
            attainment=56.0,
            level=Level.RED,
            rule=at_most_50,
        ),
        "hostile_name": replace(nps, kpi=hostile),
        # A new phase's first days: judged on the last period of the phase before.
        "judged_on_the_previous_phase": replace(
            nps,
            current=replace(nps.current, value=80.0, n=4),
            previous=replace(nps.previous, target=phase2),
            attainment=nps.previous.value / phase2.judged * 100 if nps.previous.value else None,
            basis=Basis.PREVIOUS,
        ),
    }


def every_message(demo: Demo, locale: str) -> dict[str, Message]:
    """Build every kind of message the builders make, from demo and hand-made states."""
    edges = edge_states(demo)
    kpis = demo.catalog.kpis
    messages = {f"kpi {state.kpi.id}": kpi_message(state, locale) for state in demo.states}
    messages |= {f"kpi {name}": kpi_message(state, locale) for name, state in edges.items()}
    messages["status"] = status_message(demo.states, locale)
    messages |= {f"status {level}": status_message(demo.states, locale, level) for level in Level}
    messages["status of nothing"] = status_message([], locale)
    messages["status with edge cases"] = status_message(list(edges.values()), locale)
    messages["help"] = help_message(locale)
    messages["unknown with suggestions"] = unknown_kpi_message(
        "promoter", [kpis[0], kpis[1], edges["hostile_name"].kpi], locale
    )
    messages["unknown without suggestions"] = unknown_kpi_message("zzz", [], locale)
    messages["unknown, 3000 characters"] = unknown_kpi_message("<&>" * 1000, [], locale)
    messages["restricted"] = restricted_message(edges["hostile_name"].kpi, locale)
    messages["not admin"] = not_admin_message(["U012ABCDEF", "W0ABC", "<not an id>"], locale)
    messages["not admin, none configured"] = not_admin_message([], locale)
    mrr = demo.catalog.get("mrr")
    messages["recorded"] = record_confirmation(mrr, 5_000_000, AS_OF, False, locale)
    messages["record updated"] = record_confirmation(
        demo.catalog.get("nps"), 71.5, AS_OF.replace(hour=9, minute=30), True, locale
    )
    # What the grammar hands over, and worse: an empty word, markup, a whole 3,000+ characters.
    words = {
        "empty": "",
        "plain": "abc",
        "markup": "<!channel> & <@U0123> *bold*",
        "huge": "<&>" * (MAX_TEXT // 3 + 1),
    }
    messages |= {
        f"usage {problem}, {kind} word": usage_message(problem, word, locale)
        for problem in Problem
        for kind, word in words.items()
    }
    recordable = [demo.catalog.get(kpi_id) for kpi_id in measured_kpis(demo.catalog)]
    messages["not recordable"] = not_recordable_message(demo.catalog.get("nps"), recordable, locale)
    messages["not recordable, hostile names"] = not_recordable_message(
        edges["hostile_name"].kpi, [edges["hostile_name"].kpi] * 200, locale
    )
    messages["not recordable, nothing recordable"] = not_recordable_message(
        demo.catalog.get("nps"), [], locale
    )
    messages["error"] = error_message("a1b2c3d4", locale)
    messages["invite"] = invite_bot_message(locale)
    messages["chart pending"] = chart_pending_message(edges["hostile_name"].kpi, locale)
    messages["status pending"] = status_pending_message(locale)
    messages["shared"] = shared_kpi_message(demo.states[0], "U012ABCDEF", locale)
    messages["shared, not a user id"] = shared_kpi_message(demo.states[0], "<!channel> &", locale)
    hostile = edges["hostile_name"].kpi
    messages["chart, too few points"] = chart_too_few_points_message(hostile, 1, 2, locale)
    messages["chart, drawing failed"] = chart_rendering_failed_message(hostile, "a1b2c3d4", locale)
    messages["chart, upload failed"] = chart_upload_failed_message(hostile, "timeout", locale)
    messages["chart, upload failed, hostile reason"] = chart_upload_failed_message(
        hostile, "<!here> `x` & *y*" * 20, locale
    )
    return messages


def every_kpi(demo: Demo) -> list[KpiDefinition]:
    """List every KPI a message of `every_message` may name."""
    return [*demo.catalog.kpis, *(state.kpi for state in edge_states(demo).values())]
