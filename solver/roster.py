"""One person's roster in the warm start, and the warm start's test of each hard rule.

:class:`Roster` holds a person's duties by day and the counters the hard rules need.
``FITS[rule](roster, duty, horizon)``: may ``duty`` be added without breaking ``rule``
(days >= horizon are not planned yet: open)? ``VALID[rule](roster)``: does ``rule`` hold
on the whole horizon? Hard rules the construction cannot break are in
``BY_CONSTRUCTION`` with the reason. A rule's tests may instead sit beside its builder
in ``solver/rules/`` as ``fits_<rule>`` / ``valid_<rule>`` (one file per rule's solver
side), found by name like the builders. ``tests/test_registry.py`` asserts every hard rule
of the catalogue is in one of them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from solver.problem import Duty, Person, Problem, week_bounds
from solver.rules import warm_start_tests


class Roster:
    """One person's duties by day plus the counters the hard rules need."""

    def __init__(self, person: Person, problem: Problem, week_of, weekend_of) -> None:
        self.p = person
        self.n = problem.num_days
        self.rules = problem.rules
        self.week_of, self.weekend_of = week_of, weekend_of
        self.week_bounds = week_bounds(problem, person)
        self.days: list[Duty | None] = [None] * self.n
        self.week: dict[int, int] = defaultdict(int)
        self.total = 0
        self.types: dict[str, int] = defaultdict(int)
        self.weekends: dict[int, int] = defaultdict(int)
        self.tags: dict[str, int] = defaultdict(int)
        self.known = (person.history_consecutive_days is not None
                      or person.history_consecutive_days_off is not None)

    # run lengths around a day -----------------------------------------------------
    def _left(self, d: int, worked: bool) -> tuple[int, bool]:
        """Length of the run of ``worked`` days ending at d-1 and whether it reaches day 0."""
        k = d - 1
        while k >= 0 and (self.days[k] is not None) == worked:
            k -= 1
        return d - 1 - k, k < 0

    def _right(self, d: int, worked: bool, horizon: int) -> tuple[int, bool]:
        k = d + 1
        while k < horizon and (self.days[k] is not None) == worked:
            k += 1
        return k - d - 1, k >= self.n

    def _run_ok(self, length: int, at_start: bool, at_end: bool, least: int | None, past: int) -> bool:
        """Minimum-run rule for a completed run (docs/rules.md edge exemptions)."""
        if not least or length <= 0:
            return True
        exempt = self.rules.exempt_horizon_edges
        if at_end and exempt:
            return True
        if at_start:
            if not self.known and exempt:
                return True
            length += past
        return length >= least

    def fits(self, duty: Duty, horizon: int, min_run: bool = True, min_off: bool = True) -> bool:
        """True if ``duty`` can be added; days ``>= horizon`` are not planned yet (open).

        Asks every test of :data:`FITS`. ``min_run=False`` skips the minimum work-run
        test (used while growing a run); ``min_off=False`` also skips the off-run test
        (a block is checked whole later).
        """
        for name, test in FITS.items():
            if name == "min_consecutive_days" and not min_run:
                continue
            if name == "min_consecutive_days_off" and not min_off:
                continue
            if not test(self, duty, horizon):
                return False
        return True

    def neighbours(self, d: int, horizon: int) -> tuple[int | None, Duty | None]:
        """End of the person's last duty before day ``d`` (history included), next duty after it."""
        prev_end = self.p.history_last_end
        for k in range(d - 1, -1, -1):
            if self.days[k] is not None:
                prev_end = self.days[k].end
                break
        nxt = next((self.days[k] for k in range(d + 1, min(horizon, self.n))
                    if self.days[k] is not None), None)
        return prev_end, nxt

    def work_run(self, d: int, horizon: int) -> tuple[int, bool, bool, int]:
        """The work run day ``d`` would join: (length, touches day 0, touches the end, right part)."""
        left, l0 = self._left(d, True)
        right, r_end = self._right(d, True, horizon)
        return left + 1 + right, l0, r_end, right

    def add(self, duty: Duty, fair_tags, sign: int = 1) -> None:
        """Record ``duty`` (``sign=-1`` removes it)."""
        self.days[duty.day] = duty if sign > 0 else None
        if duty.day in self.week_of:
            self.week[self.week_of[duty.day]] += sign * duty.minutes
        self.total += sign * duty.minutes
        self.types[duty.shift_type] += sign
        if duty.day in self.weekend_of:
            self.weekends[self.weekend_of[duty.day]] += sign
        for t in duty.tags & fair_tags:
            self.tags[t] += sign

    def valid(self) -> bool:
        """Every hard rule of this person holds on the whole horizon (used after a block)."""
        return all(test(self) for test in VALID.values())

    def runs(self):
        """(first day, day after the last, worked) of every run of the horizon."""
        d = 0
        while d < self.n:
            worked = self.days[d] is not None
            a = d
            while d < self.n and (self.days[d] is not None) == worked:
                d += 1
            yield a, d, worked

    def gaps(self):
        """(end before, duty, day before, type before) for each duty, the history first."""
        prev_end, prev_day, prev_type = self.p.history_last_end, -1, self.p.history_last_shift_type
        for d, duty in enumerate(self.days):
            if duty is None:
                continue
            yield prev_end, duty, prev_day, prev_type
            prev_end, prev_day, prev_type = duty.end, d, duty.shift_type

    def run_at(self, d: int) -> tuple[int, int]:
        """First and last day of the work run holding day ``d``."""
        lo, hi = d, d
        while lo > 0 and self.days[lo - 1] is not None:
            lo -= 1
        while hi + 1 < self.n and self.days[hi + 1] is not None:
            hi += 1
        return lo, hi

    def is_short(self, d: int) -> bool:
        """True if the work run holding day ``d`` breaks the minimum run length."""
        lo, hi = self.run_at(d)
        return not self._run_ok(hi - lo + 1, lo == 0, hi == self.n - 1,
                                self.p.min_consecutive_days, self.p.history_consecutive_days or 0)

    def short_runs(self) -> list[tuple[int, int]]:
        """Complete work runs (first day, last day) below the minimum run length."""
        out, d = [], 0
        while d < self.n:
            if self.days[d] is None:
                d += 1
                continue
            a = d
            while d < self.n and self.days[d] is not None:
                d += 1
            if not self._run_ok(d - a, a == 0, d >= self.n, self.p.min_consecutive_days,
                                self.p.history_consecutive_days or 0):
                out.append((a, d - 1))
        return out


