"""Who can cover a duty? The technicians who can take it without breaking a hard rule.

For an open duty (a gap) or a duty its holder must give up: every technician who may
work it is tried (:mod:`planner.trial`: the checker says whether a hard rule breaks),
and those who can are ranked by what it costs: the objective delta of the plan with
them on it, the plan in force being the baseline (so a change costs as in a re-plan,
a backup technician's addition least), then the hours they would work that week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.busy import busy_minutes
from planner.calendar import UTC
from planner.check import check
from planner.demands import Derived
from planner.domain import Baseline, Plan, Scenario
from planner.trial import assignment_for, eligibility_reason, trial


class CoverError(ValueError):
    """The duty or the holder named does not exist."""


@dataclass(frozen=True)
class CoverOption:
    technician: str
    name: str
    backup: bool
    cost: int
    """Objective delta (changes, fairness, continuity, backup use, coverage)."""
    penalties: dict[str, int]
    week_hours: float
    """Hours they would work in the duty's calendar week (their busy time in other teams
    included)."""


def find_row(derived: Derived, client: str, date: dt.date, shift: str, skill: str):
    for r in derived.demands:
        if r.key == (client, date, shift, skill):
            return r
    raise CoverError(f"no duty {shift} for client {client} on {date} with skill {skill!r}")


def with_plan_as_baseline(scenario: Scenario, plan: Plan, now: dt.datetime | None) -> Scenario:
    now = now or dt.datetime.combine(scenario.horizon.start, dt.time(0), tzinfo=UTC)
    return scenario.model_copy(update={"baseline": Baseline(plan=plan, now=now, frozen_hours=0)})


def who_can_cover(scenario: Scenario, plan: Plan, client: str, date: dt.date, shift: str,
                  skill: str = "", giver: str | None = None,
                  now: dt.datetime | None = None) -> list[CoverOption]:
    """Technicians who can take the duty (``giver`` gives it up), cheapest first."""
    sc = with_plan_as_baseline(scenario, plan, now)
    derived = Derived(sc)
    row = find_row(derived, client, date, shift, skill)
    holders = {a.technician for a in plan.assignments
               if (a.client, a.date, a.shift, a.skill) == row.key}
    remove = []
    if giver is not None:
        if giver not in holders:
            raise CoverError(f"{giver} does not hold {shift} for {client} on {date}")
        remove = [assignment_for(row, giver)]
    base = check(sc, plan, derived)
    week = {d for d in derived.weeks if derived.day_index(date) in d}
    week_days = next(iter(week)) if week else ()
    out = []
    for tech in sorted(sc.technicians, key=lambda t: t.id):
        if tech.id in holders or eligibility_reason(derived, tech, row) is not None:
            continue
        t = trial(sc, plan, add=[assignment_for(row, tech.id)], remove=remove, derived=derived)
        if not t.ok:
            continue
        full = trial(sc, plan, add=[assignment_for(row, tech.id)], remove=remove,
                     derived=derived, objective=True, base_objective=base.objective,
                     penalties=True)
        minutes = row.minutes + sum(
            (a.end - a.start).total_seconds() / 60 for a in plan.assignments
            if a.technician == tech.id and derived.day_index(a.date) in week_days) + sum(
            busy_minutes(b) for b in sc.busy  # their duties in other teams count too
            if b.technician == tech.id and derived.day_index(b.date) in week_days)
        out.append(CoverOption(tech.id, tech.name or tech.id, tech.is_backup, full.delta,
                               full.penalty_delta or {}, round(minutes / 60, 2)))
    out.sort(key=lambda o: (o.cost, not o.backup, o.week_hours, o.technician))
    return out
