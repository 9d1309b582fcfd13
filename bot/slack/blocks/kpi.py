"""Messages about KPIs: one KPI's detail, the status of all, and the short answers of `/kpi`."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from datetime import date, datetime

from slack_sdk.models.blocks import Block, ButtonElement

from bot.slack.blocks.formatting import (
    NO_VALUE,
    as_of_label,
    day_or_moment,
    format_attainment,
    format_change,
    format_kpi_value,
)
from bot.slack.blocks.ids import ActionId, BlockId, block_ids
from bot.slack.blocks.limits import (
    BUTTON_TEXT,
    BUTTON_VALUE,
    MESSAGE_BLOCKS,
    escape,
    truncate,
)
from bot.slack.blocks.message import (
    EMPTY,
    Message,
    context,
    fallback,
    header,
    pack_lines,
    plain,
    section,
)
from bot.slack.copy import (
    counted,
    frequency_label,
    level_emoji,
    level_label,
    normalize_locale,
    t,
    tier_title,
    value_rule_text,
)
from bot.slack.copy.keys import Text
from bot.slack.problems import MAX_TEXT, Problem
from kpi_engine.catalog import KpiDefinition, Tier
from kpi_engine.evaluate import Basis, KpiState, PeriodValue, TargetInForce
from kpi_engine.levels import Level
from storage.db import DatabaseProblem

BARS = "▁▂▃▄▅▆▇█"
GAP = "·"
FLAT = "▄"

# A status line holds three numbers; a huge one must not crowd out the other KPIs.
_LINE_LIMIT = 600
_QUERY_LIMIT = 100
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_VS_PREVIOUS = {False: Text.KPI_VS_PREVIOUS, True: Text.KPI_PROJECTED_VS_PREVIOUS}
_VS_LAST_YEAR = {False: Text.KPI_VS_LAST_YEAR, True: Text.KPI_PROJECTED_VS_LAST_YEAR}
# English month names, fixed: `calendar.month_name` follows the process's locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_USAGE = {
    Problem.TOO_LONG: Text.USAGE_TOO_LONG,
    Problem.RECORD_USAGE: Text.USAGE_RECORD,
    Problem.BAD_VALUE: Text.USAGE_BAD_VALUE,
    Problem.BAD_DATE: Text.USAGE_BAD_DATE,
    Problem.BAD_LEVEL: Text.USAGE_BAD_LEVEL,
    Problem.EXTRA_WORDS: Text.USAGE_EXTRA_WORDS,
    Problem.NOTE_KIND: Text.NOTE_USAGE,
    Problem.NOTE_EMPTY: Text.NOTE_EMPTY,
    Problem.BAD_MONTH: Text.NOTES_BAD_MONTH,
    Problem.ACTION_USAGE: Text.ACTION_USAGE,
    Problem.ACTION_EMPTY: Text.ACTION_EMPTY,
    Problem.BAD_OWNER: Text.ACTION_BAD_OWNER,
    Problem.BAD_ACTION_ID: Text.ACTION_BAD_ID,
}
# What a user is told of a failed database: what is wrong, never where it is. Any other
# problem (a server down, a file it may not open) means it cannot be reached.
_DATABASE_TEXTS = {
    DatabaseProblem.BUSY: Text.DATABASE_BUSY,
    DatabaseProblem.FULL: Text.DATABASE_FULL,
    DatabaseProblem.CORRUPT: Text.DATABASE_DAMAGED,
}


def sparkline(values: list[float | None]) -> str:
    """Draw values as `▁▂▃▄▅▆▇█`, `·` for a missing one; a flat series is all `▄`."""
    finite = [value for value in values if value is not None and math.isfinite(value)]
    if not finite:
        return GAP * len(values)
    low, high = min(finite), max(finite)
    # Halved so that the span of two huge values of opposite sign does not overflow to inf.
    span = high / 2 - low / 2
    marks = []
    for value in values:
        if value is None or not math.isfinite(value):
            marks.append(GAP)
        elif span == 0:
            marks.append(FLAT)
        else:
            step = round((value / 2 - low / 2) / span * (len(BARS) - 1))
            marks.append(BARS[min(max(step, 0), len(BARS) - 1)])
    return "".join(marks)


def _period(period: PeriodValue, locale: str) -> str:
    if period.start == date.min:
        # Cumulative KPIs count from the beginning: a start date of year 1 says nothing.
        return t(locale, Text.UNTIL, end=period.end.isoformat())
    if period.start == period.end:
        return period.start.isoformat()
    return t(locale, Text.RANGE, start=period.start.isoformat(), end=period.end.isoformat())


def _paren(text: str, note: str, locale: str) -> str:
    return t(locale, Text.PAREN, text=text, note=note)


def _judged_period(state: KpiState) -> PeriodValue:
    """Return the period the level was judged on."""
    return state.previous if state.basis is Basis.PREVIOUS else state.current


def _value(period: PeriodValue, kpi: KpiDefinition, locale: str) -> str:
    shown = format_kpi_value(period.value, kpi, locale)
    if kpi.min_sample > 0 and period.n is not None:
        # Sample sizes matter only where the catalog sets a minimum.
        return _paren(shown, t(locale, Text.SAMPLE, n=f"{period.n:,}"), locale)
    return shown


def _field(label: str, *lines: str, locale: str) -> str:
    return t(locale, Text.FIELD, label=label, value="\n".join(lines))


def _says_when(label: str, due: date) -> bool:
    """Whether a target's label already names its due month ("2027年6月末", "end-of-June")."""
    text = unicodedata.normalize("NFKC", label)
    return bool(re.search(rf"(?<![0-9]){due.month}月", text)) or _MONTHS[due.month - 1] in text


