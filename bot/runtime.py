"""The composition root: one per process, built once from one `Settings`.

Every command, each web server worker and Socket Mode take what they work with from here:
the settings, the KPI catalog, the database, the clock, and the Slack side of the app
(`services`). Nothing else reads the environment or keeps a module-level cache, so a test
builds a `Runtime` of its own settings and runs any of them in-process. Each part is built
on first use: a command that needs no database never opens one, and one that needs no
Slack never imports it (`kpibot show` starts in a fraction of a second). A command that only
reads is given `create_database=False`: it never creates a database that is not there.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property, partial
from typing import TYPE_CHECKING

from bot.database_problems import database_error_text
from bot.errors import EXIT_USAGE, CliError
from bot.settings import Settings, load_settings
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import Catalog, CatalogError, load_catalog
from kpi_engine.formulas import measured_kpis
from storage.db import Database, DatabaseError, DatabaseMissing, TimeZoneMismatch, open_database
from storage.measurements import Author, command_line_author

if TYPE_CHECKING:
    from bot.slack.services import Services


class Runtime:
    """What one kpibot process is built from."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        create_database: bool = True,
    ) -> None:
        self.settings = settings
        self.clock = clock or partial(datetime.now, settings.zone)
        self.create_database = create_database

    @classmethod
    def from_environment(
        cls, *, database: str | None = None, create_database: bool = True
    ) -> Runtime:
        """The process's runtime, from its environment and `.env` (the one place they are
        read); `database` (the `--db` option) overrides the configured database."""
        return cls(load_settings(database=database), create_database=create_database)

    @cached_property
    def catalog(self) -> Catalog:
        """The shipped catalog, or the one KPIBOT_CATALOG names; a broken one stops the
        command, every problem said in KPIBOT_LOCALE."""
        path = self.settings.catalog
        try:
            catalog = load_catalog(path)
            # Checked here, once, rather than by the first import or record that needs it.
            measured_kpis(catalog)
        except CatalogError as error:
            # The words are loaded only when there is something to say.
            from bot.catalog_problems import catalog_error_text

            text = catalog_error_text(error.problems, path, self.settings.locale)
            raise CliError(text, EXIT_USAGE) from None
        return catalog

    @cached_property
    def database(self) -> Database:
        """The database the settings name, opened (and migrated) on first use."""
        settings = self.settings
        try:
            return open_database(
                settings.database_url.get_secret_value(),
                settings.zone,
                create=self.create_database,
            )
        except DatabaseMissing as error:
            raise CliError(t(settings.locale, Text.CLI_NO_DATABASE, path=error.path)) from None
        except TimeZoneMismatch as error:
            # A configuration error, like a bad setting: nothing was tried, and trying again
            # cannot help until the setting or the database changes.
            raise CliError(database_error_text(error, settings.locale), EXIT_USAGE) from None
        except DatabaseError as error:
            raise CliError(database_error_text(error, settings.locale)) from None

    @cached_property
    def operator(self) -> str:
        """Who runs this process's commands, as the measurements' history names them."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            # A container user without a name still has a uid.
            user = f"uid{os.getuid()}"
        return command_line_author(user)

    def author(self) -> Author:
        """The author of a change made now by a command of this process."""
        return Author(by=self.operator, at=self.clock().astimezone(UTC))

    @cached_property
    def services(self) -> Services:
        """The Slack app's services: the database, catalog and clock, a Web API client, the
        poster to response_urls and the pool for the work after an ack."""
        from bot.slack.client import ResponseUrls, build_web_client
        from bot.slack.followups import FollowUps
        from bot.slack.services import Services

        settings = self.settings
        return Services(
            settings=settings,
            database=self.database,
            catalog=self.catalog,
            client=build_web_client(settings),
            responses=ResponseUrls(settings.slack_hooks_url),
            followups=FollowUps(
                threads=settings.followup_threads,
                queue=settings.followup_queue,
                start_within=settings.followup_start_within,
            ),
            clock=self.clock,
        )

    def close(self) -> None:
        """Close the database's connections, if it was opened."""
        if "database" in self.__dict__:
            self.database.engine.dispose()
