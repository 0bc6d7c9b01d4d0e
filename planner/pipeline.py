"""The whole chain: scenario → problem → solve → plan → check."""

from __future__ import annotations

from dataclasses import dataclass

from planner.check import CheckReport, check
from planner.compile import Compiled, compile_scenario, to_plan
from planner.domain import Plan, Scenario
from solver import SolveOptions, SolveResult, solve


@dataclass(frozen=True)
class PlanOutcome:
    """A plan with the solver's figures and the independent checker's report."""

    plan: Plan
    result: SolveResult
    report: CheckReport
    compiled: Compiled

    @property
    def coverage(self):
        """Coverage rows (client, date, shift, skill, required, assigned, shortfall)."""
        return self.report.coverage


def plan_scenario(
    scenario: Scenario, options: SolveOptions | None = None, previous: Plan | None = None
) -> PlanOutcome:
    """Plan a scenario and check the plan.

    Parameters
    ----------
    scenario : what to plan.
    options : solver options (time limit, workers, seed, progress callback, stop).
    previous : an earlier plan used as a warm start.
    """
    compiled = compile_scenario(scenario, previous)
    result = solve(compiled.problem, options or SolveOptions())
    plan = to_plan(compiled, result)
    return PlanOutcome(plan=plan, result=result, report=check(scenario, plan), compiled=compiled)
