"""Soft rule `over_coverage`: `over_weight` x people beyond required + peak."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import CoverageRule, Peak

from .conftest import asg, day, make, plan, solve_and_check, tech

PEOPLE = ("A", "B", "C")


def _sc(peak=0, rule_weight=None):
    cov = (CoverageRule(client="acme", shift="D", required=1, date=day(0), over_weight=rule_weight),)
    peaks = (Peak(client="acme", start=day(0), end=day(0), extra=peak),) if peak else ()
    return make(days=1, coverage=cov, technicians=tuple(tech(p) for p in PEOPLE), peaks=peaks,
                rules=dict(over_weight=3))


# (peak extra, rule over weight, people, penalty)
CASES = {
    "exactly required": (0, None, 1, 0),
    "one extra": (0, None, 2, 3),
    "two extra": (0, None, 3, 6),
    "extra absorbed by the peak": (1, None, 2, 0),
    "beyond the peak": (1, None, 3, 3),
    "rule weight overrides": (0, 5, 2, 5),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    peak, w, n, penalty = CASES[case]
    sc = _sc(peak, w)
    report = check(sc, plan([asg(sc, p, 0, "D") for p in PEOPLE[:n]]))
    assert report.hard_ok and report.penalties["over_coverage"] == penalty


def test_solver_no_extra_people():
    _, report, p = solve_and_check(_sc())
    assert len(p.assignments) == 1 and report.objective == 0


def test_solver_fixed_extra_person():
    sc = _sc()
    sc = sc.model_copy(update={"fixed": (asg(sc, "A", 0, "D"), asg(sc, "B", 0, "D"))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.penalties["over_coverage"] == 3