def _target_name(target: TargetInForce, locale: str) -> str:
    """Name a target, saying each thing once: its catalog label, with the due date unless
    the label names it; else its phase or the long-term goal, with the due date or none."""
    separator = t(locale, Text.SEPARATOR)
    due = t(locale, Text.KPI_DUE, due=target.due.isoformat()) if target.due else None
    if target.label is not None:
        label = target.label.in_locale(locale)
        # A target without a due date stands, and its label says so ("Standing goal").
        if due is None or target.due is None or _says_when(label, target.due):
            return escape(label)
        return escape(label) + separator + due
    name = escape(target.phase) if target.phase else t(locale, Text.KPI_LONG_TERM_GOAL)
    return name + separator + (due or t(locale, Text.KPI_NO_DUE))


def _same_target(one: TargetInForce, other: TargetInForce) -> bool:
    """Whether two periods' targets are the same target (the figure judged may differ)."""
    return (one.value, one.due, one.phase, one.label) == (
        other.value,
        other.due,
        other.phase,
        other.label,
    )


def _judged_against(state: KpiState) -> TargetInForce | None:
    """Return the target the level was judged against: the basis period's own."""
    return state.previous.target if state.basis is Basis.PREVIOUS else state.target


def _judged_figure(target: TargetInForce, kpi: KpiDefinition, locale: str) -> str | None:
    """The figure a value was compared with, where it shows differently from the target:
    pro-rated, or on the straight line to the due date."""
    figure = format_kpi_value(target.judged, kpi, locale)
    return None if figure == format_kpi_value(target.value, kpi, locale) else figure


def _judged_lines(state: KpiState, locale: str) -> list[str]:
    """Say what the level was judged against, where the target in force does not say it."""
    kpi, against = state.kpi, _judged_against(state)
    if against is None:
        return []
    figure = _judged_figure(against, kpi, locale)
    if state.basis is not Basis.PREVIOUS:
        return [] if figure is None else [t(locale, Text.KPI_JUDGED_NOW, value=figure)]
    lines = []
    if state.target is None or not _same_target(against, state.target):
        # A new target since (a new phase): the previous period kept its own.
        value = format_kpi_value(against.value, kpi, locale)
        name = _target_name(against, locale)
        lines.append(t(locale, Text.KPI_JUDGED_AGAINST, name=name, value=value))
    if figure is not None:
        lines.append(t(locale, Text.KPI_JUDGED_PREVIOUS, value=figure))
    return lines


def _target_field(state: KpiState, locale: str) -> str:
    """The target in force, named once, and what the level was judged against."""
    label = t(locale, Text.KPI_TARGET)
    target = state.target
    if target is None:
        return _field(label, t(locale, Text.KPI_NO_TARGET), locale=locale)
    lines = [
        format_kpi_value(target.value, state.kpi, locale),
        _target_name(target, locale),
        *_judged_lines(state, locale),
    ]
    return _field(label, *lines, locale=locale)


