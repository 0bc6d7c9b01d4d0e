"""Coverage soft rules: ``coverage_shortfall``, ``peak_shortfall``, ``over_coverage``.

Two tiers per duty: ``short = max(0, required + peak_required - assigned)`` people
are missing, charged to the cheaper tier first (``min(short, cap)`` on that tier,
the rest on the other), which is exactly the split of docs/rules.md.
"""

from __future__ import annotations

from solver.model import LinearTerm, ModelBuilder, expr_sum
from solver.problem import Duty


def split_missing(duty: Duty, assigned: int) -> tuple[int, int]:
    """(base_missing, peak_missing) for ``assigned`` people, as docs/rules.md defines them."""
    dm = duty.demand
    missing = max(0, dm.required + dm.peak_required - assigned)
    if dm.peak_weight <= dm.under_weight:
        peak = min(missing, dm.peak_required)
        return missing - peak, peak
    base = min(missing, dm.required)
    return base, missing - base


def _slacks(m: ModelBuilder) -> dict[str, tuple[object, object]]:
    """Duty id -> (base missing, peak missing) expressions, built once for both tiers.

    ``short = max(0, want - assigned)`` is an exact ``lin_max``, and the tier split
    an exact ``min`` on the cheaper tier, so every solution's objective is the
    plan's true penalty (a mere lower bound would let large-neighbourhood moves
    keep stale slack and misjudge plans).
    """
    if "coverage" in m.cache:
        return m.cache["coverage"]  # type: ignore[return-value]
    out: dict[str, tuple[object, object]] = {}
    for duty in m.problem.duties:
        dm = duty.demand
        want = dm.required + dm.peak_required
        if want <= 0:
            continue
        vs = [v for _, v in m.by_duty[duty.id]]
        if not vs:
            out[duty.id] = (dm.required, dm.peak_required)  # nobody may come: constant
            continue
        short = m.model.new_int_var(0, want, f"short[{duty.id}]")
        m.model.add_max_equality(short, [want - expr_sum(vs), 0])
        idx = [v.index for v in vs]
        m.derive(short, lambda val, idx=idx, want=want: max(0, want - sum(val.get(i, 0) for i in idx)))
        if not dm.peak_required:
            out[duty.id] = (short, 0)
        elif not dm.required:
            out[duty.id] = (0, short)
        elif dm.peak_weight <= dm.under_weight:
            peak = m.model.new_int_var(0, dm.peak_required, f"peak_short[{duty.id}]")
            m.model.add_min_equality(peak, [short, dm.peak_required])
            m.derive(peak, lambda val, s=short.index, cap=dm.peak_required: min(val[s], cap))
            out[duty.id] = (short - peak, peak)
        else:
            base = m.model.new_int_var(0, dm.required, f"base_short[{duty.id}]")
            m.model.add_min_equality(base, [short, dm.required])
            m.derive(base, lambda val, s=short.index, cap=dm.required: min(val[s], cap))
            out[duty.id] = (base, short - base)
    m.cache["coverage"] = out
    return out


def coverage_shortfall(m: ModelBuilder) -> list[LinearTerm]:
    """``coverage_shortfall``: ``under_weight`` per missing person of the base demand."""
    slacks = _slacks(m)
    return [
        (m.duties[did].demand.under_weight, base)
        for did, (base, _) in slacks.items()
        if m.duties[did].demand.under_weight > 0 and not (isinstance(base, int) and base == 0)
    ]


def peak_shortfall(m: ModelBuilder) -> list[LinearTerm]:
    """``peak_shortfall``: ``peak_weight`` per missing person of the peak demand."""
    slacks = _slacks(m)
    return [
        (m.duties[did].demand.peak_weight, peak)
        for did, (_, peak) in slacks.items()
        if m.duties[did].demand.peak_weight > 0 and not (isinstance(peak, int) and peak == 0)
    ]


def over_coverage(m: ModelBuilder) -> list[LinearTerm]:
    """``over_coverage``: ``over_weight`` per person beyond ``required + peak_required``."""
    terms: list[LinearTerm] = []
    for duty in m.problem.duties:
        dm = duty.demand
        want = dm.required + dm.peak_required
        vs = [v for _, v in m.by_duty[duty.id]]
        if dm.over_weight <= 0 or len(vs) <= want:
            continue
        over = m.model.new_int_var(0, len(vs) - want, f"over[{duty.id}]")
        m.model.add_max_equality(over, [expr_sum(vs) - want, 0])  # exact, see _slacks
        idx = [v.index for v in vs]
        m.derive(over, lambda val, idx=idx, want=want: max(0, sum(val.get(i, 0) for i in idx) - want))
        terms.append((dm.over_weight, over))
    return terms
