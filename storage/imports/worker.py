"""Reading, validating and converting a large import file in a worker process.

Validation and conversion cost more per row than the database writes, and Python runs
one of them at a time per process. A worker process prepares the next batch while the
importing process writes the one before, so a large import keeps two cores busy.

The pipe between them holds about two batches: when the writer falls behind, the worker
waits, so memory stays flat in the file size.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from storage.imports.prepare import BATCH, Prepared, PrepareOptions, prepare_stream
from storage.imports.problems import FileProblem
from storage.imports.readers import FileFormat

# Below this size a file is prepared in the importing process: a worker pays off only
# once preparing takes longer than starting it and handing batches over.
WORKER_MIN_BYTES = 1024 * 1024


def worker_helps(path: Path) -> bool:
    """Whether preparing this file in a worker process will make its import faster."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        (cores or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and path.stat().st_size >= WORKER_MIN_BYTES
    )


class ImportWorkerError(RuntimeError):
    """The worker process failed for a reason other than the file's content: it stopped
    with `exit_code`, or it raised `failure` (the last line of its traceback, which
    `details` holds whole). The bot words it."""

    def __init__(
        self, *, exit_code: int | None = None, failure: str | None = None, details: str = ""
    ) -> None:
        super().__init__(f"failed: {failure}" if failure else f"stopped: exit code {exit_code}")
        self.exit_code = exit_code
        self.failure = failure
        self.details = details


@dataclass(frozen=True)
class _Finished:
    pass


@dataclass(frozen=True)
class _Unreadable:
    problem: FileProblem


@dataclass(frozen=True)
class _Crashed:
    details: str


_Message = Prepared | _Finished | _Unreadable | _Crashed


def _outcome(path: str, file_format: FileFormat, options: PrepareOptions) -> Iterator[_Message]:
    """The prepared batches of a file, then how it ended."""
    try:
        with open(path, "rb") as stream:
            yield from prepare_stream(stream, file_format, options)
        yield _Finished()
    except FileProblem as problem:
        yield _Unreadable(problem)
    except Exception:  # reported to the importing process, which raises
        yield _Crashed(traceback.format_exc())


def _work(
    sender: Connection,
    receiver: Connection,
    path: str,
    file_format: FileFormat,
    options: PrepareOptions,
) -> None:
    # The fork copied the importing process's end of the pipe: while this process held it
    # too, a send after the importing process died would wait for ever instead of failing.
    receiver.close()
    # Ctrl-C reaches the whole process group; the importing process decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Whatever the importing process does on SIGTERM, this one just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What this process imported lives as long as it does: keep collections off it.
    gc.freeze()
    # A batch keeps thousands of rows alive until it is sent: at the default threshold
    # (700 new objects) the collector walked them over and over, a twentieth of the work.
    gc.set_threshold(2 * BATCH)
    # A broken pipe: the importing process stopped listening, and ends this one too.
    with contextlib.suppress(BrokenPipeError), sender:
        for message in _outcome(path, file_format, options):
            sender.send(message)


def _widen(pipe: Connection) -> None:
    """Let the pipe hold a couple of batches (Linux), so handing one over never waits."""
    # Elsewhere, or refused, a smaller pipe only costs some overlap.
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)


def prepared_in_worker(
    path: Path, file_format: FileFormat, options: PrepareOptions
) -> Generator[Prepared, None, None]:
    """The prepared batches of a file, read and validated by a worker process.

    Raises FileProblem as reading in this process would; the worker stops when the
    caller stops iterating, however that happens.
    """
    # Forked, not spawned: the child starts in milliseconds with everything imported and
    # needs no importable main module. `worker_helps` keeps this to single-threaded
    # processes, where forking is safe.
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    _widen(receiver)
    worker = context.Process(
        target=_work,
        args=(sender, receiver, str(path), file_format, options),
        name="kpibot-import-worker",
        daemon=True,
    )
    worker.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except (EOFError, OSError):  # OSError: it died in the middle of a message
                worker.join(timeout=5)
                raise ImportWorkerError(exit_code=worker.exitcode) from None
            if isinstance(message, Prepared):
                yield message
            elif isinstance(message, _Finished):
                return
            elif isinstance(message, _Unreadable):
                raise message.problem
            else:
                last = message.details.strip().splitlines()[-1]
                raise ImportWorkerError(failure=last, details=message.details)
    finally:
        receiver.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
