"""An unplanned absence never makes a re-plan infeasible through the contract minimum.

Alice must work 40 h a week on average (5 day shifts in 7 days, pro-rated by the days she
is present). The published plan gives her days 2-6. She falls ill on days 4-6, reported on
day 0: days 0-1 are frozen, 2-3 she keeps, so the pro-rated minimum of her 4 present days
(22 h 51) is out of reach (she can hold 16 h). The minimum is capped at the hours of the
published duties she can still hold (docs/rules.md, ``contract_hours``): the re-plan keeps
her days 2-3 and a colleague takes days 4-6. Compile and checker read the same bound.
"""

from __future__ import annotations

from planner.check import Context, check
from planner.check.limits import contract_bounds
from planner.compile import compile_scenario
from planner.domain import Absence, Contract
from planner.replan.run import replan, with_baseline
from tests.rules.conftest import day, every_day, make, plan, tech, works

from .helpers import BACKUP, NOW, OPTS

CONTRACTS = (Contract(id="std", max_consecutive_days=None, max_hours_in_week=None),
             Contract(id="full", max_consecutive_days=None, max_hours_in_week=None,
                      min_hours_per_week=40))
SICK = Absence(technician="A", start=day(4), end=day(6), kind="unplanned")


def _scenario(*absences):
    return make(days=7, technicians=(tech("A", "Alice", contract="full"), tech("B", "Bob"),
                                     BACKUP),
                contracts=CONTRACTS, coverage=every_day("D"), absences=absences)


def _published():
    sc = _scenario()
    return plan(works(sc, "A", range(2, 7)) + works(sc, "B", range(0, 2)))


def test_published_plan_keeps_the_contract_minimum():
    rep = check(_scenario(), _published())
    assert rep.hard_ok, [v.message for v in rep.violations]


def test_pro_rated_minimum_unchanged_outside_a_replan():
    sc = _scenario(SICK)
    ctx = Context(sc, _published())
    assert contract_bounds(ctx, "A")[0] == 2400 * 4 // 7  # 22 h 51, 4 of 7 days present


def test_absence_caps_the_minimum_at_the_published_hours_left():
    sc = with_baseline(_scenario(SICK), _published(), NOW)
    assert contract_bounds(Context(sc, _published()), "A")[0] == 2 * 8 * 60
    person = next(p for p in compile_scenario(sc).problem.people if p.id == "A")
    assert person.min_minutes == 2 * 8 * 60
    # a technician the change took nothing from keeps the pro-rated minimum
    calm = with_baseline(_scenario(), _published(), NOW)
    assert contract_bounds(Context(calm, _published()), "A")[0] == 2400


def test_replan_after_the_absence_is_feasible_and_keeps_every_rule():
    r = replan(_scenario(SICK), _published(), OPTS, now=NOW)
    rep = r.outcome.report
    assert r.outcome.result.status.has_plan, r.outcome.result.conflicts
    assert rep.hard_ok, [v.message for v in rep.violations]
    assert sum(c.shortfall for c in rep.coverage) == 0
    alice = {a.date for a in r.outcome.plan.assignments if a.technician == "A"}
    assert alice == {day(2), day(3)}
    assert {c.date for c in r.changes if c.forced} == {day(4), day(5), day(6)}
