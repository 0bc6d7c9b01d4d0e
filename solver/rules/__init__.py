"""One CP-SAT builder per rule, keyed by the rule names of :mod:`solver.rules.catalog`.

A builder takes the :class:`~solver.model.ModelBuilder`, adds its constraints and
returns its penalty terms ``[(weight, expression), ...]`` (empty for hard rules).
"""

from __future__ import annotations

from typing import Callable

from solver.model import LinearTerm, ModelBuilder
from solver.rules.catalog import CATALOG, HARD_RULES, SOFT_RULES
from solver.rules import (
    coverage,
    hours,
    oncall,
    preferences,
    sequences,
    stability,
    structure,
    timing,
)

Builder = Callable[[ModelBuilder], list[LinearTerm]]

_MODULES = (structure, timing, hours, sequences, oncall, coverage, preferences, stability)


def _builder(name: str) -> Builder:
    found = [getattr(mod, name) for mod in _MODULES if callable(getattr(mod, name, None))]
    if len(found) != 1:
        raise ImportError(f"rule {name!r} of solver/rules/catalog.py needs exactly one builder "
                          f"function of that name in solver/rules/ (found {len(found)})")
    return found[0]


BUILDERS: dict[str, Builder] = {r.name: _builder(r.name) for r in CATALOG}
"""Rule name -> builder, for every rule of the catalogue, in its order."""


def warm_start_tests(prefix: str) -> dict[str, Callable]:
    """Hard rule -> ``<prefix>_<rule>`` (``fits`` or ``valid``) written beside its builder,
    for the rules that keep their warm-start tests there (:mod:`solver.roster` adds them to
    ``FITS`` / ``VALID``), in catalogue order."""
    out = {}
    for name in HARD_RULES:
        found = [f for mod in _MODULES if callable(f := getattr(mod, f"{prefix}_{name}", None))]
        if len(found) > 1:
            raise ImportError(f"rule {name!r}: {len(found)} functions {prefix}_{name} in solver/rules/")
        if found:
            out[name] = found[0]
    return out


__all__ = ["BUILDERS", "CATALOG", "HARD_RULES", "SOFT_RULES", "Builder", "warm_start_tests"]
