"""The scheduled reports as Slack messages: the weekly summary, the monthly digest, the
quarterly review.

A report is one list of blocks cut into messages of at most 50: the first is the report's
top message, the others continue it in its thread, each saying which report it continues,
the period and the time zone. Notes are people's text: escaped and marked `verbatim`, so that
neither `<!channel>`, `<@U…>`, `<https://…|…>` nor a bare URL or `@here` can mention anyone
or turn into a link.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock, SectionBlock

from bot.slack.blocks.formatting import (
    NO_VALUE,
    as_of_label,
    format_attainment,
    format_change,
    format_kpi_value,
)
from bot.slack.blocks.limits import MESSAGE_BLOCKS, SECTION_TEXT, escape, truncate
from bot.slack.blocks.message import (
    Message,
    context,
    fallback,
    header,
    mrkdwn,
    pack_lines,
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
)
from bot.slack.copy.keys import Text
from kpi_engine.catalog import KpiDefinition, Phase, Target
from kpi_engine.levels import Level
from kpi_engine.reports import (
    Detail,
    ImprovementAction,
    MonthlyDigest,
    NoteKind,
    Progress,
    QuarterlyReview,
    ReportKind,
    ReportNote,
    ReportPeriod,
    Response,
    WeeklySummary,
)

_RESPONSES = {
    Response.CONSIDER: Text.REPORT_RESPONSE_CONSIDER,
    Response.ACT_NOW: Text.REPORT_RESPONSE_ACT_NOW,
    Response.EMERGENCY: Text.REPORT_RESPONSE_EMERGENCY,
}
NOTE_KINDS = {NoteKind.MARKET: Text.NOTE_KIND_MARKET, NoteKind.STRATEGY: Text.NOTE_KIND_STRATEGY}
# A note is shown whole up to this length; the `/kpi note` limit is below it.
NOTE_SHOWN = 2000
# What a line of a list shows of an improvement action's text: one line stays a line.
ACTION_SHOWN = 300
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def _title(period: ReportPeriod, locale: str) -> str:
    start = period.span.start
    match period.kind:
        case ReportKind.WEEKLY:
            return t(locale, Text.REPORT_WEEKLY_TITLE, period=period.key)
        case ReportKind.MONTHLY:
            return t(locale, Text.REPORT_MONTHLY_TITLE, year=start.year, month=f"{start.month:02d}")
        case ReportKind.QUARTERLY:
            quarter = (start.month - 1) // 3 + 1
            return t(locale, Text.REPORT_QUARTERLY_TITLE, year=start.year, quarter=quarter)


def _days(period: ReportPeriod) -> dict[str, str]:
    span = period.span
    return {"start": span.start.isoformat(), "end": span.last_day.isoformat()}


def _opening(
    period: ReportPeriod, as_of: datetime, zone: ZoneInfo, locale: str, *, late: bool
) -> list[Block]:
    """The report's header, its period and time zone, and the late note when it is late."""
    line = t(
        locale,
        Text.REPORT_PERIOD,
        **_days(period),
        zone=zone.key,
        as_of=as_of_label(as_of.astimezone(zone), locale),
    )
    blocks: list[Block] = [header(_title(period, locale)), context(line)]
    if late:
        blocks.append(context(t(locale, Text.REPORT_LATE)))
    return blocks


def paginate(
    blocks: list[Block], text: str, period: ReportPeriod, zone: ZoneInfo, locale: str
) -> list[Message]:
    """Cut a report's blocks into messages of at most 50 blocks: the first with the report's
    notification `text`, each other opening with what it continues, the period and zone."""
    first, rest = blocks[:MESSAGE_BLOCKS], blocks[MESSAGE_BLOCKS:]
    per_page = MESSAGE_BLOCKS - 1
    pages = [first] + [rest[i : i + per_page] for i in range(0, len(rest), per_page)]
    title = _title(period, locale)
    messages = [Message(text=fallback(text), blocks=first)]
    for number, page in enumerate(pages[1:], start=2):
        numbers = {"title": escape(title), "page": number, "pages": len(pages)}
        opening = t(locale, Text.REPORT_CONTINUED, **numbers, **_days(period), zone=zone.key)
        continued = fallback(t(locale, Text.REPORT_CONTINUED_TEXT, **numbers))
        messages.append(Message(text=continued, blocks=[context(opening), *page]))
    return messages


def _late_text(text: str, locale: str, late: bool) -> str:
    return t(locale, Text.REPORT_LATE_TEXT, text=text) if late else text


def _name(kpi: KpiDefinition, locale: str) -> str:
    return escape(kpi.name.in_locale(locale))


