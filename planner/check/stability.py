"""Re-plan rules against ``scenario.baseline``: ``plan_stability`` and ``replan_limits``.

A **change** is an assignment (technician, client, date, shift, skill) or an on-call
role (technician, rotation, role, period start) held in one of the plan and the
baseline plan but not the other. A removal is **forced** when the baseline holder may
no longer hold it (unknown technician, duty or period gone, ineligible now: absent,
left, untrained): it costs nothing and does not count against the budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.calendar import UTC
from planner.check.context import Context, aware
from planner.check.report import Violation


@dataclass(frozen=True)
class Change:
    """One added or removed duty or on-call role."""

    technician: str
    date: dt.date
    kind: str
    """``shift``, ``oncall_primary`` or ``oncall_backup``."""
    shift: str
    """Shift type, or the rotation id for on-call."""
    client: str
    """Client, or the rotation's clients (``;``-separated) for on-call."""
    skill: str
    start: dt.datetime
    end: dt.datetime
    change: str
    """``added`` or ``removed``."""
    forced: bool
    frozen: bool
    weight: int


def _weight(ctx: Context, start: dt.datetime, technician: str, added: bool) -> int:
    b = ctx.scenario.baseline
    tech = ctx.d.technicians.get(technician)
    if added and tech is not None and tech.is_backup:
        return b.backup_change_weight
    near = b.now + dt.timedelta(days=b.near_days)
    return b.near_change_weight if start < near else b.change_weight


def changes(ctx: Context) -> tuple[Change, ...]:
    """Every change of ``ctx.plan`` against the scenario's baseline (empty without one)."""
    if "changes" in ctx.memo:
        return ctx.memo["changes"]  # type: ignore[return-value]
    b = ctx.scenario.baseline
    out: list[Change] = []
    if b is not None:
        frozen_end = b.now + dt.timedelta(hours=b.frozen_hours)
        out.extend(_shift_changes(ctx, frozen_end))
        out.extend(_call_changes(ctx, frozen_end))
    out.sort(key=lambda c: (c.start.astimezone(UTC), c.technician, c.kind, c.change))
    result = tuple(out)
    ctx.memo["changes"] = result
    return result


def _shift_changes(ctx: Context, frozen_end: dt.datetime) -> list[Change]:
    def key(a):
        return (a.technician, a.client, a.date, a.shift, a.skill)

    now = {key(a): a for a in ctx.plan.assignments}
    before = {key(a): a for a in ctx.scenario.baseline.plan.assignments}
    out = []
    for k in now.keys() ^ before.keys():
        added = k in now
        a = now[k] if added else before[k]
        row = ctx.rows.get((a.client, a.date, a.shift, a.skill))
        tech = ctx.d.technicians.get(a.technician)
        forced = not added and (row is None or tech is None or not ctx.open_to(tech, row))
        start, end = (row.start, row.end) if row is not None else (aware(a.start), aware(a.end))
        out.append(Change(a.technician, a.date, "shift", a.shift, a.client, a.skill, start, end,
                          "added" if added else "removed", forced, start < frozen_end,
                          0 if forced else _weight(ctx, start, a.technician, added)))
    return out


def _call_changes(ctx: Context, frozen_end: dt.datetime) -> list[Change]:
    periods = {(p.rotation, p.start.astimezone(UTC)): p for p in ctx.d.periods}

    def key(o):
        return (o.technician, o.rotation, str(o.role), aware(o.start).astimezone(UTC))

    now = {key(o): o for o in ctx.plan.oncall}
    before = {key(o): o for o in ctx.scenario.baseline.plan.oncall}
    out = []
    for k in now.keys() ^ before.keys():
        added = k in now
        o = now[k] if added else before[k]
        period = periods.get((o.rotation, k[3]))
        tech = ctx.d.technicians.get(o.technician)
        forced = not added and (period is None or tech is None
                                or ctx.d.oncall_ineligible_reason(tech, period) is not None)
        rot = ctx.d.rotations.get(o.rotation)
        clients = ";".join(sorted(rot.clients)) if rot else ""
        start, end = aware(o.start), aware(o.end)
        weight = 0 if forced else _weight(ctx, start, "", added)
        out.append(Change(o.technician, start.date(), f"oncall_{o.role}", o.rotation, clients,
                          rot.skill if rot else "", start, end,
                          "added" if added else "removed", forced, start < frozen_end, weight))
    return out


def check_replan_limits(ctx: Context) -> list[Violation]:
    """No chosen change to a duty starting before ``now + frozen_hours``; at most ``max_changes``."""
    b = ctx.scenario.baseline
    if b is None:
        return []
    out = []
    chosen = [c for c in changes(ctx) if not c.forced]
    for c in chosen:
        if c.frozen:
            out.append(Violation(
                "replan_limits",
                f"{ctx.name(c.technician)} {c.change} on {c.kind} {c.shift} {c.client} "
                f"{c.date}: it starts at {c.start.isoformat()}, inside the frozen window "
                f"(before now + {b.frozen_hours:g} h)", c.technician, c.date))
    if b.max_changes is not None and len(chosen) > b.max_changes:
        out.append(Violation("replan_limits", f"{len(chosen)} changes against the published "
                             f"plan, above the budget of {b.max_changes}"))
    return out


def penalty_plan_stability(ctx: Context) -> int:
    """The weight of every change that was not forced (docs/rules.md)."""
    return sum(c.weight for c in changes(ctx))
