"""The scheduler process: one leader runs the report jobs and delivers the outbox.

Every `heartbeat` seconds the process tries to lead (`bot.jobs.leadership`). On taking the
lead it starts APScheduler with one cron trigger per job (in `KPIBOT_TIMEZONE`) and a
delivery loop. A job run queues its report in the outbox and wakes the delivery loop, which
otherwise looks for due items every `poll` seconds (retries, a `kpibot report --post`). On
losing the lead it stops both and waits again; on a stop (SIGTERM) it finishes the run in
progress, stops, and hands the lead over.

The catch-up: APScheduler forgets a run missed while the process was down, or while this
process did not lead, or one that failed (the database busy, a bug). So at every heartbeat
the leader also checks each job against the outbox (`run_job`, a small indexed read when
nothing is due): a period due and not recorded is queued (late, past its minute) or, older
than its grace window, recorded as skipped. The first check runs as the lead is taken. A job
that raised is checked again only after `RETRY_FAILED_AFTER`, so a persistent failure does
not compose a report every ten seconds. The checks run in a thread of their own: composing a
late report can take longer than the lease allows, and a heartbeat that waited for it would
let another process take the lease and fence the report out, over and over.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

from bot.jobs.alerts import AlertSweep
from bot.jobs.delivery import Deliverer
from bot.jobs.leadership import Leadership, leadership_for, process_name
from bot.jobs.runs import run_job
from bot.runtime import Runtime
from bot.schedule import CHANNEL_VARIABLES, ReportJob, report_jobs, unscheduled_reports
from kpi_engine.schedule import ON_TIME_TOLERANCE
from storage.data_version import data_version
from storage.db import DatabaseError

log = logging.getLogger("kpibot.scheduler")

# How often the delivery loop looks for due items when no job woke it.
POLL_SECONDS = 5.0
# After a job raised, the heartbeat's check leaves it alone this long.
RETRY_FAILED_AFTER = timedelta(minutes=5)


class ReportScheduler:
    """The report jobs of one runtime, run while this process leads."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        holder: str | None = None,
        heartbeat: float | None = None,
        poll: float = POLL_SECONDS,
        deliverer: Deliverer | None = None,
    ) -> None:
        self.runtime = runtime
        self.jobs: list[ReportJob] = report_jobs(runtime.settings)
        self.heartbeat = heartbeat = heartbeat or runtime.settings.scheduler_heartbeat
        self.poll = poll
        self.leadership: Leadership = leadership_for(
            runtime.database, holder=holder or process_name(), heartbeat=heartbeat
        )
        self.deliverer = deliverer or Deliverer.from_runtime(runtime)
        self.leading = False
        self._scheduler: BackgroundScheduler | None = None
        self._delivery: threading.Thread | None = None
        self._delivery_stop = threading.Event()
        self._wake = threading.Event()
        # One run of a job at a time (a trigger and a heartbeat's check may meet).
        self._running = {job.id: threading.Lock() for job in self.jobs}
        self._failed_until: dict[str, datetime] = {}
        self._catch_up: threading.Thread | None = None
        self._catch_up_wake = threading.Event()
        # The alert sweep runs in a thread of its own while leading: every
        # KPIBOT_ALERT_INTERVAL, and at once when a heartbeat sees the data version change
        # (an import, an API post or a manual record by any process; `storage.data_version`).
        self.alert_sweep = AlertSweep(runtime)
        self._alerts: threading.Thread | None = None
        self._sweep_wake = threading.Event()
        self._seen_version: str | None = None
        self._version_read = False
        self.alert_sweep_count = 0  # sweeps completed while leading (for operators, tests)

    def warn_unscheduled(self) -> None:
        """Say once, at start, which reports have no channel and so never run."""
        for kind in unscheduled_reports(self.runtime.settings):
            log.warning(
                "the %s report is not scheduled: %s is not set", kind, CHANNEL_VARIABLES[kind]
            )

    def run(self, stop: threading.Event) -> None:
        """Lead when possible, until `stop` is set; then stop cleanly and give the lead up."""
        self.warn_unscheduled()
        try:
            while not stop.is_set():
                self.tick()
                stop.wait(self.heartbeat)
        finally:
            self._step_down()
            self.leadership.release()

    def tick(self) -> None:
        """One heartbeat: take, keep or lose the lead, and act on it."""
        try:
            leading = self.leadership.acquire(self.runtime.clock())
        except DatabaseError as error:
            log.warning("the scheduler cannot reach the database: %s", error)
            leading = False
        if leading and not self.leading:
            log.info("this scheduler (%s) leads", self.leadership.holder)
            self.leading = True
            self._take_over()
        elif not leading and self.leading:
            log.warning("this scheduler (%s) lost the lead", self.leadership.holder)
            self.leading = False
            self._step_down()
        if self.leading:
            self._catch_up_wake.set()
            self._watch_data()

    def _watch_data(self) -> None:
        """Wake the alert sweep when the data changed since the last sweep began."""
        try:
            with self.runtime.database.read() as connection:
                version = data_version(connection)
        except DatabaseError as error:
            log.warning("cannot read the data version: %s", error)
            return
        if self._version_read and version != self._seen_version:
            self._sweep_wake.set()

    def sweep_alerts(self) -> None:
        """Run one alert sweep at the clock's time and wake the delivery loop; never raises
        (a failed sweep is logged and the next one comes at the interval)."""
        try:
            with self.runtime.database.read() as connection:
                self._seen_version = data_version(connection)
            self._version_read = True
            outcomes = self.alert_sweep.run(self.runtime.clock())
        except Exception:
            log.exception("the alert sweep failed")
            return
        self.alert_sweep_count += 1
        if any(outcome.queued for outcome in outcomes):
            self._wake.set()

    def _alerts_loop(self) -> None:
        interval = self.runtime.settings.alert_interval.total_seconds()
        while not self._delivery_stop.is_set():
            self._sweep_wake.clear()
            self.sweep_alerts()
            self._sweep_wake.wait(interval)

    def _catch_up_loop(self) -> None:
        while not self._delivery_stop.is_set():
            self._catch_up_wake.wait()
            self._catch_up_wake.clear()
            if not self._delivery_stop.is_set():
                self.catch_up()

    def catch_up(self) -> None:
        """Check every job against the outbox now (see the module's docstring)."""
        now = self.runtime.clock()
        for job in self.jobs:
            if now >= self._failed_until.get(job.id, now):
                self.run_now(job, wait=False)

    def run_now(self, job: ReportJob, *, wait: bool = True) -> None:
        """Run one job at the clock's time and wake the delivery loop; never raises (a
        failed run is logged and caught up on later). Without `wait`, a run in progress
        makes this one unnecessary."""
        running = self._running[job.id]
        if not running.acquire(blocking=wait):
            return
        try:
            outcomes = run_job(self.runtime, job, self.runtime.clock(), fence=self.leadership.fence)
        except Exception:
            log.exception("the %s report job failed", job.kind)
            self._failed_until[job.id] = self.runtime.clock() + RETRY_FAILED_AFTER
            return
        finally:
            running.release()
        self._failed_until.pop(job.id, None)
        if any(outcome.written for outcome in outcomes):
            self._wake.set()

    def _take_over(self) -> None:
        self._delivery_stop.clear()
        self._delivery = threading.Thread(
            target=self._deliver_loop, name="kpibot-delivery", daemon=True
        )
        self._delivery.start()
        self._alerts = threading.Thread(target=self._alerts_loop, name="kpibot-alerts", daemon=True)
        self._alerts.start()
        self._catch_up = threading.Thread(
            target=self._catch_up_loop, name="kpibot-catch-up", daemon=True
        )
        self._catch_up.start()
        zone = self.runtime.settings.zone
        scheduler = BackgroundScheduler(
            timezone=zone,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(ON_TIME_TOLERANCE.total_seconds()),
            },
        )
        for job in self.jobs:
            scheduler.add_job(
                self.run_now, trigger=job.trigger(), args=[job], id=job.id, name=str(job.kind)
            )
        scheduler.start()
        self._scheduler = scheduler

    def _step_down(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)  # a run in progress finishes
        self._delivery_stop.set()
        self._wake.set()
        self._sweep_wake.set()
        self._catch_up_wake.set()
        delivery, self._delivery = self._delivery, None
        if delivery is not None:
            delivery.join()
        alerts, self._alerts = self._alerts, None
        if alerts is not None:
            alerts.join()
        catching_up, self._catch_up = self._catch_up, None
        if catching_up is not None:
            catching_up.join()

    def _deliver_loop(self) -> None:
        while not self._delivery_stop.is_set():
            self._wake.clear()
            try:
                self.deliverer.deliver_due()
            except DatabaseError as error:
                log.warning("delivery round failed: %s", error)
            except Exception:  # the loop must outlive any one round's bug
                log.exception("delivery round failed")
            self._wake.wait(self.poll)

    def wakeup(self) -> None:
        """Make APScheduler look at its triggers again now (after the clock jumped, in tests)."""
        scheduler = self._scheduler
        if scheduler is not None:
            scheduler.wakeup()

    def next_runs(self) -> dict[str, datetime | None]:
        """The next run of each job while leading (APScheduler's own view)."""
        scheduler = self._scheduler
        if scheduler is None:
            return {}
        found: dict[str, Any] = {job.id: job.next_run_time for job in scheduler.get_jobs()}
        return found