# --- the warm start's tests, one per hard rule ------------------------------------------


def _fits_one_shift_per_day(r: Roster, duty: Duty, horizon: int) -> bool:
    return r.days[duty.day] is None


def _fits_no_overlap(r: Roster, duty: Duty, horizon: int) -> bool:
    prev_end, nxt = r.neighbours(duty.day, horizon)
    return not ((prev_end is not None and duty.start < prev_end)
                or (nxt is not None and nxt.start < duty.end))


def _fits_min_rest(r: Roster, duty: Duty, horizon: int) -> bool:
    rest = r.rules.min_rest_minutes
    prev_end, nxt = r.neighbours(duty.day, horizon)
    return not ((prev_end is not None and duty.start - prev_end < rest)
                or (nxt is not None and nxt.start - duty.end < rest))


def _fits_max_hours_per_week(r: Roster, duty: Duty, horizon: int) -> bool:
    cap, d = r.p.max_minutes_per_week, duty.day
    return cap is None or d not in r.week_of or r.week[r.week_of[d]] + duty.minutes <= cap


def _fits_contract_hours(r: Roster, duty: Duty, horizon: int) -> bool:
    return r.p.max_minutes is None or r.total + duty.minutes <= r.p.max_minutes


def _fits_shift_type_limits(r: Roster, duty: Duty, horizon: int) -> bool:
    limit = r.p.max_per_shift_type.get(duty.shift_type)
    return limit is None or r.types[duty.shift_type] < limit


def _fits_max_weekends(r: Roster, duty: Duty, horizon: int) -> bool:
    k = r.weekend_of.get(duty.day)
    if r.p.max_weekends is None or k is None or r.weekends[k]:
        return True
    return sum(1 for v in r.weekends.values() if v) < r.p.max_weekends


def _fits_forbidden_successions(r: Roster, duty: Duty, horizon: int) -> bool:
    d, p = duty.day, r.p
    before = r.days[d - 1].shift_type if d > 0 and r.days[d - 1] else (
        p.history_last_shift_type if d == 0 else None)
    after = r.days[d + 1].shift_type if d + 1 < horizon and d + 1 < r.n and r.days[d + 1] else None
    pairs = r.rules.forbidden_successions
    return (before, duty.shift_type) not in pairs and (duty.shift_type, after) not in pairs


def _fits_max_consecutive_days(r: Roster, duty: Duty, horizon: int) -> bool:
    run, l0, _, _ = r.work_run(duty.day, horizon)
    if l0:
        run += r.p.history_consecutive_days or 0
    return r.p.max_consecutive_days is None or run <= r.p.max_consecutive_days


def _fits_min_consecutive_days(r: Roster, duty: Duty, horizon: int) -> bool:
    """The merged work run, unless it may still grow (it reaches the open future)."""
    run, l0, r_end, right = r.work_run(duty.day, horizon)
    if r_end or duty.day + right + 1 >= horizon:
        return True
    return r._run_ok(run, l0, r_end, r.p.min_consecutive_days, r.p.history_consecutive_days or 0)


