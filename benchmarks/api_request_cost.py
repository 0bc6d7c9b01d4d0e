"""Server CPU per request of the schedule endpoints, in-process (no HTTP server, no network).

A noise-free companion of ``benchmarks/load_api.py``: the same database (its ``--reuse``
keys file), the application built by ``api.app.create_app``, and requests sent straight
to the ASGI application, one at a time, on an asyncio loop (uvloop when installed, as
``rota serve``). It reports the process's CPU time per request (user + system, every
thread: the thread pool included), the median of ``--repeats`` blocks. What it leaves
out is the HTTP server (uvicorn's parsing and writing, the same for every route), which
``/healthz`` in load_api.py measures.

With ``--callgrind`` it runs a short block under ``valgrind --tool=callgrind`` and reports
instructions per request (stable on a shared machine, where CPU time drifts with the
neighbours' cache and frequency use).

Usage::

    python benchmarks/api_request_cost.py --reuse /tmp/rota-bench/keys.json [--requests 2000]
    python benchmarks/api_request_cost.py --reuse /tmp/rota-bench/keys.json --callgrind
    python benchmarks/api_request_cost.py --reuse /tmp/rota-bench/keys.json --compare main
    python benchmarks/api_request_cost.py --reuse /tmp/rota-bench/keys.json --compare main --callgrind

``--reuse`` names the keys file written by ``load_api.py --reuse`` (its database is read,
never written). ``--compare REF`` measures the code of a git ref (``git archive`` into a
temporary folder) and this tree's in alternating subprocesses (``--rounds`` each) and
prints the medians side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--code" in sys.argv:  # measure the code in another folder (a git archive of another ref)
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
sys.path.insert(0, str(ROOT))


def endpoints(keys: dict) -> dict[str, tuple[list[str], dict[str, str]]]:
    """name -> (paths, headers), the same requests as load_api.py."""
    auth = {"authorization": f"Bearer {keys['token']}"}
    q = f"start={keys['start']}&end={keys['end']}"
    return {
        "schedule JSON": ([f"/api/v1/technicians/{t}/schedule?{q}" for t in keys["technicians"]], auth),
        "schedule JSON 304": ([f"/api/v1/technicians/{t}/schedule?{q}" for t in keys["technicians"]],
                              {**auth, "if-none-match": "ETAG"}),
        "iCal feed": ([f"/api/v1/calendar/{f}.ics" for f in keys["feeds"]], {}),
        "trivial (/healthz)": (["/healthz"], {}),
    }


async def call(app, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI application: (status, headers, body)."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(),
        "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *((k.encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
        "app": app,
    }
    sent = False
    out: dict = {"status": 0, "headers": {}, "body": b""}

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out["status"], out["headers"], out["body"]


async def measure(app, keys: dict, requests: int, repeats: int, only: list[str]) -> dict[str, dict]:
    results = {}
    for name, (paths, headers) in endpoints(keys).items():
        if only and name not in only:
            continue
        if "ETAG" in headers.values():  # the ETag each path answers with, for the 304s
            etags = []
            for p in paths:
                status, h, _ = await call(app, p, {k: v for k, v in headers.items() if k != "if-none-match"})
                etags.append(h.get("etag", '"none"'))
        else:
            etags = [None] * len(paths)
        for p, e in zip(paths, etags):  # warm up (and fill the cache), check the answers
            hh = {**headers, "if-none-match": e} if e else headers
            status, _, _ = await call(app, p, hh)
            want = 304 if e else 200
            if status != want:
                raise SystemExit(f"{name}: {p} answered {status}, expected {want}")
        blocks = []
        for _ in range(repeats):
            cpu = time.process_time()
            wall = time.perf_counter()
            for i in range(requests):
                k = i % len(paths)
                hh = {**headers, "if-none-match": etags[k]} if etags[k] else headers
                await call(app, paths[k], hh)
            blocks.append(((time.process_time() - cpu) / requests * 1000,
                           (time.perf_counter() - wall) / requests * 1000))
        results[name] = {
            "cpu_ms_per_request": round(statistics.median(b[0] for b in blocks), 3),
            "wall_ms_per_request": round(statistics.median(b[1] for b in blocks), 3),
            "blocks_cpu_ms": [round(b[0], 3) for b in blocks],
        }
    return results


def run(keys_file: Path, requests: int, repeats: int, only: list[str]) -> dict[str, dict]:
    saved = json.loads(keys_file.read_text())
    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=saved["url"]), recover_jobs=False)
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        return runner.run(measure(app, saved["keys"], requests, repeats, only))


def archive(ref: str) -> Path:
    """The code of git ``ref`` of this repository, extracted into a temporary folder."""
    here = Path(__file__).resolve().parents[1]
    dest = Path(tempfile.mkdtemp(prefix="rota-code-"))
    tar = subprocess.run(["git", "-C", str(here), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tar, check=True)
    return dest


def compare(args) -> None:
    """Alternate the code of ``args.compare`` and this tree, ``args.rounds`` times each, one
    subprocess per measurement; print the medians and the ratio."""
    here = Path(__file__).resolve().parents[1]
    codes = {args.compare: archive(args.compare), "this tree": here}
    runs: dict[str, list[dict]] = {c: [] for c in codes}
    loads = []
    for _ in range(args.rounds):
        for label, root in codes.items():
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                cmd = [sys.executable, str(here / "benchmarks" / "api_request_cost.py"), "--code",
                       str(root), "--reuse", str(args.reuse), "--requests", str(args.requests),
                       "--repeats", str(args.repeats), "--json", out.name, "--quiet"]
                if args.callgrind:
                    cmd.append("--callgrind")
                for name in args.only:
                    cmd += ["--only", name]
                loads.append(os.getloadavg()[0])
                subprocess.run(cmd, check=True)
                runs[label].append(json.loads(Path(out.name).read_text()))
    unit = "M instructions/request (callgrind)" if args.callgrind else "CPU ms/request"
    names = list(runs["this tree"][0])
    print(f"{unit}, median of {args.rounds} alternating runs each; load average "
          f"{min(loads):.1f}–{max(loads):.1f}")
    print(f"| endpoint | {args.compare} | this tree | this tree / {args.compare} |")
    print("| --- | ---: | ---: | ---: |")
    for name in names:
        def med(label: str) -> float:
            vals = [r[name] if args.callgrind else r[name]["cpu_ms_per_request"] for r in runs[label]]
            return statistics.median(vals)
        a, b = med(args.compare), med("this tree")
        print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.2f} |")


def callgrind(keys_file: Path, requests: int, only: list[str]) -> dict[str, float]:
    """Instructions per request: (a run of 2 × requests - a run of requests) / requests,
    so that start-up and warm-up cancel out."""
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind not found: apt-get install -y valgrind")
    out = {}
    names = only or [n for n in endpoints({"token": "", "start": "", "end": "", "technicians": [],
                                           "feeds": []})]
    for name in names:
        totals = []
        for n in (requests, 2 * requests):
            with tempfile.TemporaryDirectory() as d:
                cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/cg.out",
                       sys.executable, __file__, "--code", str(ROOT), "--reuse", str(keys_file),
                       "--requests", str(n),
                       "--repeats", "1", "--only", name, "--quiet"]
                env = {**os.environ, "PYTHONMALLOC": "malloc"}
                r = subprocess.run(cmd, capture_output=True, text=True, env=env)
                m = re.search(r"Collected : (\d+)", r.stderr)
                if r.returncode or not m:
                    raise SystemExit(f"callgrind failed for {name}:\n{r.stderr[-2000:]}")
                totals.append(int(m.group(1)))
        out[name] = round((totals[1] - totals[0]) / requests / 1e6, 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reuse", type=Path, required=True, help="keys file of load_api.py --reuse")
    ap.add_argument("--requests", type=int, default=2000, help="requests per block")
    ap.add_argument("--repeats", type=int, default=5, help="blocks (the median is reported)")
    ap.add_argument("--only", action="append", default=[], help="endpoint name (repeatable)")
    ap.add_argument("--callgrind", action="store_true", help="instructions per request instead")
    ap.add_argument("--code", type=Path, help="measure the code in this folder (default: this tree)")
    ap.add_argument("--compare", metavar="GIT_REF",
                    help="compare with the code of this git ref (alternating subprocesses)")
    ap.add_argument("--rounds", type=int, default=3, help="with --compare: runs of each code")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.compare:
        compare(args)
        return
    if args.callgrind:
        n = min(args.requests, 300)
        results = callgrind(args.reuse, n, args.only)
        if args.json:
            args.json.write_text(json.dumps(results))
        if not args.quiet:
            for name, mi in results.items():
                print(f"{name:20} {mi:8.3f} M instructions/request (callgrind, {n} requests)")
        return
    results = run(args.reuse, args.requests, args.repeats, args.only)
    if args.json:
        args.json.write_text(json.dumps(results))
    if args.quiet:
        return
    print(f"code: {ROOT}; load average {os.getloadavg()[0]:.1f}")
    for name, r in results.items():
        print(f"{name:20} CPU {r['cpu_ms_per_request']:.3f} ms/req  wall {r['wall_ms_per_request']:.3f} "
              f"ms/req  (blocks: {', '.join(map(str, r['blocks_cpu_ms']))})")


if __name__ == "__main__":
    main()