def _level_text(state: KpiState, locale: str) -> str:
    lines = [f"{level_emoji(state.level)} *{level_label(state.level, locale)}*"]
    if state.level is Level.NO_DATA and state.basis is None:
        lines.append(t(locale, Text.KPI_NO_DATA))
    elif state.level is Level.INSUFFICIENT_DATA:
        seen = state.current if state.current.value is not None else state.previous
        n = f"{seen.n:,}" if seen.n is not None else NO_VALUE
        lines.append(t(locale, Text.KPI_INSUFFICIENT, n=n, minimum=f"{state.kpi.min_sample:,}"))
    if state.basis is Basis.PREVIOUS:
        lines.append(t(locale, Text.KPI_BASIS_PREVIOUS, period=_period(state.previous, locale)))
    return "\n".join(lines)


def figure_fields(state: KpiState, locale: str) -> list[str]:
    """The fields of a KPI's figures: value, target, attainment, previous period and last
    year with their changes, and the projection of a flow KPI."""
    kpi, unit, what = state.kpi, state.kpi.unit, counted(state.kpi.id)
    fields = [
        _field(
            t(locale, Text.KPI_CURRENT),
            _period(state.current, locale),
            _value(state.current, kpi, locale),
            locale=locale,
        ),
        _target_field(state, locale),
        _field(t(locale, Text.KPI_ATTAINMENT), format_attainment(state.attainment), locale=locale),
    ]
    # A period total so far this month against a whole month would always look like a fall:
    # flow KPIs compare their projection for the period instead.
    projected = state.projection is not None
    now = state.projection if projected else state.current.value
    comparisons = (
        (Text.KPI_PREVIOUS, state.previous, _VS_PREVIOUS[projected]),
        (Text.KPI_LAST_YEAR, state.last_year, _VS_LAST_YEAR[projected]),
    )
    for label, period, versus in comparisons:
        fields.append(
            _field(
                t(locale, label),
                _period(period, locale),
                _value(period, kpi, locale),
                t(locale, versus, change=format_change(now, period.value, unit, locale, what)),
                locale=locale,
            )
        )
    if state.projection is not None:
        fields.append(
            _field(
                t(locale, Text.KPI_PROJECTION),
                format_kpi_value(state.projection, kpi, locale),
                locale=locale,
            )
        )
    return fields


def _first_day(period: PeriodValue) -> date:
    return period.end if period.start == date.min else period.start


def trend_text(state: KpiState, locale: str) -> str | None:
    """The KPI's recent periods as a titled sparkline, or None without history."""
    if not state.history:
        return None
    title = t(
        locale,
        Text.KPI_TREND,
        count=len(state.history),
        first=_first_day(state.history[0]).isoformat(),
        last=state.history[-1].end.isoformat(),
    )
    return f"*{title}*\n`{sparkline([period.value for period in state.history])}`"


def kpi_name(kpi: KpiDefinition, locale: str) -> str:
    """Return a KPI's name in the locale, escaped for mrkdwn."""
    return escape(kpi.name.in_locale(locale))


def kpi_message(state: KpiState, locale: str) -> Message:
    """Build the answer to `/kpi <kpi>`: value, target, attainment, level, changes and trend."""
    locale = normalize_locale(locale)
    kpi = state.kpi
    blocks: list[Block] = [
        header(f"{level_emoji(state.level)} {kpi.name.in_locale(locale)}"),
        section(_level_text(state, locale)),
        section(fields=figure_fields(state, locale)),
    ]
    trend = trend_text(state, locale)
    if trend is not None:
        blocks.append(section(trend))
    if state.rule is not None:
        blocks.append(
            section(t(locale, Text.KPI_RULE, message=escape(state.rule.message.in_locale(locale))))
        )
    blocks.append(
        context(
            t(locale, Text.KPI_METHOD, method=escape(kpi.method.in_locale(locale))),
            t(locale, Text.KPI_FREQUENCY, frequency=frequency_label(kpi.update_frequency, locale)),
            as_of_label(state.as_of, locale),
        )
    )
    text = t(
        locale,
        Text.KPI_FALLBACK,
        emoji=level_emoji(state.level),
        name=kpi_name(kpi, locale),
        value=format_kpi_value(_judged_period(state).value, kpi, locale),
        target=format_kpi_value(state.target.value if state.target else None, kpi, locale),
        attainment=format_attainment(state.attainment),
        label=level_label(state.level, locale),
    )
    return Message(text=fallback(text), blocks=blocks)


