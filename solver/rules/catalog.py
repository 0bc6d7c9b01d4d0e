"""The rule catalogue: every rule's name, kind, label and description, declared once.

Plain data (no OR-Tools), in build order: the solver builds the hard rules and
sums the soft penalties in this order. Everything else is looked up from here: the
builders (:data:`solver.rules.BUILDERS`, by name), the warm start's feasibility
tests (:data:`solver.roster.FITS`), the soft-rule evaluator
(:func:`solver.evaluate.evaluate`), the planner's registry (:mod:`planner.rules`,
which pairs each rule with the independent checker's own check) and the table of
docs/rules.md; ``tests/test_registry.py`` fails when one of them misses a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["hard", "soft"]


@dataclass(frozen=True)
class RuleSpec:
    """One rule: its name (shared by builder, check, test file), kind, label, description.

    ``params`` names the rule's per-person parameters in ``solver.problem.Person.params``
    (the planner fills them from the contract fields it marks with these names).
    """

    name: str
    kind: Kind
    label: str
    description: str
    params: tuple[str, ...] = ()


def _hard(name: str, label: str, description: str, *params: str) -> RuleSpec:
    return RuleSpec(name, "hard", label, description, params)


def _soft(name: str, label: str, description: str) -> RuleSpec:
    return RuleSpec(name, "soft", label, description)


CATALOG: tuple[RuleSpec, ...] = (
    _hard("eligibility", "Eligibility", "trained, skilled, not absent, shift allowed, not a public holiday"),
    _hard("one_shift_per_day", "One shift per day", "at most one duty per person per day"),
    _hard("no_overlap", "No overlapping duties", "no two duties of one person overlap in time"),
    _hard("min_rest", "Minimum rest", "at least min_rest_hours between duties on different days"),
    _hard("weekly_rest", "Weekly rest", "min_weekly_rest_hours free of duties starting in each calendar week",
          "min_weekly_rest_minutes"),
    _hard("max_hours_per_week", "Maximum hours per week", "worked minutes per calendar week capped"),
    _hard("contract_hours", "Contract hours", "worked minutes over the horizon within the contract's bounds"),
    _hard("max_consecutive_days", "Maximum consecutive working days", "no longer work run, history counted"),
    _hard("min_consecutive_days", "Minimum consecutive working days", "no shorter work run, except at the edges"),
    _hard("min_consecutive_days_off", "Minimum consecutive days off", "no shorter off run, except at the edges"),
    _hard("max_weekends", "Maximum weekends worked", "at most max_weekends weekends with a worked day"),
    _hard("shift_type_limits", "Shift-type limits", "at most shift_limits[type] duties of a type"),
    _hard("forbidden_successions", "Forbidden successions", "no type a on day d then type b on day d+1"),
    _hard("fixed_assignments", "Fixed assignments", "every fixed assignment is in the plan"),
    _hard("oncall_one_per_role", "One person per on-call role", "at most one primary and one backup per period"),
    _hard("oncall_backup_distinct", "One on-call role at a time", "never two roles or overlapping periods"),
    _hard("oncall_eligibility", "On-call eligibility", "eligible, skilled, trained on every client, not absent"),
    _hard("oncall_min_gap", "Gap between on-call periods", "periods of one person more than the gap apart"),
    _hard("replan_limits", "Re-plan limits", "no change inside the frozen window; at most max_changes changes"),
    _soft("coverage_shortfall", "Coverage shortfall", "missing people on the base demand, by SLA tier"),
    _soft("peak_shortfall", "Peak shortfall", "missing people on an activity peak's extra demand"),
    _soft("over_coverage", "Over-coverage", "people beyond the required and peak demand"),
    _soft("oncall_unfilled", "Unfilled on-call role", "a period without primary or needed backup"),
    _soft("fairness", "Fairness", "spread of nights, weekends, holidays, on-call among comparable people"),
    _soft("requests", "Requests", "work or off requests not granted"),
    _soft("continuity", "Continuity", "working consecutive days for different clients"),
    _soft("backup_use", "Backup use", "duties given to backup technicians"),
    _soft("plan_stability", "Plan stability", "duties changed against the published plan, dearer near now"),
)

HARD_RULES: tuple[str, ...] = tuple(r.name for r in CATALOG if r.kind == "hard")
SOFT_RULES: tuple[str, ...] = tuple(r.name for r in CATALOG if r.kind == "soft")
PARAMS: dict[str, str] = {k: r.name for r in CATALOG for k in r.params}
"""``Person.params`` key -> its rule."""


def markdown_table() -> str:
    """The summary table of docs/rules.md (name, kind, label, description), one row a rule."""
    rows = ["| rule | kind | label | in short |", "| --- | --- | --- | --- |"]
    rows += [f"| `{r.name}` | {r.kind} | {r.label} | {r.description} |" for r in CATALOG]
    return "\n".join(rows)
