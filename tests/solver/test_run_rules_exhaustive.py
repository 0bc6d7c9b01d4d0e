"""Engine tests: the run rules' encoding (with its implied window sums) accepts exactly the
valid work patterns, checked on every pattern of one person over 8 days."""

from __future__ import annotations

import itertools

import pytest
from solver_cases import duty, problem
from test_solver_greedy import fixed_to

from solver import Person, Rules
from solver.greedy import invalid_people
from solver_cases import NO_WEIGHTS

DAYS = 8


@pytest.mark.parametrize(
    ("most", "rest", "least", "edges"),
    [(2, 2, None, True), (3, 2, 2, True), (2, 3, 2, False), (1, 2, None, False)],
)
def test_every_pattern_is_judged_like_the_rules_say(most, rest, least, edges):
    person = Person(id="p", max_consecutive_days=most, min_consecutive_days_off=rest,
                    min_consecutive_days=least)
    duties = [duty(d) for d in range(DAYS)]
    p = problem([person], duties, num_days=DAYS,
                rules=Rules(weights=NO_WEIGHTS, exempt_horizon_edges=edges))
    disagreements = []
    for bits in itertools.product((0, 1), repeat=DAYS):
        plan = [("p", duties[d].id) for d in range(DAYS) if bits[d]]
        valid = not invalid_people(p, plan)
        feasible = fixed_to(p, plan, ()).status == "optimal"
        if valid != feasible:
            disagreements.append((bits, valid))
    assert disagreements == []
