"""Engine tests: the constructive warm start keeps every hard rule on varied problems."""

from __future__ import annotations

from dataclasses import replace

import pytest
from solver_cases import NO_WEIGHTS, duty, problem, random_problem, run, solve_built

from solver import Person, Request, Rules, Weights, build_model, greedy
from solver.evaluate import evaluate
from solver.greedy import greedy_plan
from solver.problem import separable


def fixed_to(p, assignments, oncall):
    """Solve the model with every variable fixed to the plan (feasible iff no hard violation)."""
    m = build_model(replace(p, hint=assignments, oncall_hint=oncall))
    hint = m.model.proto.solution_hint
    with m.fixed(dict(zip(hint.vars, hint.values))):
        return solve_built(m)


@pytest.mark.parametrize("seed", range(12))
def test_greedy_plan_keeps_the_hard_rules(seed):
    p = random_problem(seed, people=10, days=14)
    assignments, oncall = greedy_plan(p)
    r = fixed_to(p, assignments, oncall)
    assert r.status == "optimal"
    assert r.objective == evaluate(p, assignments, oncall).objective


def test_greedy_plan_keeps_fixed_assignments_and_covers():
    duties = [duty(d) for d in range(3)]
    p = problem([Person(id="a"), Person(id="b")], duties, fixed=(("b", duties[1].id),))
    assignments, _ = greedy_plan(p)
    assert ("b", duties[1].id) in assignments
    assert sorted(did for _, did in assignments) == sorted(d.id for d in duties)


def test_greedy_grows_or_drops_short_runs():
    # one person, min run 3, a single wanted day inside the horizon: a lone day is not allowed
    person = Person(id="p", min_consecutive_days=3, history_consecutive_days=0,
                    history_consecutive_days_off=3)
    duties = [duty(2), duty(1, required=0, over=1), duty(3, required=0, over=1)]
    p = problem([person], duties, num_days=6)
    assignments, oncall = greedy_plan(p)
    assert fixed_to(p, assignments, oncall).status == "optimal"
    assert len(assignments) in (0, 3)


@pytest.mark.parametrize("seed", range(3))
def test_warm_start_does_not_change_the_optimum(seed):
    p = random_problem(seed, people=5, days=4)
    with_hint, without = run(p), run(p, greedy_hint=False)
    assert with_hint.status == without.status == "optimal"
    assert with_hint.objective == without.objective


def test_greedy_meets_minimum_minutes_with_a_block_when_single_days_break_runs():
    # nobody is wanted, but p needs 960 minutes and runs of at least 2 days (history known,
    # so even a run at day 0 must have 2 days): single insertions fail, a 2-day block works
    person = Person(id="p", min_minutes=960, min_consecutive_days=2,
                    history_consecutive_days=0, history_consecutive_days_off=4)
    duties = [duty(d, required=0, over=1) for d in range(4)]  # day 4 (last) has no duty
    p = problem([person], duties, num_days=5)
    assignments, oncall = greedy_plan(p)
    days = sorted(int(did.split("/")[0]) for _, did in assignments)
    assert len(days) >= 2 and any(b == a + 1 for a, b in zip(days, days[1:]))
    # all variables fixed to the plan: feasible means minimum minutes and run rules hold
    assert fixed_to(p, assignments, oncall).status == "optimal"


ACROSS_PEOPLE = Rules(weights=Weights(fairness={}, continuity=1, backup_use=0))
"""An objective with a term across people (continuity): the greedy orders by requests."""


def test_greedy_keeps_an_off_request_when_someone_else_can_cover():
    d0 = duty(0)
    p = problem(["a", "b"], [d0], rules=ACROSS_PEOPLE, requests=(Request("a", 0, None, False, 5),))
    assignments, _ = greedy_plan(p)
    assert assignments == (("b", d0.id),)
    assert evaluate(p, assignments).penalties["requests"] == 0


def test_greedy_grants_a_work_request():
    d0 = duty(0)
    p = problem(["a", "b"], [d0], rules=ACROSS_PEOPLE, requests=(Request("b", 0, "D", True, 3),))
    assert greedy_plan(p)[0] == (("b", d0.id),)


def test_requests_do_not_order_the_greedy_where_the_sweep_replans_each_person(monkeypatch):
    # a separable objective (no term across people): the sweep re-plans each roster
    # against its requests, and the constructive plan is the one it had before
    p = random_problem(3, people=8, days=10)
    p = replace(p, rules=replace(p.rules, weights=NO_WEIGHTS))
    assert p.requests and separable(p)
    by_default = greedy_plan(p)
    monkeypatch.setattr(greedy, "REQUESTS_FIRST", False)
    assert greedy_plan(p) == by_default
    monkeypatch.setattr(greedy, "REQUESTS_FIRST", True)
    assert greedy_plan(p) != by_default


def test_greedy_spreads_a_fairness_category_before_keeping_people_with_one_client():
    # one night a day for four days: staying with yesterday's client would give every
    # night to one person (spread 4); the fewest nights first gives each person one
    nights = [duty(d, "N", tags=frozenset({"night"})) for d in range(4)]
    weights = Weights(fairness={"night": 4}, continuity=1, backup_use=0)
    p = problem(["a", "b", "c", "d"], nights, rules=Rules(weights=weights, min_rest_minutes=0))
    assignments, oncall = greedy_plan(p)
    assert sorted(pid for pid, _ in assignments) == ["a", "b", "c", "d"]
    assert evaluate(p, assignments, oncall).penalties["fairness"] == 0
    assert fixed_to(p, assignments, oncall).status == "optimal"