def _value(value: float | None, kpi: KpiDefinition, locale: str) -> str:
    return format_kpi_value(value, kpi, locale)


def _change(now: float | None, then: float | None, kpi: KpiDefinition, locale: str) -> str:
    return format_change(now, then, kpi.unit, locale, counted(kpi.id))


def _figures(progress: Progress, locale: str) -> str:
    """`value / target (attainment)` of a KPI as a report shows it."""
    kpi, target = progress.kpi, progress.target
    value = _value(progress.value, kpi, locale)
    shown = (
        t(locale, Text.REPORT_VALUE_AGAINST, value=value, target=_value(target.value, kpi, locale))
        if target is not None
        else t(locale, Text.PAREN, text=value, note=t(locale, Text.REPORT_NO_TARGET))
    )
    attained = t(locale, Text.REPORT_ATTAINMENT, percent=format_attainment(progress.attainment))
    return t(locale, Text.PAREN, text=shown, note=attained)


def _kpi_line(progress: Progress, locale: str, *notes: str) -> str:
    level = progress.level
    head = f"{level_emoji(level)} *{_name(progress.kpi, locale)}* {level_label(level, locale)}"
    separator = t(locale, Text.SEPARATOR)
    body = separator.join([_figures(progress, locale), *notes])
    return truncate(f"{head}\n{body}", SECTION_TEXT)


def _sections(title: str, lines: list[str], empty: str) -> list[Block]:
    return [section(chunk) for chunk in pack_lines(title, lines or [empty])]


def weekly_messages(
    summary: WeeklySummary, zone: ZoneInfo, locale: str, *, late: bool = False, charts: int = 0
) -> list[Message]:
    """The weekly team summary: the main KPIs, problems, next week's actions, stale data."""
    locale = normalize_locale(locale)
    blocks = _opening(summary.period, summary.as_of, zone, locale, late=late)
    blocks.append(section(t(locale, Text.REPORT_MAIN_PROGRESS)))
    for progress in summary.progress:
        kpi = progress.kpi
        change = _change(progress.value, progress.value_before, kpi, locale)
        blocks.append(
            section(_kpi_line(progress, locale, t(locale, Text.REPORT_VS_LAST_WEEK, change=change)))
        )
    blocks.append(DividerBlock())
    concerns = [
        _kpi_line(concern.progress, locale, f"*{t(locale, _RESPONSES[concern.response])}*")
        + _rule(concern.progress, locale)
        for concern in summary.concerns
    ]
    blocks += _sections(
        t(locale, Text.REPORT_PROBLEMS), concerns, t(locale, Text.REPORT_NO_PROBLEMS)
    )
    names = {kpi_id: kpi.name.in_locale(locale) for kpi_id, kpi in summary.action_kpis.items()}
    for title, listed, empty in (
        (Text.REPORT_ACTIONS, summary.actions, Text.REPORT_NO_ACTIONS),
        (Text.REPORT_OVERDUE_ACTIONS, summary.overdue, Text.REPORT_NO_OVERDUE_ACTIONS),
    ):
        lines = [_action_line(action, names, locale) for action in listed]
        blocks += _sections(t(locale, title), lines, t(locale, empty))
    stale = []
    for item in summary.stale:
        frequency = frequency_label(item.kpi.update_frequency, locale)
        if item.last_event is None:
            stale.append(
                t(locale, Text.REPORT_STALE_NEVER, kpi=_name(item.kpi, locale), frequency=frequency)
            )
        else:
            last = f"{item.last_event.astimezone(zone):%Y-%m-%d %H:%M}"
            days = item.allowed.days
            stale.append(
                t(
                    locale,
                    Text.REPORT_STALE_SINCE,
                    kpi=_name(item.kpi, locale),
                    last=last,
                    frequency=frequency,
                    days=days,
                )
            )
    blocks += _sections(t(locale, Text.REPORT_STALE), stale, t(locale, Text.REPORT_NO_STALE))
    if charts:
        blocks.append(context(t(locale, Text.REPORT_CHARTS_FOLLOW, count=charts)))
    text = t(
        locale,
        Text.REPORT_WEEKLY_TEXT,
        period=summary.period.key,
        **_days(summary.period),
        zone=zone.key,
        concerns=len(summary.concerns),
        stale=len(summary.stale),
    )
    return paginate(blocks, _late_text(text, locale, late), summary.period, zone, locale)


