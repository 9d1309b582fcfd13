"""One runtime per process, built from one Settings: commands run in-process on it."""
# ruff: noqa: RUF001 (the answers are Japanese, with full-width parentheses)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.runtime import Runtime
from bot.settings import Settings


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    settings = Settings.model_validate({"database_url": f"sqlite:///{tmp_path / 'own.db'}"})
    return Runtime(settings)


def test_commands_run_in_process_on_the_database_their_settings_name(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        assert main(["record", "market_share", "4.2", "--at", "2026-11-20"], runtime) == 0
        assert "市場シェア に 4.2 % を記録しました（2026-11-20）" in capsys.readouterr().out
        assert main(["show", "market_share", "--json", "--at", "2026-11-30"], runtime) == 0
        shown = json.loads(capsys.readouterr().out)
    finally:
        runtime.close()
    assert shown["current"]["value"] == 4.2
    assert (tmp_path / "own.db").is_file()
    assert not Path("kpibot.db").exists()  # not the default database of the environment


def test_a_command_that_needs_no_database_opens_none(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "no_such_kpi"], runtime) == 2
    assert "'no_such_kpi' に当たるKPIはありません" in capsys.readouterr().err
    assert not (tmp_path / "own.db").exists()
