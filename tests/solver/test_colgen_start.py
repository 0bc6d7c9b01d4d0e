"""solve() can start from column generation where no rule spans people (solver.colgen.colgen_start).

On only for long budgets (``solver.solve.COLGEN_MIN_SECONDS``, measured in BENCHMARKS.md);
switched on for every budget here unless a test says otherwise. It must report the
set-partitioning bound by name when that bound is the best one, stop as soon as a plan
reaches it, keep out of problems it does not apply to (rules across people, a re-plan's
hint, a deterministic limit), and honour a stop request.
"""

from __future__ import annotations

import importlib
import math
import time

import pytest

from solver import SolveOptions, solve
from solver.colgen import _Master, colgen_start
from solver.problem import Request, Rules

from tests.solver.solver_cases import NO_WEIGHTS, duty, problem

# the module, not the package's solve() function of the same name
solve_mod = importlib.import_module("solver.solve")


def _two_requests():
    # one duty wanted once (10 per missing person); both people asked for the day off
    return problem(["a", "b"], [duty(0, "D", under=10)],
                   requests=(Request(person="a", day=0, shift_type=None, work=False, weight=3),
                             Request(person="b", day=0, shift_type=None, work=False, weight=4)))


def _refuse(*_args, **_kwargs):
    raise AssertionError("column generation ran where it must not")


@pytest.fixture
def colgen_on(monkeypatch):
    monkeypatch.setattr(solve_mod, "COLGEN_ROOT_SHARE", 0.35)
    monkeypatch.setattr(solve_mod, "COLGEN_MIN_SECONDS", 0.0)


def test_by_default_it_runs_on_long_budgets_only(monkeypatch):
    # a short budget: the greedy path and the LNS, never column generation
    monkeypatch.setattr(solve_mod, "colgen_start", _refuse)
    r = solve(_two_requests(), SolveOptions(time_limit=20.0, workers=2))
    assert r.status == "optimal" and r.objective == 3
    assert r.bound_source != solve_mod.COLGEN_SOURCE
    monkeypatch.undo()
    # a budget at the threshold: its root proves the plan optimal at once
    assert solve_mod.COLGEN_ROOT_SHARE > 0
    t0 = time.perf_counter()
    r = solve(_two_requests(), SolveOptions(time_limit=solve_mod.COLGEN_MIN_SECONDS, workers=2))
    assert r.status == "optimal" and r.objective == 3
    assert r.bound_source == solve_mod.COLGEN_SOURCE
    assert time.perf_counter() - t0 < 10.0


def test_a_plan_at_the_lp_bound_ends_the_solve_as_proven_optimal(colgen_on):
    events = []
    r = solve(_two_requests(), SolveOptions(time_limit=20.0, workers=2, on_progress=events.append))
    assert r.status == "optimal"
    assert r.objective == 3 and [pid for pid, _ in r.assignments] == ["a"]  # a's request is cheaper
    assert r.best_bound == pytest.approx(3.0)
    assert r.bound_source == solve_mod.COLGEN_SOURCE
    assert r.wall_seconds < 10.0  # no search after the proof
    # the constructive plan first (reported before column generation), then the dive's at the bound
    assert [e.objective for e in events][-1] == 3.0 and events[0].objective >= 3.0
    assert list(r.progress) == events and r.progress[-1].bound == pytest.approx(3.0)


def test_the_constructive_plan_is_reported_before_column_generation(monkeypatch, colgen_on):
    events, seen = [], []
    real = solve_mod.colgen_start

    def recorded(*args, **kwargs):
        seen.append(len(events))
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_mod, "colgen_start", recorded)
    r = solve(_two_requests(), SolveOptions(time_limit=20.0, workers=2, on_progress=events.append))
    assert seen == [1]  # one plan already reported when the root started
    assert r.first_solution_seconds == pytest.approx(events[0].elapsed)
    assert events[0].bound == 0.0 and events[0].objective in (3.0, 4.0)  # a or b on the duty
    assert r.status == "optimal" and r.objective == 3 and list(r.progress) == events


def test_a_stop_during_column_generation_returns_a_plan_at_once(monkeypatch, colgen_on):
    asked = []
    real = solve_mod.colgen_start

    def stop_then_start(*args, **kwargs):
        asked.append(True)  # the stop request arrives as column generation starts
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_mod, "colgen_start", stop_then_start)
    t0 = time.perf_counter()
    r = solve(_two_requests(), SolveOptions(time_limit=600.0, workers=2, stop=lambda: bool(asked)))
    assert asked and time.perf_counter() - t0 < 30.0
    assert r.status.has_plan and len(r.assignments) == 1 and r.objective in (3, 4)
    assert r.first_solution_seconds is not None and r.progress


