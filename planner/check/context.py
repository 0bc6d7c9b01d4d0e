"""The plan as the checks see it: assignments matched to demand rows, per person.

A plan may come from a file and hold anything (unknown people or duties, wrong
times, duplicates). :class:`Context` matches each assignment to its demand row
and each on-call duty to its period once, so that every check reads the same
facts. Problems found while matching are kept for the eligibility checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from planner.busy import BusyTime
from planner.calendar import UTC
from planner.demands import DemandRow, Derived, PeriodRow, exact  # noqa: F401 (re-exported)
from planner.domain import Assignment, OnCallDuty, Plan, Scenario

DAY = dt.timedelta(days=1)


def aware(moment: dt.datetime, zone: dt.tzinfo = UTC) -> dt.datetime:
    """``moment`` with a time zone (a naive one is read in ``zone``)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def fmt_minutes(minutes: float) -> str:
    """``630`` -> ``'10 h 30 min'``; ``660`` -> ``'11 h'``."""
    sign = "-" if minutes < 0 else ""
    minutes = abs(int(round(minutes)))
    h, m = divmod(minutes, 60)
    return f"{sign}{h} h {m} min" if m else f"{sign}{h} h"


@dataclass(frozen=True)
class Held:
    """One duty a known technician holds in the plan (duplicates removed)."""

    technician: str
    day: int
    date: dt.date
    shift: str
    client: str
    skill: str
    start: dt.datetime
    end: dt.datetime
    minutes: int
    row: DemandRow | None
    source: Assignment

    @property
    def key(self) -> tuple[str, dt.date, str, str]:
        return (self.client, self.date, self.shift, self.skill)


@dataclass(frozen=True)
class HeldCall:
    """One on-call role a known technician holds, matched to its period (or None)."""

    technician: str
    role: str
    period: PeriodRow | None
    source: OnCallDuty


@dataclass(frozen=True)
class History:
    """What a technician did right before the horizon (docs/rules.md, Terms)."""

    work_run: int
    off_run: int
    last_end: dt.datetime | None
    last_shifts: frozenset[str]
    """Shift types worked the day before the horizon."""


