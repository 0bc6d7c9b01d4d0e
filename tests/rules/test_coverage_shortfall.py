"""Soft rule `coverage_shortfall`: per duty, `under_weight` x missing people of the
base demand (tier weight unless the coverage rule sets its own)."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import Client, CoverageRule

from .conftest import asg, day, every_day, make, plan, solve_and_check, tech

CLIENTS = (Client(id="acme", country="", tier=1), Client(id="beta", country="", tier=3))


# (coverage, assigned people, penalty)
CASES = {
    "tier 1, 2 wanted, 1 there": (every_day("D", required=2), ["A"], 100),
    "tier 1, 2 wanted, 2 there": (every_day("D", required=2), ["A", "B"], 0),
    "tier 1, 2 wanted, none": (every_day("D", required=2), [], 200),
    "tier 3, 1 wanted, none": (every_day("D", client="beta"), [], 20),
    "rule weight overrides tier": ((CoverageRule(client="acme", shift="D", required=2, under_weight=7,
                                                 date=day(0)),), ["A"], 7),
    "rules add up": ((CoverageRule(client="acme", shift="D", required=1, date=day(0)),
                      CoverageRule(client="acme", shift="D", required=2, date=day(0))), ["A"], 200),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    cov, people, penalty = CASES[case]
    sc = make(days=1, clients=CLIENTS, coverage=cov)
    report = check(sc, plan([asg(sc, p, 0, "D") for p in people]))
    assert report.hard_ok
    assert report.penalties["coverage_shortfall"] == penalty


def test_coverage_rows():
    sc = make(days=1, clients=CLIENTS, coverage=every_day("D", required=2))
    report = check(sc, plan(asg(sc, "A", 0, "D")))
    row = report.coverage[0]
    assert (row.client, row.date, row.shift, row.skill, row.required, row.assigned, row.shortfall) == \
        ("acme", day(0), "D", "", 2, 1, 1)


def test_holiday_closed_client_has_no_demand():
    """A French client closed on public holidays wants nobody on 14 July."""
    sc = make(days=14, clients=(Client(id="acme", country="FR"),), coverage=every_day("D"))
    dates = {r.date for r in check(sc, plan()).coverage}
    assert day(9) not in dates and day(8) in dates


def test_solver_gap_when_too_few():
    """3 wanted on tier 1, two people: one missing person costs 100."""
    sc = make(days=1, clients=CLIENTS, coverage=every_day("D", required=3))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.penalties["coverage_shortfall"] == 100


def test_solver_serves_the_higher_tier():
    """Alice is trained on both clients; one of her can go to tier 1 (100) not tier 3 (20)."""
    sc = make(days=1, clients=CLIENTS, technicians=(tech("A", clients=frozenset({"acme", "beta"})),),
              coverage=every_day("D") + every_day("D", client="beta"))
    _, report, p = solve_and_check(sc)
    assert [a.client for a in p.assignments] == ["acme"]
    assert report.penalties["coverage_shortfall"] == 20