def status_line(state: KpiState, locale: str) -> str:
    """Return one KPI's status as a mrkdwn line: emoji, name, value, target and attainment."""
    locale = normalize_locale(locale)
    kpi = state.kpi
    value = format_kpi_value(_judged_period(state).value, kpi, locale)
    if state.basis is Basis.PREVIOUS:
        value = _paren(value, t(locale, Text.STATUS_ON_PREVIOUS), locale)
    # The target in force, and beside it the figure the level was judged against where that
    # shows differently: pro-rated or on the line to date, or the previous period's target.
    target = format_kpi_value(state.target.value if state.target else None, kpi, locale)
    against = _judged_against(state)
    if against is not None:
        judged = format_kpi_value(against.judged, kpi, locale)
        if judged != target:
            previous = state.basis is Basis.PREVIOUS
            key = Text.STATUS_TARGET_PREVIOUS if previous else Text.STATUS_TARGET_NOW
            target = _paren(target, t(locale, key, value=judged), locale)
    line = t(
        locale,
        Text.STATUS_LINE,
        emoji=level_emoji(state.level),
        name=kpi_name(state.kpi, locale),
        value=value,
        target=target,
        attainment=format_attainment(state.attainment),
        label=level_label(state.level, locale),
    )
    return truncate(line, _LINE_LIMIT)


def _level_counts(states: list[KpiState]) -> str:
    counts = Counter(level_emoji(state.level) for state in states)
    order = sorted(Level, key=lambda level: -level.severity)
    emojis = dict.fromkeys(level_emoji(level) for level in order)
    return " ".join(f"{emoji} {counts[emoji]}" for emoji in emojis if counts[emoji])


def status_message(states: list[KpiState], locale: str, level: Level | None = None) -> Message:
    """Build the answer to `/kpi status`: every KPI (or those at `level`) grouped by tier."""
    locale = normalize_locale(locale)
    shown = [state for state in states if level is None or state.level is level]
    title = (
        t(locale, Text.STATUS_TITLE)
        if level is None
        else t(
            locale,
            Text.STATUS_TITLE_FILTERED,
            emoji=level_emoji(level),
            label=level_label(level, locale),
        )
    )
    top: list[Block] = [header(title)]
    if states:
        top.append(context(as_of_label(states[0].as_of, locale)))
    bottom: list[Block] = [context(t(locale, Text.STATUS_HINT))]
    texts: list[str] = []
    rows: list[int] = []  # the number of KPI lines in each text, to count what is left out
    for tier in Tier:
        lines = [status_line(state, locale) for state in shown if state.kpi.tier is tier]
        if lines:
            chunks = pack_lines(f"*{tier_title(tier, locale)}*", lines)
            texts += chunks
            rows += [chunk.count("\n") + (1 if index else 0) for index, chunk in enumerate(chunks)]
    if not texts:
        texts, rows = [t(locale, Text.STATUS_NONE)], [0]
    room = MESSAGE_BLOCKS - len(top) - len(bottom)
    if len(texts) > room:
        left_out = sum(rows[room - 1 :])
        texts = [*texts[: room - 1], t(locale, Text.MORE, n=left_out)]
    blocks = top + [section(text) for text in texts] + bottom
    if states:
        counts = _level_counts(shown) or t(locale, Text.STATUS_NONE)
        as_of = as_of_label(states[0].as_of, locale)
        text = t(locale, Text.STATUS_FALLBACK, as_of=as_of, counts=counts)
    else:
        text = title
    return Message(text=fallback(text), blocks=blocks)


def _help_blocks(locale: str) -> list[Block]:
    return [section(t(locale, Text.HELP_COMMANDS)), context(t(locale, Text.HELP_PRIVACY))]


def help_message(locale: str) -> Message:
    """Build the answer to `/kpi help` and to an empty `/kpi`."""
    title = t(locale, Text.HELP_TITLE)
    return Message(text=fallback(title), blocks=[header(title), *_help_blocks(locale)])


def _user_text(text: str) -> str:
    """Return words the user typed, cut to a readable length and escaped for mrkdwn."""
    return escape(truncate(text.strip(), _QUERY_LIMIT))


def usage_message(problem: Problem, word: str, locale: str) -> Message:
    """Build the answer to a malformed `/kpi`: what is wrong with it, then the commands."""
    line = t(locale, _USAGE[problem], word=_user_text(word) or EMPTY, limit=f"{MAX_TEXT:,}")
    return Message(text=fallback(line), blocks=[section(line), *_help_blocks(locale)])


