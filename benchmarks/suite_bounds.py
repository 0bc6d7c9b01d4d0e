"""Lower bounds for the suite's references: CP-SAT on a relaxation of the instance.

A valid lower bound on a suite instance's optimum, independent of the search: build
the engine's model with some hard rules left out (by default the minimum run lengths
of work and rest and the forbidden successions; the maximum run, its implied window
sums, totals, type limits, weekends and days off stay) and let CP-SAT minimise the
same objective. Dropping constraints can only lower the optimum, so the relaxation's
optimum (or CP-SAT's bound on it) is a lower bound on the instance; where the
relaxation keeps every rule it is the instance's own bound.

Usage::

    python benchmarks/suite_bounds.py g02 g10 --limit 120 --drop min_consecutive_days \\
        min_consecutive_days_off forbidden_successions
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curtois_gen import SUITE, generate  # noqa: E402

DEFAULT_DROP = ("min_consecutive_days", "min_consecutive_days_off", "forbidden_successions")


def relaxed_bound(text: str, drop, limit: float, workers: int = 2) -> tuple[float, float | None, str]:
    """(bound, objective of the relaxation's best solution, CP-SAT status)."""
    import tempfile

    from ortools.sat.python import cp_model

    from planner.compile import compile_scenario
    from planner.curtois.parser import parse_instance
    from planner.curtois.to_domain import instance_to_scenario
    from solver.model import ModelBuilder
    from solver.rules import BUILDERS, HARD_RULES, SOFT_RULES

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, newline="") as fh:
        fh.write(text)
    problem = compile_scenario(instance_to_scenario(parse_instance(fh.name))).problem
    m = ModelBuilder(problem)
    for name in HARD_RULES:
        if name not in drop:
            BUILDERS[name](m)
    weights, exprs = [], []
    for name in SOFT_RULES:
        for w, e in BUILDERS[name](m):
            weights.append(w)
            exprs.append(e)
    m.model.minimize(cp_model.LinearExpr.weighted_sum(exprs, weights))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = limit
    p.num_workers = workers
    p.ignore_subsolvers.append("default_lp")
    p.extra_subsolvers.append("max_lp")
    code = solver.solve(m.model)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return (max(0.0, solver.best_objective_bound), solver.objective_value if found else None,
            solver.status_name(code))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="+")
    ap.add_argument("--limit", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--drop", nargs="*", default=list(DEFAULT_DROP))
    a = ap.parse_args()
    shapes = {s.name: s for s in SUITE}
    for name in a.names:
        t = time.perf_counter()
        bound, obj, status = relaxed_bound(generate(shapes[name]), set(a.drop), a.limit, a.workers)
        print(f"{name}: bound {bound:.0f} (relaxation {status}, best {obj}, "
              f"dropped {','.join(a.drop) or 'nothing'}, {time.perf_counter() - t:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
