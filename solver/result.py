"""Options and result of :func:`solver.solve`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable, Mapping


class SolveStatus(StrEnum):
    """How a solve ended; the value is the string written to JSON and ``summary.json``."""

    optimal = "optimal"
    """A plan, proven optimal."""
    feasible = "feasible"
    """A plan, not proven optimal."""
    infeasible = "infeasible"
    """The hard rules conflict: no plan exists (see ``SolveResult.conflicts``)."""
    unknown = "unknown"
    """No plan within the limit, or stopped before the first one."""
    invalid = "invalid"
    """CP-SAT rejected the model."""

    @property
    def has_plan(self) -> bool:
        """True when the result carries a plan (optimal or feasible)."""
        return self in (SolveStatus.optimal, SolveStatus.feasible)


@dataclass(frozen=True)
class Progress:
    """A progress event: a new best plan was found (or the bound moved)."""

    elapsed: float
    objective: float
    bound: float


@dataclass(frozen=True)
class SolveOptions:
    """How to solve.

    ``time_limit`` in seconds of wall time, model building included; ``workers`` CP-SAT
    search workers;
    ``seed`` the random seed (one worker plus a seed is deterministic);
    ``log`` prints the CP-SAT search log; ``on_progress`` is called from the
    solver thread at every improving solution; ``stop`` is polled and ends the
    search early when it returns True (job cancellation).
    """

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    on_progress: Callable[[Progress], None] | None = None
    stop: Callable[[], bool] | None = None
    deterministic_time: float | None = None
    """Optional limit in CP-SAT deterministic time units (reproducible, unlike wall time)."""
    greedy_hint: bool = True
    """Warm-start from a constructive plan when the problem carries no hint."""
    explain: bool = True
    """On an infeasible problem, look for the conflicting hard rules (``SolveResult.conflicts``)."""


@dataclass(frozen=True)
class Gap:
    """A coverage shortfall on one duty."""

    duty: str
    required: int
    assigned: int
    shortfall: int


@dataclass(frozen=True)
class FairnessFigure:
    """Spread of one fairness category within one group of comparable people."""

    tag: str
    group: str
    counts: Mapping[str, int]
    spread: int


@dataclass(frozen=True)
class SolveResult:
    """What :func:`solver.solve` returns.

    ``status`` says how the search ended (``status.has_plan`` when there is a plan).
    ``assignments`` are (person id, duty id) pairs; ``oncall`` are
    (person id, period id, role) with role ``primary`` or ``backup``.
    ``penalties`` maps a soft-rule name to its weighted penalty; their sum is
    ``objective``.
    """

    status: SolveStatus
    assignments: tuple[tuple[str, str], ...] = ()
    oncall: tuple[tuple[str, str, str], ...] = ()
    objective: int | None = None
    best_bound: float | None = None
    penalties: Mapping[str, int] = field(default_factory=dict)
    gaps: tuple[Gap, ...] = ()
    unfilled_oncall: tuple[tuple[str, str], ...] = ()
    """(period id, role) left empty."""
    fairness: tuple[FairnessFigure, ...] = ()
    wall_seconds: float = 0.0
    first_solution_seconds: float | None = None
    progress: tuple[Progress, ...] = ()
    conflicts: tuple[str, ...] = ()
    """When infeasible: a small set of conflicting hard rules, as ``"rule: person"``."""
    bound_source: str | None = None
    """Where ``best_bound`` comes from: ``"cp-sat"`` (CP-SAT's proven bound on the whole
    model), ``"cp-sat, incumbent cut-off model"`` (CP-SAT's bound on the model where every
    term weighing at least the incumbent is fixed to 0, see :mod:`solver.bound`),
    ``"non-negative penalties"`` (0: no better bound was proven), ``None`` when there is
    no bound (the decomposition of huge problems computes none)."""
