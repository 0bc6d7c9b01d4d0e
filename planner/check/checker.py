"""``check(scenario, plan)``: every hard violation and the recomputed objective."""

from __future__ import annotations

import inspect
from typing import Callable

from planner.check import duties, limits, oncall, penalties, stability
from planner.check.context import Context
from planner.check.report import CheckReport, Violation
from planner.demands import Derived
from planner.domain import Plan, Scenario

HardCheck = Callable[[Context], list[Violation]]
Penalty = Callable[[Context], int]

_MODULES = (duties, limits, oncall, penalties, stability)


def _found(prefix: str) -> dict[str, Callable]:
    """Rule name -> the function ``<prefix><name>`` of the check modules, in their order.

    The checker's own mapping, found by name (as the solver finds its builders):
    a new rule's check is one function in one of these modules.
    """
    return {
        name.removeprefix(prefix): fn
        for mod in _MODULES
        for name, fn in vars(mod).items()
        if name.startswith(prefix) and inspect.isfunction(fn) and fn.__module__ == mod.__name__
    }


HARD_CHECKS: dict[str, HardCheck] = _found("check_")
"""Hard rule -> its check (``check_<rule>``): every violation in a plan."""

PENALTIES: dict[str, Penalty] = _found("penalty_")
"""Soft rule -> its penalty (``penalty_<rule>``), recomputed from the plan."""


def check(scenario: Scenario, plan: Plan, derived: Derived | None = None) -> CheckReport:
    """Check a plan against every rule of docs/rules.md, without the solver.

    Parameters
    ----------
    scenario : the scenario the plan is for.
    plan : any plan (a solver's, or one read from files: it may hold anything).
    derived : the scenario's derivations, when the caller already has them.

    Returns
    -------
    CheckReport
        Every hard violation, the penalty of every soft rule (their sum is the
        objective), coverage per demand row, fairness figures, unfilled on-call roles.
    """
    ctx = Context(scenario, plan, derived)
    violations: list[Violation] = []
    for fn in HARD_CHECKS.values():
        violations.extend(fn(ctx))
    return CheckReport(
        violations=tuple(violations),
        penalties={name: fn(ctx) for name, fn in PENALTIES.items()},
        coverage=penalties.coverage_rows(ctx),
        fairness=penalties.fairness_rows(ctx),
        unfilled_oncall=penalties.unfilled(ctx),
    )
