"""The cut-off bound (solver.bound) never exceeds a proven optimum; the checker is the oracle.

A generated scenario small enough for an exact solve: its optimum is proven by CP-SAT
on the whole model (no time pressure) and recomputed from the plan by the independent
checker. The cut-off model built for any incumbent value above the optimum keeps the
optimal plan (every term it fixes is 0 in it), so its optimum is the optimum itself and
``min(ub, its bound)`` is never above it.
"""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

from planner.check import check
from planner.compile import compile_scenario, to_plan
from planner.generate import generate_scenario
from solver import SolveOptions, build_model, solve
from solver import bound as cutoff
from solver import lns as solver_lns

SCENARIO = generate_scenario(technicians=12, weeks=1, seed=1)


@pytest.fixture(scope="module")
def optimum():
    compiled = compile_scenario(SCENARIO)
    # one worker, a deterministic limit far beyond what the proof needs: exact
    exact = solve(compiled.problem, SolveOptions(time_limit=600.0, workers=1, seed=0,
                                                  deterministic_time=400.0))
    assert exact.status == "optimal"
    report = check(SCENARIO, to_plan(compiled, exact))
    assert report.hard_ok and report.objective == exact.objective  # the oracle agrees
    assert exact.objective > 0
    return compiled, exact.objective


@pytest.mark.parametrize("above", [1, 7, 10**6])
def test_the_cutoff_model_keeps_the_optimum_and_its_bound_is_valid(optimum, above):
    compiled, opt = optimum
    m = build_model(compiled.problem)
    ub = opt + above
    model, fixed, spreads = cutoff.cutoff_model(m, ub)
    assert spreads > 0  # the redundant fairness constraints are in the model
    if above < 10**6:
        assert fixed > 0  # heavy terms (missing people, empty on-call roles) are fixed
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = 300.0
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value == opt  # nothing better, and the optimum is not cut off
    assert min(ub, solver.best_objective_bound) <= opt


@pytest.mark.parametrize("bound_workers", [1, 2])
def test_a_two_worker_solve_with_the_bound_worker_reports_a_valid_bound(optimum, monkeypatch,
                                                                         bound_workers):
    compiled, opt = optimum
    monkeypatch.setattr(cutoff, "BOUND_SHARE", 0.9)  # the bound worker runs at once
    monkeypatch.setattr(cutoff, "BOUND_WORKERS", bound_workers)
    seen = []
    res = solve(compiled.problem, SolveOptions(time_limit=4.0, workers=2, seed=0,
                                               on_progress=seen.append))
    assert res.status.has_plan
    assert res.best_bound is not None and res.best_bound <= opt <= res.objective
    assert all(e.bound <= opt for e in seen)
    assert res.bound_source in ("cp-sat", cutoff.SOURCE, "non-negative penalties")
    report = check(SCENARIO, to_plan(compiled, res))
    assert report.hard_ok and report.objective == res.objective


def test_useful_only_where_the_cutoff_model_differs():
    compiled = compile_scenario(SCENARIO)
    m = build_model(compiled.problem)
    assert cutoff.useful(m, 10**6)  # fairness spreads exist
    m.cache["fairness_spreads"] = []
    assert not cutoff.useful(m, 10**9)  # no term weighs that much
    assert cutoff.useful(m, 1)  # every term would be fixed


def _solved_and_checked(scenario, compiled, seconds: float):
    """``solve`` with two workers; the checker agrees and the bound is at most the plan."""
    res = solve(compiled.problem, SolveOptions(time_limit=seconds, workers=2, seed=0))
    report = check(scenario, to_plan(compiled, res))
    assert report.hard_ok and report.objective == res.objective
    assert res.best_bound is not None and res.best_bound <= res.objective
    return res


def _recorded_bound_calls(monkeypatch) -> list[tuple[float, int]]:
    """(start time, workers) of every ``cutoff.bound_search`` call from now on."""
    calls, bound_search = [], cutoff.bound_search

    def recorded(m, base, shared, deadline, seed, workers=1):
        calls.append((time.perf_counter(), workers))
        bound_search(m, base, shared, deadline, seed, workers=workers)

    monkeypatch.setattr(cutoff, "bound_search", recorded)
    return calls


