"""``solve(problem, options) -> SolveResult``: warm start, build the model, search, report.

1. Huge problems (``LnsSettings.decompose_pairs`` decision pairs or more) never build the
   whole model: :func:`solver.decompose.decomposed_search` re-plans a few people at a time.
2. Otherwise :func:`build_model` builds the variables and every rule once; a constructive
   plan (:func:`solver.greedy.greedy_plan`, or the problem's own hint) is repaired person
   by person (:mod:`solver.repair`), its on-call roles re-optimised with the duties held
   (:mod:`solver.oncall_plan`), swept (:mod:`solver.sweep`) and set as the hint.
   Where the objective has no rule across people (:func:`solver.colgen.applicable`)
   and the budget is long (``COLGEN_MIN_SECONDS``), the repaired constructive plan is
   reported at once (``EARLY_SHARE``) and column generation on the
   set-partitioning LP over whole rosters comes next: its Lagrangian bound is kept as
   the reported bound when it is the best one, and when it converges within
   ``COLGEN_ROOT_SHARE`` of the budget a dive on it (:func:`solver.colgen.colgen_start`)
   builds the warm start instead of the greedy path.
3. :func:`solver.lns.search` completes the hint, runs CP-SAT on the whole model, then a
   large-neighbourhood search on the same model; it polls ``options.stop`` (column
   generation does too, between rounds).
4. The best plan's penalties are recomputed by :func:`solver.evaluate.evaluate`.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.colgen import applicable as colgen_applicable
from solver.colgen import colgen_start
from solver.decompose import decomposed_search, pairs_count
from solver.evaluate import evaluate
from solver.explain import explain
from solver.greedy import greedy_plan, invalid_people
from solver.lns import search
from solver.model import ModelBuilder
from solver.oncall_plan import best_oncall, oncall_budget
from solver.params import LNS
from solver.problem import Problem
from solver.repair import repair_until
from solver.result import Progress, SolveOptions, SolveResult, SolveStatus
from solver.sweep import separable, sweep

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.optimal,
    cp_model.FEASIBLE: SolveStatus.feasible,
    cp_model.INFEASIBLE: SolveStatus.infeasible,
    cp_model.MODEL_INVALID: SolveStatus.invalid,
    cp_model.UNKNOWN: SolveStatus.unknown,
}

REPAIR_SHARE = 0.25
"""Share of the time budget the repair of a warm start uses first."""

RESCUE_SHARE = 0.6
"""Share of the budget by which the repair stops while someone's rules still break.

Without a valid warm start CP-SAT on a large model may find no plan at all: on a
benchmark-format instance of 100 people x 196 days x 8 shift types the repair needed
24 s and the whole model, started at 15 s, found nothing in the remaining 45 s.
"""


SWEEP_SHARE = 0.4
"""Share of the budget by which the person-by-person sweep of the warm start ends
(:mod:`solver.sweep`; it ends sooner when no duty is short after a pass, or after
``GUIDE_PATIENCE`` passes without a better plan). 0.55 was a wash in the same-run A/B of
2026-12-06 (BENCHMARKS.md section 7, "2026-12-06 evening"; seed 1): better on 9 of the 18
open instances, worse on 9 (g07 298 against 248, g10 727 against 572)."""


COLGEN_ROOT_SHARE = 0.35
"""Share of the budget by which column generation on the set-partitioning LP
(:mod:`solver.colgen`) must have converged for its dive to build the warm start; 0
turns the whole step off. Only where :func:`solver.colgen.applicable` (no rule across
people), the problem carries no hint and the budget is at least
:data:`COLGEN_MIN_SECONDS`. Its bound is kept either way."""

COLGEN_MIN_SECONDS = 600.0
"""The step of :data:`COLGEN_ROOT_SHARE` runs only with a time budget of at least this
many seconds.

At 60 s it lost: in the same-run A/B of 2026-12-05 (BENCHMARKS.md section 7,
"2026-12-05") a root share of 0.35 was worse on 11 of the generated suite's 18 open
instances (geometric mean of the ratios +3 %, h04 +49 %, h10 +34 %), the root's time
being the LNS's loss where it does not converge and the dive's plan leaving the LNS
too little time where it does. At 600 s, the budget at which the benchmark's quality
is judged, it won on the wide 28-day shapes and lost on the long horizons (BENCHMARKS.md
section 7, "2026-12-05 evening", one seed: g10 205 against 385, h01 370 against 467; h04
89 against 77, h10 296 against 284, l01 1 003 against 933; h08 level, 1 614 against
1 612; geometric mean of the ratios 0.90).
Measured again at 60 s once the roots were 2-4 times sooner (BENCHMARKS.md section 7,
"2026-12-07, 22:07-23:55 UTC", two seeds): where the root converges in time
it wins outright (g05 proven optimal, g09 338 against a bound of 337), where it does not
it loses on both seeds (h04 227 / 224 against 123 / 115, g02, g04, h01); 11 better and
7 worse of 18 on seed 1, the mean gap 37.5 % against 33.2 %. Those 60 s runs were made
under a pace rule that let a slow first round stop the root (g10's after one round; fixed
in :func:`solver.colgen.pace_gives_up`); with the root run to its deadline and a dive even
when it has not converged, 8 better and 10 worse of 18 (BENCHMARKS.md section 7,
"2026-12-08, 01:35-03:27 UTC"; :data:`solver.colgen.DIVE_UNCONVERGED`).
Set it to 0 (``solver.solve.COLGEN_MIN_SECONDS=0``) to measure the step at shorter
budgets."""

COLGEN_DIVE_SHARE = 0.7
"""Share of the budget by which the dive's plan is ready (the search then starts from it)."""

