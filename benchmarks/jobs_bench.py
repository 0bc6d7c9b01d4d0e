"""Distributed solve jobs: throughput with one and with two ``rota worker`` processes.

For each worker count: start that many ``rota worker`` processes (one solve at a time
each, one CP-SAT worker per job), submit ``--jobs`` demo solves of ``--seconds`` each at
once, each of its own team (so no team limit applies), wait for all, and measure

* throughput: jobs per minute from the first submit to the last finish, and its ratio
  against one worker (target >= 1.8 with two);
* submit -> start (the job row's ``created_at`` -> ``started_at``): p50 and p99;
* the run of one job (``started_at`` -> ``finished_at``) beyond its time limit: compile,
  check and storing the plan; the median objective (the time limit is wall time: a
  worker short of CPU still ends on time, with a worse plan);
* cancel latency: ``--cancels`` solves, each cancelled once its search reports progress;
  the time from the cancel flag to the job's ``finished_at``.

The jobs live in a PostgreSQL schema of their own (``--database-url``, dropped and
re-created) or, without it, in a temporary SQLite file; the broker's Redis database is
emptied. Usage::

    python benchmarks/jobs_bench.py --database-url postgresql+psycopg://u@host/db \\
        --broker-url redis://127.0.0.1:6379/4 [--jobs 24] [--seconds 20] [--workers 1,2]

Prints a Markdown table (for BENCHMARKS.md) and one JSON line per worker count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from api import tables as t  # noqa: E402
from api.db import make_engine, upgrade  # noqa: E402
from api.runners import CeleryRunner, enqueue  # noqa: E402
from planner.scenario_files import load_scenario  # noqa: E402

ROTA = Path(sys.executable).with_name("rota")
SCHEMA = "rota_jobs_bench"


def database(url: str | None) -> str:
    if not url:
        return f"sqlite:///{tempfile.mkdtemp(prefix='rota-jobs-bench-')}/rota.db"
    base = make_engine(url)
    with base.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    base.dispose()
    return (make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
            .render_as_string(hide_password=False))


def empty(engine, broker: str) -> None:
    import redis

    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    client = redis.Redis.from_url(broker)
    client.flushdb()
    client.close()


def start_workers(n: int, url: str, broker: str, logs: Path) -> list[subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTA_")}
    env.update({"DATABASE_URL": url, "ROTA_BROKER_URL": broker, "ROTA_WORKER_CONCURRENCY": "1",
                "ROTA_CPSAT_WORKERS": "1", "ROTA_TEAM_SOLVE_LIMIT": "1000"})
    procs = []
    for i in range(n):
        log = logs / f"worker{i}.log"
        procs.append(subprocess.Popen([str(ROTA), "worker", "--log-level", "info"], env=env,
                                      stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                      start_new_session=True))
        procs[-1].log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 120
    for p in procs:
        while b" ready." not in p.log.read_bytes():
            if time.monotonic() > deadline or p.poll() is not None:
                raise SystemExit(f"worker did not start: see {p.log}")
            time.sleep(0.2)
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)


def submit(engine, runner, scenario, seconds: float, team: int) -> int:
    options = {"time_limit": seconds, "workers": 1, "seed": team}
    with engine.begin() as conn:  # each bench team is a team of the database
        if conn.execute(select(t.TeamRow.id).where(t.TeamRow.id == team)).first() is None:
            conn.execute(t.TeamRow.__table__.insert().values(
                id=team, slug=f"bench-{team}", name=f"bench {team}", created_at=t.utcnow()))
    return enqueue(engine, runner, scenario, options, team_id=team, name=f"bench {team}")


def rows(engine, ids: list[int]) -> list[t.SolveJobRow]:
    with Session(engine) as s:
        return [s.get(t.SolveJobRow, i) for i in ids]


def wait_all(engine, ids: list[int], timeout: float) -> list[t.SolveJobRow]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = rows(engine, ids)
        if all(j.status not in t.UNFINISHED for j in jobs):
            return jobs
        time.sleep(0.5)
    raise SystemExit("jobs did not finish in time")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def cancel_latencies(engine, runner, scenario, n: int) -> list[float]:
    out = []
    for i in range(n):
        job_id = submit(engine, runner, scenario, 120, 10_000 + i)
        deadline = time.monotonic() + 120
        while rows(engine, [job_id])[0].objective is None:
            if time.monotonic() > deadline:
                raise SystemExit("no progress before the cancel")
            time.sleep(0.1)
        time.sleep(1.0)  # well into the search
        asked = t.utcnow()
        with engine.begin() as conn:
            conn.execute(update(t.SolveJobRow).where(t.SolveJobRow.id == job_id)
                         .values(cancel_requested=True))
        done = wait_all(engine, [job_id], 60)[0]
        out.append((done.finished_at - asked).total_seconds())
    return out


def run(n_workers: int, args, url: str, engine, scenario, logs: Path) -> dict:
    empty(engine, args.broker_url)
    procs = start_workers(n_workers, url, args.broker_url, logs)
    runner = CeleryRunner(engine, args.broker_url)
    try:
        t0 = time.monotonic()
        ids = [submit(engine, runner, scenario, args.seconds, team) for team in range(1, args.jobs + 1)]
        jobs = wait_all(engine, ids, args.jobs * (args.seconds + 60))
        makespan = time.monotonic() - t0
        cancels = cancel_latencies(engine, runner, scenario, args.cancels)
    finally:
        runner.shutdown()
        stop_workers(procs)
    waits = [(j.started_at - j.created_at).total_seconds() for j in jobs]
    runs = [(j.finished_at - j.started_at).total_seconds() - args.seconds for j in jobs]
    return {
        "workers": n_workers, "jobs": args.jobs, "seconds": args.seconds,
        "statuses": sorted({j.status for j in jobs}),
        "makespan_s": round(makespan, 1),
        "jobs_per_min": round(args.jobs / makespan * 60, 2),
        "submit_to_start_p50_s": round(pct(waits, 0.5), 2),
        "submit_to_start_p99_s": round(pct(waits, 0.99), 2),
        "overhead_per_job_p50_s": round(statistics.median(runs), 2),
        "objective_p50": statistics.median(j.objective for j in jobs if j.objective is not None),
        "cancel_latency_s": [round(c, 2) for c in cancels],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=os.environ.get("ROTA_BENCH_DATABASE_URL"),
                    help="PostgreSQL database (a schema of its own is used); default SQLite")
    ap.add_argument("--broker-url", default=os.environ.get("ROTA_BENCH_BROKER_URL",
                                                           "redis://127.0.0.1:6379/15"),
                    help="Redis database for the broker (emptied)")
    ap.add_argument("--jobs", type=int, default=24)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", default="1,2", help="worker process counts, e.g. 1,2")
    ap.add_argument("--cancels", type=int, default=3)
    ap.add_argument("--scenario", type=Path, default=ROOT / "data" / "demo")
    args = ap.parse_args()

    url = database(args.database_url)
    upgrade(url)
    engine = make_engine(url)
    scenario = load_scenario(args.scenario)
    logs = Path(tempfile.mkdtemp(prefix="rota-jobs-bench-logs-"))
    results = []
    for n in (int(x) for x in args.workers.split(",")):
        results.append(run(n, args, url, engine, scenario, logs))
        print(json.dumps(results[-1]), flush=True)
    engine.dispose()
    base = results[0]["jobs_per_min"]
    print(f"\n{platform.node()} · {os.cpu_count()} cores · {make_url(url).get_backend_name()} · "
          f"{args.jobs} jobs x {args.seconds:g} s · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| workers | jobs/min | ratio | submit->start p50 / p99 (s) | run beyond limit p50 (s) "
          "| objective p50 | cancel latency (s) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['workers']} | {r['jobs_per_min']} | {r['jobs_per_min'] / base:.2f} | "
              f"{r['submit_to_start_p50_s']} / {r['submit_to_start_p99_s']} | "
              f"{r['overhead_per_job_p50_s']} | {r['objective_p50']:g} | "
              f"{', '.join(map(str, r['cancel_latency_s']))} |")


if __name__ == "__main__":
    main()
