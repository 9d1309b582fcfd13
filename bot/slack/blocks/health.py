"""`/kpi health` and `kpibot jobs`: each report job's last and next run, the outbox, the leader."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block, DividerBlock

from bot.schedule import CHANNEL_VARIABLES, UNSENT_STATUSES, JobHealth, SchedulerHealth
from bot.slack.blocks.limits import escape
from bot.slack.blocks.message import Message, context, fallback, header, section
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.reports import ReportKind

_JOB_NAMES = {
    ReportKind.WEEKLY: Text.HEALTH_JOB_WEEKLY,
    ReportKind.MONTHLY: Text.HEALTH_JOB_MONTHLY,
    ReportKind.QUARTERLY: Text.HEALTH_JOB_QUARTERLY,
}
_STATUSES = {
    "pending": Text.HEALTH_STATUS_PENDING,
    "sending": Text.HEALTH_STATUS_SENDING,
    "sent": Text.HEALTH_STATUS_SENT,
    "failed": Text.HEALTH_STATUS_FAILED,
    "abandoned": Text.HEALTH_STATUS_ABANDONED,
    "skipped": Text.HEALTH_STATUS_SKIPPED,
}
# A leader that has not beaten its heart for this long (six heartbeats) is likely gone.
SILENT_AFTER = timedelta(minutes=1)
# What an error shown in a message quotes of the outbox's stored text.
_ERROR_CHARS = 200


def moment_text(at: datetime, locale: str, *, weekday: bool = False) -> str:
    """A local moment to the minute, with its weekday when asked: 2026-11-30 (月) 09:00."""
    if not weekday:
        return f"{at:%Y-%m-%d %H:%M}"
    name = t(locale, Text.HEALTH_WEEKDAYS).split(",")[at.weekday()]
    return f"{at:%Y-%m-%d} ({name}) {at:%H:%M}"


def status_text(status: str, locale: str) -> str:
    """An outbox state in words (an unknown one as it is stored)."""
    key = _STATUSES.get(status)
    return t(locale, key) if key is not None else f"`{escape(status[:40])}`"


def job_name(kind: ReportKind, locale: str) -> str:
    """A report job's name: 週次レポート or Weekly summary, and so on."""
    return t(locale, _JOB_NAMES[kind])


def _job_text(job: JobHealth, health: SchedulerHealth, locale: str) -> str:
    zone = health.now.tzinfo
    lines = [f"*{job_name(job.kind, locale)}*"]
    if job.channel is None:
        lines.append(t(locale, Text.HEALTH_NOT_SCHEDULED, variable=CHANNEL_VARIABLES[job.kind]))
    else:
        lines.append(
            t(
                locale,
                Text.HEALTH_CHANNEL,
                channel=escape(job.channel),
                schedule=escape(job.schedule),
                zone=escape(str(zone)),
            )
        )
        if job.next_run is None:
            lines.append(t(locale, Text.HEALTH_NO_NEXT_RUN))
        else:
            next_run = moment_text(job.next_run.astimezone(zone), locale, weekday=True)
            lines.append(t(locale, Text.HEALTH_NEXT_RUN, moment=next_run))
    last = job.last
    if last is None:
        lines.append(t(locale, Text.HEALTH_NEVER_RUN))
    else:
        status = status_text(last.status, locale)
        if last.late and last.status == "sent":
            status += t(locale, Text.HEALTH_LATE)
        at = last.sent_at or last.created_at
        lines.append(
            t(
                locale,
                Text.HEALTH_LAST_RUN,
                period=escape(last.period),
                status=status,
                moment=moment_text(at.astimezone(zone), locale),
            )
        )
        if last.last_error and last.status in ("failed", "abandoned"):
            error = escape(last.last_error[:_ERROR_CHARS].replace("`", "'"))
            lines.append(t(locale, Text.HEALTH_ERROR, error=error))
    if job.unsent:
        lines.append(t(locale, Text.HEALTH_JOB_UNSENT, counts=_counts(job.unsent, locale)))
    if job.overdue is not None:
        period, due = job.overdue
        moment = moment_text(due.astimezone(zone), locale, weekday=True)
        lines.append(t(locale, Text.HEALTH_OVERDUE, period=escape(period), moment=moment))
    return "\n".join(lines)


def _counts(counts: dict[str, int], locale: str) -> str:
    shown = [
        t(locale, Text.HEALTH_COUNT, status=status_text(status, locale), n=n)
        for status, n in sorted(counts.items())
        if n
    ]
    return ("・" if locale == "ja" else ", ").join(shown)


def _outbox_text(health: SchedulerHealth, locale: str) -> str:
    waiting = {status: n for status, n in health.outbox.items() if status in UNSENT_STATUSES}
    if not any(waiting.values()):
        return t(locale, Text.HEALTH_OUTBOX_EMPTY)
    return t(locale, Text.HEALTH_OUTBOX, counts=_counts(waiting, locale))


def _leader_text(health: SchedulerHealth, locale: str) -> str:
    leader = health.leader
    if leader is None:
        return t(locale, Text.HEALTH_NO_LEADER)
    zone = health.now.tzinfo
    heartbeat = moment_text(leader.heartbeat_at.astimezone(zone), locale)
    holder = escape(leader.holder[:100].replace("`", "'"))
    if health.now - leader.heartbeat_at > SILENT_AFTER:
        return t(locale, Text.HEALTH_LEADER_SILENT, holder=holder, heartbeat=heartbeat)
    since = moment_text(leader.since.astimezone(zone), locale)
    return t(locale, Text.HEALTH_LEADER, holder=holder, since=since, heartbeat=heartbeat)


def health_message(health: SchedulerHealth, locale: str) -> Message:
    """Build the answer to `/kpi health`: per job its schedule, next and last run; the
    outbox; the active scheduler."""
    title = t(locale, Text.HEALTH_TITLE)
    blocks: list[Block] = [header(title)]
    blocks.extend(section(_job_text(job, health, locale)) for job in health.jobs)
    blocks.append(DividerBlock())
    blocks.append(section(_outbox_text(health, locale)))
    blocks.append(section(_leader_text(health, locale)))
    blocks.append(context(moment_text(health.now, locale) + f" {escape(str(health.now.tzinfo))}"))
    text = t(locale, Text.HEALTH_FALLBACK, moment=moment_text(health.now, locale))
    return Message(text=fallback(text), blocks=blocks)
