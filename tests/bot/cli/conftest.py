"""`kpibot` commands run in the test's own process, as the console script runs them."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main


@dataclass(frozen=True)
class Finished:
    """What a command left behind: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class Kpibot:
    """Runs a command through `bot.cli.main.main` in a directory, on the settings its
    environment gives (the console script's path, minus the interpreter start-up)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(
        self,
        *args: str,
        cwd: Path,
        database: str | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> Finished:
        self._monkeypatch.chdir(cwd)
        with self._monkeypatch.context() as scoped:
            if database is not None:
                scoped.setenv("KPIBOT_DATABASE_URL", database)
            for name, value in (environment or {}).items():
                scoped.setenv(name, value)
            self._capsys.readouterr()
            # main() makes SIGTERM unwind the command; the test process keeps its own.
            previous = signal.getsignal(signal.SIGTERM)
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 1
            finally:
                signal.signal(signal.SIGTERM, previous)
            printed = self._capsys.readouterr()
        return Finished(code, printed.out, printed.err)


@pytest.fixture
def kpibot(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Kpibot:
    """Run `kpibot` commands in-process."""
    return Kpibot(capsys, monkeypatch)
