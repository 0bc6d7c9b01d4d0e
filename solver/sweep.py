"""Person-by-person re-planning over everyone (a coordinate-descent warm start).

After the constructive plan and its repair, each person in turn (seeded random order)
is re-planned alone against the coverage the others leave (the residual demand of
:func:`solver.repair.people_problem`), with their current roster as hint; the new roster
is kept when that person's own model scores it lower. A person's model is small (one
person's days and eligible duties), so it solves to optimality in a fraction of a
second even where a sub-solve on the whole model needs seconds: with many shift types
and many people the whole-model LNS managed ~35 iterations in a minute.

Measured on the generated suite (benchmarks/suite.py, tuning part; the figures are in
benchmarks/strength.md, "Person sweep").

One pass stops where covering a gap needs two people to move at once: a person who
leaves a covered duty to take a gap only moves the gap (a tie, so not kept). Where duties
are still short after a pass, the next passes weigh those duties more (a guided local
search, :data:`GUIDE_STEP`): the gap then moves one person along per pass until someone
with room takes it, and the best plan of all passes is kept (strength.md, "Guided sweep").

In the guided passes each person's model is built once per sweep and only its objective
is rewritten for each re-plan (:data:`OWN_MODELS`, :mod:`solver.own_model`); before it,
the person's dynamic programme answers the re-plan wherever it proves its answer
(:data:`DP_SWEEP`, :mod:`solver.dp_pricing`).

Only problems whose objective is a sum of per-person and per-duty terms are swept:
fairness spreads and continuity across people are not seen by a one-person model, so
with such weights a change is kept only if the whole plan's objective
(:func:`solver.evaluate.evaluate`) goes down as well.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import replace

import numpy as np
from ortools.sat.python import cp_model

from solver.build import build_model
from solver.dp_pricing import PersonDP, unsupported
from solver.evaluate import evaluate
from solver.own_model import OwnModel
from solver.problem import Problem, separable  # noqa: F401 (re-exported)
from solver.repair import duties_by_person, people_problem, short_duties
from solver.rules.coverage import split_missing
from solver.threads import run_threads

GUIDE_STEP = 0.25
"""After a pass over everyone, each duty still short of people weighs this share of its
under (and peak) weight more in the next pass's one-person models, for as long as it stays
short (a guided local search): a hole that no one can take without leaving another
(a tie at the real weights) moves one person along per pass until someone with room
takes it. 0: one pass only."""

GUIDE_PATIENCE = 3
"""Guided passes stop after this many passes in a row without a better plan."""

RECHECK = False
"""With several workers, keep a new roster only if it still scores lower against the
coverage the others leave at the moment it is kept (another thread may have changed that
coverage while the person's model was solved; without the check two people can both take
the same gap).

Off: in the same-run A/B of 2026-12-06 (BENCHMARKS.md section 7, "2026-12-06 evening";
60 s, seed 0) the check was worse on 11 of the 17 open instances (g04 1 067 against 891,
h04 209 against 121, h06 6 511 against 6 097) and better on 3. A stale change that is kept
costs little where over-coverage is cheap, and the next pass undoes it."""

PERSON_SECONDS = 2.0
"""Most seconds one person's model may take."""

OWN_MODELS = True
"""In the guided passes, each person's model is built once per sweep
(:class:`solver.own_model.OwnModel`) and each re-plan only rewrites its objective: the
coverage the others leave enters as one coefficient per duty. The plans are those of a
model rebuilt each time (the same objective at every roster); building took about a
third of a pass (g10, 28 x 150 x 8), whose passes now take 1.9 s instead of 3.3 s. In the
same-run A/B against False (BENCHMARKS.md section 7, "2026-12-06 late evening"; 60 s, seed
0) better on 13 of the 18 open suite instances, worse on 5; tuning mean gap 61.1 % against
73.8 %, hold-out 29.2 % against 44.4 %. False: rebuilt for each re-plan."""


DP_SWEEP = True
"""In the guided passes, each re-plan is first given to the person's dynamic programme
(:class:`solver.dp_pricing.PersonDP`, column generation's pricing: the coverage the
others leave is one cost per duty, as a dual is). CP-SAT solves it only when the
programme neither found its optimum nor proved that no roster beats the current one.
False: CP-SAT for every re-plan.

Measured at 60 s (BENCHMARKS.md section 7, "2026-12-07, 19:10-21:20 UTC" and the next
subsection): geometric mean of the median ratios 0.974 on the 18 open tuning instances
(two seeds; g10, h01, g02 gain most), 1.043 on the four open hold-out instances (three
seeds; h11 worse on all three), 0.986 over the 22: within the seed-to-seed spread."""

DP_STEPS = 4
"""Most programmes per re-plan (subgradient steps on its multipliers between them)."""


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
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    return _better(solver, m.model, {did: var for (_, did), var in m.x.items()}, before,
                   seconds, seed)