EARLY_SHARE = 0.1
"""Where column generation runs first, the constructive plan is repaired within this share
of the budget beforehand and reported as the first plan (:func:`_early_plan`): the dive's
plan is only ready by ``COLGEN_DIVE_SHARE`` of the budget, and a stop request during
column generation returns this plan."""

COLGEN_SOURCE = "set-partitioning LP over whole rosters"
"""``SolveResult.bound_source`` when the column generation's bound is the best one."""


def _result(m: ModelBuilder, status: SolveStatus, values, bound, wall: float, first, events,
            source: str | None = None) -> SolveResult:
    """The plan of a solution vector, its penalties recomputed by :func:`evaluate`."""
    assignments = tuple(key for key, var in m.x.items() if values[var.index])
    oncall = tuple(key for key, var in m.y.items() if values[var.index])
    return _plan_result(m.problem, status, assignments, oncall, bound, wall, first, events, source)


def _plan_result(problem: Problem, status: SolveStatus, assignments, oncall, bound, wall: float, first,
                 events, source: str | None = None) -> SolveResult:
    ev = evaluate(problem, assignments, oncall)
    if bound is None:
        source = None
    elif source is None:
        source = "cp-sat" if bound > 0 else "non-negative penalties"
    return SolveResult(
        bound_source=source,
        status=status,
        assignments=assignments,
        oncall=oncall,
        objective=ev.objective,
        best_bound=bound,
        penalties=ev.penalties,
        gaps=ev.gaps,
        unfilled_oncall=ev.unfilled_oncall,
        fairness=ev.fairness,
        wall_seconds=wall,
        first_solution_seconds=first,
        progress=tuple(events),
    )


def _solve_decomposed(problem: Problem, options: SolveOptions, started: float) -> SolveResult:
    out = decomposed_search(problem, options, started, REPAIR_SHARE)
    wall = time.perf_counter() - started
    if out.assignments is None:
        return SolveResult(status=SolveStatus.unknown, wall_seconds=wall, progress=tuple(out.events))
    return _plan_result(problem, SolveStatus.feasible, out.assignments, out.oncall, None, wall, out.first,
                        out.events)


def _repaired(problem: Problem, assignments, options: SolveOptions, started: float,
              limit: float | None = None):
    """``assignments`` repaired within ``REPAIR_SHARE`` of the budget, ``RESCUE_SHARE``
    for whoever is still broken (of ``limit`` seconds from ``started``: by default the
    whole budget)."""
    limit = float(options.time_limit) if limit is None else limit
    units, workers = None, options.workers
    if options.deterministic_time is not None:
        # reproducible: per-person limits in deterministic time, people in a fixed order
        # (wall-time limits here made Curtois Instance9/11 differ from run to run)
        det = float(options.deterministic_time)
        units, workers = (REPAIR_SHARE * det, (RESCUE_SHARE - REPAIR_SHARE) * det), 1
    assignments, _ = repair_until(problem, assignments, started + REPAIR_SHARE * limit,
                                  started + RESCUE_SHARE * limit, options.seed, workers, units)
    return assignments


def _colgen_runs(problem: Problem, options: SolveOptions) -> bool:
    """Column generation comes first (:data:`COLGEN_ROOT_SHARE`, :data:`COLGEN_MIN_SECONDS`)."""
    return not (COLGEN_ROOT_SHARE <= 0 or float(options.time_limit) < COLGEN_MIN_SECONDS
                or not options.greedy_hint or problem.hint or problem.oncall_hint
                or options.deterministic_time is not None or colgen_applicable(problem))


def _early_plan(problem: Problem, options: SolveOptions, started: float):
    """(assignments, oncall, event) of the constructive plan repaired within
    :data:`EARLY_SHARE` of the budget, its event already reported to ``on_progress``;
    None when someone's own rules still break."""
    assignments, oncall = greedy_plan(problem)
    assignments = _repaired(problem, assignments, options, started,
                            EARLY_SHARE * float(options.time_limit))
    if invalid_people(problem, assignments):
        return None
    # penalties are non-negative: 0 is a valid bound before anything better is proven
    event = Progress(time.perf_counter() - started, float(evaluate(problem, assignments, oncall).objective),
                     0.0)
    if options.on_progress is not None:
        options.on_progress(event)
    return assignments, oncall, event