def _fits_min_consecutive_days_off(r: Roster, duty: Duty, horizon: int) -> bool:
    """The two off runs the new day splits."""
    d, p = duty.day, r.p
    off_left, ol0 = r._left(d, False)
    if not r._run_ok(off_left, ol0, False, p.min_consecutive_days_off,
                     p.history_consecutive_days_off or 0):
        return False
    if d + 1 < horizon:
        off_right, or_end = r._right(d, False, horizon)
        if d + off_right + 1 < horizon and not r._run_ok(
            off_right, False, or_end, p.min_consecutive_days_off, 0
        ):
            return False
    return True


FITS: dict[str, Callable[[Roster, Duty, int], bool]] = {
    "one_shift_per_day": _fits_one_shift_per_day,
    "no_overlap": _fits_no_overlap,
    "min_rest": _fits_min_rest,
    "max_hours_per_week": _fits_max_hours_per_week,
    "contract_hours": _fits_contract_hours,
    "shift_type_limits": _fits_shift_type_limits,
    "max_weekends": _fits_max_weekends,
    "forbidden_successions": _fits_forbidden_successions,
    "max_consecutive_days": _fits_max_consecutive_days,
    "min_consecutive_days": _fits_min_consecutive_days,
    "min_consecutive_days_off": _fits_min_consecutive_days_off,
    **warm_start_tests("fits"),
}
"""Hard rule -> may this duty be added (the cheap tests first)."""


def _valid_no_overlap(r: Roster) -> bool:
    return all(end is None or duty.start >= end for end, duty, _, _ in r.gaps())


def _valid_min_rest(r: Roster) -> bool:
    rest = r.rules.min_rest_minutes
    return all(end is None or duty.start - end >= rest for end, duty, _, _ in r.gaps())


def _valid_forbidden_successions(r: Roster) -> bool:
    pairs = r.rules.forbidden_successions
    return not any(day == duty.day - 1 and (kind, duty.shift_type) in pairs
                   for _, duty, day, kind in r.gaps())


def _valid_max_hours_per_week(r: Roster) -> bool:
    cap = r.p.max_minutes_per_week
    return cap is None or all(v <= cap for v in r.week.values())


def _valid_contract_hours(r: Roster) -> bool:
    return r.p.max_minutes is None or r.total <= r.p.max_minutes


def _valid_shift_type_limits(r: Roster) -> bool:
    return all(r.types[t] <= lim for t, lim in r.p.max_per_shift_type.items())


def _valid_max_weekends(r: Roster) -> bool:
    return r.p.max_weekends is None or sum(1 for v in r.weekends.values() if v) <= r.p.max_weekends


def _valid_max_consecutive_days(r: Roster) -> bool:
    most, past = r.p.max_consecutive_days, r.p.history_consecutive_days or 0
    return most is None or all(d - a + (past if a == 0 else 0) <= most
                               for a, d, worked in r.runs() if worked)


def _valid_min_consecutive_days(r: Roster) -> bool:
    least, past = r.p.min_consecutive_days, r.p.history_consecutive_days or 0
    return all(r._run_ok(d - a, a == 0, d >= r.n, least, past) for a, d, worked in r.runs() if worked)


def _valid_min_consecutive_days_off(r: Roster) -> bool:
    least, past = r.p.min_consecutive_days_off, r.p.history_consecutive_days_off or 0
    return all(r._run_ok(d - a, a == 0, d >= r.n, least, past)
               for a, d, worked in r.runs() if not worked)


VALID: dict[str, Callable[[Roster], bool]] = {
    "contract_hours": _valid_contract_hours,
    "max_hours_per_week": _valid_max_hours_per_week,
    "shift_type_limits": _valid_shift_type_limits,
    "max_weekends": _valid_max_weekends,
    "no_overlap": _valid_no_overlap,
    "min_rest": _valid_min_rest,
    "forbidden_successions": _valid_forbidden_successions,
    "max_consecutive_days": _valid_max_consecutive_days,
    "min_consecutive_days": _valid_min_consecutive_days,
    "min_consecutive_days_off": _valid_min_consecutive_days_off,
    **warm_start_tests("valid"),
}
"""Hard rule -> does it hold on the whole horizon (after a block, or for a given plan)."""

BY_CONSTRUCTION: dict[str, str] = {
    "eligibility": "candidates are drawn from Problem.eligible only",
    "fixed_assignments": "fixed pairs are taken first; invalid_people flags a missing one",
    "oncall_one_per_role": "_oncall gives each role of a period to one person",
    "oncall_backup_distinct": "_oncall: one role per period and person, no overlapping periods",
    "oncall_eligibility": "_oncall draws from Problem.oncall_eligible only",
    "oncall_min_gap": "_oncall keeps two periods of a rotation more than the gap apart",
    "replan_limits": "a re-plan carries the previous plan as its hint: the warm start is not built",
}
"""Hard rule -> why the construction cannot break it (no test needed)."""