def _better(solver: cp_model.CpSolver, model: cp_model.CpModel, duty_vars: dict, before: int,
            seconds: float, seed: int):
    """The duty ids of ``model``'s best roster when it scores strictly below ``before``,
    else None."""
    p = solver.parameters
    p.random_seed = int(seed)
    p.max_time_in_seconds = max(0.01, min(PERSON_SECONDS, seconds))
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if round(solver.objective_value) >= before:
        return None
    return [did for did, var in duty_vars.items() if solver.value(var)]


def _cover_cost(duty, n: int, boost: float = 0) -> int:
    """What ``n`` holders of ``duty`` cost in missing and extra people (docs/rules.md),
    each missing person weighing ``boost`` more of its weight (:func:`_boosted`)."""
    dm = duty.demand
    base, peak = split_missing(duty, n)
    return (base * (dm.under_weight + round(boost * dm.under_weight))
            + peak * (dm.peak_weight + round(boost * dm.peak_weight))
            + dm.over_weight * max(0, n - dm.required - dm.peak_required))


def _solve_own(own: OwnModel, sub: Problem, seconds: float, seed: int):
    """:func:`_solve_alone` on ``sub``'s person's model built once (``own``): ``sub``'s
    duties (the coverage the others leave, guided) become coefficients of its objective."""
    before = evaluate(sub, sub.hint, ()).objective
    per, offset = {}, 0
    for duty in sub.duties:
        empty = _cover_cost(duty, 0)
        offset += empty
        if (step := _cover_cost(duty, 1) - empty):
            per[duty.id] = step
    own.set_objective(1, per, offset)
    own.m.set_hint(sub.hint)
    return _better(own.solver, own.m.model, own.duty_vars, before, seconds, seed)


def _steps(dp: PersonDP, counts: Counter, mine: list[str], boost: Counter | None):
    """(values, before): what holding each of the person's duties changes in the coverage
    the others leave (guided by ``boost``), in ``dp``'s order, and what the person's
    current duties ``mine`` cost with it (both without the constant of the duties' cost
    when nobody else holds them, which :func:`_solve_own`'s ``offset`` carries)."""
    held = set(mine)
    values = np.empty(len(dp.duties))
    for i, duty in enumerate(dp.duties):
        others = counts[duty.id] - (duty.id in held)
        k = boost.get(duty.id, 0) if boost else 0
        values[i] = _cover_cost(duty, others + 1, k) - _cover_cost(duty, others, k)
    return values, round(dp.cost(mine, values))


def _by_programme(dp: PersonDP, values: np.ndarray, before: int):
    """(True, duty ids of a roster scoring strictly below ``before``, or None) when the
    person's programme settles the re-plan at ``values`` (:func:`_steps`): its roster is
    the optimum, or its bound shows that nothing scores below ``before``; (False, None)
    when CP-SAT must say."""
    out = dp.price(values, DP_STEPS)
    if out is None:
        return False, None
    bound, roster = out
    proven = math.ceil(bound - 1e-6)  # integer costs: the optimum is at least this
    if roster is not None and roster[1] <= proven + 1e-6:
        return True, (list(roster[0]) if round(roster[1]) < before else None)
    if proven >= before:
        return True, None
    return False, None


def sweep(problem: Problem, assignments, oncall, deadline: float, seed: int = 0,
          workers: int = 1) -> tuple[tuple[tuple[str, str], ...], int]:
    """Re-plan everyone, one person per model, until ``deadline`` at the latest.

    Returns the new (person, duty) pairs and the number of people whose roster changed.
    ``workers`` people are re-planned at once (one thread each, CP-SAT releases the
    GIL); a person's residual demand is read when their model is built.

    Where the objective is a sum of per-person and per-duty terms (:func:`separable`)
    and duties are still short of people after a pass, further *guided* passes follow
    (:data:`GUIDE_STEP`, :data:`GUIDE_PATIENCE`): the best plan of all passes is returned.
    Otherwise one pass, each change kept only if the whole plan's objective goes down.
    """
    plan = [a for a in dict.fromkeys(tuple(a) for a in assignments)
            if a[0] in problem.eligible.get(a[1], ())]
    by_person = duties_by_person(problem)
    order = [p.id for p in problem.people if by_person.get(p.id)]
    rng = random.Random(seed)
    oncall = tuple(oncall)
    if not separable(problem):
        held = _pass(problem, plan, oncall, by_person, order, rng, deadline, seed, workers, None)
        if held is None:
            return tuple(plan), 0
        out = _pairs(problem, held)
        return out, _changed(plan, out)
    boost: Counter = Counter()
    models = _OwnModels(problem, by_person) if OWN_MODELS else None
    best, best_obj = tuple(plan), evaluate(problem, plan, oncall).objective
    current, stale, passes = tuple(plan), 0, 0
    while time.perf_counter() < deadline - 0.05 and stale < GUIDE_PATIENCE:
        held = _pass(problem, current, oncall, by_person, order, rng, deadline, seed + passes,
                     workers, boost, models)
        passes += 1
        current = _pairs(problem, held)
        obj = evaluate(problem, current, oncall).objective
        stale = 0 if obj < best_obj else stale + 1
        if obj < best_obj:
            best, best_obj = current, obj
        short = short_duties(problem, Counter(did for _, did in current))
        if not short or GUIDE_STEP <= 0:
            break  # nothing left to cover, or guidance off
        for did in short:
            boost[did] += GUIDE_STEP
    return best, _changed(plan, best)


