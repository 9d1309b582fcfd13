"""`/kpi`: the answer comes in the ack; charts and shared answers follow it.

Evaluating one KPI takes milliseconds, so text answers are computed before `ack()` and sent
as its body (ephemeral). Rendering and uploading a chart, and posting in the channel, take
longer and need the Web API: a lazy listener does them after the ack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.access import can_post
from bot.blocks.kpi import kpi_message
from bot.charts import render_kpi_chart
from bot.grammar import KpiAction, ShowKpi
from bot.listeners import services_of
from bot.listeners.errors import answer_errors
from bot.slack_client import slack_errors

COMMAND = "/kpi"


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Answer `/kpi` in the ack itself (or ack empty when a follow-up will answer)."""
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
    """After the ack: upload a chart, or post a shared answer, when the command asked."""
    services = services_of(context)
    command = services.grammar.parse(body.get("text") or "")
    if not isinstance(command, ShowKpi) or command.action is KpiAction.DETAIL:
        return
    kpi = services.catalog.get(command.kpi)
    channel_id = body.get("channel_id") or ""
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
