"""Soft rule `peak_shortfall`: `peak_weight` x missing people of the peak demand,
missing people charged to the cheaper tier first."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import Peak

from .conftest import asg, day, every_day, make, plan, solve_and_check


def _sc(factor=0.5, extra=1, **kw):
    """acme tier 2 (under 50); peak weight = max(1, round(50 x factor))."""
    return make(days=2, coverage=every_day("D"), rules=dict(peak_weight_factor=factor),
                peaks=(Peak(client="acme", start=day(0), end=day(0), extra=extra),), **kw)


# (factor, extra, people on day 0, coverage penalty, peak penalty)
CASES = {
    "peak met": (0.5, 1, ["A", "B"], 0, 0),
    "peak missing, cheaper (25 < 50)": (0.5, 1, ["A"], 0, 25),
    "all missing, peak cheaper": (0.5, 1, [], 50, 25),
    "peak dearer (100 > 50): base charged first": (2, 1, ["A"], 50, 0),
    "peak dearer, none there": (2, 1, [], 50, 100),
    "equal weights: peak first": (1, 1, ["A"], 0, 50),
    "tiny factor rounds up to 1": (0.001, 1, ["A"], 0, 1),
    "extra 2, one there": (0.5, 2, ["A"], 0, 50),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    factor, extra, people, cov, peak = CASES[case]
    sc = _sc(factor, extra)
    sc_day1 = [asg(sc, "A", 1, "D")]  # day 1 has no peak and is covered
    report = check(sc, plan([asg(sc, p, 0, "D") for p in people] + sc_day1))
    assert report.hard_ok
    assert (report.penalties["coverage_shortfall"], report.penalties["peak_shortfall"]) == (cov, peak)
    assert report.coverage[0].required == 1 + extra


def test_peak_matches_shift_and_skill():
    sc = make(days=1, coverage=every_day("D", "L"),
              peaks=(Peak(client="acme", start=day(0), end=day(0), extra=1, shift="L"),))
    rows = {r.shift: r.required for r in check(sc, plan()).coverage}
    assert rows == {"D": 1, "L": 2}


def test_solver_peak_partly_met():
    """1 + 2 extra wanted, two people: one peak person missing (25)."""
    sc = _sc(extra=2)
    _, report, p = solve_and_check(sc)
    assert report.penalties["peak_shortfall"] == 25
    assert report.penalties["coverage_shortfall"] == 0
