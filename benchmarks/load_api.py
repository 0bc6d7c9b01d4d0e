"""Load benchmark of the schedule endpoints with ``wrk`` on loopback.

Builds a database holding 100 technicians (``planner.generate``) and a published
8-week plan solved by the real pipeline (time-limited, checked: no hard-rule
violation), starts ``rota serve`` on 127.0.0.1, and drives two endpoints with wrk:

- ``GET /api/v1/technicians/{id}/schedule`` (JSON, bearer token, all 100 technicians
  in turn), and
- ``GET /api/v1/calendar/{secret}.ics`` (the iCal feed, each technician's secret URL),
- ``GET /healthz`` (a trivial endpoint: the cost of the HTTP stack alone, same run).

Beside each run's latency it reports the server's CPU time per request: user + system
time of the ``rota serve`` process tree (``/proc``), read before and after the run.

Each endpoint is measured twice: paced at about ``--rate`` requests per second
(``--connections`` connections, each pausing between requests: wrk's ``delay()``)
and flat out (no pause) for the maximum throughput. Prints a Markdown table.

``--compare GIT_REF`` also runs the code of another git ref (``git archive`` into a
temporary folder, served by the same Python on the same database), alternating with this
tree's code (before, after, before, after...: the neighbours' load drifts), ``--runs``
times each, and prints the medians of each code beside each other.

Usage::

    apt-get install -y wrk
    python benchmarks/load_api.py [--seconds 20] [--rate 200] [--solve-seconds 60]
    python benchmarks/load_api.py --http-workers 2 --seconds 15 --compare main --runs 3 \
        --reuse /tmp/rota-bench/keys.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local pause = %(pause)d
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
%(delay)s
done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.2f, "p90_ms": %%.2f, ' ..
    '"p99_ms": %%.2f, "max_ms": %%.2f, "socket_errors": %%d, "non_2xx": %%d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def build_database(url: str, technicians: int, weeks: int, solve_seconds: float) -> dict:
    """Store the scenario, solve and publish the plan, create users; returns the keys."""
    from sqlmodel import Session

    from planner.generate import generate_scenario
    from planner.pipeline import plan_scenario
    from solver.result import SolveOptions
    from api import tables as t
    from api.auth import hash_password, issue_token, set_ical_secret
    from api.db import make_engine, upgrade
    from api.plans import publish, save_outcome
    from api.teams import set_membership
    from api.scenarios import store_scenario

    upgrade(url)
    engine = make_engine(url)
    scenario = generate_scenario(technicians, weeks, seed=0)
    started = time.monotonic()
    outcome = plan_scenario(scenario, SolveOptions(time_limit=solve_seconds, workers=2, seed=0))
    solve_wall = time.monotonic() - started
    if not outcome.result.status.has_plan or outcome.report.violations:
        raise SystemExit(f"no valid plan: status {outcome.result.status}, "
                         f"{len(outcome.report.violations)} violations")
    pw = hash_password("benchmark-password")
    with Session(engine) as s:
        store_scenario(s, scenario, replace=True)
        team = s.info["team_id"]  # the team the scenario went to
        boss = t.UserRow(username="bench-manager", password_hash=pw, created_at=t.utcnow())
        s.add(boss)
        s.flush()
        set_membership(s, boss.id, team, t.UserRole.manager, None)
        feeds = []
        for tech in scenario.technicians:
            u = t.UserRow(username=f"bench-{tech.id}", password_hash=pw, created_at=t.utcnow())
            feeds.append(set_ical_secret(u))
            s.add(u)
            s.flush()
            set_membership(s, u.id, team, t.UserRole.technician, tech.id)
        job = t.SolveJobRow(name="benchmark", status="succeeded", horizon_start=scenario.horizon.start,
                            horizon_days=scenario.horizon.days, options={"time_limit": solve_seconds},
                            created_by=boss.id, created_at=t.utcnow())
        s.add(job)
        s.flush()
        plan = save_outcome(s, job, outcome)
        publish(s, plan, boss)
        token = issue_token(s, boss, 24 * 60)
        s.commit()
    engine.dispose()
    return {
        "token": token,
        "technicians": [x.id for x in scenario.technicians],
        "feeds": feeds,
        "start": scenario.horizon.start.isoformat(),
        "end": scenario.horizon.end.isoformat(),
        "assignments": len(outcome.plan.assignments),
        "oncall": len(outcome.plan.oncall),
        "solve_status": outcome.result.status,
        "solve_seconds": round(solve_wall, 1),
    }


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its live descendants (``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, parent in parents.items() if parent == p and c not in tree]
    return sum(times.get(p, 0.0) for p in tree)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_wrk(base: str, paths: list[str], headers: dict, seconds: int, connections: int,
            pause_ms: int, folder: Path) -> dict:
    lua = LUA % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "headers": ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()),
        "pause": pause_ms,
        # jitter: equal pauses keep the connections in step, which turns a steady rate
        # into bursts of `connections` simultaneous requests
        "delay": ("math.randomseed(os.time())\n"
                  "delay = function() return math.random(math.floor(pause / 2), math.floor(pause * 3 / 2)) end"
                  if pause_ms else ""),
    }
    script = folder / "bench.lua"
    script.write_text(lua)
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    result["command"] = " ".join(cmd[:-3] + ["-s", "bench.lua", base])
    return result


def calibrate(base: str, paths: list[str], headers: dict, args, folder: Path) -> int:
    """The per-connection pause (ms) that gives about ``args.rate`` requests/s.

    wrk (unlike wrk2) has no fixed-rate mode: each connection sends, waits for the
    answer, then pauses. Start from ``connections / rate`` and correct for the
    latency measured in short trial runs.
    """
    period = 1000 * args.connections / args.rate  # ms between two requests of a connection
    pause = int(period)
    for _ in range(3):
        trial = run_wrk(base, paths, headers, 3, args.connections, pause, folder)
        achieved = 1000 * args.connections / max(trial["rps"], 1)
        pause = max(0, int(pause - (achieved - period)))
        if abs(trial["rps"] - args.rate) < 0.03 * args.rate:
            break
    return pause


def measure(root: Path, url: str, keys: dict, args, folder: Path, label: str) -> list[dict]:
    """Start ``rota serve`` from the code in ``root`` on ``url``, drive the three endpoints
    (paced, then flat out), stop it; one row per endpoint and mode."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(root)}
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--log-level", "warning",
         "--no-access-log", "--http-workers", str(args.http_workers)],
        cwd=root, env=env)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {keys['token']}"}
        q = f"?start={keys['start']}&end={keys['end']}"
        endpoints = {
            "schedule JSON": ([f"/api/v1/technicians/{t}/schedule{q}" for t in keys["technicians"]], auth),
            "iCal feed": ([f"/api/v1/calendar/{f}.ics" for f in keys["feeds"]], {}),
            "trivial (/healthz)": (["/healthz"], {}),
        }
        for paths, headers in endpoints.values():  # check once, and warm up
            for p in paths[:3]:
                r = httpx.get(base + p, headers=headers)
                r.raise_for_status()
        for name, (paths, headers) in endpoints.items():
            pause = calibrate(base, paths, headers, args, folder)
            for mode, p in (("paced", pause), ("flat out", 0)):
                load = os.getloadavg()[0]
                cpu = tree_cpu_seconds(server.pid)
                res = run_wrk(base, paths, headers, args.seconds, args.connections, p, folder)
                cpu = tree_cpu_seconds(server.pid) - cpu
                res.update(endpoint=name, mode=mode, pause_ms=p, code=label,
                           load=round((load + os.getloadavg()[0]) / 2, 1),
                           cpu_ms_per_request=round(1000 * cpu / max(res["requests"], 1), 2))
                rows.append(res)
                print(f"{label:7} {name:18} {mode:8} {res['rps']:8.1f} req/s  p50 {res['p50_ms']:6.2f} ms  "
                      f"p99 {res['p99_ms']:6.2f} ms  CPU {res['cpu_ms_per_request']:5.2f} ms/req  "
                      f"non-2xx {res['non_2xx']}  load {res['load']}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def archive(ref: str, folder: Path) -> Path:
    """The code of git ``ref`` of this repository, extracted into ``folder/ref``."""
    dest = folder / f"code-{ref.replace('/', '_')}"
    dest.mkdir()
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tar, check=True)
    return dest


