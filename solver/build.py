"""Build the CP-SAT model of a problem: variables, every hard rule, the objective."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model import ModelBuilder
from solver.problem import Problem
from solver.rules import BUILDERS, HARD_RULES, SOFT_RULES


def build_model(problem: Problem) -> ModelBuilder:
    """Build variables, every hard rule and the objective (sum of soft-rule penalties).

    The problem's ``hint``/``oncall_hint``, when given, become a complete hint.
    """
    m = ModelBuilder(problem)
    constraints = m.model.proto.constraints
    for name in HARD_RULES:
        first = len(constraints)
        BUILDERS[name](m)
        m.spans[name] = range(first, len(constraints))
    weights, exprs = [], []
    for name in SOFT_RULES:
        terms = BUILDERS[name](m)
        m.penalties[name] = terms
        for w, e in terms:
            weights.append(w)
            exprs.append(e)
    if exprs:
        m.model.minimize(cp_model.LinearExpr.weighted_sum(exprs, weights))
    if problem.hint or problem.oncall_hint:
        m.set_hint(problem.hint, problem.oncall_hint)
    return m
