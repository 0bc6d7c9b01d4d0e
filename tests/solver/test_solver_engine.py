"""Engine tests: registry, validation, determinism, progress, stop, hints, fixing, objective."""

from __future__ import annotations

import re
import threading

import pytest
from solver_cases import OPTS, duty, problem, random_problem, run, solve_built

from solver import Person, ProblemError, SolveOptions, build_model, solve
from planner.check import check
from planner.compile import compile_scenario, to_plan
from planner.generate import generate_scenario
from solver.rules import BUILDERS, HARD_RULES, SOFT_RULES

def test_every_rule_has_a_builder():
    # the names come from solver/rules/catalog.py (tests/test_registry.py covers every place)
    assert list(BUILDERS) == list(HARD_RULES) + list(SOFT_RULES)
    assert all(callable(b) for b in BUILDERS.values())


@pytest.mark.parametrize(
    "change, message",
    [
        ({"eligible": {"nope": ("p",)}}, "Problem.eligible: unknown duty id 'nope'"),
        ({"eligible": {"0/D/acme": ("ghost",)}}, "unknown person id 'ghost'"),
        ({"fixed": (("p", "nope"),)}, "Problem.fixed[0]: unknown duty id 'nope'"),
        ({"weeks": ((0, 9),)}, "Problem.weeks[0] holds day 9"),
        # Person.params: the names of solver/rules/catalog.py, non-negative integers
        ({"people": (Person("p", params={"min_weekly_rest_hours": 35}),)},
         "Problem.people['p'].params: unknown rule parameter 'min_weekly_rest_hours' "
         "(solver/rules/catalog.py declares min_weekly_rest_minutes)"),
        ({"people": (Person("p", params={"min_weekly_rest_minutes": -1}),)},
         "Problem.people['p'].params['min_weekly_rest_minutes'] must be a non-negative integer (got -1)"),
        ({"people": (Person("p", params={"min_weekly_rest_minutes": 35.5}),)},
         "must be a non-negative integer (got 35.5)"),
        ({"people": (Person("p", local_weeks=((0, 1440), (1440, 2880))),), "weeks": ((0,),)},
         "Problem.people['p'].local_weeks has 2 weeks, Problem.weeks 1"),
        ({"people": (Person("p", local_weeks=((60, 60),)),), "weeks": ((0,),)},
         "Problem.people['p'].local_weeks[0]: end 60 is not after start 60"),
    ],
)
def test_malformed_problem_is_reported(change, message):
    base = problem(["p"], [duty(0)])
    fields = {**base.__dict__, **change}
    with pytest.raises(ProblemError, match=re.escape(message)):
        solve(type(base)(**fields), OPTS)


def test_fixed_pair_that_is_not_eligible_is_infeasible():
    d = duty(0)
    p = problem(["p", "q"], [d], eligible={d.id: ("p",)}, fixed=(("q", d.id),))
    assert run(p).status == "infeasible"


@pytest.mark.parametrize("seed", range(4))
def test_cp_sat_agrees_with_the_reported_objective_at_optimum(seed):
    # the reported objective is recomputed from the plan (solver.evaluate); at the
    # optimum CP-SAT's own objective and bound must be that same number
    r = run(random_problem(seed, people=5, days=4))
    assert r.status == "optimal"
    assert r.progress[-1].objective == r.objective
    assert r.best_bound == r.objective


@pytest.mark.parametrize("seed", range(2))
def test_the_checker_recomputes_the_reported_objective_rule_by_rule(seed):
    # the oracle is the independent checker (planner/check), never the solver's evaluator
    scenario = generate_scenario(technicians=12, weeks=1, seed=seed)
    compiled = compile_scenario(scenario)
    r = solve(compiled.problem, SolveOptions(time_limit=10.0, workers=1, seed=seed,
                                             deterministic_time=2.0))
    assert r.status.has_plan
    report = check(scenario, to_plan(compiled, r))
    assert report.violations == ()
    assert report.objective == r.objective
    assert dict(report.penalties) == dict(r.penalties)


def test_same_seed_one_worker_is_deterministic():
    p = random_problem(11, people=6, days=5)
    a, b = run(p), run(p)
    assert a.assignments == b.assignments and a.oncall == b.oncall
    assert a.objective == b.objective
    assert [e.objective for e in a.progress] == [e.objective for e in b.progress]


