"""Soft rule `requests`: a work request costs its weight if not granted, an off
request if the person works (any shift type when the request names none)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.check import check
from planner.domain import CoverageRule, Request

from .builder_check import builder
from .conftest import asg, day, make, plan, solve_and_check, tech


def _req(work, shift="", when=0, weight=5, who="A"):
    return Request(technician=who, date=day(when) if isinstance(when, int) else when, shift=shift,
                   work=work, weight=weight)


# (request, Alice's shift on day 0 or None, penalty)
CASES = {
    "work D, works D": (_req(True, "D"), "D", 0),
    "work D, works L": (_req(True, "D"), "L", 5),
    "work D, off": (_req(True, "D"), None, 5),
    "work any, works L": (_req(True), "L", 0),
    "work any, off": (_req(True), None, 5),
    "off any, works": (_req(False), "D", 5),
    "off D, works L": (_req(False, "D"), "L", 0),
    "off D, works D": (_req(False, "D"), "D", 5),
    "off any, off": (_req(False), None, 0),
    "work, day before the horizon": (_req(True, when=dt.date(2027, 7, 1)), None, 0),
    "weight 0": (_req(True, weight=0), None, 0),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    req, shift, penalty = CASES[case]
    sc = make(requests=(req,))
    report = check(sc, plan([asg(sc, "A", 0, shift)] if shift else []))
    assert report.hard_ok and report.penalties["requests"] == penalty


def _one_duty(*reqs, technicians=None):
    """One D on day 0; an extra person costs 10 (more than any request here)."""
    return make(days=1, requests=reqs, technicians=technicians, rules=dict(over_weight=10),
                coverage=(CoverageRule(client="acme", shift="D", required=1, date=day(0)),))


def test_solver_grants_work_request():
    _, report, p = solve_and_check(_one_duty(_req(True, "D", who="B")))
    assert [a.technician for a in p.assignments] == ["B"] and report.objective == 0


def test_solver_off_request_cheaper_than_gap():
    """Alice alone: working (request costs 5) beats the gap (50)."""
    _, report, p = solve_and_check(_one_duty(_req(False), technicians=(tech("A"),)))
    assert len(p.assignments) == 1 and report.penalties["requests"] == 5


def test_solver_off_request_dearer_than_gap():
    _, report, p = solve_and_check(_one_duty(_req(False, weight=60), technicians=(tech("A"),)))
    assert p.assignments == () and report.penalties["coverage_shortfall"] == 50
    assert report.penalties["requests"] == 0


def test_solver_conflicting_requests():
    """Both want to work the only D: one is disappointed (the lighter weight, 3)."""
    _, report, p = solve_and_check(_one_duty(_req(True, "D", weight=3), _req(True, "D", weight=4, who="B")))
    assert [a.technician for a in p.assignments] == ["B"] and report.penalties["requests"] == 3


@pytest.mark.parametrize("case", CASES)
def test_solver_builder_penalises_as_the_checker(case):
    """The builder alone charges each case the checker's penalty (tests/rules/builder_check.py)."""
    req, shift, penalty = CASES[case]
    sc = make(requests=(req,), technicians=(tech("A"),))
    builder(sc, "requests").given(*([asg(sc, "A", 0, shift)] if shift else [])).penalises(penalty)
