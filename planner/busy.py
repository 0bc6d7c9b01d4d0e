"""Busy time: the duties a shared technician holds in other teams' published plans.

A technician may belong to several teams; each team plans its own scenario, but the
rules about a person hold across all of them (docs/rules.md, "Busy time"). A
:class:`~planner.domain.BusyDuty` is fixed, worked time of its person:

* **pairwise rules** (one shift per day, no overlap, minimum rest, forbidden
  successions through the ``night`` flag): :meth:`BusyTime.conflict` says why an own
  duty cannot sit next to a busy one; the compile step leaves such pairs out;
* **counting rules** (weekly and contract hours, consecutive working days, weekends,
  the weekly rest): busy time counts as worked time, but it never makes this team's plan
  impossible. Where the other teams' duties alone already reach a limit, the limit
  stays at what they reached (this team adds nothing there); see the methods below.

Facts shared by the compile step and the checker, as :mod:`planner.demands` is; the
checker looks for the violations with its own code.
"""

from __future__ import annotations

import datetime as dt
import math

from planner.calendar import UTC, local
from planner.demands import DAY, DemandRow, Derived, exact
from planner.domain import BusyDuty, Technician

BUSY_SHIFT = "~busy"
"""The solver shift type of a busy duty: no shift type id of a team can be this."""


