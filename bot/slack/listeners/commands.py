"""`/kpi`: quick answers come in the ack; status, charts and shared answers follow it.

Evaluating one KPI takes milliseconds, so its detail and the other short answers are
computed before `ack()` and sent as its body (ephemeral). Anything slower is decided at
the same time (`Reply.follow_up`) and runs after the ack in the follow-up pool: `/kpi
status` evaluates every KPI (hundreds of milliseconds on a large database), so the ack is
a short pending note that the status list then replaces through the `response_url`;
rendering and uploading a chart, and posting in the channel, also need the Web API. When
the pool is full, the ack says kpibot is busy instead. A chart that cannot be made (too few
periods with a value, a drawing that fails, an upload Slack does not take) replaces its
"drawing the chart…" note with the reason.
"""

from __future__ import annotations

import http.client
import logging
import threading
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.errors import new_reference
from bot.slack.blocks.kpi import (
    busy_message,
    chart_rendering_failed_message,
    chart_too_few_points_message,
    chart_upload_failed_message,
    invite_bot_message,
    kpi_message,
)
from bot.slack.blocks.message import Message
from bot.slack.charts import MIN_CHART_POINTS, render_kpi_chart, valued_periods
from bot.slack.client import NotInChannel
from bot.slack.failures import classify
from bot.slack.listeners import services_of
from bot.slack.listeners.errors import after_ack, send_to_user
from bot.slack.services import FollowUp, PostInChannel, SendStatus, Services, UploadChart
from kpi_engine.catalog import KpiDefinition

log = logging.getLogger("kpibot.slack")

COMMAND = "/kpi"
# Slack's own limit for an ack; the follow-up waits at most this long for it.
ACK_WAIT_SECONDS = 3.0


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Answer `/kpi` in the ack itself, or ack with a pending note (or empty) for a follow-up."""
    services = services_of(context)
    user_id, channel_id = str(command.get("user_id") or ""), str(command.get("channel_id") or "")
    reply = services.reply(str(command.get("text") or ""), user_id=user_id, channel_id=channel_id)
    message = reply.message
    acked = threading.Event()
    if reply.follow_up is not None:
        follow_up = reply.follow_up

        def work() -> None:
            # The answer replaces (or deletes) the note the ack carries: it must come after.
            acked.wait(ACK_WAIT_SECONDS)
            run_follow_up(services, follow_up, command, user_id, channel_id)

        if not after_ack(context, command, work):
            message = busy_message(services.locale)
    try:
        if message is None:
            ack()
        else:
            ack(response_type="ephemeral", **message.as_payload())
    finally:
        acked.set()


def run_follow_up(
    services: Services,
    follow_up: FollowUp,
    command: dict[str, Any],
    user_id: str,
    channel_id: str,
) -> None:
    """After the ack: send the status list, upload a chart, or post a shared answer."""
    match follow_up:
        case SendStatus():
            status = services.follow_up_message(follow_up, user_id=user_id, channel_id=channel_id)
            # In place of the "gathering every KPI…" note.
            send_to_user(status, body=command, services=services, replace_original=True)
        case PostInChannel():
            message = services.follow_up_message(follow_up, user_id=user_id, channel_id=channel_id)
            services.client.chat_postMessage(channel=channel_id, **message.as_payload())
        case UploadChart(kpi=kpi):
            failure = upload_chart(services, kpi, channel_id)
            # The "drawing the chart…" note has done its job: it goes, or says what failed.
            if failure is None:
                services.responses.post(command.get("response_url"), {"delete_original": True})
            else:
                send_to_user(failure, body=command, services=services, replace_original=True)


def upload_chart(services: Services, kpi: KpiDefinition, channel_id: str) -> Message | None:
    """Upload a KPI's chart into the channel; None once done, else the answer saying why not.

    Errors that are not the chart's own (the database, say) go to the error handler.
    """
    locale = services.locale
    state = services.state(kpi)
    points = valued_periods(state)
    if points < MIN_CHART_POINTS:
        return chart_too_few_points_message(kpi, points, MIN_CHART_POINTS, locale)
    try:
        png = render_kpi_chart(state, locale)
    except Exception:
        reference = new_reference()
        log.exception("the chart of %s failed to render (reference %s)", kpi.id, reference)
        return chart_rendering_failed_message(kpi, reference, locale)
    try:
        services.client.files_upload_v2(
            channel=channel_id,
            file=png,
            filename=f"{kpi.id}.png",
            title=kpi.name.in_locale(locale),
            initial_comment=kpi_message(state, locale).text,
        )
    except NotInChannel:
        return invite_bot_message(locale)
    except (SlackApiError, SlackRequestError, OSError, http.client.HTTPException) as error:
        reason = classify(error).reason
        log.warning("the chart of %s was not uploaded: %s", kpi.id, reason)
        return chart_upload_failed_message(kpi, reason, locale)
    return None


def register(app: App) -> None:
    """Register `/kpi`."""
    app.command(COMMAND)(acknowledge)
