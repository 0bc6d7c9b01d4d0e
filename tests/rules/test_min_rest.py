"""Rule `min_rest`: at least `min_rest_hours` between duties on different days,
in real time (DST), across midnight and across the horizon start."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.check import check
from planner.domain import CoverageRule, ShiftType

from .builder_check import builder
from .conftest import (SHIFTS, T, asg, assert_broken, day, every_day, make, plan, solve_and_check,
                       tech)

# S starts one minute earlier than D: 10 h 59 min after a late shift (22:00)
SHIFTS_X = SHIFTS + (ShiftType(id="S", start=T(8, 59), end=T(16, 59)),
                     ShiftType(id="M", start=T(8), end=T(16)),
                     ShiftType(id="M7", start=T(7, 59), end=T(15, 59)))


def _sc(**kw):
    return make(shift_types=SHIFTS_X, **kw)


def _history(sc, shift: str, back: int = 1):
    """``sc`` with Alice having worked ``shift`` ``back`` days before the horizon."""
    return sc.model_copy(update={"history": (asg(sc, "A", day(-back), shift),)})


CASES = {
    "late then day: exactly 11 h": (lambda sc: (sc, [asg(sc, "A", 0, "L"), asg(sc, "A", 1, "D")]), {}),
    "late then S: 10 h 59 min": (lambda sc: (sc, [asg(sc, "A", 0, "L"), asg(sc, "A", 1, "S")]),
                                {"min_rest": 1}),
    "night then late: 8 h across midnight": (lambda sc: (sc, [asg(sc, "A", 0, "N"), asg(sc, "A", 1, "L")]),
                                            {"min_rest": 1}),
    "night then night: 16 h": (lambda sc: (sc, [asg(sc, "A", 0, "N"), asg(sc, "A", 1, "N")]), {}),
    "late then early two days later": (lambda sc: (sc, [asg(sc, "A", 0, "L"), asg(sc, "A", 2, "E")]), {}),
    "history late then day on day 0": (lambda sc: (_history(sc, "L"), [asg(sc, "A", 0, "D")]), {}),
    "history late then S on day 0": (lambda sc: (_history(sc, "L"), [asg(sc, "A", 0, "S")]),
                                     {"min_rest": 1}),
    "history night then early on day 0": (lambda sc: (_history(sc, "N"), [asg(sc, "A", 0, "E")]),
                                          {"min_rest": 1}),
    "old history does not bind": (lambda sc: (_history(sc, "N", 2), [asg(sc, "A", 0, "E")]), {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc, asgs = build(_sc())
    assert_broken(sc, plan(asgs), expected)


@pytest.mark.parametrize("hours, expected", [(0, {}), (8, {}), (8.01, {"min_rest": 1})])
def test_checker_parameter(hours, expected):
    """Night then late is 8 h of rest: allowed with 8 h, not with 8 h 01; 0 switches off."""
    sc = _sc(rules=dict(min_rest_hours=hours))
    assert_broken(sc, plan(asg(sc, "A", 0, "N"), asg(sc, "A", 1, "L")), expected)


# Europe/Brussels: summer time ends Sunday 2027-10-31 03:00 (one hour longer night),
# begins Sunday 2027-03-28 02:00 (one hour shorter).
DST = {
    "autumn: 22:00 to 08:00 is 11 real hours": (dt.date(2027, 10, 30), "M", {}),
    "autumn: 22:00 to 07:59 is 10 h 59": (dt.date(2027, 10, 30), "M7", {"min_rest": 1}),
    "spring: 22:00 to 09:00 is 10 real hours": (dt.date(2027, 3, 27), "D", {"min_rest": 1}),
}


@pytest.mark.parametrize("case", DST)
def test_checker_dst(case):
    saturday, shift, expected = DST[case]
    sc = _sc(start=saturday, days=2)
    assert_broken(sc, plan(asg(sc, "A", saturday, "L"), asg(sc, "A", saturday + dt.timedelta(1), shift)),
                  expected)


def test_message():
    sc = _sc()
    report = check(sc, plan(asg(sc, "A", 0, "L"), asg(sc, "A", 1, "S")))
    assert report.violations[0].message == (
        "Alice: 10 h 59 min of rest between L on 2027-07-05 and S on 2027-07-06 (minimum 11 h)")
    assert report.violations[0].technician == "A" and report.violations[0].date == day(1)


def _dated(*pairs):
    return tuple(CoverageRule(client="acme", shift=s, required=1, date=day(i)) for i, s in pairs)


def test_solver_exactly_11h_allowed():
    sc0 = _sc(days=2, technicians=(tech("A"),), coverage=_dated((0, "L"), (1, "D")))
    sc = sc0.model_copy(update={"fixed": (asg(sc0, "A", 0, "L"), asg(sc0, "A", 1, "D"))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.objective == 0


def test_solver_10h59_refused():
    sc = _sc(days=2, technicians=(tech("A"),), coverage=_dated((0, "L"), (1, "S")))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1 and report.penalties["coverage_shortfall"] == 50


def test_solver_history_counts():
    """A late the day before the horizon: S (08:59) on day 0 is refused, D (09:00) allowed."""
    sc = _history(_sc(days=1, technicians=(tech("A"),), coverage=_dated((0, "S"))), "L")
    _, report, p = solve_and_check(sc)
    assert p.assignments == () and report.penalties["coverage_shortfall"] == 50
    sc = _history(_sc(days=1, technicians=(tech("A"),), coverage=_dated((0, "D"))), "L")
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1 and report.objective == 0


def test_solver_dst_spring():
    """Spring forward: late Saturday then D Sunday is only 10 real hours: refused."""
    sat = dt.date(2027, 3, 27)
    sc = _sc(start=sat, days=2, technicians=(tech("A"),),
             coverage=(CoverageRule(client="acme", shift="L", required=1, date=sat),
                       CoverageRule(client="acme", shift="D", required=1, date=sat + dt.timedelta(1))))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1 and report.penalties["coverage_shortfall"] == 50


def test_solver_dst_autumn():
    """Fall back: late Saturday then M (08:00) Sunday is 11 real hours: allowed."""
    sat = dt.date(2027, 10, 30)
    sc = _sc(start=sat, days=2, technicians=(tech("A"),),
             coverage=(CoverageRule(client="acme", shift="L", required=1, date=sat),
                       CoverageRule(client="acme", shift="M", required=1, date=sat + dt.timedelta(1))))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.objective == 0


@pytest.mark.parametrize("hours, allowed", [(10.98, True), (10.99, False), (10.991, False)])
def test_checker_fractional_hours(hours, allowed):
    """10 h 59 min = 10.9833 h: enough for 10.98 h, not for 10.99 or 10.991 h."""
    sc = _sc(rules=dict(min_rest_hours=hours))
    assert_broken(sc, plan(asg(sc, "A", 0, "L"), asg(sc, "A", 1, "S")), {} if allowed else {"min_rest": 1})


def test_solver_fractional_hours():
    """10.991 h is 659.46 min: a rest of 659 min (L then S) is too short."""
    sc = _sc(days=2, technicians=(tech("A"),), coverage=_dated((0, "L"), (1, "S")),
             rules=dict(min_rest_hours=10.991))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1 and report.penalties["coverage_shortfall"] == 50


@pytest.mark.parametrize("case", CASES)
def test_solver_builder_agrees_with_the_checker(case):
    """The builder alone forbids exactly the checker's violations (tests/rules/builder_check.py)."""
    build, expected = CASES[case]
    sc, asgs = build(_sc(technicians=(tech("A"),)))
    verdict = builder(sc, "min_rest").given(*asgs)
    verdict.forbids() if expected else verdict.allows()
