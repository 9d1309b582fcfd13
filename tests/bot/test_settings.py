"""Settings come from the environment (and `.env`) once, and a bad value is one clear line."""
# ruff: noqa: RUF001 (the Japanese answers have full-width parentheses)

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings, normalize_database_url
from bot.settings_problems import settings_error_text
from tests.bot.conftest import Kpibot


def in_english(error: SettingsError) -> str:
    return settings_error_text(error, "en")


@pytest.fixture(autouse=True)
def _in_an_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `.env` is read from the working directory: the repository's own must not count.
    monkeypatch.chdir(tmp_path)


def test_the_defaults_are_a_local_sqlite_file_tokyo_and_japanese() -> None:
    settings = load_settings()
    assert settings.database_url.get_secret_value() == "sqlite:///kpibot.db"
    assert settings.timezone == "Asia/Tokyo"
    assert settings.zone.key == "Asia/Tokyo"
    assert settings.locale == "ja"
    assert settings.catalog is None
    assert settings.slack_bot_token is None


def test_database_url_is_used_when_kpibot_database_url_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://kpi:secret@db.example:5432/kpibot")
    assert (
        load_settings().database_url.get_secret_value()
        == "postgresql+psycopg://kpi:secret@db.example:5432/kpibot"
    )


def test_kpibot_database_url_wins_over_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://elsewhere/db")
    monkeypatch.setenv("KPIBOT_DATABASE_URL", "sqlite:///mine.db")
    assert load_settings().database_url.get_secret_value() == "sqlite:///mine.db"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://h/db", "postgresql+psycopg://h/db"),
        ("postgresql://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
        ("sqlite:///kpibot.db", "sqlite:///kpibot.db"),
    ],
)
def test_hosting_platform_urls_are_mapped_to_the_shipped_driver(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KPIBOT_LOCALE=en\nKPIBOT_TIMEZONE=UTC\n", encoding="utf-8")
    settings = load_settings()
    assert (settings.locale, settings.timezone) == ("en", "UTC")


def test_the_environment_wins_over_dot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("KPIBOT_LOCALE=en\n", encoding="utf-8")
    monkeypatch.setenv("KPIBOT_LOCALE", "ja")
    assert load_settings().locale == "ja"


def test_slack_secrets_are_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    settings = Settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-very-secret"
    assert "xoxb-very-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("KPIBOT_TIMEZONE", "Mars/Olympus_Mons", "unknown time zone 'Mars/Olympus_Mons'"),
        ("KPIBOT_TIMEZONE", "../etc/passwd", "unknown time zone"),
        ("KPIBOT_LOCALE", "fr", "must be one of 'ja', 'en'"),
        ("KPIBOT_CATALOG", "/no/such/catalog.yaml", "no such file"),
    ],
)
def test_a_bad_setting_is_one_line_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = in_english(error.value)
    assert "\n" not in message
    assert message.startswith(f"{variable}: ")
    assert problem in message


def test_two_bad_settings_are_both_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOT_TIMEZONE", "Nowhere")
    monkeypatch.setenv("KPIBOT_LOCALE", "de")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert [problem.name for problem in error.value.problems] == [
        "KPIBOT_TIMEZONE",
        "KPIBOT_LOCALE",
    ]
    assert in_english(error.value) == (
        "KPIBOT_TIMEZONE: unknown time zone 'Nowhere' (use an IANA name such as Asia/Tokyo or "
        "UTC); KPIBOT_LOCALE: must be one of 'ja', 'en'"
    )
    assert settings_error_text(error.value, "ja") == (
        "KPIBOT_TIMEZONE: 'Nowhere' というタイムゾーンはありません（Asia/Tokyo や UTC のような "
        "IANA の名前を使います）。KPIBOT_LOCALE: 'ja'、'en' のどれかにしてください"
    )


def test_a_bad_database_url_names_kpibot_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOT_DATABASE_URL", "mysql://localhost/kpibot")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert in_english(error.value) == (
        "KPIBOT_DATABASE_URL: a database URL must start with sqlite:/// or postgresql:// "
        "(got mysql://...)"
    )
    assert settings_error_text(error.value, "ja") == (
        "KPIBOT_DATABASE_URL: データベースの URL は sqlite:/// か postgresql:// で始めてください"
        "（mysql://... は使えません）"
    )


