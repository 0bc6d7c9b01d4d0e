"""Lower bounds for the suite's references: the set-partitioning LP, or CP-SAT on a relaxation.

``--method colgen`` (default): the Lagrangian bound of the set-partitioning LP over whole
per-person rosters, by column generation (:mod:`solver.colgen`), every rule of every
person kept. ``--method dive``: a roster by price-and-fix on that LP
(:func:`solver.colgen.colgen_dive`), re-checked by the benchmark's own checker.
``--method relax``: a valid lower bound on a suite instance's optimum, independent of the search: build
the engine's model with some hard rules left out (by default the minimum run lengths
of work and rest and the forbidden successions; the maximum run, its implied window
sums, totals, type limits, weekends and days off stay) and let CP-SAT minimise the
same objective. Dropping constraints can only lower the optimum, so the relaxation's
optimum (or CP-SAT's bound on it) is a lower bound on the instance; where the
relaxation keeps every rule it is the instance's own bound.

Usage::

    python benchmarks/suite_bounds.py g02 h04 --file ../shared/benchmarks/curtois/Instance8.txt --limit 120
    python benchmarks/suite_bounds.py g10 h01 --method dive --limit 180 --out /tmp/dive
    python benchmarks/suite.py reference /tmp/dive      # a checked dive roster may lower a reference
    python benchmarks/suite_bounds.py g02 g10 --method relax --limit 120 --drop min_consecutive_days \\
        min_consecutive_days_off forbidden_successions
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curtois_gen import SUITE, generate  # noqa: E402

DEFAULT_DROP = ("min_consecutive_days", "min_consecutive_days_off", "forbidden_successions")


def _load(text: str):
    """(instance, compiled scenario) of a benchmark file's text."""
    from planner.compile import compile_scenario
    from planner.curtois.parser import parse_text
    from planner.curtois.to_domain import instance_to_scenario

    instance = parse_text(text)
    return instance, compile_scenario(instance_to_scenario(instance))


def relaxed_bound(text: str, drop, limit: float, workers: int = 2) -> tuple[float, float | None, str]:
    """(bound, objective of the relaxation's best solution, CP-SAT status)."""
    from ortools.sat.python import cp_model

    from solver.model import ModelBuilder
    from solver.rules import BUILDERS, HARD_RULES, SOFT_RULES

    problem = _load(text)[1].problem
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


def colgen(text: str, limit: float, workers: int = 2):
    """:class:`solver.colgen.ColgenBound` of the instance ``text``."""
    from solver.colgen import colgen_bound

    return colgen_bound(_load(text)[1].problem, limit, workers)


def dive(text: str, limit: float, workers: int = 2) -> dict:
    """Dive on the set-partitioning LP (:func:`solver.colgen.colgen_dive`) and re-check the
    roster with the benchmark's own checker (``planner/curtois/checker.py``)."""
    from planner.compile import to_plan
    from planner.curtois.checker import check_roster
    from planner.curtois.roster import plan_to_roster
    from solver.colgen import colgen_dive
    from solver.result import SolveResult, SolveStatus

    instance, compiled = _load(text)
    t = time.perf_counter()
    d = colgen_dive(compiled.problem, limit, workers)
    seconds = time.perf_counter() - t
    if d is None:
        return {"objective": None, "valid": False, "master": None, "seconds": seconds, "bound": None}
    plan = to_plan(compiled, SolveResult(status=SolveStatus("feasible"), assignments=d.assignments,
                                         objective=d.objective))
    report = check_roster(instance, plan_to_roster(plan))
    return {"objective": report.objective, "valid": report.feasible, "master": d.objective,
            "seconds": seconds, "bound": d.root_bound}


