"""A leaderboard page of 100 rows for a university: requests per second on one
process and latency percentiles under 16 concurrent connections (target ≥ ~300
req/s, the PostGraphile figure on this machine).

One `talent serve` process (one worker) on a fresh PostgreSQL database with a
board of 50,000 ranked participants, 30% of them sharing with the university (so
a page mixes named and anonymous rows, and each request logs the personal data it
serves). `wrk` (Debian's package) drives 16 connections over 2 threads for 20 s,
after a warm-up; run with the response cache (the default) and without it
(`TALENT_LEADERBOARD_CACHE_SIZE=0`), for the first page and for ten pages in turn; and,
first, cached with other participants' consent changes written to the outbox meanwhile
(`--writes`, a second), counting the cache hits (`--only-writes`: just that run).

    .venv/bin/python -m bench.bench_leaderboard [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psycopg

from api.keys import generate_private_pem
from bench.bench_rating_latency import LOGIN, TALENT, serve, wait_ready
from bench.bench_rating_recompute import machine
from bench.rating_data import Plan, create_database, drop_database, load, sqlalchemy_url
from tests.support.server import free_port

SEASON, DIRECTION = "2026/27", "ROBOTICS_PROGRAMMING"
QUERY = """query Board($s: String!, $d: String!, $after: String) {
  leaderboard(season: $s, direction: $d, first: 100, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    edges { node { rank points tier percentile region { code }
      participant { id nickname lastName firstName } } } } }"""

LUA = """
local bodies = {%s}
local n = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; answered = 0 end
request = function()
  n = n + 1
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %s"
  }, bodies[(n %% #bodies) + 1])
end
function response(status, headers, body)
  answered = answered + 1
  if headers["x-talent-cache"] == "hit" then hits = hits + 1 end
end
function done(summary, latency, requests)
  local h, a = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); a = a + t:get("answered") end
  io.write(string.format("cache hits: %%d of %%d\\n", h, a))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk(base: str, script: Path, seconds: int) -> tuple[float, dict[str, str], int]:
    """(requests/s, latency percentiles, non-2xx count) from wrk's report."""
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    spread = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    hits = re.search(r"cache hits: (\d+) of (\d+)", out)
    if hits:
        spread["hits"] = f"{int(hits.group(1)):,} of {int(hits.group(2)):,}"
    return rate, spread, int(errors.group(1)) if errors else 0


class OtherConsents(threading.Thread):
    """Consent changes of participants at the bottom of the board (on none of the pages
    read), `rate` a second, written to the outbox as the consent use case writes them:
    the traffic of a busy platform as the cache's validity check sees it. PUBLICATION
    changes, which the rating consumer has nothing to do for."""

    def __init__(self, url: str, rate: float) -> None:
        super().__init__(daemon=True)
        self.url, self.rate, self.stop, self.written = url, rate, threading.Event(), 0

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            bottom = [
                r[0]
                for r in conn.execute(
                    "SELECT participant_id FROM rating_entries WHERE season_code = %s AND "
                    "direction_code = %s AND ranked ORDER BY rank DESC LIMIT 1000",
                    (SEASON, DIRECTION),
                )
            ]
            while not self.stop.wait(1 / self.rate):
                payload = {"participant_id": bottom[self.written % len(bottom)],
                           "purpose": "PUBLICATION", "status": "ACTIVE"}  # fmt: skip
                conn.execute(
                    "INSERT INTO outbox (topic, payload, created_at) "
                    "VALUES ('consent.changed', %s, now())",
                    (json.dumps(payload),),
                )
                self.written += 1


def scenario(
    label: str,
    env: dict[str, str],
    work: Path,
    token: str,
    pages: int,
    seconds: int,
    writes: float = 0,
) -> None:
    port = free_port()
    process = serve(port, env, work)
    base = f"http://127.0.0.1:{port}"
    writer = None
    try:
        wait_ready(base)
        bodies, after = [], None
        with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
            for _ in range(pages):
                body = {"query": QUERY, "variables": {"s": SEASON, "d": DIRECTION, "after": after}}
                answer = http.post(f"{base}/graphql", json=body).json()
                assert "errors" not in answer, answer
                edges = answer["data"]["leaderboard"]["edges"]
                named = sum(1 for e in edges if e["node"]["participant"])
                bodies.append(json.dumps(body))
                after = answer["data"]["leaderboard"]["pageInfo"]["endCursor"]
        script = work / f"{re.sub(r'[^a-z0-9]+', '-', label.lower())}.lua"
        script.write_text(LUA % (", ".join(lua_string(b) for b in bodies), token))
        wrk(base, script, 3)  # warm-up
        if writes:
            writer = OtherConsents(plain_url(env["TALENT_DATABASE_URL"]), writes)
            writer.start()
        rate, spread, errors = wrk(base, script, seconds)
        if writer is not None:
            writer.stop.set()
            writer.join()
            label += f" ({writer.written:,} outbox messages in the run)"
        backlog = journal_backlog(env["TALENT_DATABASE_URL"])
        print(
            f"{label}: {rate:,.0f} req/s; latency p50 {spread.get('50')}, p90 {spread.get('90')},"
            f" p99 {spread.get('99')}; cache hits {spread.get('hits')}; non-2xx {errors};"
            f" {named}/100 rows named on the last page;"
            f" {backlog:,} access-journal rows not yet settled",
            flush=True,
        )
    finally:
        process.terminate()
        stopping = time.monotonic()
        process.wait(timeout=600)  # shutdown settles the journal's backlog first
    print(f"  shutdown (settling the backlog) took {time.monotonic() - stopping:.1f} s", flush=True)


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def journal_backlog(url: str) -> int:
    """Journal rows the server has not moved into `access_log` yet: reads served faster
    than the settler expands them (100 `access_log` rows per page)."""
    with psycopg.connect(plain_url(url)) as conn:
        row = conn.execute("SELECT count(*) FROM access_log_journal").fetchone()
        return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument(
        "--writes", type=float, default=20, help="other participants' consent changes a second"
    )
    parser.add_argument("--only-writes", action="store_true", help="only the run with writes")
    parser.add_argument("--keep", action="store_true", help="keep the loaded database")
    parser.add_argument("--reuse", metavar="URL", help="a database kept by --keep")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    print(machine())
    url = args.reuse or create_database("talent_bench_board")
    work = Path(tempfile.mkdtemp())
    try:
        if not args.reuse:
            load(url, Plan(args.participants, args.results, universities=1, sharing=0.3))
        env = {
            **os.environ,
            "TALENT_MODE": "production",
            "TALENT_DATABASE_URL": sqlalchemy_url(url),
            "TALENT_JWT_PRIVATE_KEYS": generate_private_pem(),
            "TALENT_VAR_DIR": str(work / "var"),
            "TALENT_ARGON2_TIME_COST": "1",
            "TALENT_ARGON2_MEMORY_KIB": "64",
            "TALENT_LOG_LEVEL": "WARNING",
        }
        run = {"env": env, "cwd": work, "check": True, "capture_output": True}
        if not args.reuse:
            subprocess.run([TALENT, "ratings", "recompute", "--season", SEASON], **run)  # type: ignore[call-overload]
            subprocess.run([TALENT, "create-account", "--role", "UNIVERSITY", "--email",  # type: ignore[call-overload]
                            "u@bench.test", "--password", "bench-passphrase", "--organization",
                            "Bench university 0"], **run)  # fmt: skip
        port = free_port()
        process = serve(port, env, work)
        try:
            wait_ready(f"http://127.0.0.1:{port}")
            answer = httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": LOGIN, "variables": {"e": "u@bench.test"}},
            ).json()
            token = answer["data"]["login"]["accessToken"]
        finally:
            process.terminate()
            process.wait(timeout=30)
        print(f"board: {args.participants:,} participants; token lifetime is enough for the run")
        time.sleep(1)
        label = f"cached, 10 pages in turn, {args.writes:g} consent changes/s of others"
        scenario(label, env, work, token, 10, args.seconds, args.writes)
        if args.only_writes:
            return
        for cache in (True, False):
            variant = env if cache else {**env, "TALENT_LEADERBOARD_CACHE_SIZE": "0"}
            name = "cached" if cache else "uncached"
            scenario(f"{name}, first page", variant, work, token, 1, args.seconds)
            scenario(f"{name}, 10 pages in turn", variant, work, token, 10, args.seconds)
    finally:
        if args.keep or args.reuse:
            print(f"kept {url}")
        else:
            drop_database(url)


if __name__ == "__main__":
    main()
