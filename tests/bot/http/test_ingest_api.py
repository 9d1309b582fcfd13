"""`POST /api/v1/events`: `kpibot ingest`'s rules over HTTP, behind a bearer token."""
# ruff: noqa: RUF001 (the answers in Japanese have full-width parentheses)

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.http.ingest_api import database_failure, response_locale
from bot.slack.services import Services
from storage.db import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseFull,
    DatabaseProblem,
    DatabaseUnavailable,
    TimeZoneMismatch,
)
from tests.bot.conftest import (
    API_TOKEN,
    Answer,
    SlackAppServer,
    make_services,
    make_settings,
)
from tests.bot.mock_web_api import MockWebApi

PATH = "/api/v1/events"
JSONL = "application/x-ndjson"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}

PAYMENTS = [
    {
        "type": "payment",
        "id": "api-1",
        "customer": "c-1",
        "at": "2026-11-23 10:00",
        "amount": 29800,
        "recurring": False,
    },
    {
        "type": "payment",
        "id": "api-2",
        "customer": "c-2",
        "at": "2026-11-23T11:00:00+09:00",
        "amount": 4380,
        "recurring": True,
    },
]


def jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def post(
    app: SlackAppServer, body: str | bytes, content_type: str = JSONL, **headers: str
) -> Answer:
    return app.request("POST", PATH, body, {"Content-Type": content_type, **AUTH, **headers})


def payments_with_id_prefix(services: Services, prefix: str) -> int:
    path = services.settings.database_url.get_secret_value().removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        count: int = connection.execute(
            "SELECT count(*) FROM payments WHERE id LIKE ?", (f"{prefix}%",)
        ).fetchone()[0]
    return count


def test_json_lines_are_imported_and_counted(app: SlackAppServer, services: Services) -> None:
    answer = post(app, jsonl(PAYMENTS))
    assert (answer.status, answer.json) == (200, {"inserted": 2, "updated": 0, "unchanged": 0})
    assert payments_with_id_prefix(services, "api-") == 2


def test_a_measurement_posted_to_the_api_is_in_the_history_by_api(
    app: SlackAppServer, services: Services
) -> None:
    share = {"type": "measurement", "id": "s1", "kpi": "market_share", "at": "2026-10-01"}
    assert post(app, jsonl([{**share, "value": 4.2}])).status == 200
    assert post(app, jsonl([{**share, "value": 4.5}])).status == 200
    path = services.settings.database_url.get_secret_value().removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        history = connection.execute(
            "SELECT measurement_id, value, previous, entered_by FROM measurement_changes"
            " WHERE measurement_id = 's1' ORDER BY id"
        ).fetchall()
    assert history == [("s1", 4.2, None, "api"), ("s1", 4.5, 4.2, "api")]


def test_a_json_array_is_imported_and_posting_it_again_changes_nothing(
    app: SlackAppServer,
) -> None:
    first = post(app, json.dumps(PAYMENTS), "application/json; charset=utf-8")
    again = post(app, json.dumps(PAYMENTS), "application/json")
    assert first.json == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert again.json == {"inserted": 0, "updated": 0, "unchanged": 2}


def test_the_type_query_parameter_types_rows_without_one(app: SlackAppServer) -> None:
    rows = [{key: value for key, value in row.items() if key != "type"} for row in PAYMENTS]
    answer = app.request(
        "POST", f"{PATH}?type=payment", jsonl(rows), {"Content-Type": JSONL, **AUTH}
    )
    assert answer.json["inserted"] == 2


def test_bad_rows_are_all_listed_and_nothing_is_stored(
    app: SlackAppServer, services: Services
) -> None:
    rows: list[dict[str, object]] = [
        PAYMENTS[0],
        {**PAYMENTS[1], "amount": -5},
        {
            "type": "payment",
            "id": "api-3",
            "customer": "c-3",
            "at": "yesterday",
            "amount": 100,
            "recurring": True,
        },
        {"type": "teleport", "id": "x"},
    ]
    body = jsonl(rows) + "{not json\n"
    answer = post(app, body)
    assert answer.status == 422
    errors = answer.json["errors"]
    assert [(error["line"], error["column"]) for error in errors] == [
        (2, "amount"),
        (3, "at"),
        (4, "type"),
        (5, None),
    ]
    assert all(error["message"] for error in errors)
    assert payments_with_id_prefix(services, "api-") == 0


