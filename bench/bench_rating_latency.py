"""From a moderator's approval to a subscriber on another process receiving the
rating event: p50 and p99 with 1,000 subscribers connected (target p99 < 250 ms).

Two `talent serve` processes on one fresh PostgreSQL database, as behind a load
balancer: 1,000 graphql-transport-ws subscribers of ten universities, 500 on each
process (`--layout one`: all on process A); the moderator's `decideAchievement`
calls alternate between the processes, one per second, and each approval is timed
for the subscribers on the *other* process. Every approval raises the points of
one of the board's leaders, so its batch reaches every subscriber (one message per
batch: its events in the window and the marker). Latency = the message's arrival
minus the moment the mutation was sent (so it includes the mutation itself). The
outbox delay (the approval's transaction → the consumer's rating update) is read
from `/metrics`.

    .venv/bin/python -m bench.bench_rating_latency [--subscribers 1000] [--approvals 40]
        [--no-gc-tenure]

The servers run with `TALENT_GC_TENURE` on. The subscriber clients find each
message's cursor without decoding the frame; the same cursors, in the same order,
must reach every subscriber (checked and printed).

The first approval each process handles after start warms its caches (the consumer's
board, the feed's first read, prepared statements): `--warmup` approvals are sent
first and not timed; the per-approval slowest delivery is printed so a tail shows
where it comes from.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from api.keys import generate_private_pem
from bench.bench_rating_recompute import machine
from bench.rating_data import Plan, create_database, drop_database, load, sqlalchemy_url
from tests.support.server import free_port

TALENT = str(Path(sys.executable).parent / "talent")
SEASON, DIRECTION = "2026/27", "ROBOTICS_PROGRAMMING"
DECIDE = """mutation($id: ID!) { decideAchievement(input: {id: $id, decision: APPROVED,
  version: 1}) { achievement { status } userErrors { code message } } }"""
LOGIN = """mutation($e: String!) { login(input: {email: $e, password: "bench-passphrase"}) {
  accessToken } }"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def serve(port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    log = open(cwd / f"server-{port}.log", "wb")
    return subprocess.Popen(
        [TALENT, "serve", "--port", str(port)], env=env, cwd=cwd, stdout=log, stderr=log,
    )  # fmt: skip


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


