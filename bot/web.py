"""The HTTP server: Slack's requests, a health check and the ingestion API, under gunicorn.

    POST /slack/events   slash commands, interactivity and events (Bolt verifies signatures)
    GET  /healthz        200 {"status": "ok"} when the database answers, else 503
    POST /api/v1/events  the ingestion API (`bot.ingest_api`)

`kpibot serve` runs `create_web_app` in gunicorn's threaded workers: each worker builds its
own services (database pool, Web API client) after the fork, never sharing connections.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.app import build_app
from bot.ingest_api import ingest
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger("kpibot.web")

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
INGEST_PATH = "/api/v1/events"
# Slack gives up on a request after 3 s; a worker thread stuck far longer is a bug.
WORKER_TIMEOUT_SECONDS = 30


def create_web_app(services: Services) -> Flask:
    """Build the WSGI app around the Bolt app."""
    slack = SlackRequestHandler(build_app(services.settings, services=services))
    web = Flask("kpibot")

    @web.post(SLACK_PATH)
    def slack_events() -> Response:
        response: Response = slack.handle(request)
        return response

    @web.get(HEALTH_PATH)
    def health() -> tuple[Response, int]:
        try:
            reachable = services.database.is_reachable()
        except Exception:
            log.exception("health check failed")
            reachable = False
        if reachable:
            return jsonify(status="ok"), 200
        return jsonify(status="unavailable", reason="the database does not answer"), 503

    @web.post(INGEST_PATH)
    def ingest_events() -> tuple[Response, int]:
        outcome = ingest(
            services,
            authorization=request.headers.get("Authorization"),
            content_type=request.headers.get("Content-Type"),
            content_length=request.content_length,
            stream=request.stream,
            forced_type=request.args.get("type"),
        )
        return jsonify(outcome.body), outcome.status

    return web


WsgiApp = Callable[..., Any]


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code, serving the app a factory builds in each worker."""

    def __init__(self, factory: Callable[[], WsgiApp], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        return self.factory()


def server_options(
    settings: Settings, *, host: str, port: int, verbose: bool = False
) -> dict[str, Any]:
    """gunicorn's settings: threaded workers on host:port."""
    return {
        "bind": f"{host}:{port}",
        "workers": settings.web_workers,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "kpibot",
        "accesslog": "-" if verbose else None,
        "errorlog": "-",
        "loglevel": "info" if verbose else "warning",
        # Each worker opens its own database pool after the fork.
        "preload_app": False,
    }


def run_server(factory: Callable[[], WsgiApp], options: dict[str, Any]) -> None:
    """Run gunicorn in the foreground until it is stopped."""
    GunicornServer(factory, options).run()
