"""Swaps: a technician gives a duty or an on-call role away, or exchanges it for a
colleague's.

:func:`evaluate_swap` answers at once, through the independent checker, whether the
result breaks a hard rule (which, for whom: rest, weekly hours, ``oncall_min_gap``,
``oncall_eligibility``...) and what it does to the objective; the plan it returns is
what a coordinator approves as a new draft.

A duty is named as in ``changes.csv``: a shift by client, date, shift type and skill; an
on-call role by ``kind`` (``oncall_primary`` / ``oncall_backup``), the rotation id as
``shift`` and the local date its period starts as ``date`` (``client`` and ``skill``
are then ignored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planner.check import Violation, check
from planner.demands import Derived
from planner.domain import Assignment, OnCallDuty, Plan, Scenario
from planner.trial import trial


class SwapError(ValueError):
    """A swap names a duty its technician does not hold, or an unknown person."""


KINDS = ("shift", "oncall_primary", "oncall_backup")


@dataclass(frozen=True)
class DutyRef:
    client: str
    date: dt.date
    shift: str
    skill: str = ""
    kind: str = "shift"
    """``shift``, ``oncall_primary`` or ``oncall_backup`` (then ``shift`` is the rotation)."""

    @property
    def oncall(self) -> bool:
        return self.kind != "shift"


@dataclass(frozen=True)
class SwapResult:
    ok: bool
    violations: tuple[Violation, ...]
    delta: int
    penalty_delta: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None


def _held(plan: Plan, who: str, ref: DutyRef) -> Assignment | OnCallDuty:
    if ref.kind not in KINDS:
        raise SwapError(f"unknown duty kind {ref.kind!r} (one of {', '.join(KINDS)})")
    if ref.oncall:
        role = ref.kind.removeprefix("oncall_")
        for o in plan.oncall:
            if (o.technician == who and o.rotation == ref.shift and str(o.role) == role
                    and o.start.date() == ref.date):
                return o
        raise SwapError(f"{who} is not on call ({role}) for {ref.shift} from {ref.date}")
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
    moves = [(_held(plan, technician, give), to)]
    if take is not None:
        moves.append((_held(plan, to, take), technician))
    remove = {False: [], True: []}
    add = {False: [], True: []}
    for held, receiver in moves:
        call = isinstance(held, OnCallDuty)
        remove[call].append(held)
        add[call].append(held.model_copy(update={"technician": receiver}))
    derived = Derived(scenario)
    base = check(scenario, plan, derived)
    t = trial(scenario, plan, add=add[False], remove=remove[False], derived=derived,
              objective=True, base_objective=base.objective, penalties=True,
              add_oncall=add[True], remove_oncall=remove[True])
    return SwapResult(t.ok, t.violations, t.delta, t.penalty_delta or {}, t.plan)
