"""Solver benchmarks on the demo and on generated scenarios.

Each measurement runs in its own child process, so its peak memory (max RSS) is its own.

Usage::

    python benchmarks/solve_bench.py demo [--limits 10 30 60] [--workers 1 2 8] [--seeds 3]
    python benchmarks/solve_bench.py scaling [--sizes 50 100 200 400] [--limit 60] [--seeds 1]

Prints a Markdown table (paste into BENCHMARKS.md) and writes JSON lines to
``bench-out/<kind>.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _run(kind: str, size: int, limit: float, workers: int, seed: int, queue, weeks: int = 4) -> None:
    from planner.compile import compile_scenario
    from solver import SolveOptions, solve

    t0 = time.perf_counter()
    if kind == "demo":
        from planner.scenario_files import load_scenario

        scenario = load_scenario(ROOT / "data" / "demo")
    else:
        from planner.generate import generate_scenario

        scenario = generate_scenario(technicians=size, weeks=weeks, seed=seed)
    compiled = compile_scenario(scenario)
    build = time.perf_counter() - t0
    result = solve(compiled.problem, SolveOptions(time_limit=limit, workers=workers, seed=seed))
    from planner.check import check
    from planner.compile import to_plan

    report = check(scenario, to_plan(compiled, result))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gap = None
    if result.objective and result.best_bound is not None:
        gap = 100 * (result.objective - result.best_bound) / result.objective
    queue.put(
        {
            "kind": kind,
            "technicians": len(scenario.technicians),
            "duties": len(compiled.problem.duties),
            "pairs": sum(len(v) for v in compiled.problem.eligible.values()),
            "limit": limit,
            "workers": workers,
            "seed": seed,
            "status": result.status,
            "objective": result.objective,
            "bound": result.best_bound,
            "bound_source": getattr(result, "bound_source", None),
            "weeks": weeks,
            "unfilled_oncall": len(result.unfilled_oncall),
            "gap_percent": gap,
            "first_solution_s": result.first_solution_seconds,
            "build_s": build,
            "solve_s": result.wall_seconds,
            "peak_rss_mb": rss_mb,
            "hard_violations": len(report.violations),
            "checker_agrees": report.objective == result.objective,
        }
    )


def measure(kind: str, size: int, limit: float, workers: int, seed: int, weeks: int = 4) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_run, args=(kind, size, limit, workers, seed, q, weeks))
    p.start()
    row = q.get()
    p.join()
    return row


def _median(rows: list[dict], key: str):
    vals = [r[key] for r in rows if r[key] is not None]
    return statistics.median(vals) if vals else None


def _fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["demo", "scaling"])
    ap.add_argument("--limits", type=float, nargs="+", default=[10, 30, 60])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 8])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200, 400])
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--weeks", type=int, default=4, help="horizon of generated scenarios")
    args = ap.parse_args()
    out = ROOT / "bench-out"
    out.mkdir(exist_ok=True)
    log = (out / f"{args.kind}.jsonl").open("a")
    print(f"<!-- {platform.node()} {platform.processor() or platform.machine()}, "
          f"{mp.cpu_count()} cores, python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')} -->")
    if args.kind == "demo":
        print("| workers | limit (s) | objective (median) | bound | gap % | first plan (s) | hard violations | checker = solver |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for w in args.workers:
            for lim in args.limits:
                rows = [measure("demo", 0, lim, w, s) for s in range(args.seeds)]
                for r in rows:
                    log.write(json.dumps(r) + "\n")
                log.flush()
                print(f"| {w} | {lim:g} | {_fmt(_median(rows, 'objective'))} | {_fmt(_median(rows, 'bound'))} "
                      f"| {_fmt(_median(rows, 'gap_percent'), 2)} | {_fmt(_median(rows, 'first_solution_s'), 2)} "
                      f"| {max(r['hard_violations'] for r in rows)} | {all(r['checker_agrees'] for r in rows)} |",
                      flush=True)
    else:
        print("| technicians | duties | eligible pairs | build (s) | first plan (s) | objective at limit | bound | gap % | peak RSS (MB) | hard violations | unfilled on-call roles |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for n in args.sizes:
            rows = [measure("scaling", n, args.limit, args.workers[0] if len(args.workers) == 1 else 2, s, args.weeks)
                    for s in range(args.seeds)]
            for r in rows:
                log.write(json.dumps(r) + "\n")
            log.flush()
            r0 = rows[0]
            print(f"| {r0['technicians']} | {r0['duties']} | {r0['pairs']} | {_fmt(_median(rows, 'build_s'), 2)} "
                  f"| {_fmt(_median(rows, 'first_solution_s'), 2)} | {_fmt(_median(rows, 'objective'))} "
                  f"| {_fmt(_median(rows, 'bound'))} | {_fmt(_median(rows, 'gap_percent'), 2)} "
                  f"| {_fmt(max(r['peak_rss_mb'] for r in rows), 0)} | {max(r['hard_violations'] for r in rows)} | {max(r['unfilled_oncall'] for r in rows)} |",
                  flush=True)


if __name__ == "__main__":
    main()
