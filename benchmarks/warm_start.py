"""The warm start's objective: the constructive plan, repaired, its on-call roles re-optimised.

This is the plan ``solver.solve`` hands the search as its hint when no previous plan
exists (``solver.greedy.greedy_plan``, ``solver.solve._repaired``,
``solver.oncall_plan.best_oncall``), evaluated by ``solver.evaluate`` rule by rule.
Variants (``--variant``, as in ``benchmarks/suite.py``) run in fresh processes, one
after the other per scenario.

Usage::

    python benchmarks/warm_start.py --scenario demo --scenario gen:120:8:2 \\
        --file ../shared/benchmarks/curtois/Instance8.txt \\
        --variant base --variant solver.greedy.FAIRNESS_FIRST=0,solver.greedy.REQUESTS_FIRST=0

``gen:N:W:S`` is ``generate_scenario(technicians=N, weeks=W, seed=S)``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _problem(spec: str):
    from planner.compile import compile_scenario

    if spec.startswith("file:"):
        from planner.curtois.parser import parse_instance
        from planner.curtois.to_domain import instance_to_scenario

        return compile_scenario(instance_to_scenario(parse_instance(spec[5:]))).problem
    from msp_ab import _scenario

    return compile_scenario(_scenario(spec)).problem


def _child(spec: str, variant: str, limit: float) -> None:
    from suite import _patch

    _patch(variant)
    from solver.evaluate import evaluate
    from solver.greedy import greedy_plan, invalid_people
    from solver.oncall_plan import best_oncall, oncall_budget
    from solver.result import SolveOptions
    from solver.solve import _repaired

    problem = _problem(spec)
    options = SolveOptions(time_limit=limit, workers=2)
    started = time.perf_counter()
    assignments, oncall = greedy_plan(problem)
    constructive = evaluate(problem, assignments, oncall).objective
    assignments = _repaired(problem, assignments, options, started)
    valid = not invalid_people(problem, assignments)
    if valid:
        oncall = best_oncall(problem, assignments, oncall, options, oncall_budget(options, started))
    e = evaluate(problem, assignments, oncall)
    print(json.dumps({"constructive": constructive, "start": e.objective, "valid": valid,
                      "seconds": round(time.perf_counter() - started, 2),
                      "penalties": {k: v for k, v in e.penalties.items() if v}}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--file", action="append", default=[], help="a benchmark-format file")
    ap.add_argument("--variant", action="append", default=None)
    ap.add_argument("--limit", type=float, default=30.0,
                    help="the solve's budget, whose shares the repair and on-call steps take")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(a.child[0], a.child[1], a.limit)
        return
    specs = (a.scenario or ([] if a.file else ["demo"])) + [f"file:{f}" for f in a.file]
    print("| scenario | variant | constructive | warm start | seconds | penalties of the warm start |")
    print("| --- | --- | --- | --- | --- | --- |")
    for spec in specs:
        for v in a.variant or ["base"]:
            proc = subprocess.run([sys.executable, __file__, "--child", spec, v, "--limit", str(a.limit)],
                                  capture_output=True, text=True, cwd=ROOT,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            try:
                r = json.loads(proc.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                print(f"| {spec} | {v} | crashed: {proc.stderr.strip()[-200:]} | | | |", flush=True)
                continue
            valid = "" if r["valid"] else " (someone's rules still broken)"
            print(f"| {spec.removeprefix('file:')} | {v} | {r['constructive']} | {r['start']}{valid} "
                  f"| {r['seconds']} | {r['penalties']} |", flush=True)


if __name__ == "__main__":
    main()
