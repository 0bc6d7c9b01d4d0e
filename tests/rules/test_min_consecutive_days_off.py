"""Rule `min_consecutive_days_off`: off runs at least the minimum long, except at
the horizon edges (day 0 only without history; with history its off run is added)."""

from __future__ import annotations

import pytest

from planner.domain import Absence

from .conftest import assert_broken, day, every_day, make, plan, solve_and_check, tech, works


def _sc(history_days=None, **kw):
    """Minimum 2 days off; history as in test_min_consecutive_days."""
    sc = make(contract=dict(min_consecutive_days_off=2), **kw)
    if history_days is None:
        return sc
    hist = works(sc, "A", [day(-i) for i in history_days]) + works(sc, "B", [day(-3)])
    return sc.model_copy(update={"history": tuple(hist)})


CASES = {
    "2 off inside": (None, [0, 1, 4, 5, 6], {}),
    "1 off inside": (None, [0, 1, 3, 4, 5, 6], {"min_consecutive_days_off": 1}),
    "two single days off": (None, [0, 2, 4, 5, 6], {"min_consecutive_days_off": 2}),
    "1 off on day 0, no history": (None, [1, 2, 3, 4, 5, 6], {}),
    "1 off on the last day": (None, [0, 1, 2, 3, 4, 5], {}),
    "history: worked day -1, 1 off on day 0": ([1], [1, 2, 3, 4, 5, 6], {"min_consecutive_days_off": 1}),
    "history: off day -1, 1 off on day 0": ([2], [1, 2, 3, 4, 5, 6], {}),
    "history: no entry for Alice, 1 off on day 0": ([], [1, 2, 3, 4, 5, 6], {}),
    "never off": (None, list(range(7)), {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    hist, worked, expected = CASES[case]
    sc = _sc(hist)
    assert_broken(sc, plan(works(sc, "A", worked)), expected)


def test_absence_days_are_off_days():
    sc = _sc(absences=(Absence(technician="A", start=day(3), end=day(3)),))
    assert_broken(sc, plan(works(sc, "A", [0, 1, 2, 4, 5, 6])), {"min_consecutive_days_off": 1})


def test_solver_single_absence_needs_a_second_day_off():
    """Alice absent on day 3: she must also be off day 2 or 4 -> two gaps (100)."""
    sc = _sc(technicians=(tech("A"),), coverage=every_day("D"),
             absences=(Absence(technician="A", start=day(3), end=day(3)),))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 5 and report.penalties["coverage_shortfall"] == 100


def test_solver_two_days_off_allowed():
    sc = _sc(technicians=(tech("A"),), coverage=every_day("D"))
    sc = sc.model_copy(update={"fixed": tuple(works(sc, "A", [0, 1, 4, 5, 6]))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 7  # nothing forces a day off: she works all


def test_solver_history_worked_day_before():
    """Alice worked day -1 and is absent day 0: she must stay off day 1 too."""
    sc = _sc([1], technicians=(tech("A"), tech("B", clients=frozenset({"beta"}))),
             coverage=every_day("D"), days=3,
             absences=(Absence(technician="A", start=day(0), end=day(0)),))
    _, report, p = solve_and_check(sc)
    assert sorted(a.date for a in p.assignments) == [day(2)]
    assert report.penalties["coverage_shortfall"] == 100


NOT_EXEMPT = {
    "1 off on day 0": ([1, 2, 3, 4, 5, 6], {"min_consecutive_days_off": 1}),
    "1 off on the last day": ([0, 1, 2, 3, 4, 5], {"min_consecutive_days_off": 1}),
    "2 off at the end": ([0, 1, 2, 3, 4], {}),
    "never off": (list(range(7)), {}),
}


@pytest.mark.parametrize("case", NOT_EXEMPT)
def test_checker_edges_not_exempt(case):
    worked, expected = NOT_EXEMPT[case]
    sc = _sc(rules=dict(exempt_horizon_edges=False))
    assert_broken(sc, plan(works(sc, "A", worked)), expected)


def test_solver_edges_not_exempt():
    """Alice absent on the last day: a lone free last day is too short, so day 5 is off too."""
    sc = _sc(technicians=(tech("A"),), coverage=every_day("D"), rules=dict(exempt_horizon_edges=False),
             absences=(Absence(technician="A", start=day(6), end=day(6)),))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 5 and report.penalties["coverage_shortfall"] == 100
