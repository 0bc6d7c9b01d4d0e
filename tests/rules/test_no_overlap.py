"""Rule `no_overlap`: no two duties of one person overlap in time."""

from __future__ import annotations

import pytest

from planner.domain import CoverageRule, ShiftType

from .conftest import SHIFTS, T, asg, day, assert_broken, every_day, make, plan, solve_and_check, tech

# E5 starts at 05:00, one hour before the night of the day before ends
SHIFTS_X = SHIFTS + (ShiftType(id="E5", start=T(5), end=T(13)),
                     ShiftType(id="LL", start=T(13), end=T(23, 30)))

CASES = {
    "night then early, touching at 06:00": (lambda sc: [asg(sc, "A", 0, "N"), asg(sc, "A", 1, "E")], {}),
    "night then early, one hour of overlap": (lambda sc: [asg(sc, "A", 0, "N"), asg(sc, "A", 1, "E5")],
                                              {"no_overlap": 1}),
    # LL runs to 23:30 and the night starts 22:00: overlap and two duties on one day
    "same day overlap": (lambda sc: [asg(sc, "A", 0, "LL"), asg(sc, "A", 0, "N")],
                         {"no_overlap": 1, "one_shift_per_day": 1}),
    "same day no overlap": (lambda sc: [asg(sc, "A", 0, "E"), asg(sc, "A", 0, "L")],
                            {"one_shift_per_day": 1}),
    "two people on overlapping duties": (lambda sc: [asg(sc, "A", 0, "N"), asg(sc, "B", 1, "E5")], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc = make(rules=dict(min_rest_hours=0), shift_types=SHIFTS_X)
    assert_broken(sc, plan(build(sc)), expected)


def test_solver_touching_allowed():
    """Night then early touching at 06:00 (rest off): Alice fixed on both."""
    sc0 = make(days=2, technicians=(tech("A"),), rules=dict(min_rest_hours=0), shift_types=SHIFTS_X,
               coverage=every_day("N", "E"))
    fixed = (asg(sc0, "A", 0, "N"), asg(sc0, "A", 1, "E"))
    _, report, p = solve_and_check(sc0.model_copy(update={"fixed": fixed}))
    assert set(fixed) <= set(p.assignments)


def test_solver_overlap_refused():
    """Night on day 0 then E5 (05:00) on day 1, only Alice: one of them stays open."""
    sc = make(days=2, technicians=(tech("A"),), rules=dict(min_rest_hours=0), shift_types=SHIFTS_X,
              coverage=(CoverageRule(client="acme", shift="N", required=1, date=day(0)),
                        CoverageRule(client="acme", shift="E5", required=1, date=day(1))))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1
    assert report.penalties["coverage_shortfall"] == 50
