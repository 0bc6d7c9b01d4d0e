"""Soft rule `backup_use`: `backup_use_weight` per duty held by a backup technician."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import Role

from .conftest import asg, every_day, make, plan, solve_and_check, tech, works

BACKUP = tech("K", "Karim", roles=frozenset({Role.backup}), clients=frozenset({"acme", "beta"}))


def _sc(**kw):
    return make(technicians=(tech("A"), BACKUP), rules=dict(backup_use_weight=2), **kw)


@pytest.mark.parametrize("k_days, a_days, penalty", [(0, 3, 0), (1, 0, 2), (3, 2, 6)])
def test_checker(k_days, a_days, penalty):
    sc = _sc()
    report = check(sc, plan(works(sc, "K", range(k_days)) + works(sc, "A", range(a_days))))
    assert report.hard_ok and report.penalties["backup_use"] == penalty


def test_backup_must_know_two_clients():
    with pytest.raises(ValueError, match="at least two client"):
        tech("K", roles=frozenset({Role.backup}))


def test_solver_prefers_regular_staff():
    _, report, p = solve_and_check(_sc(days=2, coverage=every_day("D")))
    assert {a.technician for a in p.assignments} == {"A"} and report.objective == 0


def test_solver_backup_fills_the_gap():
    _, report, p = solve_and_check(_sc(days=2, coverage=every_day("D", required=2)))
    assert len(p.assignments) == 4 and report.penalties["backup_use"] == 4
