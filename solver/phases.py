"""The first two phases of :func:`solver.lns.search` and the state its threads share.

:class:`Shared` holds the incumbent (a full value vector), the progress events and
stop requests; :func:`hint_phase` turns the model's hint (the constructive plan or a
previous plan) into a first plan; :func:`plain_phase` runs CP-SAT on the whole model.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np
from ortools.sat.python import cp_model

from solver.greedy import invalid_people
from solver.model import ModelBuilder
from solver.params import LnsSettings, full_parameters
from solver.result import Progress, SolveOptions


class Shared:
    """Incumbent, progress events, stop requests and errors shared by all threads."""

    def __init__(self, options: SolveOptions, started: float) -> None:
        self.options, self.started = options, started
        self.lock = threading.RLock()
        self.values: np.ndarray | None = None
        self.obj = math.inf
        self.bound = -math.inf
        self.version = 0
        self.events: list[Progress] = []
        self.first: float | None = None
        self.error: BaseException | None = None
        self.halted = False
        self.active: set[cp_model.CpSolver] = set()
        self.switch_at: float | None = None
        """Wall time from which the plain phase yields to the LNS once a plan exists..."""
        self.stall = 0.0
        """... and it has found no better plan for this many seconds."""
        self.improved_at = started
        """Wall time of the last better plan (by at least ``gain`` below the one before
        that counted)."""
        self.gain = 0.0
        self._marked = math.inf
        self.plain: cp_model.CpSolver | None = None
        self.dtime = 0.0
        """Deterministic time spent by the plain phase."""
        self.watch: tuple[float, cp_model.CpSolver] | None = None
        """(objective, solver): a better incumbent at or below it stops that solver."""
        self.cut_bound = -math.inf
        """Bound proven on the incumbent's cut-off model (:mod:`solver.bound`)."""
        self.known_bound = -math.inf
        """Bound proven before the search (the set-partitioning LP, :mod:`solver.colgen`)."""

    def watch_progress(self, stall: float, gain: float) -> None:
        """From now on, progress (for :meth:`plain_should_yield`) is a better plan
        ``gain`` below the last one that counted, within ``stall`` seconds."""
        with self.lock:
            self.stall, self.gain = stall, gain
            self.improved_at, self._marked = time.perf_counter(), self.obj

    def gain_since(self, seconds_ago: float) -> float:
        """How much the incumbent's objective fell in the last ``seconds_ago`` seconds."""
        with self.lock:
            if self.values is None:
                return 0.0
            then = time.perf_counter() - self.started - seconds_ago
            before = [e.objective for e in self.events if e.elapsed <= then]
            start = before[-1] if before else self.events[0].objective
            return start - self.obj

    def plain_should_yield(self, now: float) -> bool:
        """The plain phase hands over to the LNS: a plan exists, the switch time has
        come and no better plan has been found for ``stall`` seconds."""
        with self.lock:
            return (self.switch_at is not None and self.values is not None
                    and now >= self.switch_at and now - self.improved_at >= self.stall)

    def raise_cut_bound(self, value: float) -> None:
        with self.lock:
            self.cut_bound = max(self.cut_bound, value)

    def lower(self) -> float:
        """The best proven bound: CP-SAT's on the whole model, the cut-off model's or the
        one known before the search."""
        with self.lock:
            return max(self.bound, self.cut_bound, self.known_bound)

    def offer(self, values: np.ndarray, obj: float) -> bool:
        """Keep ``values`` if strictly better; report it to ``on_progress``."""
        with self.lock:
            if obj >= self.obj:
                return False
            self.values, self.obj = values, obj
            self.version += 1
            if obj <= self._marked - self.gain:
                self.improved_at, self._marked = time.perf_counter(), obj
            if self.watch is not None and obj <= self.watch[0]:
                self.watch[1].stop_search()
            elapsed = time.perf_counter() - self.started
            if self.first is None:
                self.first = elapsed
            # penalties are non-negative: 0 is a valid bound before CP-SAT reports one
            event = Progress(elapsed, obj, max(0.0, self.lower()))
            self.events.append(event)
            try:
                if self.options.on_progress is not None:
                    self.options.on_progress(event)
                if self.options.stop is not None and self.options.stop():
                    self.halt()
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                # an exception must not unwind through the C++ solver: keep it, stop
                self.error = exc
                self.halt()
            return True

    def get(self) -> tuple[np.ndarray | None, float, int]:
        with self.lock:
            return self.values, self.obj, self.version

    def halt(self) -> None:
        with self.lock:
            self.halted = True
            for s in self.active:
                s.stop_search()

    def track(self, solver: cp_model.CpSolver, on: bool) -> None:
        with self.lock:
            if on:
                self.active.add(solver)
                if self.halted:
                    solver.stop_search()
            else:
                self.active.discard(solver)


class _Callback(cp_model.CpSolverSolutionCallback):
    """Plain phase: offer every solution to the shared incumbent."""

    def __init__(self, shared: Shared, first_only: bool = False) -> None:
        super().__init__()
        self.shared, self.first_only = shared, first_only

    def on_solution_callback(self) -> None:
        # bounds only rise; a callback can report an older, weaker one
        self.shared.bound = max(self.shared.bound, self.best_objective_bound)
        values = np.fromiter(self.response_proto.solution, dtype=np.int64)
        self.shared.offer(values, round(self.objective_value))
        if self.first_only:
            # one worker, past the switch: hand over to the LNS at the first plan
            # (a deterministic point, unlike a wall-clock switch)
            self.stop_search()

