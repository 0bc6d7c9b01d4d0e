"""Search huge problems without the whole model: small models of a few people at a time.

On 150 people x 364 days x 32 shift types the whole model has 1.15 M variables: building
it takes 30 s and 3 GiB, and a sub-solve on it (even with all but a few people fixed)
must load all of it, so a large-neighbourhood search over the whole model made no
progress in 8 minutes at 5.4 GiB. Every hard rule on duties is a rule on one person's
days and coverage is soft, so the people can be re-planned a few at a time instead:

1. the constructive plan, repaired person by person (:mod:`solver.repair`), is the first
   plan (every hard rule holds);
2. then, until the time limit: pick a few people (at random, or among those eligible
   for a duty still short of people), build the model of just them with the coverage
   the others leave (:func:`solver.repair.people_problem`), solve it with the previous
   rosters as hint, and keep the new rosters when the whole plan's objective
   (recomputed by :func:`solver.evaluate.evaluate`) goes down. Half the steps re-plan
   their people over the whole horizon; the other half over a window of 7-28 days (any
   duty in it, and outside it only keep or drop their own), so that many people are
   re-planned together around a day, as the whole model's window neighbourhoods do.
   A step's size (people, or free variables for a window) grows when it is solved to
   optimality and shrinks when it times out.
   ``workers`` threads step at once on disjoint people (CP-SAT releases the GIL); a
   step is re-checked against the plan as it is when it finishes. With one worker the
   steps follow a single sequence drawn from the seed.

On-call roles are optimised once, after the repair, with every duty held as it is
(:func:`solver.oncall_plan.best_oncall`, as in the warm start of the whole model), within
``ONCALL_SHARE`` of the budget; the steps then keep them. No lower bound is computed.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.evaluate import evaluate
from solver.greedy import greedy_plan
from solver.oncall_plan import ONCALL_SHARE, best_oncall
from solver.problem import Problem
from solver.repair import duties_by_person, people_problem, repair_until, short_duties
from solver.result import Progress, SolveOptions
from solver.threads import run_threads

SUB_SECONDS = 3.0
"""Most seconds per step (a step's model: a few people x the whole horizon)."""

WINDOW_SHARE = 0.5
"""Share of the steps that re-plan people over a window of days (any duty in it, only
their own duties outside it) rather than over the whole horizon."""

WINDOW_DAYS = (7, 28)
"""Shortest and longest window of a window step (drawn uniformly)."""

WINDOW_FREE = 1500
"""Decision variables a first window step frees (then adapted like the LNS's sizes).
It was the LNS's first-neighbourhood cap (``LnsSettings.init_free``) until that cap went
down to 500 on 2026-12-07, measured on whole models only; the decomposition keeps 1 500."""


def pairs_count(problem: Problem) -> int:
    """Number of duty and on-call decision variables the whole model would have."""
    roles = {q.id: 2 if q.needs_backup else 1 for q in problem.oncall_periods}
    return (sum(len(v) for v in problem.eligible.values())
            + sum(roles.get(k, 0) * len(v) for k, v in problem.oncall_eligible.items()))


@dataclass
class Decomposed:
    """The plan found (``None`` when some person's rules could not be met in time)."""

    assignments: tuple[tuple[str, str], ...] | None
    oncall: tuple[tuple[str, str, str], ...]
    objective: int | None
    events: list[Progress] = field(default_factory=list)
    first: float | None = None
    steps: int = 0
    improvements: int = 0


def decomposed_search(problem: Problem, options: SolveOptions, started: float,
                      repair_share: float) -> Decomposed:
    """Plan ``problem`` a few people at a time within ``options.time_limit`` (see module)."""
    deadline = started + float(options.time_limit)
    if problem.hint or problem.oncall_hint:
        assignments, oncall = tuple(problem.hint), tuple(problem.oncall_hint)
    else:
        assignments, oncall = greedy_plan(problem)
    repair_by = started + repair_share * float(options.time_limit)
    # the rest of the time for whoever is still broken after the repair's share
    assignments, left = repair_until(problem, assignments, repair_by, deadline, options.seed,
                                     options.workers)
    out = Decomposed(None, oncall, None)
    if left:
        return out
    seconds = min(ONCALL_SHARE * float(options.time_limit), deadline - time.perf_counter())
    out.oncall = oncall = best_oncall(problem, assignments, oncall, options, seconds)

    def report(obj: int) -> None:
        elapsed = time.perf_counter() - started
        out.first = elapsed if out.first is None else out.first
        event = Progress(elapsed, obj, 0.0)
        out.events.append(event)
        if options.on_progress is not None:
            options.on_progress(event)

    by_person = duties_by_person(problem)
    people = sorted(by_person)
    held: dict[str, list[str]] = {pid: [] for pid in people}
    for pid, did in assignments:
        held[pid].append(did)
    counts = Counter(did for _, did in assignments)
    eligible = problem.eligible
    state = {"plan": tuple(assignments), "obj": evaluate(problem, assignments, oncall).objective}
    report(state["obj"])
    lock = threading.Lock()
    busy: set[str] = set()  # people some thread is re-planning

    day_of = {d.id: d.day for d in problem.duties}
    # duties per person and day, to size a window step in decision variables
    per_cell = max(1.0, sum(len(v) for v in by_person.values())
                   / max(1, len(people) * problem.num_days))

    def pick(rng: random.Random, size: float, window: bool):
        """People (and days, for a window step) to re-plan; called under the lock."""
        free = [p for p in people if p not in busy]
        if not free:
            return [], None
        short = short_duties(problem, counts)
        gap = rng.choice(short) if short and rng.random() < 0.5 else None
        days = None
        if window:
            n = problem.num_days
            w = min(n, rng.randint(WINDOW_DAYS[0], WINDOW_DAYS[1]))
            centre = day_of[gap] if gap is not None else rng.randrange(n)
            first = min(max(0, centre - w // 2), n - w)
            days = range(first, first + w)
            k = max(1, min(len(free), round(size / (w * per_cell))))
        else:
            k = max(1, min(len(free), round(size)))
        pids: list[str] = []
        if gap is not None:
            pool = [p for p in dict.fromkeys(eligible[gap]) if p not in busy]
            pids = rng.sample(pool, min(k, len(pool)))
        pids += rng.sample([p for p in free if p not in pids], k - len(pids))
        return pids, days

    def step(rng: random.Random, size: float, window: bool) -> float:
        """One re-plan; ``size`` is people (whole horizon) or free variables (window).
        Returns the next size."""
        with lock:
            pids, days = pick(rng, size, window)
            if not pids:
                return size
            busy.update(pids)
            sub = people_problem(problem, pids, by_person, counts, held, days)
        try:
            before = evaluate(sub, sub.hint).objective
            m = build_model(sub)
            solver = cp_model.CpSolver()
            p = solver.parameters
            p.num_workers = 1
            p.linearization_level = 2
            p.random_seed = rng.randrange(1 << 30)
            p.max_time_in_seconds = max(0.05, min(SUB_SECONDS, deadline - time.perf_counter()))
            code = solver.solve(m.model)
            if window:
                nxt = size * 1.25 if code == cp_model.OPTIMAL else max(50.0, size * 0.85)
            else:
                nxt = size + 1 if code == cp_model.OPTIMAL else max(1, size - 1)
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return nxt
            new = tuple(key for key, var in m.x.items() if solver.value(var))
            if evaluate(sub, new).objective >= before:
                return nxt
            with lock:
                gone = set(pids)
                trial = tuple(a for a in state["plan"] if a[0] not in gone) + new
                value = evaluate(problem, trial, oncall).objective
                if value >= state["obj"]:
                    return nxt  # only the whole plan's objective decides (fairness spans people)
                state["plan"], state["obj"] = trial, value
                for pid in pids:
                    for did in held[pid]:
                        counts[did] -= 1
                    held[pid] = []
                for pid, did in new:
                    held[pid].append(did)
                    counts[did] += 1
                out.improvements += 1
                report(value)
            return nxt
        finally:
            with lock:
                busy.difference_update(pids)
                out.steps += 1

    halted = threading.Event()

    def worker(tid: int) -> None:
        rng = random.Random(int(options.seed) * 1000 + tid)
        size = {False: 3.0, True: float(WINDOW_FREE)}
        while people and not halted.is_set() and time.perf_counter() < deadline - 0.2:
            if options.stop is not None and options.stop():
                halted.set()
                break
            window = rng.random() < WINDOW_SHARE
            size[window] = step(rng, size[window], window)

    # one worker: one sequence of steps from the seed, in this thread
    run_threads(worker, max(1, int(options.workers)), "rota-decompose", halted.set)
    assignments, obj = state["plan"], state["obj"]
    out.assignments, out.objective = tuple(assignments), obj
    return out
