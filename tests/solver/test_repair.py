"""Engine tests: a warm start that breaks hard rules is repaired person by person."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest
from solver_cases import duty, problem, random_problem
from test_solver_greedy import fixed_to

from solver import Demand, Person
from solver.greedy import greedy_plan, invalid_people
from solver.repair import repair_plan, residual

LATER = 1e12  # a deadline that never bites


@pytest.mark.parametrize(
    ("demand", "others", "required", "peak"),
    [
        (Demand(required=2, peak_required=1), 0, 2, 1),
        (Demand(required=2, peak_required=1), 1, 1, 1),
        (Demand(required=2, peak_required=1), 2, 0, 1),
        (Demand(required=2, peak_required=1), 3, 0, 0),
        (Demand(required=2, peak_required=1), 5, 0, 0),
        (Demand(required=0, peak_required=2), 1, 0, 1),
    ],
)
def test_residual_fills_the_required_tier_first(demand, others, required, peak):
    left = residual(demand, others)
    assert (left.required, left.peak_required) == (required, peak)


@pytest.mark.parametrize("seed", range(40))
def test_more_holders_cost_the_residual_demand_what_they_add_to_the_whole_duty(seed):
    # whichever tier weighs more (the first holders fill it), k more holders cost against
    # the residual demand what they add to the duty's own cost (solver.evaluate's tiers)
    from solver.problem import Duty
    from solver.sweep import _cover_cost

    rng = random.Random(seed)
    demand = Demand(required=rng.randint(0, 3), peak_required=rng.randint(0, 3),
                    under_weight=rng.randint(1, 9), peak_weight=rng.randint(1, 9),
                    over_weight=rng.randint(0, 3))
    duty = Duty(id="d", day=0, start=0, end=60, shift_type="D", minutes=60, group="g", demand=demand)
    for others in range(6):
        left = replace(duty, demand=residual(demand, others))
        for k in range(4):
            assert (_cover_cost(left, k) - _cover_cost(left, 0)
                    == _cover_cost(duty, others + k) - _cover_cost(duty, others)), (others, k)


def _break(plan, seed):
    """Drop a third of a plan's pairs at random: runs and minimum minutes break."""
    rng = random.Random(seed)
    return tuple(a for a in plan if rng.random() > 0.33)


@pytest.mark.parametrize(("seed", "workers"), [(s, 1 + s % 2) for s in range(10)])
def test_repaired_plans_keep_every_hard_rule(seed, workers):
    base = random_problem(seed, people=8, days=14)
    # minimum minutes make dropped days matter; every person can reach them alone
    p = replace(base, people=tuple(replace(q, min_minutes=4 * 480) for q in base.people))
    assignments, oncall = greedy_plan(p)
    broken = _break(assignments, seed)
    repaired, left = repair_plan(p, broken, LATER, seed, workers=workers)
    if left:
        # a person who cannot hold their own rules alone: the whole problem is infeasible
        assert fixed_to(p, repaired, oncall).status == "infeasible"
        return
    assert invalid_people(p, repaired) == []
    # the oracle is the whole model with every duty fixed to the plan
    assert fixed_to(p, repaired, oncall).status == "optimal"
    # people who were fine keep exactly their duties
    bad = set(invalid_people(p, broken))
    assert {a for a in repaired if a[0] not in bad} == {a for a in broken if a[0] not in bad}


def test_repair_takes_the_duty_nobody_covers():
    # q already holds day 0; p must work exactly one 8-hour duty: the uncovered day 1
    duties = [duty(0), duty(1)]
    p = problem([Person(id="p", min_minutes=480, max_minutes=480), "q"], duties,
                eligible={duties[0].id: ("p", "q"), duties[1].id: ("p",)})
    repaired, left = repair_plan(p, [("q", duties[0].id)], LATER)
    assert left == []
    assert sorted(repaired) == [("p", duties[1].id), ("q", duties[0].id)]


def test_a_person_who_cannot_hold_their_rules_alone_is_left_out():
    duties = [duty(0)]
    p = problem([Person(id="p", min_minutes=2 * 480)], duties)
    repaired, left = repair_plan(p, [], LATER)
    assert left == ["p"]
    assert repaired == ()


def test_a_passed_deadline_repairs_nobody():
    duties = [duty(0), duty(1)]
    p = problem([Person(id="p", min_minutes=480), Person(id="q", min_minutes=480)], duties)
    repaired, left = repair_plan(p, [], time.perf_counter() - 1)
    assert sorted(left) == ["p", "q"]
    assert repaired == ()


def test_unknown_and_ineligible_pairs_are_ignored():
    duties = [duty(0)]
    p = problem(["p", "q"], duties, eligible={duties[0].id: ("p",)})
    repaired, left = repair_plan(p, [("q", duties[0].id), ("p", "nope"), ("p", duties[0].id)], LATER)
    assert (repaired, left) == ((("p", duties[0].id),), [])


def test_a_deterministic_budget_limits_the_repair_whatever_the_deadline():
    base = random_problem(4, people=8, days=14)
    p = replace(base, people=tuple(replace(q, min_minutes=4 * 480) for q in base.people))
    assignments, _ = greedy_plan(p)
    broken = _break(assignments, 4)
    bad = invalid_people(p, broken)
    assert bad
    # no deterministic work left: nobody is re-planned, however far the wall deadline
    kept, left = repair_plan(p, broken, LATER, 4, units=0.0)
    assert sorted(left) == sorted(bad) and set(kept) == set(broken)
    # a budget that suffices: repaired, and the same plan twice (no wall clock involved)
    one, left1 = repair_plan(p, broken, LATER, 4, units=50.0)
    two, left2 = repair_plan(p, broken, LATER, 4, units=50.0)
    assert left1 == left2 == [] and one == two
    assert invalid_people(p, one) == []
