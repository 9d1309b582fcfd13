"""The HTTP server: Slack's requests, a health check and the ingestion API, under gunicorn.

    POST /slack/events   slash commands, interactivity and events
    GET  /healthz        200 {"status": "ok"} when the database answers in this process's
                         time zone, else 503 with the reason (in the language of
                         Accept-Language, ja or en, else KPIBOT_LOCALE)
    POST /api/v1/events  the ingestion API (`bot.http.ingest_api`)

A request to /slack/events reaches Bolt only once it is within the size limit (413, before
the body is read) and its signature checks out (401): Bolt parses a body before it
verifies it, and its error handling would then act on an unverified one. Every error is
answered in JSON, never with a page or a traceback: `{"error": …}` in the language of
Accept-Language (ja or en, else KPIBOT_LOCALE), except on Slack's route, which Slack alone
calls and whose errors stay in English.

`kpibot serve` runs `create_web_app` in gunicorn's threaded workers: each worker builds its
own services (database pool, Web API client) after the fork, never sharing connections.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from slack_bolt import BoltRequest
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_sdk.signature import SignatureVerifier
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from bot.database_problems import database_error_text
from bot.errors import new_reference
from bot.http.ingest_api import ingest, response_locale
from bot.http.request_body import TooLarge, read_limited
from bot.jobs.child import SchedulerChild
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.copy import t
from bot.slack.copy.keys import Text
from bot.slack.followups import close_all
from bot.slack.services import Services
from storage.db import DatabaseError, TimeZoneMismatch

log = logging.getLogger("kpibot.web")

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
INGEST_PATH = "/api/v1/events"
# Slack gives up on a request after 3 s; a worker thread stuck far longer is a bug.
WORKER_TIMEOUT_SECONDS = 30
# A button payload carries the whole view it came from: 100 blocks of Japanese text at
# Slack's limits, URL-encoded, come to under 3 MiB. Anything larger is no request from
# Slack, and is refused before it is read.
SLACK_MAX_BODY_BYTES = 4 * 1024 * 1024
# Slack refuses requests older than five minutes; so does Bolt, and so do we.
SIGNATURE_MAX_AGE_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Slack reads only the status of an error on its route: the words are for whoever sets the
# app up, in English like Slack's own API errors and the route's other refusals.
SLACK_ERRORS_LOCALE = "en"
# Methods every route takes (Flask answers them itself): not worth naming in an error.
_IMPLIED_METHODS = frozenset({"HEAD", "OPTIONS"})


def signed_by_slack(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """Whether a request carries Slack's signature of its body, made in the last 5 minutes.

    Anything malformed (a timestamp that is not a plain integer, a signature of the wrong
    shape, a body that is not UTF-8) is simply a bad signature.
    """
    if not secret or timestamp is None or signature is None:
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    if abs(now - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    expected = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=text)
    return expected is not None and hmac.compare_digest(expected, signature)


def _json_error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(error=message, **extra), status


def _http_error_text(error: HTTPException, locale: str) -> str:
    """Why a request was refused before any route answered it: no such URL, a method the
    URL does not take, or only the status for the rarer ones."""
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        named = sorted(set(error.valid_methods) - _IMPLIED_METHODS)
        methods = t(locale, Text.SEPARATOR).join(named or sorted(error.valid_methods))
        return t(locale, Text.HTTP_METHOD_NOT_ALLOWED, methods=methods)
    if error.code == 404:
        return t(locale, Text.HTTP_NOT_FOUND)
    return t(locale, Text.HTTP_FAILED, status=error.code or 500)


def create_web_app(services: Services) -> Flask:
    """Build the WSGI app around the Bolt app."""
    slack = build_app(services.settings, services=services)
    web = Flask("kpibot")
    secret = services.settings.slack_signing_secret
    signing_secret = secret.get_secret_value() if secret else ""

    @web.post(SLACK_PATH)
    def slack_events() -> Response | tuple[Response, int]:
        length = request.content_length
        try:
            if length is not None and length > SLACK_MAX_BODY_BYTES:
                raise TooLarge  # refused before a byte of it is read
            body = read_limited(request.stream, SLACK_MAX_BODY_BYTES)
        except TooLarge:
            return _json_error(413, "the request body is too large")
        headers = request.headers
        if not signed_by_slack(
            signing_secret,
            body,
            headers.get("X-Slack-Request-Timestamp"),
            headers.get("X-Slack-Signature"),
            time.time(),
        ):
            return _json_error(401, "invalid request signature")
        try:
            slack_request = BoltRequest(
                body=body.decode("utf-8"),  # signed_by_slack decoded it once already
                query=request.query_string.decode("utf-8", "replace"),
                headers=dict(headers),
            )
        except ValueError:
            # Signed, yet not what its Content-Type says.
            return _json_error(400, "the body does not match its Content-Type")
        return to_flask_response(slack.dispatch(slack_request))

    def error_locale() -> str:
        """The language of an error's words: Accept-Language's, but on Slack's route."""
        if request.path == SLACK_PATH:
            return SLACK_ERRORS_LOCALE
        return response_locale(request.headers.get("Accept-Language"), services.locale)

    @web.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int, dict[str, str]]:
        response, status = _json_error(error.code or 500, _http_error_text(error, error_locale()))
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # The methods the URL takes, as a 405 must say (RFC 9110); in one order, not a set's.
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response, status, headers

    @web.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[Response, int]:
        reference = new_reference()
        log.error("unexpected error (reference %s)", reference, exc_info=error)
        return _json_error(500, t(error_locale(), Text.HTTP_INTERNAL), reference=reference)

    @web.get(HEALTH_PATH)
    def health() -> tuple[Response, int]:
        locale = response_locale(request.headers.get("Accept-Language"), services.locale)
        try:
            services.database.check()
        except TimeZoneMismatch as error:
            # Zones and a command only: the one line an operator needs, nothing secret.
            log.warning("health check: %s", error)
            return jsonify(status="unavailable", reason=database_error_text(error, locale)), 503
        except DatabaseError as error:
            log.warning("health check: %s", error)
        except Exception:
            log.exception("health check failed")
        else:
            return jsonify(status="ok"), 200
        return jsonify(status="unavailable", reason=t(locale, Text.HEALTH_NO_ANSWER)), 503

    @web.post(INGEST_PATH)
    def ingest_events() -> tuple[Response, int, dict[str, str]]:
        outcome = ingest(
            services,
            authorization=request.headers.get("Authorization"),
            content_type=request.headers.get("Content-Type"),
            content_length=request.content_length,
            stream=request.stream,
            forced_type=request.args.get("type"),
            mapping_name=request.args.get("map"),
            accept_language=request.headers.get("Accept-Language"),
        )
        return jsonify(outcome.body), outcome.status, outcome.headers

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


