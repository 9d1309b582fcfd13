"""`/kpi`: quick answers come in the ack; status, charts and shared answers follow it.

Evaluating one KPI takes milliseconds, so its detail and the other short answers are
computed before `ack()` and sent as its body (ephemeral). Anything slower is decided at
the same time (`Reply.follow_up`) and runs after the ack in the follow-up pool: `/kpi
status` evaluates every KPI (hundreds of milliseconds on a large database), so the ack is
a short pending note that the status list then replaces through the `response_url`;
rendering and uploading a chart, and posting in the channel, also need the Web API. When
the pool is full, the ack says kpibot is busy instead.
"""

from __future__ import annotations

import threading
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.blocks.kpi import busy_message, kpi_message
from bot.slack.charts import render_kpi_chart
from bot.slack.listeners import services_of
from bot.slack.listeners.errors import after_ack, send_to_user
from bot.slack.services import FollowUp, PostInChannel, SendStatus, Services, UploadChart

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
            state = services.state(kpi)
            png = render_kpi_chart(state, services.locale)
            services.client.files_upload_v2(
                channel=channel_id,
                file=png,
                filename=f"{kpi.id}.png",
                title=kpi.name.in_locale(services.locale),
                initial_comment=kpi_message(state, services.locale).text,
            )
            # The "drawing the chart…" note has done its job.
            services.responses.post(command.get("response_url"), {"delete_original": True})


def register(app: App) -> None:
    """Register `/kpi`."""
    app.command(COMMAND)(acknowledge)
