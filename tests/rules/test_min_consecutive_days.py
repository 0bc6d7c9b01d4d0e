"""Rule `min_consecutive_days`: work runs at least the minimum long, except a run
touching the last day, and one touching day 0 without history (with history the
history's work run is added)."""

from __future__ import annotations

import pytest

from planner.domain import CoverageRule

from .conftest import assert_broken, day, make, plan, solve_and_check, tech, works


def _sc(history_days=None, **kw):
    """Minimum 2. ``history_days``: None = no history at all; else days before day 0
    (1 = the day before) that Alice worked, in a history that starts 3 days back."""
    sc = make(contract=dict(min_consecutive_days=2), **kw)
    if history_days is None:
        return sc
    # Bob's entry 3 days back opens the history window for everyone
    hist = works(sc, "A", [day(-i) for i in history_days]) + works(sc, "B", [day(-3)])
    return sc.model_copy(update={"history": tuple(hist)})


CASES = {
    "run of 2 inside": (None, [2, 3], {}),
    "run of 1 inside": (None, [2], {"min_consecutive_days": 1}),
    "runs of 1 and 2": (None, [1, 3, 4], {"min_consecutive_days": 1}),
    "run of 1 on day 0, no history": (None, [0], {}),
    "run of 1 on the last day": (None, [6], {}),
    "history: worked day -1, run of 1 on day 0": ([1], [0], {}),
    "history: off day -1, run of 1 on day 0": ([2], [0], {"min_consecutive_days": 1}),
    "history: no entry for Alice, run of 1 on day 0": ([], [0], {"min_consecutive_days": 1}),
    "history: short run before is not judged": ([1], [3, 4], {}),
    "nothing worked": (None, [], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    hist, worked, expected = CASES[case]
    sc = _sc(hist)
    assert_broken(sc, plan(works(sc, "A", worked)), expected)


def _dated(days):
    return tuple(CoverageRule(client="acme", shift="D", required=1, date=day(i)) for i in days)


def test_solver_single_day_refused():
    """Only day 3 wanted: working it alone is a run of 1 -> the gap (50) is cheaper."""
    sc = _sc(technicians=(tech("A"),), coverage=_dated([3]))
    _, report, p = solve_and_check(sc)
    assert p.assignments == () and report.penalties["coverage_shortfall"] == 50


def test_solver_two_days_allowed():
    sc = _sc(technicians=(tech("A"),), coverage=_dated([3, 4]))
    sc = sc.model_copy(update={"fixed": tuple(works(sc, "A", [3, 4]))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.objective == 0


def test_solver_edges_exempt():
    """Day 0 (no history) and the last day alone are allowed."""
    sc = _sc(technicians=(tech("A"),), coverage=_dated([0, 6]))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.objective == 0


def test_solver_history_extends_run():
    """Alice worked day -1: day 0 alone makes a run of 2 -> allowed."""
    sc = _sc([1], technicians=(tech("A"), tech("B", clients=frozenset({"beta"}))), coverage=_dated([0]))
    _, report, p = solve_and_check(sc)
    assert [a.technician for a in p.assignments] == ["A"] and report.objective == 0


def test_solver_history_without_run():
    """Alice was off on day -1 (history exists): day 0 alone is a run of 1 -> refused."""
    sc = _sc([2], technicians=(tech("A"), tech("B", clients=frozenset({"beta"}))), coverage=_dated([0]))
    _, report, p = solve_and_check(sc)
    assert p.assignments == () and report.penalties["coverage_shortfall"] == 50


NOT_EXEMPT = {
    "run of 1 on day 0": ([0], {"min_consecutive_days": 1}),
    "run of 1 on the last day": ([6], {"min_consecutive_days": 1}),
    "run of 2 at the end": ([5, 6], {}),
    "run of 2 at the start": ([0, 1], {}),
}


@pytest.mark.parametrize("case", NOT_EXEMPT)
def test_checker_edges_not_exempt(case):
    """exempt_horizon_edges = false: runs touching the edges need the minimum too."""
    worked, expected = NOT_EXEMPT[case]
    sc = _sc(rules=dict(exempt_horizon_edges=False))
    assert_broken(sc, plan(works(sc, "A", worked)), expected)


def test_solver_edges_not_exempt():
    """Single days wanted on day 0 and day 6 only: neither may be worked (2 x 50)."""
    sc = _sc(technicians=(tech("A"),), coverage=_dated([0, 6]), rules=dict(exempt_horizon_edges=False))
    _, report, p = solve_and_check(sc)
    assert p.assignments == () and report.penalties["coverage_shortfall"] == 100
