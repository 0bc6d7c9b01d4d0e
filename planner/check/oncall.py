"""Hard on-call rules: eligibility, one person per role, one role at a time, gaps."""

from __future__ import annotations

from planner.check.context import Context, aware
from planner.check.report import Violation


def _when(p) -> str:
    return p.start.strftime("%Y-%m-%d %H:%M")


def check_oncall_eligibility(ctx: Context) -> list[Violation]:
    """Unknown people, rotations or periods, wrong ends, and ineligible holders."""
    out = []
    for c in ctx.plan.oncall:
        if c.technician not in ctx.d.technicians:
            out.append(Violation("oncall_eligibility",
                                 f"unknown technician {c.technician!r} is on call for {c.rotation}",
                                 c.technician, c.start.date()))
    for c in ctx.calls:
        who = ctx.name(c.technician)
        src = c.source
        if c.period is None:
            what = ("no such rotation" if src.rotation not in ctx.d.rotations
                    else "no period of it starts then")
            out.append(Violation("oncall_eligibility",
                                 f"{who}: on call ({c.role}) for {src.rotation} from "
                                 f"{aware(src.start).isoformat(timespec='minutes')}: {what}",
                                 c.technician, src.start.date()))
            continue
        p = c.period
        if aware(src.end) != p.end:
            out.append(Violation("oncall_eligibility",
                                 f"{who}: on-call period of {p.rotation} from {_when(p)} is given "
                                 f"as ending {aware(src.end).isoformat(timespec='minutes')}, "
                                 f"it ends {p.end.isoformat(timespec='minutes')}",
                                 c.technician, p.start.date()))
        reason = ctx.d.oncall_ineligible_reason(ctx.d.technicians[c.technician], p)
        if reason:
            out.append(Violation("oncall_eligibility",
                                 f"{who} may not be on call ({c.role}) for {p.rotation} from "
                                 f"{_when(p)}: {reason}", c.technician, p.start.date()))
    return out


def check_oncall_one_per_role(ctx: Context) -> list[Violation]:
    """At most one primary and one backup per period; no backup where none is planned."""
    out = []
    seen = set()
    for c in ctx.calls:
        if c.period is None:
            continue
        key = (c.technician, c.period.rotation, c.period.index, c.role)
        if key in seen:
            out.append(Violation("oncall_one_per_role",
                                 f"{ctx.name(c.technician)}: on call ({c.role}) for "
                                 f"{c.period.rotation} from {_when(c.period)} is listed twice",
                                 c.technician, c.period.start.date()))
        seen.add(key)
    periods = {(p.rotation, p.index): p for p in ctx.d.periods}
    for key, roles in sorted(ctx.calls_by_period.items()):
        p = periods[key]
        for role, people in sorted(roles.items()):
            limit = 1 if (role == "primary" or p.backup) else 0
            if len(people) > limit:
                names = ", ".join(ctx.name(t) for t in sorted(people))
                extra = "" if limit else " (the rotation has no backup)"
                out.append(Violation("oncall_one_per_role",
                                     f"{p.rotation} from {_when(p)}: {len(people)} {role} "
                                     f"({names}; at most {limit}){extra}", "", p.start.date()))
    return out


def check_oncall_backup_distinct(ctx: Context) -> list[Violation]:
    """A person holds at most one on-call role at any moment."""
    out = []
    per: dict[str, list] = {}
    for c in ctx.calls:
        if c.period is not None:
            per.setdefault(c.technician, []).append(c)
    for tech, calls in sorted(per.items()):
        # one entry per (period, role): duplicates are `oncall_one_per_role`'s business
        uniq = sorted({(c.period.rotation, c.period.index, c.role): c for c in calls}.values(),
                      key=lambda c: (c.period.start, c.period.rotation, c.role))
        for i, a in enumerate(uniq):
            for b in uniq[i + 1:]:
                pa, pb = a.period, b.period
                if (pa.rotation, pa.index) == (pb.rotation, pb.index):
                    msg = f"is both {a.role} and {b.role} of {pa.rotation} from {_when(pa)}"
                elif pa.start < pb.end and pb.start < pa.end:
                    msg = (f"is on call for {pa.rotation} from {_when(pa)} ({a.role}) and for "
                           f"{pb.rotation} from {_when(pb)} ({b.role}) at the same time")
                else:
                    continue
                out.append(Violation("oncall_backup_distinct", f"{ctx.name(tech)} {msg}",
                                     tech, pb.start.date()))
    return out


def check_oncall_min_gap(ctx: Context) -> list[Violation]:
    """Two periods of one rotation held by one person are more than the gap apart."""
    gap = ctx.rules.oncall_min_gap
    out = []
    held: dict[tuple[str, str], set[int]] = {}
    for c in ctx.calls:
        if c.period is not None:
            held.setdefault((c.technician, c.period.rotation), set()).add(c.period.index)
    starts = {(p.rotation, p.index): p for p in ctx.d.periods}
    for (tech, rot), idx in sorted(held.items()):
        idx_sorted = sorted(idx)
        for i, a in enumerate(idx_sorted):
            for b in idx_sorted[i + 1:]:
                if b - a <= gap:
                    out.append(Violation("oncall_min_gap",
                                         f"{ctx.name(tech)}: on call for {rot} from "
                                         f"{_when(starts[rot, a])} and from {_when(starts[rot, b])}, "
                                         f"{b - a} period(s) apart (must be more than {gap})",
                                         tech, starts[rot, b].start.date()))
    return out
