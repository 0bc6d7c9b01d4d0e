"""The engine's own problem types.

The solver knows people, duties with real start and end times (integer minutes from
an origin chosen by the caller), days as indices, weeks and weekends as groups of day
indices, on-call periods, requests and rule parameters. It knows nothing of files,
clients' SLAs, time zones or public holidays: the planner compiles those into this
form.

All weights are small non-negative integers; the objective is their weighted sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Demand:
    """How many people a duty wants, and what a missing or extra person costs.

    ``required`` people are wanted at ``under_weight`` per missing person; a further
    ``peak_required`` people (an activity peak) are wanted at ``peak_weight`` per
    missing person. Every person beyond ``required + peak_required`` costs
    ``over_weight``. Missing people are charged to the cheaper tier first.
    """

    required: int = 0
    under_weight: int = 0
    over_weight: int = 0
    peak_required: int = 0
    peak_weight: int = 0


@dataclass(frozen=True)
class Duty:
    """One shift slot on one day that people can be assigned to.

    Parameters
    ----------
    id : unique duty id (readable, e.g. ``"2027-07-05/D/acme/linux"``).
    day : day index in ``0 .. num_days-1`` the duty belongs to (its start day).
    start, end : minutes from the problem origin; ``end > start``.
    shift_type : key used by shift-type limits and forbidden successions.
    minutes : worked minutes counted towards hours limits.
    group : continuity key (the client): changing group on consecutive days costs.
    demand : coverage wanted on this duty.
    tags : fairness categories (``"night"``, ``"weekend"``, ``"holiday"``, ...).
    busy : held elsewhere (another team's duty of its one, fixed person): it counts for
        the person's day, hours, runs and weekly rest; the pairwise timing rules
        (``no_overlap``, ``min_rest``) and the soft rules (requests, continuity, backup
        use) ignore it; the caller keeps conflicting duties away from it.
    """

    id: str
    day: int
    start: int
    end: int
    shift_type: str
    minutes: int
    group: str = ""
    demand: Demand = field(default_factory=Demand)
    tags: frozenset[str] = frozenset()
    busy: bool = False


@dataclass(frozen=True)
class Person:
    """A person and their per-person limits (``None`` means no limit).

    History fields describe what happened right before day 0, so that window
    rules hold across the horizon start; with no history, blocks touching day 0
    are exempt from minimum-length rules.
    """

    id: str
    max_minutes: int | None = None
    min_minutes: int | None = None
    max_minutes_per_week: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_per_shift_type: Mapping[str, int] = field(default_factory=dict)
    is_backup: bool = False
    fairness_group: str = ""
    history_consecutive_days: int | None = None
    history_consecutive_days_off: int | None = None
    history_last_end: int | None = None
    history_last_shift_type: str | None = None
    params: Mapping[str, int] = field(default_factory=dict)
    """Rule parameters by the names :mod:`solver.rules.catalog` declares (``RuleSpec.params``),
    in the solver's units (whole minutes, counts); a missing key leaves the rule off."""
    local_weeks: tuple[tuple[int, int], ...] = ()
    """``(start, end)`` of each week of :attr:`Problem.weeks` in minutes from the origin, at
    the person's local midnights; empty: day ``d`` runs from ``d * 1440`` (see :func:`week_bounds`)."""


@dataclass(frozen=True)
class OnCallPeriod:
    """One period of one on-call rotation (e.g. a week from Monday 08:00)."""

    id: str
    rotation: str
    index: int
    start: int
    end: int
    first_day: int
    last_day: int
    needs_backup: bool = True
    unfilled_weight: int = 1000
    tags: frozenset[str] = frozenset({"oncall"})


@dataclass(frozen=True)
class Request:
    """A wish to work (``work=True``) or not to work a shift type (or any shift) on a day."""

    person: str
    day: int
    shift_type: str | None
    work: bool
    weight: int

    def about(self, duty: Duty) -> bool:
        """The request speaks of ``duty`` if it names no shift type or ``duty``'s (the
        day is the caller's to match)."""
        return not self.shift_type or duty.shift_type == self.shift_type


@dataclass(frozen=True)
class Weights:
    """Weights of the soft rules (documented priorities, see docs/rules.md)."""

    fairness: Mapping[str, int] = field(
        default_factory=lambda: {"night": 4, "weekend": 4, "holiday": 4, "oncall": 6}
    )
    continuity: int = 1
    backup_use: int = 2


@dataclass(frozen=True)
class Rules:
    """Global rule parameters; per-person limits live on :class:`Person`.

    ``min_rest_minutes = 0`` switches the rest rule off; ``oncall_min_gap`` is the
    number of periods of the same rotation that must separate two on-call periods of
    one person (1 = never two in a row; 0 = no gap needed).
    """

    min_rest_minutes: int = 11 * 60
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()
    oncall_min_gap: int = 1
    weights: Weights = field(default_factory=Weights)
    exempt_horizon_edges: bool = True
    """False: runs touching day 0 (without history) or the last day are not exempt
    from the minimum-length rules (history unknown counts as zero)."""


@dataclass(frozen=True)
class Stability:
    """A previous plan to stay close to (rules ``plan_stability`` and ``replan_limits``).

    ``duty_weight`` / ``period_weight`` give the cost of one change (a person added to
    or removed from the duty or period); ``added_weight`` overrides it for additions of
    one person (e.g. cheaper for backup technicians). Duties and periods in ``frozen_*``
    keep exactly their baseline people; at most ``max_changes`` changes in all.
    """

    baseline: frozenset[tuple[str, str]] = frozenset()
    """(person id, duty id) pairs of the previous plan."""
    oncall_baseline: frozenset[tuple[str, str, str]] = frozenset()
    """(person id, period id, role) of the previous plan."""
    duty_weight: Mapping[str, int] = field(default_factory=dict)
    period_weight: Mapping[str, int] = field(default_factory=dict)
    added_weight: Mapping[str, int] = field(default_factory=dict)
    """person id -> cost of adding them to a duty (instead of the duty's weight)."""
    frozen_duties: frozenset[str] = frozenset()
    frozen_periods: frozenset[str] = frozenset()
    max_changes: int | None = None
    free_cells: frozenset[tuple[str, int]] | None = None
    """A search restriction, not a rule: when set, only the (person id, day index) cells
    listed may differ from the baseline. A duty variable is free when its person and day
    are listed, an on-call variable when its person is listed on a day of the period;
    every other variable keeps its baseline value (a re-plan searches a neighbourhood of
    its changes first, see :mod:`planner.replan.neighbourhood`). None: everything not
    frozen is free."""


@dataclass(frozen=True)
class Problem:
    """A complete rostering problem for the engine."""

    num_days: int
    people: tuple[Person, ...]
    duties: tuple[Duty, ...]
    eligible: Mapping[str, tuple[str, ...]]
    """duty id -> ids of the people who may work it (only these pairs get variables)."""
    weeks: tuple[tuple[int, ...], ...] = ()
    weekends: tuple[tuple[int, ...], ...] = ()
    oncall_periods: tuple[OnCallPeriod, ...] = ()
    oncall_eligible: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """on-call period id -> ids of the people who may take it."""
    requests: tuple[Request, ...] = ()
    rules: Rules = field(default_factory=Rules)
    fixed: tuple[tuple[str, str], ...] = ()
    """(person id, duty id) pairs that must hold."""
    hint: tuple[tuple[str, str], ...] = ()
    """(person id, duty id) pairs of a previous plan, used as a warm start."""
    oncall_hint: tuple[tuple[str, str, str], ...] = ()
    """(person id, period id, role) of a previous plan."""
    stability: Stability | None = None
    """A re-plan: the plan to stay close to, its frozen part and change budget."""


def week_bounds(problem: Problem, person: Person) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` in minutes of each week of ``problem`` for ``person``: their
    :attr:`Person.local_weeks`, or the weeks' days from ``first * 1440`` to ``(last + 1) * 1440``."""
    return person.local_weeks or tuple((w[0] * 1440, (w[-1] + 1) * 1440) for w in problem.weeks)


def separable(problem: Problem) -> bool:
    """True when the objective has no term across people (fairness spreads, continuity)."""
    w = problem.rules.weights
    return not any(v > 0 for v in w.fairness.values()) and w.continuity <= 0
