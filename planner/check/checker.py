"""``check(scenario, plan)``: every hard violation and the recomputed objective."""

from __future__ import annotations

from typing import Callable

from planner.check import duties, limits, oncall, penalties, stability
from planner.check.context import Context
from planner.check.report import CheckReport, Violation
from planner.demands import Derived
from planner.domain import Plan, Scenario

HardCheck = Callable[[Context], list[Violation]]
Penalty = Callable[[Context], int]

# name -> check, in the order of docs/architecture.md
HARD_CHECKS: dict[str, HardCheck] = {
    "eligibility": duties.check_eligibility,
    "one_shift_per_day": duties.check_one_shift_per_day,
    "no_overlap": duties.check_no_overlap,
    "min_rest": duties.check_min_rest,
    "max_hours_per_week": limits.check_max_hours_per_week,
    "contract_hours": limits.check_contract_hours,
    "max_consecutive_days": limits.check_max_consecutive_days,
    "min_consecutive_days": limits.check_min_consecutive_days,
    "min_consecutive_days_off": limits.check_min_consecutive_days_off,
    "max_weekends": limits.check_max_weekends,
    "shift_type_limits": limits.check_shift_type_limits,
    "forbidden_successions": limits.check_forbidden_successions,
    "fixed_assignments": duties.check_fixed_assignments,
    "oncall_one_per_role": oncall.check_oncall_one_per_role,
    "oncall_backup_distinct": oncall.check_oncall_backup_distinct,
    "oncall_eligibility": oncall.check_oncall_eligibility,
    "oncall_min_gap": oncall.check_oncall_min_gap,
    "replan_limits": stability.check_replan_limits,
}

PENALTIES: dict[str, Penalty] = {
    "coverage_shortfall": penalties.penalty_coverage_shortfall,
    "peak_shortfall": penalties.penalty_peak_shortfall,
    "over_coverage": penalties.penalty_over_coverage,
    "oncall_unfilled": penalties.penalty_oncall_unfilled,
    "fairness": penalties.penalty_fairness,
    "requests": penalties.penalty_requests,
    "continuity": penalties.penalty_continuity,
    "backup_use": penalties.penalty_backup_use,
    "plan_stability": stability.penalty_plan_stability,
}


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
