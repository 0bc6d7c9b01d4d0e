"""On-call roles re-optimised with every duty held: the warm start's rotation made exact.

The constructive rotation (:func:`solver.greedy.greedy_plan`) fills the roles period by
period and can leave a role empty that a different earlier choice would have filled
(minimum gaps between one person's periods). An empty role costs its period's weight
(500 on the generated scenarios), and the large-neighbourhood search rarely frees the
chain of on-call variables that refilling it takes: on 400 generated technicians over 4
weeks two roles stayed empty for the whole 60 s, on 1 000 over 8 weeks three.

The on-call assignment alone is small: :func:`oncall_problem` leaves out every duty that
does not weigh on it, and :func:`best_oncall` fills the empty roles first, then optimises
the whole objective (1 000 technicians over 8 weeks: every role filled in about a second;
measured in BENCHMARKS.md section 7).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.evaluate import evaluate
from solver.problem import Problem
from solver.result import SolveOptions

ONCALL_SHARE = 0.1
"""Share of the time budget by which the on-call optimisation of the warm start ends (it
gets at least half that share whenever it starts; 0 turns it off)."""


def oncall_problem(problem: Problem, assignments, oncall) -> Problem:
    """The on-call roles of ``problem`` with the duties that weigh on them held as in ``assignments``.

    On-call rules never involve duties, and with every duty held, coverage, requests,
    continuity and backup use are constants: only fairness counts of a tag that both
    duties and periods carry mix the two. So the model keeps just the held pairs of
    duties with such a tag, fixed (each such duty eligible only to its holders), besides
    the on-call variables, and people without their minimum hours and run lengths (the
    duties left out would be needed to meet them). On the generated scenarios no duty
    shares a tag with a period and the model is on-call only (1 000 technicians over 8
    weeks: 17 000 held pairs left out). Callers compare plans with
    :func:`solver.evaluate.evaluate`.
    """
    weights = problem.rules.weights.fairness
    shared = {t for q in problem.oncall_periods for t in q.tags if weights.get(t, 0) > 0}
    mixed = {d.id for d in problem.duties if d.tags & shared}
    holders: dict[str, list[str]] = defaultdict(list)
    for pid, did in assignments:
        if did in mixed:
            holders[did].append(pid)
    held = tuple((pid, did) for did, pids in holders.items() for pid in pids)
    # the duties left out can no longer make up a minimum: only maxima stay
    people = tuple(replace(p, min_minutes=None, min_consecutive_days=None, min_consecutive_days_off=None)
                   for p in problem.people)
    return replace(problem, people=people, duties=tuple(d for d in problem.duties if d.id in holders),
                   eligible={d: tuple(v) for d, v in holders.items()}, fixed=held,
                   hint=held, oncall_hint=tuple(oncall))


def oncall_budget(options: SolveOptions, started: float) -> float:
    """Seconds (deterministic units under a deterministic limit) for :func:`best_oncall`."""
    if options.deterministic_time is not None:
        return ONCALL_SHARE * float(options.deterministic_time)
    limit = float(options.time_limit)
    return max(0.0, started + ONCALL_SHARE * limit - time.perf_counter()) + ONCALL_SHARE / 2 * limit


def _solve(model: cp_model.CpModel, options: SolveOptions, seconds: float, workers: int):
    """Values of every variable of ``model`` after a solve of ``seconds``, or None."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = int(options.seed)
    if options.deterministic_time is not None:
        p.num_workers = 1
        p.max_deterministic_time = seconds
    else:
        p.num_workers = workers
        p.max_time_in_seconds = seconds
    if workers == 1 or options.deterministic_time is not None:
        p.linearization_level = 2
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


def best_oncall(problem: Problem, assignments, oncall, options: SolveOptions,
                seconds: float) -> tuple:
    """``oncall`` re-optimised with the duties held (the input when nothing better is found).

    Two stages: the empty roles alone (an assignment problem the LP nearly closes: 0.9 s
    on 1 000 technicians over 8 weeks, where the whole objective took 5-8 s to reach the
    same filled roles), then the whole objective from that plan for the rest of the time.
    ``seconds`` of wall time; under a deterministic limit (``options.deterministic_time``)
    one worker and ``seconds`` deterministic units instead, so the result repeats.
    """
    if not problem.oncall_periods or seconds < 0.1:
        return tuple(oncall)
    started = time.perf_counter()
    m = build_model(oncall_problem(problem, assignments, oncall))
    model = m.model
    unfilled = m.penalties.get("oncall_unfilled", [])
    candidates = [tuple(oncall)]
    if unfilled:
        model.minimize(cp_model.LinearExpr.weighted_sum([e for _, e in unfilled], [w for w, _ in unfilled]))
        values = _solve(model, options, 2 * seconds / 3, 1)
        terms = [t for ts in m.penalties.values() for t in ts]
        model.minimize(cp_model.LinearExpr.weighted_sum([e for _, e in terms], [w for w, _ in terms]))
        if values is not None:
            candidates.append(tuple(key for key, var in m.y.items() if values[var.index]))
            model.proto.clear_solution_hint()
            model.proto.solution_hint.vars.extend(range(len(values)))
            model.proto.solution_hint.values.extend(values)
    left = seconds - (time.perf_counter() - started) if options.deterministic_time is None else seconds / 3
    if left >= 0.1:
        values = _solve(model, options, left, max(1, int(options.workers)))
        if values is not None:
            candidates.append(tuple(key for key, var in m.y.items() if values[var.index]))
    return min(candidates, key=lambda c: evaluate(problem, assignments, c).objective)
