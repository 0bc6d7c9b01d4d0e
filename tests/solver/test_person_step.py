"""The LNS's "person" neighbourhood (solver.person_step) and its bandit (solver.lns)."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from ortools.sat.python import cp_model
from solver_cases import random_problem

from solver import SolveOptions, solve
from solver.build import build_model
from solver.evaluate import evaluate
from solver.greedy import greedy_plan, invalid_people
from solver.lns import Neighbourhoods
from solver.person_step import PersonStep
from solver.repair import repair_plan
from solver.sweep import separable

LATER = 1e12


def _separable_problem(seed: int, **kw):
    """A random case without fairness spreads or continuity (the person step's domain)."""
    p = random_problem(seed, **kw)
    w = p.rules.weights
    w = replace(w, fairness={k: 0 for k in w.fairness}, continuity=0)
    return replace(p, rules=replace(p.rules, weights=w))


def _vector(m, plan, oncall) -> np.ndarray:
    hint = m.hint_values(plan, oncall)
    out = np.zeros(len(m.model.proto.variables), dtype=np.int64)
    for i, v in hint.items():
        out[i] = v
    return out


@pytest.mark.parametrize("seed", range(4))
def test_a_person_step_is_a_complete_feasible_vector_whose_objective_is_exact(seed):
    p = _separable_problem(seed, people=8, days=14)
    assert separable(p)
    plan, oncall = greedy_plan(p)
    plan, left = repair_plan(p, plan, LATER, seed)
    assert not left
    m = build_model(p)
    step = PersonStep(m)
    values = _vector(m, plan, oncall)
    start = evaluate(p, plan, oncall).objective
    assert step.objective(values) == start  # the vector's objective is the plan's
    current = values
    for person in p.people:
        duties = step.replan(current, person.id, 5.0, seed)
        if duties is None:
            continue
        new, obj = step.apply(current, person.id, duties)
        new_plan = [k for k, var in m.x.items() if new[var.index]]
        assert not invalid_people(p, new_plan)
        assert obj == evaluate(p, new_plan, oncall).objective
        if obj >= step.objective(current):
            # the person's own model scored it lower but the whole plan does not (terms
            # the one-person model sees differently): the LNS drops such a step
            continue
        current = new
    # the whole model accepts the final vector as it is, with the same objective
    proto = m.model.proto
    for i, v in enumerate(current.tolist()):
        d = proto.variables[i].domain
        d.clear()
        d.extend((v, v))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) == step.objective(current) <= start


def test_the_bandit_gives_time_in_proportion_to_gain_per_second():
    kinds = Neighbourhoods.KINDS
    hood = Neighbourhoods([f"p{i}" for i in range(10)], 28, random.Random(0), kinds=kinds)
    # every kind measured once: "person" gains 100/s in 0.1 s calls, the others 10/s in 2 s
    for k in kinds:
        if k == "person":
            hood.feedback(k, False, True, 10.0, 0.1)
        else:
            hood.feedback(k, False, True, 20.0, 2.0)
    picks = [hood.pick([(3, ["p1", "p2"])])[0] for _ in range(2000)]
    seconds = {k: picks.count(k) * (0.1 if k == "person" else 2.0) for k in kinds}
    # time share follows gain per second: person 100 vs four kinds at 10 each
    share = seconds["person"] / sum(seconds.values())
    assert 0.6 < share < 0.85
    # without the person kind it is never picked
    plain = Neighbourhoods([f"p{i}" for i in range(10)], 28, random.Random(0))
    assert all(plain.pick([])[0] != "person" for _ in range(200))


def test_a_solve_that_uses_person_steps_keeps_every_rule_and_its_objective(monkeypatch):
    import solver.lns as lns

    calls = []
    feedback = lns.Neighbourhoods.feedback

    def spy(self, kind, finished, improved, gain, seconds):
        calls.append((kind, improved))
        return feedback(self, kind, finished, improved, gain, seconds)

    monkeypatch.setattr(lns.Neighbourhoods, "feedback", spy)
    monkeypatch.setattr("solver.person_step.PERSON_STEP", True)
    import importlib

    monkeypatch.setattr(importlib.import_module("solver.solve"), "SWEEP_SHARE", 0.0)
    p = _separable_problem(5, people=14, days=28, clients=3)
    res = solve(p, SolveOptions(time_limit=6.0, workers=2, seed=1))
    assert res.status in ("optimal", "feasible")
    assert not invalid_people(p, res.assignments)
    assert res.objective == evaluate(p, res.assignments, res.oncall).objective
    if len(calls) >= 30:  # the LNS ran long enough that the bandit tried every kind
        assert any(k == "person" for k, _ in calls)


def test_no_person_step_under_a_deterministic_limit_or_a_cross_person_objective(monkeypatch):
    from solver.person_step import usable

    monkeypatch.setattr("solver.person_step.PERSON_STEP", True)

    p = _separable_problem(1)
    m = build_model(p)
    assert usable(m, deterministic=False) and not usable(m, deterministic=True)
    w = p.rules.weights
    q = replace(p, rules=replace(p.rules, weights=replace(w, continuity=5)))
    assert not usable(build_model(q), deterministic=False)
    monkeypatch.setattr("solver.person_step.PERSON_STEP", False)  # the default
    assert not usable(m, deterministic=False)
