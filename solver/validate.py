"""Checks that a :class:`~solver.problem.Problem` is well formed before a model is built.

Errors name the field and the offending id, so a caller (the compile step, a test,
an importer) can tell what to fix.
"""

from __future__ import annotations

from solver.problem import Person, Problem

ROLES = ("primary", "backup")


class ProblemError(ValueError):
    """The problem is malformed (unknown id, impossible interval, day out of range...)."""


def _unique(kind: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ProblemError(f"Problem.{kind}: duplicate id {i!r}")
        seen.add(i)
    return seen


def _rule_params(problem: Problem, p: Person) -> None:
    """``Person.params``: names the catalogue declares, non-negative integers; ``local_weeks``
    aligned with ``Problem.weeks``."""
    # imported here: solver.rules imports solver.model, which imports this module
    from solver.rules.catalog import PARAMS

    for k, v in p.params.items():
        if k not in PARAMS:
            raise ProblemError(f"Problem.people[{p.id!r}].params: unknown rule parameter {k!r} "
                               f"(solver/rules/catalog.py declares {', '.join(sorted(PARAMS))})")
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ProblemError(f"Problem.people[{p.id!r}].params[{k!r}] must be a non-negative "
                               f"integer (got {v!r})")
    if p.local_weeks:
        if len(p.local_weeks) != len(problem.weeks):
            raise ProblemError(f"Problem.people[{p.id!r}].local_weeks has {len(p.local_weeks)} "
                               f"weeks, Problem.weeks {len(problem.weeks)}")
        for k, (start, end) in enumerate(p.local_weeks):
            if end <= start:
                raise ProblemError(f"Problem.people[{p.id!r}].local_weeks[{k}]: end {end} is "
                                   f"not after start {start}")


def validate(problem: Problem) -> None:
    """Raise :class:`ProblemError` when ``problem`` references unknown ids or is inconsistent.

    Parameters
    ----------
    problem : the problem to check.

    Raises
    ------
    ProblemError
        On the first inconsistency found; the message names the field.
    """
    n = problem.num_days
    if n < 1:
        raise ProblemError(f"Problem.num_days must be at least 1 (got {n})")
    people = _unique("people", [p.id for p in problem.people])
    duties = _unique("duties", [d.id for d in problem.duties])
    periods = _unique("oncall_periods", [q.id for q in problem.oncall_periods])
    for d in problem.duties:
        if not 0 <= d.day < n:
            raise ProblemError(f"Problem.duties[{d.id!r}].day = {d.day} is outside 0..{n - 1}")
        if d.end <= d.start:
            raise ProblemError(f"Problem.duties[{d.id!r}]: end {d.end} is not after start {d.start}")
        if d.minutes < 0:
            raise ProblemError(f"Problem.duties[{d.id!r}].minutes is negative")
        dm = d.demand
        for name in ("required", "under_weight", "over_weight", "peak_required", "peak_weight"):
            if getattr(dm, name) < 0:
                raise ProblemError(f"Problem.duties[{d.id!r}].demand.{name} is negative")
    for did, who in problem.eligible.items():
        if did not in duties:
            raise ProblemError(f"Problem.eligible: unknown duty id {did!r}")
        for pid in who:
            if pid not in people:
                raise ProblemError(f"Problem.eligible[{did!r}]: unknown person id {pid!r}")
    for q in problem.oncall_periods:
        if q.end <= q.start:
            raise ProblemError(f"Problem.oncall_periods[{q.id!r}]: end is not after start")
        if q.unfilled_weight < 0:
            raise ProblemError(f"Problem.oncall_periods[{q.id!r}].unfilled_weight is negative")
    for qid, who in problem.oncall_eligible.items():
        if qid not in periods:
            raise ProblemError(f"Problem.oncall_eligible: unknown period id {qid!r}")
        for pid in who:
            if pid not in people:
                raise ProblemError(f"Problem.oncall_eligible[{qid!r}]: unknown person id {pid!r}")
    for field, groups in (("weeks", problem.weeks), ("weekends", problem.weekends)):
        for k, days in enumerate(groups):
            for day in days:
                if not 0 <= day < n:
                    raise ProblemError(f"Problem.{field}[{k}] holds day {day} outside 0..{n - 1}")
    for i, r in enumerate(problem.requests):
        if r.person not in people:
            raise ProblemError(f"Problem.requests[{i}]: unknown person id {r.person!r}")
        if not 0 <= r.day < n:
            raise ProblemError(f"Problem.requests[{i}].day = {r.day} is outside 0..{n - 1}")
        if r.weight < 0:
            raise ProblemError(f"Problem.requests[{i}].weight is negative")
    for i, (pid, did) in enumerate(problem.fixed):
        if pid not in people:
            raise ProblemError(f"Problem.fixed[{i}]: unknown person id {pid!r}")
        if did not in duties:
            raise ProblemError(f"Problem.fixed[{i}]: unknown duty id {did!r}")
    for p in problem.people:
        for name in (
            "max_minutes", "min_minutes", "max_minutes_per_week", "max_consecutive_days",
            "min_consecutive_days", "min_consecutive_days_off", "max_weekends",
            "history_consecutive_days", "history_consecutive_days_off",
        ):
            v = getattr(p, name)
            if v is not None and v < 0:
                raise ProblemError(f"Problem.people[{p.id!r}].{name} is negative ({v})")
        for t, v in p.max_per_shift_type.items():
            if v < 0:
                raise ProblemError(f"Problem.people[{p.id!r}].max_per_shift_type[{t!r}] is negative")
        _rule_params(problem, p)
    w = problem.rules.weights
    for t, v in w.fairness.items():
        if v < 0:
            raise ProblemError(f"Problem.rules.weights.fairness[{t!r}] is negative")
    if w.continuity < 0 or w.backup_use < 0:
        raise ProblemError("Problem.rules.weights: continuity and backup_use must be >= 0")
    if problem.rules.min_rest_minutes < 0 or problem.rules.oncall_min_gap < 0:
        raise ProblemError("Problem.rules: min_rest_minutes and oncall_min_gap must be >= 0")