def test_a_database_url_without_a_scheme_is_refused_without_quoting_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KPIBOT_DATABASE_URL", "admin:hunter2@db.example.com/kpi")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert in_english(error.value) == (
        "KPIBOT_DATABASE_URL: a database URL must start with sqlite:/// or postgresql://"
    )


def test_kpibot_with_a_bad_time_zone_exits_2_with_one_line_and_no_traceback(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    finished = kpibot(
        "db", "upgrade", cwd=tmp_path, environment={"KPIBOT_TIMEZONE": "Mars/Olympus_Mons"}
    )
    assert finished.returncode == 2
    assert finished.stdout == ""
    lines = finished.stderr.splitlines()
    assert len(lines) == 1, finished.stderr
    assert "KPIBOT_TIMEZONE" in lines[0]
    assert "Traceback" not in finished.stderr
    assert not (tmp_path / "kpibot.db").exists()


def test_the_database_password_shows_in_no_repr_or_str_of_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KPIBOT_DATABASE_URL", "postgresql://kpi:hunter2@db.example/kpibot")
    settings = load_settings()
    for shown in (repr(settings), str(settings), repr(settings.model_dump())):
        assert "hunter2" not in shown


def test_a_database_url_whose_port_is_not_a_number_is_refused_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KPIBOT_DATABASE_URL", "postgresql://u:hunter2@h:abc/db")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert in_english(error.value) == (
        "KPIBOT_DATABASE_URL: cannot be read as a database URL (is the port a number?)"
    )
    assert settings_error_text(error.value, "ja") == (
        "KPIBOT_DATABASE_URL: データベースの URL として読めません（ポート番号は数字ですか？）"
    )
    assert "hunter2" not in repr(error.value.problems)


def test_a_5000_character_time_zone_is_refused_naming_the_variable_and_quoting_only_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KPIBOT_TIMEZONE", "Asia/" + "x" * 5_000)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert in_english(error.value).startswith("KPIBOT_TIMEZONE: unknown time zone 'Asia/xxx")
    assert "… (5,007 chars)" in in_english(error.value)
    assert "…（5,007 文字）" in settings_error_text(error.value, "ja")
    assert len(in_english(error.value)) < 200


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KPIBOT_DATABASE_URL", "postgresql://u:hunter2@h:abc/db"),
        ("KPIBOT_TIMEZONE", "x" * 5_000),
    ],
)
def test_kpibot_refuses_a_hostile_setting_with_exit_2_in_one_short_line(
    kpibot: Kpibot, tmp_path: Path, name: str, value: str
) -> None:
    finished = kpibot("status", cwd=tmp_path, environment={name: value})
    assert finished.returncode == 2
    (line,) = finished.stderr.splitlines()
    assert line.startswith(f"kpibot: 設定エラー: {name}: ")
    assert "hunter2" not in line
    assert len(line) < 300


@pytest.mark.parametrize(
    "value",
    ["#kpi-admin", "general", "U012AB3CD", "c012ab3cd", "C012AB3CD; DROP", "C" + "A" * 60],
)
def test_an_admin_channel_that_is_not_a_channel_id_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KPIBOT_CHANNEL_ADMIN", value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = in_english(error.value)
    assert message.startswith("KPIBOT_CHANNEL_ADMIN: not a Slack channel id")
    assert len(message) < 250  # a value is quoted up to 60 characters, then cut


@pytest.mark.parametrize(
    ("value", "expected"), [("C012AB3CD", "C012AB3CD"), (" G0PRIV ", "G0PRIV"), ("", None)]
)
def test_an_admin_channel_is_a_channel_id_or_unset(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str | None
) -> None:
    monkeypatch.setenv("KPIBOT_CHANNEL_ADMIN", value)
    assert load_settings().channel_admin == expected


def test_a_mapping_folder_that_does_not_exist_is_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPIBOT_IMPORT_MAPPINGS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert in_english(error.value) == (
        f"KPIBOT_IMPORT_MAPPINGS_DIR: no such folder: {tmp_path / 'nowhere'}"
    )
    monkeypatch.setenv("KPIBOT_IMPORT_MAPPINGS_DIR", str(tmp_path))
    assert load_settings().import_mappings_dir == tmp_path
