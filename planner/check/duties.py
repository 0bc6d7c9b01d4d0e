"""Hard rules on single duties and pairs of duties: eligibility, one shift a
day, no overlap, minimum and weekly rest, fixed assignments (docs/rules.md)."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from planner.busy import describe
from planner.calendar import UTC, local
from planner.check.context import DAY, Context, Held, aware, exact, fmt_minutes
from planner.check.report import Violation
from planner.domain import BusyDuty


def _busy_pairs(ctx: Context):
    """(technician, own duty, busy duty) for every own duty of a person with busy time."""
    for tech, busy in ctx.busy.by_tech.items():
        for h in ctx.by_tech.get(tech, ()):
            for b in busy:
                yield tech, h, b


def _busy_violation(ctx: Context, rule: str, tech: str, h: Held, b: BusyDuty,
                    what: str) -> Violation:
    return Violation(rule, f"{ctx.name(tech)}: {_what(h)} {what} (busy in another team): "
                     f"{describe(b)}", tech, h.date, busy=b.label or describe(b))


def _what(h: Held) -> str:
    skill = f" ({h.skill})" if h.skill else ""
    return f"{h.shift} for {h.client}{skill} on {h.date}"


def _t(moment) -> str:
    return aware(moment).isoformat(timespec="minutes")


def check_eligibility(ctx: Context) -> list[Violation]:
    """Unknown people or duties, wrong times, and people who may not work a duty."""
    out = []
    for a in ctx.unknown:
        out.append(Violation("eligibility", f"unknown technician {a.technician!r} holds "
                             f"{a.shift} for {a.client} on {a.date}", a.technician, a.date))
    for h in ctx.held:
        who = ctx.name(h.technician)
        if h.row is None:
            out.append(Violation("eligibility", f"{who}: no such duty: {_what(h)}",
                                 h.technician, h.date))
            continue
        a = h.source
        if aware(a.start) != h.row.start or aware(a.end) != h.row.end:
            out.append(Violation(
                "eligibility",
                f"{who}: {_what(h)} is given as {_t(a.start)} to {_t(a.end)}, "
                f"but the duty runs {_t(h.row.start)} to {_t(h.row.end)}",
                h.technician, h.date))
        reason = ctx.d.ineligible_reason(ctx.d.technicians[h.technician], h.row)
        if reason:
            out.append(Violation("eligibility", f"{who} may not work {_what(h)}: {reason}",
                                 h.technician, h.date))
    return out


def check_one_shift_per_day(ctx: Context) -> list[Violation]:
    """At most one duty per person per day (a duty listed twice counts as two)."""
    out = []
    for a in ctx.duplicates:
        out.append(Violation("one_shift_per_day",
                             f"{ctx.name(a.technician)}: {a.shift} for {a.client} on {a.date} "
                             "is listed twice", a.technician, a.date))
    for tech, lst in ctx.by_tech.items():
        per_day: dict[int, list[Held]] = {}
        for h in lst:
            per_day.setdefault(h.day, []).append(h)
        for day, hs in sorted(per_day.items()):
            if len(hs) > 1:
                shifts = ", ".join(f"{h.shift} for {h.client}" for h in hs)
                out.append(Violation("one_shift_per_day",
                                     f"{ctx.name(tech)}: {len(hs)} duties on {hs[0].date} "
                                     f"({shifts}; at most 1)", tech, hs[0].date))
    for tech, h, b in _busy_pairs(ctx):
        if b.date == h.date:
            out.append(_busy_violation(ctx, "one_shift_per_day", tech, h, b,
                                       "falls on a day with a duty elsewhere"))
    return out


def check_no_overlap(ctx: Context) -> list[Violation]:
    """No two duties of one person overlap in time."""
    out = []
    for tech, lst in ctx.by_tech.items():
        for i, a in enumerate(lst):
            for b in lst[i + 1:]:
                if a.start < b.end and b.start < a.end:
                    out.append(Violation("no_overlap",
                                         f"{ctx.name(tech)}: {_what(a)} overlaps {_what(b)}",
                                         tech, b.date))
    for tech, h, b in _busy_pairs(ctx):
        if h.start < b.end and b.start < h.end:
            out.append(_busy_violation(ctx, "no_overlap", tech, h, b, "overlaps a duty elsewhere"))
    return out


def check_min_rest(ctx: Context) -> list[Violation]:
    """At least ``min_rest_hours`` between a duty and any duty on a later day.

    Every pair (not only neighbours) is checked so that a plan with a duty
    missing in between cannot hide a short rest; the last history duty counts.
    """
    need = exact(ctx.rules.min_rest_hours) * 60
    if need <= 0:
        return []
    out = []

    def rest(end, start) -> Fraction:
        return Fraction(int((start.astimezone(UTC) - end.astimezone(UTC)).total_seconds()), 60)

    for tech, lst in ctx.by_tech.items():
        who = ctx.name(tech)
        hist = ctx.history.get(tech)
        if hist is not None and hist.last_end is not None and lst:
            first = lst[0]
            gap = rest(hist.last_end, first.start)
            if gap < need:
                out.append(Violation(
                    "min_rest",
                    f"{who}: {fmt_minutes(gap)} of rest between the last duty before the "
                    f"horizon (ending {_t(hist.last_end)}) and {first.shift} on {first.date} "
                    f"(minimum {fmt_minutes(need)})", tech, first.date))
        for a in lst:
            for b in lst:
                if b.day > a.day:
                    gap = rest(a.end, b.start)
                    if gap < need:
                        out.append(Violation(
                            "min_rest",
                            f"{who}: {fmt_minutes(gap)} of rest between {a.shift} on {a.date} "
                            f"and {b.shift} on {b.date} (minimum {fmt_minutes(need)})",
                            tech, b.date))
    for tech, h, b in _busy_pairs(ctx):
        if b.date == h.date:
            continue  # one shift per day
        gap = rest(h.end, b.start) if b.date > h.date else rest(b.end, h.start)
        if gap < need:
            side = "before" if b.date > h.date else "after"
            out.append(_busy_violation(
                ctx, "min_rest", tech, h, b,
                f"leaves {fmt_minutes(gap)} of rest (minimum {fmt_minutes(need)}) {side} a duty "
                "elsewhere"))
    return out


def check_fixed_assignments(ctx: Context) -> list[Violation]:
    """Every fixed assignment of the scenario is in the plan."""
    have = {(h.technician, h.client, h.date, h.shift, h.skill) for h in ctx.held}
    out = []
    for f in ctx.scenario.fixed:
        if (f.technician, f.client, f.date, f.shift, f.skill) not in have:
            skill = f" ({f.skill})" if f.skill else ""
            out.append(Violation("fixed_assignments",
                                 f"{ctx.name(f.technician)}: fixed {f.shift} for {f.client}"
                                 f"{skill} on {f.date} is missing from the plan",
                                 f.technician, f.date))
    return out


def check_weekly_rest(ctx: Context) -> list[Violation]:
    """In each week, ``min_weekly_rest_hours`` free of the person's duties, starting in it.

    The week runs from the person's local midnight of its first horizon day to the one
    after its last; the rest may run on past the week's end and past the horizon's end
    (not planned: free); it cannot start before the history's last duty ends.
    """
    out = []
    for tech, lst in ctx.by_tech.items():
        t = ctx.d.technicians[tech]
        hours = ctx.d.contracts[t.contract].min_weekly_rest_hours
        if not hours:
            continue
        need = exact(hours) * 3600  # seconds, exact
        busy = [(h.start.astimezone(UTC), h.end.astimezone(UTC)) for h in lst]
        past = ctx.history.get(tech)
        last = past.last_end.astimezone(UTC) if past and past.last_end else None
        other = [b for b in ctx.busy.of(tech) if b.date <= ctx.d.horizon.end]
        broken: set[int] = set()
        if other:
            # other teams' duties are worked time; a week they alone leave without the
            # rest is not this plan's to mend (docs/rules.md, "Busy time")
            before = ctx.busy.last_end_before(tech)
            ends = [x for x in (last, before) if x is not None]
            broken = ctx.busy.rest_broken_weeks(t, math.ceil(exact(hours) * 60),
                                                max(ends) if ends else None)
            busy += [(b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in other]
        for k, week in enumerate(ctx.d.weeks):
            if k in broken:
                continue
            first = ctx.d.dates[week[0]]
            begin = local(first, dt.time(0), t.timezone).astimezone(UTC)
            finish = local(ctx.d.dates[week[-1]] + DAY, dt.time(0), t.timezone).astimezone(UTC)
            starts = [begin, *(e for _, e in busy if begin <= e < finish)]
            if last is not None and begin <= last < finish:
                starts.append(last)
            longest = 0.0  # seconds of the longest rest starting in the week
            for c in starts:
                if (last is not None and c < last) or any(s <= c < e for s, e in busy):
                    continue
                nxt = min((s for s, _ in busy if s > c), default=None)
                longest = max(longest, math.inf if nxt is None else (nxt - c).total_seconds())
            if longest < need:
                also = " (with busy time in other teams)" if other else ""
                out.append(Violation(
                    "weekly_rest",
                    f"{ctx.name(tech)}: the longest rest starting in the week of {first} is "
                    f"{fmt_minutes(longest / 60)}{also} (minimum {fmt_minutes(float(need) / 60)})",
                    tech, first, busy="; ".join(b.label for b in other if b.label)))
    return out
