"""Rule `one_shift_per_day`: at most one duty per person per day."""

from __future__ import annotations

import pytest

from .conftest import asg, assert_broken, every_day, make, plan, solve_and_check, tech

CASES = {
    # E 06-14 then L 14-22 on one day: no overlap, rest does not apply within a day
    "two duties on one day": (lambda sc: [asg(sc, "A", 0, "E"), asg(sc, "A", 0, "L")],
                              {"one_shift_per_day": 1}),
    "one duty on each of two days": (lambda sc: [asg(sc, "A", 0, "D"), asg(sc, "A", 1, "D")], {}),
    "two duties for two clients": (lambda sc: [asg(sc, "A", 0, "E"), asg(sc, "A", 0, "L", "beta")],
                                   {"one_shift_per_day": 1}),
    "the same duty listed twice": (lambda sc: [asg(sc, "A", 0, "D"), asg(sc, "A", 0, "D")],
                                   {"one_shift_per_day": 1}),
    # the night of day 0 ends on day 1: it belongs to day 0
    "night then early next day": (lambda sc: [asg(sc, "A", 0, "N"), asg(sc, "A", 1, "E")], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc = make(rules=dict(min_rest_hours=0),
              technicians=(tech("A", clients=frozenset({"acme", "beta"})),),
              coverage=every_day("E", "D", "L", "N") + every_day("L", client="beta"))
    assert_broken(sc, plan(build(sc)), expected)


def test_solver_one_duty_per_day():
    """E and L on one day, only Alice: she holds one, the other is a gap (50)."""
    sc = make(days=1, technicians=(tech("A"),), rules=dict(min_rest_hours=0),
              coverage=every_day("E", "L"))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1
    assert report.penalties["coverage_shortfall"] == 50


def test_solver_fixed_on_each_day_allowed():
    sc0 = make(days=2, technicians=(tech("A"),), coverage=every_day("D"))
    sc = sc0.model_copy(update={"fixed": (asg(sc0, "A", 0, "D"), asg(sc0, "A", 1, "D"))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.objective == 0
