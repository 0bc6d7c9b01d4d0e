"""The warm start of a re-plan (used by the compile step when a scenario has a baseline)."""

from __future__ import annotations

from planner.demands import Derived
from planner.domain import Plan, Scenario
from planner.trial import assignment_for, trial


def prefill(sc: Scenario) -> Plan:
    """The warm start of a re-plan (see :func:`prefill_gaps`)."""
    return prefill_gaps(sc)[0]


def prefill_gaps(sc: Scenario) -> tuple[Plan, int]:
    """The warm start of a re-plan and the number of gaps it could not fill: the baseline
    without its forced removals, each gap they leave filled by the first technician
    (backups first) the checker accepts there.

    One addition per gap is what most unplanned absences need; the solver then only has
    to improve on it (chains of moves, cheaper people), not to discover it.
    """
    derived = Derived(sc)
    base = sc.baseline.plan
    keep = tuple(a for a in base.assignments
                 if (row := _row(derived, a)) is not None
                 and (t := derived.technicians.get(a.technician)) is not None
                 and derived.ineligible_reason(t, row) is None)
    plan = base.model_copy(update={"assignments": keep})
    if len(keep) == len(base.assignments):
        return plan, 0
    left = 0
    held: dict[tuple, int] = {}
    worked = {(a.technician, a.date) for a in keep}
    for a in keep:
        held[(a.client, a.date, a.shift, a.skill)] = held.get(
            (a.client, a.date, a.shift, a.skill), 0) + 1
    kept = set(keep)
    removed = {(a.client, a.date, a.shift, a.skill) for a in base.assignments if a not in kept}
    techs = sorted(sc.technicians, key=lambda t: (not t.is_backup, t.id))
    for key in sorted(removed, key=lambda k: (k[1], k[0], k[2], k[3])):
        row = derived_rows(derived).get(key)
        if row is None or held.get(key, 0) >= row.required + row.peak:
            continue
        for t in techs:
            if (t.id, row.date) in worked or derived.ineligible_reason(t, row) is not None:
                continue
            add = assignment_for(row, t.id)
            if trial(sc, plan, add=[add], derived=derived).ok:
                plan = plan.model_copy(update={"assignments": plan.assignments + (add,)})
                worked.add((t.id, row.date))
                held[key] = held.get(key, 0) + 1
                break
        else:
            left += 1
    return plan, left


def derived_rows(derived: Derived) -> dict:
    if not hasattr(derived, "_rows_by_key"):
        derived._rows_by_key = {r.key: r for r in derived.demands}
    return derived._rows_by_key


def _row(derived: Derived, a):
    return derived_rows(derived).get((a.client, a.date, a.shift, a.skill))
