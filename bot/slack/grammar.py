"""The `/kpi` grammar: the text after the command, parsed into one of a few commands.

    /kpi                         help (also `help`, `ヘルプ`)
    /kpi status [LEVEL]          every KPI (also `一覧`, `ステータス`); LEVEL filters:
                                 red|orange|yellow|green, 赤|橙|オレンジ|黄|緑, 緊急|警戒|注意|順調
    /kpi KPI                     one KPI (id, Japanese or English name, alias)
    /kpi KPI chart               its history as a chart (also `グラフ`)
    /kpi KPI share               the answer posted in the channel (also `共有`)
    /kpi record KPI VALUE [DATE] a manual measurement (also `記録`); DATE is YYYY-MM-DD
    /kpi record KPI delete DATE  deletes the KPI's measurements on DATE (also `削除`)
    /kpi health                  the scheduled reports: last and next runs, outbox, leader
    /kpi alerts                  the open alerts, worst first, and the KPIs missing data
                                 (also `ヘルス`, `配信状況`)
    /kpi note market TEXT        a note on competitors and the market for the monthly digest
                                 (also `メモ 市場`, `メモ 競合`); any /kpi user may add one
    /kpi note strategy TEXT      a strategy proposal (also `メモ 戦略`)
    /kpi notes [YYYY-MM]         a month's notes, this month by default (also `メモ一覧`)
    /kpi actions                 open improvement actions by due day (also `アクション一覧`)
    /kpi action add KPI TEXT [@owner] [YYYY-MM-DD]
                                 a PDCA improvement action (also `アクション 追加`); the
                                 owner is a Slack mention, as Slack sends it (`<@U…>`)
    /kpi action done ID          closes an action (also `アクション 完了`)

A note's and an action's text is kept as typed (Slack's escaping undone, lines kept);
everything else is NFKC-normalised (full-width letters, digits and spaces work) and split on
whitespace. A KPI name may itself contain spaces or slashes (`LTV/CAC`, `ltv cac`): the
longest leading phrase that names a KPI wins. `parse` never raises: whatever the input, it
returns a command, at worst `UsageError` or `UnknownKpi`.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.slack.problems import MAX_TEXT, Problem
from kpi_engine.catalog import Catalog, normalise
from kpi_engine.catalog import UnknownKpi as UnknownKpiError
from kpi_engine.levels import Level
from kpi_engine.reports import NoteKind

# What an unknown-KPI answer repeats of the user's text, and what difflib compares.
MAX_QUERY = 100

HELP_WORDS = frozenset({"help", "ヘルプ", "使い方", "?"})
STATUS_WORDS = frozenset({"status", "一覧", "ステータス"})
RECORD_WORDS = frozenset({"record", "記録"})
DELETE_WORDS = frozenset({"delete", "削除"})
HEALTH_WORDS = frozenset({"health", "ヘルス", "配信状況"})
ALERTS_WORDS = frozenset({"alerts", "alert", "アラート", "アラート一覧"})
NOTE_WORDS = frozenset({"note", "メモ"})
NOTES_WORDS = frozenset({"notes", "メモ一覧"})
PDCA_WORDS = frozenset({"action", "アクション", "改善アクション"})
PDCA_LIST_WORDS = frozenset({"actions", "アクション一覧", "改善アクション一覧"})
PDCA_ADD_WORDS = frozenset({"add", "追加", "登録"})
PDCA_DONE_WORDS = frozenset({"done", "完了", "close"})
NOTE_KIND_WORDS: dict[str, NoteKind] = {
    **dict.fromkeys(("market", "市場", "競合", "市場・競合"), NoteKind.MARKET),
    **dict.fromkeys(("strategy", "戦略", "戦略提案"), NoteKind.STRATEGY),
}
LEVEL_WORDS: dict[str, Level] = {
    **dict.fromkeys(("red", "赤", "赤色", "緊急"), Level.RED),
    **dict.fromkeys(("orange", "橙", "橙色", "オレンジ", "警戒"), Level.ORANGE),
    **dict.fromkeys(("yellow", "黄", "黄色", "注意"), Level.YELLOW),
    **dict.fromkeys(("green", "緑", "緑色", "順調"), Level.GREEN),
}


class KpiAction(StrEnum):
    """What to do with one KPI."""

    DETAIL = "detail"
    CHART = "chart"
    SHARE = "share"


ACTION_WORDS: dict[str, KpiAction] = {
    "chart": KpiAction.CHART,
    "graph": KpiAction.CHART,
    "グラフ": KpiAction.CHART,
    "share": KpiAction.SHARE,
    "共有": KpiAction.SHARE,
}
# Japanese is written without spaces: `NPSグラフ`, `NPSのグラフ`.
_JOINED_ACTIONS = ("グラフ", "共有")


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True)


class Help(_Command):
    """Show how to use `/kpi`."""

    kind: Literal["help"] = "help"


class Status(_Command):
    """Every KPI, grouped by tier; only those at `level` when given."""

    kind: Literal["status"] = "status"
    level: Level | None = None


class ShowKpi(_Command):
    """One KPI: its detail, its chart, or its detail posted in the channel."""

    kind: Literal["kpi"] = "kpi"
    kpi: str
    action: KpiAction = KpiAction.DETAIL


class Record(_Command):
    """A manual measurement of a KPI, at the start of `day` (today when None)."""

    kind: Literal["record"] = "record"
    kpi: str
    value: float
    day: date | None = None


class DeleteRecord(_Command):
    """Delete the manual measurements of a KPI on a local day."""

    kind: Literal["delete_record"] = "delete_record"
    kpi: str
    day: date


class Health(_Command):
    """Show the scheduled reports' health."""

    kind: Literal["health"] = "health"


