"""A lower bound from the incumbent's cut-off: heavy penalties fixed, fairness spreads tightened.

Every penalty term is ``w × e`` with ``e`` a non-negative integer expression (a count of
missing people, an empty on-call role, a spread, ...). Once a plan of objective ``ub``
exists, a plan in which a term of weight ``w >= ub`` is non-zero costs at least ``ub``,
so the optimum is ``min(ub, min over the plans where every such term is 0)``.

The *cut-off model* is the whole model with those terms fixed to 0 (coverage required
in full where one missing person costs the whole incumbent, every on-call role filled,
...) and, for every fairness spread over ``n`` people whose counts sum to ``T``, the
redundant ``T >= max + (n - 1) min`` and ``T <= min + (n - 1) max`` (one person holds the
maximum, one the minimum, the others lie between). Once the fixed terms pin a total
(every on-call role filled by the one group that may hold it), propagation sees that a
total ``n`` does not divide forces a spread of at least 1, which the linear relaxation of
the whole model never sees. CP-SAT's proven bound ``B`` on the cut-off model gives the
valid bound ``min(ub, B)`` of the problem, and its plans are plans of the problem (the
model only has more constraints; variable indices are those of the whole model).

:func:`bound_search` runs it for the last ``BOUND_SHARE`` of the budget
(:func:`solver.lns.search`): with two or more workers every LNS thread stops then and one
CP-SAT solve of all the workers takes over, one of them branching on the LP's reduced
costs (``BOUND_SUBSOLVERS``). That worker is what closes the MSP scenarios' gaps: on the
demo it proves the optimum (36) where the full LP alone stays at 31 (BENCHMARKS.md
section 7, "2026-12-06 morning").
"""

from __future__ import annotations

import math
import time

import numpy as np
from ortools.sat.python import cp_model

from solver.model import ModelBuilder

BOUND_SHARE = 0.4
"""With two or more workers, the bound on the cut-off model is proven for this last share
of the time budget (``BOUND_WORKERS``: by every worker, or by one beside the LNS), only
where the cut-off model differs from the whole model (a term is fixed or a fairness
spread exists); 0 turns it off. Measured in BENCHMARKS.md section 7."""

BOUND_WORKERS = 2
"""2 or more: at the switch every thread stops the LNS, and one CP-SAT solve of all the
workers (``BOUND_SUBSOLVERS``) proves the bound and improves the plan for the rest of the
budget; 1: only the last LNS thread turns to the bound, on one worker with the full LP,
the others run the LNS to the end (before 2026-12-06). Measured on the demo and generated
MSP scenarios, 3 seeds each (BENCHMARKS.md section 7, "2026-12-06 morning"): demo 36
proven optimal on every seed (bound 31 with 1), 400 x 4 medians 61 and 80 (73 and 90)."""

TAIL_VARIABLES = 100_000
"""``BOUND_WORKERS`` applies to models of at most this many variables; larger ones keep the
LNS on all but one thread to the end. Generated 1 000 technicians x 8 weeks (169 198
variables) at 60 s: 459 / 458 with every worker on the bound against 394 / 370 with one
(no bound proven either way); 400 x 4 (32 278) gained (BENCHMARKS.md section 7, "2026-12-06
morning"). Only those two sizes were measured: the threshold lies somewhere between."""

WHOLE_FIRST = True
"""Where the tail takes every worker (``BOUND_WORKERS``, ``TAIL_VARIABLES``) and the
objective has fairness spreads, CP-SAT on the whole model runs from the first plan to the
switch, and no LNS runs (:func:`whole_first`): the LNS frees some people or some days, and
a spread across everyone rarely moves in such a neighbourhood. False: the plain phase,
the probe and the LNS run before the tail, as on every other model.

Measured against False, 3 seeds each, same run (BENCHMARKS.md section 7, "2026-12-06
late morning"): generated 400 x 4 at 60 s 53 / 53 / 53 against 65 / 65 / 65 and 72 / 72 /
80 against 88 / 80 / 84 (gaps 5.6-15 % against 17-27 %), 120 x 8 at 30 s median 15
against 16, 120 x 5 proven on 3 seeds against 1; the demo, 30 x 4, 60 x 6, 75 x 8 and
90 x 7 proven as before (one proof lost on 45 x 5, seed 1).
"""

BOUND_SUBSOLVERS = ("reduced_costs", "max_lp")
"""CP-SAT's full-search workers of a bound solve with two or more workers: branching on
the LP's reduced costs, and the full LP with CP-SAT's default search."""

SOURCE = "cp-sat, incumbent cut-off model"
"""``SolveResult.bound_source`` when the bound comes from the cut-off model."""