def test_manual_values_a_kpi_cannot_take_or_dated_in_the_future_are_a_422_saying_why(
    app: SlackAppServer, services: Services
) -> None:
    rows: list[dict[str, object]] = [
        {
            "type": "measurement",
            "id": "m1",
            "at": "2026-11-20",
            "kpi": "market_share",
            "value": 4.2,
        },
        {
            "type": "measurement",
            "id": "m2",
            "at": "2026-11-20",
            "kpi": "market_share",
            "value": 150,
        },
        {
            "type": "measurement",
            "id": "m3",
            "at": "2026-11-20",
            "kpi": "brand_search_rank",
            "value": 0,
        },
        {"type": "measurement", "id": "m4", "at": "2999-01-01", "kpi": "market_share", "value": 4},
    ]
    answer = post(app, jsonl(rows), **{"Accept-Language": "en-US,en;q=0.9"})
    assert answer.status == 422
    messages = [(error["line"], error["message"]) for error in answer.json["errors"]]
    assert [line for line, _ in messages] == [2, 3, 4]
    assert "150 is not a possible market_share: it is a number from 0 to 100" in messages[0][1]
    assert "a whole number from 1 to 1,000" in messages[1][1]
    assert "is in the future" in messages[2][1]
    japanese = post(app, jsonl(rows)).json["errors"]  # KPIBOT_LOCALE's language, ja
    assert [error["code"] for error in japanese] == [
        "impossible_value",
        "impossible_value",
        "measurement_in_future",
    ]
    assert (
        japanese[0]["message"] == "150 は market_share の値としてありえません（0以上100以下の数値）"
    )
    path = services.settings.database_url.get_secret_value().removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        stored = connection.execute("SELECT count(*) FROM measurements WHERE id LIKE 'm_'")
        assert stored.fetchone()[0] == 0


def test_bad_items_of_a_json_array_are_numbered_by_position(app: SlackAppServer) -> None:
    answer = post(
        app, json.dumps([PAYMENTS[0], "text", {**PAYMENTS[1], "id": ""}]), "application/json"
    )
    assert answer.status == 422
    assert [error["line"] for error in answer.json["errors"]] == [2, 3]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [('{"not": "an array"}', "application/json"), ("[1, 2", "application/json"), ("", JSONL)],
)
def test_a_body_that_is_no_rows_at_all_is_a_422_with_the_reason(
    app: SlackAppServer, body: str, content_type: str
) -> None:
    answer = post(app, body, content_type)
    assert answer.status == 422
    assert answer.json["errors"][0]["message"]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-token", f"Basic {API_TOKEN}", f"Bearer {API_TOKEN}x"],
)
def test_without_the_right_bearer_token_it_is_401_and_nothing_is_stored(
    app: SlackAppServer, services: Services, authorization: str | None
) -> None:
    headers = {"Content-Type": JSONL}
    if authorization is not None:
        headers["Authorization"] = authorization
    answer = app.request("POST", PATH, jsonl(PAYMENTS), headers)
    assert answer.status == 401
    assert payments_with_id_prefix(services, "api-") == 0


def test_without_kpibot_api_token_the_api_is_off(
    demo_url: str, slack_api: MockWebApi, start_app: Callable[[Services], SlackAppServer]
) -> None:
    app = start_app(make_services(make_settings(demo_url, slack_api, api_token=None)))
    answer = post(app, jsonl(PAYMENTS))
    assert answer.status == 404
    assert "KPIBOT_API_TOKEN" in answer.json["error"]


def test_a_body_above_the_limit_is_413_by_its_content_length(
    app: SlackAppServer, services: Services
) -> None:
    limit = services.settings.api_max_bytes
    body = jsonl(PAYMENTS) + " " * limit
    answer = post(app, body)
    assert answer.status == 413
    assert payments_with_id_prefix(services, "api-") == 0


