"""Soft rule `continuity`: `continuity_weight` when a person works days d and d+1
for different clients."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import CoverageRule

from .builder_check import builder
from .conftest import asg, day, every_day, make, plan, solve_and_check, tech

BOTH = frozenset({"acme", "beta"})

CASES = {
    "acme then acme": ([(0, "acme"), (1, "acme")], 0),
    "acme then beta": ([(0, "acme"), (1, "beta")], 3),
    "acme, beta, acme": ([(0, "acme"), (1, "beta"), (2, "acme")], 6),
    "acme, a day off, beta": ([(0, "acme"), (2, "beta")], 0),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    worked, penalty = CASES[case]
    sc = make(technicians=(tech("A", clients=BOTH),), coverage=every_day("D") + every_day("D", client="beta"),
              rules=dict(continuity_weight=3))
    report = check(sc, plan([asg(sc, "A", i, "D", c) for i, c in worked]))
    assert report.hard_ok and report.penalties["continuity"] == penalty


def test_solver_keeps_people_with_their_client():
    sc = make(days=3, technicians=(tech("A", clients=BOTH), tech("B", clients=BOTH)),
              coverage=every_day("D") + every_day("D", client="beta"), rules=dict(continuity_weight=3))
    _, report, p = solve_and_check(sc)
    assert report.penalties["continuity"] == 0
    for who in ("A", "B"):
        assert len({a.client for a in p.assignments if a.technician == who}) == 1


def test_solver_forced_switch():
    """acme wants Alice on day 0, beta on day 1: one switch (3) beats a gap (50)."""
    sc = make(days=2, technicians=(tech("A", clients=BOTH),), rules=dict(continuity_weight=3),
              coverage=(CoverageRule(client="acme", shift="D", required=1, date=day(0)),
                        CoverageRule(client="beta", shift="D", required=1, date=day(1))))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.penalties["continuity"] == 3


@pytest.mark.parametrize("case", CASES)
def test_solver_builder_penalises_as_the_checker(case):
    """The builder alone charges each case the checker's penalty (tests/rules/builder_check.py)."""
    worked, penalty = CASES[case]
    sc = make(technicians=(tech("A", clients=BOTH),), coverage=every_day("D") + every_day("D", client="beta"),
              rules=dict(continuity_weight=3))
    builder(sc, "continuity").given(*(asg(sc, "A", i, "D", c) for i, c in worked)).penalises(penalty)