class Alerts(_Command):
    """Show the open alerts, worst first, and the KPIs missing data."""

    kind: Literal["alerts"] = "alerts"


class AddNote(_Command):
    """A note for the monthly digest, its text as typed."""

    kind: Literal["add_note"] = "add_note"
    note: NoteKind
    text: str


class ListNotes(_Command):
    """The notes of a month (its first day); this month when None."""

    kind: Literal["list_notes"] = "list_notes"
    month: date | None = None


class ListActions(_Command):
    """The open improvement actions, by due day."""

    kind: Literal["list_actions"] = "list_actions"


class AddAction(_Command):
    """An improvement action on a KPI, its text as typed; `owner` a Slack user id."""

    kind: Literal["add_action"] = "add_action"
    kpi: str
    text: str
    owner: str | None = None
    due: date | None = None


class CloseAction(_Command):
    """Mark an improvement action done."""

    kind: Literal["close_action"] = "close_action"
    action_id: int


class UnknownKpi(_Command):
    """No KPI matches `query`; `suggestions` are the closest KPI ids."""

    kind: Literal["unknown_kpi"] = "unknown_kpi"
    query: str
    suggestions: list[str] = Field(default_factory=list)


class UsageError(_Command):
    """The text is not a `/kpi` command; `word` is the offending word, if any."""

    kind: Literal["usage"] = "usage"
    problem: Problem
    word: str = ""


Command = Annotated[
    Help
    | Status
    | ShowKpi
    | Record
    | DeleteRecord
    | Health
    | Alerts
    | AddNote
    | ListNotes
    | ListActions
    | AddAction
    | CloseAction
    | UnknownKpi
    | UsageError,
    Field(discriminator="kind"),
]