def test_a_chunked_body_above_the_limit_is_413_when_read(
    app: SlackAppServer, services: Services
) -> None:
    limit = services.settings.api_max_bytes
    chunks = [jsonl(PAYMENTS).encode()] + [b" " * 4096] * (limit // 4096 + 2)
    host, port = app.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            "POST",
            PATH,
            body=iter(chunks),
            headers={"Content-Type": JSONL, **AUTH},
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 413
    finally:
        connection.close()
    assert payments_with_id_prefix(services, "api-") == 0


@pytest.mark.parametrize("content_type", ["text/csv", "application/xml", ""])
def test_other_content_types_are_415(app: SlackAppServer, content_type: str) -> None:
    assert post(app, jsonl(PAYMENTS), content_type).status == 415


def test_two_concurrent_posts_of_the_same_rows_both_succeed_once_stored(
    database_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
) -> None:
    services = make_services(make_settings(database_url, slack_api, api_max_bytes=1024 * 1024))
    app = start_app(services)
    rows = [
        {
            "type": "enrollment",
            "id": f"race-{n}",
            "customer": f"c-race-{n}",
            "at": f"2026-11-{1 + n % 20:02d} 10:00",
            "channel": "ads",
        }
        for n in range(400)
    ]
    body = "\n".join(json.dumps(row) for row in rows) + "\n"
    barrier = threading.Barrier(2)

    def post() -> Answer:
        barrier.wait(timeout=10)
        return app.request("POST", PATH, body, {"Content-Type": JSONL, **AUTH})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: post(), range(2)))
    assert [answer.status for answer in answers] == [200, 200], [a.raw for a in answers]
    counts = sorted((answer.json["inserted"], answer.json["unchanged"]) for answer in answers)
    assert counts == [(0, 400), (400, 0)]


INTERNAL = {"database": "postgresql+psycopg://db.internal/kpibot", "reason": "server closed"}


@pytest.mark.parametrize(
    ("error", "status", "retry"),
    [
        (DatabaseBusy(DatabaseProblem.BUSY, **INTERNAL), 503, True),
        (DatabaseUnavailable(DatabaseProblem.UNAVAILABLE, **INTERNAL), 503, True),
        (TimeZoneMismatch("UTC", "Asia/Tokyo", at_open=False), 503, True),
        (DatabaseFull(DatabaseProblem.FULL, database="sqlite:////var/lib/kpibot.db"), 507, False),
        (
            DatabaseCorrupt(DatabaseProblem.CORRUPT, database="sqlite:////var/lib/kpibot.db"),
            500,
            False,
        ),
    ],
)
def test_a_database_failure_says_whether_sending_again_can_help(
    error: DatabaseError, status: int, retry: bool
) -> None:
    answer = database_failure(error, "en")
    assert (answer.status, answer.body["retry"]) == (status, retry)
    assert ("Retry-After" in answer.headers) is retry
    # Where the database lives stays in the log.
    assert "db.internal" not in answer.body["error"] and "/var/lib" not in answer.body["error"]


@pytest.mark.parametrize(
    ("error", "japanese", "english"),
    [
        (
            DatabaseBusy(DatabaseProblem.BUSY, **INTERNAL),
            "データベースが別の取り込みで使用中です。何も保存していません。"
            "しばらくしてから送り直してください",
            "the database is busy with another import; nothing was stored, send it again later",
        ),
        (
            TimeZoneMismatch("UTC", "Asia/Tokyo", at_open=False),
            "データベースの日付のタイムゾーンがこのサーバーの設定と違うため、何も保存していません。"
            "サーバーがデータベースのタイムゾーンで再起動されてから送り直してください",
            "the database's days are in another time zone than this server's; nothing was "
            "stored, send it again once the server runs in the database's zone",
        ),
    ],
)
def test_a_database_failure_is_answered_in_the_language_of_accept_language(
    error: DatabaseError, japanese: str, english: str
) -> None:
    assert database_failure(error, response_locale("ja,en;q=0.5", "en")).body["error"] == japanese
    assert database_failure(error, response_locale("en-GB", "ja")).body["error"] == english


