"""Check ONE rule's CP-SAT builder on its own, in the spirit of Timefold's ConstraintVerifier.

    verdict = builder(sc, "min_rest").given(asg(sc, "A", 0, "L"), asg(sc, "A", 1, "S"))
    verdict.forbids()        # this builder alone makes that plan infeasible
    verdict.allows()         # ... accepts it
    verdict.penalises(50)    # ... (soft) charges exactly 50 for it

The model holds the variables and this one builder only; the plan is fixed (every
eligible pair not in it is 0), so a failure names the rule, not the whole model.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.compile import compile_scenario, duty_id, period_id
from planner.demands import Derived
from planner.domain import Assignment, OnCallDuty, Scenario
from solver.model import ModelBuilder
from solver.problem import Problem
from solver.rules import BUILDERS


@dataclass(frozen=True)
class Verdict:
    rule: str
    status: str
    penalty: int | None

    def forbids(self) -> None:
        assert self.status == "INFEASIBLE", f"builder {self.rule!r} allows the plan ({self.status})"

    def allows(self) -> None:
        assert self.status in ("OPTIMAL", "FEASIBLE"), f"builder {self.rule!r} forbids the plan"

    def penalises(self, amount: int) -> None:
        self.allows()
        assert self.penalty == amount, (
            f"builder {self.rule!r} penalises the plan by {self.penalty}, expected {amount}")


class BuilderCheck:
    """One builder of ``solver.rules.BUILDERS`` over one solver problem."""

    def __init__(self, problem: Problem, rule: str, scenario: Scenario | None = None) -> None:
        self.problem, self.rule, self.scenario = problem, rule, scenario

    def _pair(self, item) -> tuple:
        if isinstance(item, Assignment):
            return (item.technician, duty_id(item.client, item.date, item.shift, item.skill))
        if isinstance(item, OnCallDuty):
            p = next(p for p in Derived(self.scenario).periods
                     if p.rotation == item.rotation and p.start == item.start)
            return (item.technician, period_id(p.rotation, p.index), str(item.role))
        return tuple(item)

    def given(self, *items) -> Verdict:
        """The verdict of the builder alone on the plan made of ``items`` (nothing else)."""
        plan = {self._pair(i) for i in items}
        m = ModelBuilder(self.problem)
        known = set(m.x) | set(m.y)
        assert plan <= known, f"not eligible pairs: {sorted(plan - known)}"
        terms = BUILDERS[self.rule](m)
        for pair, var in (*m.x.items(), *m.y.items()):
            m.model.add(var == int(pair in plan))
        if terms:
            m.model.minimize(cp_model.LinearExpr.weighted_sum([e for _, e in terms],
                                                              [w for w, _ in terms]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        status = solver.solve(m.model)
        name = solver.status_name(status)
        feasible = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        penalty = round(solver.objective_value) if feasible and terms else (0 if feasible else None)
        return Verdict(self.rule, name, penalty)


def builder(sc: Scenario, rule: str) -> BuilderCheck:
    """The check of ``rule``'s builder over the compiled scenario ``sc``."""
    return BuilderCheck(compile_scenario(sc).problem, rule, sc)
