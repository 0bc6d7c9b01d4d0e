"""The large-neighbourhood search of solver.lns: determinism, exactness, stop, neighbourhoods."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import numpy as np
import pytest
from solver_cases import OPTS, duty, problem, random_problem

from planner.check import check
from planner.compile import compile_scenario, to_plan
from planner.generate import generate_scenario
from solver import Person, Request, SolveOptions, build_model, solve
from solver.evaluate import evaluate
from solver.lns import Neighbourhoods, _Grid, search
from solver.params import LNS

# 14 people x 14 days does not close in a few seconds with one worker: the LNS runs
HARD = random_problem(0, people=14, days=14)


def _search(p, **kw):
    m = build_model(p)
    opts = replace(OPTS, **kw)
    return m, search(m, opts, time.perf_counter())


def test_one_worker_with_deterministic_time_repeats_exactly_through_the_lns():
    kw = dict(time_limit=120.0, deterministic_time=2.0, seed=5)
    m1, a = _search(HARD, **kw)
    m2, b = _search(HARD, **kw)
    assert a.iterations > 0  # the LNS phase did run
    assert a.iterations == b.iterations and a.improvements == b.improvements
    assert [e.objective for e in a.events] == [e.objective for e in b.events]
    assert np.array_equal(a.values, b.values)


def test_lns_plan_is_exact_and_keeps_every_hard_rule():
    seen = []
    r = solve(HARD, replace(OPTS, time_limit=4.0, on_progress=seen.append))
    assert r.status == "feasible"
    assert tuple(seen) == r.progress
    objectives = [e.objective for e in r.progress]
    assert objectives == sorted(objectives, reverse=True) and len(set(objectives)) == len(objectives)
    ev = evaluate(HARD, r.assignments, r.oncall)
    assert r.objective == ev.objective == objectives[-1]  # CP-SAT's objective is the penalty
    assert r.wall_seconds < 6.0


def test_generated_scenario_two_workers_checker_agrees():
    # two LNS threads exchange one incumbent; the independent checker is the oracle
    scenario = generate_scenario(40, weeks=2, seed=3)
    compiled = compile_scenario(scenario)
    r = solve(compiled.problem, SolveOptions(time_limit=5.0, workers=2, seed=1))
    assert r.status in ("feasible", "optimal")
    report = check(scenario, to_plan(compiled, r))
    assert report.hard_ok, report.violations[:3]
    assert report.objective == r.objective


def test_stop_during_the_lns_phase_returns_the_incumbent():
    t0 = time.perf_counter()
    r = solve(HARD, replace(OPTS, time_limit=60.0, stop=lambda: time.perf_counter() - t0 > 2.5))
    assert r.status == "feasible" and r.assignments
    assert r.wall_seconds < 5.0
    assert r.objective == evaluate(HARD, r.assignments, r.oncall).objective


def test_exception_in_progress_during_lns_is_raised():
    calls = []

    def late_boom(event):
        calls.append(event)
        if time.perf_counter() - t0 > 1.5:
            raise RuntimeError("late failure")

    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="late failure"):
        # two workers: the exception is raised in an LNS thread and must reach the caller
        solve(HARD, SolveOptions(time_limit=20.0, workers=2, seed=2, on_progress=late_boom))
    assert time.perf_counter() - t0 < 20.0 or calls


def test_grid_finds_gaps_and_cells():
    d0, d1 = duty(0), duty(1, required=2)
    p = problem([Person(id="a"), Person(id="b")], [d0, d1])
    m = build_model(p)
    grid = _Grid(m)
    values = np.zeros(len(m.model.proto.variables), dtype=np.int64)
    values[m.x[("a", d0.id)].index] = 1
    values[m.x[("a", d1.id)].index] = 1
    gaps = grid.gaps(values)
    assert gaps == [(1, ["a", "b"])]  # d0 is covered, d1 misses one of two
    free = set(grid.free(["b"], range(2)).tolist())
    assert free == {m.x[("b", d0.id)].index, m.x[("b", d1.id)].index}
    assert grid.surplus(values) == frozenset()  # nobody above a demand
    values[m.x[("b", d0.id)].index] = 1
    assert grid.surplus(values) == {"a", "b"}  # d0: two holders for a demand of one


def test_grid_finds_the_requests_a_plan_does_not_grant():
    d0, d1, e1 = duty(0), duty(1), duty(1, "E")
    asks = (Request(person="a", day=0, shift_type="D", work=True, weight=2),
            Request(person="b", day=1, shift_type=None, work=False, weight=1),
            Request(person="b", day=0, shift_type="D", work=True, weight=0))  # no weight: no term
    p = problem([Person(id="a"), Person(id="b"), Person(id="c")], [d0, d1, e1],
                eligible={d0.id: ("a", "b"), d1.id: ("a", "b", "c"), e1.id: ("c",)}, requests=asks)
    m = build_model(p)
    grid = _Grid(m)
    values = np.zeros(len(m.model.proto.variables), dtype=np.int64)
    values[m.x[("b", d1.id)].index] = 1
    # a's work request is unmet (a, then d0's other person); b's day off is broken (b, then
    # everyone eligible for day 1's duties)
    assert grid.wishes(values) == [(0, ["a", "b"], 1), (1, ["b", "a", "c"], 1)]
    values[m.x[("b", d1.id)].index] = 0
    values[m.x[("a", d0.id)].index] = 1
    assert grid.wishes(values) == []
    # b holds the duty a asks for: b leads after a (one of them must let it go)
    values[m.x[("a", d0.id)].index] = 0
    values[m.x[("b", d0.id)].index] = 1
    assert grid.wishes(values) == [(0, ["a", "b"], 2)]


def test_the_grid_holds_a_person_eligible_for_no_duty():
    d0 = duty(0)
    m = build_model(problem([Person(id="a"), Person(id="b")], [d0], eligible={d0.id: ("a",)}))
    grid = _Grid(m)
    values = np.zeros(len(m.model.proto.variables), dtype=np.int64)
    assert grid.people == ["a"] and grid.off_first(values, 0, ["a"]) == (["a"], 1)
    values[m.x[("a", d0.id)].index] = 1
    assert grid.off_first(values, 0, ["a"]) == (["a"], 0)


def test_a_work_requests_neighbourhood_keeps_the_requester_and_the_duty_s_holders(monkeypatch):
    import solver.lns as lns

    ds = [duty(3, t) for t in ("D", "E", "N")]
    people = [Person(id=f"p{i:02d}") for i in range(60)]
    holders = {"p40", "p07", "p33"}
    p = problem(people, ds, eligible={d.id: tuple(x.id for x in people) for d in ds},
                requests=(Request(person="p50", day=3, shift_type="D", work=True, weight=3),))
    m = build_model(p)
    grid = _Grid(m)
    values = np.zeros(len(m.model.proto.variables), dtype=np.int64)
    for pid in holders:
        values[m.x[(pid, ds[0].id)].index] = 1
    values[m.x[("p12", ds[1].id)].index] = 1  # works that day, not the duty asked for
    (day, who, lead), = grid.wishes(values)
    assert (day, lead) == (3, 4) and who[0] == "p50" and set(who[1:4]) == holders
    assert sorted(who) == sorted(x.id for x in people)  # everyone eligible, each once
    hood = Neighbourhoods([x.id for x in people], 28, random.Random(6), kinds=("request",))
    for _ in range(40):
        _, free, when = hood.pick([], wishes=[(day, who, lead)])
        assert len(free) < len(who) and when.start <= 3 < when.stop
        assert free[:4] == who[:4] and len(set(free)) == len(free)  # the sample keeps the lead
    monkeypatch.setattr(lns, "GAP_LEAD", "none")  # a gap's sample keeps nobody in particular
    firsts = {hood._pick("gap", 0.05, [(3, who)], frozenset())[0][0] for _ in range(40)}
    assert len(firsts) > 1
    # "off": the people off that day are drawn first (p12 and the holders work on day 3)
    monkeypatch.setattr(lns, "GAP_LEAD", "off")
    order, n = grid.off_first(values, 3, who)
    assert n == 56 and set(order[56:]) == holders | {"p12"} and sorted(order) == sorted(who)
    few = ["p40", "p07", "p01", "p02", "p12", "p33"]
    for _ in range(20):
        free, _ = hood._pick("gap", 0.001, [(3, few)], frozenset(),
                             off=lambda day, people: grid.off_first(values, day, people))
        assert set(free) == {"p01", "p02"}  # a sample of two: both people off that day


def test_request_neighbourhood_frees_the_requester_and_the_duty_around_its_day():
    people = [f"p{i}" for i in range(10)]
    hood = Neighbourhoods(people, 28, random.Random(4), kinds=("people", "request"))
    picked = set()
    for _ in range(100):
        kind, who, when = hood.pick([], wishes=[(9, ["p7", "p1", "p2"])])
        picked.add(kind)
        if kind == "request":
            assert list(who) == ["p7", "p1", "p2"] and when.start <= 9 < when.stop
    assert picked == {"people", "request"}
    for _ in range(50):
        assert hood.pick([])[0] == "people"  # no request left: no request neighbourhood


def test_the_request_neighbourhood_keeps_the_benchmark_checker_satisfied(monkeypatch):
    import importlib.util
    import sys
    from pathlib import Path

    import solver.lns as lns
    from planner.curtois import parse_text
    from planner.curtois.cli import _solve_options, run_seed
    from planner.curtois.to_domain import instance_to_scenario

    gen = sys.modules.get("curtois_gen")
    if gen is None:  # the suite's generator (benchmarks/ is not a package)
        path = Path(__file__).resolve().parents[2] / "benchmarks" / "curtois_gen.py"
        spec = importlib.util.spec_from_file_location("curtois_gen", path)
        gen = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, "curtois_gen", gen)
        spec.loader.exec_module(gen)
    # a generated instance of the benchmark's format: requests, tight cover, 2 workers
    inst = parse_text(gen.generate(gen.Shape("t", 28, 30, 4, 1.0, 2.0, 7)), "t", "t")
    monkeypatch.setattr(lns, "REQUEST", True)
    picked = []
    pick = lns.Neighbourhoods.pick
    monkeypatch.setattr(lns.Neighbourhoods, "pick",
                        lambda self, *a, **k: picked.append(pick(self, *a, **k)) or picked[-1])
    run = run_seed(inst, instance_to_scenario(inst), _solve_options(6.0, 2, 1, False))
    assert run.check.feasible, run.check.violations[:3]  # the independent checker
    assert run.solver_objective == run.check.objective
    assert any(kind == "request" for kind, _, _ in picked)  # the kind was offered and taken


def test_chain_neighbourhood_frees_gap_candidates_over_the_whole_horizon():
    people = [f"p{i}" for i in range(10)]
    hood = Neighbourhoods(people, 28, random.Random(3), kinds=("chain",))
    for _ in range(50):
        kind, who, when = hood.pick([(20, ["p3", "p4", "p5"])], frozenset({"p5"}))
        assert kind == "chain" and when == range(28)
        assert set(who) <= {"p3", "p4", "p5"} and "p5" in who  # holders of a surplus first


def test_neighbourhoods_stay_in_the_grid_and_target_gaps():
    people = [f"p{i}" for i in range(10)]
    hood = Neighbourhoods(people, 28, random.Random(1))
    kinds = set()
    for _ in range(200):
        kind, who, when = hood.pick([(20, ["p3", "p4"])])
        kinds.add(kind)
        assert set(who) <= set(people) and who
        assert 0 <= when.start < when.stop <= 28
        if kind == "gap":
            assert list(who) == ["p3", "p4"] and when.start <= 20 < when.stop
        if kind == "chain":
            assert set(who) <= {"p3", "p4"} and when == range(28)
        hood.feedback(kind, finished=True, improved=False, gain=0.0, seconds=0.1)
    assert kinds == set(hood.kinds)  # every kind offered ("person" only when asked for)
    assert all(hood.size[k] > 0.1 for k in hood.kinds)  # proven-optimal neighbourhoods grow
    kind, _, _ = hood.pick([])
    assert kind not in ("gap", "chain")  # no gap, no gap neighbourhood


def test_with_many_people_eligible_a_gap_frees_a_sample_of_them_within_its_size(monkeypatch):
    import solver.lns as lns

    people = [f"p{i}" for i in range(100)]
    eligible = people[10:90]  # 80 people eligible for the short duty on day 20
    monkeypatch.setattr(lns, "GAP_SAMPLE", True)
    monkeypatch.setattr(lns, "GAP_LEAD", "first")  # a gap's sample keeps its first person too
    hood = Neighbourhoods(people, 28, random.Random(5), kinds=("gap", "request"))
    for _ in range(60):
        kind, who, when = hood.pick([(20, eligible)], wishes=[(20, eligible)])
        assert who[0] == eligible[0]  # the requester (first) is always kept
        assert set(who) <= set(eligible) and len(set(who)) == len(who)
        assert 2 <= len(who) < len(eligible)  # a sample, sized by the kind's share
        assert len(who) * len(when) <= max(2 * len(when), 1.5 * hood.size[kind] * 100 * 28)
        assert when.start <= 20 < when.stop
    # few people eligible: all of them, as without the sample
    assert list(hood.pick([(20, ["p3", "p4"])])[1]) == ["p3", "p4"]
    monkeypatch.setattr(lns, "GAP_SAMPLE", False)
    assert list(hood.pick([(20, eligible)], wishes=[(20, eligible)])[1]) == eligible


def test_short_sub_solves_are_bandit_arms_of_their_own():
    people = [f"p{i}" for i in range(10)]
    hood = Neighbourhoods(people, 28, random.Random(2), replace(LNS, short_time=0.25))
    assert {"window", "window/short", "gap", "gap/short"} <= set(hood.kinds)
    picked = set()
    for _ in range(300):
        arm, who, when = hood.pick([(5, ["p1", "p2"])])
        picked.add(arm)
        if arm.startswith("gap"):  # a short arm frees what its kind frees
            assert list(who) == ["p1", "p2"] and when.start <= 5 < when.stop
        hood.feedback(arm, finished=arm == "window/short", improved=False, gain=0.0, seconds=0.1)
    assert picked == set(hood.kinds)
    # each arm adapts its own size: proven-optimal short windows grow, the long ones
    # (timed out without a gain) shrink
    assert hood.size["window/short"] > LNS.init_size > hood.size["window"]
    assert Neighbourhoods(people, 28, random.Random(2)).kinds == tuple(
        k for k in hood.kinds if not k.endswith("/short"))  # off by default


@pytest.mark.parametrize("chain, wish", [(False, False), (True, False), (False, True)])
def test_the_kinds_on_offer_follow_their_switches_with_or_without_the_person_step(
        monkeypatch, chain, wish):
    import solver.lns as lns

    monkeypatch.setattr(lns, "CHAIN", chain)
    monkeypatch.setattr(lns, "REQUEST", wish)
    for person in (False, True):
        kinds = lns.offered_kinds(person)
        assert ("chain" in kinds) == chain and ("request" in kinds) == wish
        assert ("person" in kinds) == person
        assert {"people", "window", "block", "gap"} <= set(kinds)
    assert Neighbourhoods(["p1"], 7, random.Random(0)).kinds == lns.offered_kinds(False)


@pytest.mark.parametrize("by_time", [False, True])
def test_by_time_makes_a_kinds_first_measure_replace_its_optimistic_start(by_time):
    people = [f"p{i}" for i in range(10)]
    hood = Neighbourhoods(people, 28, random.Random(0), replace(LNS, by_time=by_time))
    hood.feedback("window", finished=False, improved=True, gain=10.0, seconds=1.0)
    hood.feedback("people", finished=True, improved=False, gain=0.0, seconds=1.0)
    if by_time:  # measured at once: the gaining kind leads, the fruitless one trails
        assert hood.score["window"] == 10.0 > hood.score["people"]
        assert hood.score["block"] == 1e9  # not yet tried
    else:  # the optimistic start fades by 0.7 a call
        assert hood.score["window"] == pytest.approx(0.7e9, rel=1e-6)


def test_a_search_with_short_sub_solves_runs_both_arms_and_stays_exact():
    m = build_model(HARD)
    opts = replace(OPTS, time_limit=120.0, deterministic_time=3.0, seed=2)
    out = search(m, opts, time.perf_counter(), replace(LNS, short_time=0.2))
    assert out.stats["window/short"][0] > 0 and out.stats["window"][0] > 0
    # the incumbent's objective is the model's objective of its values
    obj = m.model.proto.objective
    value = sum(c * int(out.values[v]) for v, c in zip(obj.vars, obj.coeffs)) + obj.offset
    assert out.objective == round(value) and out.objective >= out.bound


def test_short_arms_and_a_measuring_bandit_keep_the_checker_satisfied(monkeypatch):
    import solver.lns as lns

    # solve() searches with the settings bound as search()'s default (as benchmarks/suite.py)
    monkeypatch.setattr(lns.search, "__defaults__", (replace(LNS, short_time=0.3, by_time=True),))
    scenario = generate_scenario(40, weeks=2, seed=4)
    compiled = compile_scenario(scenario)
    r = solve(compiled.problem, SolveOptions(time_limit=5.0, workers=2, seed=3))
    report = check(scenario, to_plan(compiled, r))
    assert report.hard_ok, report.violations[:3]
    assert report.objective == r.objective


def test_infeasible_hint_is_repaired_by_freeing_only_its_people():
    from ortools.sat.python import cp_model

    from solver.greedy import invalid_people
    from solver.phases import Shared, hint_phase

    duties = [duty(d) for d in range(4)]
    people = [Person(id="p", max_consecutive_days=2), Person(id="q"),
              Person(id="r", max_consecutive_days=1)]
    hint = (tuple(("p", d.id) for d in duties) + (("q", duties[0].id),)
            + (("r", duties[1].id), ("r", duties[2].id)))
    base = problem(people, duties)
    hinted = type(base)(**{**base.__dict__, "hint": hint})
    assert invalid_people(hinted, hint) == ["p", "r"]  # runs too long; q is fine
    m = build_model(hinted)
    shared = Shared(OPTS, time.perf_counter())
    code = hint_phase(m, OPTS, shared, time.perf_counter() + 10)
    assert code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and shared.values is not None
    plan = [key for key, var in m.x.items() if shared.values[var.index]]
    assert ("q", duties[0].id) in plan and [k for k in plan if k[0] == "q"] == [("q", duties[0].id)]
    assert invalid_people(hinted, plan) == []
    assert shared.obj == evaluate(hinted, plan, ()).objective


def test_the_plain_phase_yields_past_the_switch_only_once_it_stalls():
    from solver.phases import Shared

    t0 = time.perf_counter()
    shared = Shared(OPTS, t0)
    shared.switch_at, shared.stall = t0 + 6.0, 6.0
    assert not shared.plain_should_yield(t0 + 100)  # no plan yet: never
    shared.offer(np.zeros(3, dtype=np.int64), 10)
    found = shared.improved_at
    assert not shared.plain_should_yield(t0 + 5.9)  # before the switch time
    assert shared.plain_should_yield(found + 6.0)  # past it, 6 s without a better plan
    shared.offer(np.zeros(3, dtype=np.int64), 9)  # a better plan restarts the count
    assert shared.improved_at >= found
    assert not shared.plain_should_yield(shared.improved_at + 5.0)
    assert shared.plain_should_yield(shared.improved_at + 6.0)
    assert not shared.offer(np.zeros(3, dtype=np.int64), 9)  # not better: no restart
    assert shared.plain_should_yield(shared.improved_at + 6.0)
    shared.stall = 0.0  # the first plain phase: the switch time alone decides
    assert shared.plain_should_yield(max(t0 + 6.0, shared.improved_at))


def test_first_neighbourhoods_free_at_most_init_free_variables_on_large_grids():
    from solver.params import LNS

    people = [f"p{i}" for i in range(50)]
    small = Neighbourhoods(people, 28, random.Random(0), variables=5_000)
    assert all(v == LNS.init_size for v in small.size.values())  # 10 % is 500: unchanged
    big = Neighbourhoods(people, 364, random.Random(0), variables=20_000)
    assert LNS.init_free / 20_000 < LNS.init_size
    assert all(v == pytest.approx(LNS.init_free / 20_000) for v in big.size.values())
    huge = Neighbourhoods(people, 364, random.Random(0), variables=10_000_000)
    assert all(v == 0.01 for v in huge.size.values())  # never below the adaptive floor


@pytest.mark.parametrize("spreads", [True, False])
def test_the_first_size_cap_applies_only_without_terms_across_people(spreads):
    from solver.lns import capped_variables
    from solver.problem import Weights

    p = HARD
    if not spreads:
        p = replace(p, rules=replace(p.rules, weights=Weights(fairness={}, continuity=0)))
    m = build_model(p)
    grid = _Grid(m)
    assert len(grid.decision) > 0
    assert capped_variables(m, grid) == (0 if spreads else len(grid.decision))


def test_with_a_gain_only_a_large_enough_gain_restarts_the_stall_count():
    from solver.phases import Shared

    t0 = time.perf_counter()
    shared = Shared(OPTS, t0)
    shared.switch_at, shared.stall, shared.gain = t0, 6.0, 5.0
    shared.offer(np.zeros(3, dtype=np.int64), 100)
    marked = shared.improved_at
    shared.offer(np.zeros(3, dtype=np.int64), 97)  # 3 below the last counted (100), gain 5: not progress
    assert shared.improved_at == marked and shared.plain_should_yield(marked + 6.0)
    shared.offer(np.zeros(3, dtype=np.int64), 95)  # 5 below it: progress
    assert shared.improved_at > marked and not shared.plain_should_yield(marked + 6.0)


def test_gain_since_measures_the_fall_of_the_incumbent_over_the_last_seconds():
    from solver.phases import Shared
    from solver.result import Progress

    now = time.perf_counter()
    shared = Shared(OPTS, now - 10.0)  # started 10 s ago
    assert shared.gain_since(3.0) == 0.0  # no plan yet
    shared.values, shared.obj = np.zeros(2, dtype=np.int64), 40
    shared.events = [Progress(1.0, 100, 0), Progress(6.0, 70, 0), Progress(8.0, 40, 0)]
    assert shared.gain_since(3.0) == 30  # at 7 s the incumbent was 70
    assert shared.gain_since(5.0) == 60  # at 5 s: 100
    assert shared.gain_since(20.0) == 60  # before the first plan: from the first plan


def test_a_probe_leaves_the_built_model_intact_for_the_resumed_whole_model_solve():
    from solver.lns import Outcome, _lns_phase
    from solver.params import LNS
    from solver.phases import Shared, hint_phase, plain_phase

    m = build_model(HARD)
    opts = replace(OPTS, workers=2, time_limit=30.0)
    shared = Shared(opts, time.perf_counter())
    hint_phase(m, opts, shared, time.perf_counter() + 10)
    if shared.values is None:  # no complete hint: a first plan from the whole model
        plain_phase(m, replace(opts, time_limit=1.0), shared, time.perf_counter() + 5, LNS)
    assert shared.values is not None
    before = [tuple(v.domain) for v in m.model.proto.variables]
    out = Outcome(0, None, None, None)
    _lns_phase(m, opts, shared, time.perf_counter() + 30, LNS, out,
               until=time.perf_counter() + 1.0, keep=True)
    assert out.iterations > 0  # sub-solves did narrow their copies' domains
    assert [tuple(v.domain) for v in m.model.proto.variables] == before


def test_a_two_worker_search_probes_and_stays_exact(monkeypatch):
    import solver.bound as cutoff

    monkeypatch.setattr(cutoff, "WHOLE_FIRST", False)  # the probe, not the whole model to the switch
    m = build_model(HARD)
    opts = replace(OPTS, workers=2, time_limit=8.0, seed=3)
    out = search(m, opts, time.perf_counter())
    assert out.values is not None
    if "probe" not in out.stats:  # only when the plain phase closed the problem
        assert out.objective <= out.bound + 1e-6
    else:
        probe = out.stats["probe"]
        assert probe["seconds"] > 0 and probe["plain"] >= 0 and probe["lns"] >= 0
    plan = [key for key, var in m.x.items() if out.values[var.index]]
    oncall = [key for key, var in m.y.items() if out.values[var.index]]
    assert evaluate(HARD, plan, oncall).objective == out.objective


@pytest.mark.parametrize("stall", [0.0, 2.0])
def test_the_probe_resumes_the_whole_model_with_the_rule_its_settings_name(monkeypatch, stall):
    import solver.lns as lns
    from solver.params import LNS
    from solver.phases import Shared
    from solver.result import Progress

    m = build_model(HARD)
    opts = replace(OPTS, workers=2, time_limit=60.0)
    now = time.perf_counter()
    shared = Shared(opts, now - 10.0)  # the plain phase fell from 100 to 40 in the last 3 s
    shared.values, shared.obj = np.zeros(2, dtype=np.int64), 40
    shared.events = [Progress(1.0, 100, 0), Progress(9.0, 40, 0)]
    seen = {}
    monkeypatch.setattr(lns, "_lns_phase", lambda *a, **k: None)  # the LNS gains nothing
    monkeypatch.setattr(lns, "plain_phase",
                        lambda *a, resume=None, **k: seen.setdefault("resume", resume) and 2)
    out = lns.Outcome(0, None, None, None)
    settings = replace(LNS, resume_stall=stall)
    lns._probe(m, opts, shared, now + 50.0, settings, out, huge=False)
    span = LNS.probe * 60.0
    assert out.stats["probe"]["plain"] == 60 and out.stats["probe"]["lns"] == 0
    # 0: a span without the LNS's gain (at least 1); k: k spans without any better plan
    assert seen["resume"] == ((span, 1.0) if stall == 0 else (stall * span, 0.0))
