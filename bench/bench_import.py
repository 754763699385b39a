"""Result import throughput and memory on PostgreSQL.

Arranges a dedicated database with 250,000 participants (COPY, seconds), then
imports CSV files of 10,000 and 100,000 rows — identifiers mixed (40% platform
id, 30% email, 30% last name + first name + birth date), 2% invalid rows, 1%
unmatched — each in its own process (into a new event each time), `--repeat`
times, and prints rows/s, the peak resident memory (it must not grow with the
file size) and the CPU time per row of the importing process and, where the
server runs on this machine, of the database backends (read from /proc). CPU per
row is much less noisy than rows/s on a machine shared with other work; the last
line of each size gives the medians.

    .venv/bin/python -m bench.bench_import [--participants 250000] [--rows 100000] [--repeat 3]
        [--keep | --reuse URL] [--large-only]

`--keep` leaves the arranged database (its URL is printed) and `--reuse URL` imports
into it again, skipping the arrangement (each run imports into a new event).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

PG_SERVER = os.environ.get("TALENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
        "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
        "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев"]  # fmt: skip
FIRST = ["Александр", "Максим", "Иван", "Артём", "Дмитрий", "Никита", "Михаил", "Даниил",
         "Егор", "Андрей", "Анна", "Мария", "Елена", "Дарья", "Алиса", "Полина", "Ксения",
         "Софья", "Алёна", "Виктория"]  # fmt: skip
NOW = datetime(2026, 11, 1, tzinfo=UTC)
BORN_FROM = date(2008, 1, 1)


ENDINGS = ["", "ин", "ец", "енко", "ский"]


def person(i: int) -> tuple[str, str, date, str]:
    rng = random.Random(i)
    return (
        rng.choice(LAST) + rng.choice(ENDINGS),
        rng.choice(FIRST),
        BORN_FROM + timedelta(days=rng.randrange(12 * 365)),
        f"p{i:07d}@bench.test",
    )


def arrange(url: str, participants: int) -> None:
    """Migrate and load the participants with COPY (ids 1..N)."""
    from tests.support.databases import migrate

    migrate(url.replace("postgresql://", "postgresql+psycopg://"))
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY participants (nickname, status, last_name, first_name, birth_date, email,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(participants):
                last, first, born, email = person(i)
                copy.write_row((f"b{i}", "REGISTERED", last, first, born, email, NOW, NOW))
        cur.execute(
            "INSERT INTO organizations (kind, name, created_at) VALUES ('ORGANIZER', 'Bench', %s)"
            " RETURNING id",
            (NOW,),
        )
        org = cur.fetchone()[0]  # type: ignore[index]
        cur.execute(
            "INSERT INTO accounts (role, created_at, email, organization_id, is_active)"
            " VALUES ('ORGANIZER', %s, 'bench@org.test', %s, true)",
            (NOW, org),
        )
    with psycopg.connect(url, autocommit=True) as conn:
        # as a live database would have it: statistics, hint bits and the visibility
        # map set (the server may run without autovacuum), not left to the first import
        conn.execute("VACUUM (ANALYZE) participants")


def new_event(url: str) -> int:
    with psycopg.connect(url) as conn:
        org = conn.execute("SELECT id FROM organizations WHERE name = 'Bench'").fetchone()[0]  # type: ignore[index]
        row = conn.execute(
            "INSERT INTO events (title, kind, level, season_code, starts_on, ends_on, is_online,"
            " organizer_id, status, participation, created_at, updated_at) VALUES (%s,"
            " 'OLYMPIAD', 'FEDERAL', '2026/27', '2026-10-01', '2026-10-02', true, %s,"
            " 'PUBLISHED', 'INDIVIDUAL', %s, %s) RETURNING id",
            (f"Bench {uuid.uuid4().hex[:6]}", org, NOW, NOW),
        ).fetchone()
        return int(row[0])  # type: ignore[index]


def write_file(path: Path, rows: int, participants: int) -> None:
    """Distinct participants per row; 2% invalid and 1% unmatched, spread evenly."""
    rng = random.Random(rows)
    chosen = rng.sample(range(participants), rows)
    with path.open("w", encoding="cp1251", newline="") as out:
        out.write("ID участника;Email;Фамилия;Имя;Дата рождения;Статус;Баллы;Макс. балл;Место\r\n")
        for n, i in enumerate(chosen):
            last, first, born, email = person(i)
            status, score = "участник", str(rng.randrange(0, 100))
            ident = ["", "", "", "", ""]
            if n % 100 in (0, 50):  # 2% invalid, three kinds
                kind = n % 3
                ident[0] = str(i + 1)
                if kind == 0:
                    status = "чемпион"
                elif kind == 1:
                    score = "150"
                else:
                    ident = ["", "", last, first, "31.02.2010"]
            elif n % 100 == 25:  # 1% unmatched
                ident[1] = f"nobody{n}@bench.test"
            elif n % 10 < 4:
                ident[0] = str(i + 1)
            elif n % 10 < 7:
                ident[1] = email.upper()
            else:
                ident[2:5] = [last.upper(), first, born.strftime("%d.%m.%Y")]
            out.write(";".join([*ident, status, score, "100", ""]) + "\r\n")


async def run_import(url: str, event_id: int, path: Path) -> dict[str, object]:
    from api.app import build_state
    from api.settings import Settings
    from domain.accounts import Role
    from domain.policy import Viewer
    from domain.services.imports import import_results

    settings = Settings(database_url=url.replace("postgresql://", "postgresql+psycopg://"),
                        var_dir=Path(tempfile.mkdtemp()), log_level="WARNING")  # fmt: skip
    state = build_state(settings)
    with psycopg.connect(url) as conn:
        account = conn.execute(
            "SELECT id, organization_id FROM accounts WHERE email = 'bench@org.test'"
        ).fetchone()
    viewer = Viewer(account_id=account[0], role=Role.ORGANIZER, organization_id=account[1])  # type: ignore[index]
    started, cpu_before = time.perf_counter(), _cpu()
    with path.open("rb") as stream:
        batch = await import_results(state.services.uow_factory, viewer, event_id, stream,
                                     path.name, state.services.clock,
                                     chunk_rows=settings.import_chunk_rows)  # fmt: skip
    seconds = time.perf_counter() - started
    await state.engine.dispose()
    return {
        "rows": batch.total_rows,
        "applied": batch.applied_rows,
        "unmatched": batch.unmatched_rows,
        "invalid": batch.invalid_rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(batch.total_rows / seconds),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "client_cpu_s": round(_cpu() - cpu_before, 2),
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class ServerCpu:
    """CPU seconds the database's backends used while a block ran, from /proc (the
    server must run on this machine; `None` otherwise). Sampled by a thread of this
    parent process, which is idle meanwhile, so the importing process is not charged."""

    def __init__(self, database: str) -> None:
        self.marker = database.encode()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ServerCpu:
        self._scan(self.first)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float | None:
        if not self.last:
            return None
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())

    def _sample(self) -> None:
        while not self.stop.wait(0.05):
            self._scan(self.last)
        self._scan(self.last)

    def _scan(self, into: dict[str, float]) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if not pid.isdigit():
                continue
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                if not command.startswith(b"postgres") or self.marker not in command:
                    continue  # a backend's title: `postgres: … user database host …`
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            into[pid] = (int(fields[11]) + int(fields[12])) / ticks


def measure(url: str, path: Path) -> dict[str, object]:
    event_id = new_event(url)
    with ServerCpu(url.rsplit("/", 1)[1]) as server:
        worker = subprocess.run(
            [sys.executable, "-m", "bench.bench_import", "--worker", url, str(event_id), str(path)],
            capture_output=True, text=True,
        )  # fmt: skip
    if worker.returncode != 0:
        raise SystemExit(worker.stderr)
    figures = json.loads(worker.stdout.strip().splitlines()[-1])
    rows = figures["rows"]
    figures["client_cpu_us_per_row"] = round(figures["client_cpu_s"] / rows * 1e6, 1)
    if server.seconds is not None:
        figures["db_cpu_s"] = round(server.seconds, 2)
        figures["db_cpu_us_per_row"] = round(server.seconds / rows * 1e6, 1)
    figures["file_mib"] = round(path.stat().st_size / 2**20, 1)
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return dict(figures)


def medians(runs: list[dict[str, object]]) -> dict[str, object]:
    """The median of each figure over the runs of one file (peak RSS: the highest)."""
    keys = ("rows_per_s", "seconds", "client_cpu_us_per_row", "db_cpu_us_per_row")
    summary: dict[str, object] = {"rows": runs[0]["rows"], "runs": len(runs)}
    for key in keys:
        values = [float(str(run[key])) for run in runs if key in run]
        if values:
            summary[f"median_{key}"] = round(statistics.median(values), 1)
    summary["max_rss_mib"] = max(float(str(run["max_rss_mib"])) for run in runs)
    return summary


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=250_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each file size")
    parser.add_argument("--worker", nargs=3, metavar=("URL", "EVENT", "FILE"))
    parser.add_argument("--reuse", metavar="URL", help="a database arranged by --keep")
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL printed)")
    parser.add_argument("--large-only", action="store_true", help="skip the 10x smaller file")
    args = parser.parse_args()
    if args.worker:
        url, event_id, path = args.worker
        print(json.dumps(asyncio.run(run_import(url, int(event_id), Path(path)))))
        return
    url = args.reuse or f"{PG_SERVER}/talent_bench_import_{uuid.uuid4().hex[:8]}"
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; PostgreSQL at {PG_SERVER}")
    if not args.reuse:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    try:
        if not args.reuse:
            started = time.perf_counter()
            arrange(url, args.participants)
            took = time.perf_counter() - started
            print(f"arranged {args.participants} participants in {took:.1f} s: {url}")
        with tempfile.TemporaryDirectory() as workdir:
            sizes = (args.rows,) if args.large_only else (args.rows // 10, args.rows)
            for rows in sizes:
                path = Path(workdir) / f"results_{rows}.csv"
                write_file(path, rows, args.participants)
                runs = []
                for _ in range(args.repeat):
                    runs.append(measure(url, path))
                    print(json.dumps(runs[-1]))
                print(json.dumps({"summary": medians(runs)}))
    finally:
        if not (args.keep or args.reuse):
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
