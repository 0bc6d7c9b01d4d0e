"""On-call rules: one person per role, one role at a time, gaps, unfilled periods."""

from __future__ import annotations

from collections import defaultdict

from solver.model import LinearTerm, Lit, ModelBuilder, expr_sum


def oncall_one_per_role(m: ModelBuilder) -> list[LinearTerm]:
    """``oncall_one_per_role``: at most one primary and one backup per period.

    Periods of rotations without backup have no backup variables at all.
    """
    for roles in m.oncall_by_period.values():
        for pairs in roles.values():
            if len(pairs) > 1:
                m.model.add_at_most_one([v for _, v in pairs])
    return []


def oncall_backup_distinct(m: ModelBuilder) -> list[LinearTerm]:
    """``oncall_backup_distinct``: a person holds at most one on-call role at any moment.

    Overlapping periods form an interval graph whose maximal cliques are the sets
    of periods active at some period start, so one at-most-one per start point
    (over both roles) is exact.
    """
    for items in m.oncall_by_person.values():
        by_period: dict[str, list[Lit]] = defaultdict(list)
        bounds: dict[str, tuple[int, int]] = {}
        for q, _, var in items:
            by_period[q.id].append(var)
            bounds[q.id] = (q.start, q.end)
        seen: set[frozenset[str]] = set()
        for start, _ in sorted(bounds.values()):
            active = frozenset(k for k, (s, e) in bounds.items() if s <= start < e)
            if active in seen:
                continue
            seen.add(active)
            lits = [v for k in sorted(active) for v in by_period[k]]
            if len(lits) > 1:
                m.model.add_at_most_one(lits)
    return []


def oncall_min_gap(m: ModelBuilder) -> list[LinearTerm]:
    """``oncall_min_gap``: one person's periods of one rotation are more than ``gap`` apart.

    Any two indices at distance ``<= gap`` lie in a window of ``gap + 1``
    consecutive indices, so one at-most-one per window (any role) is exact.
    """
    gap = m.problem.rules.oncall_min_gap
    if gap <= 0:
        return []
    for items in m.oncall_by_person.values():
        by_rotation: dict[str, dict[int, list[Lit]]] = defaultdict(lambda: defaultdict(list))
        for q, _, var in items:
            by_rotation[q.rotation][q.index].append(var)
        for indices in by_rotation.values():
            lo, hi = min(indices), max(indices)
            for k in range(lo, max(lo, hi - gap) + 1):
                lits = [v for i in range(k, k + gap + 1) for v in indices.get(i, ())]
                if len(lits) > 1:
                    m.model.add_at_most_one(lits)
    return []


def oncall_unfilled(m: ModelBuilder) -> list[LinearTerm]:
    """``oncall_unfilled``: the period's weight for a missing primary and a missing backup.

    With at most one holder per role, ``1 - sum(holders)`` is exactly 1 when the
    role is empty; a period nobody may take contributes a constant.
    """
    terms: list[LinearTerm] = []
    for q in m.problem.oncall_periods:
        if q.unfilled_weight <= 0:
            continue
        roles = m.oncall_by_period[q.id]
        for role in ("primary", "backup") if q.needs_backup else ("primary",):
            vs = [v for _, v in roles.get(role, ())]
            terms.append((q.unfilled_weight, 1 - expr_sum(vs) if vs else 1))
    return terms