def _close_follow_ups(_server: object, _worker: object) -> None:
    close_all()


def server_options(
    settings: Settings, *, host: str, port: int, verbose: bool = False, scheduler: bool = False
) -> dict[str, Any]:
    """gunicorn's settings: threaded workers on host:port; with `scheduler`, the master also
    runs one scheduler process (`bot.jobs.child`), not one per worker."""
    hooks: dict[str, Any] = {}
    if scheduler:
        child = SchedulerChild(verbose=verbose)
        hooks = {"when_ready": child.start, "on_exit": child.stop}
    return {
        **hooks,
        "bind": f"{host}:{port}",
        "workers": settings.web_workers,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "kpibot",
        # A stopping worker answers the work still queued after acks as busy, rather than
        # leaving its users with a pending note for ever.
        "worker_exit": _close_follow_ups,
        # gunicorn's control socket defaults to one path per user, which a second server
        # of the same user would share; kpibot does not use it.
        "control_socket_disable": True,
        "accesslog": "-" if verbose else None,
        "errorlog": "-",
        "loglevel": "info" if verbose else "warning",
        # Each worker opens its own database pool after the fork.
        "preload_app": False,
    }


def run_server(factory: Callable[[], WsgiApp], options: dict[str, Any]) -> None:
    """Run gunicorn in the foreground until it is stopped."""
    GunicornServer(factory, options).run()
