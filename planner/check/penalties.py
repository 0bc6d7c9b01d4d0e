"""Soft rules: each function returns its weighted penalty (docs/rules.md)."""

from __future__ import annotations

from planner.check.context import Context
from planner.check.report import CoverageRow, FairnessRow, UnfilledOnCall
from planner.demands import DemandRow


def split_missing(row: DemandRow, assigned: int) -> tuple[int, int]:
    """``(base_missing, peak_missing)`` on a duty, charged to the cheaper tier first."""
    missing = max(0, row.required + row.peak - assigned)
    if row.peak_weight <= row.under_weight:
        peak = min(missing, row.peak)
        return missing - peak, peak
    base = min(missing, row.required)
    return base, missing - base


def _assigned(ctx: Context, row: DemandRow) -> int:
    return len(ctx.by_row.get(row.key, ()))


def coverage_rows(ctx: Context) -> tuple[CoverageRow, ...]:
    """Coverage of every demand row (required includes the peak demand)."""
    out = []
    for row in ctx.d.demands:
        n = _assigned(ctx, row)
        out.append(CoverageRow(row.client, row.date, row.shift, row.skill, row.required + row.peak,
                               n, max(0, row.required + row.peak - n)))
    return tuple(out)


def penalty_coverage_shortfall(ctx: Context) -> int:
    """Per duty, ``under_weight`` x missing people of the base demand."""
    return sum(r.under_weight * split_missing(r, _assigned(ctx, r))[0] for r in ctx.d.demands)


def penalty_peak_shortfall(ctx: Context) -> int:
    """Per duty, ``peak_weight`` x missing people of the peak demand."""
    return sum(r.peak_weight * split_missing(r, _assigned(ctx, r))[1] for r in ctx.d.demands)


def penalty_over_coverage(ctx: Context) -> int:
    """Per duty, ``over_weight`` x people beyond required + peak."""
    return sum(r.over_weight * max(0, _assigned(ctx, r) - r.required - r.peak)
               for r in ctx.d.demands)


def unfilled(ctx: Context) -> tuple[UnfilledOnCall, ...]:
    """On-call roles left empty: a primary per period, a backup where the rotation has one."""
    out = []
    for p in ctx.d.periods:
        roles = ctx.calls_by_period.get((p.rotation, p.index), {})
        if not roles.get("primary"):
            out.append(UnfilledOnCall(p.rotation, p.start, "primary"))
        if p.backup and not roles.get("backup"):
            out.append(UnfilledOnCall(p.rotation, p.start, "backup"))
    return tuple(out)


def penalty_oncall_unfilled(ctx: Context) -> int:
    """``oncall_unfilled_weight`` per unfilled on-call role."""
    return ctx.rules.oncall_unfilled_weight * len(unfilled(ctx))


def fairness_rows(ctx: Context) -> tuple[FairnessRow, ...]:
    """Per tag and contract: the tagged counts of the people eligible for that tag.

    Only (tag, group) pairs with two or more eligible people are listed: fewer
    leave nothing to compare.
    """
    if "fairness" not in ctx.memo:
        ctx.memo["fairness"] = _fairness_rows(ctx)
    return ctx.memo["fairness"]


def _fairness_rows(ctx: Context) -> tuple[FairnessRow, ...]:
    techs = sorted(ctx.d.technicians.values(), key=lambda t: t.id)
    counts: dict[str, dict[str, int]] = {}
    for h in ctx.held:
        if h.row is not None:
            for tag in h.row.tags:
                c = counts.setdefault(tag, {})
                c[h.technician] = c.get(h.technician, 0) + 1
    periods: dict[str, set] = {}
    for c in ctx.calls:
        if c.period is not None:
            periods.setdefault(c.technician, set()).add((c.period.rotation, c.period.index))
    counts["oncall"] = {t: len(p) for t, p in periods.items()}
    out = []
    for tag in sorted(ctx.rules.fairness_weights):
        # tagged rows per client: a technician can only be eligible on their clients
        tagged: dict[str, list[DemandRow]] = {}
        for r in ctx.d.demands:
            if tag in r.tags:
                tagged.setdefault(r.client, []).append(r)
        eligible = []
        for t in techs:
            if tag == "oncall":
                ok = any(ctx.d.oncall_ineligible_reason(t, p) is None for p in ctx.d.periods)
            else:
                ok = any(ctx.open_to(t, r) for c in sorted(t.clients) for r in tagged.get(c, ()))
            if ok:
                eligible.append(t)
        groups: dict[str, list[str]] = {}
        for t in eligible:
            groups.setdefault(t.contract, []).append(t.id)
        for group, people in sorted(groups.items()):
            if len(people) < 2:
                continue
            n = {p: counts.get(tag, {}).get(p, 0) for p in people}
            out.append(FairnessRow(tag, group, n, max(n.values()) - min(n.values())))
    return tuple(out)


def penalty_fairness(ctx: Context) -> int:
    """Per tag with weight w > 0 and per contract, w x (max - min) of the tagged counts."""
    w = ctx.rules.fairness_weights
    return sum(w.get(r.tag, 0) * r.spread for r in fairness_rows(ctx) if w.get(r.tag, 0) > 0)


def penalty_requests(ctx: Context) -> int:
    """Weights of the requests not granted.

    Requests on dates outside the horizon are ignored (nothing in the plan can answer them)."""
    total = 0
    start, end = ctx.scenario.horizon.start, ctx.scenario.horizon.end
    for q in ctx.scenario.requests:
        if not start <= q.date <= end:
            continue
        holds = any(h.date == q.date and (not q.shift or h.shift == q.shift)
                    for h in ctx.by_tech.get(q.technician, ()))
        if holds != q.work:
            total += q.weight
    return total


def penalty_continuity(ctx: Context) -> int:
    """``continuity_weight`` per person and day d worked for other clients than day d+1."""
    total = 0
    for lst in ctx.by_tech.values():
        clients: dict[int, set[str]] = {}
        for h in lst:
            clients.setdefault(h.day, set()).add(h.client)
        for day, here in clients.items():
            nxt = clients.get(day + 1)
            if nxt and nxt != here:
                total += ctx.rules.continuity_weight
    return total


def penalty_backup_use(ctx: Context) -> int:
    """``backup_use_weight`` per duty held by a backup technician."""
    n = sum(len(lst) for t, lst in ctx.by_tech.items() if ctx.d.technicians[t].is_backup)
    return ctx.rules.backup_use_weight * n
