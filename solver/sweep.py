"""One pass of person-by-person re-planning over everyone (a coordinate-descent warm start).

After the constructive plan and its repair, each person in turn (seeded random order)
is re-planned alone against the coverage the others leave (the residual demand of
:func:`solver.repair.people_problem`), with their current roster as hint; the new roster
is kept when that person's own model scores it lower. A person's model is small (one
person's days and eligible duties), so it solves to optimality in a fraction of a
second even where a sub-solve on the whole model needs seconds: with many shift types
and many people the whole-model LNS managed ~35 iterations in a minute.

Measured on the generated suite (benchmarks/suite.py, tuning part; the figures are in
benchmarks/strength.md, "Person sweep").

Only problems whose objective is a sum of per-person and per-duty terms are swept:
fairness spreads and continuity across people are not seen by a one-person model, so
with such weights a change is kept only if the whole plan's objective
(:func:`solver.evaluate.evaluate`) goes down as well.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.evaluate import evaluate
from solver.problem import Problem, separable  # noqa: F401 (re-exported)
from solver.repair import duties_by_person, people_problem
from solver.threads import run_threads

PERSON_SECONDS = 2.0
"""Most seconds one person's model may take."""


def replan_person(problem: Problem, pid: str, by_person, counts: Counter,
                  held: dict[str, list[str]], seconds: float, seed: int = 0):
    """``pid``'s best roster against the coverage the others leave, or None.

    ``counts`` (holders per duty, ``pid`` included) and ``held`` (``pid``'s duties) describe
    the current plan. Returns the new duty ids when ``pid``'s own model scores them
    strictly lower than the current ones, else None. Used by the LNS as its "person"
    neighbourhood (:mod:`solver.lns`).
    """
    return _solve_alone(people_problem(problem, [pid], by_person, counts, held), seconds, seed)


def _solve_alone(sub: Problem, seconds: float, seed: int):
    """The duty ids of the one-person problem ``sub``'s best roster when it scores strictly
    lower than its hint (the person's current duties), else None."""
    before = evaluate(sub, sub.hint, ()).objective
    m = build_model(sub)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.linearization_level = 2
    p.random_seed = int(seed)
    p.max_time_in_seconds = max(0.01, min(PERSON_SECONDS, seconds))
    if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if round(solver.objective_value) >= before:
        return None
    return [did for (_, did), var in m.x.items() if solver.value(var)]


def sweep(problem: Problem, assignments, oncall, deadline: float, seed: int = 0,
          workers: int = 1) -> tuple[tuple[tuple[str, str], ...], int]:
    """Re-plan everyone once, one person per model, until ``deadline`` at the latest.

    Returns the new (person, duty) pairs and the number of people whose roster changed.
    ``workers`` people are re-planned at once (one thread each, CP-SAT releases the
    GIL); a person's residual demand is read when their model is built.
    """
    plan = [a for a in dict.fromkeys(tuple(a) for a in assignments)
            if a[0] in problem.eligible.get(a[1], ())]
    by_person = duties_by_person(problem)
    counts = Counter(did for _, did in plan)
    held: dict[str, list[str]] = defaultdict(list)
    for pid, did in plan:
        held[pid].append(did)
    order = [p.id for p in problem.people if by_person.get(p.id)]
    random.Random(seed).shuffle(order)
    separable_ = separable(problem)
    oncall = tuple(oncall)
    lock = threading.Lock()
    state = {"objective": None if separable_ else evaluate(problem, plan, oncall).objective,
             "changed": 0}

    def replan(pid: str) -> None:
        with lock:
            sub = people_problem(problem, [pid], by_person, counts, held)
        new = _solve_alone(sub, deadline - time.perf_counter(), seed)
        if new is None:
            return
        with lock:
            old = held[pid]
            for did in old:
                counts[did] -= 1
            for did in new:
                counts[did] += 1
            held[pid] = new
            if not separable_:
                pairs = [(q, d) for q in held for d in held[q]]
                now = evaluate(problem, pairs, oncall).objective
                if now >= state["objective"]:
                    for did in new:
                        counts[did] -= 1
                    for did in old:
                        counts[did] += 1
                    held[pid] = old
                    return
                state["objective"] = now
            state["changed"] += 1

    queue = list(reversed(order))

    def work(_tid: int) -> None:
        while time.perf_counter() < deadline - 0.05:
            with lock:
                if not queue:
                    return
                pid = queue.pop()
            replan(pid)

    run_threads(work, max(1, min(int(workers), len(order))), "rota-sweep")
    out = [(pid, did) for pid in (p.id for p in problem.people) for did in held.get(pid, ())]
    if state["changed"] and int(workers) > 1:
        # people re-planned at once may have filled the same gap: keep the better plan
        if evaluate(problem, out, oncall).objective >= evaluate(problem, plan, oncall).objective:
            return tuple(plan), 0
    return tuple(out), state["changed"]
