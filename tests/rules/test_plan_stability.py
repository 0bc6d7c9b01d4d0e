"""Soft rule `plan_stability`: the weight of each change against the published plan."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.check import check
from planner.domain import Absence, Baseline, Role

from .conftest import day, every_day, make, plan, solve_and_check, tech, works

NOW = dt.datetime(2027, 7, 5, 0, 0, tzinfo=dt.timezone.utc)
BACKUP = tech("K", "Karim", roles=frozenset({Role.backup}), clients=frozenset({"acme", "beta"}))


def _sc(base, days=14, frozen_hours=0.0, **kw):
    sc = make(days=days, technicians=(tech("A"), tech("B"), BACKUP), coverage=every_day("D"),
              **kw)
    b = Baseline(plan=plan(base), now=NOW, frozen_hours=frozen_hours, change_weight=10,
                 near_change_weight=30, near_days=7, backup_change_weight=2)
    return sc.model_copy(update={"baseline": b})


@pytest.mark.parametrize("a_days, b_days, penalty", [
    (range(14), [], 0),              # the baseline itself
    (range(13), [13], 20),           # one far duty moved A -> B: removed + added at 10
    (range(1, 14), [0], 60),         # one near duty moved: 2 x 30
])
def test_checker(a_days, b_days, penalty):
    base = make(days=14)
    sc = _sc(works(base, "A", range(14)))
    report = check(sc, plan(works(sc, "A", a_days) + works(sc, "B", b_days)))
    assert report.penalties["plan_stability"] == penalty


def test_checker_backup_addition_is_cheaper_and_forced_removal_free():
    base = make(days=14)
    sc = _sc(works(base, "A", range(14)),
             absences=(Absence(technician="A", start=day(2), end=day(2)),))
    # A is absent on day 2: their duty there is a forced removal (free); K takes it (2)
    p = plan(works(sc, "A", [d for d in range(14) if d != 2]) + works(sc, "K", [2]))
    report = check(sc, p)
    assert report.hard_ok
    assert report.penalties["plan_stability"] == 2


def test_checker_no_baseline_no_penalty():
    sc = make(days=3, coverage=every_day("D"))
    assert check(sc, plan(works(sc, "A", range(3)))).penalties["plan_stability"] == 0


def test_solver_keeps_the_published_plan():
    base = make(days=14)
    # B alone would be cheaper for continuity-free quiet weights? all equal: stability decides
    sc = _sc(works(base, "A", range(0, 14, 2)) + works(base, "B", range(1, 14, 2)))
    _, report, p = solve_and_check(sc)
    assert report.penalties["plan_stability"] == 0
    assert {(a.technician, a.date) for a in p.assignments} == \
        {(a.technician, a.date) for a in sc.baseline.plan.assignments}


def test_solver_backup_first_after_an_absence():
    base = make(days=14)
    sc = _sc(works(base, "A", range(0, 14, 2)) + works(base, "B", range(1, 14, 2)),
             absences=(Absence(technician="A", start=day(8), end=day(8)),))
    _, report, p = solve_and_check(sc)
    held = {(a.technician, a.date) for a in p.assignments}
    assert ("K", day(8)) in held  # the free backup, not B (a regular moved to a day off)
    assert report.penalties["plan_stability"] == 2
    assert sum(r.shortfall for r in report.coverage) == 0