def hint_phase(m: ModelBuilder, options: SolveOptions, shared: Shared, deadline: float) -> int:
    """Complete the model's hint into a first plan: solve with every duty/on-call variable fixed.

    A constructive plan that keeps every hard rule becomes the incumbent at once (CP-SAT
    only derives the helper variables), so the LNS can start even when the whole model
    is too big for CP-SAT to find a first plan itself (150 people x 364 days).
    """
    hint = m.model.proto.solution_hint
    if not len(hint.vars):
        return cp_model.UNKNOWN
    values = dict(zip(hint.vars, hint.values))
    decision = [var.index for var in (*m.x.values(), *m.y.values()) if var.index in values]
    with m.fixed({i: values[i] for i in decision}):
        code, solver = _completion(m, options, shared, deadline, first_only=False)
    if code == cp_model.INFEASIBLE and not shared.halted:
        # repair: free only the people whose own rules the hint breaks, whole horizon
        plan = [key for key, var in m.x.items() if values.get(var.index)]
        bad = set(invalid_people(m.problem, plan))
        if bad:
            free = {var.index for pid in bad for _, var in m.person_vars(pid)}
            free |= {var.index for pid in bad for _, _, var in m.oncall_by_person.get(pid, ())}
            with m.fixed({i: values[i] for i in decision if i not in free}):
                code, solver = _completion(m, options, shared, deadline, first_only=True)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        shared.offer(np.fromiter(solver.response_proto.solution, dtype=np.int64),
                     round(solver.objective_value))
    return code


def _completion(m: ModelBuilder, options: SolveOptions, shared: Shared, deadline: float,
                first_only: bool) -> tuple[int, cp_model.CpSolver]:
    """One-worker CP-SAT on ``m`` as its domains stand (most variables fixed by the caller)."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.max_time_in_seconds = max(0.05, min(deadline - time.perf_counter(),
                                          0.25 * float(options.time_limit)))
    if options.deterministic_time is not None:
        # reproducible: the completion is cut in deterministic time, the wall limit is a
        # safety net
        p.max_deterministic_time = max(0.05, 0.25 * float(options.deterministic_time))
        p.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
    p.random_seed = int(options.seed)
    # everything that matters is fixed, so propagation alone decides; presolve of a
    # 1.15 M-variable model ran for minutes past its time limit, without it: 2.5 s
    p.cp_model_presolve = False
    p.linearization_level = 0  # only a completion is wanted: no LP to build
    p.stop_after_first_solution = first_only
    p.log_search_progress = bool(options.log)
    shared.track(solver, True)
    try:
        return solver.solve(m.model), solver
    finally:
        shared.track(solver, False)


def plain_phase(m: ModelBuilder, options: SolveOptions, shared: Shared, deadline: float,
                 settings: LnsSettings, resume: tuple[float, float] | None = None) -> int:
    """Whole-model CP-SAT until the switch time (or optimality); returns its status.

    ``resume`` = (seconds, gain): a later run, hinted with the incumbent, that yields
    as soon as ``seconds`` pass without it lowering the objective by ``gain`` (with two
    or more workers only; see :func:`solver.lns.search`).
    """
    one = max(1, int(options.workers)) == 1
    budget = deadline - time.perf_counter()
    switch = settings.first_fraction * float(options.time_limit)
    if resume is not None:
        # the whole incumbent as the hint: CP-SAT starts from the best plan so far
        values = shared.get()[0]
        proto = m.model.proto
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(range(len(values)))
        proto.solution_hint.values.extend(values.tolist())
        switch = 0.0
    code = cp_model.UNKNOWN
    rounds = 0
    while not shared.halted and time.perf_counter() < deadline - 0.05:
        solver = cp_model.CpSolver()
        p = solver.parameters
        full_parameters(p, options, deadline - time.perf_counter())
        if rounds == 0 and one:
            # deterministic: the switch is a deterministic-time limit
            units = options.deterministic_time or float(options.time_limit)
            p.max_deterministic_time = max(0.1, settings.first_fraction * units)
        else:
            if options.deterministic_time is not None:
                p.max_deterministic_time = max(0.01, float(options.deterministic_time) - shared.dtime)
            if rounds == 0:
                # the poll thread of search() stops this solve at the switch time once a
                # plan exists (a solution callback alone would wait for the next plan)
                shared.switch_at = time.perf_counter() + min(switch, budget)
                shared.stall, shared.gain = 0.0, 0.0
                if resume is not None:
                    shared.watch_progress(*resume)
        shared.track(solver, True)
        shared.plain = solver
        try:
            code = solver.solve(m.model, _Callback(shared, first_only=one and rounds > 0))
        finally:
            shared.track(solver, False)
            shared.plain = None
            shared.switch_at = None
        shared.dtime += solver.response_proto.deterministic_time
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            shared.bound = max(shared.bound, solver.best_objective_bound)
            sol = np.fromiter(solver.response_proto.solution, dtype=np.int64)
            shared.offer(sol, round(solver.objective_value))
        rounds += 1
        if shared.values is not None or code in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID,
                                                 cp_model.OPTIMAL):
            return code
    return code
