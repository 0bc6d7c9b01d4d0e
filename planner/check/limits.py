"""Hard rules on totals and day patterns: weekly and contract hours, runs of
worked and free days, weekends, shift-type limits, forbidden successions."""

from __future__ import annotations

import math
from fractions import Fraction

from planner.busy import describe
from planner.check.context import DAY, Context, exact, fmt_minutes
from planner.check.report import Violation


def _busy_note(ctx: Context, tech: str, minutes: int) -> str:
    return f", of which {fmt_minutes(minutes)} busy in other teams" if minutes else ""


def _labels(ctx: Context, tech: str, days: set[int] | None = None) -> str:
    """Labels of the person's busy duties dated on ``days`` (all horizon days: None)."""
    found = [b for d, bs in sorted(ctx.busy.in_horizon(tech).items())
             if days is None or d in days for b in bs]
    return "; ".join(b.label or describe(b) for b in found)


def check_max_hours_per_week(ctx: Context) -> list[Violation]:
    """In each calendar week, worked minutes are at most ``max_hours_in_week × 60``."""
    out = []
    for tech, lst in ctx.by_tech.items():
        cap = ctx.d.contracts[ctx.d.technicians[tech].contract].max_hours_in_week
        if cap is None:
            continue
        busy = ctx.busy.week_minutes(tech) if tech in ctx.busy.by_tech else None
        for k, week in enumerate(ctx.d.weeks):
            days = set(week)
            own = sum(h.minutes for h in lst if h.day in days)
            other = busy[k] if busy else 0
            # busy minutes count as worked; when they alone pass the cap, none may be added
            if own + other > max(exact(cap) * 60, other):
                first = ctx.d.dates[week[0]]
                out.append(Violation("max_hours_per_week",
                                     f"{ctx.name(tech)}: {fmt_minutes(own + other)} of work in "
                                     f"the week of {first}{_busy_note(ctx, tech, other)} "
                                     f"(maximum {fmt_minutes(cap * 60)})",
                                     tech, first, busy=_labels(ctx, tech, days) if other else ""))
    return out


def contract_bounds(ctx: Context, tech: str) -> tuple[int | None, int | None]:
    """(min, max) worked minutes over the horizon per rule `contract_hours`.

    Computed in exact arithmetic: hours x 60 x days/7 x present days/days, the
    minimum rounded down and the maximum up (floats get e.g. 3 days, 1 absent,
    28 h/week = 480.00000000000006 and round the maximum up to 481).
    """
    c = ctx.d.contracts[ctx.d.technicians[tech].contract]
    days = ctx.days
    present = days - len(ctx.d.whole_day_absent_dates(tech))
    share = Fraction(days, 7) * Fraction(present, days)
    lo = c.min_minutes_total
    if lo is None and c.min_hours_per_week is not None:
        lo = math.floor(exact(c.min_hours_per_week) * 60 * share)
    hi = c.max_minutes_total
    if hi is None and c.max_hours_per_week_avg is not None:
        hi = math.ceil(exact(c.max_hours_per_week_avg) * 60 * share)
    if lo is not None and ctx.scenario.baseline is not None:
        lo = _replan_minimum(ctx, tech, lo)
    return lo, hi


def _replan_minimum(ctx: Context, tech: str, lo: int) -> int:
    """A re-plan's minimum: at most the minutes of the published duties ``tech`` can still
    hold when the change took at least one from them (docs/rules.md, ``contract_hours``)."""
    kept, lost = 0, False
    t = ctx.d.technicians[tech]
    for a in ctx.scenario.baseline.plan.assignments:
        if a.technician != tech:
            continue
        row = ctx.rows.get((a.client, a.date, a.shift, a.skill))
        if row is None or ctx.d.ineligible_reason(t, row) is not None:
            lost = True
        else:
            kept += row.minutes
    return min(lo, kept) if lost else lo