def test_switched_off_the_bound_comes_from_cp_sat(monkeypatch):
    monkeypatch.setattr(solve_mod, "COLGEN_ROOT_SHARE", 0.0)
    monkeypatch.setattr(solve_mod, "colgen_start", _refuse)
    r = solve(_two_requests(), SolveOptions(time_limit=20.0, workers=2))
    assert r.status == "optimal" and r.objective == 3
    assert r.bound_source != solve_mod.COLGEN_SOURCE


@pytest.mark.parametrize("case", ["fairness", "hint", "deterministic"])
def test_it_keeps_out_of_problems_it_does_not_apply_to(monkeypatch, colgen_on, case):
    from dataclasses import replace

    monkeypatch.setattr(solve_mod, "colgen_start", _refuse)
    p = _two_requests()
    options = SolveOptions(time_limit=10.0, workers=1)
    if case == "fairness":
        p = replace(p, rules=Rules(weights=NO_WEIGHTS.__class__(fairness={"night": 5})))
    elif case == "hint":
        p = replace(p, hint=(("b", "0/D/acme"),))
    else:
        options = replace(options, deterministic_time=5.0)
    r = solve(p, options)
    assert r.status.has_plan
    assert r.bound_source != solve_mod.COLGEN_SOURCE


def test_a_stop_request_ends_column_generation_before_any_round():
    p = _two_requests()
    t0 = time.perf_counter()
    start = colgen_start(p, t0 + 30.0, t0 + 60.0, 1, stop=lambda: True)
    assert start.bound == -math.inf and start.dive is None and not start.converged
    assert time.perf_counter() - t0 < 5.0


def test_give_up_ends_the_generation_after_the_round_it_answers():
    master = _Master(_two_requests())
    seen = []
    best, converged, rounds = master.generate(time.perf_counter() + 30.0, 1,
                                              give_up=lambda n, b: seen.append((n, b)) or True)
    assert rounds == 1 and seen == [(1, best)] and not converged


def test_a_root_too_slow_to_converge_in_time_gives_up_once_its_pace_is_measured(monkeypatch):
    import solver.colgen as colgen

    monkeypatch.setattr(colgen, "ROOT_ROUNDS", 10**9)  # no pace fits that many rounds
    monkeypatch.setattr(colgen, "PACE_ROUNDS", 1)  # judged from the first round on
    t0 = time.perf_counter()
    start = colgen_start(_two_requests(), t0 + 30.0, t0 + 60.0, 1)
    assert not start.converged and start.dive is None
    assert start.bound > -math.inf  # the first round's bound is kept
    assert time.perf_counter() - t0 < 5.0


def test_the_pace_is_measured_after_the_first_round():
    from solver.colgen import PACE_ROUNDS, ROOT_ROUNDS, pace_gives_up

    until = 30.0
    # before PACE_ROUNDS rounds only the deadline ends the root, however slow they were
    assert not pace_gives_up(PACE_ROUNDS - 1, 10.0, 20.0, until)
    assert pace_gives_up(PACE_ROUNDS - 1, 10.0, until, until)
    # a slow first round (the master built, everyone priced from scratch), fast ones after:
    # measured from the start, 3 rounds in 6 s would fit 15 by 30 s (too few); after the
    # first, 2 rounds in 1 s fit ~50 more
    assert not pace_gives_up(3, 5.0, 6.0, until)
    assert 3 / 6.0 * until < ROOT_ROUNDS  # the old measure would have given up here
    # every round slow: 3 rounds, 2 of them in 8 s after the first: ~4.5 more fit, too few
    assert pace_gives_up(3, 4.0, 12.0, until)
    # enough rounds done already: it goes on however slow the pace
    assert not pace_gives_up(ROOT_ROUNDS, 1.0, 29.0, until)


@pytest.mark.parametrize("switch", [False, True])
def test_a_root_cut_short_dives_only_under_the_switch(monkeypatch, switch):
    import solver.colgen as colgen
    from planner.compile import compile_scenario
    from planner.curtois import parse_instance
    from planner.curtois.to_domain import instance_to_scenario
    from solver.evaluate import evaluate
    from solver.greedy import invalid_people

    from tests.solver.test_colgen import DATA

    problem = compile_scenario(instance_to_scenario(parse_instance(DATA / "Instance1.txt"))).problem
    monkeypatch.setattr(colgen, "ROOT_ROUNDS", 10**9)
    monkeypatch.setattr(colgen, "PACE_ROUNDS", 2)  # gives up after its second round
    monkeypatch.setattr(colgen, "DIVE_UNCONVERGED", switch)
    t0 = time.perf_counter()
    start = colgen_start(problem, t0 + 60.0, t0 + 90.0, 2)
    assert not start.converged  # Instance1's root needs more than two rounds
    if not switch:
        assert start.dive is None
        return
    dive = start.dive
    assert dive is not None and not invalid_people(problem, dive.assignments)
    assert dive.objective == evaluate(problem, dive.assignments, ()).objective
    assert dive.objective >= start.bound - 1e-6  # the root's bound holds for the dive's plan
    assert time.perf_counter() - t0 < 90.0