def prepare(url: str, approvals: int) -> list[str]:
    """One SUBMITTED achievement for each of the board's top `approvals` participants:
    INTERNATIONAL, WINNER, no event → 100 × 1.0 × 1.0 × 1.0 = 100 points, the most any
    item can be worth, so it enters the participant's best 8 and moves their points
    (and the batch is in every subscriber's `top: 100` window). An approval that
    changed nothing would send no message at all: the first version of this benchmark
    gave the same five leaders 60-point achievements, and most changed nothing."""
    from graphql_schema.ids import encode_id

    with psycopg.connect(url) as conn:
        leaders = [
            r[0]
            for r in conn.execute(
                "SELECT participant_id FROM rating_entries WHERE season_code = %s AND"
                " direction_code = %s AND ranked ORDER BY rank, participant_id LIMIT %s",
                (SEASON, DIRECTION, approvals),
            )
        ]
        ids = []
        now = datetime.now(UTC)
        for n in range(approvals):
            row = conn.execute(
                "INSERT INTO achievements (participant_id, title, kind, level, result_status,"
                " achieved_on, season_code, status, version, submitted_at, created_at, updated_at)"
                " VALUES (%s, %s, 'OLYMPIAD', 'INTERNATIONAL', 'WINNER', '2026-10-01', %s,"
                " 'SUBMITTED', 1, %s, %s, %s) RETURNING id",
                (leaders[n % len(leaders)], f"Bench {n}", SEASON, now, now, now),
            ).fetchone()
            assert row is not None
            conn.execute(
                "INSERT INTO achievement_directions (achievement_id, direction_code)"
                " VALUES (%s, %s)",
                (row[0], DIRECTION),
            )
            ids.append(encode_id("Achievement", int(row[0])))
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--results", type=int, default=400_000)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--universities", type=int, default=10)
    parser.add_argument("--approvals", type=int, default=40)
    parser.add_argument(
        "--warmup", type=int, default=2, help="approvals sent first and not timed (one per process)"
    )
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--layout", choices=["split", "one"], default="split")
    parser.add_argument(
        "--no-gc-tenure", action="store_true", help="servers without TALENT_GC_TENURE (A/B)"
    )
    args = parser.parse_args()
    print(machine())
    url = create_database("talent_bench_latency")
    work = Path(tempfile.mkdtemp())
    processes: list[subprocess.Popen[bytes]] = []
    try:
        loaded = load(url, Plan(args.participants, args.results, universities=args.universities))
        env = {
            **os.environ,
            "TALENT_MODE": "production",
            "TALENT_DATABASE_URL": sqlalchemy_url(url),
            "TALENT_JWT_PRIVATE_KEYS": generate_private_pem(),
            "TALENT_VAR_DIR": str(work / "var"),
            "TALENT_ARGON2_TIME_COST": "1",
            "TALENT_ARGON2_MEMORY_KIB": "64",
            "TALENT_MAX_SUBSCRIPTIONS_PER_CONNECTION": "5",
            "TALENT_GC_TENURE": "false" if args.no_gc_tenure else "true",
            "TALENT_LOG_LEVEL": "INFO" if os.environ.get("BENCH_DEBUG") else "WARNING",
        }
        run = {"env": env, "cwd": work, "check": True, "capture_output": True}
        started = time.perf_counter()
        subprocess.run([TALENT, "ratings", "recompute", "--season", SEASON], **run)  # type: ignore[call-overload]
        print(f"board of {args.participants:,} participants, {loaded.results:,} results "
              f"(full recompute {time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
        accounts = [("MODERATOR", "moderator@bench.test", None)] + [
            ("UNIVERSITY", f"u{n}@bench.test", f"Bench university {n}")
            for n in range(args.universities)
        ]
        for role, email, org in accounts:
            extra = ["--organization", org] if org else []
            subprocess.run([TALENT, "create-account", "--role", role, "--email", email,  # type: ignore[call-overload]
                            "--password", "bench-passphrase", *extra], **run)  # fmt: skip
        ids = prepare(url, args.warmup + args.approvals)
        ports = [free_port(), free_port()]
        processes += [serve(port, env, work) for port in ports]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_ready(base)
        http = httpx.Client(timeout=30)

        def token(base: str, email: str) -> str:  # tokens work on either process
            body = http.post(f"{base}/graphql", json={"query": LOGIN, "variables": {"e": email}})
            return str(body.json()["data"]["login"]["accessToken"])

        moderator = token(bases[1], "moderator@bench.test")
        universities = [token(bases[0], f"u{n}@bench.test") for n in range(args.universities)]
        halves = [args.subscribers // 2, args.subscribers - args.subscribers // 2]
        hosts = [0, 1] if args.layout == "split" else [0, 0]
        clients = []
        for k, count in enumerate(halves):
            out = work / f"subscribers-{k}.jsonl"
            ws = bases[hosts[k]].replace("http", "ws") + "/graphql"
            client = subprocess.Popen(
                [sys.executable, "-m", "bench.rating_subscribers", ws, SEASON, DIRECTION,
                 str(k * halves[0]), str(count), str(out), *universities],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                stderr=open(work / f"subscribers-{k}.err", "w"),
            )  # fmt: skip
            clients.append((client, out))
        connected = 0
        for client, _ in clients:
            assert client.stdout is not None
            connected += int(client.stdout.readline().split()[1])
        where = "500 on each process" if args.layout == "split" else "all on process A"
        print(f"{connected} of {args.subscribers} subscribers connected ({where})", flush=True)
        sent: list[float] = []
        targets: list[int] = []
        for n, achievement in enumerate(ids):
            if n == args.warmup:
                time.sleep(3)  # the warm-up batches are delivered before timing starts
                sent.clear()
                targets.clear()
            time.sleep(args.interval)
            target = n % 2 if args.layout == "split" else 1
            targets.append(target)
            sent.append(time.time())
            answer = http.post(
                f"{bases[target]}/graphql",
                json={"query": DECIDE, "variables": {"id": achievement}},
                headers={"Authorization": f"Bearer {moderator}"},
            ).json()
            decided = answer["data"]["decideAchievement"]["achievement"]
            assert decided["status"] == "APPROVED", answer
        time.sleep(3)
        rows = []
        for client, out in clients:
            assert client.stdin is not None
            client.stdin.close()
            client.wait(timeout=60)
            rows += [json.loads(line) for line in out.read_text().splitlines()]
        metrics = [http.get(f"{base}/metrics").text for base in bases]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        drop_database(url)
        if os.environ.get("BENCH_DEBUG"):
            for err in work.glob("subscribers-*.err"):
                print(err.name, err.read_text()[-2000:])
            for log in work.glob("server-*.log"):
                lines = [ln for ln in log.read_text().splitlines() if "talent.http" not in ln]
                print(log.name, "\n".join(lines[-40:]))

    latencies: list[float] = []
    missed = 0
    first: dict[tuple[int, int], float] = {}
    bounds = [*sent, float("inf")]
    ended = {row[0] for row in rows if row[2] in ("ERROR", "COMPLETE")}
    if ended:
        print(f"{len(ended)} subscriptions ended early (an error or completion)")
    rows = [row for row in rows if row[2] not in ("ERROR", "COMPLETE")]
    start = sent[0] if sent else 0.0
    rows = [row for row in rows if row[3] >= start]  # the warm-up's deliveries
    received: dict[int, list[str]] = {}
    for subscriber, cursor, _kind, _at in sorted(rows, key=lambda row: row[3]):
        received.setdefault(subscriber, []).append(cursor)
    common = Counter(tuple(cursors) for cursors in received.values()).most_common(1)
    expected = common[0][0] if common else ()
    differ = sum(1 for cursors in received.values() if tuple(cursors) != expected)
    differ += args.subscribers - len(received)
    print(f"every subscriber's messages: {len(expected)} cursors in order, the same for"
          f" {args.subscribers - differ} of {args.subscribers} subscribers")  # fmt: skip
    for subscriber, _cursor, _kind, at in rows:
        for i in range(len(sent)):
            if bounds[i] <= at < bounds[i + 1]:
                key = (subscriber, i)
                first[key] = min(first.get(key, at), at)
    host_of = [hosts[0]] * halves[0] + [hosts[1]] * halves[1]
    slowest: dict[int, float] = {}
    for i, moment in enumerate(sent):
        for subscriber in range(args.subscribers):
            if host_of[subscriber] == targets[i]:
                continue  # same process as the approval: not what is measured
            found = first.get((subscriber, i))
            if found is None:
                missed += 1
            else:
                latencies.append((found - moment) * 1000)
                slowest[i] = max(slowest.get(i, 0.0), (found - moment) * 1000)
    print(f"{len(sent)} approvals, {len(latencies):,} deliveries to subscribers on the other"
          f" process, {missed} missing; {len(rows):,} messages to all subscribers")  # fmt: skip
    print(f"approval → subscriber on the other process: p50 {percentile(latencies, 0.5):.0f} ms,"
          f" p90 {percentile(latencies, 0.9):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms,"
          f" max {max(latencies):.0f} ms")  # fmt: skip
    print("slowest delivery per approval (ms): "
          + " ".join(f"{slowest.get(i, float('nan')):.0f}" for i in range(len(sent))))  # fmt: skip
    for text in metrics:
        if os.environ.get("BENCH_DEBUG"):
            print("\n".join(line for line in text.splitlines() if "rating" in line))
        total = count = 0.0
        buckets: dict[str, float] = {}
        for line in text.splitlines():
            if line.startswith("talent_rating_outbox_delay_seconds_sum"):
                total = float(line.split()[-1])
            elif line.startswith("talent_rating_outbox_delay_seconds_count"):
                count = float(line.split()[-1])
            elif line.startswith("talent_rating_outbox_delay_seconds_bucket"):
                buckets[line.split('le="')[1].split('"')[0]] = float(line.split()[-1])
        if count:
            mean = 1000 * total / count
            slow = count - buckets.get("0.1", count)
            print(f"outbox delay (commit → update applied): mean {mean:.0f} ms, {count:.0f} rounds,"
                  f" {slow:.0f} over 100 ms")  # fmt: skip


if __name__ == "__main__":
    main()
