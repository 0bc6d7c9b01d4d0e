"""Typed form of a Curtois & Qu shift scheduling benchmark instance.

The types mirror the text format one to one (see
``shared/benchmarks/curtois/README.md``): IDs are the file's case-sensitive
strings, days are indices ``0 .. horizon-1`` with day 0 a Monday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Shift:
    """A shift type: its length and the shift types that may not follow it the next day."""

    id: str
    minutes: int
    forbidden_next: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staff:
    """One employee's contract.

    ``max_shifts`` maps a shift type to the most shifts of that type the employee
    may work (0 = never); a type the file does not list is unlimited.
    """

    id: str
    max_shifts: Mapping[str, int] = field(default_factory=dict)
    max_total_minutes: int = 0
    min_total_minutes: int = 0
    max_consecutive_shifts: int = 0
    min_consecutive_shifts: int = 0
    min_consecutive_days_off: int = 0
    max_weekends: int = 0


@dataclass(frozen=True)
class ShiftRequest:
    """An on request (costs ``weight`` if not granted) or an off request (costs if violated)."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """The wanted number of people on a shift on a day and the cost per missing or extra one."""

    day: int
    shift: str
    requirement: int
    under: int
    over: int


@dataclass(frozen=True)
class Instance:
    """A whole benchmark instance."""

    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    days_off: Mapping[str, frozenset[int]] = field(default_factory=dict)
    on_requests: tuple[ShiftRequest, ...] = ()
    off_requests: tuple[ShiftRequest, ...] = ()
    cover: tuple[Cover, ...] = ()

    def shift(self, sid: str) -> Shift:
        """The shift type with id ``sid`` (``KeyError`` if unknown)."""
        for s in self.shifts:
            if s.id == sid:
                return s
        raise KeyError(sid)

    def employee(self, eid: str) -> Staff:
        """The employee with id ``eid`` (``KeyError`` if unknown)."""
        for s in self.staff:
            if s.id == eid:
                return s
        raise KeyError(eid)

    @property
    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """Weekend k: days 7k+5 and 7k+6 that lie in the horizon (day 0 is a Monday)."""
        out = []
        for k in range((self.horizon + 6) // 7):
            days = tuple(d for d in (7 * k + 5, 7 * k + 6) if d < self.horizon)
            if days:
                out.append(days)
        return tuple(out)
