"""Rota's CP-SAT engine: ``solve(problem, options) -> SolveResult``.

The only package that imports ``ortools``; its inputs and outputs are plain
dataclasses (:mod:`solver.problem`, :mod:`solver.result`).
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
from solver.solve import build_model, run, solve
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
