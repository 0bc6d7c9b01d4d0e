"""Hard rule `replan_limits`: the frozen window keeps its people; a budget of changes."""

from __future__ import annotations

import datetime as dt

from planner.domain import Absence, Baseline

from .conftest import assert_broken, day, every_day, make, plan, solve_and_check, tech, works

NOW = dt.datetime(2027, 7, 5, 0, 0, tzinfo=dt.timezone.utc)


def _sc(base, frozen_hours=48.0, max_changes=None, **kw):
    sc = make(days=7, technicians=(tech("A"), tech("B"), tech("C")), coverage=every_day("D"),
              **kw)
    b = Baseline(plan=plan(base), now=NOW, frozen_hours=frozen_hours, max_changes=max_changes)
    return sc.model_copy(update={"baseline": b})


def test_checker_change_inside_frozen_window():
    base = make(days=7)
    sc = _sc(works(base, "A", range(7)))
    # day 1 (Tuesday 09:00 Brussels) starts before now + 48 h: moving it is refused
    assert_broken(sc, plan(works(sc, "A", [0, 2, 3, 4, 5, 6]) + works(sc, "B", [1])),
                  {"replan_limits": 2})
    # day 2 starts after the window: allowed
    assert_broken(sc, plan(works(sc, "A", [0, 1, 3, 4, 5, 6]) + works(sc, "B", [2])), {})


def test_checker_budget():
    base = make(days=7)
    sc = _sc(works(base, "A", range(7)), frozen_hours=0, max_changes=2)
    assert_broken(sc, plan(works(sc, "A", range(6)) + works(sc, "B", [6])), {})
    assert_broken(sc, plan(works(sc, "A", range(5)) + works(sc, "B", [5, 6])),
                  {"replan_limits": 1})


def test_checker_forced_removal_in_frozen_window_is_allowed():
    base = make(days=7)
    sc = _sc(works(base, "A", range(7)), absences=(Absence(technician="A", start=day(0),
                                                           end=day(1)),))
    assert_broken(sc, plan(works(sc, "A", range(2, 7))), {})


def test_solver_frozen_window_and_budget():
    base = make(days=7)
    # A falls ill on days 0-4: days 0-1 are frozen (stay open), the budget allows 2 additions
    sc = _sc(works(base, "A", range(7)), max_changes=2,
             absences=(Absence(technician="A", start=day(0), end=day(4)),))
    _, report, p = solve_and_check(sc)
    held = {(a.technician, a.date) for a in p.assignments}
    assert not any(d in (day(0), day(1)) for _, d in held)
    assert sum(1 for t, d in held if t != "A") == 2
    assert [r.shortfall for r in report.coverage] == [1, 1, 1, 0, 0, 0, 0]
