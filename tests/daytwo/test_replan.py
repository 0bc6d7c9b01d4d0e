"""Re-plan: frozen window, budget, backups first, a sick technician's duties re-covered.

Every re-plan ends with the independent checker: no hard violation, and its
``plan_stability`` penalty equals the solver's.
"""

from __future__ import annotations

import datetime as dt

from planner.domain import Absence
from planner.replan.run import replan

from .helpers import NOW, OPTS, day, published, scenario


def _sick(start: int, end: int) -> Absence:
    return Absence(technician="A", start=day(start), end=day(end), kind="unplanned")


def _checked(r):
    rep = r.outcome.report
    assert rep.hard_ok, [v.message for v in rep.violations]
    assert rep.penalties["plan_stability"] == r.outcome.result.penalties["plan_stability"]
    return rep


def test_sick_technician_duties_are_recovered_by_the_free_backup():
    base = scenario()
    sc = scenario(absences=(_sick(8, 10),))
    r = replan(sc, published(base), OPTS, now=NOW)
    rep = _checked(r)
    assert sum(c.shortfall for c in rep.coverage) == 0
    removed = {(c.technician, c.date) for c in r.changes if c.change == "removed"}
    added = {(c.technician, c.date) for c in r.changes if c.change == "added"}
    assert removed == {("A", day(8)), ("A", day(10))}
    assert all(c.forced for c in r.changes if c.change == "removed")
    # the free backup, never Bob on his days off (a regular moved), nothing else changes
    assert added == {("K", day(8)), ("K", day(10))}
    assert r.chosen == 2
    assert [n.technician for n in r.notices] == ["A", "K"]
    assert "added: " in r.notices[1].summary and "2027-07-13" in r.notices[1].summary


def test_frozen_window_keeps_its_people():
    base = scenario()
    sc = scenario(absences=(_sick(0, 4),))
    r = replan(sc, published(base), OPTS, now=NOW, frozen_hours=48)
    rep = _checked(r)
    frozen_end = NOW + dt.timedelta(hours=48)
    assert all(c.forced for c in r.changes if c.start < frozen_end)
    short = {row.date: row.shortfall for row in rep.coverage}
    assert short[day(0)] == 1  # A's frozen duty stays open
    assert short[day(2)] == short[day(4)] == 0  # after the window, re-covered


def test_budget_of_changes_is_never_exceeded():
    base = scenario()
    sc = scenario(absences=(_sick(2, 13),))
    r = replan(sc, published(base), OPTS, now=NOW, max_changes=3)
    rep = _checked(r)
    assert r.chosen == 3
    assert sum(c.shortfall for c in rep.coverage) == 6 - 3


def test_no_change_no_move():
    base = scenario()
    r = replan(base, published(base), OPTS, now=NOW)
    _checked(r)
    assert r.changes == () and r.notices == ()


def test_regular_moved_only_when_no_backup_can():
    # K is away too: Bob, free on the even days, takes A's duties (a regular is moved)
    base = scenario()
    sc = scenario(absences=(_sick(8, 10), Absence(technician="K", start=day(8), end=day(10))))
    r = replan(sc, published(base), OPTS, now=NOW)
    rep = _checked(r)
    assert sum(c.shortfall for c in rep.coverage) == 0
    assert {(c.technician, c.date) for c in r.changes if c.change == "added"} == \
        {("B", day(8)), ("B", day(10))}
