"""Structural hard rules: eligibility, one shift per day, fixed assignments."""

from __future__ import annotations

from solver.model import LinearTerm, ModelBuilder


def eligibility(m: ModelBuilder) -> list[LinearTerm]:
    """``eligibility``: a person holds only duties they are eligible for.

    Structural: only eligible (person, duty) pairs have a variable, so nothing is
    added here; the builder exists so that every rule name has one.
    """
    return []


def oncall_eligibility(m: ModelBuilder) -> list[LinearTerm]:
    """``oncall_eligibility``: structural, only eligible (person, period) pairs have variables."""
    return []


def one_shift_per_day(m: ModelBuilder) -> list[LinearTerm]:
    """``one_shift_per_day``: at most one duty per person per day.

    The ``works`` definition (``works == sum``) already implies it; the explicit
    clique keeps the rule visible and costs nothing after presolve.
    """
    for days in m.by_person_day.values():
        for pairs in days:
            if len(pairs) > 1:
                m.model.add_at_most_one([v for _, v in pairs])
    return []


def fixed_assignments(m: ModelBuilder) -> list[LinearTerm]:
    """``fixed_assignments``: every fixed (person, duty) pair holds.

    A fixed pair that is not eligible cannot hold: the model becomes infeasible
    (an empty clause), which is what the rules say of such a plan.
    """
    for pid, did in m.problem.fixed:
        var = m.x.get((pid, did))
        if var is None:
            m.cache.setdefault("conflicts", []).append(
                f"fixed assignment ({pid}, {did}) is not an eligible pair"
            )
            m.model.add_bool_or([])
        else:
            m.model.add(var == 1)
    return []
