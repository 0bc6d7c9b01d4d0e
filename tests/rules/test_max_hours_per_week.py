"""Rule `max_hours_per_week`: worked minutes of each calendar week capped."""

from __future__ import annotations

import pytest

from planner.domain import CoverageRule, ShiftType

from .conftest import SHIFTS, T, assert_broken, day, every_day, make, plan, solve_and_check, tech, works

# P is paid 7 h 30 (450 min) and P1 one minute more, whatever the wall clock says
SHIFTS_X = SHIFTS + (ShiftType(id="P", start=T(9), end=T(17), paid_minutes=450),
                     ShiftType(id="P1", start=T(9), end=T(17), paid_minutes=451))


def _sc(cap, **kw):
    return make(shift_types=SHIFTS_X, contract=dict(max_hours_in_week=cap), **kw)


CASES = {
    "5 x 8 h = 40 h, cap 40": (40, lambda sc: works(sc, "A", range(5)), {}),
    "6 x 8 h = 48 h, cap 40": (40, lambda sc: works(sc, "A", range(6)), {"max_hours_per_week": 1}),
    "5 x 7.5 h = 37.5 h, cap 37.5": (37.5, lambda sc: works(sc, "A", range(5), "P"), {}),
    "37.5 h + 1 min, cap 37.5": (37.5, lambda sc: works(sc, "A", range(4), "P") + works(sc, "A", [4], "P1"),
                                 {"max_hours_per_week": 1}),
    # 10 days from a Monday: week 1 is days 0-6, week 2 the partial days 7-9 (capped in full)
    "40 h in each of two weeks": (40, lambda sc: works(sc, "A", [0, 1, 2, 3, 4, 7, 8, 9]), {}),
    "48 h in week 1 only": (40, lambda sc: works(sc, "A", [0, 1, 2, 3, 4, 5, 8]), {"max_hours_per_week": 1}),
    "Sat+Sun nights = 16 h in week 1, Monday night in week 2": (16, lambda sc: works(sc, "A", [5, 6, 7], "N"), {}),
    "Saturday and Sunday nights, cap 15.99": (15.99, lambda sc: works(sc, "A", [5, 6, 7], "N"), {"max_hours_per_week": 1}),
    "no cap": (None, lambda sc: works(sc, "A", range(10)), {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    cap, build, expected = CASES[case]
    sc = _sc(cap, days=10)
    assert_broken(sc, plan(build(sc)), expected)


def test_partial_week_is_not_prorated():
    """A 3-day horizon is one (partial) week: 24 h fits a 24 h cap, 24 h with cap 23.99 does not."""
    sc = _sc(24, days=3)
    assert_broken(sc, plan(works(sc, "A", range(3))), {})
    sc = _sc(23.99, days=3)
    assert_broken(sc, plan(works(sc, "A", range(3))), {"max_hours_per_week": 1})


def test_solver_fixed_up_to_cap():
    sc0 = _sc(40, technicians=(tech("A"),), coverage=every_day("D"))
    sc = sc0.model_copy(update={"fixed": tuple(works(sc0, "A", range(5)))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 5 and report.penalties["coverage_shortfall"] == 100


def test_solver_cap_leaves_gaps():
    """D every day, only Alice, 40 h cap: 5 days worked, 2 gaps (2 x 50)."""
    sc = _sc(40, technicians=(tech("A"),), coverage=every_day("D"))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 5 and report.penalties["coverage_shortfall"] == 100


def test_solver_paid_minutes_count():
    """P is paid 450 min: with a 37.5 h cap, five P fit; P1 (451) makes the fifth refused."""
    sc = _sc(37.5, technicians=(tech("A"),),
             coverage=tuple(CoverageRule(client="acme", shift="P", required=1, date=day(i)) for i in range(4))
             + (CoverageRule(client="acme", shift="P1", required=1, date=day(4)),))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 4 and report.penalties["coverage_shortfall"] == 50


def test_checker_decimal_cap_is_exact():
    """8.2 h is 492 minutes (8.2 x 60 is 491.99999999999994 in floating point)."""
    shifts = SHIFTS + (ShiftType(id="Q", start=T(9), end=T(17), paid_minutes=492),
                       ShiftType(id="Q1", start=T(9), end=T(17), paid_minutes=493))
    sc = make(shift_types=shifts, contract=dict(max_hours_in_week=8.2))
    assert_broken(sc, plan(works(sc, "A", [0], "Q")), {})
    assert_broken(sc, plan(works(sc, "A", [0], "Q1")), {"max_hours_per_week": 1})
