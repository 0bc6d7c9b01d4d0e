"""Warnings about scenario rows that can have no effect on a plan.

A row that is valid on its own but matches nothing (a peak on a skill nobody's
coverage asks for, a request outside the horizon, a skill ``DE`` when people hold
``de``) is not an error, but dropping it silently would hide a typing mistake.
:func:`scenario_warnings` lists them; ``rota solve`` prints them and writes them to
``summary.json``, ``rota import`` prints them.
"""

from __future__ import annotations

import datetime as dt

from planner.domain import Scenario


def _fmt(day: dt.date) -> str:
    return day.isoformat()


def _skill_hint(skill: str, known: set[str]) -> str:
    same = sorted(k for k in known if k.lower() == skill.lower())
    return f" (did you mean {same[0]!r}?)" if same else ""


def scenario_warnings(s: Scenario) -> list[str]:
    """Human-readable warnings, one per row that cannot affect the plan."""
    out: list[str] = []
    first, last = s.horizon.start, s.horizon.end
    span = f"the horizon ({_fmt(first)} to {_fmt(last)})"
    held = {k for t in s.technicians for k in t.skills}
    held_by = {c: {k for t in s.technicians if c in t.clients for k in t.skills}
               for c in (x.id for x in s.clients)}

    for i, r in enumerate(s.coverage, 1):
        where = f"coverage.csv row {i} ({r.client}, {r.shift}, skill {r.skill or '-'})"
        if r.skill and r.skill not in held:
            out.append(f"{where}: no technician holds skill {r.skill!r}"
                       f"{_skill_hint(r.skill, held)}; the demand can never be met")
        elif r.skill and r.skill not in held_by.get(r.client, set()):
            out.append(f"{where}: no technician trained on {r.client} holds skill {r.skill!r}; "
                       "the demand can never be met")
        if r.date is not None and not first <= r.date <= last:
            out.append(f"{where}: date {_fmt(r.date)} lies outside {span}; the rule is ignored")

    demands: dict[str, set[tuple[str, str]]] = {}
    for r in s.coverage:
        demands.setdefault(r.client, set()).add((r.shift, r.skill))
    for i, p in enumerate(s.peaks, 1):
        where = f"peaks.csv row {i} ({p.client}, {_fmt(p.start)} to {_fmt(p.end)})"
        if p.end < first or p.start > last:
            out.append(f"{where}: lies outside {span}; the peak is ignored")
        rules = demands.get(p.client, set())
        if not any((not p.shift or sh == p.shift) and (not p.skill or sk == p.skill)
                   for sh, sk in rules):
            what = " and ".join(x for x in (p.shift and f"shift {p.shift!r}",
                                            p.skill and f"skill {p.skill!r}") if x) or "any shift"
            hint = _skill_hint(p.skill, {sk for _, sk in rules}) if p.skill else ""
            out.append(f"{where}: {p.client} has no coverage rule on {what}{hint}; "
                       "the peak adds nobody")

    for i, q in enumerate(s.requests, 1):
        if not first <= q.date <= last:
            out.append(f"requests.csv row {i} ({q.technician}, {_fmt(q.date)}): lies outside "
                       f"{span}; the request is ignored")

    for i, r in enumerate(s.rotations, 1):
        if r.skill and not any(r.skill in t.skills for t in s.technicians if t.oncall):
            out.append(f"oncall_rotations.csv row {i} ({r.id}): no on-call technician holds "
                       f"skill {r.skill!r}{_skill_hint(r.skill, held)}; nobody can hold it")

    for i, a in enumerate(s.history, 1):
        if a.date >= first:
            out.append(f"history.csv row {i} ({a.technician}, {_fmt(a.date)}): history must lie "
                       f"before the horizon start {_fmt(first)}; the row is ignored")
    out.extend(_busy_warnings(s, span))
    return out


def _busy_warnings(s: Scenario, span: str) -> list[str]:
    """Busy duties too far from the horizon to matter, and busy time that alone reaches a
    person's weekly cap (this team then gives them nothing that week: docs/rules.md)."""
    if not s.busy:
        return []
    from planner.busy import BusyTime
    from planner.check.context import fmt_minutes
    from planner.demands import Derived, exact

    out = []
    reach = dt.timedelta(days=8)  # rest, successions and the history's work run
    for i, b in enumerate(s.busy, 1):
        if b.date < s.horizon.start - reach or b.date > s.horizon.end + reach:
            out.append(f"busy.csv row {i} ({b.technician}, {_fmt(b.date)}): lies far outside "
                       f"{span}; the busy duty cannot affect the plan")
    derived = Derived(s)
    busy = BusyTime(derived)
    for tech in sorted(busy.by_tech):
        cap = derived.contracts[derived.technicians[tech].contract].max_hours_in_week
        if cap is None:
            continue
        for week, minutes in zip(derived.weeks, busy.week_minutes(tech)):
            if minutes and minutes >= exact(cap) * 60:
                out.append(f"busy.csv: {tech} is busy in other teams {fmt_minutes(minutes)} in "
                           f"the week of {_fmt(derived.dates[week[0]])} (cap "
                           f"{fmt_minutes(cap * 60)}); this plan gives them nothing that week")
    return out
