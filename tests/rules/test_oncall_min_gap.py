"""Rule `oncall_min_gap`: in one rotation, two periods of one person are more than
`oncall_min_gap` periods apart (1 = never two in a row)."""

from __future__ import annotations

import pytest

from .conftest import assert_broken, call, make, oncall_tech, plan, rotation, solve_and_check

# 21 days from Monday: periods 0 (from 28 June) .. 3 (from 19 July)
CASES = {
    "gap 1: periods 0 and 1": (1, [("r1", 0), ("r1", 1, "backup")], {"oncall_min_gap": 1}),
    "gap 1: periods 0 and 2": (1, [("r1", 0), ("r1", 2)], {}),
    "gap 2: periods 0 and 2": (2, [("r1", 0), ("r1", 2)], {"oncall_min_gap": 1}),
    "gap 2: periods 0 and 3": (2, [("r1", 0), ("r1", 3)], {}),
    "gap 0: periods 0 and 1": (0, [("r1", 0), ("r1", 1)], {}),
    "gap 1: three in a row": (1, [("r1", 0), ("r1", 1), ("r1", 2)], {"oncall_min_gap": 2}),
    "gap 1: next period of another rotation": (1, [("r1", 1), ("r3", 2)], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    gap, calls, expected = CASES[case]
    sc = make(days=21, technicians=(oncall_tech("A"),), coverage=(),
              rotations=(rotation("r1"), rotation("r3")), rules=dict(oncall_min_gap=gap))
    assert_broken(sc, plan([call(sc, "A", *c) for c in calls]), expected)


@pytest.mark.parametrize("gap, held", [(0, 3), (1, 2), (2, 1)])
def test_solver_lone_person(gap, held):
    """Only Alice, 3 periods, no backup: she holds 3, 2 (0 and 2) or 1 of them."""
    sc = make(days=14, technicians=(oncall_tech("A"),), coverage=(), rotations=(rotation(backup=False),),
              rules=dict(oncall_min_gap=gap, oncall_unfilled_weight=10))
    _, report, p = solve_and_check(sc)
    assert len(p.oncall) == held and report.penalties["oncall_unfilled"] == 10 * (3 - held)
