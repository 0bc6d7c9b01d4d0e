"""The rule registry: one name, four places (parameters, solver builder, check, test).

Each rule of docs/rules.md is registered here with a human label, its kind
(``hard`` or ``soft``), its solver-free check (hard: returns violations; soft:
returns the penalty) and a one-line description. ``tests/test_registry.py``
asserts that every registered rule also has a solver builder and a test file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from planner.check.checker import HARD_CHECKS, PENALTIES


@dataclass(frozen=True)
class RuleInfo:
    """A registered rule."""

    name: str
    label: str
    kind: Literal["hard", "soft"]
    check: Callable
    description: str


_HARD = {
    "eligibility": ("Eligibility", "trained, skilled, not absent, shift allowed, not a public holiday"),
    "one_shift_per_day": ("One shift per day", "at most one duty per person per day"),
    "no_overlap": ("No overlapping duties", "no two duties of one person overlap in time"),
    "min_rest": ("Minimum rest", "at least min_rest_hours between duties on different days"),
    "max_hours_per_week": ("Maximum hours per week", "worked minutes per calendar week capped"),
    "contract_hours": ("Contract hours", "worked minutes over the horizon within the contract's bounds"),
    "max_consecutive_days": ("Maximum consecutive working days", "no longer work run, history counted"),
    "min_consecutive_days": ("Minimum consecutive working days", "no shorter work run, except at the edges"),
    "min_consecutive_days_off": ("Minimum consecutive days off", "no shorter off run, except at the edges"),
    "max_weekends": ("Maximum weekends worked", "at most max_weekends weekends with a worked day"),
    "shift_type_limits": ("Shift-type limits", "at most shift_limits[type] duties of a type"),
    "forbidden_successions": ("Forbidden successions", "no type a on day d then type b on day d+1"),
    "fixed_assignments": ("Fixed assignments", "every fixed assignment is in the plan"),
    "oncall_one_per_role": ("One person per on-call role", "at most one primary and one backup per period"),
    "oncall_backup_distinct": ("One on-call role at a time", "never two roles or overlapping periods"),
    "oncall_eligibility": ("On-call eligibility", "eligible, skilled, trained on every client, not absent"),
    "oncall_min_gap": ("Gap between on-call periods", "periods of one person more than the gap apart"),
    "replan_limits": ("Re-plan limits", "no change inside the frozen window; at most max_changes changes"),
}

_SOFT = {
    "coverage_shortfall": ("Coverage shortfall", "missing people on the base demand, by SLA tier"),
    "peak_shortfall": ("Peak shortfall", "missing people on an activity peak's extra demand"),
    "over_coverage": ("Over-coverage", "people beyond the required and peak demand"),
    "oncall_unfilled": ("Unfilled on-call role", "a period without primary or needed backup"),
    "fairness": ("Fairness", "spread of nights, weekends, holidays, on-call among comparable people"),
    "requests": ("Requests", "work or off requests not granted"),
    "continuity": ("Continuity", "working consecutive days for different clients"),
    "backup_use": ("Backup use", "duties given to backup technicians"),
    "plan_stability": ("Plan stability", "duties changed against the published plan, dearer near now"),
}

RULES: dict[str, RuleInfo] = {
    **{n: RuleInfo(n, lab, "hard", HARD_CHECKS[n], desc) for n, (lab, desc) in _HARD.items()},
    **{n: RuleInfo(n, lab, "soft", PENALTIES[n], desc) for n, (lab, desc) in _SOFT.items()},
}

HARD_RULES = tuple(n for n, r in RULES.items() if r.kind == "hard")
SOFT_RULES = tuple(n for n, r in RULES.items() if r.kind == "soft")