def busy_minutes(b: BusyDuty) -> int:
    """Worked minutes of a busy duty: ``paid_minutes``, or its length in whole minutes."""
    if b.paid_minutes is not None:
        return b.paid_minutes
    return int((b.end - b.start).total_seconds() // 60)


def describe(b: BusyDuty) -> str:
    """``'pilotage: N acme (2027-07-05 22:00 to 06:00)'``, for messages."""
    start = b.start.strftime("%Y-%m-%d %H:%M")
    end = b.end.strftime("%H:%M") if b.end.date() == b.start.date() else \
        b.end.strftime("%Y-%m-%d %H:%M")
    return f"{b.label or 'a duty in another team'} ({start} to {end})"


def rest_minutes(derived: Derived) -> int:
    """The minimum rest in whole minutes, rounded up (as the solver reads it)."""
    return math.ceil(exact(derived.scenario.rules.min_rest_hours) * 60)


class BusyTime:
    """The busy duties of one scenario, per technician, and what they do to the rules."""

    def __init__(self, derived: Derived) -> None:
        self.d = derived
        self.by_tech: dict[str, list[BusyDuty]] = {}
        for b in sorted(derived.scenario.busy, key=lambda b: (b.start.astimezone(UTC), b.label)):
            self.by_tech.setdefault(b.technician, []).append(b)
        self.rest = rest_minutes(derived)
        self.night_shifts = frozenset(s.id for s in derived.scenario.shift_types if s.is_night)
        pairs = derived.scenario.rules.forbidden_successions
        # own shift types that may not follow / precede a night
        self.after_night = frozenset(b for a, b in pairs if a in self.night_shifts)
        self.before_night = frozenset(a for a, b in pairs if b in self.night_shifts)

    def of(self, tech: str) -> list[BusyDuty]:
        return self.by_tech.get(tech, [])

    # pairwise rules -------------------------------------------------------------
    def conflict(self, tech: Technician, row: DemandRow) -> str | None:
        """Why ``tech`` may not work ``row`` next to a busy duty (None when they may)."""
        for b in self.of(tech.id):
            why = self.pair_conflict(b, row.date, row.shift, row.start, row.end)
            if why:
                return f"busy in another team: {describe(b)}: {why}"
        return None

    def pair_conflict(self, b: BusyDuty, date: dt.date, shift: str, start: dt.datetime,
                      end: dt.datetime) -> str | None:
        """The rule an own duty (``date``, ``shift``, ``start``-``end``) breaks next to ``b``."""
        if b.date == date:
            return "one shift per day"
        if b.start < end and start < b.end:
            return "overlap"
        if self.rest > 0:
            gap = (b.start - end) if b.date > date else (start - b.end)
            if gap < dt.timedelta(minutes=self.rest):
                return "minimum rest"
        if b.night and b.date == date - DAY and shift in self.after_night:
            return "forbidden succession after a night"
        if b.night and b.date == date + DAY and shift in self.before_night:
            return "forbidden succession before a night"
        return None

    # counting rules --------------------------------------------------------------
    def in_horizon(self, tech: str) -> dict[int, list[BusyDuty]]:
        """Day index -> the busy duties of ``tech`` dated on that horizon day."""
        out: dict[int, list[BusyDuty]] = {}
        for b in self.of(tech):
            if self.d.horizon.start <= b.date <= self.d.horizon.end:
                out.setdefault(self.d.day_index(b.date), []).append(b)
        return out

    def dates_before(self, tech: str) -> set[dt.date]:
        """Dates before the horizon with a busy duty (worked days of the history)."""
        return {b.date for b in self.of(tech) if b.date < self.d.horizon.start}

    def last_end_before(self, tech: str) -> dt.datetime | None:
        """Latest end of a busy duty dated before the horizon (as the history's last end)."""
        return max((b.end for b in self.of(tech) if b.date < self.d.horizon.start), default=None)

    def week_minutes(self, tech: str) -> list[int]:
        """Busy minutes in each week of ``Derived.weeks`` (duties dated in the horizon)."""
        days = self.in_horizon(tech)
        return [sum(busy_minutes(b) for d in week for b in days.get(d, ()))
                for week in self.d.weeks]

    def horizon_minutes(self, tech: str) -> int:
        return sum(busy_minutes(b) for bs in self.in_horizon(tech).values() for b in bs)

    def own_contract_minutes(self, tech: Technician, lo: int | None,
                             hi: int | None) -> tuple[int | None, int | None]:
        """Bounds on the minutes this team gives ``tech``, from the contract's (lo, hi).

        Busy minutes dated in the horizon count as worked: at most ``hi - busy`` (never
        below 0). The minimum does not bind a person with busy duties in the horizon
        (``0``): the other teams' duties carry part of it, and what is left may be
        impossible here (their days, rest and work runs take more than their minutes),
        so a minimum would let another team's plan make this one infeasible.
        """
        days = self.in_horizon(tech.id)
        if not days:
            return lo, hi
        busy = self.horizon_minutes(tech.id)
        return (None if lo is None else 0), (None if hi is None else max(0, hi - busy))

    def worked_run_cap(self, tech: str, cap: int | None, past: int) -> int | None:
        """``max_consecutive_days`` for ``tech``: never below the longest run of busy days
        alone (the first one plus the ``past`` days worked right before the horizon)."""
        if cap is None:
            return None
        days = set(self.in_horizon(tech))
        longest, run = 0, 0
        for i in range(self.d.horizon.days):
            if i in days:
                run = run + 1 if run or i > 0 else 1 + past
                longest = max(longest, run)
            else:
                run = 0
        return max(cap, longest)

    def weekend_cap(self, tech: str, cap: int | None) -> int | None:
        """``max_weekends`` for ``tech``: never below the weekends the busy duties hit."""
        if cap is None:
            return None
        days = set(self.in_horizon(tech))
        return max(cap, sum(1 for w in self.d.weekends if days & set(w)))

    def min_runs_exempt(self, tech: str) -> bool:
        """A person with busy duties is exempt from the minimum run lengths (work and
        off): another team's days could make them impossible here."""
        return bool(self.of(tech))

    def day_spans(self, tech: str) -> dict[int, tuple[dt.datetime, dt.datetime, int]]:
        """Day index -> (first start, last end, minutes) of the day's busy duties."""
        return {d: (min(b.start for b in bs), max(b.end for b in bs),
                    sum(busy_minutes(b) for b in bs))
                for d, bs in self.in_horizon(tech).items()}

    def rest_broken_weeks(self, tech: Technician, minutes: int | None,
                          last_end: dt.datetime | None) -> set[int]:
        """Indices of the weeks of ``Derived.weeks`` in which the busy duties alone (each
        day's from first start to last end, as the solver holds them, and ``last_end``:
        the history's or a busy duty's before the horizon) leave no window of ``minutes``
        free starting in the week: the rule of weekly rest skips these weeks (this plan
        cannot mend them)."""
        if not minutes:
            return set()
        spans = [(s.astimezone(UTC), e.astimezone(UTC))
                 for s, e, _ in self.day_spans(tech.id).values()]
        if not spans:
            return set()
        need = dt.timedelta(minutes=minutes)
        last = last_end.astimezone(UTC) if last_end is not None else None
        out = set()
        for k, week in enumerate(self.d.weeks):
            begin = local(self.d.dates[week[0]], dt.time(0), tech.timezone).astimezone(UTC)
            finish = local(self.d.dates[week[-1]] + DAY, dt.time(0), tech.timezone).astimezone(UTC)
            starts = {begin} | {e for _, e in spans if begin <= e < finish}
            if last is not None and begin <= last < finish:
                starts.add(last)
            if not any(all(not (s < c + need and e > c) for s, e in spans)
                       for c in starts if last is None or c >= last):
                out.add(k)
        return out
