"""Rule `oncall_backup_distinct`: one on-call role at a time (never primary and
backup of a period, never two overlapping periods, any rotations)."""

from __future__ import annotations

import pytest

from .conftest import assert_broken, call, make, oncall_tech, plan, rotation, solve_and_check

# r1 and r3 hand over on Monday 08:00, r2 on Wednesday 08:00
ROTATIONS = (rotation("r1"), rotation("r2", handover_weekday=2), rotation("r3"))

CASES = {
    "primary and backup of one period": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "A", "r1", 1, "backup")],
                                         {"oncall_backup_distinct": 1}),
    "overlapping periods of two rotations": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "A", "r2", 1)],
                                             {"oncall_backup_distinct": 1}),
    "same period of two rotations": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "A", "r3", 1, "backup")],
                                     {"oncall_backup_distinct": 1}),
    "back-to-back periods of two rotations": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "A", "r3", 2)], {}),
    "primary and backup by two people": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "B", "r1", 1, "backup")], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc = make(days=14, technicians=(oncall_tech("A"), oncall_tech("B")), coverage=(), rotations=ROTATIONS)
    assert_broken(sc, plan(build(sc)), expected)


def test_solver_lone_person_is_not_her_own_backup():
    """Only Alice is eligible: primary in every period, backups unfilled (3 x 10)."""
    sc = make(days=14, technicians=(oncall_tech("A"),), coverage=(), rotations=(rotation(),),
              rules=dict(oncall_min_gap=0, oncall_unfilled_weight=10))
    _, report, p = solve_and_check(sc)
    assert [c.role.value for c in p.oncall] == ["primary"] * 3
    assert report.penalties["oncall_unfilled"] == 30


def test_solver_overlapping_rotations():
    """Monday and Wednesday rotations chain-overlap (6 periods): Alice can hold 3."""
    sc = make(days=14, technicians=(oncall_tech("A"),), coverage=(),
              rotations=(rotation("r1", backup=False), rotation("r2", handover_weekday=2, backup=False)),
              rules=dict(oncall_min_gap=0, oncall_unfilled_weight=10))
    _, report, p = solve_and_check(sc)
    assert len(p.oncall) == 3 and report.penalties["oncall_unfilled"] == 30
