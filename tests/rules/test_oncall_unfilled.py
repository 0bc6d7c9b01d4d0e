"""Soft rule `oncall_unfilled`: `oncall_unfilled_weight` per missing primary, and per
missing backup where the rotation has one."""

from __future__ import annotations

import pytest

from planner.check import check

from .conftest import call, make, oncall_tech, plan, rotation, solve_and_check

# 7 days from Monday: two periods (from 28 June and from 5 July)
CASES = {
    "all filled": (True, [("A", 0, "primary"), ("B", 0, "backup"), ("A", 1, "primary"), ("B", 1, "backup")], 0),
    "one backup missing": (True, [("A", 0, "primary"), ("B", 0, "backup"), ("A", 1, "primary")], 10),
    "nothing": (True, [], 40),
    "no backup wanted": (False, [("A", 0, "primary"), ("A", 1, "primary")], 0),
    "no backup wanted, nothing": (False, [], 20),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    backup, calls, penalty = CASES[case]
    sc = make(technicians=(oncall_tech("A"), oncall_tech("B")), coverage=(),
              rotations=(rotation(backup=backup),), rules=dict(oncall_unfilled_weight=10, oncall_min_gap=0))
    report = check(sc, plan([call(sc, t, "r1", i, r) for t, i, r in calls]))
    assert report.hard_ok and report.penalties["oncall_unfilled"] == penalty
    assert len(report.unfilled_oncall) == penalty // 10


def test_solver_fills_what_it_can():
    """One eligible person, backup wanted: 2 backups missing (2 x 10)."""
    sc = make(technicians=(oncall_tech("A"),), coverage=(), rotations=(rotation(),),
              rules=dict(oncall_unfilled_weight=10, oncall_min_gap=0))
    _, report, _ = solve_and_check(sc)
    assert report.penalties["oncall_unfilled"] == 20
    assert {u.role for u in report.unfilled_oncall} == {"backup"}
