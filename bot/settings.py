"""Process settings, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from kpi_engine.problems import invalid
from kpi_engine.reports import ReportKind
from kpi_engine.schedule import Crontab, CrontabError, parse_crontab
from storage.db import DatabaseError, checked_url

DEFAULT_DATABASE_URL = "sqlite:///kpibot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SLACK_HOOKS_URL = "https://hooks.slack.com/"
DEFAULT_API_MAX_BYTES = 10 * 1024 * 1024
# Slack user ids: U… for most users, W… on Enterprise Grid.
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# The document's rhythm, in crontab syntax (day of week 1 is Monday, 0 and 7 Sunday).
DEFAULT_SCHEDULES = {
    ReportKind.WEEKLY: "0 9 * * 1",  # Mondays 09:00
    ReportKind.MONTHLY: "0 9 1 * *",  # the 1st, 09:00
    ReportKind.QUARTERLY: "0 10 1 1,4,7,10 *",  # the first day of each quarter, 10:00
}
# Slack channel ids: C… (public and newer private channels), G… (older private ones).
SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
# A mention as KPIBOT_LEADERSHIP_MENTION accepts it: a user group, a user, or a bare user id.
_MENTION = re.compile(
    r"<!subteam\^(?P<group>S[A-Z0-9]{2,30})(?:\|[^<>]{0,80})?>"
    r"|<@(?P<user>[UW][A-Z0-9]{2,30})>|(?P<bare>[UW][A-Z0-9]{2,30})"
)


class SettingCode(StrEnum):
    """Why a setting's value was refused, as a code its message is worded from."""

    DATABASE_URL = "database_url"  # params: problem (a DatabaseProblem) and its parameters
    UNKNOWN_ZONE = "unknown_zone"  # params: value
    NO_SUCH_FILE = "no_such_file"  # params: path
    NO_SUCH_FOLDER = "no_such_folder"  # params: path
    NOT_USER_IDS = "not_user_ids"  # params: values
    BAD_SCHEDULE = "bad_schedule"  # params: problem (a CrontabProblem) and its parameters
    NOT_A_MENTION = "not_a_mention"  # params: value
    NOT_ALERT_LEVELS = "not_alert_levels"  # params: values
    NOT_A_CHANNEL = "not_a_channel"  # params: value
    NOT_AN_HTTP_URL = "not_an_http_url"  # params: example
    # pydantic's own checks of a field's type and bounds
    NOT_ONE_OF = "not_one_of"  # params: expected
    MORE_THAN = "more_than"  # params: limit
    AT_LEAST = "at_least"  # params: limit
    LESS_THAN = "less_than"  # params: limit
    AT_MOST = "at_most"  # params: limit
    NOT_A_NUMBER = "not_a_number"  # params: value
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"  # params: value
    INVALID = "invalid"  # params: detail (pydantic's words, for a check without a code)


@dataclass(frozen=True)
class SettingProblem:
    """What is wrong with one setting: the variable (or option) that gave it, a code and
    the parameters its message needs."""

    name: str
    code: SettingCode
    params: Mapping[str, Any]


class SettingsError(Exception):
    """Settings with bad values: `problems` names each variable and what is wrong with it."""

    def __init__(self, problems: list[SettingProblem]) -> None:
        super().__init__("; ".join(f"{problem.name}: {problem.code}" for problem in problems))
        self.problems = problems