def _colgen(problem: Problem, options: SolveOptions, started: float):
    """(bound, source) and the dive (or None) of column generation on the
    set-partitioning LP, when it runs (:func:`_colgen_runs`); (None, None) else."""
    limit = float(options.time_limit)
    if not _colgen_runs(problem, options):
        return None, None
    start = colgen_start(problem, started + COLGEN_ROOT_SHARE * limit,
                         started + COLGEN_DIVE_SHARE * limit, options.workers, options.stop)
    if start.bound == -math.inf:  # no pricing round completed
        return None, None
    dive = start.dive
    if dive is not None and invalid_people(problem, dive.assignments):
        dive = None  # a safety net: every roster is a column, each keeping its person's rules
    return (max(0.0, start.bound), COLGEN_SOURCE), dive


def solve(problem: Problem, options: SolveOptions | None = None) -> SolveResult:
    """Plan ``problem``: every hard rule holds, the sum of soft penalties is minimised.

    Parameters
    ----------
    problem : the engine problem (see :mod:`solver.problem`).
    options : search options; defaults to :class:`SolveOptions()`. Unless the
        problem carries a hint (a previous plan), a constructive plan
        (:func:`solver.greedy.greedy_plan`) warm-starts the search.

    Returns
    -------
    SolveResult
        ``status`` optimal/feasible (with a plan), infeasible (hard rules conflict),
        unknown (no plan within the limit or stopped) or invalid. ``objective`` is
        the plan's penalty per docs/rules.md (sum of ``penalties``); ``best_bound``
        is CP-SAT's lower bound. Timings count from the call, model building included.

    Raises
    ------
    solver.validate.ProblemError
        When the problem references unknown ids or is otherwise malformed.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    if pairs_count(problem) >= LNS.decompose_pairs:
        # too big for one model in memory and time: a few people at a time
        return _solve_decomposed(problem, options, started)
    early = _early_plan(problem, options, started) if _colgen_runs(problem, options) else None
    before = (early[2],) if early is not None else ()
    known, dive = _colgen(problem, options, started)
    if dive is not None and early is not None and early[2].objective < dive.objective:
        dive = None  # the constructive plan is the better start
    if dive is not None and dive.objective <= math.ceil(known[0] - 1e-6):
        # the dive's plan reaches the bound: proven optimal, nothing left to search
        wall = time.perf_counter() - started
        event = Progress(wall, float(dive.objective), known[0])
        if options.on_progress is not None:
            options.on_progress(event)
        return _plan_result(problem, SolveStatus.optimal, dive.assignments, (), known[0], wall,
                            before[0].elapsed if before else wall, (*before, event), known[1])
    stopped = options.stop is not None and options.stop()
    m = build_model(problem)
    # a warm start that breaks someone's hard rules is repaired person by person, so
    # the search starts from a complete plan
    if dive is not None:
        m.set_hint(dive.assignments, ())
    elif options.greedy_hint and not (problem.hint or problem.oncall_hint):
        # whatever time column generation took is taken from the warm start's shares
        base = time.perf_counter()
        span = float(options.time_limit) - (base - started)
        if early is not None:
            assignments, oncall, valid = early[0], early[1], True
        else:
            assignments, oncall = greedy_plan(problem)
            assignments = _repaired(problem, assignments, options, base, span)
            valid = not invalid_people(problem, assignments)
        # the rotation's empty roles refilled exactly, duties held (the LNS rarely does)
        if valid:
            oncall = best_oncall(problem, assignments, oncall, options, oncall_budget(options, started))
        # (skipped under a deterministic-time limit: its per-person limits are wall time)
        # (and only where the objective is a sum of per-person and per-duty terms: with
        # fairness spreads each change needs the whole plan re-evaluated, which on 400
        # generated technicians delayed the first plan from ~1 s to 28 s)
        if (SWEEP_SHARE > 0 and options.deterministic_time is None and separable(problem)
                and valid and not stopped):
            assignments, _ = sweep(problem, assignments, oncall, base + SWEEP_SHARE * span,
                                   options.seed, options.workers)
        m.set_hint(assignments, oncall)
    elif problem.hint:
        assignments = _repaired(problem, problem.hint, options, started)
        if set(assignments) != set(map(tuple, problem.hint)):
            m.set_hint(assignments, problem.oncall_hint)
    out = search(m, options, started, known=known)
    status = _STATUS.get(out.code, SolveStatus.unknown)
    wall = time.perf_counter() - started
    if before:
        # the first plan was reported before column generation; the search starts at or below it
        out.events, out.first = [*before, *out.events], before[0].elapsed
        if out.values is None:
            # stopped before the search had a plan: the constructive one stands
            bound, source = known if known is not None else (0.0, None)
            return _plan_result(problem, SolveStatus.feasible, early[0], early[1], bound, wall,
                                out.first, out.events, source)
    if out.values is None:
        conflicts = ()
        if status is SolveStatus.infeasible and options.explain:
            conflicts = explain(m, time_limit=max(1.0, min(10.0, options.time_limit)))
        return SolveResult(status=status, wall_seconds=wall, first_solution_seconds=out.first,
                           progress=tuple(out.events), conflicts=conflicts)
    return _result(m, status, out.values, out.bound, wall, out.first, out.events, out.source)
