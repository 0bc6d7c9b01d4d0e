"""The lexicographic re-plan: coverage first, then the number of changes, then the rest.

One weighted objective cannot keep "as few changes as possible" and the other soft rules
apart: a fairness step (4) is worth more than a backup's change (1), so a single solve
buys fairness with extra changes. Two stages keep the priorities apart:

1. **fewest changes for the best coverage** (:func:`fewest_changes_problem`): every
   coverage weight (shift, peak, on-call role) is scaled so that one missing person
   costs more than any chain of moves can (each technician moved once: two changes per
   technician), every change costs 1, every other soft rule is off;
2. **the scenario's own objective** with the number of chosen changes bounded by the
   stage-one count plus ``SLACK`` (10 %, rounded down), warm-started from stage one.
   Stage two chooses *which* changes (a free backup before a regular, far from now
   before close to now, fairness) but cannot buy anything with more changes.

Stage two's coverage is never accepted worse than stage one's (its change weights could
otherwise leave a gap that a chain of changes fills): stage one's plan is then kept.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from planner.compile import Compiled, compile_scenario, to_plan
from planner.check import Context, check
from planner.check.stability import changes
from planner.domain import Plan, Scenario
from planner.pipeline import PlanOutcome
from planner.replan.neighbourhood import RINGS, free_cells, restored, restricted
from solver import Problem, SolveOptions, SolveResult, SolveStatus, solve
from solver.evaluate import evaluate
from solver.problem import Weights

SLACK = 0.10
"""Stage two may choose at most ``floor(m * (1 + SLACK))`` changes (m: stage one's)."""

FIRST_SHARE = 0.5
"""Share of the time limit stage one may use (it usually proves its optimum sooner)."""

MIN_RING_SECONDS = 1.0
"""A wider ring is searched only when stage one's share has this much time left."""

COVERAGE_RULES = ("coverage_shortfall", "peak_shortfall", "oncall_unfilled")


def fewest_changes_problem(problem: Problem) -> Problem:
    """Stage one: coverage (scaled to dominate) then the count of changes, nothing else."""
    st = problem.stability
    weights = [d.demand.under_weight for d in problem.duties if d.demand.under_weight > 0]
    weights += [d.demand.peak_weight for d in problem.duties
                if d.demand.peak_required and d.demand.peak_weight > 0]
    weights += [q.unfilled_weight for q in problem.oncall_periods if q.unfilled_weight > 0]
    cheapest = min(weights, default=1)
    # a chain of moves that fills one missing person moves each technician at most once
    factor = math.ceil((2 * len(problem.people) + 1) / cheapest)
    duties = tuple(replace(d, demand=replace(
        d.demand, under_weight=d.demand.under_weight * factor,
        peak_weight=d.demand.peak_weight * factor, over_weight=0)) for d in problem.duties)
    periods = tuple(replace(q, unfilled_weight=q.unfilled_weight * factor)
                    for q in problem.oncall_periods)
    stability = replace(st, duty_weight=dict.fromkeys(st.duty_weight, 1),
                        period_weight=dict.fromkeys(st.period_weight, 1), added_weight={})
    rules = replace(problem.rules, weights=Weights(fairness={}, continuity=0, backup_use=0))
    return replace(problem, duties=duties, oncall_periods=periods, requests=(), rules=rules,
                   stability=stability)


def change_bound(chosen: int, budget: int | None) -> int:
    """Stage two's budget: ``floor(chosen * (1 + SLACK))``, never above ``budget``."""
    bound = math.floor(chosen * (1 + SLACK) + 1e-9)
    return bound if budget is None else min(bound, budget)


def coverage_penalty(penalties) -> int:
    return sum(penalties.get(k, 0) for k in COVERAGE_RULES)


def staged_replan(sc: Scenario, options: SolveOptions, start: Plan, wrap,
                  neighbourhood: bool = True) -> PlanOutcome:
    """Re-plan ``sc`` (which carries its baseline) in two stages from the warm start
    ``start``; ``wrap(options, patient)`` adds the caller's patience to a stage's options
    (``patient``: the longer patience for a whole-model search of chains of moves).

    Stage one searches the neighbourhood of the changes first and widens it ring by ring
    (:mod:`planner.replan.neighbourhood`) while the published coverage is not restored; a
    wider ring's plan is kept only when it is better. Stage two searches the ring of the
    plan stage one kept, from that plan. ``neighbourhood=False``: both stages on the whole
    model with the longer patience (the former method, kept for the benchmark's comparison).
    """
    began = time.monotonic()
    compiled = compile_scenario(sc, start)
    first_budget = options.time_limit * FIRST_SHARE
    first = problem = None
    proven = False  # a smaller ring's optimum is proven: the whole model only confirms it
    for ring in range(0 if neighbourhood else RINGS - 1, RINGS):
        left = first_budget - (time.monotonic() - began)
        if first is not None and first.status.has_plan and left < MIN_RING_SECONDS:
            break  # stage one's share is spent (a loaded machine): keep the plan found
        cells = free_cells(compiled.problem, ring)
        candidate = restricted(compiled.problem, cells)
        left = max(MIN_RING_SECONDS, left)
        # (a neighbourhood whose hard rules contradict is widened, not explained)
        ring_options = replace(options, time_limit=left, on_progress=None,
                               explain=options.explain and cells is None)
        if first is not None and first.status.has_plan:
            # the wider search starts from the narrower one's plan
            candidate_hint = replace(candidate, hint=first.assignments, oncall_hint=first.oncall)
        else:
            candidate_hint = candidate
        found = solve(fewest_changes_problem(candidate_hint),
                      wrap(ring_options, cells is None and not proven))
        if first is None or not first.status.has_plan or (
                found.status.has_plan and found.objective < first.objective):
            first, problem = found, candidate
        elif found.status == SolveStatus.optimal and cells is None:
            first = replace(first, status=SolveStatus.optimal)
        if cells is None or (first.status.has_plan and restored(compiled.problem, first)):
            break
        proven = proven or found.status == SolveStatus.optimal
    if first.status == SolveStatus.infeasible:  # the same hard rules: stage two cannot do better
        return _outcome(sc, compiled, first)
    if not first.status.has_plan:  # no plan in time: one weighted solve
        left = max(1.0, options.time_limit - (time.monotonic() - began))
        return _outcome(sc, compiled, solve(compiled.problem, wrap(replace(options,
                                                                           time_limit=left))))
    chosen = _chosen_changes(sc, compiled, first)
    fallback = _rescored(compiled.problem, first)
    if chosen == 0:
        # no change allowed: stage two's only plan is this one (the forced removals)
        return _outcome(sc, compiled, fallback)
    st = problem.stability
    second_problem = replace(
        problem, hint=first.assignments, oncall_hint=first.oncall,
        stability=replace(st, max_changes=change_bound(chosen, st.max_changes)))
    left = max(1.0, options.time_limit - (time.monotonic() - began))
    second = solve(second_problem, wrap(replace(options, time_limit=left), not neighbourhood))
    if not second.status.has_plan or (
            coverage_penalty(second.penalties) > coverage_penalty(fallback.penalties)):
        second = fallback
    if problem.stability.free_cells is not None and second.status == SolveStatus.optimal:
        # optimal within the neighbourhood only: no claim about the whole problem
        second = replace(second, status=SolveStatus.feasible, best_bound=None, bound_source=None)
    return _outcome(sc, compiled, second)


def _chosen_changes(sc: Scenario, compiled: Compiled, result: SolveResult) -> int:
    """Changes a solution chose against the baseline, counted as the checker counts them."""
    return sum(1 for c in changes(Context(sc, to_plan(compiled, result))) if not c.forced)


def _rescored(problem: Problem, result: SolveResult) -> SolveResult:
    """``result`` with its penalties recomputed under ``problem``'s own weights."""
    ev = evaluate(problem, result.assignments, result.oncall)
    return replace(result, objective=ev.objective, penalties=ev.penalties, gaps=ev.gaps,
                   unfilled_oncall=ev.unfilled_oncall, fairness=ev.fairness, best_bound=None,
                   bound_source=None, status=SolveStatus.feasible)


def _outcome(sc: Scenario, compiled: Compiled, result: SolveResult) -> PlanOutcome:
    plan = to_plan(compiled, result)
    return PlanOutcome(plan=plan, result=result, report=check(sc, plan), compiled=compiled)