def check_contract_hours(ctx: Context) -> list[Violation]:
    """Worked minutes over the horizon lie within the contract's bounds."""
    out = []
    for tech, lst in ctx.by_tech.items():
        lo, hi = contract_bounds(ctx, tech)
        total = sum(h.minutes for h in lst)
        if tech in ctx.busy.by_tech:
            # busy minutes count as worked (docs/rules.md, "Busy time"): this plan's
            # own minutes must lie within what the busy time leaves
            other = ctx.busy.horizon_minutes(tech)
            lo, hi = ctx.busy.own_contract_minutes(ctx.d.technicians[tech], lo, hi)
            note = (f" here, besides {fmt_minutes(other)} busy in other teams "
                    f"({_labels(ctx, tech)})") if other else ""
            label = _labels(ctx, tech)
        else:
            note, label = "", ""
        if lo is not None and total < lo:
            out.append(Violation("contract_hours",
                                 f"{ctx.name(tech)}: {fmt_minutes(total)} of work over the "
                                 f"horizon{note} (minimum {fmt_minutes(lo)})", tech, busy=label))
        if hi is not None and total > hi:
            out.append(Violation("contract_hours",
                                 f"{ctx.name(tech)}: {fmt_minutes(total)} of work over the "
                                 f"horizon{note} (maximum {fmt_minutes(hi)})", tech, busy=label))
    return out


def runs(worked: set[int], days: int, want: bool) -> list[tuple[int, int]]:
    """Maximal runs ``(first day, length)`` of worked (``want``) or free days."""
    out = []
    start = None
    for d in range(days + 1):
        inside = d < days and ((d in worked) == want)
        if inside and start is None:
            start = d
        elif not inside and start is not None:
            out.append((start, d - start))
            start = None
    return out


def _limit(ctx: Context, tech: str, field: str) -> int | None:
    return getattr(ctx.d.contracts[ctx.d.technicians[tech].contract], field)


def check_max_consecutive_days(ctx: Context) -> list[Violation]:
    """No work run longer than the limit; the first run adds the history's work run."""
    out = []
    for tech in ctx.worked_days:
        limit = _limit(ctx, tech, "max_consecutive_days")
        if limit is None:
            continue
        hist = ctx.history.get(tech)
        worked = ctx.worked_or_busy(tech)
        busy = ctx.busy_days.get(tech, set())
        if busy:  # never below what the other teams' duties alone make
            limit = ctx.busy.worked_run_cap(tech, limit, hist.work_run if hist else 0)
        for start, length in runs(worked, ctx.days, True):
            extra = hist.work_run if (start == 0 and hist) else 0
            if length + extra > limit:
                since = f" (with {extra} before the horizon)" if extra else ""
                days = set(range(start, start + length))
                mixed = days & busy
                note = " (with busy days in other teams)" if mixed else ""
                out.append(Violation("max_consecutive_days",
                                     f"{ctx.name(tech)}: {length + extra} consecutive working days"
                                     f" up to {ctx.d.dates[start + length - 1]}{since}{note} "
                                     f"(maximum {limit})", tech, ctx.d.dates[start],
                                     busy=_labels(ctx, tech, mixed) if mixed else ""))
    return out


def _min_runs(ctx: Context, rule: str, field: str, want: bool) -> list[Violation]:
    what = "working" if want else "free"
    out = []
    for tech, worked in ctx.worked_days.items():
        limit = _limit(ctx, tech, field)
        if limit is None or ctx.busy.min_runs_exempt(tech):
            continue  # busy in another team: exempt (docs/rules.md, "Busy time")
        hist = ctx.history.get(tech)
        exempt = ctx.rules.exempt_horizon_edges
        for start, length in runs(worked, ctx.days, want):
            if start + length == ctx.days and exempt:
                continue  # touches the last day: it may go on after the horizon
            extra = 0
            if start == 0:
                if hist is None and exempt:
                    continue  # touches day 0 without history: it may have begun before
                if hist is not None:
                    extra = hist.work_run if want else hist.off_run
            if length + extra < limit:
                since = f" (with {extra} before the horizon)" if extra else ""
                out.append(Violation(rule,
                                     f"{ctx.name(tech)}: only {length + extra} consecutive {what} "
                                     f"days from {ctx.d.dates[start]}{since} (minimum {limit})",
                                     tech, ctx.d.dates[start]))
    return out


