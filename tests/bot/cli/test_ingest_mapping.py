"""`kpibot ingest --map`: a payment processor's export and a Google Forms survey export import
without hand editing, through the mappings the README shows."""
# ruff: noqa: RUF001 (the survey's headers are Japanese, with full-width punctuation)

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.bot.conftest import Kpibot

STRIPE_MAPPING = """\
type: payment
columns:
  id: id
  customer: Customer ID
  at: Created date (UTC)
  amount: Amount
values:
  recurring: false
times_in: UTC
drop: [Description, Fee, Converted Currency]
skip:
  - column: Status
    not_equals: Paid
refuse:
  - column: Currency
    not_in: [jpy]
"""
STRIPE_EXPORT = """\
id,Description,Created date (UTC),Amount,Currency,Fee,Status,Customer ID,Converted Currency
ch_1,講座,2026-11-02 01:15:00,"29,800",jpy,1000,Paid,cus_A,jpy
ch_2,講座,2026-11-02 02:00:00,"29,800",jpy,1000,Failed,cus_B,jpy
ch_3,講座,2026-11-03 03:00:00,"4,380",jpy,150,Paid,cus_C,jpy
"""
FORMS_MAPPING = """\
type: survey
columns:
  id: [タイムスタンプ, メールアドレス]
  at: タイムスタンプ
  customer: メールアドレス
  nps: 友人や同僚に勧める可能性はどのくらいありますか？
  csat: 講座の満足度を教えてください
  ai_adoption: 実際にAIを使い始めましたか？
drop: [ご意見・ご感想]
"""
FORMS_EXPORT = """\
タイムスタンプ,メールアドレス,友人や同僚に勧める可能性はどのくらいありますか？,講座の満足度を教えてください,実際にAIを使い始めましたか？,ご意見・ご感想
2026/11/02 10:15:30,a@example.com,10,5,はい,とても良い
2026/11/02 11:00:00,b@example.com,6,3,いいえ,
"""


def stored(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "kpibot-test.db") as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def data_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kpibot-test.db'}"


