"""Deterministic plan figures of a tree, to compare two trees (behaviour unchanged).

One worker, seed 0 and a deterministic-time limit make a solve repeatable, so the
figures of two trees are equal exactly when their models and searches are. Prints one
JSON line per case: the warm start's hash, the status, the solver's and the checker's
objective, the bound, the hard violations and the penalties by rule.

    PYTHONPATH=TREE python benchmarks/same_figures.py LABEL data/demo \\
        ../shared/benchmarks/curtois/Instance{1,2,3}.txt
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from planner.compile import compile_scenario
from planner.curtois.parser import parse_instance
from planner.curtois.to_domain import instance_to_scenario
from planner.pipeline import plan_scenario
from planner.scenario_files import load_scenario
from solver.greedy import greedy_plan
from solver.result import SolveOptions

DEMO_DTIME, CURTOIS_DTIME = 20.0, 10.0


def main(label: str, paths: list[str]) -> None:
    for path in map(Path, paths):
        if path.is_dir():
            name, scenario, dtime = path.name, load_scenario(path), DEMO_DTIME
        else:
            name, scenario, dtime = path.stem, instance_to_scenario(parse_instance(path)), CURTOIS_DTIME
        warm = hashlib.sha256(repr(greedy_plan(compile_scenario(scenario).problem)).encode())
        started = time.perf_counter()
        out = plan_scenario(scenario, SolveOptions(time_limit=600, workers=1, seed=0,
                                                   deterministic_time=dtime))
        print(json.dumps(dict(
            tree=label, case=name, warm_start=warm.hexdigest()[:12], status=out.result.status,
            objective=out.result.objective, checker=out.report.objective,
            bound=out.result.best_bound, violations=len(out.report.violations),
            penalties=out.report.penalties, seconds=round(time.perf_counter() - started, 1),
        )), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
