"""Errors the command line and the Slack app turn into a short, user-facing answer."""

from __future__ import annotations

import uuid

EXIT_FAILED = 1
EXIT_USAGE = 2
# A shell's convention: 128 plus the number of the signal that ended the command.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A short id that ties a user's error message to the log line."""
    return uuid.uuid4().hex[:REFERENCE_LENGTH]


class CliError(Exception):
    """A failure to print as one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, rolling back whatever transaction is open."""
