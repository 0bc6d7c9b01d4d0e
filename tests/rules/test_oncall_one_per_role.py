"""Rule `oncall_one_per_role`: at most one primary and one backup per period, and
no backup when the rotation has none."""

from __future__ import annotations

import pytest

from .conftest import assert_broken, call, make, oncall_tech, plan, rotation, solve_and_check


def _sc(**kw):
    kw.setdefault("rotations", (rotation(), rotation("solo", backup=False)))
    return make(days=14, technicians=(oncall_tech("A"), oncall_tech("B"), oncall_tech("C")),
                coverage=(), **kw)


CASES = {
    "one primary, one backup": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "B", "r1", 1, "backup")], {}),
    "two primaries": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "B", "r1", 1)], {"oncall_one_per_role": 1}),
    "two backups": (lambda sc: [call(sc, "A", "r1", 1, "backup"), call(sc, "B", "r1", 1, "backup")],
                    {"oncall_one_per_role": 1}),
    "backup where the rotation has none": (lambda sc: [call(sc, "A", "solo", 1), call(sc, "B", "solo", 1, "backup")],
                                           {"oncall_one_per_role": 1}),
    "primaries of different periods": (lambda sc: [call(sc, "A", "r1", 0), call(sc, "B", "r1", 1)], {}),
    "listed twice": (lambda sc: [call(sc, "A", "r1", 1), call(sc, "A", "r1", 1)], {"oncall_one_per_role": 1}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc = _sc()
    assert_broken(sc, plan(build(sc)), expected)


def test_solver_one_primary_no_backup():
    """Three eligible people, a rotation without backup: one primary per period."""
    sc = _sc(rotations=(rotation("solo", backup=False),), rules=dict(oncall_unfilled_weight=10))
    _, report, p = solve_and_check(sc)
    assert [c.role.value for c in p.oncall] == ["primary"] * 3
    assert len({c.start for c in p.oncall}) == 3 and report.objective == 0


def test_solver_primary_and_backup():
    sc = _sc(rotations=(rotation(),), rules=dict(oncall_unfilled_weight=10, oncall_min_gap=0))
    _, report, p = solve_and_check(sc)
    assert sorted(c.role.value for c in p.oncall) == ["backup"] * 3 + ["primary"] * 3
    assert report.objective == 0
