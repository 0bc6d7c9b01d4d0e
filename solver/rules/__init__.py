"""One CP-SAT builder per rule, keyed by the rule names of docs/architecture.md.

A builder takes the :class:`~solver.model.ModelBuilder`, adds its constraints and
returns its penalty terms ``[(weight, expression), ...]`` (empty for hard rules).
"""

from __future__ import annotations

from typing import Callable

from solver.model import LinearTerm, ModelBuilder
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

HARD_RULES: tuple[str, ...] = (
    "eligibility",
    "one_shift_per_day",
    "no_overlap",
    "min_rest",
    "max_hours_per_week",
    "contract_hours",
    "max_consecutive_days",
    "min_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends",
    "shift_type_limits",
    "forbidden_successions",
    "fixed_assignments",
    "oncall_one_per_role",
    "oncall_backup_distinct",
    "oncall_eligibility",
    "oncall_min_gap",
    "replan_limits",
)

SOFT_RULES: tuple[str, ...] = (
    "coverage_shortfall",
    "peak_shortfall",
    "over_coverage",
    "oncall_unfilled",
    "fairness",
    "requests",
    "continuity",
    "backup_use",
    "plan_stability",
)

_MODULES = (structure, timing, hours, sequences, oncall, coverage, preferences, stability)

BUILDERS: dict[str, Builder] = {
    name: next(getattr(mod, name) for mod in _MODULES if hasattr(mod, name))
    for name in HARD_RULES + SOFT_RULES
}
"""Rule name -> builder, for every hard and soft rule."""

__all__ = ["BUILDERS", "HARD_RULES", "SOFT_RULES", "Builder"]