def check_min_consecutive_days(ctx: Context) -> list[Violation]:
    """Work runs are at least ``min_consecutive_days`` long, except at the horizon edges
    (day 0 only without history) unless ``exempt_horizon_edges`` is false."""
    return _min_runs(ctx, "min_consecutive_days", "min_consecutive_days", True)


def check_min_consecutive_days_off(ctx: Context) -> list[Violation]:
    """Off runs are at least ``min_consecutive_days_off`` long, edges as for work runs."""
    return _min_runs(ctx, "min_consecutive_days_off", "min_consecutive_days_off", False)


def check_max_weekends(ctx: Context) -> list[Violation]:
    """At most ``max_weekends`` weekends with a worked day."""
    out = []
    for tech in ctx.worked_days:
        limit = ctx.busy.weekend_cap(tech, _limit(ctx, tech, "max_weekends"))
        if limit is None:
            continue
        worked = ctx.worked_or_busy(tech)
        hit = [w for w in ctx.d.weekends if worked & set(w)]
        if len(hit) > limit:
            dates = ", ".join(str(ctx.d.dates[w[0]]) for w in hit)
            out.append(Violation("max_weekends",
                                 f"{ctx.name(tech)}: works {len(hit)} weekends ({dates}; "
                                 f"maximum {limit})", tech, ctx.d.dates[hit[limit][0]]))
    return out


def check_shift_type_limits(ctx: Context) -> list[Violation]:
    """At most ``shift_limits[type]`` duties of each shift type."""
    out = []
    for tech, lst in ctx.by_tech.items():
        limits = ctx.d.contracts[ctx.d.technicians[tech].contract].shift_limits
        for shift, limit in sorted(limits.items()):
            n = sum(1 for h in lst if h.shift == shift)
            if n > limit:
                out.append(Violation("shift_type_limits",
                                     f"{ctx.name(tech)}: {n} {shift} shifts (maximum {limit})",
                                     tech))
    return out


def check_forbidden_successions(ctx: Context) -> list[Violation]:
    """No duty of type ``a`` on day d followed by one of type ``b`` on day d+1."""
    pairs = ctx.rules.forbidden_successions
    if not pairs:
        return []
    out = []
    for tech, lst in ctx.by_tech.items():
        shifts: dict[int, set[str]] = {}
        for h in lst:
            shifts.setdefault(h.day, set()).add(h.shift)
        hist = ctx.history.get(tech)
        if hist is not None:
            shifts[-1] = set(hist.last_shifts)
        for day in range(-1, ctx.days - 1):
            for a in sorted(shifts.get(day, ())):
                for b in sorted(shifts.get(day + 1, ())):
                    if (a, b) in pairs:
                        before = "the day before the horizon" if day < 0 else str(ctx.d.dates[day])
                        out.append(Violation("forbidden_successions",
                                             f"{ctx.name(tech)}: {b} on {ctx.d.dates[day + 1]} "
                                             f"right after {a} on {before} (forbidden)",
                                             tech, ctx.d.dates[day + 1]))
    # a busy night of another team counts as each of this team's night shift types
    nights = {s.id for s in ctx.scenario.shift_types if s.is_night}
    for tech, busy in ctx.busy.by_tech.items():
        for h in ctx.by_tech.get(tech, ()):
            for x in busy:
                if not x.night:
                    continue
                if x.date == h.date - DAY and any((n, h.shift) in pairs for n in nights):
                    what = f"{h.shift} on {h.date} right after a night"
                elif x.date == h.date + DAY and any((h.shift, n) in pairs for n in nights):
                    what = f"{h.shift} on {h.date} right before a night"
                else:
                    continue
                out.append(Violation("forbidden_successions",
                                     f"{ctx.name(tech)}: {what} busy in another team: "
                                     f"{describe(x)} (forbidden)", tech, h.date,
                                     busy=x.label or describe(x)))
    return out
