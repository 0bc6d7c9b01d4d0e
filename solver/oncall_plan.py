"""On-call roles re-optimised with every duty held: the warm start's rotation made exact.

The constructive rotation (:func:`solver.greedy.greedy_plan`) fills the roles period by
period and can leave a role empty that a different earlier choice would have filled
(minimum gaps between one person's periods). An empty role costs its period's weight
(500 on the generated scenarios), and the large-neighbourhood search rarely frees the
chain of on-call variables that refilling it takes: on 400 generated technicians over 4
weeks two roles stayed empty for the whole 60 s, on 1 000 over 8 weeks three.

The on-call assignment alone is small: :func:`oncall_problem` keeps only the held duty
pairs (fixed), so coverage, person rules and fairness counts are those of the plan, and
CP-SAT solves it in about a second (400 technicians: 0.6 s, all roles filled; measured in
BENCHMARKS.md section 7).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.evaluate import evaluate
from solver.problem import Problem
from solver.result import SolveOptions

ONCALL_SHARE = 0.1
"""Share of the time budget by which the on-call optimisation of the warm start ends (it
gets at least half that share whenever it starts; 0 turns it off)."""


def oncall_problem(problem: Problem, assignments, oncall) -> Problem:
    """The on-call roles of ``problem`` with every duty fixed to its holders in ``assignments``.

    Each duty is eligible only to the people holding it, and those pairs are fixed: the
    model has one variable per held pair (all 1) besides the on-call ones, so coverage,
    person rules and fairness counts are those of the plan.
    """
    holders: dict[str, list[str]] = defaultdict(list)
    for pid, did in assignments:
        holders[did].append(pid)
    held = tuple((pid, did) for did, pids in holders.items() for pid in pids)
    return replace(problem, eligible={d: tuple(v) for d, v in holders.items()}, fixed=held,
                   hint=held, oncall_hint=tuple(oncall))


def oncall_budget(options: SolveOptions, started: float) -> float:
    """Seconds (deterministic units under a deterministic limit) for :func:`best_oncall`."""
    if options.deterministic_time is not None:
        return ONCALL_SHARE * float(options.deterministic_time)
    limit = float(options.time_limit)
    return max(0.0, started + ONCALL_SHARE * limit - time.perf_counter()) + ONCALL_SHARE / 2 * limit


def best_oncall(problem: Problem, assignments, oncall, options: SolveOptions,
                seconds: float) -> tuple:
    """``oncall`` re-optimised with the duties held (the input when nothing better is found).

    ``seconds`` of wall time; under a deterministic limit (``options.deterministic_time``)
    one worker and ``seconds`` deterministic units instead, so the result repeats.
    """
    if not problem.oncall_periods or seconds < 0.1:
        return tuple(oncall)
    sub = oncall_problem(problem, assignments, oncall)
    m = build_model(sub)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = int(options.seed)
    if options.deterministic_time is not None:
        p.num_workers = 1
        p.max_deterministic_time = seconds
    else:
        p.num_workers = max(1, int(options.workers))
        p.max_time_in_seconds = seconds
    if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return tuple(oncall)
    new = tuple(key for key, var in m.y.items() if solver.value(var))
    if evaluate(problem, assignments, new).objective < evaluate(problem, assignments, oncall).objective:
        return new
    return tuple(oncall)
