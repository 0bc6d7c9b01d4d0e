"""The person sweep of the warm start (:func:`solver.sweep.sweep`) on suite instances:
re-plans by the dynamic programme first (:data:`solver.sweep.DP_SWEEP`) against CP-SAT
for every re-plan, interleaved in one run.

Each (instance, mode, repeat) runs in a fresh process (numba's compiled kernel is cached
on disk, so it is not compiled in the measured time after the first run): the
constructive plan, repaired, is swept until the guided passes stop or ``--limit``
seconds pass. Prints one line per run and, at the end, the medians per instance and
mode: seconds per pass, passes, the sweep's seconds and its plan's objective::

    python benchmarks/sweep_speed.py g10 h01 --limit 24 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curtois_gen import SUITE, generate  # noqa: E402
from interleaved import run_children  # noqa: E402

MODES = ("cpsat", "dp")


def _child(name: str, mode: str, limit: float, workers: int) -> None:
    from suite_bounds import _load

    import solver.sweep as sw
    from solver.evaluate import evaluate
    from solver.greedy import greedy_plan
    from solver.repair import repair_until

    sw.DP_SWEEP = mode == "dp"
    shape = next(s for s in SUITE if s.name == name)
    problem = _load(generate(shape))[1].problem
    plan, oncall = greedy_plan(problem)
    t = time.perf_counter()
    plan, _ = repair_until(problem, plan, t + 10, t + 20, 0, workers, None)
    start = evaluate(problem, plan, oncall).objective
    passes = 0
    one_pass = sw._pass

    def counted(*a, **k):
        nonlocal passes
        passes += 1
        return one_pass(*a, **k)

    sw._pass = counted
    t = time.perf_counter()
    out, _ = sw.sweep(problem, plan, oncall, t + limit, 0, workers)
    seconds = time.perf_counter() - t
    print(json.dumps({"instance": name, "mode": mode, "start": start,
                      "objective": evaluate(problem, out, oncall).objective,
                      "passes": passes, "seconds": round(seconds, 2),
                      "per_pass": round(seconds / max(1, passes), 3)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="+", help="suite instance names (benchmarks/curtois_gen.py)")
    ap.add_argument("--limit", type=float, default=24.0, help="most seconds per sweep")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.limit, args.workers)
        return
    rows = run_children(__file__, args.names, MODES, args.repeats,
                        ["--limit", str(args.limit), "--workers", str(args.workers)])
    print("| instance | mode | s per pass | passes | sweep s | objective (runs) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in args.names:
        for mode in MODES:
            mine = [r for r in rows if r["instance"] == name and r["mode"] == mode]
            med = {k: statistics.median(r[k] for r in mine) for k in ("per_pass", "passes", "seconds", "objective")}
            runs = " / ".join(str(r["objective"]) for r in mine)
            print(f"| {name} | {mode} | {med['per_pass']:.2f} | {med['passes']:g} | {med['seconds']:.1f} "
                  f"| {med['objective']:g} ({runs}) |")


if __name__ == "__main__":
    main()
