"""Rule `oncall_eligibility`: on-call eligible, skilled, trained on every client of
the rotation, not absent during the period; and the period must exist."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain import Absence, OnCallDuty

from .conftest import T, assert_broken, call, day, make, oncall_tech, plan, rotation, solve_and_check, tech

# 14 days from Monday 2027-07-05: periods 0 (from 28 June 08:00), 1 (5 July), 2 (12 July)


def _sc(technicians=None, **kw):
    kw.setdefault("rotations", (rotation(), rotation("pool", clients=frozenset({"acme", "beta"})),
                                rotation("ora", skill="oracle")))
    return make(days=14, technicians=technicians or (oncall_tech("A", "Alice"), tech("B", "Bob")),
                coverage=(), **kw)


def _absent(end: dt.time):
    """Alice absent on 5 July from 00:00 to ``end``; period 1 starts at 08:00."""
    return (Absence(technician="A", start=day(0), end=day(0), start_time=T(0), end_time=end),)


def _moved(sc, field, hours):
    c = call(sc, "A", "r1", 1)
    return c.model_copy(update={field: getattr(c, field) + dt.timedelta(hours=hours)})


CASES = {
    "eligible primary": (lambda sc: call(sc, "A", "r1", 1), {}),
    "eligible backup": (lambda sc: call(sc, "A", "r1", 1, "backup"), {}),
    "not on-call eligible": (lambda sc: call(sc, "B", "r1", 1), {"oncall_eligibility": 1}),
    "not trained on every client of a pool": (lambda sc: call(sc, "A", "pool", 1), {"oncall_eligibility": 1}),
    "lacks the rotation's skill": (lambda sc: call(sc, "A", "ora", 1), {"oncall_eligibility": 1}),
    "no such rotation": (lambda sc: call(sc, "A", "r1", 1).model_copy(update={"rotation": "zz"}),
                         {"oncall_eligibility": 1}),
    "no period starts then": (lambda sc: _moved(sc, "start", 1), {"oncall_eligibility": 1}),
    "wrong end": (lambda sc: _moved(sc, "end", -1), {"oncall_eligibility": 1}),
    "unknown technician": (lambda sc: call(sc, "A", "r1", 1).model_copy(update={"technician": "Z"}),
                           {"oncall_eligibility": 1}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc = _sc()
    assert_broken(sc, plan(build(sc)), expected)


@pytest.mark.parametrize("end, expected", [(T(8), {}), (T(8, 1), {"oncall_eligibility": 1})])
def test_checker_absence_edge(end, expected):
    """An absence ending at the hand-over is allowed; a minute later it overlaps."""
    sc = _sc(absences=_absent(end))
    assert_broken(sc, plan(call(sc, "A", "r1", 1)), expected)


def test_solver_only_eligible_people():
    """Only Alice may take on-call: she holds all three periods (gap 0, no backup)."""
    sc = _sc(rotations=(rotation(backup=False),), rules=dict(oncall_min_gap=0, oncall_unfilled_weight=10))
    _, report, p = solve_and_check(sc)
    assert [(c.technician, c.role.value) for c in p.oncall] == [("A", "primary")] * 3
    assert report.penalties["oncall_unfilled"] == 0


def test_solver_absence_leaves_period_unfilled():
    sc = _sc(rotations=(rotation(backup=False),), rules=dict(oncall_min_gap=0, oncall_unfilled_weight=10),
             absences=(Absence(technician="A", start=day(3), end=day(3)),))
    _, report, p = solve_and_check(sc)
    assert len(p.oncall) == 2 and report.penalties["oncall_unfilled"] == 10
    assert report.unfilled_oncall[0].start == call(sc, "A", "r1", 1).start


def test_solver_pool_needs_every_client():
    sc = _sc(rotations=(rotation("pool", clients=frozenset({"acme", "beta"}), backup=False),),
             technicians=(oncall_tech("A"), oncall_tech("B", clients=frozenset({"acme", "beta"}))),
             rules=dict(oncall_min_gap=0, oncall_unfilled_weight=10))
    _, report, p = solve_and_check(sc)
    assert {c.technician for c in p.oncall} == {"B"} and report.objective == 0