def _action_line(action: ImprovementAction, names: dict[str, str], locale: str) -> str:
    """An action in a report: its text escaped, its owner named without a ping (a report
    reaches the whole channel; the owner sees their actions with `/kpi actions`)."""
    owner = t(locale, Text.ACTIONS_OWNER, owner=_author(action.owner)) if action.owner else ""
    return t(
        locale,
        Text.REPORT_ACTION_LINE,
        id="" if action.id is None else action.id,
        due=action.due.isoformat(),
        kpi=escape(names.get(action.kpi, action.kpi)),
        title=escape(truncate(" ".join(action.title.split()), ACTION_SHOWN)),
        owner=owner,
    )


def _action_tallies(digest: MonthlyDigest, locale: str) -> list[Block]:
    """The month's improvement actions opened and closed, per KPI (by its name), and in all."""
    names = {
        d.progress.kpi.id: d.progress.kpi.name.in_locale(locale)
        for tier in digest.tiers
        for d in tier.details
    }
    lines = [
        t(
            locale,
            Text.REPORT_ACTION_TALLY,
            kpi=escape(names.get(tally.kpi, tally.kpi)),
            opened=tally.opened,
            closed=tally.closed,
        )
        for tally in digest.actions
    ]
    if not lines:
        none = context(t(locale, Text.REPORT_NO_MONTH_ACTIONS))
        return [section(t(locale, Text.REPORT_MONTH_ACTIONS)), none]
    total = t(
        locale,
        Text.REPORT_ACTION_TOTAL,
        opened=sum(tally.opened for tally in digest.actions),
        closed=sum(tally.closed for tally in digest.actions),
    )
    return [*_sections(t(locale, Text.REPORT_MONTH_ACTIONS), lines, ""), context(total)]


def _rule(progress: Progress, locale: str) -> str:
    rule = progress.state.rule
    return "" if rule is None else "\n" + escape(rule.message.in_locale(locale))


def _detail_line(detail: Detail, locale: str, versus: Text) -> str:
    progress, kpi = detail.progress, detail.progress.kpi
    notes = [t(locale, versus, change=_change(progress.value, progress.value_before, kpi, locale))]
    if versus is Text.REPORT_VS_LAST_MONTH:
        change = _change(progress.value, detail.value_last_year, kpi, locale)
        notes.append(t(locale, Text.REPORT_VS_LAST_YEAR, change=change))
    if progress.target is not None:
        target = _value(progress.target.value, kpi, locale)
        percent = format_attainment(detail.toward_target)
        notes.append(t(locale, Text.REPORT_TOWARD_TARGET, target=target, percent=percent))
    return _kpi_line(progress, locale, *notes)


def _phase_line(phase: Phase | None, locale: str) -> str:
    if phase is None:
        return t(locale, Text.REPORT_NO_PHASE)
    return t(
        locale,
        Text.REPORT_PHASE,
        phase=escape(phase.name.in_locale(locale)),
        start=phase.start.isoformat(),
        end=phase.end.isoformat(),
    )


def _author(author: str) -> str:
    """Who wrote a note, never as a mention: a monthly report must not ping its authors."""
    author = author.strip()
    return author if _USER_ID.fullmatch(author) else escape(author)


def note_blocks(notes: list[ReportNote], zone: ZoneInfo, locale: str) -> list[Block]:
    """One section per note: its escaped, verbatim text, then when and by whom."""
    blocks: list[Block] = []
    for note in notes:
        by = t(
            locale,
            Text.REPORT_NOTE_BY,
            moment=f"{note.created_at.astimezone(zone):%Y-%m-%d %H:%M}",
            author=_author(note.author),
        )
        signature = f"\n— {by}"
        # Escaping can make a note five times longer (`&` is `&amp;`): the text gives way,
        # never the line saying who wrote it and when.
        body = truncate(
            escape(truncate(note.text.strip(), NOTE_SHOWN)), SECTION_TEXT - len(signature)
        )
        text = mrkdwn(body + signature, SECTION_TEXT)
        text.verbatim = True  # no auto-linked URLs, channel names or mentions
        blocks.append(SectionBlock(text=text))
    return blocks


