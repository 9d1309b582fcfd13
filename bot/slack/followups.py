"""The work that follows an ack, in a bounded pool of its own.

Slack wants every request acked within 3 seconds. The ack itself is quick; the work after
it (evaluating every KPI, drawing a chart, publishing the Home tab, calling the Web API)
is not. Run in the same threads as the acks, that work made acks queue behind it under
load, and Slack then gave up on them. Here it has its own few threads and a bounded queue:
an ack never waits for it, a job that finds the queue full is refused at once (the ack
says kpibot is busy), and a job that waited too long to start, or that has not started
when the process stops, is answered as busy instead of running late or vanishing.

Short notes (telling a user kpibot is busy when the pool is full) have a thread of their
own, so that neither an ack nor the queued work waits for them.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
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
        self._work = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kpibot-work")
        self._notes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpibot-note")
        self._room = threading.BoundedSemaphore(threads + queue)
        self._note_room = threading.BoundedSemaphore(queue)
        self._start_within = start_within
        self._clock = clock
        self._closing = False
        _POOLS.add(self)

    def submit(self, job: Job, *, when_late: Job) -> bool:
        """Queue a job; False (and nothing queued) when the pool is full or closed.

        A job that has not started within `start_within` seconds, or by the time the pool
        is closed, runs `when_late` instead. Neither may raise: each answers its own errors
        (`bot.slack.listeners.errors`).
        """
        if not self._room.acquire(blocking=False):
            return False
        queued = self._clock()

        def run() -> None:
            try:
                late = self._closing or self._clock() - queued > self._start_within
                (when_late if late else job)()
            except Exception:
                log.exception("follow-up work failed")
            finally:
                self._room.release()

        return self._start(self._work, run, self._room)

    def note(self, job: Job) -> bool:
        """Send a short note (a busy answer) from the note thread; False when too many wait."""
        if not self._note_room.acquire(blocking=False):
            log.warning("too many notes waiting: one was dropped")
            return False

        def run() -> None:
            try:
                job()
            except Exception:
                log.exception("a note failed")
            finally:
                self._note_room.release()

        return self._start(self._notes, run, self._note_room)

    def _start(
        self, executor: ThreadPoolExecutor, run: Job, room: threading.BoundedSemaphore
    ) -> bool:
        try:
            executor.submit(run)
        except RuntimeError:  # closed
            room.release()
            return False
        return True

    def close(self) -> None:
        """Stop taking jobs; answer the queued ones as late, and wait for those running."""
        self._closing = True
        self._work.shutdown(wait=True)
        self._notes.shutdown(wait=True)


# Every pool of the process, so that a stopping process can close them all.
_POOLS: weakref.WeakSet[FollowUps] = weakref.WeakSet()


def close_all() -> None:
    """Close every pool of this process (a web worker or Socket Mode process stopping)."""
    for pool in list(_POOLS):
        pool.close()
