"""Time from a signed `/kpi` request to its ack, served by `kpibot serve` on loopback.

Builds a demo database of about 1,000,000 events (storage.demo, scale ~80) once, starts
`kpibot serve` on it and, behind the same gunicorn set-up (same workers, threads and Bolt
options), a minimal Bolt app that acks `/kpi` with a fixed text. The Web API both call
(Bolt's one auth.test per worker) is a local stand-in. Then:

* the median request→ack time of `/kpi nps` against the minimal app, measured interleaved
  in the same run (goal: ratio at most 3x);
* bursts of 20 concurrent `/kpi KPI` requests, one per KPI (goal: no ack over 1 s);
* for information, the median ack of `/kpi status`, which acks with a note at once and
  answers after the ack;
* 20 concurrent clients sending a mix of `nps`, `status`, `chart` and `share` (200
  requests by default): p50/p95/max ack against the minimal app under the same load, no
  ack over 1 s, none lost (every request acked with 200, and every follow-up either
  delivered or answered "busy").

    python -m benchmarks.slack_ack [--events 1000000] [--runs 200] [--mixed 200] [--db PATH]

Only loopback addresses are used; every loop is bounded and the servers are stopped at
the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, cast
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier

from benchmarks.demo_data import ZONE, build_database, scale_for

SECRET = "benchmark-signing-secret"
TOKEN = "xoxb-benchmark"
KPIBOT = Path(sys.executable).with_name("kpibot")
CONCURRENT_KPIS = [
    "nps",
    "mrr",
    "csat",
    "cac",
    "ltv",
    "ltv_cac",
    "gross_margin",
    "new_customers",
    "uptime",
    "completion_rate",
    "support_response_24h",
    "support_response_48h",
    "content_updates",
    "retention_6m",
    "ai_adoption_rate",
    "referral_rate",
    "cumulative_students",
    "annual_revenue",
    "market_share",
    "brand_search_rank",
]
FIXED_TEXT = "kpibot benchmark: fixed answer"
MIXED_CLIENTS = 20
MIX = ["nps", "status", "nps chart", "mrr share"]
BUSY = "混み合っています"  # kpibot's "busy, try again" answer (default locale)
FOLLOW_UP_WAIT_SECONDS = 300


class _WebApi(BaseHTTPRequestHandler):
    """Slack's Web API and response_urls as far as kpibot needs them here; counts the calls
    that finish a follow-up (a post to a response_url, a message, a completed upload)."""

    lock = threading.Lock()
    posted: ClassVar[dict[str, int]] = {}  # path -> number of posts
    busy: ClassVar[set[str]] = set()  # response_url paths answered "busy"

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.lstrip("/")
        answer: dict[str, Any] = {"ok": True}
        if path == "api/auth.test":
            answer.update(user_id="U0BENCH", bot_id="B0BENCH", team_id="T0BENCH")
        elif path == "api/files.getUploadURLExternal":
            port = cast(ThreadingHTTPServer, self.server).server_port
            answer.update(upload_url=f"http://127.0.0.1:{port}/upload/F0", file_id="F0")
        elif path == "api/files.completeUploadExternal":
            answer.update(files=[{"id": "F0"}])
        elif path == "api/chat.postMessage":
            channel = dict(parse_qsl(raw.decode())).get("channel") or json.loads(raw or b"{}").get(
                "channel"
            )
            path = f"message/{channel}"
            answer.update(channel=channel, ts="1700000000.000100")
        with self.lock:
            self.posted[path] = self.posted.get(path, 0) + 1
            if BUSY in raw.decode("utf-8", "replace"):
                self.busy.add(path)
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def signed_command(
    port: int,
    text: str,
    *,
    response_url: str = "http://127.0.0.1:9/unused",
    channel: str = "C0BENCH",
    answer: list[str] | None = None,
) -> float:
    """POST a signed `/kpi text`; return the seconds until the ack arrived in full (and put
    the ack's body into `answer`)."""
    body = urlencode(
        {
            "command": "/kpi",
            "text": text,
            "user_id": "U0BENCH",
            "channel_id": channel,
            "team_id": "T0BENCH",
            "response_url": response_url,
            "trigger_id": "1.bench",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature or "",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"/kpi {text} answered {response.status}")
    if answer is not None:
        answer.append(raw.decode("utf-8"))
    return elapsed


def wait_until_up(port: int, process: subprocess.Popen[bytes], path: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            status = connection.getresponse().status
            connection.close()
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start within 120 s")


@contextmanager
def running(command: list[str], environment: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    # From the repository root, so `-m benchmarks.…` resolves.
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, cwd=root)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_minimal(port: int) -> None:
    """Run the minimal Bolt app (a fixed ack) behind kpibot's gunicorn set-up."""
    from flask import Flask, Response, request
    from slack_bolt import Ack, App
    from slack_bolt.adapter.flask import SlackRequestHandler

    from bot.http.server import run_server, server_options
    from bot.settings import load_settings
    from bot.slack.app import bolt_log
    from bot.slack.client import build_web_client

    settings = load_settings()

    def factory() -> Flask:
        bolt = App(
            client=build_web_client(settings),
            signing_secret=SECRET,
            token_verification_enabled=False,
            process_before_response=False,
            logger=bolt_log,
        )

        @bolt.command("/kpi")
        def fixed(ack: Ack) -> None:
            ack(text=FIXED_TEXT, response_type="ephemeral")

        handler = SlackRequestHandler(bolt)
        web = Flask("minimal")

        @web.post("/slack/events")
        def events() -> Response:
            response: Response = handler.handle(request)
            return response

        @web.get("/healthz")
        def health() -> str:
            return "ok"

        return web

    run_server(factory, server_options(settings, host="127.0.0.1", port=port))


def measure(kpibot_port: int, minimal_port: int, runs: int, hooks: str) -> None:
    for port in (kpibot_port, minimal_port):
        for _ in range(30):  # every worker: auth.test, imports, first queries
            signed_command(port, "nps")
    kpibot_times: list[float] = []
    minimal_times: list[float] = []
    for _ in range(runs):
        kpibot_times.append(signed_command(kpibot_port, "nps"))
        minimal_times.append(signed_command(minimal_port, "nps"))
    kpibot_median = statistics.median(kpibot_times)
    minimal_median = statistics.median(minimal_times)
    print(
        f"/kpi nps ack: median {kpibot_median * 1000:.1f} ms "
        f"(p90 {statistics.quantiles(kpibot_times, n=10)[-1] * 1000:.1f} ms) over {runs} runs"
    )
    print(
        f"minimal Bolt app ack: median {minimal_median * 1000:.1f} ms "
        f"(p90 {statistics.quantiles(minimal_times, n=10)[-1] * 1000:.1f} ms)"
    )
    print(f"ratio: {kpibot_median / minimal_median:.2f}x (goal <= 3.0)")

    slowest: list[float] = []
    with ThreadPoolExecutor(max_workers=len(CONCURRENT_KPIS)) as pool:
        for _ in range(5):
            barrier = threading.Barrier(len(CONCURRENT_KPIS))

            def one(kpi: str, barrier: threading.Barrier = barrier) -> float:
                barrier.wait(timeout=30)
                return signed_command(kpibot_port, kpi)

            slowest.append(max(pool.map(one, CONCURRENT_KPIS)))
    print(
        f"{len(CONCURRENT_KPIS)} concurrent /kpi requests (5 bursts): slowest ack "
        f"{max(slowest) * 1000:.0f} ms (per burst: "
        f"{', '.join(f'{value * 1000:.0f}' for value in slowest)} ms; goal < 1000 ms)"
    )
    status = [
        signed_command(kpibot_port, "status", response_url=f"{hooks}status-{number}")
        for number in range(10)
    ]
    print(
        "/kpi status ack (a note; the answer follows): "
        f"median {statistics.median(status) * 1000:.0f} ms"
    )


def _percentiles(times: list[float]) -> str:
    cuts = statistics.quantiles(times, n=20)
    return (
        f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {cuts[-1] * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms"
    )


def mixed_load(
    port: int, hooks: str, requests: int, tag: str
) -> tuple[list[float], dict[int, str], int]:
    """20 clients send `requests` commands of the mix; the ack times, the ack bodies by
    request, and how many requests got no 200 ack."""
    times: list[float] = []
    bodies: dict[int, str] = {}
    failed = 0
    lock = threading.Lock()
    barrier = threading.Barrier(MIXED_CLIENTS)

    def client(first: int) -> None:
        nonlocal failed
        barrier.wait(timeout=60)
        for number in range(first, requests, MIXED_CLIENTS):
            answer: list[str] = []
            try:
                elapsed = signed_command(
                    port,
                    MIX[number % len(MIX)],
                    response_url=f"{hooks}{tag}-{number}",
                    channel=f"C0{tag.upper()}{number}",
                    answer=answer,
                )
            except (OSError, RuntimeError):
                with lock:
                    failed += 1
                continue
            with lock:
                times.append(elapsed)
                bodies[number] = answer[0]

    with ThreadPoolExecutor(max_workers=MIXED_CLIENTS) as pool:
        list(pool.map(client, range(MIXED_CLIENTS)))
    return times, bodies, failed


def follow_ups_settled(
    bodies: dict[int, str], tag: str, posted: Callable[[str], int]
) -> tuple[int, int, int]:
    """Of the mixed requests that need work after the ack: (delivered, answered busy in
    the ack or later, missing)."""
    delivered = busy = missing = 0
    for number, body in bodies.items():
        text = MIX[number % len(MIX)]
        if text == "nps":
            continue
        hook = f"hooks/{tag}-{number}"
        with _WebApi.lock:
            answered_busy = hook in _WebApi.busy
        if BUSY in body or answered_busy:
            busy += 1
        elif posted(f"message/C0{tag.upper()}{number}") or posted(hook):
            delivered += 1
        else:
            missing += 1
    return delivered, busy, missing


def measure_mixed(kpibot_port: int, minimal_port: int, hooks: str, requests: int) -> None:
    def posted(path: str) -> int:
        with _WebApi.lock:
            return _WebApi.posted.get(path, 0)

    minimal_times, _, minimal_failed = mixed_load(minimal_port, hooks, requests, "m")
    times, bodies, failed = mixed_load(kpibot_port, hooks, requests, "k")
    load_ended = time.monotonic()
    while (
        follow_ups_settled(bodies, "k", posted)[2]
        and time.monotonic() < load_ended + FOLLOW_UP_WAIT_SECONDS
    ):
        time.sleep(0.1)
    settled_after = time.monotonic() - load_ended
    delivered, busy, missing = follow_ups_settled(bodies, "k", posted)
    over = sum(1 for elapsed in times if elapsed > 1.0)
    print(f"{MIXED_CLIENTS} concurrent clients, {requests} requests of {' / '.join(MIX)}:")
    print(f"  kpibot ack: {_percentiles(times)}; {over} over 1 s (goal 0); {failed} not acked 200")
    print(
        f"  minimal Bolt app ack under the same load: {_percentiles(minimal_times)}; "
        f"{minimal_failed} not acked 200"
    )
    print(
        f"  ratio of p50s: {statistics.median(times) / statistics.median(minimal_times):.2f}x; "
        f"follow-ups: {delivered} delivered, {busy} answered busy, {missing} lost (goal 0), "
        f"the last {settled_after:.1f} s after the last ack"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="demo events to build")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--mixed", type=int, default=200, help="requests of the mixed load")
    parser.add_argument("--db", type=Path, help="reuse (or build once into) this SQLite file")
    parser.add_argument("--serve-minimal", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_minimal:
        serve_minimal(args.serve_minimal)
        return

    with tempfile.TemporaryDirectory() as temp:
        path = args.db or Path(temp) / "kpibot-bench.db"
        if not path.exists():
            started = time.perf_counter()
            # The server answers as of now, so the data runs up to today.
            today = datetime.now(ZONE).date()
            scale = scale_for(args.events, today)
            events = build_database(path, scale, today)
            print(
                f"built {path} with {events:,} events (demo scale {scale:.1f}) "
                f"in {time.perf_counter() - started:.0f} s"
            )
        web_api = ThreadingHTTPServer(("127.0.0.1", 0), _WebApi)
        threading.Thread(target=web_api.serve_forever, daemon=True).start()
        kpibot_port, minimal_port = free_port(), free_port()
        environment = {
            **{
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("KPIBOT_", "SLACK_"))
            },
            "KPIBOT_DATABASE_URL": f"sqlite:///{path}",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{web_api.server_port}/api/",
            "KPIBOT_SLACK_HOOKS_URL": f"http://127.0.0.1:{web_api.server_port}/hooks/",
        }
        kpibot = [str(KPIBOT), "serve", "--host", "127.0.0.1", "--port", str(kpibot_port)]
        minimal = [
            sys.executable,
            "-m",
            "benchmarks.slack_ack",
            "--serve-minimal",
            str(minimal_port),
        ]
        try:
            with (
                running(kpibot, environment) as kpibot_process,
                running(minimal, environment) as minimal_process,
            ):
                print(
                    f"kpibot serve and the minimal app: gunicorn gthread, "
                    f"{os.environ.get('KPIBOT_WEB_WORKERS', '2')} workers x "
                    f"{os.environ.get('KPIBOT_WEB_THREADS', '8')} threads, "
                    f"as of {datetime.now(ZONE):%Y-%m-%d %H:%M}"
                )
                wait_until_up(kpibot_port, kpibot_process, "/healthz")
                wait_until_up(minimal_port, minimal_process, "/healthz")
                hooks = environment["KPIBOT_SLACK_HOOKS_URL"]
                measure(kpibot_port, minimal_port, args.runs, hooks)
                measure_mixed(kpibot_port, minimal_port, hooks, args.mixed)
        finally:
            web_api.shutdown()
            web_api.server_close()


if __name__ == "__main__":
    main()
