"""Engine tests: huge problems are planned a few people at a time, every hard rule kept."""

from __future__ import annotations

import importlib
import time
from dataclasses import replace

import pytest
from solver_cases import random_problem, solve_built
from test_solver_greedy import fixed_to

from solver import SolveOptions, build_model, solve
from solver.decompose import decomposed_search, pairs_count
from solver.oncall_plan import best_oncall, oncall_problem
from solver.evaluate import evaluate
from solver.greedy import greedy_plan, invalid_people
from solver.repair import repair_plan

solve_module = importlib.import_module("solver.solve")


def test_pairs_count_counts_duty_and_oncall_variables():
    p = random_problem(0, people=6, days=7)
    roles = {q.id: 2 if q.needs_backup else 1 for q in p.oncall_periods}
    expected = sum(map(len, p.eligible.values())) + sum(
        roles[k] * len(v) for k, v in p.oncall_eligible.items())
    assert pairs_count(p) == expected > 0


@pytest.mark.parametrize("seed,workers", [(s, 1 + s % 2) for s in range(6)])
def test_decomposed_plans_keep_the_hard_rules_and_improve(seed, workers):
    p = random_problem(seed, people=8, days=14)
    options = SolveOptions(time_limit=3, seed=seed, workers=workers)
    out = decomposed_search(p, options, time.perf_counter(), 0.25)
    assert out.assignments is not None
    assert fixed_to(p, out.assignments, out.oncall).status == "optimal"
    assert out.objective == evaluate(p, out.assignments, out.oncall).objective
    # never worse than the repaired constructive plan it starts from
    start, oncall = greedy_plan(p)
    start, _ = repair_plan(p, start, 1e12, seed)
    assert out.objective <= evaluate(p, start, oncall).objective
    assert [e.objective for e in out.events] == sorted((e.objective for e in out.events), reverse=True)


def test_solve_switches_to_the_decomposition_on_huge_problems(monkeypatch):
    p = random_problem(3, people=8, days=14)
    monkeypatch.setattr(solve_module, "LNS", replace(solve_module.LNS, decompose_pairs=1))
    seen = []
    r = solve(p, SolveOptions(time_limit=2, seed=1, on_progress=seen.append))
    assert r.status == "feasible" and r.best_bound is None
    assert fixed_to(p, r.assignments, r.oncall).status == "optimal"
    assert r.objective == evaluate(p, r.assignments, r.oncall).objective
    assert seen and seen[-1].objective == r.objective


def test_the_decomposition_stops_when_asked():
    p = random_problem(4, people=8, days=14)
    calls = []

    def stop():
        calls.append(1)
        return True

    out = decomposed_search(p, SolveOptions(time_limit=30, seed=0, stop=stop),
                            time.perf_counter(), 0.25)
    assert out.assignments is not None and out.steps == 0 and calls


@pytest.mark.parametrize("seed", range(4))
def test_a_repair_cut_short_goes_on_until_the_rescue_share(monkeypatch, seed):
    base = random_problem(seed, people=8, days=14)
    p = replace(base, people=tuple(replace(q, min_minutes=4 * 480) for q in base.people))
    start, _ = greedy_plan(p)
    broken = tuple(a for k, a in enumerate(start) if k % 3)  # runs and minimum minutes break
    if not invalid_people(p, broken):
        pytest.fail("the case must start from a plan that breaks someone's rules")
    assert repair_plan(p, broken, 1e12, seed)[1] == []  # each person can be repaired
    monkeypatch.setattr(solve_module, "REPAIR_SHARE", 0.0)  # the first pass gets no time
    fixed = solve_module._repaired(p, broken, SolveOptions(time_limit=30, seed=seed),
                                   time.perf_counter())
    assert invalid_people(p, fixed) == []
    assert fixed_to(p, fixed, ()).status == "optimal"


def _best_oncall_with_duties_fixed(p, assignments):
    """The oracle: the whole model with every duty variable fixed, on-call free."""
    m = build_model(p)
    held = set(assignments)
    with m.fixed({var.index: int(key in held) for key, var in m.x.items()}):
        return solve_built(m, seconds=20, seed=3)


@pytest.mark.parametrize("seed", range(4))
def test_oncall_roles_are_optimised_with_the_duties_held(seed):
    p = random_problem(seed, people=8, days=14)
    assert p.oncall_periods
    assignments, oncall = greedy_plan(p)
    assignments, left = repair_plan(p, assignments, 1e12, seed)
    assert left == []
    sub = oncall_problem(p, assignments, oncall)
    # duty variables only for the held pairs of duties sharing a fairness tag with a period
    shared = {t for q in p.oncall_periods for t in q.tags if p.rules.weights.fairness.get(t, 0) > 0}
    tagged = {d.id for d in p.duties if d.tags & shared}
    assert sorted((q, d) for d, who in sub.eligible.items() for q in who) == sorted(
        a for a in assignments if a[1] in tagged)
    best = best_oncall(p, assignments, oncall, SolveOptions(seed=seed), 20.0)
    oracle = _best_oncall_with_duties_fixed(p, assignments)
    assert oracle.status == "optimal"
    assert evaluate(p, assignments, best).objective == oracle.objective
    assert fixed_to(p, assignments, best).status == "optimal"


def test_the_decomposition_starts_from_optimised_oncall_roles():
    p = random_problem(2, people=8, days=14)
    start, oncall = greedy_plan(p)
    start, _ = repair_plan(p, start, 1e12, 2)
    out = decomposed_search(p, SolveOptions(time_limit=4, seed=2, workers=1), time.perf_counter(), 0.25)
    assert out.objective <= evaluate(p, out.assignments, oncall).objective
    assert out.oncall != oncall  # the greedy rotation is not the optimum here


@pytest.mark.parametrize("seed", range(4))
def test_window_steps_alone_keep_the_hard_rules_and_improve(seed, monkeypatch):
    decompose = importlib.import_module("solver.decompose")
    monkeypatch.setattr(decompose, "WINDOW_SHARE", 1.0)
    monkeypatch.setattr(decompose, "WINDOW_DAYS", (3, 6))
    p = random_problem(seed, people=8, days=21)
    out = decomposed_search(p, SolveOptions(time_limit=3, seed=seed, workers=1), time.perf_counter(), 0.25)
    assert out.assignments is not None and out.steps > 0
    assert fixed_to(p, out.assignments, out.oncall).status == "optimal"
    assert out.objective == evaluate(p, out.assignments, out.oncall).objective
    start, oncall = greedy_plan(p)
    start, _ = repair_plan(p, start, 1e12, seed)
    assert out.objective <= evaluate(p, start, oncall).objective


def test_a_window_problem_offers_any_duty_in_the_window_and_only_held_ones_outside():
    from collections import Counter, defaultdict

    from solver.repair import duties_by_person, people_problem

    p = random_problem(1, people=6, days=14)
    plan, _ = greedy_plan(p)
    plan, _ = repair_plan(p, plan, 1e12, 0)
    held = defaultdict(list)
    for pid, did in plan:
        held[pid].append(did)
    by_person = duties_by_person(p)
    pid = next(q for q in held if held[q])
    days = range(4, 9)
    sub = people_problem(p, [pid], by_person, Counter(d for _, d in plan), held, days)
    day = {d.id: d.day for d in p.duties}
    offered = {did for did, who in sub.eligible.items() if pid in who}
    assert offered == ({d.id for d in by_person[pid] if d.day in days}
                       | set(held[pid]))
    assert set(sub.hint) == {(pid, did) for did in held[pid]}
    assert any(day[did] not in days for did in held[pid])  # the case is not vacuous
