"""Rule `max_consecutive_days`: no work run longer than the limit; the first run
adds the history's work run."""

from __future__ import annotations

import pytest

from .conftest import assert_broken, day, every_day, make, plan, solve_and_check, tech, works


def _sc(history_days=(), **kw):
    sc = make(contract=dict(max_consecutive_days=3), **kw)
    return sc.model_copy(update={"history": tuple(works(sc, "A", [day(-i) for i in history_days]))})


CASES = {
    "3 on, 1 off, 3 on": ((), [0, 1, 2, 4, 5, 6], {}),
    "4 in a row": ((), [0, 1, 2, 3], {"max_consecutive_days": 1}),
    "4 in a row at the end": ((), [3, 4, 5, 6], {"max_consecutive_days": 1}),
    "two runs of 4": ((), [0, 1, 2, 3, 5, 6, 7, 8], {"max_consecutive_days": 2}),
    "history 2 + day 0 = 3": ((1, 2), [0, 2, 3, 4], {}),
    "history 2 + days 0-1 = 4": ((1, 2), [0, 1], {"max_consecutive_days": 1}),
    "history 3, off on day 0": ((1, 2, 3), [1, 2, 3], {}),
    "history 4 alone is not judged": ((1, 2, 3, 4), [], {}),
    "history 3 + day 0 = 4": ((1, 2, 3), [0], {"max_consecutive_days": 1}),
    "history run broken before day -1": ((2, 3, 4), [0, 1, 2], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    hist, worked, expected = CASES[case]
    sc = _sc(hist, days=10)
    assert_broken(sc, plan(works(sc, "A", worked)), expected)


def test_solver_limit_leaves_gap():
    """D every day for 7 days, only Alice, max 3: 3 on 1 off 3 on -> one gap (50)."""
    sc = _sc(technicians=(tech("A"),), coverage=every_day("D"))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 6 and report.penalties["coverage_shortfall"] == 50


def test_solver_history_counts():
    """Two days worked before the horizon: at most 5 of the 7 days (100)."""
    sc = _sc((1, 2), technicians=(tech("A"),), coverage=every_day("D"))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 5 and report.penalties["coverage_shortfall"] == 100


def test_solver_fixed_on_the_limit():
    sc = _sc(technicians=(tech("A"),), coverage=every_day("D"))
    sc = sc.model_copy(update={"fixed": tuple(works(sc, "A", [0, 1, 2, 4, 5, 6]))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 6
