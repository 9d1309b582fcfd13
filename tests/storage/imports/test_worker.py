"""Large files are prepared by a worker process: the outcome must not depend on it."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kpi_engine.catalog import ValueRule
from storage.db import Database, open_database
from storage.imports.ingest import ImportResult, import_file
from storage.imports.prepare import BATCH
from storage.imports.problems import FileProblem, ProblemCode, RowProblem
from storage.imports.readers import FileFormat
from storage.imports.worker import WORKER_MIN_BYTES, ImportWorkerError, worker_helps
from storage.schema import EVENT_MODELS, CustomerRollup, DailyFact
from tests.authors import TEST_AUTHOR

KPIS = {"brand_search_rank": ValueRule(minimum=1, whole=True)}
TOKYO = ZoneInfo("Asia/Tokyo")
HEADER = "type,id,at,customer,amount,recurring,channel,nps\n"


def mixed_rows(count: int, amount: int = 100) -> str:
    """Payments, enrollments and surveys, a few batches' worth."""
    lines = []
    for n in range(count):
        day = f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d} {n % 24:02d}:{n % 60:02d}"
        match n % 3:
            case 0:
                lines.append(f"payment,p{n},{day},c{n % 97},{amount + n},{n % 2 == 0},,\n")
            case 1:
                lines.append(f"enrollment,e{n},{day},c{n % 97},,,ads,\n")
            case _:
                lines.append(f"survey,s{n},{day}+00:00,c{n % 97},,,,{n % 11}\n")
    return HEADER + "".join(lines)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(database: Database, path: Path, *, worker: bool, **options: Any) -> ImportResult:
    return import_file(
        database,
        path,
        FileFormat.CSV,
        known_kpis=KPIS,
        worker=worker,
        **options,
        author=TEST_AUTHOR,
    )


def everything(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of every event table and rollup, in a stable order."""
    tables: dict[str, Any] = {**EVENT_MODELS, "facts": DailyFact, "customers": CustomerRollup}
    with database.read() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(select(model.__table__)))
            for name, model in tables.items()
        }


def test_a_worker_stores_exactly_what_the_importing_process_would(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", mixed_rows(BATCH * 2 + 10))
    stored = []
    for worker in (True, False):
        database = open_database(f"sqlite:///{tmp_path / f'{worker}.db'}", TOKYO)
        try:
            result = run(database, path, worker=worker)
            assert (result.inserted, result.rejected) == (BATCH * 2 + 10, [])
            stored.append(everything(database))
        finally:
            database.engine.dispose()
    assert stored[0] == stored[1]


def test_importing_a_large_file_again_changes_nothing(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", mixed_rows(BATCH + 10))
    run(database, path, worker=True)
    before = everything(database)
    again = run(database, path, worker=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, BATCH + 10)
    assert everything(database) == before


def test_changed_rows_of_a_large_file_are_updated(database: Database, tmp_path: Path) -> None:
    run(database, write(tmp_path / "first.csv", mixed_rows(BATCH + 10)), worker=True)
    result = run(database, write(tmp_path / "second.csv", mixed_rows(BATCH + 10, 5)), worker=True)
    payments = len(range(0, BATCH + 10, 3))
    assert (result.inserted, result.updated) == (0, payments)
    assert result.unchanged == BATCH + 10 - payments


def test_a_stored_id_met_twice_with_other_content_is_refused(
    database: Database, tmp_path: Path
) -> None:
    run(database, write(tmp_path / "first.csv", mixed_rows(30)), worker=True)
    text = mixed_rows(BATCH + 10)
    text += "payment,p3,2026-01-01 00:00,c1,1,true,,\n"
    result = run(database, write(tmp_path / "again.csv", text), worker=True)
    assert result.problems == [RowProblem(BATCH + 12, "id", ProblemCode.REPEATED_ID, {"id": "p3"})]
    assert not result.stored


def test_row_problems_found_in_the_worker_name_their_lines(
    database: Database, tmp_path: Path
) -> None:
    text = mixed_rows(BATCH + 10) + "payment,bad,2026-01-01,c1,-5,true,,\n"
    result = run(database, write(tmp_path / "bad.csv", text), worker=True)
    assert [(problem.line, problem.column) for problem in result.problems] == [
        (BATCH + 12, "amount")
    ]
    assert not result.stored
    assert everything(database)["payment"] == []


def test_an_unreadable_file_is_a_file_problem_naming_its_line(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(mixed_rows(BATCH + 10).encode() + b"payment,x\xe9,2026-01-01,c,1,true,,\n")
    with pytest.raises(FileProblem) as problem:
        run(database, path, worker=True)
    assert problem.value.code is ProblemCode.NOT_DECODABLE
    assert problem.value.line == BATCH + 12
    assert everything(database)["payment"] == []


def test_a_worker_that_fails_is_reported_and_nothing_is_stored(
    database: Database, tmp_path: Path
) -> None:
    with pytest.raises(ImportWorkerError) as failure:
        run(database, tmp_path / "gone.csv", worker=True)
    assert failure.value.failure is not None
    assert failure.value.failure.startswith("FileNotFoundError: ")
    assert failure.value.details.startswith("Traceback")


def test_a_worker_that_dies_is_reported_and_nothing_is_stored(
    database: Database, tmp_path: Path
) -> None:
    # A FIFO keeps the worker waiting for more of the file, alive until it is killed.
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)
    killed = threading.Event()

    def feed() -> None:
        # The worker may die before it has read everything: that is the point.
        with contextlib.suppress(BrokenPipeError), path.open("w", encoding="utf-8") as fifo:
            fifo.write(mixed_rows(BATCH * 2))
            fifo.flush()
            killed.wait(timeout=30)

    def kill_the_worker(_size: int) -> None:
        for child in multiprocessing.active_children():
            if child.pid:
                os.kill(child.pid, signal.SIGKILL)
        killed.set()

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        with pytest.raises(ImportWorkerError) as stopped:
            run(database, path, worker=True, progress=kill_the_worker)
        assert stopped.value.exit_code == -signal.SIGKILL
    finally:
        killed.set()
        feeder.join()
    assert everything(database)["payment"] == []


def test_an_import_that_fails_here_stops_its_worker(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", mixed_rows(BATCH * 4))

    def fail(_size: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(database, path, worker=True, progress=fail)
    assert multiprocessing.active_children() == []
    assert everything(database)["payment"] == []


def test_progress_counts_every_byte_of_the_file(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", mixed_rows(BATCH + 10))
    seen: list[int] = []
    run(database, path, worker=True, progress=seen.append)
    assert sum(seen) == path.stat().st_size


def test_a_large_file_gets_a_worker_in_a_single_threaded_process(tmp_path: Path) -> None:
    large = tmp_path / "large.csv"
    large.write_bytes(b"x" * WORKER_MIN_BYTES)
    # A fresh interpreter: this one may run other tests' threads.
    answer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from storage.imports.worker import worker_helps;"
            " print(worker_helps(Path(sys.argv[1])))",
            str(large),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert answer == str(len(os.sched_getaffinity(0)) > 1)


def test_small_files_and_threaded_processes_do_without_a_worker(tmp_path: Path) -> None:
    large = tmp_path / "large.csv"
    large.write_bytes(b"x" * WORKER_MIN_BYTES)
    assert not worker_helps(write(tmp_path / "small.csv", mixed_rows(10)))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not worker_helps(large)
    finally:
        stop.set()
        other.join()
