"""The App Home tab: the document's realtime dashboard, then every KPI's level by tier."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock
from slack_sdk.models.views import View

from bot.blocks.ids import BlockId, block_ids
from bot.blocks.kpi import kpi_button, status_line
from bot.blocks.limits import HOME_BLOCKS
from bot.blocks.message import context, header, section
from bot.formatting import format_value
from bot.i18n import Text, normalize_locale, t, tier_title
from kpi_engine.catalog import Tier, Unit
from kpi_engine.dashboard import Dashboard
from kpi_engine.evaluate import Basis, KpiState

# The catalog KPIs whose values the dashboard's support and learning panels show.
_ANSWERED_24H = "support_response_24h"
_ANSWERED_48H = "support_response_48h"
_COMPLETION = "completion_rate"


def _field(label: Text, value: str, locale: str) -> str:
    return t(locale, Text.FIELD, label=t(locale, label), value=value)


def _percent_of(states: dict[str, KpiState], kpi_id: str, locale: str) -> str:
    """Format a KPI's value on the period its level was judged on; `-` when unknown."""
    state = states.get(kpi_id)
    if state is None:
        return format_value(None, Unit.PERCENT, locale)
    period = state.previous if state.basis is Basis.PREVIOUS else state.current
    return format_value(period.value, state.kpi.unit, locale)


def _dashboard(board: Dashboard, states: dict[str, KpiState], locale: str) -> list[Block]:
    zone = board.as_of.tzinfo
    if board.open_downtime_since is None:
        system_now = t(locale, Text.HOME_UP)
    else:
        since = board.open_downtime_since.astimezone(zone)
        system_now = t(locale, Text.HOME_DOWN_SINCE, since=f"{since:%Y-%m-%d %H:%M}")
    revenue = format_value(board.revenue_today, Unit.JPY, locale)
    payments = t(locale, Text.HOME_PAYMENTS, n=board.payments_today)
    return [
        section(
            t(locale, Text.HOME_SALES),
            fields=[
                _field(Text.HOME_REVENUE, f"{revenue}\n{payments}", locale),
                _field(
                    Text.HOME_ENROLLMENTS,
                    t(locale, Text.COUNT_ITEMS, n=board.enrollments_today),
                    locale,
                ),
                _field(
                    Text.HOME_NEW_CUSTOMERS,
                    t(locale, Text.COUNT_PEOPLE, n=board.new_customers_today),
                    locale,
                ),
            ],
        ),
        section(
            t(locale, Text.HOME_SYSTEM),
            fields=[
                _field(
                    Text.HOME_UPTIME_TODAY,
                    format_value(board.uptime_today, Unit.PERCENT, locale),
                    locale,
                ),
                _field(
                    Text.HOME_UPTIME_MONTH,
                    format_value(board.uptime_month, Unit.PERCENT, locale),
                    locale,
                ),
                _field(Text.HOME_SYSTEM_NOW, system_now, locale),
            ],
        ),
        section(
            t(locale, Text.HOME_SUPPORT),
            fields=[
                _field(
                    Text.HOME_OPEN_TICKETS,
                    t(locale, Text.COUNT_ITEMS, n=board.open_tickets),
                    locale,
                ),
                _field(Text.HOME_ANSWERED_24H, _percent_of(states, _ANSWERED_24H, locale), locale),
                _field(Text.HOME_ANSWERED_48H, _percent_of(states, _ANSWERED_48H, locale), locale),
            ],
        ),
        section(
            t(locale, Text.HOME_LEARNING),
            fields=[
                _field(
                    Text.HOME_ACTIVE_STUDENTS,
                    t(locale, Text.COUNT_PEOPLE, n=board.active_students),
                    locale,
                ),
                _field(Text.HOME_COMPLETION, _percent_of(states, _COMPLETION, locale), locale),
            ],
        ),
    ]


def home_view(board: Dashboard, states: list[KpiState], locale: str) -> View:
    """Build the Home tab: today's figures, system, support, learning, then KPI levels by tier."""
    locale = normalize_locale(locale)
    by_id = {state.kpi.id: state for state in states}
    blocks: list[Block] = [
        header(t(locale, Text.HOME_TITLE)),
        context(t(locale, Text.AS_OF, moment=f"{board.as_of:%Y-%m-%d %H:%M}")),
        *_dashboard(board, by_id, locale),
        DividerBlock(),
    ]
    rows: list[Block] = []
    shown = 0  # KPIs in `rows` so far, to say how many did not fit
    room = HOME_BLOCKS - len(blocks)
    for tier in Tier:
        in_tier = [state for state in states if state.kpi.tier is tier]
        if not in_tier:
            continue
        rows.append(header(tier_title(tier, locale)))
        ids = block_ids(BlockId.HOME_KPI, [state.kpi.id for state in in_tier])
        for state, block_id in zip(in_tier, ids, strict=True):
            if len(rows) >= room - 1:
                break
            rows.append(
                section(
                    status_line(state, locale),
                    # A section per KPI, not one actions block: every button shares the
                    # action id, and action ids must be unique within a block.
                    accessory=kpi_button(state.kpi, locale),
                    block_id=block_id,
                )
            )
            shown += 1
    if shown < len(states):
        # Too many KPIs for one tab: say how many are missing rather than fail to publish.
        rows = [*rows[: room - 1], context(t(locale, Text.MORE, n=len(states) - shown))]
    return View(type="home", blocks=blocks + rows)
