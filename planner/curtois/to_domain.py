"""Turn a benchmark :class:`Instance` into Rota's own :class:`planner.domain.Scenario`.

No benchmark-only rule: every benchmark rule maps onto a domain rule whose
semantics (``docs/rules.md``) reproduce it exactly.

- Day 0 is the Monday :data:`DAY0`, so the domain's weekends (Saturday and Sunday
  of each calendar week) are the benchmark's days ``7k+5`` and ``7k+6``.
- Every shift type starts at 08:00 (UTC) and ends the same day, so no two shifts of
  one person overlap and a shift never reaches into the next day's absence; its
  worked minutes are the benchmark's length.
- Rest is switched off (``min_rest_hours = 0``): the forbidden successions of the
  shifts section encode it, and nothing else may be added.
- Blocks touching day 0 or the last day are exempt from the minimum-length rules
  (``exempt_horizon_edges``, no history), as the benchmark says.
- Fairness, continuity and backup weights are 0, so the domain objective is the
  benchmark's: requests plus under- and over-cover.
"""

from __future__ import annotations

import datetime as dt

from planner.curtois.instance import Instance
from planner.domain import (
    Absence,
    Client,
    Contract,
    CoverageRule,
    Horizon,
    Request,
    RuleSettings,
    Scenario,
    ShiftType,
    Technician,
)

DAY0 = dt.date(2024, 1, 1)
"""A Monday: the date of benchmark day 0."""
CLIENT = "ward"
"""The single client environment every employee is trained on."""
ZONE = "UTC"
"""Time zone of the client and the technicians: no daylight-saving shifts in long horizons."""
SHIFT_START = dt.time(8, 0)
_LONGEST = 12 * 60  # longest interval: 08:00-20:00 stays inside its day


def day_date(day: int) -> dt.date:
    """The domain date of benchmark day ``day``."""
    return DAY0 + dt.timedelta(days=day)


def date_day(date: dt.date) -> int:
    """The benchmark day index of a domain date."""
    return (date - DAY0).days


def _shift_type(sid: str, minutes: int) -> ShiftType:
    # The interval only has to stay inside its own day; the worked minutes are
    # paid_minutes, so a length past midnight (or 0) is still counted exactly.
    length = min(max(minutes, 1), _LONGEST)
    end = (dt.datetime.combine(DAY0, SHIFT_START) + dt.timedelta(minutes=length)).time()
    return ShiftType(id=sid, start=SHIFT_START, end=end, paid_minutes=minutes, night=False)


def instance_to_scenario(instance: Instance) -> Scenario:
    """Map a benchmark instance into the domain.

    Parameters
    ----------
    instance : a parsed benchmark instance.

    Returns
    -------
    Scenario
        One technician and one contract (same id) per employee, one client trained
        by all, one shift type per benchmark shift, days off as whole-day absences,
        on/off requests as weighted work/off requests and cover rows as dated
        coverage rules with their own under/over weights.
    """
    for s in instance.staff:
        if s.max_consecutive_shifts < 1:
            raise ValueError(
                f"{instance.name}: employee {s.id} has MaxConsecutiveShifts "
                f"{s.max_consecutive_shifts}; the domain's max_consecutive_days must be at least 1"
            )
    contracts = tuple(
        Contract(
            id=s.id,
            min_hours_per_week=None,
            max_hours_per_week_avg=None,
            max_hours_in_week=None,
            min_minutes_total=s.min_total_minutes,
            max_minutes_total=s.max_total_minutes,
            max_consecutive_days=s.max_consecutive_shifts,
            min_consecutive_days=s.min_consecutive_shifts or None,
            min_consecutive_days_off=s.min_consecutive_days_off or None,
            max_weekends=s.max_weekends,
            shift_limits=dict(s.max_shifts),
            works_public_holidays=True,
        )
        for s in instance.staff
    )
    technicians = tuple(
        Technician(id=s.id, contract=s.id, country="", clients=frozenset({CLIENT}), timezone=ZONE)
        for s in instance.staff
    )
    client = Client(id=CLIENT, name="benchmark ward", country="", timezone=ZONE)
    absences = tuple(
        Absence(technician=e, start=day_date(d), end=day_date(d), reason="benchmark day off")
        for e in sorted(instance.days_off)
        for d in sorted(instance.days_off[e])
    )
    requests = tuple(
        Request(technician=q.employee, date=day_date(q.day), shift=q.shift, work=True, weight=q.weight)
        for q in instance.on_requests
    ) + tuple(
        Request(technician=q.employee, date=day_date(q.day), shift=q.shift, work=False, weight=q.weight)
        for q in instance.off_requests
    )
    coverage = tuple(
        CoverageRule(
            client=CLIENT,
            shift=c.shift,
            required=c.requirement,
            date=day_date(c.day),
            under_weight=c.under,
            over_weight=c.over,
        )
        for c in instance.cover
    )
    # A (day, shift) without a cover row may still be worked, at no cost: give it a
    # duty that wants nobody and charges nothing, or the domain would offer no slot.
    covered = {(c.day, c.shift) for c in instance.cover}
    coverage += tuple(
        CoverageRule(
            client=CLIENT, shift=s.id, required=0, date=day_date(d), under_weight=0, over_weight=0
        )
        for d in range(instance.horizon)
        for s in instance.shifts
        if (d, s.id) not in covered
    )
    rules = RuleSettings(
        min_rest_hours=0,
        forbidden_successions=frozenset((s.id, t) for s in instance.shifts for t in s.forbidden_next),
        fairness_weights={"night": 0, "weekend": 0, "holiday": 0, "oncall": 0},
        continuity_weight=0,
        backup_use_weight=0,
        exempt_horizon_edges=True,
    )
    return Scenario(
        name=instance.name,
        horizon=Horizon(start=DAY0, days=instance.horizon),
        rules=rules,
        contracts=contracts,
        technicians=technicians,
        clients=(client,),
        shift_types=tuple(_shift_type(s.id, s.minutes) for s in instance.shifts),
        coverage=coverage,
        absences=absences,
        requests=requests,
    )
