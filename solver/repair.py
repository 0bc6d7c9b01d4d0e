"""Repair a plan person by person, so that a warm start keeps every hard rule.

A constructive plan (or a previous plan after the data changed) can break a person's
own hard rules: a work run below its minimum length after a day was dropped, the
minimum total minutes out of reach of single-day insertions, ... Every hard rule on
duties is a rule on one person's days, and coverage is soft, so each such person can
be re-planned alone, everyone else kept: one small CP-SAT model per person, with the
coverage each duty still lacks once the others are counted (the residual demand) as
its objective. The repaired plan then loads as a complete first plan, and the search
starts from it instead of waiting for CP-SAT to find a first plan on the whole model
(Curtois Instance12: 16 people broken by the constructive pass; freeing all 16 at once
in the whole model found no plan in 30 s; one person at a time takes milliseconds).

On-call roles are left as they are (their rules never involve duties).
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.greedy import invalid_people
from solver.problem import Demand, Duty, Problem

_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)

PERSON_SECONDS = 5.0
"""Most seconds one person's re-plan may take."""


def residual(demand: Demand, others: int) -> Demand:
    """The demand left for one more person once ``others`` people hold the duty.

    The required tier is filled first, then the peak tier; whatever exceeds both is
    over-coverage, which the remaining person pays at the same ``over_weight``.
    """
    required = max(0, demand.required - others)
    beyond = max(0, others - demand.required)
    peak = max(0, demand.peak_required - beyond)
    return replace(demand, required=required, peak_required=peak)


def person_problem(problem: Problem, pid: str, duties: list[Duty], counts: Counter,
                   held: list[str]) -> Problem:
    """The problem of one person: their duties with residual demands, their rules."""
    person = next(p for p in problem.people if p.id == pid)
    mine = set(held)
    own = tuple(
        replace(d, demand=residual(d.demand, counts[d.id] - (d.id in mine))) for d in duties
    )
    ids = {d.id for d in own}
    return Problem(
        num_days=problem.num_days,
        people=(person,),
        duties=own,
        eligible={d.id: (pid,) for d in own},
        weeks=problem.weeks,
        weekends=problem.weekends,
        requests=tuple(r for r in problem.requests if r.person == pid),
        rules=problem.rules,
        # a fixed pair the person is not eligible for is left to the whole model (infeasible)
        fixed=tuple(f for f in problem.fixed if f[0] == pid and f[1] in ids),
        hint=tuple((pid, did) for did in held),
    )


def repair_plan(problem: Problem, assignments, deadline: float, seed: int = 0,
                people: list[str] | None = None) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """Re-plan, one at a time, the people whose duties break their own hard rules.

    Parameters
    ----------
    problem : the whole problem.
    assignments : (person id, duty id) pairs of the plan to repair.
    deadline : ``time.perf_counter()`` value by which to stop (people left unrepaired).
    seed : CP-SAT random seed of the per-person solves.
    people : whom to re-plan (default: :func:`solver.greedy.invalid_people`).

    Returns
    -------
    (assignments, still_invalid)
        The repaired pairs (in the input's order, repaired people's pairs at the end)
        and the people that could not be repaired in time (or at all: a person whose
        rules cannot hold even alone makes the whole problem infeasible).
    """
    # pairs the model has no variable for (unknown or ineligible) are ignored, as in hints
    plan = [a for a in dict.fromkeys(tuple(a) for a in assignments)
            if a[0] in problem.eligible.get(a[1], ())]
    bad = invalid_people(problem, plan) if people is None else list(people)
    if not bad:
        return tuple(plan), []
    by_person: dict[str, list[Duty]] = defaultdict(list)
    wanted = set(bad)
    for duty in problem.duties:
        for pid in problem.eligible.get(duty.id, ()):
            if pid in wanted:
                by_person[pid].append(duty)
    counts = Counter(did for _, did in plan)
    held: dict[str, list[str]] = defaultdict(list)
    for pid, did in plan:
        if pid in wanted:
            held[pid].append(did)
    def replan(pid: str, seconds: float) -> bool:
        sub = person_problem(problem, pid, by_person[pid], counts, held[pid])
        m = build_model(sub)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = 1
        # sums of minutes need the full LP: with it one person of 364 days x 32 shift
        # types solves to optimality in about 1 s, without it not in 20 s
        p.linearization_level = 2
        p.random_seed = int(seed)
        p.max_time_in_seconds = max(0.01, seconds)
        if solver.solve(m.model) not in _FOUND:
            return False
        new = [did for (_, did), var in m.x.items() if solver.value(var)]
        for did in held[pid]:
            counts[did] -= 1
        for did in new:
            counts[did] += 1
        held[pid] = new
        return True

    left = list(bad)
    for cap in (PERSON_SECONDS, math.inf):  # a second chance with whatever time is left
        todo, left = left, []
        for k, pid in enumerate(todo):
            budget = deadline - time.perf_counter()
            if budget <= 0.01 or not replan(pid, min(cap, budget / (len(todo) - k))):
                left.append(pid)
        if not left:
            break
    fixed_up = wanted - set(left)
    out = [a for a in plan if a[0] not in fixed_up]
    for pid in bad:
        if pid in fixed_up:
            out.extend((pid, did) for did in held[pid])
    return tuple(out), left
