"""Rule `max_weekends`: at most `max_weekends` weekends with a worked day."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain import CoverageRule

from .builder_check import builder
from .conftest import assert_broken, make, plan, solve_and_check, tech, works

WEEKEND = frozenset({5, 6})

# 14 days from Monday: weekends are days 5-6 and 12-13
CASES = {
    "one weekend, both days": (1, [5, 6], {}),
    "two weekends": (1, [5, 13], {"max_weekends": 1}),
    "weekdays only": (0, [0, 1, 2, 3, 4, 7], {}),
    "one Sunday, limit 0": (0, [6], {"max_weekends": 1}),
    "two weekends, limit 2": (2, [6, 12], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    limit, worked, expected = CASES[case]
    sc = make(days=14, contract=dict(max_weekends=limit))
    assert_broken(sc, plan(works(sc, "A", worked)), expected)


def test_partial_weekend_counts():
    """A horizon starting on a Sunday: that lone Sunday is weekend 1."""
    sunday = dt.date(2027, 7, 11)
    sc = make(start=sunday, days=7, contract=dict(max_weekends=1))
    assert_broken(sc, plan(works(sc, "A", [sunday, sunday + dt.timedelta(6)])), {"max_weekends": 1})
    assert_broken(sc, plan(works(sc, "A", [sunday + dt.timedelta(6)])), {})


def _weekend_cover():
    return (CoverageRule(client="acme", shift="D", required=1, weekdays=WEEKEND),)


def test_solver_one_weekend_only():
    """D on the 4 weekend days of two weeks, only Alice, max 1 weekend: 2 gaps (100)."""
    sc = make(days=14, contract=dict(max_weekends=1), technicians=(tech("A"),), coverage=_weekend_cover())
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.penalties["coverage_shortfall"] == 100
    assert len({a.date.isocalendar()[1] for a in p.assignments}) == 1


def test_solver_fixed_on_limit():
    sc = make(days=14, contract=dict(max_weekends=2), technicians=(tech("A"),), coverage=_weekend_cover())
    sc = sc.model_copy(update={"fixed": tuple(works(sc, "A", [5, 6, 12, 13]))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 4 and report.objective == 0


@pytest.mark.parametrize("case", CASES)
def test_solver_builder_agrees_with_the_checker(case):
    """The builder alone forbids exactly the checker's violations (tests/rules/builder_check.py)."""
    limit, worked, expected = CASES[case]
    sc = make(days=14, contract=dict(max_weekends=limit), technicians=(tech("A"),))
    verdict = builder(sc, "max_weekends").given(*works(sc, "A", worked))
    verdict.forbids() if expected else verdict.allows()