def test_at_the_switch_every_thread_turns_to_one_bound_solve(monkeypatch):
    """With ``BOUND_WORKERS`` 2, the LNS threads stop at the switch and one CP-SAT solve
    of two workers (branching on reduced costs beside the full LP) runs to the end."""
    # 30 technicians over 4 weeks: no phase before the LNS closes it in a second
    scenario = generate_scenario(technicians=30, weeks=4, seed=0)
    compiled = compile_scenario(scenario)
    monkeypatch.setattr(cutoff, "BOUND_SHARE", 0.5)
    monkeypatch.setattr(cutoff, "BOUND_WORKERS", 2)
    monkeypatch.setattr(cutoff, "WHOLE_FIRST", False)  # the LNS runs before the switch
    calls, sub_solves = _recorded_bound_calls(monkeypatch), []
    solve_once = cp_model.CpSolver.solve

    def timed(self, model, *a, **k):
        if self.parameters.num_workers == 1:
            sub_solves.append(time.perf_counter())
        return solve_once(self, model, *a, **k)

    monkeypatch.setattr(cp_model.CpSolver, "solve", timed)
    t0 = time.perf_counter()
    _solved_and_checked(scenario, compiled, 8.0)
    assert [w for _, w in calls] == [2] * len(calls) and calls  # both workers, at least once
    started = calls[0][0]
    assert started - t0 >= 0.4 * 8.0  # at the switch, not before
    assert sub_solves and all(t < started for t in sub_solves)  # no LNS sub-solve after it


def test_with_fairness_spreads_the_whole_model_runs_until_the_switch(monkeypatch):
    """``WHOLE_FIRST``: on a model with fairness spreads, CP-SAT on the whole model runs
    from the first plan to the switch, the LNS never picks a neighbourhood, and the tail
    takes both workers to the end."""
    # 60 technicians over 6 weeks: the whole model does not close it in 8 s
    scenario = generate_scenario(technicians=60, weeks=6, seed=1)
    compiled = compile_scenario(scenario)
    assert cutoff.WHOLE_FIRST and cutoff.BOUND_SHARE == 0.4
    calls, whole, picks = _recorded_bound_calls(monkeypatch), [], []
    pick, solve_once = solver_lns.Neighbourhoods.pick, cp_model.CpSolver.solve

    def timed(self, model, *a, **k):
        # the whole-model phase: two workers, CP-SAT's portfolio (no subsolvers named)
        plain = self.parameters.num_workers == 2 and not self.parameters.subsolvers
        try:
            return solve_once(self, model, *a, **k)
        finally:
            if plain:
                whole.append(time.perf_counter())

    def counted(self, *a, **k):
        picks.append(1)
        return pick(self, *a, **k)

    monkeypatch.setattr(solver_lns.Neighbourhoods, "pick", counted)
    monkeypatch.setattr(cp_model.CpSolver, "solve", timed)
    t0 = time.perf_counter()
    _solved_and_checked(scenario, compiled, 8.0)
    assert not picks  # no LNS neighbourhood
    assert whole and whole[-1] - t0 >= 0.6 * 8.0 - 0.5  # the whole model ran to the switch
    assert calls and [w for _, w in calls] == [2] * len(calls) and calls[0][0] >= whole[-1]


def test_a_model_above_tail_variables_keeps_one_bound_worker(monkeypatch):
    # 30 technicians over 4 weeks: no phase before the LNS closes it in a second
    scenario = generate_scenario(technicians=30, weeks=4, seed=0)
    compiled = compile_scenario(scenario)
    monkeypatch.setattr(cutoff, "BOUND_SHARE", 0.5)
    monkeypatch.setattr(cutoff, "BOUND_WORKERS", 2)
    monkeypatch.setattr(cutoff, "TAIL_VARIABLES", 0)  # every model is too large for the tail
    calls = _recorded_bound_calls(monkeypatch)
    _solved_and_checked(scenario, compiled, 6.0)
    seen = [w for _, w in calls]
    assert seen and seen == [1] * len(seen)  # it ran, on one worker
