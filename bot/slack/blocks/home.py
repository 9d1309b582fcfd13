"""The App Home tab: the document's realtime dashboard, then every KPI's level by tier."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import Block, DividerBlock
from slack_sdk.models.views import View

from bot.slack.blocks.formatting import as_of_label, format_kpi_value, format_value
from bot.slack.blocks.ids import BlockId, block_ids
from bot.slack.blocks.kpi import kpi_button, status_line
from bot.slack.blocks.limits import HOME_BLOCKS
from bot.slack.blocks.message import context, header, section
from bot.slack.copy import Counted, normalize_locale, t, tier_title
from bot.slack.copy.keys import Text
from kpi_engine.catalog import Tier, Unit
from kpi_engine.dashboard import SHOWS, Dashboard, Figure, hidden_figures
from kpi_engine.evaluate import Basis, KpiState


def _field(label: Text, value: str, locale: str) -> str:
    return t(locale, Text.FIELD, label=t(locale, label), value=value)


class _Figures:
    """Formats the dashboard's figures, each as 🔒 where it reveals a restricted KPI."""

    def __init__(self, states: dict[str, KpiState], restricted: frozenset[str], locale: str):
        self.states = states
        self.hidden = hidden_figures(restricted)
        self.locale = locale

    def field(self, figure: Figure, label: Text, value: Callable[[], str]) -> str:
        """A labelled figure, its value computed only when it may be shown."""
        shown = t(self.locale, Text.HOME_RESTRICTED) if figure in self.hidden else value()
        return _field(label, shown, self.locale)

    def kpi_value(self, figure: Figure) -> str:
        """The value of the KPI a figure shows, on the period its level was judged on."""
        state = self.states.get(SHOWS[figure])
        if state is None:
            return format_value(None, Unit.PERCENT, self.locale)
        period = state.previous if state.basis is Basis.PREVIOUS else state.current
        return format_kpi_value(period.value, state.kpi, self.locale)


def _dashboard(board: Dashboard, figures: _Figures) -> list[Block]:
    locale = figures.locale
    zone = board.as_of.tzinfo

    def system_now() -> str:
        if board.open_downtime_since is None:
            return t(locale, Text.HOME_UP)
        since = board.open_downtime_since.astimezone(zone)
        return t(locale, Text.HOME_DOWN_SINCE, since=f"{since:%Y-%m-%d %H:%M}")

    def revenue() -> str:
        amount = format_value(board.revenue_today, Unit.JPY, locale)
        return f"{amount}\n{t(locale, Text.HOME_PAYMENTS, n=board.payments_today)}"

    def percent(value: float | None) -> Callable[[], str]:
        return lambda: format_value(value, Unit.PERCENT, locale)

    def count(value: int, what: Counted) -> Callable[[], str]:
        return lambda: format_value(value, Unit.COUNT, locale, what)

    blocks: list[Block] = [
        section(
            t(locale, Text.HOME_SALES),
            fields=[
                figures.field(Figure.REVENUE, Text.HOME_REVENUE, revenue),
                figures.field(
                    Figure.ENROLLMENTS,
                    Text.HOME_ENROLLMENTS,
                    count(board.enrollments_today, Counted.ITEMS),
                ),
                figures.field(
                    Figure.NEW_CUSTOMERS,
                    Text.HOME_NEW_CUSTOMERS,
                    count(board.new_customers_today, Counted.PEOPLE),
                ),
            ],
        ),
        section(
            t(locale, Text.HOME_SYSTEM),
            fields=[
                figures.field(Figure.UPTIME, Text.HOME_UPTIME_TODAY, percent(board.uptime_today)),
                figures.field(Figure.UPTIME, Text.HOME_UPTIME_MONTH, percent(board.uptime_month)),
                figures.field(Figure.UPTIME, Text.HOME_SYSTEM_NOW, system_now),
            ],
        ),
        section(
            t(locale, Text.HOME_SUPPORT),
            fields=[
                figures.field(
                    Figure.OPEN_TICKETS,
                    Text.HOME_OPEN_TICKETS,
                    count(board.open_tickets, Counted.ITEMS),
                ),
                figures.field(
                    Figure.ANSWERED_24H,
                    Text.HOME_ANSWERED_24H,
                    lambda: figures.kpi_value(Figure.ANSWERED_24H),
                ),
                figures.field(
                    Figure.ANSWERED_48H,
                    Text.HOME_ANSWERED_48H,
                    lambda: figures.kpi_value(Figure.ANSWERED_48H),
                ),
            ],
        ),
        section(
            t(locale, Text.HOME_LEARNING),
            fields=[
                figures.field(
                    Figure.ACTIVE_STUDENTS,
                    Text.HOME_ACTIVE_STUDENTS,
                    count(board.active_students, Counted.PEOPLE),
                ),
                figures.field(
                    Figure.COMPLETION,
                    Text.HOME_COMPLETION,
                    lambda: figures.kpi_value(Figure.COMPLETION),
                ),
            ],
        ),
    ]
    if figures.hidden:
        blocks.append(context(t(locale, Text.HOME_RESTRICTED_NOTE)))
    return blocks


def home_view(
    board: Dashboard, states: list[KpiState], locale: str, restricted: frozenset[str]
) -> View:
    """Build the Home tab: today's figures, system, support, learning, then KPI levels by tier.

    `states` are the KPIs the viewer may see; `restricted` the ids of those they may not,
    whose dashboard figures show as hidden.
    """
    locale = normalize_locale(locale)
    figures = _Figures({state.kpi.id: state for state in states}, restricted, locale)
    blocks: list[Block] = [
        header(t(locale, Text.HOME_TITLE)),
        context(as_of_label(board.as_of, locale)),
        *_dashboard(board, figures),
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
