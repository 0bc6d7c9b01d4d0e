"""Rule `shift_type_limits`: at most `shift_limits[type]` duties of a type."""

from __future__ import annotations

import pytest

from .conftest import assert_broken, every_day, make, plan, solve_and_check, tech, works

CASES = {
    "2 nights, limit 2": ({"N": 2}, [0, 1], {}),
    "3 nights, limit 2": ({"N": 2}, [0, 1, 2], {"shift_type_limits": 1}),
    "limit on another type": ({"E": 0}, [0, 1, 2], {}),
    # limit 0 = may not work it: both rules see it
    "1 night, limit 0": ({"N": 0}, [0], {"shift_type_limits": 1, "eligibility": 1}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    limits, nights, expected = CASES[case]
    sc = make(contract=dict(shift_limits=limits))
    assert_broken(sc, plan(works(sc, "A", nights, "N")), expected)


def test_solver_limit_leaves_gaps():
    """N every day for 4 days, only Alice, at most 2 nights: 2 gaps (100)."""
    sc = make(days=4, technicians=(tech("A"),), coverage=every_day("N"), contract=dict(shift_limits={"N": 2}))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.penalties["coverage_shortfall"] == 100


def test_solver_fixed_on_limit():
    sc = make(days=4, technicians=(tech("A"),), coverage=every_day("N"), contract=dict(shift_limits={"N": 2}))
    sc = sc.model_copy(update={"fixed": tuple(works(sc, "A", [0, 3], "N"))})
    _, report, p = solve_and_check(sc)
    assert sorted(a.date.day for a in p.assignments) == [5, 8]