def test_a_payment_export_imports_through_its_mapping_skipping_unpaid_rows(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "stripe.yaml").write_text(STRIPE_MAPPING, encoding="utf-8")
    (tmp_path / "payments.csv").write_text(STRIPE_EXPORT, encoding="utf-8")
    finished = kpibot(
        "ingest", "payments.csv", "--map", "stripe.yaml", cwd=tmp_path, database=data_url
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == (
        "payments.csv: 追加 2、更新 0、変更なし 0、却下 0、マッピングで除外 1\n"
    )
    assert stored(tmp_path, "SELECT id, customer, at, day, amount, recurring FROM payments") == [
        ("ch_1", "cus_A", "2026-11-02T01:15:00.000000+00:00", "2026-11-02", 29800, 0),
        ("ch_3", "cus_C", "2026-11-03T03:00:00.000000+00:00", "2026-11-03", 4380, 0),
    ]


def test_a_row_in_another_currency_is_refused_by_the_mapping_and_nothing_is_stored(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "stripe.yaml").write_text(STRIPE_MAPPING, encoding="utf-8")
    export = STRIPE_EXPORT + 'ch_4,講座,2026-11-04 03:00:00,"200",usd,10,Paid,cus_D,jpy\n'
    (tmp_path / "payments.csv").write_text(export, encoding="utf-8")
    finished = kpibot(
        "ingest", "payments.csv", "--map", "stripe.yaml", cwd=tmp_path, database=data_url
    )
    assert finished.returncode == 1
    assert finished.stderr.splitlines()[0] == (
        "payments.csv: 5 行目、Currency 列: 'usd' の行はこのマッピングでは取り込めません"
        "（取り込める値: jpy）"
    )
    assert stored(tmp_path, "SELECT count(*) FROM payments") == [(0,)]


def test_a_survey_export_with_japanese_headers_imports_through_its_mapping(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "forms.yaml").write_text(FORMS_MAPPING, encoding="utf-8")
    (tmp_path / "nps.csv").write_text(FORMS_EXPORT, encoding="utf-8")
    finished = kpibot("ingest", "nps.csv", "--map", "forms.yaml", cwd=tmp_path, database=data_url)
    assert finished.returncode == 0, finished.stderr
    assert stored(tmp_path, "SELECT id, customer, day, nps, csat, ai_adoption FROM surveys") == [
        ("2026/11/02 10:15:30:a@example.com", "a@example.com", "2026-11-02", 10, 5, 1),
        ("2026/11/02 11:00:00:b@example.com", "b@example.com", "2026-11-02", 6, 3, 0),
    ]
    again = kpibot("ingest", "nps.csv", "--map", "forms.yaml", cwd=tmp_path, database=data_url)
    assert again.stdout == "nps.csv: 追加 0、更新 0、変更なし 2、却下 0\n"


def test_a_mapping_naming_a_column_the_file_lacks_is_refused_before_any_row_is_read(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "forms.yaml").write_text(FORMS_MAPPING, encoding="utf-8")
    (tmp_path / "nps.csv").write_text(FORMS_EXPORT.replace("メールアドレス", "Email"))
    finished = kpibot(
        "ingest",
        "nps.csv",
        "--map",
        "forms.yaml",
        cwd=tmp_path,
        database=data_url,
        environment={"KPIBOT_LOCALE": "en"},
    )
    assert finished.returncode == 1
    assert finished.stderr == (
        "nps.csv: line 1: the file lacks columns the mapping names: メールアドレス "
        "(no row was read) (nothing stored)\n"
    )


@pytest.mark.parametrize(
    ("mapping", "key_path"),
    [
        ("type: rebate\n", "type"),
        ("columns: {id: [], at: when}\n", "columns.id"),
        ("skip: [{column: Status, equals: paid, in: [x]}]\n", "skip.0"),
        ("skip: [{column: Status, matches: 'p.*'}]\n", "skip.0.matches"),
        ("drop: Description\n", "drop"),
        ("colums: {id: id}\n", "colums"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_key_at_fault(
    kpibot: Kpibot, tmp_path: Path, data_url: str, mapping: str, key_path: str
) -> None:
    (tmp_path / "bad.yaml").write_text(mapping, encoding="utf-8")
    (tmp_path / "payments.csv").write_text(STRIPE_EXPORT, encoding="utf-8")
    finished = kpibot(
        "ingest", "payments.csv", "--map", "bad.yaml", cwd=tmp_path, database=data_url
    )
    assert finished.returncode == 2
    assert finished.stderr.startswith(f"kpibot: bad.yaml: {key_path}: "), finished.stderr
    assert not (tmp_path / "kpibot-test.db").exists() or stored(
        tmp_path, "SELECT count(*) FROM payments"
    ) == [(0,)]


def test_a_bad_mapping_names_each_key_at_fault_in_japanese_and_in_english(
    kpibot: Kpibot, tmp_path: Path, data_url: str
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "colums: {id: id}\nskip: [{column: Status, equals: paid, in: [x]}]\n", encoding="utf-8"
    )
    (tmp_path / "payments.csv").write_text(STRIPE_EXPORT, encoding="utf-8")
    command = ("ingest", "payments.csv", "--map", "bad.yaml")

    japanese = kpibot(*command, cwd=tmp_path, database=data_url)
    english = kpibot(*command, cwd=tmp_path, database=data_url, environment={"KPIBOT_LOCALE": "en"})

    assert (japanese.returncode, english.returncode) == (2, 2)
    assert japanese.stderr == (
        "kpibot: bad.yaml: skip.0: equals、not_equals、in、not_in "
        "のどれか1つだけを書いてください。colums: 知らないキーです（使えるのは type、columns、"
        "values、drop、skip、refuse、times_in）\n"
    )
    assert english.stderr == (
        "kpibot: bad.yaml: skip.0: give exactly one of equals, not_equals, in, not_in; "
        "colums: not a key a mapping knows (it knows type, columns, values, drop, skip, "
        "refuse, times_in)\n"
    )


@pytest.mark.parametrize(
    ("content", "japanese", "english"),
    [
        (b"type: \x07\n", "YAML として読めません", "not YAML"),
        (
            b"type: payment\ncolumns: {id: [id\nvalues: {}\n",
            "3 行目 7 文字目が YAML として読めません",
            "not YAML at line 3, column 7",
        ),
        (b"type: \x82\xa0\n", "UTF-8 のテキストではありません", "not UTF-8 text"),
        (
            b"type: payment\ntimes_in: Mars/Base\n",
            "times_in: 'Mars/Base' というタイムゾーンはありません（Asia/Tokyo や UTC のような "
            "IANA の名前を使います）",
            "times_in: unknown time zone 'Mars/Base' (use an IANA name such as Asia/Tokyo or UTC)",
        ),
    ],
)
def test_a_mapping_file_kpibot_cannot_read_is_refused_before_any_row_in_either_language(
    kpibot: Kpibot,
    tmp_path: Path,
    data_url: str,
    content: bytes,
    japanese: str,
    english: str,
) -> None:
    (tmp_path / "bad.yaml").write_bytes(content)
    (tmp_path / "payments.csv").write_text(STRIPE_EXPORT, encoding="utf-8")
    command = ("ingest", "payments.csv", "--map", "bad.yaml")

    in_japanese = kpibot(*command, cwd=tmp_path, database=data_url)
    in_english = kpibot(
        *command, cwd=tmp_path, database=data_url, environment={"KPIBOT_LOCALE": "en"}
    )

    assert in_japanese.returncode == 2
    assert in_japanese.stderr == f"kpibot: bad.yaml: {japanese}\n"
    assert in_english.stderr == f"kpibot: bad.yaml: {english}\n"
