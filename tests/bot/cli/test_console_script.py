"""`kpibot ingest` processes that overlap, are killed or are told to stop: the console
script run as real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.imports.worker import WORKER_MIN_BYTES
from tests.bot.cli.test_main import KPIBOT, PAYMENTS
from tests.bot.conftest import Kpibot


def start(*args: str, cwd: Path, database: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(KPIBOT), *args],
        cwd=cwd,
        env={**os.environ, "KPIBOT_DATABASE_URL": database},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def write_payments(path: Path, count: int, prefix: str = "p") -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(PAYMENTS)
        for n in range(count):
            out.write(f"payment,{prefix}{n},2026-11-{n % 28 + 1:02d} 10:00,c{n % 500},100,true\n")
    return path


def scalar(database: str, sql: str) -> object:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields follow the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def has_ended(pid: int) -> bool:
    """Whether a process has exited (gone, or a zombie nobody reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def wait_for_worker(process: subprocess.Popen[str], timeout: float = 30) -> int:
    """The pid of an ingest's worker process, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        workers = children(process.pid)
        if workers:
            return workers[0]
        time.sleep(0.02)
    raise AssertionError("no import worker started")


@pytest.fixture
def large_file(tmp_path: Path) -> Path:
    """A payments file large enough for a worker process and a few seconds of import."""
    path = write_payments(tmp_path / "large.csv", 80_000)
    assert path.stat().st_size > 3 * WORKER_MIN_BYTES
    return path


@pytest.fixture
def longer_file(tmp_path: Path) -> Path:
    """A payments file whose import outlasts the signal sent half a second into it, even on
    a machine busy with other tests (80,000 rows sometimes finished first)."""
    return write_payments(tmp_path / "large.csv", 400_000)


needs_cores = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="the import worker runs on multi-core machines"
)


def test_the_same_files_ingested_twice_at_once_are_stored_once_and_the_later_finds_them_unchanged(
    tmp_path: Path, migrated_url: str
) -> None:
    write_payments(tmp_path / "a.csv", 20_000, prefix="a")
    write_payments(tmp_path / "b.csv", 100, prefix="b")

    runs = [start("ingest", "a.csv", "b.csv", cwd=tmp_path, database=migrated_url) for _ in "12"]
    outputs = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all(stderr == "" for _, stderr in outputs), outputs
    # Each file is stored by whichever import got to it first (a writer's turn is per
    # file, so either may win either file) and found unchanged by the other.
    lines = sorted(line for stdout, _ in outputs for line in stdout.splitlines()[:2])
    assert lines == [
        "a.csv: 追加 0、更新 0、変更なし 20,000、却下 0",
        "a.csv: 追加 20,000、更新 0、変更なし 0、却下 0",
        "b.csv: 追加 0、更新 0、変更なし 100、却下 0",
        "b.csv: 追加 100、更新 0、変更なし 0、却下 0",
    ]
    assert scalar(migrated_url, "SELECT count(*) FROM payments") == 20_100


def test_enrollments_and_completions_ingested_at_once_leave_the_rollups_a_rebuild_agrees_with(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str
) -> None:
    customers = range(12_000)
    (tmp_path / "enrollments.csv").write_text(
        "type,id,customer,at,channel\n"
        + "".join(f"enrollment,e{n},c{n},2026-01-{n % 28 + 1:02d},ads\n" for n in customers)
    )
    (tmp_path / "completions.csv").write_text(
        "type,id,customer,at\n"
        + "".join(f"completion,k{n},c{n},2026-03-{n % 28 + 1:02d}\n" for n in customers)
    )

    runs = [
        start("ingest", name, cwd=tmp_path, database=migrated_url)
        for name in ("enrollments.csv", "completions.csv")
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    rebuilt = kpibot("db", "rebuild-rollups", cwd=tmp_path, database=migrated_url)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.count("（うち 0 行が違っていた）") == 4, rebuilt.stdout  # noqa: RUF001


@needs_cores
def test_a_killed_ingest_leaves_no_worker_behind_and_a_later_ingest_completes(
    kpibot: Kpibot, tmp_path: Path, migrated_url: str, large_file: Path
) -> None:
    run = start("ingest", large_file.name, cwd=tmp_path, database=migrated_url)
    worker = wait_for_worker(run)
    # Into the import's transaction, well before its end: half a second was sometimes long
    # enough for all 80,000 rows on a quiet machine, and the test then killed nothing.
    time.sleep(0.1)
    assert run.poll() is None, "the import ended before the test could kill it"

    run.kill()
    run.wait()
    killed = time.monotonic()
    while not has_ended(worker) and time.monotonic() - killed < 5:
        time.sleep(0.02)
    assert has_ended(worker), "the import worker outlived its importing process"

    again = kpibot("ingest", large_file.name, cwd=tmp_path, database=migrated_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("large.csv: 追加 80,000、更新 0、変更なし 0")


@needs_cores
@pytest.mark.parametrize(
    ("sent", "code", "message"),
    [(signal.SIGTERM, 143, "kpibot: 停止しました"), (signal.SIGINT, 130, "kpibot: 中断しました")],
)
def test_a_terminated_ingest_rolls_back_and_says_so_in_one_line(
    tmp_path: Path, migrated_url: str, longer_file: Path, sent: int, code: int, message: str
) -> None:
    run = start("ingest", longer_file.name, cwd=tmp_path, database=migrated_url)
    worker = wait_for_worker(run)
    time.sleep(0.5)

    run.send_signal(sent)
    _, stderr = run.communicate(timeout=30)

    assert run.returncode == code, stderr
    assert stderr.strip() == message
    assert has_ended(worker)
    assert scalar(migrated_url, "SELECT count(*) FROM payments") == 0
