"""`kpibot record --delete` and `kpibot history`: every change to a manual measurement, by
the operating-system user who made it, listed in the user's language. On both backends."""
# ruff: noqa: RUF001 (the answers are Japanese, with full-width parentheses)

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.bot.conftest import Kpibot

ALICE = {"LOGNAME": "alice"}
# An entry's time is when it was entered (now); what follows it is the change and its author.
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  (?P<change>.+)$")


def changes(listing: str) -> list[str]:
    """The history's lines without their entry times."""
    found = []
    for line in listing.splitlines()[1:]:
        match = LINE.match(line)
        assert match is not None, line
        found.append(match["change"])
    return found


def test_record_replace_delete_and_the_history_that_lists_them(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str
) -> None:
    def run(*args: str) -> str:
        finished = kpibot(*args, cwd=tmp_path, database=migrated_url, environment=ALICE)
        assert finished.returncode == 0, finished.stderr
        return finished.stdout

    run("record", "brand_search_rank", "4", "--at", "2026-11-20")
    replaced = run("record", "brand_search_rank", "5", "--at", "2026-11-20")
    assert replaced == (
        "✅ ブランド認知度（検索順位） の 2026-11-20 の値を 4位 から 5位 に更新しました。\n"
    )
    deleted = run("record", "brand_search_rank", "--delete", "--at", "2026-11-20")
    assert deleted == "🗑️ ブランド認知度（検索順位） の 2026-11-20 の値 5位 を削除しました。\n"
    nothing = run("record", "brand_search_rank", "--delete", "--at", "2026-11-20")
    assert nothing == (
        "ブランド認知度（検索順位） には 2026-11-20 の値がありません。何も削除していません。\n"
    )

    listing = run("history", "検索順位")
    assert listing.splitlines()[0] == (
        "ブランド認知度（検索順位） (brand_search_rank) の変更履歴（Asia/Tokyo、古い順、最新 3 件）"
    )
    assert changes(listing) == [
        "2026-11-20 の値 4位 を記録（cli:alice）",
        "2026-11-20 の値を 4位 から 5位 に変更（cli:alice）",
        "2026-11-20 の値 5位 を削除（cli:alice）",
    ]
    english = kpibot(
        "history",
        "brand_search_rank",
        "--limit",
        "1",
        cwd=tmp_path,
        database=migrated_url,
        environment={"KPIBOT_LOCALE": "en"},
    )
    assert english.stdout.splitlines()[0] == (
        "Changes to Brand awareness (search rank) (brand_search_rank)"
        " (Asia/Tokyo, oldest first, latest 1)"
    )
    assert changes(english.stdout) == ["deleted #5 for 2026-11-20 (cli:alice)"]

    as_json = json.loads(run("history", "brand_search_rank", "--json"))
    assert [(c["change"], c["value"], c["previous"], c["entered_by"]) for c in as_json] == [
        ("entered", 4.0, None, "cli:alice"),
        ("replaced", 5.0, 4.0, "cli:alice"),
        ("deleted", None, 5.0, "cli:alice"),
    ]
    assert {c["at"] for c in as_json} == {"2026-11-19T15:00:00+00:00"}


def test_an_import_is_in_the_history_by_whoever_ran_it(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str
) -> None:
    (tmp_path / "shares.csv").write_text(
        "type,id,kpi,at,value\nmeasurement,s1,market_share,2026-10-01T10:30:00+09:00,4.2\n",
        encoding="utf-8",
    )
    ingested = kpibot(
        "ingest", "shares.csv", cwd=tmp_path, database=migrated_url, environment=ALICE
    )
    assert ingested.returncode == 0, ingested.stderr
    listing = kpibot("history", "market_share", cwd=tmp_path, database=migrated_url)
    assert changes(listing.stdout) == ["2026-10-01 10:30 の値 4.2 % を記録（cli:alice）"]


def test_an_empty_history_says_so(kpibot: Kpibot, tmp_path: Path, migrated_url: str) -> None:
    finished = kpibot("history", "market_share", cwd=tmp_path, database=migrated_url)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "市場シェア (market_share) の値はまだ記録されていません。\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("record", "market_share", "--delete"),
            "--delete には削除する日を --at DATE（YYYY-MM-DD）で指定してください",
        ),
        (
            ("record", "market_share", "--delete", "--at", "2026-13-01"),
            "--delete には削除する日を --at DATE（YYYY-MM-DD）で指定してください",
        ),
        (
            ("record", "market_share", "--delete", "--at", "2026-11-01T10:00"),
            "--delete には削除する日を --at DATE（YYYY-MM-DD）で指定してください",
        ),
        (
            ("record", "market_share", "4", "--delete", "--at", "2026-11-01"),
            "--delete には VALUE を指定しません",
        ),
        (
            ("record", "market_share"),
            "記録する VALUE を指定してください（削除なら --delete と --at DATE）",
        ),
        (("record", "nps", "--delete", "--at", "2026-11-01"), "値を記録できません"),
        (("history", "nps"), "値を記録できません"),
        (("history", "no_such_kpi"), "'no_such_kpi' に当たるKPIはありません"),
        (
            ("history", "market_share", "--limit", "0"),
            "--limit: '0' は 1 から 10,000 までの整数ではありません",
        ),
        (("history", "market_share", "--limit", "1e3"), "1 から 10,000 までの整数ではありません"),
    ],
)
def test_a_wrong_deletion_or_history_request_exits_2_and_changes_nothing(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str, args: tuple[str, ...], message: str
) -> None:
    kept = kpibot(
        "record", "market_share", "4.2", "--at", "2026-11-01", cwd=tmp_path, database=migrated_url
    )
    assert kept.returncode == 0, kept.stderr
    finished = kpibot(*args, cwd=tmp_path, database=migrated_url)
    assert finished.returncode == 2
    assert message in finished.stderr
    assert "Traceback" not in finished.stderr
    listing = kpibot("history", "market_share", "--json", cwd=tmp_path, database=migrated_url)
    assert [change["change"] for change in json.loads(listing.stdout)] == ["entered"]
