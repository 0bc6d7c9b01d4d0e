"""Rule `contract_hours`: total minutes over the horizon within the contract bounds,
weekly averages pro-rated for whole-day absences (min rounded down, max up)."""

from __future__ import annotations

import pytest

from planner.domain import Absence, CoverageRule, ShiftType

from .conftest import SHIFTS, T, assert_broken, day, every_day, make, plan, solve_and_check, tech, works

# X<n>: a shift paid n minutes
PAID = {n: ShiftType(id=f"X{n}", start=T(9), end=T(17), paid_minutes=n) for n in (137, 136, 138, 139)}
SHIFTS_X = SHIFTS + tuple(PAID.values())
ABSENT_DAY6 = (Absence(technician="A", start=day(6), end=day(6)),)


def _sc(contract, **kw):
    return make(shift_types=SHIFTS_X, contract=contract, **kw)


# 40 h/week over 7 days with one whole-day absence: 2400 x 6/7 = 2057.14 min
# -> minimum 2057 (rounded down), maximum 2058 (rounded up)
CASES = {
    "max total 2400: 5 x 8 h": (dict(max_minutes_total=2400), lambda sc: works(sc, "A", range(5)), {}),
    "max total 2400: 6 x 8 h": (dict(max_minutes_total=2400), lambda sc: works(sc, "A", range(6)),
                                {"contract_hours": 1}),
    "min total 2400: 5 x 8 h": (dict(min_minutes_total=2400), lambda sc: works(sc, "A", range(5)), {}),
    "min total 2400: 4 x 8 h": (dict(min_minutes_total=2400), lambda sc: works(sc, "A", range(4)),
                                {"contract_hours": 1}),
    "min 40 h/week, absent 1 day: 2057": (dict(min_hours_per_week=40),
                                          lambda sc: works(sc, "A", range(4)) + works(sc, "A", [4], "X137"), {}),
    "min 40 h/week, absent 1 day: 2056": (dict(min_hours_per_week=40),
                                          lambda sc: works(sc, "A", range(4)) + works(sc, "A", [4], "X136"),
                                          {"contract_hours": 1}),
    "max 40 h/week avg, absent 1 day: 2058": (dict(max_hours_per_week_avg=40),
                                              lambda sc: works(sc, "A", range(4)) + works(sc, "A", [4], "X138"), {}),
    "max 40 h/week avg, absent 1 day: 2059": (dict(max_hours_per_week_avg=40),
                                              lambda sc: works(sc, "A", range(4)) + works(sc, "A", [4], "X139"),
                                              {"contract_hours": 1}),
    "totals override averages": (dict(max_hours_per_week_avg=10, max_minutes_total=2400),
                                 lambda sc: works(sc, "A", range(5)), {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    contract, build, expected = CASES[case]
    sc = _sc(contract, technicians=(tech("A"),), absences=ABSENT_DAY6)
    assert_broken(sc, plan(build(sc)), expected)


def test_part_day_absence_does_not_prorate():
    """A part-day absence leaves the average whole: min 40 h/week over 7 days is 2400."""
    sc = _sc(dict(min_hours_per_week=40), technicians=(tech("A"),),
             absences=(Absence(technician="A", start=day(6), end=day(6), start_time=T(0), end_time=T(23)),))
    assert_broken(sc, plan(works(sc, "A", range(5))), {})
    assert_broken(sc, plan(works(sc, "A", range(4)) + works(sc, "A", [4], "X137")), {"contract_hours": 1})


def test_solver_max_total_leaves_gaps():
    sc = _sc(dict(max_minutes_total=2400), technicians=(tech("A"),), coverage=every_day("D"))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 5 and report.penalties["coverage_shortfall"] == 100


def test_solver_min_total_forces_over_coverage():
    """Both need 5 days of D but only 7 are wanted: 3 extra people at over_weight 1."""
    sc = _sc(dict(min_minutes_total=2400), coverage=every_day("D"), rules=dict(over_weight=1))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 10 and report.penalties["over_coverage"] == 3


def test_solver_prorated_minimum_on_the_limit():
    """Absent day 6, min 40 h/week -> 2057 min: 4 x D + X137 meets it exactly."""
    cov = tuple(CoverageRule(client="acme", shift="D", required=1, date=day(i)) for i in range(4))
    cov += (CoverageRule(client="acme", shift="X137", required=1, date=day(4)),
            CoverageRule(client="acme", shift="X136", required=1, date=day(5)))
    sc = _sc(dict(min_hours_per_week=40, max_minutes_total=2057), technicians=(tech("A"),),
             absences=ABSENT_DAY6, coverage=cov)
    _, report, p = solve_and_check(sc)
    assert sorted(a.shift for a in p.assignments) == ["D", "D", "D", "D", "X137"]
    assert report.penalties["coverage_shortfall"] == 50


# 28 h/week over 3 days with one whole-day absence: 1680 x 3/7 x 2/3 = 480 exactly
# (floating point gives 480.00000000000006, which rounds up to 481)
EXACT = {n: ShiftType(id=f"X{n}", start=T(9), end=T(17), paid_minutes=n) for n in (480, 481)}


def _exact_sc(**kw):
    return make(days=3, shift_types=SHIFTS + tuple(EXACT.values()), technicians=(tech("A"),),
                contract=dict(max_hours_per_week_avg=28),
                absences=(Absence(technician="A", start=day(2), end=day(2)),), **kw)


@pytest.mark.parametrize("shift, expected", [("X480", {}), ("X481", {"contract_hours": 1})])
def test_checker_exact_arithmetic(shift, expected):
    sc = _exact_sc()
    assert_broken(sc, plan(works(sc, "A", [0], shift)), expected)


def test_solver_exact_maximum():
    """The maximum is exactly 480: a duty paid 481 minutes must stay open."""
    sc = _exact_sc(coverage=(CoverageRule(client="acme", shift="X481", required=1, date=day(0)),))
    _, report, p = solve_and_check(sc)
    assert p.assignments == () and report.penalties["coverage_shortfall"] == 50
