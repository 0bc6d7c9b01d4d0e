"""Re-plans of a generated scenario after random absences: every one keeps every hard rule
(checker), the frozen window and the budget, and re-covers what one addition can."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from planner.calendar import UTC
from planner.domain import Absence
from planner.generate import generate_scenario
from planner.pipeline import plan_scenario
from planner.replan.run import replan
from solver import SolveOptions

OPTS = SolveOptions(time_limit=5, workers=1, seed=0)


@pytest.fixture(scope="module")
def published():
    sc = generate_scenario(20, 2, 3)
    out = plan_scenario(sc, SolveOptions(time_limit=10, workers=1, seed=0))
    assert out.report.hard_ok
    return sc, out


@pytest.mark.parametrize("case", range(4))
def test_random_absence_replan_keeps_every_rule(published, case):
    sc, out = published
    rng = random.Random(case)
    tech = rng.choice(sorted({a.technician for a in out.plan.assignments}))
    start = sc.horizon.start + dt.timedelta(days=rng.randint(1, 9))
    end = start + dt.timedelta(days=rng.randint(0, 4))
    changed = sc.model_copy(update={"absences": sc.absences + (
        Absence(technician=tech, start=start, end=end, kind="unplanned"),)})
    now = dt.datetime.combine(start, dt.time(0), tzinfo=UTC) - dt.timedelta(hours=24)
    budget = rng.choice([None, 2])
    r = replan(changed, out.plan, OPTS, now=now, frozen_hours=48, max_changes=budget)
    rep = r.outcome.report
    assert rep.hard_ok, [v.message for v in rep.violations]
    frozen_end = now + dt.timedelta(hours=48)
    assert all(c.forced for c in r.changes if c.start < frozen_end)
    if budget is not None:
        assert r.chosen <= budget
    assert all(c.technician == tech for c in r.changes if c.forced)
    before = sum(x.shortfall for x in out.report.coverage)
    after = sum(x.shortfall for x in rep.coverage)
    # without a budget, only the frozen window's forced removals may stay open
    if budget is None:
        assert after <= before + sum(1 for c in r.changes if c.forced and c.start < frozen_end)
