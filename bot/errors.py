"""Errors the command line and the Slack app turn into a short, user-facing answer."""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to print as one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code
