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
import threading
import time
from collections import Counter, defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.greedy import invalid_people
from solver.problem import Demand, Duty, Problem
from solver.threads import run_threads

_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)

PERSON_SECONDS = 5.0
"""Most seconds one person's re-plan may take (CP-SAT deterministic time units when the
repair runs under a deterministic budget, see :func:`repair_plan`)."""


def residual(demand: Demand, others: int) -> Demand:
    """The demand left for more people once ``others`` people hold the duty.

    Missing people fall on the cheaper tier first (:func:`solver.rules.coverage.split_missing`),
    so the first holders fill the dearer one: the required tier unless the peak tier
    weighs more. Whatever exceeds both tiers is over-coverage, which the remaining people
    pay at the same ``over_weight``. So ``k`` more holders cost, against the residual
    demand, what they add to the whole duty's cost.
    """
    peak_first = demand.peak_weight > demand.under_weight
    first, second = demand.required, demand.peak_required
    if peak_first:
        first, second = second, first
    left = (max(0, first - others), max(0, second - max(0, others - first)))
    required, peak = left[::-1] if peak_first else left
    return replace(demand, required=required, peak_required=peak)


def short_duties(problem: Problem, counts: Counter) -> list[str]:
    """Ids of the duties held by fewer people than they want (both tiers), among those
    someone may take; ``counts``: holders per duty id."""
    return [d.id for d in problem.duties
            if counts[d.id] < d.demand.required + d.demand.peak_required
            and problem.eligible.get(d.id)]


def people_problem(problem: Problem, pids: list[str], by_person: dict[str, list[Duty]],
                   counts: Counter, held: dict[str, list[str]], days: range | None = None) -> Problem:
    """The problem of some people alone: their duties with the demand the others leave.

    ``counts`` holds how many people hold each duty in the whole plan (these people
    included, through ``held``); everyone else is frozen into the residual demands.
    Person rules, requests and coverage are exact; fairness spreads only see these
    people (callers re-evaluate the whole plan). With ``days``, a person may take any
    duty in those days but, outside them, only keep or drop the duties they hold: the
    model stays small on a long horizon, and every rule still spans the whole of it.
    """
    mine = Counter(did for pid in pids for did in held[pid])
    wanted = set(pids)
    own: dict[str, Duty] = {}
    eligible: dict[str, list[str]] = {}
    for pid in pids:
        keep = set(held[pid]) if days is not None else ()
        for d in by_person[pid]:
            if days is not None and d.day not in days and d.id not in keep:
                continue
            if d.id not in own:
                own[d.id] = replace(d, demand=residual(d.demand, counts[d.id] - mine[d.id]))
                eligible[d.id] = []
            eligible[d.id].append(pid)
    return Problem(
        num_days=problem.num_days,
        people=tuple(p for p in problem.people if p.id in wanted),
        duties=tuple(own.values()),
        eligible={k: tuple(v) for k, v in eligible.items()},
        weeks=problem.weeks,
        weekends=problem.weekends,
        requests=tuple(r for r in problem.requests if r.person in wanted),
        rules=problem.rules,
        # a fixed pair the person is not eligible for is left to the whole model (infeasible)
        fixed=tuple(f for f in problem.fixed if f[0] in wanted and f[1] in own),
        hint=tuple((pid, did) for pid in pids for did in held[pid]),
    )


def duties_by_person(problem: Problem, people=None) -> dict[str, list[Duty]]:
    """Person id -> the duties they are eligible for (of ``people`` only, when given)."""
    wanted = None if people is None else set(people)
    out: dict[str, list[Duty]] = defaultdict(list)
    for duty in problem.duties:
        for pid in problem.eligible.get(duty.id, ()):
            if wanted is None or pid in wanted:
                out[pid].append(duty)
    return out


def repair_plan(problem: Problem, assignments, deadline: float, seed: int = 0,
                people: list[str] | None = None,
                workers: int = 1,
                units: float | None = None) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """Re-plan, one person per model, the people whose duties break their own hard rules.

    Parameters
    ----------
    problem : the whole problem.
    assignments : (person id, duty id) pairs of the plan to repair.
    deadline : ``time.perf_counter()`` value by which to stop (people left unrepaired).
    seed : CP-SAT random seed of the per-person solves.
    people : whom to re-plan (default: :func:`solver.greedy.invalid_people`).
    workers : people re-planned at once, one thread each (CP-SAT releases the GIL); the
        others' coverage is read when a person's model is built. One worker re-plans in
        a fixed order.

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
    wanted = set(bad)
    by_person = duties_by_person(problem, wanted)
    counts = Counter(did for _, did in plan)
    held: dict[str, list[str]] = defaultdict(list)
    for pid, did in plan:
        if pid in wanted:
            held[pid].append(did)
    lock = threading.Lock()
    left_units = [math.inf if units is None else float(units)]

    def replan(pid: str, seconds: float, work: float | None) -> bool:
        with lock:
            sub = people_problem(problem, [pid], by_person, counts, held)
        m = build_model(sub)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = 1
        # sums of minutes need the full LP: with it one person of 364 days x 32 shift
        # types solves to optimality in about 1 s, without it not in 20 s
        p.linearization_level = 2
        p.random_seed = int(seed)
        p.max_time_in_seconds = max(0.01, seconds)
        if work is not None:
            p.max_deterministic_time = max(0.01, work)
        found = solver.solve(m.model) in _FOUND
        if work is not None:
            with lock:
                left_units[0] -= solver.response_proto.deterministic_time
        if not found:
            return False
        new = [did for (_, did), var in m.x.items() if solver.value(var)]
        with lock:
            for did in held[pid]:
                counts[did] -= 1
            for did in new:
                counts[did] += 1
            held[pid] = new
        return True

    threads_n = max(1, min(int(workers), len(bad)))
    left = list(bad)
    for cap in (PERSON_SECONDS, math.inf):  # a second chance with whatever time is left
        todo, failed = left, set()
        queue = list(reversed(todo))

        def work(_tid: int) -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    pid = queue.pop()
                    rounds = math.ceil((len(queue) + 1) / threads_n)
                budget = deadline - time.perf_counter()
                share = None
                if units is not None:
                    # the wall deadline is only a safety net: the cap is deterministic
                    share = min(cap, left_units[0] / rounds)
                    seconds = budget
                else:
                    seconds = min(cap, budget / rounds)
                spent = share is not None and share <= 0.01
                if budget <= 0.01 or spent or not replan(pid, seconds, share):
                    with lock:
                        failed.add(pid)

        run_threads(work, threads_n, "rota-repair")
        left = [pid for pid in todo if pid in failed]
        if not left:
            break
    fixed_up = wanted - set(left)
    out = [a for a in plan if a[0] not in fixed_up]
    for pid in bad:
        if pid in fixed_up:
            out.extend((pid, did) for did in held[pid])
    return tuple(out), left


def repair_until(problem: Problem, assignments, first: float, last: float, seed: int = 0,
                 workers: int = 1, units: tuple[float, float] | None = None,
                 ) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """:func:`repair_plan` by the ``first`` deadline, then until ``last`` for whoever is
    still broken (a broken warm start can leave the search with no plan at all).

    ``units``: (first, rescue) budgets in deterministic time units instead (the
    deadlines are then safety nets), for a reproducible repair with one worker."""
    first_units, last_units = (None, None) if units is None else units
    assignments, left = repair_plan(problem, assignments, first, seed, workers=workers, units=first_units)
    if left:
        assignments, left = repair_plan(problem, assignments, last, seed, left, workers, last_units)
    return assignments, left
