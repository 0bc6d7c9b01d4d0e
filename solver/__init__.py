"""Rota's CP-SAT engine: ``solve(problem, options) -> SolveResult``.

The only package that imports ``ortools``; its inputs and outputs are plain
dataclasses (:mod:`solver.problem`, :mod:`solver.result`). Rule semantics are
docs/rules.md; each rule has one builder in :mod:`solver.rules` (``BUILDERS``).

Typical use::

    result = solve(problem, SolveOptions(time_limit=60, workers=2, seed=0,
                                         on_progress=print, stop=job.cancelled))

To re-solve one model with part of a plan frozen (large-neighbourhood search)::

    m = build_model(problem)               # variables + every rule, once
    m.set_hint(assignments, oncall)        # complete hint from a plan
    with m.fixed({m.x[p, d]: 1, ...}):     # temporary domain fixing
        result = run(m, options)

:func:`solver.evaluate.evaluate` recomputes a plan's penalties and
:func:`solver.greedy.greedy_plan` builds the constructive warm start and
:func:`solver.repair.repair_plan` re-plans, one person at a time, whoever a warm start
leaves breaking their own hard rules.
"""

from solver.problem import (
    Demand,
    Duty,
    OnCallPeriod,
    Person,
    Problem,
    Request,
    Rules,
    Weights,
)
from solver.result import FairnessFigure, Gap, Progress, SolveOptions, SolveResult
from solver.build import build_model
from solver.solve import run, solve
from solver.validate import ProblemError

__all__ = [
    "Demand",
    "Duty",
    "FairnessFigure",
    "Gap",
    "OnCallPeriod",
    "Person",
    "Problem",
    "ProblemError",
    "Progress",
    "Request",
    "Rules",
    "SolveOptions",
    "SolveResult",
    "Weights",
    "build_model",
    "run",
    "solve",
]