_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
# The first two words of a note command and the rest, its lines kept.
_NOTE = re.compile(r"^\s*(\S+)(?:\s+(\S+))?(?:\s+(.*))?$", re.DOTALL)
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
# `action add|done` and the rest, its lines kept.
_PDCA = re.compile(r"^\s*\S+(?:\s+(\S+))?(?:\s+(.*))?$", re.DOTALL)
# A mention at the end of the text, as Slack escapes it: `<@U…>` or `<@U…|name>`.
_TRAILING_MENTION = re.compile(r"(?:^|\s)(<@[^<>]*>)\s*$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^<>]*)?>")
_ACTION_ID = re.compile(r"^#?(\d{1,9})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_UNITS = ("%", "pt", "位", "円", "¥")


def clean(text: str) -> str:
    """Undo Slack's escaping, NFKC-normalise and collapse whitespace."""
    text = html.unescape(text) if "&" in text else text
    return " ".join(unicodedata.normalize("NFKC", text).split())


class Grammar:
    """Parses `/kpi` text against one catalog's KPI names."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._names: dict[str, str] = {}
        for kpi in catalog.kpis:
            for name in (kpi.id, kpi.name.ja, kpi.name.en, *kpi.aliases):
                self._names.setdefault(normalise(name), kpi.id)
        self._longest = max((len(name) for name in self._names), default=0)

    def parse(self, text: str) -> Command:
        """Parse the text after `/kpi`; never raises."""
        if len(text) > MAX_TEXT:
            return UsageError(problem=Problem.TOO_LONG)
        words = clean(text).split(" ") if text.strip() else []
        if not words or words == [""]:
            return Help()
        head = words[0].casefold()
        if head in HELP_WORDS:
            if len(words) == 1:
                return Help()
            return UsageError(problem=Problem.EXTRA_WORDS, word=_shorten(" ".join(words[1:])))
        if head in STATUS_WORDS:
            return self._status(words[1:])
        if head in HEALTH_WORDS:
            if len(words) == 1:
                return Health()
            return UsageError(problem=Problem.EXTRA_WORDS, word=_shorten(" ".join(words[1:])))
        if head in ALERTS_WORDS:
            if len(words) == 1:
                return Alerts()
            return UsageError(problem=Problem.EXTRA_WORDS, word=_shorten(" ".join(words[1:])))
        if head in RECORD_WORDS:
            return self._record(words[1:])
        if head in NOTE_WORDS:
            return _note(text)
        if head in NOTES_WORDS:
            return _notes(words[1:])
        if head in PDCA_LIST_WORDS:
            if len(words) == 1:
                return ListActions()
            return UsageError(problem=Problem.EXTRA_WORDS, word=_shorten(" ".join(words[1:])))
        if head in PDCA_WORDS:
            return self._action(text)
        return self._kpi(words)

    def lookup(self, phrase: str) -> str | None:
        """The id of the KPI a phrase names, or None."""
        return self._names.get(normalise(phrase))

    def _status(self, rest: list[str]) -> Command:
        if not rest:
            return Status()
        level = LEVEL_WORDS.get(rest[0].casefold())
        if level is None:
            return UsageError(problem=Problem.BAD_LEVEL, word=_shorten(rest[0]))
        if len(rest) > 1:
            # `word` is what the user should remove: the words after the level.
            return UsageError(problem=Problem.EXTRA_WORDS, word=_shorten(" ".join(rest[1:])))
        return Status(level=level)

    def _kpi(self, words: list[str]) -> Command:
        words = _split_joined_action(words)
        matched = self._longest_prefix(words)
        if matched is None:
            return self._unknown(" ".join(words))
        kpi_id, used = matched
        rest = words[used:]
        if not rest:
            return ShowKpi(kpi=kpi_id)
        action = ACTION_WORDS.get(rest[0].casefold()) if len(rest) == 1 else None
        if action is None:
            # `/kpi nps foo`: the KPI is clear, the rest is not; offer the KPI.
            return UnknownKpi(query=_shorten(" ".join(words)), suggestions=[kpi_id])
        return ShowKpi(kpi=kpi_id, action=action)

    def _record(self, rest: list[str]) -> Command:
        day: date | None = None
        if len(rest) >= 3 and _DATE.match(rest[-1]):
            parsed = _parse_date(rest[-1])
            if parsed is None:
                return UsageError(problem=Problem.BAD_DATE, word=_shorten(rest[-1]))
            day, rest = parsed, rest[:-1]
        if len(rest) < 2:
            return UsageError(problem=Problem.RECORD_USAGE)
        if rest[-1].casefold() in DELETE_WORDS:
            if day is None:
                # A deletion names its day: it never means today by default.
                return UsageError(problem=Problem.RECORD_USAGE)
            kpi = self._named(rest[:-1])
            return kpi if isinstance(kpi, UnknownKpi) else DeleteRecord(kpi=kpi, day=day)
        value = _parse_number(rest[-1])
        if value is None:
            return UsageError(problem=Problem.BAD_VALUE, word=_shorten(rest[-1]))
        kpi = self._named(rest[:-1])
        return kpi if isinstance(kpi, UnknownKpi) else Record(kpi=kpi, value=value, day=day)

    def _action(self, text: str) -> Command:
        """`action add KPI TEXT [<@U…>] [YYYY-MM-DD]` or `action done ID`."""
        match = _PDCA.match(html.unescape(text))
        verb = clean(match.group(1) or "").casefold() if match else ""
        rest = ((match.group(2) if match else None) or "").strip()
        if verb in PDCA_DONE_WORDS:
            found = _ACTION_ID.match(clean(rest))
            if found is None:
                return UsageError(problem=Problem.BAD_ACTION_ID, word=_shorten(clean(rest)))
            return CloseAction(action_id=int(found.group(1)))
        if verb not in PDCA_ADD_WORDS:
            return UsageError(problem=Problem.ACTION_USAGE, word=_shorten(verb))
        owner: str | None = None
        due: date | None = None
        for _ in range(2):  # the owner and the due day, in either order, each at most once
            mention = _TRAILING_MENTION.search(rest)
            if mention is not None and owner is None:
                user = _MENTION.fullmatch(mention.group(1))
                if user is None:
                    return UsageError(problem=Problem.BAD_OWNER, word=_shorten(mention.group(1)))
                owner, rest = user.group(1), rest[: mention.start()].rstrip()
                continue
            last = rest.rsplit(None, 1)[-1] if rest else ""
            if due is None and _DATE.match(clean(last)):
                due = _parse_date(clean(last))
                if due is None:
                    return UsageError(problem=Problem.BAD_DATE, word=_shorten(clean(last)))
                rest = rest[: -len(last)].rstrip()
                continue
            if last.startswith(("@", "\uff20")) and owner is None:  # @ or full-width @
                # A name typed without Slack turning it into a mention: no id to store.
                return UsageError(problem=Problem.BAD_OWNER, word=_shorten(last))
            break
        words = rest.split()
        if not words:
            return UsageError(problem=Problem.ACTION_USAGE, word=verb)
        matched = self._longest_prefix([clean(word) for word in words])
        if matched is None:
            return self._unknown(clean(words[0]))
        kpi_id, used = matched
        body = " ".join(words[used:])
        if not body:
            return UsageError(problem=Problem.ACTION_EMPTY)
        return AddAction(kpi=kpi_id, text=body, owner=owner, due=due)

    def _named(self, words: list[str]) -> str | UnknownKpi:
        """The id of the KPI the words name as a whole, or why there is none."""
        phrase = " ".join(words)
        kpi_id = self.lookup(phrase) if len(normalise(phrase)) <= self._longest else None
        return kpi_id if kpi_id is not None else self._unknown(phrase)

    def _longest_prefix(self, words: list[str]) -> tuple[str, int] | None:
        # Only phrases no longer than the longest name can match: a 3,000-character input
        # costs a handful of dictionary look-ups, not thousands.
        size = 0
        candidates = 0
        for word in words:
            size += len(normalise(word))
            if size > self._longest:
                break
            candidates += 1
        for used in range(candidates, 0, -1):
            kpi_id = self.lookup(" ".join(words[:used]))
            if kpi_id is not None:
                return kpi_id, used
        return None

    def _unknown(self, query: str) -> UnknownKpi:
        query = _shorten(query)
        try:
            self.catalog.find(query)
        except UnknownKpiError as error:
            return UnknownKpi(query=query, suggestions=error.suggestions)
        # Unreachable in practice (the look-up above failed); keep a sane answer anyway.
        return UnknownKpi(query=query)


def _note(text: str) -> Command:
    """`note KIND TEXT`: the text as typed, only Slack's escaping undone."""
    match = _NOTE.match(html.unescape(text))
    kind_word = match.group(2) if match else None
    note = NOTE_KIND_WORDS.get(clean(kind_word).casefold()) if kind_word else None
    if match is None or note is None:
        return UsageError(problem=Problem.NOTE_KIND, word=_shorten(clean(kind_word or "")))
    body = (match.group(3) or "").strip()
    if not body:
        return UsageError(problem=Problem.NOTE_EMPTY)
    return AddNote(note=note, text=body)


def _notes(rest: list[str]) -> Command:
    if not rest:
        return ListNotes()
    if len(rest) > 1:
        return UsageError(problem=Problem.EXTRA_WORDS, word=_shorten(" ".join(rest[1:])))
    match = _MONTH.match(rest[0])
    month: date | None = None
    if match is not None:
        try:
            month = date(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:  # month 13, year 0
            month = None
    if month is None:
        return UsageError(problem=Problem.BAD_MONTH, word=_shorten(rest[0]))
    return ListNotes(month=month)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_QUERY else text[: MAX_QUERY - 1] + "…"


def _split_joined_action(words: list[str]) -> list[str]:
    last = words[-1]
    for suffix in _JOINED_ACTIONS:
        if last.endswith(suffix) and last != suffix:
            stem = last.removesuffix(suffix).removesuffix("の")
            return [*words[:-1], stem, suffix] if stem else [*words[:-1], suffix]
    return words


def _parse_date(text: str) -> date | None:
    match = _DATE.match(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# Commas only as thousands separators: `1,234` is 1234, while `1,2,3` is no number at all
# (read as 123 it would store a typo as a figure).
_GROUPED = re.compile(r"^[^,]*?\d{1,3}(,\d{3})+(\.\d*)?[^,\d]*$")


def _parse_number(text: str) -> float | None:
    if "," in text and not _GROUPED.match(text):
        return None
    cleaned = text.replace(",", "").replace("\u2212", "-")  # the minus sign
    for unit in _UNITS:
        cleaned = cleaned.removeprefix(unit).removesuffix(unit)
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None
