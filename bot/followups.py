"""The work that follows an ack, in a bounded pool of its own.

Slack wants every request acked within 3 seconds. The ack itself is quick; the work after
it (evaluating every KPI, drawing a chart, publishing the Home tab, calling the Web API)
is not. Run in the same threads as the acks, that work made acks queue behind it under
load, and Slack then gave up on them. Here it has its own few threads and a bounded queue:
an ack never waits for it, a job that finds the queue full is refused at once (the ack
says kpibot is busy), and a job that waited too long to start is answered as busy
instead of running late or vanishing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("kpibot.followups")

Job = Callable[[], None]


class FollowUps:
    """A pool of `threads` threads with room for `queue` jobs waiting to start."""

    def __init__(
        self,
        *,
        threads: int,
        queue: int,
        start_within: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kpibot-work")
        self._room = threading.BoundedSemaphore(threads + queue)
        self._start_within = start_within
        self._clock = clock

    def submit(self, job: Job, *, when_late: Job) -> bool:
        """Queue a job; False (and nothing queued) when the pool is full.

        A job that has not started within `start_within` seconds runs `when_late` instead.
        Neither may raise: each answers its own errors (`bot.listeners.errors`).
        """
        if not self._room.acquire(blocking=False):
            return False
        queued = self._clock()

        def run() -> None:
            try:
                late = self._clock() - queued > self._start_within
                (when_late if late else job)()
            except Exception:
                log.exception("follow-up work failed")
            finally:
                self._room.release()

        try:
            self._executor.submit(run)
        except RuntimeError:  # shutting down
            self._room.release()
            return False
        return True

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with `wait`, finish the queued ones first."""
        self._executor.shutdown(wait=wait)