def normalize_database_url(url: str) -> str:
    """Map the URL forms hosting platforms hand out to the drivers kpibot ships with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Settings(BaseSettings):
    """Everything kpibot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="KPIBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Hosting platforms set DATABASE_URL; our own variable wins when both exist. Secret: the
    # URL may carry the database's password.
    database_url: SecretStr = Field(
        default=SecretStr(DEFAULT_DATABASE_URL),
        validation_alias=AliasChoices("KPIBOT_DATABASE_URL", "DATABASE_URL"),
    )
    timezone: str = "Asia/Tokyo"
    locale: Literal["ja", "en"] = "ja"
    catalog: Path | None = None

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, validation_alias="SLACK_API_URL")
    # Where Slack's response_urls live: any other URL in a request body is never followed.
    slack_hooks_url: str = DEFAULT_SLACK_HOOKS_URL

    # Comma-separated Slack user ids, not JSON: `KPIBOT_ADMINS=U012AB3CD,U045EF6GH`.
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    api_token: SecretStr | None = None
    api_max_bytes: int = Field(default=DEFAULT_API_MAX_BYTES, gt=0)
    # The folder of the column mappings the ingestion API's `?map=NAME` may use.
    import_mappings_dir: Path | None = None
    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    web_workers: int = Field(default=2, ge=1, le=64)
    web_threads: int = Field(default=8, ge=1, le=256)
    # The work after an ack (status lists, charts, shared answers, the Home tab) runs in a
    # pool of its own, so it never delays an ack: its threads per process, how many jobs
    # may wait, and how long one may wait before the user is told kpibot is busy.
    followup_threads: int = Field(default=2, ge=1, le=64)
    followup_queue: int = Field(default=100, ge=1, le=10_000)
    followup_start_within: float = Field(default=20.0, gt=0, le=600)

    # Scheduled reports: where each goes (a report without a channel is not scheduled),
    # when it runs (crontab, in `timezone`), and for how long after a missed run it is
    # still posted (late) rather than recorded as skipped. A grace window is at most the
    # report's shortest period, so a late report never overtakes the next one.
    channel_team: str | None = None
    channel_stakeholders: str | None = None
    channel_leadership: str | None = None
    schedule_weekly: str = DEFAULT_SCHEDULES[ReportKind.WEEKLY]
    schedule_monthly: str = DEFAULT_SCHEDULES[ReportKind.MONTHLY]
    schedule_quarterly: str = DEFAULT_SCHEDULES[ReportKind.QUARTERLY]
    grace_weekly_hours: float = Field(default=24.0, gt=0, le=7 * 24)
    grace_monthly_hours: float = Field(default=72.0, gt=0, le=28 * 24)
    grace_quarterly_hours: float = Field(default=72.0, gt=0, le=89 * 24)
    # Delivery: where a scheduled post that keeps failing is reported (once per post).
    channel_admin: str | None = None
    # How often a scheduler renews its lead or tries to take it: a waiting scheduler takes
    # over from a dead one within this (PostgreSQL) or three times this (SQLite).
    scheduler_heartbeat: float = Field(default=10.0, ge=0.2, le=20)
    # Delivery spaces posts and edits to one channel this many seconds apart (Slack takes
    # about one message per second per channel).
    slack_pace_seconds: float = Field(default=1.0, ge=0, le=10)

    # Alerts (escalation): how often every KPI is evaluated, where orange and red alerts go
    # (the alerts channel defaults to the team channel), whom a red alert pings (a user
    # group `<!subteam^S…>` or user ids `<@U…>`, comma-separated), how many consecutive
    # evaluations a new or worse level must hold (red: 0, at once), and the reminders.
    alert_interval_minutes: float = Field(default=15.0, ge=1, le=24 * 60)
    channel_alerts: str | None = None
    leadership_mention: Annotated[list[str], NoDecode] = Field(default_factory=list)
    alert_confirmations: int = Field(default=2, ge=0, le=20)
    alert_confirmations_red: int = Field(default=0, ge=0, le=20)
    red_repeat_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    orange_repeat_hours: float = Field(default=72.0, gt=0, le=24 * 30)
    # Whether a resolution is announced (edit + thread reply) for alerts of each level.
    alert_resolved_notice_levels: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["yellow", "orange", "red"]
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, secret: SecretStr) -> SecretStr:
        url = normalize_database_url(secret.get_secret_value().strip())
        try:
            checked_url(url)
        except DatabaseError as error:
            raise invalid(SettingCode.DATABASE_URL, problem=error.problem, **error.params) from None
        return SecretStr(url)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
            raise invalid(SettingCode.UNKNOWN_ZONE, value=name) from None
        return name

    @field_validator("catalog")
    @classmethod
    def _catalog_exists(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise invalid(SettingCode.NO_SUCH_FILE, path=path)
        return path

    @field_validator("import_mappings_dir")
    @classmethod
    def _mappings_folder_exists(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_dir():
            raise invalid(SettingCode.NO_SUCH_FOLDER, path=path)
        return path

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("admins")
    @classmethod
    def _slack_user_ids(cls, ids: list[str]) -> list[str]:
        bad = [item for item in ids if not _SLACK_USER_ID.match(item)]
        if bad:
            raise invalid(SettingCode.NOT_USER_IDS, values=bad)
        return ids

    @field_validator("schedule_weekly", "schedule_monthly", "schedule_quarterly")
    @classmethod
    def _crontab(cls, expression: str) -> str:
        try:
            return parse_crontab(expression).expression
        except CrontabError as error:
            raise invalid(SettingCode.BAD_SCHEDULE, problem=error.problem, **error.params) from None

    @field_validator("api_token", "slack_bot_token", "slack_signing_secret", "slack_app_token")
    @classmethod
    def _empty_is_unset(cls, secret: SecretStr | None) -> SecretStr | None:
        # `KPIBOT_API_TOKEN=` in a .env file means "off", not "the empty token".
        if secret is not None and not secret.get_secret_value().strip():
            return None
        return secret

    @field_validator("leadership_mention", "alert_resolved_notice_levels", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("leadership_mention")
    @classmethod
    def _mentions(cls, mentions: list[str]) -> list[str]:
        normalized = []
        for mention in mentions:
            found = _MENTION.fullmatch(mention)
            if found is None:
                raise invalid(SettingCode.NOT_A_MENTION, value=mention)
            group, user = found.group("group"), found.group("user") or found.group("bare")
            normalized.append(f"<!subteam^{group}>" if group else f"<@{user}>")
        return normalized

    @field_validator("alert_resolved_notice_levels")
    @classmethod
    def _alert_levels(cls, levels: list[str]) -> list[str]:
        bad = [level for level in levels if level not in ("yellow", "orange", "red")]
        if bad:
            raise invalid(SettingCode.NOT_ALERT_LEVELS, values=bad)
        return levels

    @field_validator(
        "channel_admin",
        "channel_team",
        "channel_stakeholders",
        "channel_leadership",
        "channel_alerts",
    )
    @classmethod
    def _slack_channel_id(cls, channel: str | None) -> str | None:
        if channel is None or not channel.strip():
            return None  # `KPIBOT_CHANNEL_ADMIN=` means "no channel"
        channel = channel.strip()
        if not SLACK_CHANNEL_ID.match(channel):
            raise invalid(SettingCode.NOT_A_CHANNEL, value=channel)
        return channel

    @field_validator("slack_api_url", "slack_hooks_url")
    @classmethod
    def _slack_url(cls, url: str, info: ValidationInfo) -> str:
        url = url.strip()
        example = {"slack_api_url": DEFAULT_SLACK_API_URL}.get(
            info.field_name or "", DEFAULT_SLACK_HOOKS_URL
        )
        if not re.fullmatch(r"https?://[^/\s?#@]+/[^\s?#]*", url + "/"):
            raise invalid(SettingCode.NOT_AN_HTTP_URL, example=example)
        return url if url.endswith("/") else url + "/"

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone as a tzinfo."""
        return ZoneInfo(self.timezone)

    @property
    def alerts_channel(self) -> str | None:
        """Where orange and red alerts are posted: KPIBOT_CHANNEL_ALERTS, else the team's."""
        return self.channel_alerts or self.channel_team

    @property
    def alert_interval(self) -> timedelta:
        """How often every KPI is evaluated for alerts."""
        return timedelta(minutes=self.alert_interval_minutes)

    def report_channel(self, kind: ReportKind) -> str | None:
        """The channel a report goes to: weekly to the team, monthly to stakeholders,
        quarterly to leadership; None when unset."""
        match kind:
            case ReportKind.WEEKLY:
                return self.channel_team
            case ReportKind.MONTHLY:
                return self.channel_stakeholders
            case ReportKind.QUARTERLY:
                return self.channel_leadership

    def report_schedule(self, kind: ReportKind) -> Crontab:
        """When a report runs, in the configured time zone."""
        expression = {
            ReportKind.WEEKLY: self.schedule_weekly,
            ReportKind.MONTHLY: self.schedule_monthly,
            ReportKind.QUARTERLY: self.schedule_quarterly,
        }[kind]
        return parse_crontab(expression)  # validated at load: cannot fail here

    def report_grace(self, kind: ReportKind) -> timedelta:
        """How long after a missed run a report is still posted (late)."""
        hours = {
            ReportKind.WEEKLY: self.grace_weekly_hours,
            ReportKind.MONTHLY: self.grace_monthly_hours,
            ReportKind.QUARTERLY: self.grace_quarterly_hours,
        }[kind]
        return timedelta(hours=hours)


_ENV_NAMES = {
    "database_url": "KPIBOT_DATABASE_URL",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "port": "PORT",
}


# pydantic's checks of bounds and numbers, as codes, and the context key of each bound.
_BOUNDS = {
    "greater_than": (SettingCode.MORE_THAN, "gt"),
    "greater_than_equal": (SettingCode.AT_LEAST, "ge"),
    "less_than": (SettingCode.LESS_THAN, "lt"),
    "less_than_equal": (SettingCode.AT_MOST, "le"),
}
_NUMBERS = {
    "int_parsing": SettingCode.NOT_A_WHOLE_NUMBER,
    "int_from_float": SettingCode.NOT_A_WHOLE_NUMBER,
    "int_type": SettingCode.NOT_A_WHOLE_NUMBER,
    "float_parsing": SettingCode.NOT_A_NUMBER,
    "float_type": SettingCode.NOT_A_NUMBER,
}
_CODES = frozenset(SettingCode)


def _setting_problem(item: Mapping[str, Any], name: str) -> SettingProblem:
    """One of pydantic's errors about a setting, as a code and its parameters."""
    kind, context = str(item["type"]), dict(item.get("ctx") or {})
    if kind in _CODES:
        return SettingProblem(name, SettingCode(kind), context)
    if kind in _BOUNDS:
        code, bound = _BOUNDS[kind]
        return SettingProblem(name, code, {"limit": context[bound]})
    if kind in _NUMBERS:
        return SettingProblem(name, _NUMBERS[kind], {"value": item.get("input")})
    field = Settings.model_fields.get(str(item["loc"][0]) if item["loc"] else "")
    if kind == "literal_error" and field is not None:
        return SettingProblem(
            name, SettingCode.NOT_ONE_OF, {"expected": get_args(field.annotation)}
        )
    return SettingProblem(name, SettingCode.INVALID, {"detail": str(item["msg"])})


def load_settings(*, database: str | None = None) -> Settings:
    """Read the settings, turning bad values into a SettingsError naming each variable.

    `database` (the command line's `--db`) replaces KPIBOT_DATABASE_URL, validated the same
    way; a problem with it names `--db`.
    """
    try:
        return Settings() if database is None else Settings(database_url=SecretStr(database))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "?"
            # Fields read through an alias report the alias (the variable) itself.
            if field == "database_url" and database is not None:
                name = "--db"
            elif field.isupper():
                name = field
            else:
                name = _ENV_NAMES.get(field, f"KPIBOT_{field.upper()}")
            problems.append(_setting_problem(item, name))
        raise SettingsError(problems) from None