def kpi_button(kpi: KpiDefinition, locale: str, label: str | None = None) -> ButtonElement:
    """Return a button that shows a KPI's detail (`ActionId.SHOW_KPI`, value = KPI id)."""
    return ButtonElement(
        text=plain(label or t(locale, Text.BUTTON_DETAILS), BUTTON_TEXT),
        action_id=ActionId.SHOW_KPI.value,
        value=kpi.id[:BUTTON_VALUE],
    )


def unknown_kpi_message(query: str, suggestions: list[KpiDefinition], locale: str) -> Message:
    """Build the answer to an unknown KPI name: "did you mean" with a button per close KPI."""
    locale = normalize_locale(locale)
    # One section per suggestion, the button its accessory: `action_id`s must be unique
    # within a block, and every suggestion's button shares ActionId.SHOW_KPI.
    offered = suggestions[: MESSAGE_BLOCKS - 2]
    question = t(locale, Text.UNKNOWN_KPI, query=_user_text(query))
    blocks: list[Block] = [section(question)]
    if offered:
        blocks.append(section(t(locale, Text.UNKNOWN_SUGGEST)))
        ids = block_ids(BlockId.SUGGESTION, [kpi.id for kpi in offered])
        blocks += [
            section(
                f"*{kpi_name(kpi, locale)}* `{kpi.id}`",
                accessory=kpi_button(kpi, locale, kpi.name.in_locale(locale)),
                block_id=block_id,
            )
            for kpi, block_id in zip(offered, ids, strict=True)
        ]
        names = t(locale, Text.SEPARATOR).join(kpi_name(kpi, locale) for kpi in offered)
        text = f"{question} {t(locale, Text.UNKNOWN_SUGGEST)} {names}"
    else:
        blocks.append(context(t(locale, Text.UNKNOWN_NO_SUGGESTION)))
        text = question
    return Message(text=fallback(text), blocks=blocks)


def _single(text: str) -> Message:
    return Message(text=fallback(text), blocks=[section(text)])


def restricted_message(kpi: KpiDefinition, locale: str) -> Message:
    """Build the answer for a restricted KPI asked about where it may not be shown."""
    return _single(t(locale, Text.RESTRICTED, name=kpi_name(kpi, locale)))


def _mention(user: str) -> str:
    user = user.strip()
    return f"<@{user}>" if _USER_ID.fullmatch(user) else escape(user)


def not_admin_message(admins: list[str], locale: str) -> Message:
    """Build the refusal of `/kpi record` to a non-admin, naming the admins as mentions."""
    refusal = t(locale, Text.NOT_ADMIN)
    named = [_mention(admin) for admin in admins if admin.strip()]
    if named:
        who = t(locale, Text.NOT_ADMIN_ASK, admins=t(locale, Text.SEPARATOR).join(named))
    else:
        who = t(locale, Text.NOT_ADMIN_NONE)
    return Message(text=fallback(refusal), blocks=[section(f"{refusal}\n{who}")])


def record_confirmation(
    kpi: KpiDefinition, value: float, at: datetime, previous: float | None, locale: str
) -> Message:
    """Build the confirmation of `/kpi record`: what was stored, for which KPI and when, and
    the value it replaced, if there was one."""
    locale = normalize_locale(locale)
    if previous is None:
        key = Text.RECORD_STORED
    else:
        key = Text.RECORD_UNCHANGED if previous == value else Text.RECORD_UPDATED
    return _single(
        t(
            locale,
            key,
            name=kpi_name(kpi, locale),
            value=format_kpi_value(value, kpi, locale),
            previous=format_kpi_value(previous, kpi, locale),
            at=day_or_moment(at),
        )
    )


def deletion_confirmation(
    kpi: KpiDefinition, day: date, deleted: list[float], locale: str
) -> Message:
    """Build the answer to `/kpi record KPI delete DATE`: the values deleted, or none."""
    locale = normalize_locale(locale)
    name = kpi_name(kpi, locale)
    if not deleted:
        return _single(t(locale, Text.RECORD_NOTHING_TO_DELETE, name=name, day=day.isoformat()))
    values = t(locale, Text.SEPARATOR).join(
        format_kpi_value(value, kpi, locale) for value in deleted
    )
    return _single(t(locale, Text.RECORD_DELETED, name=name, day=day.isoformat(), values=values))


