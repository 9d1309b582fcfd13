"""Who may do what: `record` for KPIBOT_ADMINS, restricted KPIs for their channels and users,
closing an improvement action for its owner, its creator and the admins.

A KPI marked `restricted` in the catalog is visible to its listed users anywhere, and to
anyone in its listed channels. An answer only the asker sees (ephemeral, the App Home, a
DM) follows that rule; an answer posted for the whole channel (`share`, `chart`) needs the
channel itself to be listed, since everyone there will see it.
"""

from __future__ import annotations

from collections.abc import Iterable

from kpi_engine.catalog import KpiDefinition


def can_record(user_id: str, admins: Iterable[str]) -> bool:
    """Whether the user is one of the admins who may record measurements."""
    return user_id in set(admins)


def can_close_action(
    user_id: str, *, owner: str | None, creator: str, admins: Iterable[str]
) -> bool:
    """Whether the user may mark an improvement action done: its owner (who did it), the
    person who recorded it (who asked for it) or an admin (who keeps the list tidy when
    someone has left). Anyone else could close another team's work unnoticed."""
    return user_id in {owner, creator} or can_record(user_id, admins)


def can_see(kpi: KpiDefinition, *, user_id: str, channel_id: str | None) -> bool:
    """Whether an answer only this user sees may show the KPI's value."""
    rule = kpi.restricted
    if rule is None:
        return True
    return user_id in rule.users or (channel_id is not None and channel_id in rule.channels)


def can_post(kpi: KpiDefinition, *, channel_id: str) -> bool:
    """Whether the KPI's value may be posted for everyone in the channel."""
    rule = kpi.restricted
    return rule is None or channel_id in rule.channels
