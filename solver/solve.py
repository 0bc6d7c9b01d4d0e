"""``solve(problem, options) -> SolveResult``: build the CP-SAT model, search, report.

Two steps that a large-neighbourhood search can reuse separately:
:func:`build_model` builds the variables and every rule once; :func:`run` searches
a built model (optionally inside ``builder.fixed({...})``) and reads the plan back.
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.decompose import decomposed_search, pairs_count
from solver.evaluate import evaluate
from solver.explain import explain
from solver.greedy import greedy_plan, invalid_people
from solver.lns import search
from solver.model import ModelBuilder
from solver.params import LNS, full_parameters
from solver.problem import Problem
from solver.repair import repair_until
from solver.result import Progress, SolveOptions, SolveResult
from solver.sweep import separable, sweep

_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}

_POLL_SECONDS = 0.05

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
(:mod:`solver.sweep`; it usually ends sooner, after one pass over everyone)."""


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records improving solutions, forwards them, and honours ``stop()``."""

    def __init__(self, options: SolveOptions, started: float) -> None:
        super().__init__()
        self.options = options
        self.started = started
        self.events: list[Progress] = []
        self.first: float | None = None
        self.error: BaseException | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        if self.first is None:
            self.first = elapsed
        event = Progress(elapsed, self.objective_value, self.best_objective_bound)
        self.events.append(event)
        try:
            if self.options.on_progress is not None:
                self.options.on_progress(event)
            if self.options.stop is not None and self.options.stop():
                self.stop_search()
        except BaseException as exc:  # noqa: BLE001 - re-raised after the search
            # an exception must not unwind through the C++ solver: keep it, stop, re-raise
            self.error = exc
            self.stop_search()


def _parameters(solver: cp_model.CpSolver, options: SolveOptions, spent: float) -> None:
    # the limit is the caller's wall-time budget: model building already used ``spent``
    full_parameters(solver.parameters, options, float(options.time_limit) - spent)
    if options.deterministic_time is not None:
        solver.parameters.max_deterministic_time = float(options.deterministic_time)


def run(m: ModelBuilder, options: SolveOptions, started: float | None = None) -> SolveResult:
    """Search a built model and read the plan, penalties and figures back.

    Parameters
    ----------
    m : a model from :func:`build_model` (possibly with variables fixed).
    options : time limit, workers, seed, log, progress callback, stop poll.
    started : ``time.perf_counter()`` at which timings start (default: now).
    """
    started = time.perf_counter() if started is None else started
    solver = cp_model.CpSolver()
    _parameters(solver, options, time.perf_counter() - started)
    watcher = _Watcher(options, started)
    done = threading.Event()
    poller = None
    if options.stop is not None:
        stop = options.stop

        def poll() -> None:
            # the callback only runs on new solutions; this thread covers the time between
            while not done.wait(_POLL_SECONDS):
                try:
                    requested = stop()
                except BaseException as exc:  # noqa: BLE001
                    watcher.error = exc
                    requested = True
                if requested:
                    solver.stop_search()
                    return

        poller = threading.Thread(target=poll, name="rota-stop-poll", daemon=True)
        poller.start()
    try:
        code = solver.solve(m.model, watcher)
    finally:
        done.set()
        if poller is not None:
            poller.join()
    if watcher.error is not None:
        raise watcher.error
    status = _STATUS.get(code, "unknown")
    wall = time.perf_counter() - started
    bound = solver.best_objective_bound if status in ("optimal", "feasible") else None
    if status not in ("optimal", "feasible"):
        conflicts = ()
        if status == "infeasible" and options.explain:
            conflicts = explain(m, time_limit=max(1.0, min(10.0, options.time_limit)))
        return SolveResult(
            status=status,
            wall_seconds=time.perf_counter() - started,
            first_solution_seconds=watcher.first,
            progress=tuple(watcher.events),
            conflicts=conflicts,
        )
    final = solver.objective_value
    if not watcher.events or watcher.events[-1].objective != final:
        # CP-SAT may end on a solution it did not report through the callback
        # (found while stopping); report it so progress ends where the result does
        event = Progress(wall, final, solver.best_objective_bound)
        watcher.events.append(event)
        if options.on_progress is not None:
            options.on_progress(event)
        if watcher.first is None:
            watcher.first = wall
    values = list(solver.response_proto.solution)
    return _result(m, status, values, bound, wall, watcher.first, watcher.events)


def _result(m: ModelBuilder, status: str, values, bound, wall: float, first, events) -> SolveResult:
    """The plan of a solution vector, its penalties recomputed by :func:`evaluate`."""
    assignments = tuple(key for key, var in m.x.items() if values[var.index])
    oncall = tuple(key for key, var in m.y.items() if values[var.index])
    return _plan_result(m.problem, status, assignments, oncall, bound, wall, first, events)


def _plan_result(problem: Problem, status: str, assignments, oncall, bound, wall: float, first,
                 events) -> SolveResult:
    ev = evaluate(problem, assignments, oncall)
    source = None if bound is None else ("cp-sat" if bound > 0 else "non-negative penalties")
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
        return SolveResult(status="unknown", wall_seconds=wall, progress=tuple(out.events))
    return _plan_result(problem, "feasible", out.assignments, out.oncall, None, wall, out.first,
                        out.events)


def _repaired(problem: Problem, assignments, options: SolveOptions, started: float):
    """``assignments`` repaired within ``REPAIR_SHARE`` of the budget, ``RESCUE_SHARE``
    for whoever is still broken."""
    limit = float(options.time_limit)
    assignments, _ = repair_until(problem, assignments, started + REPAIR_SHARE * limit,
                                  started + RESCUE_SHARE * limit, options.seed, options.workers)
    return assignments


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
    m = build_model(problem)
    # a warm start that breaks someone's hard rules is repaired person by person, so
    # the search starts from a complete plan
    if options.greedy_hint and not (problem.hint or problem.oncall_hint):
        assignments, oncall = greedy_plan(problem)
        assignments = _repaired(problem, assignments, options, started)
        # (skipped under a deterministic-time limit: its per-person limits are wall time)
        # (and only where the objective is a sum of per-person and per-duty terms: with
        # fairness spreads each change needs the whole plan re-evaluated, which on 400
        # generated technicians delayed the first plan from ~1 s to 28 s)
        if (SWEEP_SHARE > 0 and options.deterministic_time is None and separable(problem)
                and not invalid_people(problem, assignments)):
            assignments, _ = sweep(problem, assignments, oncall,
                                   started + SWEEP_SHARE * float(options.time_limit),
                                   options.seed, options.workers)
        m.set_hint(assignments, oncall)
    elif problem.hint:
        assignments = _repaired(problem, problem.hint, options, started)
        if set(assignments) != set(map(tuple, problem.hint)):
            m.set_hint(assignments, problem.oncall_hint)
    out = search(m, options, started)
    status = _STATUS.get(out.code, "unknown")
    wall = time.perf_counter() - started
    if out.values is None:
        conflicts = ()
        if status == "infeasible" and options.explain:
            conflicts = explain(m, time_limit=max(1.0, min(10.0, options.time_limit)))
        return SolveResult(status=status, wall_seconds=wall, first_solution_seconds=out.first,
                           progress=tuple(out.events), conflicts=conflicts)
    return _result(m, status, out.values, out.bound, wall, out.first, out.events)