def test_an_empty_array_is_a_200_with_zero_counts(app: SlackAppServer) -> None:
    answer = post(app, "[]", "application/json")
    assert (answer.status, answer.json) == (200, {"inserted": 0, "updated": 0, "unchanged": 0})


SPELLINGS: list[tuple[dict[str, object], dict[str, object]]] = [
    ({"at": "2026/11/02"}, {"at": "2026-11-02"}),
    ({"at": "2026/1/5"}, {"at": "2026-01-05"}),
    ({"at": "2026/11/02 10:15"}, {"at": "2026-11-02 10:15"}),
    ({"at": "2026/11/02 10:15:30"}, {"at": "2026-11-02 10:15:30"}),
    ({"at": "2026年11月2日"}, {"at": "2026-11-02"}),
    ({"at": "2026年11月2日 10時15分"}, {"at": "2026-11-02 10:15"}),
    ({"at": "２０２６／１１／０２"}, {"at": "2026-11-02"}),
    ({"amount": "29,800"}, {"amount": 29800}),
    ({"amount": "¥29,800"}, {"amount": 29800}),
    ({"amount": "￥29,800"}, {"amount": 29800}),
    ({"amount": "29,800円"}, {"amount": 29800}),
    ({"amount": "\\29,800"}, {"amount": 29800}),
    ({"amount": "１０００"}, {"amount": 1000}),
    ({"recurring": "TRUE"}, {"recurring": True}),
    ({"recurring": "1"}, {"recurring": True}),
    ({"recurring": "yes"}, {"recurring": True}),
    ({"recurring": "はい"}, {"recurring": True}),
    ({"recurring": "いいえ"}, {"recurring": False}),
    ({"recurring": "FALSE"}, {"recurring": False}),
]


def test_every_spelling_posted_stores_the_row_its_plain_twin_stores(
    app: SlackAppServer, services: Services
) -> None:
    base = {**PAYMENTS[0], "at": "2026-11-02 10:15"}
    plain = [{**base, **twin, "id": f"plain-{n}"} for n, (_, twin) in enumerate(SPELLINGS)]
    spelled = [{**base, **cells, "id": f"spelled-{n}"} for n, (cells, _) in enumerate(SPELLINGS)]
    assert post(app, json.dumps(plain), "application/json").status == 200
    assert post(app, json.dumps(spelled), "application/json").json["inserted"] == len(SPELLINGS)
    path = services.settings.database_url.get_secret_value().removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        stored = dict(
            connection.execute(
                "SELECT id, json_array(at, day, customer, amount, recurring) FROM payments"
                " WHERE id LIKE 'plain-%' OR id LIKE 'spelled-%'"
            ).fetchall()
        )
    for number, (cells, _) in enumerate(SPELLINGS):
        assert stored[f"spelled-{number}"] == stored[f"plain-{number}"], cells


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        (None, "'1,2,3' は数値として読めません（カンマは3桁ごとの区切りだけに使えます: 29,800）"),
        ("en", "'1,2,3' is not a number (commas only group thousands: 29,800)"),
        (
            "fr-FR, en;q=0.8, ja;q=0.5",
            "'1,2,3' is not a number (commas only group thousands: 29,800)",
        ),
        (
            "en;q=0.3, ja-JP",
            "'1,2,3' は数値として読めません（カンマは3桁ごとの区切りだけに使えます: 29,800）",
        ),
        ("de", "'1,2,3' は数値として読めません（カンマは3桁ごとの区切りだけに使えます: 29,800）"),
    ],
)
def test_problems_are_worded_in_the_accept_language_and_their_codes_stay(
    app: SlackAppServer, accept_language: str | None, message: str
) -> None:
    headers = {} if accept_language is None else {"Accept-Language": accept_language}
    body = json.dumps([{**PAYMENTS[0], "amount": "1,2,3"}])
    answer = post(app, body, "application/json", **headers)
    assert answer.status == 422
    assert answer.json["errors"] == [
        {"line": 1, "column": "amount", "code": "bad_grouping", "message": message}
    ]


