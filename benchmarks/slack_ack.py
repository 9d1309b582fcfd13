"""Time from a signed `/kpi` request to its ack, served by `kpibot serve` on loopback.

Builds a demo database of about 1,000,000 events (storage.demo, scale ~80) once, starts
`kpibot serve` on it and, behind the same gunicorn set-up (same workers, threads and Bolt
options), a minimal Bolt app that acks `/kpi` with a fixed text. The Web API both call
(Bolt's one auth.test per worker) is a local stand-in. Then:

* the median request→ack time of `/kpi nps` against the minimal app, measured interleaved
  in the same run (goal: ratio at most 3x);
* bursts of 20 concurrent `/kpi KPI` requests, one per KPI (goal: no ack over 1 s);
* for information, the median ack of `/kpi status`, which acks with a note at once and
  answers after the ack.

    python -m benchmarks.slack_ack [--events 1000000] [--runs 200] [--db PATH]

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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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


class _WebApi(BaseHTTPRequestHandler):
    """Slack's Web API as far as Bolt needs it here: auth.test, and ok for the rest."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {"ok": True, "user_id": "U0BENCH", "bot_id": "B0BENCH", "team_id": "T0BENCH"}
        ).encode()
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


def signed_command(port: int, text: str) -> float:
    """POST a signed `/kpi text`; return the seconds until the ack arrived in full."""
    body = urlencode(
        {
            "command": "/kpi",
            "text": text,
            "user_id": "U0BENCH",
            "channel_id": "C0BENCH",
            "team_id": "T0BENCH",
            "response_url": "http://127.0.0.1:9/unused",
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
        response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"/kpi {text} answered {response.status}")
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

    from bot.app import bolt_log
    from bot.settings import load_settings
    from bot.slack_client import build_web_client
    from bot.web import run_server, server_options

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


def measure(kpibot_port: int, minimal_port: int, runs: int) -> None:
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
    status = [signed_command(kpibot_port, "status") for _ in range(10)]
    print(
        "/kpi status ack (a note; the answer follows): "
        f"median {statistics.median(status) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="demo events to build")
    parser.add_argument("--runs", type=int, default=200)
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
                measure(kpibot_port, minimal_port, args.runs)
        finally:
            web_api.shutdown()
            web_api.server_close()


if __name__ == "__main__":
    main()
