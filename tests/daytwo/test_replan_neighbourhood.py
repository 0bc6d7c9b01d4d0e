"""The staged re-plan searches the changes' neighbourhood first and widens it when the
published coverage is not restored there (planner.replan.neighbourhood); the checker is
the oracle."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import planner.replan.neighbourhood as hood
import planner.replan.staged as staged
from planner.check import Context, check
from planner.check.stability import changes
from planner.compile import compile_scenario, to_plan
from planner.domain import Absence, Contract, CoverageRule
from planner.replan.prefill import prefill
from planner.replan.run import replan, with_baseline
from planner.replan.staged import fewest_changes_problem
from solver import solve
from tests.rules.conftest import day, every_day, make, plan, tech, works

from .helpers import NOW, OPTS, published, scenario

D_MINUTES = 8 * 60


def _chain_scenario(**kw):
    """A on acme every day; B (acme and beta) on beta days 3-9 and at their contract's
    maximum; C (beta only) on beta days 0-2 and 10-13."""
    contracts = (Contract(id="std", max_consecutive_days=None, max_hours_in_week=None),
                 Contract(id="capped", max_consecutive_days=None, max_hours_in_week=None,
                          max_minutes_total=7 * D_MINUTES))
    techs = (tech("A"), tech("B", contract="capped", clients=frozenset({"acme", "beta"})),
             tech("C", clients=frozenset({"beta"})))
    coverage = tuple(CoverageRule(client=c, shift="D", required=1, weekdays=frozenset(range(7)))
                     for c in ("acme", "beta"))
    return make(days=14, technicians=techs, contracts=contracts, coverage=coverage, **kw)


def _chain_published(sc):
    return plan(works(sc, "A", range(14)) + works(sc, "B", range(3, 10), client="beta")
                + works(sc, "C", [0, 1, 2, 10, 11, 12, 13], client="beta"))


def test_cells_outside_the_neighbourhood_keep_the_published_plan():
    sc = scenario(absences=(Absence(technician="A", start=day(8), end=day(8), kind="unplanned"),))
    base = published(scenario())
    sc = with_baseline(sc, base, NOW)
    compiled = compile_scenario(sc, prefill(sc))
    # only Bob may change, on days 6 to 10: the free backup Karim may not take the gap
    cells = frozenset(("B", d) for d in range(6, 11))
    problem = hood.restricted(compiled.problem, cells)
    result = solve(fewest_changes_problem(problem), OPTS)
    p = to_plan(compiled, result)
    assert check(sc, p).hard_ok
    chosen = [c for c in changes(Context(sc, p)) if not c.forced]
    assert chosen and all(c.technician == "B" and 6 <= (c.date - day(0)).days <= 10
                          for c in chosen)
    assert not any(a.technician == "K" for a in p.assignments)


def test_neighbourhood_holds_the_eligible_people_and_backups_around_the_change():
    sc = with_baseline(scenario(absences=(Absence(technician="A", start=day(8), end=day(8),
                                                  kind="unplanned"),)),
                       published(scenario()), NOW)
    problem = compile_scenario(sc, prefill(sc)).problem
    duties, periods = hood.affected(problem)
    assert duties == {next(d.id for d in problem.duties if d.day == 8)} and not periods
    cells = hood.free_cells(problem, 0)
    assert {p for p, _ in cells} == {"B", "K"}
    assert {d for _, d in cells} == set(range(8 - hood.PAD_DAYS, 14))
    assert hood.free_cells(problem, hood.RINGS - 1) is None


def test_a_chain_outside_the_neighbourhood_is_found_by_widening(monkeypatch):
    # only B can take A's day 10, but B is at the contract maximum: B must give one of
    # the beta days 3-9 to C first; with no padding the first two rings see day 10 only
    monkeypatch.setattr(hood, "PAD_DAYS", 0)
    rings = []
    real = hood.free_cells

    def spy(problem, ring):
        rings.append(ring)
        return real(problem, ring)

    monkeypatch.setattr(staged, "free_cells", spy)
    sc = _chain_scenario(absences=(Absence(technician="A", start=day(10), end=day(10),
                                           kind="unplanned"),))
    r = replan(sc, _chain_published(_chain_scenario()), OPTS, now=NOW)
    rep = r.outcome.report
    assert rep.hard_ok, [v.message for v in rep.violations]
    assert sum(c.shortfall for c in rep.coverage) == 0
    assert rings == [0, 1, 2]
    assert r.chosen == 3  # B leaves a beta day to C and takes acme on day 10
    assert {c.technician for c in r.changes if not c.forced} == {"B", "C"}


def test_the_first_ring_suffices_when_it_restores_the_coverage(monkeypatch):
    rings = []
    real = hood.free_cells
    monkeypatch.setattr(staged, "free_cells", lambda p, ring: rings.append(ring) or real(p, ring))
    sc = scenario(absences=(Absence(technician="A", start=day(8), end=day(8), kind="unplanned"),))
    r = replan(sc, published(scenario()), OPTS, now=NOW)
    assert r.outcome.report.hard_ok
    assert sum(c.shortfall for c in r.outcome.report.coverage) == 0
    assert rings == [0]
    assert [(c.technician, c.change) for c in r.changes if not c.forced] == [("K", "added")]
    # optimal inside the neighbourhood only: the outcome claims no proof for the whole plan
    assert r.outcome.result.status.value == "feasible"


def test_restored_ignores_places_nobody_eligible_is_left_for():
    alone = make(days=14, technicians=(tech("A"),), coverage=every_day("D"))
    base = plan(works(alone, "A", range(0, 14, 2)))
    sc = with_baseline(alone.model_copy(update={"absences": (Absence(
        technician="A", start=day(8), end=day(8), kind="unplanned"),)}), base, NOW)
    problem = compile_scenario(sc, prefill(sc)).problem
    result = solve(fewest_changes_problem(problem), OPTS)
    assert result.status.has_plan
    assert not any(d.day == 8 for d in problem.duties if problem.eligible[d.id])
    assert hood.restored(problem, result)  # day 8 stays open: nobody is left for it
    day6 = next(d.id for d in problem.duties if d.day == 6)
    assert not hood.restored(problem, replace(
        result, assignments=tuple(a for a in result.assignments if a[1] != day6)))


def test_a_chain_of_two_is_found_by_the_second_ring(monkeypatch):
    # B (eligible for A's day 10) holds beta days 3-9 in the window: ring 1 adds C, who is
    # eligible for them, and B gives one to C to take day 10
    rings = []
    real = hood.free_cells
    monkeypatch.setattr(staged, "free_cells", lambda p, ring: rings.append(ring) or real(p, ring))
    sc = _chain_scenario(absences=(Absence(technician="A", start=day(10), end=day(10),
                                           kind="unplanned"),))
    problem_people = {p for p, _ in real(compile_scenario(with_baseline(
        sc, _chain_published(_chain_scenario()), NOW), None).problem, 0)}
    assert "C" not in problem_people  # ring 0 cannot do it
    r = replan(sc, _chain_published(_chain_scenario()), OPTS, now=NOW)
    assert r.outcome.report.hard_ok
    assert sum(c.shortfall for c in r.outcome.report.coverage) == 0
    assert rings == [0, 1] and r.chosen == 3


def test_a_neighbourhood_whose_rules_contradict_is_widened(monkeypatch):
    # Bob's new contract allows 6 of the 7 shifts he holds; with no padding ring 0 sees
    # only day 8 (Alice's absence), where Bob's other days are held: infeasible there,
    # the whole plan lets Karim take one of Bob's days
    monkeypatch.setattr(hood, "PAD_DAYS", 0)
    rings = []
    real = hood.free_cells
    monkeypatch.setattr(staged, "free_cells", lambda p, ring: rings.append(ring) or real(p, ring))
    contracts = (Contract(id="std", max_consecutive_days=None, max_hours_in_week=None),
                 Contract(id="capped", max_consecutive_days=None, max_hours_in_week=None,
                          max_minutes_total=6 * D_MINUTES))
    from .helpers import BACKUP

    sc = make(days=14, technicians=(tech("A", "Alice"), tech("B", "Bob", contract="capped"),
                                    BACKUP),
              contracts=contracts, coverage=every_day("D"),
              absences=(Absence(technician="A", start=day(8), end=day(8), kind="unplanned"),))
    r = replan(sc, published(scenario()), OPTS, now=NOW)
    rep = r.outcome.report
    assert r.outcome.result.status.has_plan and rep.hard_ok, [v.message for v in rep.violations]
    assert rings == [0, 1, 2]
    assert sum(c.shortfall for c in rep.coverage) == 0
    assert sum(1 for a in r.outcome.plan.assignments if a.technician == "B") == 6


def test_the_restricted_model_keeps_the_whole_objective():
    # fairness groups count everyone eligible for a tagged duty: dropping the pairs outside
    # the neighbourhood must not drop anyone from a group (one pair per group is kept)
    from planner.generate import generate_scenario
    from planner.pipeline import plan_scenario
    from solver import SolveOptions
    from solver.evaluate import evaluate

    sc = generate_scenario(30, 2, 0)
    assert any(w > 0 for w in sc.rules.fairness_weights.values())
    base = plan_scenario(sc, SolveOptions(time_limit=3, workers=1, seed=0)).plan
    sick = next(a for a in base.assignments if (a.date - sc.horizon.start).days >= 5)
    changed = sc.model_copy(update={"absences": sc.absences + (Absence(
        technician=sick.technician, start=sick.date, end=sick.date, kind="unplanned"),)})
    now = dt.datetime.combine(sc.horizon.start, dt.time(0), tzinfo=dt.timezone.utc)
    s2 = with_baseline(changed, base, now)
    full = compile_scenario(s2, prefill(s2)).problem
    cells = hood.free_cells(full, 0)
    small = hood.restricted(full, cells)
    assert sum(map(len, small.eligible.values())) < sum(map(len, full.eligible.values()))
    a = full.hint
    assert evaluate(small, a, full.oncall_hint).objective == evaluate(full, a, full.oncall_hint).objective
    assert evaluate(small, a, full.oncall_hint).fairness == evaluate(full, a, full.oncall_hint).fairness