def test_the_errors_of_the_api_itself_follow_the_accept_language(app: SlackAppServer) -> None:
    english = post(app, "x", "text/csv", **{"Accept-Language": "en-GB"})
    japanese = post(app, "x", "text/csv")
    assert english.json == {
        "error": "send application/json (an array of objects) or application/x-ndjson"
    }
    assert japanese.json["error"].startswith("application/json")


@pytest.fixture
def mapped_app(
    tmp_path: Path,
    database_url: str,
    slack_api: MockWebApi,
    start_app: Callable[[Services], SlackAppServer],
) -> SlackAppServer:
    (tmp_path / "shop.yaml").write_text(
        "type: payment\ncolumns: {id: order, amount: total}\nvalues: {recurring: false}\n"
        "skip: [{column: state, in: [cancelled, refunded]}]\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.yaml").write_text("columns: [id]\n", encoding="utf-8")
    settings = make_settings(database_url, slack_api, import_mappings_dir=tmp_path)
    return start_app(make_services(settings))


def test_a_named_mapping_renames_types_and_skips_posted_rows(mapped_app: SlackAppServer) -> None:
    rows = [
        {"order": "o-1", "at": "2026-11-02", "customer": "c1", "total": "¥4,380", "state": "paid"},
        {"order": "o-2", "at": "2026-11-02", "customer": "c2", "total": 100, "state": "cancelled"},
    ]
    answer = mapped_app.request(
        "POST", f"{PATH}?map=shop", jsonl(rows), {"Content-Type": JSONL, **AUTH}
    )
    assert (answer.status, answer.json) == (
        200,
        {"inserted": 1, "updated": 0, "unchanged": 0, "skipped": 1},
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [("../shop", 400), ("/etc/passwd", 400), ("a/b", 400), ("shop.yaml", 400), ("nope", 404)],
)
def test_a_mapping_name_that_is_a_path_or_unknown_is_refused(
    mapped_app: SlackAppServer, name: str, status: int
) -> None:
    answer = mapped_app.request(
        "POST",
        f"{PATH}?{urlencode({'map': name})}",
        "[]",
        {"Content-Type": "application/json", **AUTH},
    )
    assert answer.status == status
    assert answer.json["error"]


def test_a_mapping_name_that_is_a_path_is_refused_in_the_language_of_accept_language(
    mapped_app: SlackAppServer,
) -> None:
    def refusal(language: str) -> str:
        answer = mapped_app.request(
            "POST",
            f"{PATH}?{urlencode({'map': '../shop'})}",
            "[]",
            {"Content-Type": "application/json", "Accept-Language": language, **AUTH},
        )
        assert answer.status == 400
        error: str = answer.json["error"]
        return error

    assert refusal("ja") == (
        "'../shop' はマッピング名として使えません（英数字、- と _ だけ。.yaml を除いたファイル名）"
    )
    assert refusal("en") == (
        "'../shop' is not a mapping name (letters, digits, - and _: the file's name without .yaml)"
    )


def test_a_broken_mapping_is_a_500_with_a_reference_and_its_fault_in_the_log(
    mapped_app: SlackAppServer, caplog: pytest.LogCaptureFixture
) -> None:
    answer = mapped_app.request(
        "POST", f"{PATH}?map=broken", "[]", {"Content-Type": "application/json", **AUTH}
    )
    assert answer.status == 500
    reference = answer.json["error"].split("参照ID ")[1].rstrip("）")
    assert answer.json["error"] == f"マッピング broken が壊れています（参照ID {reference}）"
    assert any(
        reference in record.getMessage()
        and record.getMessage().endswith(
            "broken.yaml: columns: must be keys with values (key: value)"
        )
        for record in caplog.records
    )


def test_without_a_mapping_folder_a_map_is_refused(app: SlackAppServer) -> None:
    answer = app.request(
        "POST", f"{PATH}?map=shop", "[]", {"Content-Type": "application/json", **AUTH}
    )
    assert answer.status == 400
    assert "KPIBOT_IMPORT_MAPPINGS_DIR" in answer.json["error"]