def _pairs(problem: Problem, held: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    """(person, duty) pairs of person id -> duty ids, in the problem's order of people."""
    return tuple((pid, did) for pid in (p.id for p in problem.people) for did in held.get(pid, ()))


def _changed(before, after) -> int:
    """People whose duties differ between two plans."""
    old, new = defaultdict(set), defaultdict(set)
    for pid, did in before:
        old[pid].add(did)
    for pid, did in after:
        new[pid].add(did)
    return sum(old[pid] != new[pid] for pid in set(old) | set(new))


def _pass(problem: Problem, plan, oncall, by_person, order: list[str], rng: random.Random,
          deadline: float, seed: int, workers: int, boost: Counter | None, models=None):
    """One pass over ``order`` (shuffled by ``rng``): each person's roster re-planned against
    the coverage the others leave. ``boost`` (duty id -> share of its under weight) raises
    the weight of missing people in the one-person models; ``None``: the problem is not
    separable and a change is kept only if the whole plan's objective goes down.
    ``models`` (:class:`_OwnModels`): each person's model built once, else rebuilt.
    Returns person id -> duty ids, or None when nothing changed (non-separable case)."""
    counts = Counter(did for _, did in plan)
    held: dict[str, list[str]] = defaultdict(list)
    for pid, did in plan:
        held[pid].append(did)
    order = list(order)
    rng.shuffle(order)
    lock = threading.Lock()
    state = {"objective": None if boost is not None else evaluate(problem, plan, oncall).objective,
             "changed": 0}

    def replan(pid: str) -> None:
        dp = models.programme(pid) if models is not None and boost is not None else None
        settled = False
        if dp is not None:
            with lock:
                values, before = _steps(dp, counts, held[pid], boost)
                seen = state["changed"]
            settled, new = _by_programme(dp, values, before)
        if not settled:
            with lock:
                sub = _own_problem(problem, pid, by_person, counts, held, boost)
                seen = state["changed"]
            if models is None:
                new = _solve_alone(sub, deadline - time.perf_counter(), seed)
            else:
                new = _solve_own(models.get(pid), sub, deadline - time.perf_counter(), seed)
        if new is None:
            return
        with lock:
            if (RECHECK and state["changed"] != seen
                    and not _still_better(problem, pid, new, by_person, counts, held, boost)):
                return  # another thread's change since the model was built undid the gain
            old = held[pid]
            for did in old:
                counts[did] -= 1
            for did in new:
                counts[did] += 1
            held[pid] = new
            if boost is None:
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
    if boost is None and not state["changed"]:
        return None
    return held


class _OwnModels:
    """Each person's :class:`solver.own_model.OwnModel`, built on first use (one thread
    re-plans a given person at a time)."""

    def __init__(self, problem: Problem, by_person) -> None:
        self.problem, self.by_person = problem, by_person
        self.models: dict[str, OwnModel] = {}
        self.programmes: dict[str, PersonDP | None] = {}

    def get(self, pid: str) -> OwnModel:
        own = self.models.get(pid)
        if own is None:
            own = self.models[pid] = OwnModel(self.problem, pid, self.by_person[pid])
        return own

    def programme(self, pid: str) -> PersonDP | None:
        """``pid``'s dynamic programme (:data:`DP_SWEEP`), None where it does not apply."""
        if not DP_SWEEP:
            return None
        if pid not in self.programmes:
            duties = self.by_person[pid]
            self.programmes[pid] = (None if unsupported(self.problem, pid, duties)
                                    else PersonDP(self.problem, pid, duties))
        return self.programmes[pid]


def _own_problem(problem: Problem, pid: str, by_person, counts: Counter,
                 held: dict[str, list[str]], boost: Counter | None) -> Problem:
    """``pid``'s one-person problem against the coverage the others leave, guided by ``boost``."""
    sub = people_problem(problem, [pid], by_person, counts, held)
    return _boosted(sub, boost) if boost else sub


def _still_better(problem: Problem, pid: str, new: list[str], by_person, counts: Counter,
                  held: dict[str, list[str]], boost: Counter | None) -> bool:
    """True when ``new`` still scores strictly below ``pid``'s current duties against the
    coverage the others leave now (called under the pass's lock)."""
    sub = _own_problem(problem, pid, by_person, counts, held, boost)
    return evaluate(sub, [(pid, did) for did in new], ()).objective < evaluate(sub, sub.hint, ()).objective


def _boosted(sub: Problem, boost: Counter) -> Problem:
    """``sub`` with each boosted duty's missing people weighing more (both tiers)."""
    def up(d):
        k = boost.get(d.id)
        if not k:
            return d
        dem = d.demand
        return replace(d, demand=replace(dem, under_weight=dem.under_weight + round(k * dem.under_weight),
                                         peak_weight=dem.peak_weight + round(k * dem.peak_weight)))
    return replace(sub, duties=tuple(up(d) for d in sub.duties))
