"""Column generation's dynamic programme (solver.dp_pricing) against CP-SAT on random people.

For each random person (shift types of several lengths and times, forbidden successions,
rest, runs, history, weekends, type limits, contract minutes, requests, continuity,
backup use) and random duals, the person's pricing problem is solved to its optimum by
CP-SAT on their own model, and the programme must agree:

* its bound never exceeds the optimum (it is a relaxation);
* a roster it returns keeps every hard rule (the whole engine model, fixed to it, is
  feasible) and costs what :func:`solver.evaluate.evaluate` says plus its duals;
* where only the rules it holds exactly apply (no shift-type limit), its bound *is* the
  optimum and its roster reaches it (so it is not a weaker relaxation than documented);
* what column generation takes from it (``_Pricer.quick``) is either the optimum or a
  proof that nothing under the convexity dual exists; with unproven columns allowed
  (``solver.colgen.DP_COLUMNS``), also a roster under the convexity dual that keeps every
  rule, its bound still below the optimum;
* column generation converges to the same bound with the programme's unproven columns,
  with its proven answers only, and with CP-SAT alone (the generated suite's g01).
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import solver.colgen as cg
from planner.compile import compile_scenario
from planner.curtois import parse_text
from planner.curtois.to_domain import instance_to_scenario
from solver.colgen import SCALE, _Pricer
from solver.dp_pricing import PersonDP
from solver.evaluate import evaluate
from solver.problem import Demand, Duty, Person, Request, Rules, Weights
from tests.solver.solver_cases import DAY, problem
from tests.solver.test_solver_greedy import fixed_to

TYPES = {"E": (6 * 60, 8 * 60), "D": (9 * 60, 10 * 60), "L": (14 * 60, 8 * 60), "N": (22 * 60, 12 * 60)}


def _case(seed: int, limits: bool):
    rng = random.Random(seed)
    days = rng.randint(5, 10)
    kinds = rng.sample(sorted(TYPES), rng.randint(1, 3))
    duties = []
    for d in range(days):
        for t in kinds:
            if rng.random() < 0.8:
                s, n = TYPES[t]
                group = rng.choice(("acme", "globex"))
                duties.append(Duty(id=f"{d}/{t}/{group}", day=d, start=d * DAY + s, end=d * DAY + s + n,
                                   shift_type=t, minutes=n, group=group, demand=Demand()))
    known = rng.random() < 0.4
    worked = rng.random() < 0.5
    last = rng.choice(kinds)
    person = Person(
        id="p",
        max_consecutive_days=rng.choice((None, 2, 3, 4)),
        min_consecutive_days=rng.choice((None, 2, 3)),
        min_consecutive_days_off=rng.choice((None, 2)),
        max_weekends=rng.choice((None, 0, 1)),
        max_minutes=rng.choice((None, rng.randint(16, 50) * 60)),
        min_minutes=rng.choice((None, rng.randint(8, 30) * 60)),
        max_per_shift_type={t: rng.randint(0, 3) for t in kinds if rng.random() < 0.5} if limits else {},
        is_backup=rng.random() < 0.3,
        history_consecutive_days=(rng.randint(1, 3) if worked else 0) if known else None,
        history_consecutive_days_off=(0 if worked else rng.randint(1, 3)) if known else None,
        history_last_end=(-DAY + TYPES[last][0] + TYPES[last][1]) if known and worked else None,
        history_last_shift_type=last if known and worked else None,
    )
    succ = frozenset((a, b) for a in kinds for b in kinds if a != b and rng.random() < 0.3)
    weekends = tuple(tuple(range(k, min(k + 2, days))) for k in range(rng.randint(0, 1) + 5, days, 7))
    requests = tuple(
        Request(person="p", day=rng.randrange(days), shift_type=rng.choice((None, *kinds)),
                work=rng.random() < 0.5, weight=rng.randint(1, 5))
        for _ in range(rng.randint(0, 4)))
    rules = Rules(min_rest_minutes=rng.choice((0, 11 * 60)), forbidden_successions=succ,
                  exempt_horizon_edges=rng.random() < 0.7,
                  weights=Weights(fairness={}, continuity=rng.choice((0, 2)),
                                  backup_use=rng.choice((0, 1))))
    p = problem([person], duties, num_days=days, rules=rules, requests=requests,
                weeks=tuple(tuple(range(k, min(k + 7, days))) for k in range(0, days, 7)),
                weekends=weekends)
    pi = {d.id: rng.randint(-8, 12) * SCALE // rng.choice((1, 3, 7)) for d in duties}
    return p, duties, pi


def _optimum(pricer: _Pricer, pi):
    res = pricer.price(pi, 20.0)
    if res is None:
        return None
    found, proven, optimal = res
    assert optimal
    return proven


@pytest.mark.parametrize("limits", [False, True])
def test_the_programme_agrees_with_cp_sat_on_random_people(limits):
    exact_cases = checked_rosters = unproven_columns = 0
    for seed in range(60):
        p, duties, pi = _case(seed, limits)
        pricer = _Pricer(p, "p", duties)
        dp = pricer.dp
        assert dp is not None
        opt = _optimum(pricer, pi)
        values = -np.array([pi.get(i, 0) for i in dp.ids], dtype=np.float64) / SCALE
        out = dp.price(values, 6)
        if opt is None:
            assert out is None or out[1] is None, seed  # no roster keeps the rules
            continue
        assert out is not None, seed
        bound, roster = out
        assert bound * SCALE <= opt + 1e-6, (seed, bound, opt)
        for ids, cost in [roster] if roster else []:
            plan = [("p", did) for did in ids]
            assert fixed_to(p, plan, ()).status == "optimal", seed  # every hard rule kept
            own = evaluate(p, plan, ()).objective
            assert cost == pytest.approx(own - sum(pi[d] for d in ids) / SCALE), seed
            assert cost * SCALE >= opt - 1e-6, seed
            checked_rosters += 1
        if not limits:
            # every rule of these people is in the programme's state: exact
            assert bound * SCALE == pytest.approx(opt, abs=1e-6), seed
            assert roster is not None and roster[1] * SCALE == pytest.approx(opt, abs=1e-6), seed
            exact_cases += 1
        for mu in (opt / SCALE - 1.0, opt / SCALE + 1.0, opt / SCALE + 50.0):
            quick = _Pricer(p, "p", duties).quick(pi, mu)
            heuristic = _Pricer(p, "p", duties).quick(pi, mu, heuristic=True)
            if quick is not None:
                assert heuristic == quick, seed  # proven answers are the same either way
                found, proven, optimal = quick
                assert optimal and proven <= opt + 1e-6, seed
                if found:
                    assert found[0][1] == pytest.approx(opt, abs=1e-6), seed
                else:
                    assert opt >= mu * SCALE, seed  # nothing under the convexity dual
            elif heuristic is not None:
                (col, value), = heuristic[0]
                assert not heuristic[2] and heuristic[1] <= opt + 1e-6, seed  # the programme's bound
                assert opt - 1e-6 <= value < mu * SCALE, seed  # a column of negative reduced cost
                plan = [("p", did) for did in col]
                assert fixed_to(p, plan, ()).status == "optimal", seed
                own = evaluate(p, plan, ()).objective
                assert value == pytest.approx(SCALE * own - sum(pi[d] for d in col)), seed
                unproven_columns += 1
    assert checked_rosters >= 30
    assert limits or exact_cases >= 30
    assert not limits or unproven_columns >= 3  # the unproven path was exercised


def test_people_the_programme_cannot_hold_are_priced_by_cp_sat_alone():
    from tests.solver.solver_cases import duty

    # a maximum run of 0 days: nobody may work; the programme's state needs runs of >= 1
    duties = [duty(0, "D", under=10), duty(1, "D", under=10)]
    p = problem([Person(id="a", max_consecutive_days=0), Person(id="b")], duties)
    assert _Pricer(p, "a", duties).dp is None and _Pricer(p, "b", duties).dp is not None
    r = cg.colgen_bound(p, 20.0)
    assert r.converged and r.bound == pytest.approx(0.0)  # b holds both days
    assert r.answered[1] >= 1  # a went to CP-SAT


def test_unproven_columns_converge_to_the_same_bound(monkeypatch):
    # the generated suite's g01 (14 x 10 x 2): its shift-type limits bind, so the
    # programme leaves some pricing problems unproven
    from tests.curtois.test_suite_generator import _gen

    gen = _gen()
    shape = next(s for s in gen.SUITE if s.name == "g01")
    p = compile_scenario(instance_to_scenario(parse_text(gen.generate(shape)))).problem
    runs = {}
    for pricing, columns in ((False, False), (True, False), (True, True)):
        monkeypatch.setattr(cg, "DP_PRICING", pricing)
        monkeypatch.setattr(cg, "DP_COLUMNS", columns)
        runs[pricing, columns] = cg.colgen_bound(p, 120.0, workers=2)
    assert all(r.converged for r in runs.values())
    exact = runs[False, False].bound
    assert runs[True, False].bound == pytest.approx(exact, abs=1e-3)
    assert runs[True, True].bound == pytest.approx(exact, abs=1e-3)
    assert exact <= 240 + 1e-6  # g01's optimum (benchmarks/suite_reference.csv)
    assert runs[True, False].unproven == 0 and runs[True, True].unproven > 0