def not_recordable_message(
    kpi: KpiDefinition, recordable: list[KpiDefinition], locale: str
) -> Message:
    """Build the refusal to record a KPI kpibot computes, naming the KPIs that can be recorded."""
    locale = normalize_locale(locale)
    names = t(locale, Text.SEPARATOR).join(
        f"{kpi_name(other, locale)} `{escape(other.id)}`" for other in recordable
    )
    return _single(t(locale, Text.NOT_RECORDABLE, name=kpi_name(kpi, locale), names=names or EMPTY))


def impossible_value_message(kpi: KpiDefinition, value: float, locale: str) -> Message:
    """Build the refusal of a value the KPI cannot take, saying which values it can."""
    rule = kpi.measured_value
    allowed = value_rule_text(rule, locale) if rule is not None else EMPTY
    shown = escape(f"{value:,g}")
    return _single(
        t(locale, Text.RECORD_NOT_POSSIBLE, name=kpi_name(kpi, locale), value=shown, rule=allowed)
    )


def future_day_message(day: date, locale: str) -> Message:
    """Build the refusal to record a measurement on a day that has not come yet."""
    return _single(t(locale, Text.RECORD_IN_FUTURE, day=day.isoformat()))


def error_message(reference: str, locale: str) -> Message:
    """Build the apology for an unexpected error, with the reference id that is in the log."""
    apology = t(locale, Text.ERROR)
    reference_text = t(locale, Text.ERROR_REFERENCE, reference=escape(reference.strip() or EMPTY))
    return Message(
        text=fallback(f"{apology} {reference_text}"),
        blocks=[section(apology), context(reference_text)],
    )


def invite_bot_message(locale: str) -> Message:
    """Build the answer when the bot is not in the channel: `/invite @kpibot` first."""
    return _single(t(locale, Text.INVITE_BOT))


def chart_pending_message(kpi: KpiDefinition, locale: str) -> Message:
    """Build the interim answer to `/kpi <kpi> chart` while the chart is drawn."""
    return _single(t(locale, Text.CHART_PENDING, name=kpi_name(kpi, locale)))


def shared_kpi_message(state: KpiState, user_id: str, locale: str) -> Message:
    """Build a KPI's answer as `share` posts it in the channel: who shared it, last."""
    answer = kpi_message(state, locale)
    shared_by = context(t(locale, Text.SHARED_BY, user=_mention(user_id)))
    return Message(text=answer.text, blocks=[*answer.blocks, shared_by])


def chart_too_few_points_message(
    kpi: KpiDefinition, points: int, minimum: int, locale: str
) -> Message:
    """Build the answer in place of a chart with too few periods to draw a line."""
    return _single(
        t(
            locale,
            Text.CHART_TOO_FEW_POINTS,
            name=kpi_name(kpi, locale),
            points=f"{points:,}",
            minimum=f"{minimum:,}",
        )
    )


def chart_rendering_failed_message(kpi: KpiDefinition, reference: str, locale: str) -> Message:
    """Build the answer in place of a chart that could not be drawn, with the log's reference."""
    failed = t(locale, Text.CHART_RENDERING_FAILED, name=kpi_name(kpi, locale))
    reference_text = t(locale, Text.ERROR_REFERENCE, reference=escape(reference.strip() or EMPTY))
    return Message(
        text=fallback(f"{failed} {reference_text}"),
        blocks=[section(failed), context(reference_text)],
    )


def chart_upload_failed_message(kpi: KpiDefinition, reason: str, locale: str) -> Message:
    """Build the answer in place of a chart Slack did not take, with its short reason (a
    Slack error code, an HTTP status, `timeout`)."""
    return _single(
        t(
            locale,
            Text.CHART_UPLOAD_FAILED,
            name=kpi_name(kpi, locale),
            code=escape(reason.strip().replace("`", "'") or EMPTY),
        )
    )


def busy_message(locale: str) -> Message:
    """Build the answer when the work after an ack cannot start in time: try again soon."""
    return _single(t(locale, Text.BUSY))


def database_message(problem: DatabaseProblem, locale: str) -> Message:
    """Build the answer when the database failed: busy with an import, full, damaged, or
    else out of reach; never where it is."""
    return _single(t(locale, _DATABASE_TEXTS.get(problem, Text.DATABASE_DOWN)))


def status_pending_message(locale: str) -> Message:
    """Build the interim answer to `/kpi status` while every KPI is evaluated."""
    return _single(t(locale, Text.STATUS_PENDING))