def _reference(name: str, path: Path | None) -> str:
    """The suite's reference for ``name``, or the best-known value beside a public file."""
    table = ROOT / "benchmarks" / "suite_reference.csv" if path is None else path.parent / "best_known.csv"
    if table.exists():
        with table.open() as fh:
            for row in csv.reader(fh):
                if row and row[0] in (name, path.stem if path else name, path.name if path else name):
                    return row[1]
    return "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="suite instance names (benchmarks/curtois_gen.py)")
    ap.add_argument("--file", action="append", default=[], help="a benchmark file (e.g. InstanceN.txt)")
    ap.add_argument("--method", choices=("colgen", "relax", "dive"), default="colgen",
                    help="colgen: the LP bound; relax: CP-SAT on a relaxation; dive: a roster "
                    "by price-and-fix on the LP, re-checked by the benchmark's checker")
    ap.add_argument("--out", help="--method dive: a folder for runs.csv (as 'suite.py run' "
                    "writes it, so 'suite.py reference FOLDER' can take its valid rosters)")
    ap.add_argument("--limit", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--drop", nargs="*", default=list(DEFAULT_DROP), help="--method relax: rules left out")
    a = ap.parse_args()
    shapes = {s.name: s for s in SUITE}
    unknown = [n for n in a.names if n not in shapes]
    if unknown:
        ap.error(f"unknown suite instance(s) {', '.join(unknown)}; known: {', '.join(shapes)}")
    jobs = [(n, None) for n in a.names] + [(Path(f).stem, Path(f)) for f in a.file]
    if not jobs:
        ap.error("name a suite instance or give --file")
    texts = {}
    for name, path in jobs:
        if path is None:
            continue
        from planner.curtois.parser import InstanceError, parse_text

        try:  # a missing or malformed file is named before any solve
            texts[name] = path.read_text()
            parse_text(texts[name], str(path))
        except (OSError, UnicodeDecodeError, InstanceError) as exc:
            sys.exit(str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}")
    if a.method == "dive":
        print("| instance | reference | dive roster (checker) | valid | master's count | root bound | seconds |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        out = None
        if a.out:
            Path(a.out).mkdir(parents=True, exist_ok=True)
            out = csv.writer((Path(a.out) / "runs.csv").open("w", newline=""))
            out.writerow(["instance", "part", "variant", "seed", "limit", "workers", "objective", "bound",
                          "status", "valid", "seconds", "rss_mb", "started_utc", "file"])
    if a.method == "colgen":
        print("| instance | reference | bound (ceil) | reference above bound % | converged | rounds "
              "| columns | seconds |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, path in jobs:
        text = texts[name] if path is not None else generate(shapes[name])
        t = time.perf_counter()
        if a.method == "relax":
            bound, obj, status = relaxed_bound(text, set(a.drop), a.limit, a.workers)
            print(f"{name}: bound {bound:.0f} (relaxation {status}, best {obj}, "
                  f"dropped {','.join(a.drop) or 'nothing'}, {time.perf_counter() - t:.0f} s)", flush=True)
            continue
        if a.method == "dive":
            d = dive(text, a.limit, a.workers)
            root = "-" if d["bound"] is None else f"{d['bound']:.1f}"
            print(f"| {name} | {_reference(name, path)} | {d['objective']} | {d['valid']} | "
                  f"{d['master']} | {root} | {d['seconds']:.0f} |", flush=True)
            if out is not None:
                part = shapes[name].part if name in shapes else "public"
                out.writerow([name, part, "dive", 0, a.limit, a.workers, d["objective"] if d["valid"] else "",
                              "" if d["bound"] is None else f"{d['bound']:.1f}", "feasible",
                              d["valid"], f"{d['seconds']:.1f}", "", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              str(path or "")])
            continue
        r = colgen(text, a.limit, a.workers)
        ref = _reference(name, path)
        lb = math.ceil(r.bound - 1e-6) if r.bound > -math.inf else None
        above = (f"{100 * (int(ref) - lb) / int(ref):.1f}" if lb is not None and ref.isdigit()
                 and int(ref) else "-")
        print(f"| {name} | {ref} | {lb if lb is not None else '-'} | {above} | "
              f"{'yes' if r.converged else 'no'} | {r.rounds} | {r.columns} | {r.seconds:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
