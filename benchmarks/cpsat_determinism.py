"""Is one CP-SAT solve of the whole model reproducible from process to process?

Builds the model of a benchmark-format instance (or the demo) with Rota's warm start
(greedy plan, repair under a deterministic budget) as its hint, then solves it with one
worker and a deterministic-time limit in ``--repeats`` fresh processes, and prints per
process the status, objective, the response's deterministic time and a hash of the
solution. Identical inputs and parameters: any difference is CP-SAT's own.

Usage::

    python benchmarks/cpsat_determinism.py ../shared/benchmarks/curtois/Instance11.txt \\
        --det 0.6 --repeats 6 [--param cp_model_presolve=False ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _problem(case: str):
    from planner.compile import compile_scenario

    if case == "demo":
        from planner.scenario_io.load import load_scenario

        return compile_scenario(load_scenario(ROOT / "data" / "demo")).problem
    from planner.curtois.parser import parse_instance
    from planner.curtois.to_domain import instance_to_scenario

    return compile_scenario(instance_to_scenario(parse_instance(case))).problem


def det_solver(det: float):
    """A CP-SAT solver of one worker with the full LP and seed 0, stopped at ``det``
    deterministic seconds (also used by ``benchmarks/machine_speed.py``)."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.linearization_level = 2
    p.random_seed = 0
    p.max_deterministic_time = det
    return solver


def child(case: str, det: float, params: list[str]) -> dict:
    from solver.build import build_model
    from solver.greedy import greedy_plan
    from solver.repair import repair_until

    problem = _problem(case)
    m = build_model(problem)
    assignments, oncall = greedy_plan(problem)
    assignments, _ = repair_until(problem, assignments, 1e12, 1e12, 0, 1, (5.0, 7.0))
    m.set_hint(assignments, oncall)
    solver = det_solver(det)
    p = solver.parameters
    for item in params:
        key, _, value = item.partition("=")
        kind = type(getattr(p, key))
        setattr(p, key, value == "True" if kind is bool else kind(value))
    status = solver.solve(m.model)
    solution = list(solver.response_proto.solution)
    return {"status": solver.status_name(status), "objective": solver.objective_value,
            "deterministic_time": solver.response_proto.deterministic_time,
            "solution": hashlib.sha256(json.dumps(solution).encode()).hexdigest()[:12],
            "wall": round(solver.wall_time, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", help="a benchmark-format instance file, or 'demo'")
    ap.add_argument("--det", type=float, default=0.6)
    ap.add_argument("--repeats", type=int, default=6)
    ap.add_argument("--param", action="append", default=[], help="a CP-SAT parameter, key=value")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.case, a.det, a.param)))
        return
    seen = []
    for _ in range(a.repeats):
        cmd = [sys.executable, __file__, a.case, "--det", str(a.det), "--child",
               *[f"--param={x}" for x in a.param]]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        seen.append((row["deterministic_time"], row["solution"]))
        print(json.dumps(row), flush=True)
    print(f"{len(set(seen))} distinct (deterministic time, solution) pairs in {a.repeats} processes")


if __name__ == "__main__":
    main()