def medians(rows: list[dict], codes: list[str], connections: int) -> None:
    """A table of the medians over the runs of each code, endpoint and mode."""
    import statistics

    print("| endpoint | load | code | runs | requests/s | p50 ms | p99 ms | server CPU ms/req "
          "| load average |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    keys = []
    for r in rows:
        if (r["endpoint"], r["mode"]) not in keys:
            keys.append((r["endpoint"], r["mode"]))
    for endpoint, mode in keys:
        for code in codes:
            sel = [r for r in rows if (r["endpoint"], r["mode"], r["code"]) == (endpoint, mode, code)]
            if not sel:
                continue

            def med(field: str) -> float:
                return round(statistics.median(r[field] for r in sel), 2)

            print(f"| {endpoint} | {mode} ({connections} conn.) | {code} | {len(sel)} | {med('rps')} | "
                  f"{med('p50_ms')} | {med('p99_ms')} | {med('cpu_ms_per_request')} | "
                  f"{min(r['load'] for r in sel)}–{max(r['load'] for r in sel)} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--technicians", type=int, default=100)
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=20, help="wrk duration per run")
    ap.add_argument("--rate", type=int, default=200, help="target requests/s of the paced runs")
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--solve-seconds", type=float, default=60.0)
    ap.add_argument("--database-url", default="", help="default: a SQLite file in a temp folder")
    ap.add_argument("--http-workers", type=int, default=1, help="rota serve --http-workers")
    ap.add_argument("--reuse", type=Path,
                    help="keys file: reuse the database it names, or build one and write it")
    ap.add_argument("--runs", type=int, default=1, help="runs of each code (medians printed)")
    ap.add_argument("--compare", metavar="GIT_REF",
                    help="also run the code of this git ref (git archive), alternating with "
                         "this tree's: before, after, before, after...")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")

    folder = Path(tempfile.mkdtemp(prefix="rota-load-"))
    url = args.database_url or f"sqlite:///{folder / 'rota.db'}"
    if args.reuse and args.reuse.exists():
        saved = json.loads(args.reuse.read_text())
        url, keys = saved["url"], saved["keys"]
        print(f"reusing {url} (built {saved['built']})", flush=True)
    else:
        print(f"building the database ({args.technicians} technicians, {args.weeks} weeks)...",
              flush=True)
        keys = build_database(url, args.technicians, args.weeks, args.solve_seconds)
        if args.reuse:
            args.reuse.write_text(json.dumps(
                {"url": url, "keys": keys, "built": f"{dt.datetime.now():%Y-%m-%d %H:%M}"}))
    print(f"plan: {keys['assignments']} shifts, {keys['oncall']} on-call duties "
          f"({keys['solve_status']}, solved in {keys['solve_seconds']} s)", flush=True)

    codes = [("this tree", ROOT)]
    if args.compare:
        codes = [(f"{args.compare}", archive(args.compare, folder)), ("this tree", ROOT)]
    load_before = f"{os.getloadavg()[0]:.1f}"
    started = dt.datetime.now(dt.timezone.utc)
    rows = []
    for _ in range(args.runs):
        for label, root in codes:  # alternating: the neighbours' load drifts
            rows += measure(root, url, keys, args, folder, label)

    print()
    print(f"date: {started:%Y-%m-%d %H:%M}–{dt.datetime.now(dt.timezone.utc):%H:%M} UTC; machine: "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; database: {url.split(':')[0]}; "
          f"rota serve --http-workers {args.http_workers}; wrk {args.seconds} s per row; "
          f"load average before the runs {load_before}, after {os.getloadavg()[0]:.1f}")
    print("| endpoint | load | code | requests/s | p50 ms | p90 ms | p99 ms | max ms "
          "| server CPU ms/req | errors | load average |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['endpoint']} | {r['mode']} ({args.connections} conn.) | {r['code']} | {r['rps']} | "
              f"{r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {r['max_ms']} | "
              f"{r['cpu_ms_per_request']} | {r['socket_errors'] + r['non_2xx']} | {r['load']} |")
    if args.runs > 1:
        print()
        print(f"Medians of {args.runs} runs:")
        medians(rows, [label for label, _ in codes], args.connections)
    if args.json:
        args.json.write_text(json.dumps({"keys": {k: v for k, v in keys.items()
                                                  if k not in ("token", "feeds", "technicians")},
                                         "runs": rows}, indent=2))


if __name__ == "__main__":
    main()