def cutoff_model(m: ModelBuilder, ub: float, base: cp_model.CpModel | None = None,
                 ) -> tuple[cp_model.CpModel, int, int]:
    """A copy of ``base`` (default ``m.model``) with the terms of weight ``>= ub`` fixed to
    0 and the redundant fairness constraints; returns (model, terms fixed, spreads)."""
    model = (base if base is not None else m.model).clone()
    fixed = 0
    for terms in m.penalties.values():
        for w, e in terms:
            if w >= ub and not isinstance(e, int):
                model.add(e == 0)
                fixed += 1
    spreads = m.cache.get("fairness_spreads", [])
    for vs, n, hi, lo in spreads:
        total = cp_model.LinearExpr.sum(vs)
        model.add(total >= hi + (n - 1) * lo)
        model.add(total <= lo + (n - 1) * hi)
    return model, fixed, len(spreads)


def whole_first(m: ModelBuilder, options) -> bool:
    """True when CP-SAT on the whole model, not the LNS, runs until the bound's switch
    (:data:`WHOLE_FIRST`): two or more workers, no deterministic limit, fairness spreads in
    the objective, the tail on every worker."""
    return (WHOLE_FIRST and BOUND_SHARE > 0 and int(options.workers) >= 2
            and options.deterministic_time is None and bool(m.cache.get("fairness_spreads"))
            and every_worker(m))


def every_worker(m: ModelBuilder) -> bool:
    """At the switch every thread turns to one bound solve (``BOUND_WORKERS`` >= 2), on models
    of at most ``TAIL_VARIABLES`` variables."""
    return BOUND_WORKERS >= 2 and len(m.model.proto.variables) <= TAIL_VARIABLES


def useful(m: ModelBuilder, ub: float) -> bool:
    """True when the cut-off model differs from the whole model (a term fixed, a spread)."""
    if m.cache.get("fairness_spreads"):
        return True
    return any(w >= ub and not isinstance(e, int) for terms in m.penalties.values() for w, e in terms)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, shared, ub: float) -> None:
        super().__init__()
        self.shared, self.ub = shared, ub

    def on_solution_callback(self) -> None:
        self.shared.raise_cut_bound(min(self.ub, self.best_objective_bound))
        values = np.fromiter(self.response_proto.solution, dtype=np.int64)
        self.shared.offer(values, round(self.objective_value))


def next_weight(m: ModelBuilder, ub: float) -> float:
    """The largest term weight below ``ub`` (an incumbent at or below it fixes one more term)."""
    below = [w for terms in m.penalties.values() for w, e in terms if w < ub and not isinstance(e, int)]
    return max(below, default=-math.inf)


def bound_search(m: ModelBuilder, base: cp_model.CpModel, shared, deadline: float, seed: int,
                 workers: int = 1) -> None:
    """CP-SAT on the cut-off model of the incumbent until ``deadline``: one worker with the
    full LP, or ``workers`` of them (``BOUND_SUBSOLVERS``).

    ``shared`` (:class:`solver.phases.Shared`) receives its bound (``min(ub, B)``) as it
    rises and its plans. When the incumbent (improved by the LNS threads or by this solve)
    falls to the next term weight, the solve stops and restarts on the model of the new
    incumbent, which fixes more terms. ``base`` is a copy of ``m.model`` taken before the LNS
    narrowed its domains in place.
    """
    while not shared.halted and time.perf_counter() < deadline - 0.05:
        values, ub, _ = shared.get()
        model, _, _ = cutoff_model(m, ub, base)
        proto = model.proto
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(range(len(values)))
        proto.solution_hint.values.extend(values.tolist())
        solver = cp_model.CpSolver()
        p = solver.parameters
        if workers >= 2:
            p.num_workers = int(workers)
            p.subsolvers.extend(BOUND_SUBSOLVERS)
        else:
            p.num_workers = 1
            p.linearization_level = 2
        p.random_seed = int(seed)
        p.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        solver.best_bound_callback = lambda b, ub=ub: shared.raise_cut_bound(min(ub, b))
        shared.track(solver, True)
        shared.watch = (next_weight(m, ub), solver)
        try:
            code = solver.solve(model, _Callback(shared, ub))
        finally:
            shared.watch = None
            shared.track(solver, False)
        if code == cp_model.INFEASIBLE:
            # no plan keeps every heavy term at 0: none is better than the incumbent
            shared.raise_cut_bound(ub)
            return
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
            b = solver.best_objective_bound
            if math.isfinite(b):
                shared.raise_cut_bound(min(ub, b))
        if code == cp_model.OPTIMAL:
            return
        _, now, _ = shared.get()
        if now > next_weight(m, ub):
            return  # stopped by the deadline or a halt, not by a better incumbent
