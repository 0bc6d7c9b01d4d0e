"""MSP scenarios (the demo, ``planner.generate`` at several sizes): gaps and A/B of variants.

Each run is a fresh process: compile, ``solver.solve``, the independent checker
(``planner.check``) on the plan, peak RSS. Variants (``--variant``, as in
``benchmarks/suite.py``) are interleaved per scenario and seed, so the shared
machine's load hits them alike.

Usage::

    python benchmarks/msp_ab.py --scenario demo --scenario gen:60:6:1 --limit 30 --seeds 3 \\
        --variant base --variant solver.solve.SWEEP_SHARE=0

``gen:N:W:S`` is ``generate_scenario(technicians=N, weeks=W, seed=S)``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _scenario(spec: str):
    if spec == "demo":
        from planner.scenario_io.load import load_scenario

        return load_scenario(ROOT / "data" / "demo")
    _, n, w, s = spec.split(":")
    from planner.generate import generate_scenario

    return generate_scenario(technicians=int(n), weeks=int(w), seed=int(s))


def _child(a) -> None:
    from suite import _patch

    from planner.check import check
    from planner.compile import compile_scenario, to_plan
    from solver import SolveOptions, solve

    _patch(a.variant)
    scenario = _scenario(a.scenario)
    compiled = compile_scenario(scenario)
    res = solve(compiled.problem, SolveOptions(time_limit=a.limit, workers=a.workers, seed=a.seed))
    report = check(scenario, to_plan(compiled, res))
    gap = None
    if res.objective and res.best_bound is not None:
        gap = 100 * (res.objective - res.best_bound) / res.objective
    print(json.dumps({
        "status": res.status, "objective": res.objective, "bound": res.best_bound,
        "bound_source": getattr(res, "bound_source", None), "gap_percent": gap,
        "hard_violations": len(report.violations),
        "checker_agrees": report.objective == res.objective,
        "unfilled_oncall": len(res.unfilled_oncall),
        "first_solution_s": res.first_solution_seconds,
        "technicians": len(scenario.technicians),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", action="append", default=None)
    ap.add_argument("--variant", action="append", default=None)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=Path("bench-out/msp_ab.jsonl"))
    a = ap.parse_args()
    if a.child:
        a.scenario, a.variant = a.scenario[0], a.variant[0]
        _child(a)
        return
    scenarios, variants = a.scenario or ["demo"], a.variant or ["base"]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    with a.out.open("a") as log:
        for sc in scenarios:
            for seed in range(a.seeds):
                for v in variants:
                    cmd = [sys.executable, __file__, "--child", "--scenario", sc, "--variant", v,
                           "--seed", str(seed), "--limit", str(a.limit), "--workers", str(a.workers)]
                    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                                          env={**os.environ, "PYTHONPATH": str(ROOT)})
                    try:
                        r = json.loads(proc.stdout.strip().splitlines()[-1])
                    except (IndexError, json.JSONDecodeError):
                        r = {"status": "crashed", "error": proc.stderr[-300:]}
                    r.update(scenario=sc, variant=v, seed=seed, limit=a.limit, workers=a.workers,
                             load=round(os.getloadavg()[0], 1),
                             started=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                    log.write(json.dumps(r) + "\n")
                    log.flush()
                    rows.append(r)
                    print(json.dumps(r), flush=True)
    print("| scenario | variant | objective (median; seeds) | bound (median) | gap % (median) "
          "| bound source | hard violations | checker = solver | unfilled on-call | peak RSS MB |")
    print("| --- " * 10 + "|")
    for sc in scenarios:
        for v in variants:
            rs = [r for r in rows if r["scenario"] == sc and r["variant"] == v]
            ok = [r for r in rs if r.get("objective") is not None]
            if not ok:
                print(f"| {sc} | {v} | no plan | | | | | | | |")
                continue
            med = lambda k: statistics.median([r[k] for r in ok if r.get(k) is not None] or [float("nan")])  # noqa: E731
            print(f"| {sc} | {v} | {med('objective'):g} ({' / '.join(str(r['objective']) for r in ok)}) "
                  f"| {med('bound'):g} | {med('gap_percent'):.1f} | {ok[0].get('bound_source')} "
                  f"| {max(r['hard_violations'] for r in ok)} | {all(r['checker_agrees'] for r in ok)} "
                  f"| {max(r['unfilled_oncall'] for r in ok)} | {max(r['peak_rss_mb'] for r in ok)} |")


if __name__ == "__main__":
    main()
