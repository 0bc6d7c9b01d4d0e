"""Rota's CP-SAT engine: ``solve(problem, options) -> SolveResult``.

The only package that imports ``ortools``; its inputs and outputs are plain
dataclasses (:mod:`solver.problem`, :mod:`solver.result`). Rule semantics are
docs/rules.md; each rule has one builder in :mod:`solver.rules` (``BUILDERS``).

Typical use::

    result = solve(problem, SolveOptions(time_limit=60, workers=2, seed=0,
                                         on_progress=print, stop=job.cancelled))

``solve`` warm-starts from a constructive plan (:func:`solver.greedy.greedy_plan`,
repaired person by person by :func:`solver.repair.repair_plan` and swept by
:mod:`solver.sweep`), completes it into a first plan, runs CP-SAT on the whole model and
then a large-neighbourhood search (:mod:`solver.lns`) that re-solves the same model with
most decision variables fixed to the incumbent; problems too big for one model are
re-planned a few people at a time (:mod:`solver.decompose`). :func:`build_model` gives
the model alone (variables and every rule, with ``set_hint`` and the ``fixed`` context
that narrows domains for one solve); :func:`solver.evaluate.evaluate` recomputes a plan's
penalties.
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
from solver.result import FairnessFigure, Gap, Progress, SolveOptions, SolveResult, SolveStatus
from solver.build import build_model
from solver.solve import solve
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
    "SolveStatus",
    "Weights",
    "build_model",
    "solve",
]