def test_progress_callback_sees_every_improving_solution():
    seen = []
    r = run(random_problem(3, people=5, days=4), on_progress=seen.append)
    assert seen and tuple(seen) == r.progress
    objectives = [e.objective for e in seen]
    assert objectives == sorted(objectives, reverse=True)
    assert r.first_solution_seconds is not None
    assert r.first_solution_seconds <= r.wall_seconds


def test_stop_is_honoured_between_solutions():
    # a problem that does not close within the limit; stop() flips after the first plan
    p = random_problem(0, people=14, days=14)
    first = threading.Event()
    r = run(p, time_limit=30.0, on_progress=lambda e: first.set(), stop=first.is_set)
    assert r.status in ("feasible", "unknown")
    assert r.wall_seconds < 15.0


def test_stop_before_any_solution_returns_quickly():
    p = random_problem(0, people=14, days=14)
    r = run(p, time_limit=30.0, stop=lambda: True)
    assert r.status in ("feasible", "unknown")
    assert r.wall_seconds < 15.0


def test_exception_in_progress_callback_is_raised():
    def boom(_):
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        run(random_problem(1, people=5, days=4), on_progress=boom)


def test_hint_is_complete_and_consistent_with_the_model():
    # hint every variable from a solved plan; fixing all variables to the hint must be
    # feasible with the same objective: helper values derived for the hint are exact
    p = random_problem(2, people=5, days=4)
    r = run(p)
    hinted = type(p)(**{**p.__dict__, "hint": r.assignments, "oncall_hint": r.oncall})
    m = build_model(hinted)
    hint = m.model.proto.solution_hint
    assert len(hint.vars) == len(m.model.proto.variables)
    values = dict(zip(hint.vars, hint.values))
    with m.fixed(values):
        again = solve_built(m)
    # CP-SAT's own objective of the fixed model is the plan's penalty the solve reported
    assert again.status == "optimal" and again.objective == r.objective
    assert set(again.assignments) == set(r.assignments)


def test_hinted_solve_starts_from_the_hint():
    p = random_problem(4, people=5, days=4)
    r = run(p)
    hinted = type(p)(**{**p.__dict__, "hint": r.assignments, "oncall_hint": r.oncall})
    again = run(hinted)
    assert again.progress[0].objective <= r.objective
    assert again.objective == r.objective


def test_fixed_context_restores_domains():
    p = problem([Person(id="a"), Person(id="b")], [duty(0)])
    m = build_model(p)
    xa, xb = m.x[("a", "0/D/acme")], m.x[("b", "0/D/acme")]
    with m.fixed({xa.index: 0, xb.index: 0}):
        r = solve_built(m)
        assert r.assignments == () and r.objective == 10
    r = solve_built(m)
    assert len(r.assignments) == 1 and r.objective == 0


def test_unhinted_pairs_in_hint_are_ignored():
    p = problem(["p"], [duty(0)], hint=(("p", "0/D/acme"), ("ghost", "0/D/acme"), ("p", "x")))
    r = run(p)
    assert r.assignments == (("p", "0/D/acme"),)


def test_workers_option_is_used():
    p = random_problem(5, people=5, days=4)
    r = solve(p, SolveOptions(time_limit=10.0, workers=2, seed=1))
    assert r.status == "optimal"
    assert r.objective == run(p).objective


def test_infeasible_result_names_the_conflicting_rules_and_people():
    # p must work 3 days (1440 min) but at most 2 in a row: the two rules conflict for p
    duties = [duty(d, required=0, over=1) for d in range(3)]
    p = problem([Person(id="p", min_minutes=1440, max_consecutive_days=2), Person(id="q")], duties)
    r = run(p)
    assert r.status == "infeasible"
    assert r.conflicts == ("contract_hours: p", "max_consecutive_days: p")


def test_infeasible_fixed_pairs_are_explained():
    late, early = duty(0, "L"), duty(1, "D", start="08:59")
    r = run(problem(["p", "q"], [late, early], fixed=(("p", late.id), ("p", early.id))))
    assert r.conflicts == ("fixed_assignments: p", "min_rest: p")


def test_no_explanation_when_disabled():
    late, early = duty(0, "L"), duty(1, "D", start="08:59")
    r = run(problem(["p"], [late, early], fixed=(("p", late.id), ("p", early.id))), explain=False)
    assert r.status == "infeasible" and r.conflicts == ()