def monthly_messages(
    digest: MonthlyDigest, zone: ZoneInfo, locale: str, *, late: bool = False, charts: int = 0
) -> list[Message]:
    """The monthly stakeholder digest: every KPI by tier, and the month's notes."""
    locale = normalize_locale(locale)
    blocks = _opening(digest.period, digest.as_of, zone, locale, late=late)
    blocks.append(context(_phase_line(digest.phase, locale)))
    for tier in digest.tiers:
        blocks.append(DividerBlock())
        blocks.append(header(tier_title(tier.tier, locale)))
        for detail in tier.details:
            blocks.append(section(_detail_line(detail, locale, Text.REPORT_VS_LAST_MONTH)))
    for title, notes in (
        (Text.REPORT_MARKET_NOTES, digest.market),
        (Text.REPORT_STRATEGY_NOTES, digest.strategy),
    ):
        blocks.append(DividerBlock())
        blocks.append(section(t(locale, title)))
        blocks += note_blocks(notes, zone, locale) or [context(t(locale, Text.REPORT_NO_NOTES))]
    blocks.append(DividerBlock())
    blocks += _action_tallies(digest, locale)
    if charts:
        blocks.append(context(t(locale, Text.REPORT_CHARTS_FOLLOW, count=charts)))
    start = digest.period.span.start
    concerns = sum(
        1
        for tier in digest.tiers
        for d in tier.details
        if d.progress.level.severity >= Level.YELLOW.severity
    )
    text = t(
        locale,
        Text.REPORT_MONTHLY_TEXT,
        year=start.year,
        month=f"{start.month:02d}",
        zone=zone.key,
        concerns=concerns,
        notes=len(digest.market) + len(digest.strategy),
    )
    return paginate(blocks, _late_text(text, locale, late), digest.period, zone, locale)


def _target_text(target: Target, kpi: KpiDefinition, locale: str) -> str:
    text = _value(target.value, kpi, locale)
    if target.due is not None:
        text = t(
            locale, Text.PAREN, text=text, note=t(locale, Text.KPI_DUE, due=target.due.isoformat())
        )
    return text


def quarterly_messages(
    review: QuarterlyReview, zone: ZoneInfo, locale: str, *, late: bool = False, charts: int = 0
) -> list[Message]:
    """The quarterly review: strategic KPIs, results against the plan, next quarter's targets."""
    locale = normalize_locale(locale)
    blocks = _opening(review.period, review.as_of, zone, locale, late=late)
    goals = []
    for goal in review.strategic:
        progress, kpi = goal.progress, goal.progress.kpi
        versus = t(
            locale,
            Text.REPORT_VS_LAST_QUARTER,
            change=_change(progress.value, progress.value_before, kpi, locale),
        )
        if goal.goal is None:
            toward = t(locale, Text.REPORT_NO_GOAL)
        else:
            toward = t(
                locale,
                Text.REPORT_GOAL,
                target=_value(goal.goal.value, kpi, locale),
                due=goal.goal.due.isoformat() if goal.goal.due else t(locale, Text.KPI_NO_DUE),
                percent=format_attainment(goal.toward_goal),
            )
        goals.append(_kpi_line(progress, locale, toward, versus))
    blocks += [
        section(chunk) for chunk in pack_lines(t(locale, Text.REPORT_STRATEGIC_GOALS), goals)
    ]
    blocks.append(DividerBlock())
    plan = t(locale, Text.REPORT_PLAN_RESULTS, phase=_phase_line(review.phase, locale))
    blocks.append(section(plan))
    for detail in review.results:
        blocks.append(section(_detail_line(detail, locale, Text.REPORT_VS_LAST_QUARTER)))
    blocks.append(DividerBlock())
    following = review.period.after()
    blocks.append(section(t(locale, Text.REPORT_NEXT_TARGETS, **_days(following))))
    if review.phase_changes:
        if review.next_phase is not None:
            name = escape(review.next_phase.name.in_locale(locale))
            blocks.append(section(t(locale, Text.REPORT_PHASE_CHANGE, phase=name)))
        else:
            blocks.append(section(t(locale, Text.REPORT_PHASE_ENDS)))
    lines = []
    for next_target in review.next_targets:
        kpi = next_target.kpi
        target = _target_text(next_target.target, kpi, locale)
        if next_target.target.start > following.span.start:
            target = t(
                locale,
                Text.REPORT_TARGET_FROM,
                target=target,
                start=next_target.target.start.isoformat(),
            )
        if next_target.changed:
            now = _value(next_target.now.value, kpi, locale) if next_target.now else NO_VALUE
            lines.append(
                t(locale, Text.REPORT_TARGET_NEW, kpi=_name(kpi, locale), target=target, now=now)
            )
        else:
            lines.append(t(locale, Text.REPORT_TARGET_SAME, kpi=_name(kpi, locale), target=target))
    blocks += [section(chunk) for chunk in pack_lines(lines[0], lines[1:])] if lines else []
    if charts:
        blocks.append(context(t(locale, Text.REPORT_CHARTS_FOLLOW, count=charts)))
    start = review.period.span.start
    text = t(
        locale,
        Text.REPORT_QUARTERLY_TEXT,
        year=start.year,
        quarter=(start.month - 1) // 3 + 1,
        **_days(review.period),
        zone=zone.key,
    )
    return paginate(blocks, _late_text(text, locale, late), review.period, zone, locale)
