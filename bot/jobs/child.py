"""`kpibot serve --scheduler`: one scheduler process per host, started by gunicorn's master.

gunicorn's workers are forked from the master and replaced over time, so a scheduler started
in a worker would run once per worker. The master starts exactly one `kpibot scheduler`
process when it is ready (`when_ready`), restarts it should it die, and stops it with
SIGTERM when the server stops (`on_exit`). It is a process of its own rather than a thread
of the master: the master forks workers, and a fork copies no threads, only their locks.
A second server on the same database (another host, or another `kpibot scheduler`) is
harmless: the scheduler's lead decides which one runs the jobs.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

log = logging.getLogger("kpibot.scheduler")

# After an unexpected exit, wait this long before starting it again (a crash loop, say on
# an unreachable database, stays cheap).
RESTART_AFTER_SECONDS = 5.0
# A scheduler finishes its run in progress on SIGTERM; after this long it is killed.
STOP_WITHIN_SECONDS = 30.0


class SchedulerChild:
    """One `kpibot scheduler` child process, kept running until `stop`."""

    def __init__(self, *, verbose: bool = False, restart_after: float = RESTART_AFTER_SECONDS):
        self.command = [sys.executable, "-m", "bot.cli.main", *(["-v"] if verbose else [])]
        self.command.append("scheduler")
        self.restart_after = restart_after
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The running child's process id."""
        process = self._process
        return None if process is None else process.pid

    def start(self, _server: object = None) -> None:
        """Start the child and the thread that restarts it (gunicorn's `when_ready`)."""
        self._spawn()
        self._watcher = threading.Thread(
            target=self._watch, name="kpibot-scheduler-child", daemon=True
        )
        self._watcher.start()

    def stop(self, _server: object = None) -> None:
        """Stop the child with SIGTERM, killing it after a grace (gunicorn's `on_exit`)."""
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_WITHIN_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("the scheduler did not stop within %g s; killed", STOP_WITHIN_SECONDS)
            process.kill()
            process.wait()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            # Its own process group: a Ctrl-C in the terminal reaches the master, which
            # stops the child in order, rather than both at once.
            self._process = subprocess.Popen(self.command, start_new_session=True)
        log.info("scheduler process %s started", self._process.pid)

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            log.warning(
                "the scheduler process exited with code %s; restarting in %g s",
                code,
                self.restart_after,
            )
            if self._stopping.wait(self.restart_after):
                return
            self._spawn()
