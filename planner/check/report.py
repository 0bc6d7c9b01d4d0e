"""What the checker returns: violations, penalties, coverage, fairness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Violation:
    """One broken hard rule.

    ``technician`` is the technician id ('' when the violation concerns no one
    person) and ``date`` the date it happens on (None when it has none); ``busy`` the
    label of the other team's duty it runs into ('' when none: see docs/rules.md,
    "Busy time").
    """

    rule: str
    message: str
    technician: str = ""
    date: dt.date | None = None
    busy: str = ""


@dataclass(frozen=True)
class CoverageRow:
    """Coverage of one demand row: ``required`` includes the peak demand."""

    client: str
    date: dt.date
    shift: str
    skill: str
    required: int
    assigned: int
    shortfall: int


@dataclass(frozen=True)
class FairnessRow:
    """How often each comparable technician holds duties of one tag."""

    tag: str
    group: str
    counts: Mapping[str, int]
    spread: int


@dataclass(frozen=True)
class UnfilledOnCall:
    """An on-call role left empty in one period."""

    rotation: str
    start: dt.datetime
    role: str


@dataclass(frozen=True)
class CheckReport:
    """Everything the checker found in one plan.

    ``objective`` is the sum of ``penalties`` (soft rule name -> weighted penalty),
    recomputed from docs/rules.md without the solver.
    """

    violations: tuple[Violation, ...] = ()
    penalties: Mapping[str, int] = field(default_factory=dict)
    coverage: tuple[CoverageRow, ...] = ()
    fairness: tuple[FairnessRow, ...] = ()
    unfilled_oncall: tuple[UnfilledOnCall, ...] = ()

    @property
    def hard_ok(self) -> bool:
        """True when the plan breaks no hard rule."""
        return not self.violations

    @property
    def objective(self) -> int:
        return sum(self.penalties.values())

    def by_rule(self, rule: str) -> tuple[Violation, ...]:
        """The violations of one rule."""
        return tuple(v for v in self.violations if v.rule == rule)
