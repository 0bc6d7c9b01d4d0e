"""Try a change on a plan and ask the independent checker what it breaks.

The building block of ``rota explain``, ``rota cover`` and swaps: hard rules are
per person except the on-call role counts, so a trial checks only the people it
touches (their duties and on-call roles) and reports the violations that the change
adds. The objective delta is a full re-check.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from planner.check import HARD_CHECKS, Context, Violation, check
from planner.check.context import aware
from planner.demands import DemandRow, Derived
from planner.calendar import UTC
from planner.domain import Assignment, OnCallDuty, Plan, Scenario

REASONS = {
    "min_rest": "rest",
    "max_hours_per_week": "weekly_hours",
    "contract_hours": "contract_hours",
    "max_consecutive_days": "consecutive_days",
    "min_consecutive_days": "consecutive_days",
    "min_consecutive_days_off": "consecutive_days",
    "one_shift_per_day": "already_on_duty",
    "no_overlap": "already_on_duty",
    "max_weekends": "weekends",
    "shift_type_limits": "shift_type_limit",
    "forbidden_successions": "succession",
    "oncall_backup_distinct": "oncall_limit",
    "oncall_min_gap": "oncall_limit",
    "oncall_one_per_role": "oncall_limit",
    "oncall_eligibility": "oncall_limit",
    "fixed_assignments": "fixed",
    "replan_limits": "frozen",
}
"""Hard rule -> the reason code reported (eligibility is split by its cause)."""

BUSY_REASON = "busy"
"""The reason code when a rule breaks against a duty in another team's published plan
(a violation with ``busy`` set): "busy in another team"."""


def eligibility_reason(derived: Derived, tech, row: DemandRow) -> tuple[str, str] | None:
    """``(code, detail)`` when ``tech`` may not work ``row`` at all, per `eligibility`."""
    why = derived.ineligible_reason(tech, row)
    if why is None:
        return None
    if why.startswith("not trained"):
        return "not_trained", f"{tech.name or tech.id} is {why}"
    if why.startswith("lacks skill"):
        return "not_skilled", f"{tech.name or tech.id} {why}"
    if "public holiday" in why:
        return "public_holiday", why
    if why == "absent":
        return "absent", f"{tech.name or tech.id} is absent"
    return "shift_not_allowed", why


def assignment_for(row: DemandRow, technician: str) -> Assignment:
    """The assignment of ``technician`` to the duty of ``row``."""
    return Assignment(technician=technician, date=row.date, shift=row.shift, client=row.client,
                      skill=row.skill, start=row.start, end=row.end)


@dataclass(frozen=True)
class Trial:
    """What a change breaks: new hard violations, and its objective delta when asked."""

    violations: tuple[Violation, ...]
    delta: int | None = None
    penalty_delta: dict[str, int] | None = None
    """Soft rule -> change of its penalty (only the rules that change)."""
    plan: Plan | None = None
    """The plan with the change applied."""

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.rule for v in self.violations))


def _own(plan: Plan, people: set[str], derived: Derived) -> Plan:
    """The duties and on-call roles of ``people`` (plan indexed once per technician)."""
    index = derived.__dict__.setdefault("_own_index", {})
    hit = index.get(id(plan))
    if hit is None or hit[0] is not plan:
        by_a: dict[str, list] = {}
        by_o: dict[str, list] = {}
        for a in plan.assignments:
            by_a.setdefault(a.technician, []).append(a)
        for o in plan.oncall:
            by_o.setdefault(o.technician, []).append(o)
        hit = index[id(plan)] = (plan, by_a, by_o)
    _, by_a, by_o = hit
    return Plan(assignments=tuple(a for p in sorted(people) for a in by_a.get(p, ())),
                oncall=tuple(o for p in sorted(people) for o in by_o.get(p, ())))


def hard_violations(scenario: Scenario, plan: Plan, derived: Derived) -> list[Violation]:
    """The checker's hard violations only (no penalties: much faster on small plans)."""
    ctx = Context(scenario, plan, derived)
    out: list[Violation] = []
    for fn in HARD_CHECKS.values():
        out.extend(fn(ctx))
    return out


def call_key(o: OnCallDuty) -> tuple:
    """One on-call role of one technician (the period by its rotation and start)."""
    return (o.technician, o.rotation, str(o.role), aware(o.start).astimezone(UTC))


def _key(v: Violation) -> tuple:
    return (v.rule, v.technician, v.date, v.message)


def trial(scenario: Scenario, plan: Plan, add=(), remove=(), derived: Derived | None = None,
          objective: bool = False, base_objective: int | None = None,
          penalties: bool = False, add_oncall=(), remove_oncall=()) -> Trial:
    """Add and remove assignments; the hard violations this adds, for the people touched.

    Parameters
    ----------
    add, remove : assignments to add to / remove from ``plan``.
    add_oncall, remove_oncall : on-call roles (:class:`planner.domain.OnCallDuty`) to add
        to / remove from ``plan``.
    objective : also compute the objective delta (a full check of both plans).
    base_objective : the objective of ``plan`` when the caller knows it.
    penalties : also report the change of each soft penalty (implies a check of ``plan``).
    """
    derived = derived or Derived(scenario)
    people = {a.technician for a in (*add, *remove, *add_oncall, *remove_oncall)}
    gone = {(a.technician, a.client, a.date, a.shift, a.skill) for a in remove}
    gone_calls = {call_key(o) for o in remove_oncall}

    def changed(p: Plan) -> Plan:
        kept = tuple(a for a in p.assignments
                     if (a.technician, a.client, a.date, a.shift, a.skill) not in gone)
        calls = tuple(o for o in p.oncall if call_key(o) not in gone_calls)
        return Plan(assignments=kept + tuple(add), oncall=calls + tuple(add_oncall))

    # the per-person checks loop over derived.technicians: only the people touched
    for warm in ("demands", "absence_intervals", "_absence_index", "periods", "weeks",
                 "weekends"):
        getattr(derived, warm)  # computed on the whole team before the copy shares them
    only = copy.copy(derived)
    only.technicians = {k: v for k, v in derived.technicians.items() if k in people}
    # callers try many changes on one plan (explain, cover, robustness): the people's own
    # plan and its violations are kept on ``derived``, keyed by the plan object
    cache = derived.__dict__.setdefault("_trials", {})
    key = (id(plan), frozenset(people))
    hit = cache.get(key)
    if hit is not None and hit[0] is plan:
        mine, before = hit[1], hit[2]
    else:
        mine = _own(plan, people, derived)
        before = {_key(v) for v in hard_violations(scenario, mine, only)}
        cache[key] = (plan, mine, before)
    after = hard_violations(scenario, changed(mine), only)
    new = tuple(v for v in after if _key(v) not in before)
    delta = penalty_delta = after_plan = None
    if objective:
        after_plan = changed(plan)
        if base_objective is None or penalties:
            before_rep = check(scenario, plan, derived)
            base_objective = before_rep.objective
        after_rep = check(scenario, after_plan, derived)
        delta = after_rep.objective - base_objective
        if penalties:
            penalty_delta = {k: v - before_rep.penalties.get(k, 0)
                             for k, v in after_rep.penalties.items()
                             if v != before_rep.penalties.get(k, 0)}
    return Trial(new, delta, penalty_delta, after_plan)
