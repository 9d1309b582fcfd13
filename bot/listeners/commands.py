"""`/kpi`: quick answers come in the ack; status, charts and shared answers follow it.

Evaluating one KPI takes milliseconds, so its detail and the other short answers are
computed before `ack()` and sent as its body (ephemeral). Anything slower runs after the
ack, in a lazy listener: `/kpi status` evaluates every KPI (hundreds of milliseconds on a
large database), so the ack is a short pending note that the status list then replaces
through the `response_url`; rendering and uploading a chart, and posting in the channel,
also need the Web API.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.access import can_post
from bot.blocks.kpi import kpi_message
from bot.charts import render_kpi_chart
from bot.grammar import KpiAction, ShowKpi, Status
from bot.listeners import services_of
from bot.listeners.errors import answer_errors
from bot.slack_client import slack_errors

COMMAND = "/kpi"


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Answer `/kpi` in the ack itself, or ack with a pending note (or empty) for a follow-up."""
    reply = services_of(context).reply(
        command.get("text") or "",
        user_id=command.get("user_id") or "",
        channel_id=command.get("channel_id") or "",
    )
    if reply.message is None:
        ack()
    else:
        ack(response_type="ephemeral", **reply.message.as_payload())


@answer_errors
def follow_up(
    body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """After the ack: send the status list, upload a chart, or post a shared answer."""
    services = services_of(context)
    command = services.grammar.parse(body.get("text") or "")
    channel_id = body.get("channel_id") or ""
    if isinstance(command, Status):
        status = services.status(
            command.level, user_id=body.get("user_id") or "", channel_id=channel_id
        )
        # In place of the "gathering every KPI…" note.
        respond(replace_original=True, response_type="ephemeral", **status.as_payload())
        return
    if not isinstance(command, ShowKpi) or command.action is KpiAction.DETAIL:
        return
    kpi = services.catalog.get(command.kpi)
    if not can_post(kpi, channel_id=channel_id):
        return  # the ack already said the KPI is restricted here
    state = services.state(kpi)
    message = kpi_message(state, services.locale)
    if command.action is KpiAction.SHARE:
        with slack_errors():
            client.chat_postMessage(channel=channel_id, **message.as_payload())
        return
    png = render_kpi_chart(state, services.locale)
    name = kpi.name.in_locale(services.locale)
    with slack_errors():
        client.files_upload_v2(
            channel=channel_id,
            file=png,
            filename=f"{kpi.id}.png",
            title=name,
            initial_comment=message.text,
        )
    # The "drawing the chart…" note has done its job.
    respond(delete_original=True)


def register(app: App) -> None:
    """Register `/kpi`."""
    app.command(COMMAND)(ack=acknowledge, lazy=[follow_up])
