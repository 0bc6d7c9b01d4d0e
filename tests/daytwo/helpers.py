"""A small published roster to repair: A on even days, B on odd days, K a free backup."""

from __future__ import annotations

import datetime as dt

from planner.domain import Role
from solver import SolveOptions
from tests.rules.conftest import day, every_day, make, plan, tech, works

NOW = dt.datetime(2027, 7, 5, 0, 0, tzinfo=dt.timezone.utc)  # day 0, 00:00 UTC
OPTS = SolveOptions(time_limit=10, workers=1, seed=0)
BACKUP = tech("K", "Karim", roles=frozenset({Role.backup}), clients=frozenset({"acme", "beta"}),
              email="karim@example.org")


def scenario(days: int = 14, **kw):
    """Alice and Bob (regulars) and Karim (backup) on acme; one day shift wanted daily."""
    return make(days=days, technicians=(tech("A", "Alice", email="alice@example.org"),
                                        tech("B", "Bob"), BACKUP),
                coverage=every_day("D"), **kw)


def published(sc, days: int = 14):
    """A on even days, B on odd days."""
    return plan(works(sc, "A", range(0, days, 2)) + works(sc, "B", range(1, days, 2)))


__all__ = ["BACKUP", "NOW", "OPTS", "day", "published", "scenario"]