class Context:
    """A scenario, its derivations and a plan, indexed for the checks."""

    def __init__(self, scenario: Scenario, plan: Plan, derived: Derived | None = None) -> None:
        self.scenario = scenario
        self.plan = plan
        self.d = derived or Derived(scenario)
        self.rules = scenario.rules
        self.days = scenario.horizon.days
        self.rows = {r.key: r for r in self.d.demands}
        self.duplicates: list[Assignment] = []
        self.unknown: list[Assignment] = []
        self.memo: dict[str, object] = {}
        """Results shared between checks (e.g. fairness rows for penalty and figures)."""
        self._match()

    # names -------------------------------------------------------------------
    def name(self, tech: str) -> str:
        t = self.d.technicians.get(tech)
        return (t.name or t.id) if t else tech

    # assignments ------------------------------------------------------------
    def _match(self) -> None:
        seen: set[tuple] = set()
        held: list[Held] = []
        for a in self.plan.assignments:
            ident = (a.technician, a.client, a.date, a.shift, a.skill)
            if ident in seen:
                self.duplicates.append(a)
                continue
            seen.add(ident)
            tech = self.d.technicians.get(a.technician)
            if tech is None:
                self.unknown.append(a)
                continue
            row = self.rows.get((a.client, a.date, a.shift, a.skill))
            if row is not None:
                start, end, minutes = row.start, row.end, row.minutes
            else:
                # no such duty (reported by `eligibility`); keep the stated times
                # so that the time rules still see what the plan claims
                zone = self._zone(tech.timezone)
                start, end = aware(a.start, zone), aware(a.end, zone)
                shift = self.d.shifts.get(a.shift)
                minutes = shift.minutes if shift else int((end - start).total_seconds() // 60)
            held.append(
                Held(a.technician, self.d.day_index(a.date), a.date, a.shift, a.client,
                     a.skill, start, end, minutes, row, a)
            )
        self.held = tuple(held)

    @staticmethod
    def _zone(name: str) -> dt.tzinfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)

    @cached_property
    def by_tech(self) -> dict[str, list[Held]]:
        """Technician id -> held duties on horizon days, sorted by start."""
        out: dict[str, list[Held]] = {t: [] for t in self.d.technicians}
        for h in self.held:
            if 0 <= h.day < self.days:
                out[h.technician].append(h)
        for lst in out.values():
            lst.sort(key=lambda h: (h.start.astimezone(UTC), h.day, h.shift, h.client))
        return out

    @cached_property
    def worked_days(self) -> dict[str, set[int]]:
        return {t: {h.day for h in lst} for t, lst in self.by_tech.items()}

    # busy time (docs/rules.md, "Busy time") ------------------------------------
    @cached_property
    def busy(self) -> BusyTime:
        """The scenario's busy duties (other teams' published duties), per technician."""
        return BusyTime(self.d)

    @cached_property
    def busy_days(self) -> dict[str, set[int]]:
        """Technician id -> horizon days with a busy duty."""
        return {t: set(self.busy.in_horizon(t)) for t in self.busy.by_tech}

    def open_to(self, tech, row: DemandRow) -> bool:
        """May ``tech`` hold ``row`` at all: eligible, and no busy duty keeps them off it
        (as the compile step leaves such pairs out: fairness and re-plan changes count
        only these)."""
        return (self.d.ineligible_reason(tech, row) is None
                and (tech.id not in self.busy.by_tech or self.busy.conflict(tech, row) is None))

    def worked_or_busy(self, tech: str) -> set[int]:
        """Horizon days worked in this plan or busy in another team's."""
        return self.worked_days.get(tech, set()) | self.busy_days.get(tech, set())

    @cached_property
    def by_row(self) -> dict[tuple, set[str]]:
        """Demand key -> ids of the technicians assigned to it."""
        out: dict[tuple, set[str]] = {}
        for h in self.held:
            if h.row is not None:
                out.setdefault(h.key, set()).add(h.technician)
        return out

    # history ------------------------------------------------------------------
    @cached_property
    def history(self) -> dict[str, History]:
        """Technician id -> their history; empty when the scenario has none.

        As docs/rules.md says: when the scenario has history rows, history spans
        from their earliest date to the day before the horizon for every
        technician (one with no row there was off on all of those days).
        """
        start = self.scenario.horizon.start
        if not self.scenario.history:
            return {}
        first = min(a.date for a in self.scenario.history)
        past = [a for a in self.scenario.history if a.date < start]
        out = {}
        for tech, t in self.d.technicians.items():
            mine = [a for a in past if a.technician == tech]
            # busy duties before the horizon are worked days too (not the last end:
            # rest next to a busy duty is checked against the busy duty itself)
            dates = {a.date for a in mine} | {b.date for b in self.busy.of(tech) if b.date < start}
            work = off = 0
            day = start - DAY
            while day >= first and day in dates:
                work, day = work + 1, day - DAY
            day = start - DAY
            while day >= first and day not in dates:
                off, day = off + 1, day - DAY
            zone = self._zone(t.timezone)
            last_end = max((aware(a.end, zone) for a in mine), default=None)
            shifts = frozenset(a.shift for a in mine if a.date == start - DAY)
            out[tech] = History(work, off, last_end, shifts)
        return out

    # on-call ------------------------------------------------------------------
    @cached_property
    def calls(self) -> tuple[HeldCall, ...]:
        """On-call duties of known technicians matched to their periods (duplicates kept)."""
        periods = {(p.rotation, p.start.astimezone(UTC)): p for p in self.d.periods}
        out = []
        for c in self.plan.oncall:
            if c.technician not in self.d.technicians:
                continue
            p = periods.get((c.rotation, aware(c.start).astimezone(UTC)))
            out.append(HeldCall(c.technician, str(c.role), p, c))
        return tuple(out)

    @cached_property
    def calls_by_period(self) -> dict[tuple[str, int], dict[str, set[str]]]:
        """(rotation, period index) -> role -> technician ids."""
        out: dict[tuple[str, int], dict[str, set[str]]] = {}
        for c in self.calls:
            if c.period is not None:
                key = (c.period.rotation, c.period.index)
                out.setdefault(key, {}).setdefault(c.role, set()).add(c.technician)
        return out
