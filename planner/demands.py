"""Derivations shared by the compile step and the checker (see docs/rules.md).

These turn a :class:`~planner.domain.Scenario` into concrete coverage demands
(one row per client, date, shift and skill), on-call periods, absence intervals
and eligibility answers. They hold domain logic only: no solver.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from planner.calendar import holiday_dates, local, wall_interval
from planner.domain import Client, OnCallRotation, Scenario, Technician

DAY = dt.timedelta(days=1)


def exact(value: float | int) -> Fraction:
    """The decimal a setting was written as (``8.2`` -> 41/5, not 8.1999...)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class DemandRow:
    """The coverage wanted on one (client, date, shift, skill)."""

    client: str
    date: dt.date
    shift: str
    skill: str
    required: int
    peak: int
    under_weight: int
    over_weight: int
    peak_weight: int
    start: dt.datetime
    end: dt.datetime
    minutes: int
    tags: frozenset[str]

    @property
    def key(self) -> tuple[str, dt.date, str, str]:
        return (self.client, self.date, self.shift, self.skill)


@dataclass(frozen=True)
class PeriodRow:
    """One on-call period of one rotation."""

    rotation: str
    index: int
    start: dt.datetime
    end: dt.datetime
    backup: bool


def service_weekdays(client: Client) -> frozenset[int]:
    """Weekdays (0 = Monday) on which the client has service hours; all if none given."""
    if not client.service_windows:
        return frozenset(range(7))
    return frozenset(w.weekday for w in client.service_windows)


