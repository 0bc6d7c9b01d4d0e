"""The set-partitioning bound (solver.colgen) never exceeds a proven optimum; checkers are the oracle.

Three cases: one small enough to compute by hand (the bound must equal it), a generated
MSP scenario without the rules across people (fairness, on-call), solved to a proven
optimum that the independent plan checker recomputes, and the benchmark's Instance1
(optimum 607, proven by the solver and rescored by the benchmark's own checker).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner.check import check
from planner.compile import compile_scenario, to_plan
from planner.curtois import parse_instance
from planner.curtois.checker import check_roster
from planner.curtois.cli import _solve_options, run_seed
from planner.curtois.to_domain import instance_to_scenario
from planner.generate import generate_scenario
from solver import SolveOptions, solve
from solver.colgen import applicable, colgen_bound
from solver.problem import Request, Rules

from tests.solver.solver_cases import NO_WEIGHTS, duty, problem

DATA = Path(__file__).resolve().parents[1] / "curtois" / "data"


def test_the_bound_of_a_small_problem_is_its_optimum():
    # one duty wanted once (10 per missing person); both people asked for the day off (3)
    p = problem(["a", "b"], [duty(0, "D", under=10)],
                requests=(Request(person="a", day=0, shift_type=None, work=False, weight=3),
                          Request(person="b", day=0, shift_type=None, work=False, weight=4)))
    r = colgen_bound(p, 20.0)
    assert r.converged
    assert r.bound == pytest.approx(3.0)  # a breaks the cheaper request; nothing cheaper exists
    assert r.lp == pytest.approx(3.0)


def test_a_fractional_lp_gives_a_bound_below_the_integer_optimum():
    # two duties on the same day, one person who may hold one of them: the other is missed
    p = problem(["a"], [duty(0, "D", under=10), duty(0, "L", under=6)])
    r = colgen_bound(p, 20.0)
    assert r.converged and r.bound == pytest.approx(6.0)  # a takes the dearer duty


def test_rules_across_people_are_refused_by_name():
    p = problem(["a", "b"], [duty(0)], rules=Rules(weights=NO_WEIGHTS.__class__(fairness={"night": 5})))
    assert "fairness" in applicable(p)
    with pytest.raises(ValueError, match="fairness"):
        colgen_bound(p, 1.0)


@pytest.fixture(scope="module")
def msp_optimum():
    s = generate_scenario(technicians=12, weeks=1, seed=1)
    s = s.model_copy(update={"rotations": (),
                             "rules": s.rules.model_copy(update={"fairness_weights": {}})})
    compiled = compile_scenario(s)
    assert applicable(compiled.problem) is None
    exact = solve(compiled.problem, SolveOptions(time_limit=600.0, workers=1, seed=0,
                                                  deterministic_time=400.0))
    assert exact.status == "optimal"
    report = check(s, to_plan(compiled, exact))
    assert report.hard_ok and report.objective == exact.objective  # the oracle agrees
    return compiled, report.objective


def test_the_bound_never_exceeds_the_proven_optimum_of_a_generated_scenario(msp_optimum):
    compiled, opt = msp_optimum
    r = colgen_bound(compiled.problem, 60.0, workers=2)
    assert r.converged
    assert r.bound <= opt + 1e-6
    assert r.lp == pytest.approx(r.bound, abs=0.05 * max(1.0, opt))  # converged: LP = bound
    # the bound only rises round after round
    seen = [b for _, b in r.history if b > -math.inf]
    assert seen == sorted(seen)


def test_instance1_bound_is_valid_and_strong():
    path = DATA / "Instance1.txt"
    inst = parse_instance(path)
    compiled = compile_scenario(instance_to_scenario(inst))
    r = colgen_bound(compiled.problem, 60.0, workers=2)
    assert r.converged
    run = run_seed(inst, instance_to_scenario(inst), _solve_options(20.0, 2, 0, False))
    assert run.status == "optimal"
    report = check_roster(inst, run.roster)
    assert report.feasible and report.objective == 607  # the benchmark's checker
    assert r.bound <= 607 + 1e-6
    assert r.bound >= 0.9 * 607  # the LP over whole rosters is within 10 % here (558)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bound_never_exceeds_a_proven_optimum_with_peaks_and_over_coverage(seed):
    from dataclasses import replace

    from tests.solver.solver_cases import random_problem

    p = random_problem(seed)
    p = replace(p, oncall_periods=(), oncall_eligible={},
                rules=replace(p.rules, weights=replace(p.rules.weights, fairness={})))
    assert any(d.demand.peak_required for d in p.duties)
    exact = solve(p, SolveOptions(time_limit=120.0, workers=1, seed=0, deterministic_time=60.0))
    if exact.status != "optimal":
        pytest.fail(f"seed {seed}: no proven optimum to compare with ({exact.status})")
    r = colgen_bound(p, 60.0, workers=2)
    assert r.converged
    assert r.bound <= exact.objective + 1e-6


def test_the_dive_gives_a_plan_the_benchmark_checker_accepts_at_the_count_it_reports():
    from planner.curtois.roster import plan_to_roster
    from solver.colgen import colgen_dive
    from solver.result import SolveResult, SolveStatus

    inst = parse_instance(DATA / "Instance1.txt")
    compiled = compile_scenario(instance_to_scenario(inst))
    d = colgen_dive(compiled.problem, 30.0, workers=2)
    assert d is not None and d.assignments
    plan = to_plan(compiled, SolveResult(status=SolveStatus("feasible"), assignments=d.assignments,
                                         objective=d.objective))
    report = check_roster(inst, plan_to_roster(plan))
    assert report.feasible  # every person's roster is one of their columns
    assert report.objective == d.objective  # the master counts what the checker counts
    assert d.root_bound <= 607 + 1e-6 <= d.objective + 1e-6  # bound <= optimum <= the plan


def test_the_dive_refuses_rules_across_people():
    from solver.colgen import colgen_dive

    p = problem(["a", "b"], [duty(0)], rules=Rules(weights=NO_WEIGHTS.__class__(fairness={"night": 5})))
    assert colgen_dive(p, 1.0) is None


def test_solve_from_the_dive_keeps_every_rule_and_a_bound_below_the_optimum(msp_optimum, monkeypatch):
    # solve() itself, column generation first (the scenario has no rule across people;
    # by default only on budgets of COLGEN_MIN_SECONDS and more): the plan checker,
    # independent of the solver, is the oracle
    import importlib

    solve_mod = importlib.import_module("solver.solve")
    monkeypatch.setattr(solve_mod, "COLGEN_ROOT_SHARE", 0.35)
    monkeypatch.setattr(solve_mod, "COLGEN_MIN_SECONDS", 0.0)
    compiled, opt = msp_optimum
    r = solve(compiled.problem, SolveOptions(time_limit=20.0, workers=2, seed=0))
    assert r.status.has_plan
    report = check(compiled.scenario, to_plan(compiled, r))
    assert report.hard_ok and report.objective == r.objective
    assert r.best_bound is not None and r.best_bound <= opt + 1e-6 <= r.objective + 1e-6
    assert r.bound_source in ("set-partitioning LP over whole rosters", "cp-sat",
                              "cp-sat, incumbent cut-off model")


def test_quick_pricing_reaches_the_same_lp_bound_and_proves_it(monkeypatch):
    import solver.colgen as cg

    compiled = compile_scenario(instance_to_scenario(parse_instance(DATA / "Instance1.txt")))
    monkeypatch.setattr(cg, "QUICK_PRICING_SECONDS", 0.03)  # off by default
    monkeypatch.setattr(cg, "DP_PRICING", False)  # CP-SAT's own time caps are measured here
    q = cg.QUICK_PRICING_SECONDS
    assert 0 < q < cg.PRICING_SECONDS
    caps: list[list[float]] = []
    price = cg._Pricer.price

    def recorded(self, pi, seconds):
        caps[-1].append(seconds)
        return price(self, pi, seconds)

    generate = cg._Master.generate

    def rounds_recorded(self, *a, **k):
        give_up = k.pop("give_up", None)

        def each_round(rounds, best):
            caps.append([])
            return give_up is not None and give_up(rounds, best)

        caps.append([])
        return generate(self, *a, give_up=each_round, **k)

    monkeypatch.setattr(cg._Pricer, "price", recorded)
    monkeypatch.setattr(cg._Master, "generate", rounds_recorded)
    quick = colgen_bound(compiled.problem, 60.0, workers=2)
    rounds = [c for c in caps if c]
    monkeypatch.setattr(cg, "QUICK_PRICING_SECONDS", 0.0)
    exact = colgen_bound(compiled.problem, 60.0, workers=2)
    assert quick.converged and exact.converged
    assert quick.bound == pytest.approx(exact.bound, abs=1e-3)  # the LP's optimum, either way
    assert quick.bound <= 607 + 1e-6
    # the first round gives everyone a column; later rounds price quickly first
    assert max(rounds[0]) > q
    assert any(max(c) <= q for c in rounds[1:])


def test_a_person_whose_quick_pricing_finds_nothing_is_priced_to_the_end_after(monkeypatch):
    import solver.colgen as cg

    compiled = compile_scenario(instance_to_scenario(parse_instance(DATA / "Instance1.txt")))
    monkeypatch.setattr(cg, "QUICK_PRICING_SECONDS", 0.03)  # off by default
    monkeypatch.setattr(cg, "DP_PRICING", False)  # CP-SAT's own time caps are measured here
    q = cg.QUICK_PRICING_SECONDS
    victim = compiled.problem.people[0].id
    calls: list[tuple[str, float]] = []
    price = cg._Pricer.price

    def first_quick_fails(self, pi, seconds):
        pid = self.m.problem.people[0].id
        calls.append((pid, seconds))
        if pid == victim and seconds <= q and sum(1 for p, _ in calls if p == victim) == 2:
            return [], None, False  # as a quick solve that ran out of time before any roster
        return price(self, pi, seconds)

    monkeypatch.setattr(cg._Pricer, "price", first_quick_fails)
    r = colgen_bound(compiled.problem, 60.0, workers=1)
    mine = [s for p, s in calls if p == victim]
    assert mine[1] <= q  # its first quick solve (the one made to fail)
    assert all(s > q for s in mine[2:]) and len(mine) > 2  # exact from then on
    # one worker: rounds are consecutive runs of one call per person; in the third round
    # the others are still quick
    n = len({p for p, _ in calls})
    third = dict(calls[2 * n:3 * n])
    assert third[victim] > q and max(s for p, s in third.items() if p != victim) <= q
    assert r.converged and 0.9 * 607 <= r.bound <= 607 + 1e-6
