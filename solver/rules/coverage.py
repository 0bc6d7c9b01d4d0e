"""Coverage soft rules: ``coverage_shortfall``, ``peak_shortfall``, ``over_coverage``.

Two-tier slack per duty: ``assigned + base + peak >= required + peak_required``
with ``base <= required`` and ``peak <= peak_required``. For a given assignment the
cheapest slack values charge the missing people to the cheaper tier first, which is
exactly the split of docs/rules.md; the reported penalties are recomputed from the
plan with that split (see :mod:`solver.evaluate`), so ties between equal weights do
not matter.
"""

from __future__ import annotations

from solver.model import LinearTerm, Lit, ModelBuilder, expr_sum
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


def _slacks(m: ModelBuilder) -> dict[str, tuple[Lit | int, Lit | int]]:
    """Duty id -> (base slack, peak slack), built once and shared by both tiers."""
    if "coverage" in m.cache:
        return m.cache["coverage"]  # type: ignore[return-value]
    out: dict[str, tuple[Lit | int, Lit | int]] = {}
    for duty in m.problem.duties:
        dm = duty.demand
        want = dm.required + dm.peak_required
        if want <= 0:
            continue
        vs = [v for _, v in m.by_duty[duty.id]]
        if not vs:
            out[duty.id] = (dm.required, dm.peak_required)  # nobody may come: constant
            continue
        base = m.model.new_int_var(0, dm.required, f"short[{duty.id}]") if dm.required else 0
        peak = (
            m.model.new_int_var(0, dm.peak_required, f"peak_short[{duty.id}]")
            if dm.peak_required
            else 0
        )
        m.model.add(expr_sum(vs) + base + peak >= want)
        idx = [v.index for v in vs]

        def split(val, duty=duty, idx=idx):
            return split_missing(duty, sum(val.get(i, 0) for i in idx))

        if dm.required:
            m.derive(base, lambda val, split=split: split(val)[0])
        if dm.peak_required:
            m.derive(peak, lambda val, split=split: split(val)[1])
        out[duty.id] = (base, peak)
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
        m.model.add(over >= expr_sum(vs) - want)
        idx = [v.index for v in vs]
        m.derive(over, lambda val, idx=idx, want=want: max(0, sum(val.get(i, 0) for i in idx) - want))
        terms.append((dm.over_weight, over))
    return terms