class Derived:
    """Lazily computed facts about one scenario, shared by compile and check."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.horizon = scenario.horizon
        self.dates = scenario.horizon.dates
        self.clients = {c.id: c for c in scenario.clients}
        self.shifts = {s.id: s for s in scenario.shift_types}
        self.contracts = {c.id: c for c in scenario.contracts}
        self.technicians = {t.id: t for t in scenario.technicians}
        self.rotations = {r.id: r for r in scenario.rotations}

    # holidays --------------------------------------------------------------
    def holidays(self, country: str) -> frozenset[dt.date]:
        return holiday_dates(country, self.horizon.start - 7 * DAY, self.horizon.end + 7 * DAY)

    # coverage --------------------------------------------------------------
    @cached_property
    def demands(self) -> tuple[DemandRow, ...]:
        """Every coverage demand of the horizon, sorted by date, client, shift, skill."""
        rules = self.scenario.rules
        dated = {(r.client, r.date, r.shift, r.skill) for r in self.scenario.coverage if r.date}
        required: dict[tuple[str, dt.date, str, str], int] = {}
        under: dict[tuple[str, dt.date, str, str], int] = {}
        over: dict[tuple[str, dt.date, str, str], int] = {}
        for rule in self.scenario.coverage:
            client = self.clients[rule.client]
            tier_weight = rules.tier_weights.get(client.tier, 1)
            if rule.date is not None:
                days = [rule.date] if self.horizon.start <= rule.date <= self.horizon.end else []
            else:
                weekdays = rule.weekdays or service_weekdays(client)
                closed = set() if client.covers_public_holidays else self.holidays(client.country)
                days = [
                    d
                    for d in self.dates
                    if d.weekday() in weekdays
                    and d not in closed
                    and (rule.client, d, rule.shift, rule.skill) not in dated
                ]
            for d in days:
                key = (rule.client, d, rule.shift, rule.skill)
                required[key] = required.get(key, 0) + rule.required
                under[key] = rule.under_weight if rule.under_weight is not None else tier_weight
                over[key] = rule.over_weight if rule.over_weight is not None else rules.over_weight
        peaks: dict[tuple[str, dt.date, str, str], int] = {}
        for peak in self.scenario.peaks:
            for key in required:
                client, d, shift, skill = key
                if (
                    client == peak.client
                    and peak.start <= d <= peak.end
                    and (not peak.shift or peak.shift == shift)
                    and (not peak.skill or peak.skill == skill)
                ):
                    peaks[key] = peaks.get(key, 0) + peak.extra
        rows = []
        for key in sorted(required, key=lambda k: (k[1], k[0], k[2], k[3])):
            client_id, d, shift_id, skill = key
            client = self.clients[client_id]
            shift = self.shifts[shift_id]
            start, end = wall_interval(d, shift.start, shift.duration_minutes, client.timezone)
            tier_weight = rules.tier_weights.get(client.tier, 1)
            tags = set()
            if shift.is_night:
                tags.add("night")
            if d.weekday() >= 5:
                tags.add("weekend")
            if d in self.holidays(client.country):
                tags.add("holiday")
            rows.append(
                DemandRow(
                    client=client_id,
                    date=d,
                    shift=shift_id,
                    skill=skill,
                    required=required[key],
                    peak=peaks.get(key, 0),
                    under_weight=under[key],
                    over_weight=over[key],
                    peak_weight=max(1, round(tier_weight * rules.peak_weight_factor)),
                    start=start,
                    end=end,
                    minutes=shift.minutes,
                    tags=frozenset(tags),
                )
            )
        return tuple(rows)

    # absences ----------------------------------------------------------------
    @cached_property
    def absence_intervals(self) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
        """Technician id -> absence intervals ``[start, end)`` as aware datetimes."""
        out: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        for a in self.scenario.absences:
            zone = self.technicians[a.technician].timezone
            start = local(a.start, a.start_time or dt.time(0), zone)
            if a.end_time is None or a.end_time == dt.time(0):  # 00:00/24:00 = midnight after end
                end = local(a.end + DAY, dt.time(0), zone)
            else:
                end = local(a.end, a.end_time, zone)
            out.setdefault(a.technician, []).append((start, end))
        return out

    @cached_property
    def _absence_index(self) -> dict[str, tuple[list[dt.datetime], list[dt.datetime]]]:
        """Per technician, merged disjoint absence intervals as (starts, ends), sorted."""
        index = {}
        for tech, intervals in self.absence_intervals.items():
            merged: list[list[dt.datetime]] = []
            for s, e in sorted(intervals):
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            index[tech] = ([m[0] for m in merged], [m[1] for m in merged])
        return index

    def absent(self, technician: str, start: dt.datetime, end: dt.datetime) -> bool:
        """True when an absence of ``technician`` overlaps ``[start, end)``."""
        found = self._absence_index.get(technician)
        if not found:
            return False
        starts, ends = found
        i = bisect.bisect_left(starts, end) - 1  # last absence starting before `end`
        return i >= 0 and ends[i] > start

    def whole_day_absent_dates(self, technician: str) -> frozenset[dt.date]:
        """Horizon dates fully covered by a whole-day absence of the technician."""
        days = set()
        for a in self.scenario.absences:
            if a.technician == technician and a.start_time is None and a.end_time is None:
                d = max(a.start, self.horizon.start)
                while d <= min(a.end, self.horizon.end):
                    days.add(d)
                    d += DAY
        return frozenset(days)

    # eligibility -------------------------------------------------------------
    def ineligible_reason(self, tech: Technician, row: DemandRow) -> str | None:
        """Why ``tech`` may not work ``row`` (None when they may), per rule `eligibility`."""
        if row.client not in tech.clients:
            return f"not trained on client {row.client}"
        if row.skill and row.skill not in tech.skills:
            return f"lacks skill {row.skill}"
        contract = self.contracts[tech.contract]
        if contract.shift_limits.get(row.shift) == 0:
            return f"contract {contract.id} forbids shift {row.shift}"
        if not contract.works_public_holidays and row.date in self.holidays(tech.country):
            return f"{row.date} is a public holiday in {tech.country}"
        if self.absent(tech.id, row.start, row.end):
            return "absent"
        return None

    # on-call -----------------------------------------------------------------
    @cached_property
    def periods(self) -> tuple[PeriodRow, ...]:
        """Every on-call period overlapping the horizon, by rotation then index."""
        out = []
        for rot in sorted(self.scenario.rotations, key=lambda r: r.id):
            out.extend(self._rotation_periods(rot))
        return tuple(out)

    def _rotation_periods(self, rot: OnCallRotation) -> list[PeriodRow]:
        begin = local(self.horizon.start, dt.time(0), rot.timezone)
        finish = local(self.horizon.end + DAY, dt.time(0), rot.timezone)
        # the last hand-over at or before the horizon start
        back = (self.horizon.start.weekday() - rot.handover_weekday) % 7
        day = self.horizon.start - back * DAY
        if local(day, rot.handover_time, rot.timezone) > begin:
            day -= 7 * DAY if rot.period_days % 7 == 0 else rot.period_days * DAY
        rows = []
        index = 0
        while True:
            start = local(day, rot.handover_time, rot.timezone)
            end = local(day + rot.period_days * DAY, rot.handover_time, rot.timezone)
            if start >= finish:
                break
            if end > begin:
                rows.append(PeriodRow(rot.id, index, start, end, rot.backup))
                index += 1
            day += rot.period_days * DAY
        return rows

    def oncall_ineligible_reason(self, tech: Technician, period: PeriodRow) -> str | None:
        """Why ``tech`` may not hold an on-call role in ``period``, per `oncall_eligibility`."""
        rot = self.rotations[period.rotation]
        if not tech.oncall:
            return "not on-call eligible"
        if rot.skill and rot.skill not in tech.skills:
            return f"lacks skill {rot.skill}"
        missing = sorted(rot.clients - tech.clients)
        if missing:
            return f"not trained on {', '.join(missing)}"
        if self.absent(tech.id, period.start, period.end):
            return "absent during the period"
        return None

    # horizon -----------------------------------------------------------------
    def day_index(self, d: dt.date) -> int:
        return (d - self.horizon.start).days

    @cached_property
    def weeks(self) -> tuple[tuple[int, ...], ...]:
        """Calendar weeks (Mon-Sun) meeting the horizon, as day indices."""
        groups: dict[tuple[int, int], list[int]] = {}
        for i, d in enumerate(self.dates):
            groups.setdefault(d.isocalendar()[:2], []).append(i)
        return tuple(tuple(v) for _, v in sorted(groups.items()))

    @cached_property
    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """Saturday and Sunday of each week that lie in the horizon, as day indices."""
        out = []
        for week in self.weeks:
            days = tuple(i for i in week if self.dates[i].weekday() >= 5)
            if days:
                out.append(days)
        return tuple(out)

    def contract_minutes(self, tech: Technician) -> tuple[int | None, int | None]:
        """(min, max) worked minutes over the horizon, per rule `contract_hours`."""
        c = self.contracts[tech.contract]
        # exact arithmetic: the hours are read as the decimals they were written as
        present_days = self.horizon.days - len(self.whole_day_absent_dates(tech.id))
        share = Fraction(60 * present_days, 7)  # minutes per weekly hour, pro-rated
        lo = c.min_minutes_total
        if lo is None and c.min_hours_per_week is not None:
            lo = math.floor(exact(c.min_hours_per_week) * share)
        hi = c.max_minutes_total
        if hi is None and c.max_hours_per_week_avg is not None:
            hi = math.ceil(exact(c.max_hours_per_week_avg) * share)
        kept = self.replan_kept_minutes.get(tech.id)
        if lo is not None and kept is not None:
            lo = min(lo, kept)
        return lo, hi

    @cached_property
    def replan_kept_minutes(self) -> dict[str, int]:
        """In a re-plan (a scenario with a baseline): technician id -> minutes of the
        published duties they can still hold, for each technician the change took at least
        one published duty from (a forced removal: absence, departure, lost training, duty
        gone). Rule `contract_hours` caps their minimum at it: a change never obliges the
        re-plan to give someone work to make up for the duties it took away."""
        b = self.scenario.baseline
        if b is None:
            return {}
        rows = {r.key: r for r in self.demands}
        kept: dict[str, int] = {}
        lost = set()
        for a in b.plan.assignments:
            t = self.technicians.get(a.technician)
            if t is None:
                continue
            row = rows.get((a.client, a.date, a.shift, a.skill))
            if row is None or self.ineligible_reason(t, row) is not None:
                lost.add(t.id)
            else:
                kept[t.id] = kept.get(t.id, 0) + row.minutes
        return {tid: kept.get(tid, 0) for tid in lost}
