"""A failed database, as `/kpi` users are told of it: what is wrong (busy, full, damaged or out
of reach), in their language, never where the database is."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from bot.slack.services import Services
from storage.db import Database, create_db_engine
from tests.bot.conftest import ADMIN, SlackAppServer, make_services, make_settings
from tests.bot.mock_web_api import MockWebApi
from tests.bot.slack.listeners.test_commands import ephemeral

SAID = {
    "full": {
        "ja": "⚠️ データベースのディスクがいっぱいのため、保存できません。"
        "管理者にお知らせください。",
        "en": "⚠️ The disk holding kpibot's database is full, so nothing can be saved."
        " Please tell an administrator.",
    },
    "damaged": {
        "ja": "⚠️ kpibot のデータベースが壊れているため、処理できません。管理者にお知らせください。",
        "en": "⚠️ kpibot's database is damaged, so this cannot be done."
        " Please tell an administrator.",
    },
    "unreachable": {
        "ja": "⚠️ データベースに接続できません。しばらくしてからもう一度お試しください。"
        "続く場合は管理者にお知らせください。",
        "en": "⚠️ kpibot cannot reach its database. Please try again in a moment,"
        " and tell an administrator if this goes on.",
    },
}
# Three times as many bytes in UTF-8: a note that fills most of a 4 KiB page.
LONG_NOTE = "競" * 1000


@pytest.fixture(params=["ja", "en"])
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def localized_services(demo_url: str, slack_api: MockWebApi, locale: str) -> Iterator[Services]:
    """The services answering in the test's language, on a copy of the demo data."""
    services = make_services(make_settings(demo_url, slack_api, locale=locale))
    try:
        yield services
    finally:
        services.database.engine.dispose()


def on_database(services: Services, url: str) -> tuple[Services, Callable[[], None]]:
    """The same services on another database, and how to close it."""
    engine = create_db_engine(url)
    database = Database(engine=engine, zone=services.database.zone, sessions=sessionmaker(engine))
    return replace(services, database=database), engine.dispose


def answer(app: SlackAppServer, text: str) -> str:
    """The ack's text of `/kpi text` sent by an admin (who may record)."""
    body = ephemeral(app.command(text, user=ADMIN))
    text_shown: str = body["text"]
    return text_shown


def test_a_database_busy_with_an_import_says_so_in_english_too(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], Any]
) -> None:
    # In Japanese: test_record_behind_a_long_import_answers_busy_within_slacks_three_seconds.
    services = make_services(make_settings(demo_url, slack_api, locale="en"))
    try:
        with services.database.write():  # as an import holding the writer lock
            said = answer(start_app(services), "record market_share 4.2 2026-11-20")
    finally:
        services.database.engine.dispose()

    assert said == (
        "⏳ Data is being imported, so this cannot be done right now. Please try again in a minute."
    )


def test_a_database_whose_disk_is_full_says_nothing_can_be_saved(
    localized_services: Services, start_app: Callable[[Services], Any], locale: str
) -> None:
    engine = localized_services.database.engine
    path = engine.url.database
    assert path is not None
    with sqlite3.connect(path) as connection:
        pages: int = connection.execute("PRAGMA page_count").fetchone()[0]
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] == 0

    @event.listens_for(engine, "connect")
    def _no_room_to_grow(dbapi_connection: Any, _record: Any) -> None:
        # As a full disk does: the file may not grow by a single page.
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()  # connections opened before are not limited
    app = start_app(localized_services)

    first = answer(app, f"note market {LONG_NOTE}")  # fits the notes' one page
    second = answer(app, f"note market {LONG_NOTE}")  # needs another

    assert first.startswith("📝")
    assert second == SAID["full"][locale]


def test_a_damaged_database_says_so_without_naming_its_file(
    localized_services: Services,
    start_app: Callable[[Services], Any],
    tmp_path: Path,
    locale: str,
) -> None:
    damaged = tmp_path / "kpibot-damaged.db"
    damaged.write_bytes(b"this is no SQLite database, only bytes where one was\n" * 100)
    services, close = on_database(localized_services, f"sqlite:///{damaged}")
    try:
        said = answer(start_app(services), "nps")
    finally:
        close()

    assert said == SAID["damaged"][locale]


def test_a_database_out_of_reach_says_it_cannot_be_reached(
    localized_services: Services, start_app: Callable[[Services], Any], locale: str
) -> None:
    # Port 1 on loopback: nothing listens there, so every connection is refused.
    url = "postgresql+psycopg://kpibot@127.0.0.1:1/kpibot?connect_timeout=2"
    services, close = on_database(localized_services, url)
    try:
        said = answer(start_app(services), "nps")
    finally:
        close()

    assert said == SAID["unreachable"][locale]
