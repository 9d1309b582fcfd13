"""The work after an ack runs in its own bounded pool: acks never wait behind it, and work
that cannot start in time tells the user kpibot is busy instead of vanishing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot.slack.followups import FollowUps
from bot.slack.services import Services
from tests.bot.conftest import MEMBER, SlackAppServer, make_services, make_settings
from tests.bot.mock_web_api import MockWebApi

UPLOAD = "files.getUploadURLExternal"  # a chart's first call: held, the chart's work runs on
START_WITHIN = 0.5


def app_with_pool(
    demo_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
    **pool: float,
) -> SlackAppServer:
    return start_app(make_services(make_settings(demo_url, slack_api, **pool)))


def test_acks_do_not_wait_behind_slow_charts(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], SlackAppServer]
) -> None:
    app = app_with_pool(demo_url, slack_api, start_app, followup_threads=2)
    slack_api.hold(UPLOAD)
    # More slow charts than Bolt has listener threads: before, the next acks queued.
    charts = [threading.Thread(target=app.command, args=("nps chart",)) for _ in range(6)]
    for thread in charts:
        thread.start()
    slack_api.wait_held(2)  # both threads of the pool are busy with a chart
    started = time.monotonic()
    answer = app.command("csat")
    assert answer.status == 200
    assert "顧客満足度" in answer.json["text"]
    assert time.monotonic() - started < 1.0
    for thread in charts:
        thread.join()
    slack_api.release()


def test_a_full_pool_acks_with_a_busy_note(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], SlackAppServer]
) -> None:
    app = app_with_pool(demo_url, slack_api, start_app, followup_threads=1, followup_queue=1)
    slack_api.hold(UPLOAD)
    assert "📈" in app.command("nps chart").json["text"]
    slack_api.wait_held(1)  # running
    assert "📈" in app.command("csat chart").json["text"]  # waiting
    busy = app.command("status").json
    assert busy["response_type"] == "ephemeral"
    assert "混み合っています" in busy["text"]
    slack_api.release()


def test_work_that_cannot_start_in_time_is_answered_as_busy(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], SlackAppServer]
) -> None:
    app = app_with_pool(
        demo_url, slack_api, start_app, followup_threads=1, followup_start_within=START_WITHIN
    )
    slack_api.hold(UPLOAD)
    app.command("nps chart")
    slack_api.wait_held(1)  # the pool's one thread is busy with the chart
    late = slack_api.response_url()
    assert "⏳" in app.command("status", response_url=late).json["text"]
    time.sleep(START_WITHIN + 0.1)  # the status list waits in the queue past its time
    slack_api.release()
    answered = slack_api.wait_for_response(late)
    assert "混み合っています" in answered.body["text"]
    assert answered.body["response_type"] == "ephemeral"


def test_a_status_list_whose_response_url_fails_arrives_as_a_dm(
    app: SlackAppServer, slack_api: MockWebApi
) -> None:
    slack_api.fail("response/", "expired_url")
    assert "⏳" in app.command("status").json["text"]
    slack_api.wait_for("chat.postMessage")
    (dm,) = slack_api.called("chat.postMessage")
    assert dm.body["channel"] == MEMBER
    assert "KPIステータス" in dm.body["text"]


def test_every_job_of_a_burst_runs_or_is_refused_at_once() -> None:
    pool = FollowUps(threads=2, queue=5, start_within=60)
    done: list[int] = []
    release = threading.Event()

    def job(number: int) -> Callable[[], None]:
        def run() -> None:
            release.wait(5)
            done.append(number)

        return run

    accepted = [pool.submit(job(n), when_late=lambda: None) for n in range(10)]
    assert accepted == [True] * 7 + [False] * 3
    release.set()
    deadline = time.monotonic() + 5
    while len(done) < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(done) == list(range(7))
    pool.close()
    assert pool.submit(job(99), when_late=lambda: None) is False


def test_closing_answers_the_jobs_not_started_as_late_and_lets_running_ones_finish() -> None:
    pool = FollowUps(threads=1, queue=3, start_within=60)
    started = threading.Event()
    outcome: list[str] = []

    def running() -> None:
        started.set()
        time.sleep(0.3)
        outcome.append("finished")

    pool.submit(running, when_late=lambda: outcome.append("late"))
    started.wait(5)
    for _ in range(3):
        pool.submit(lambda: outcome.append("ran"), when_late=lambda: outcome.append("late"))
    pool.close()
    assert outcome == ["finished", "late", "late", "late"]


def test_notes_have_a_thread_of_their_own() -> None:
    pool = FollowUps(threads=1, queue=1, start_within=60)
    hold = threading.Event()
    noted = threading.Event()

    def busy() -> None:
        hold.wait(5)

    pool.submit(busy, when_late=lambda: None)
    assert pool.note(noted.set)
    assert noted.wait(2)  # while the only work thread is still busy
    hold.set()
    pool.close()


def test_a_late_job_runs_its_late_answer_instead() -> None:
    now = [0.0]
    pool = FollowUps(threads=1, queue=1, start_within=10, clock=lambda: now[0])
    gate = threading.Event()
    ran: list[str] = []

    def first() -> None:
        gate.wait(5)
        ran.append("first")

    pool.submit(first, when_late=lambda: None)
    pool.submit(lambda: ran.append("second"), when_late=lambda: ran.append("late"))
    now[0] = 10.5  # the second job has now waited longer than it may
    gate.set()
    deadline = time.monotonic() + 5
    while len(ran) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    pool.close()
    assert ran == ["first", "late"]
