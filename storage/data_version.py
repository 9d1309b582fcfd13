"""A marker that changes whenever KPI data changes, so the scheduler can react within a
heartbeat to an import, an ingestion API post or a manual record made by any process.

Every writer of events and measurements (`storage.imports.ingest`'s writer, measurement
deletions) and of the rollups (their rebuild, a time-zone conversion) calls
`mark_data_changed` in its own transaction (the alert sweep's `storage.source.SourceMemo`
also trusts its answers only while the marker stays); the mark is one row of `meta`
holding a fresh random token, so reading it is one primary-key lookup. Comparing tokens
needs no clock agreement between processes and no schema change.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, select

from storage.schema import Meta

DATA_VERSION_KEY = "data_version"
_meta: Any = Meta.__table__


def mark_data_changed(connection: Connection) -> None:
    """Record, in the caller's transaction, that KPI data changed."""
    connection.execute(_meta.delete().where(_meta.c.key == DATA_VERSION_KEY))
    connection.execute(_meta.insert().values(key=DATA_VERSION_KEY, value=uuid.uuid4().hex))


def data_version(connection: Connection) -> str | None:
    """The current marker (None until data first changed)."""
    value = connection.scalar(select(_meta.c.value).where(_meta.c.key == DATA_VERSION_KEY))
    return None if value is None else str(value)
