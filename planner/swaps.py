"""Swaps: a technician gives a duty away, or exchanges it for a colleague's.

:func:`evaluate_swap` answers at once, through the independent checker, whether the
result breaks a hard rule (which, for whom) and what it does to the objective; the
plan it returns is what a coordinator approves as a new draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planner.check import Violation, check
from planner.demands import Derived
from planner.domain import Assignment, Plan, Scenario
from planner.trial import trial


class SwapError(ValueError):
    """A swap names a duty its technician does not hold, or an unknown person."""


@dataclass(frozen=True)
class DutyRef:
    client: str
    date: dt.date
    shift: str
    skill: str = ""


@dataclass(frozen=True)
class SwapResult:
    ok: bool
    violations: tuple[Violation, ...]
    delta: int
    penalty_delta: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None


def _held(plan: Plan, who: str, ref: DutyRef) -> Assignment:
    for a in plan.assignments:
        if a.technician == who and (a.client, a.date, a.shift, a.skill) == (
                ref.client, ref.date, ref.shift, ref.skill):
            return a
    raise SwapError(f"{who} does not hold {ref.shift} for {ref.client} on {ref.date}")


def evaluate_swap(scenario: Scenario, plan: Plan, technician: str, give: DutyRef, to: str,
                  take: DutyRef | None = None) -> SwapResult:
    """``technician`` gives ``give`` to ``to`` (and takes ``take`` from them, if given)."""
    known = {t.id for t in scenario.technicians}
    for who in (technician, to):
        if who not in known:
            raise SwapError(f"unknown technician {who!r}")
    if to == technician:
        raise SwapError("a swap needs two different technicians")
    mine = _held(plan, technician, give)
    remove = [mine]
    add = [mine.model_copy(update={"technician": to})]
    if take is not None:
        theirs = _held(plan, to, take)
        remove.append(theirs)
        add.append(theirs.model_copy(update={"technician": technician}))
    derived = Derived(scenario)
    base = check(scenario, plan, derived)
    t = trial(scenario, plan, add=add, remove=remove, derived=derived, objective=True,
              base_objective=base.objective, penalties=True)
    return SwapResult(t.ok, t.violations, t.delta, t.penalty_delta or {}, t.plan)
