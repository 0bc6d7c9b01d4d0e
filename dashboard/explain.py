"""Why a coverage gap was not filled: the explanation route, or a fallback from the data.

The re-plan issue adds ``GET /api/v1/plans/{id}/explain`` (per gap, the trained
technicians and the rule that kept each out). Until the API has it
(:meth:`RotaClient.explain_gaps` returns ``None`` on a 404 for the route), this module
derives the reasons from what the API already serves: approved absences, training
on the client, skills, the technician's other duty that day and rest after a night.
A technician for whom none of these applies is reported as *available*: the solver
left them out for a rule these data cannot show (weekly hours, consecutive days,
weekends, fairness), which the text says.
"""

from __future__ import annotations

import datetime as dt

from dashboard import style
from dashboard.grid import absent_days

MIN_REST_HOURS = 11


def _time(v) -> dt.time:
    return v if isinstance(v, dt.time) else dt.time.fromisoformat(str(v))


def explain_locally(gap: dict, techs: list[dict], absences: list[dict], shift_types: list[dict],
                    assignments) -> list[dict]:
    """For one gap ``{client, date, shift, skill}``: each technician trained on the client
    with the reason they were not used. Sorted: available first."""
    day = gap["date"] if isinstance(gap["date"], dt.date) else dt.date.fromisoformat(str(gap["date"]))
    shifts = {s["id"]: s for s in shift_types}
    absent = absent_days(absences, [day])
    on_day = {a.technician: a for a in assignments if a.date == day}
    prev = {a.technician: a for a in assignments if a.date == day - dt.timedelta(days=1)}
    gap_start = dt.datetime.combine(day, _time(shifts[gap["shift"]]["start"])) if gap["shift"] in shifts else None
    out = []
    for t in techs:
        if gap["client"] not in (t.get("clients") or []):
            continue
        reason, rule = "available: left out by a rule these data do not show "\
                       "(weekly hours, consecutive days, weekends, fairness)", "solver trade-off"
        if gap.get("skill") and gap["skill"] not in (t.get("skills") or []):
            reason, rule = f"not skilled ({gap['skill']})", "eligibility"
        elif day in absent.get(t["id"], ()):
            reason, rule = "absent", "eligibility"
        elif t["id"] in on_day:
            a = on_day[t["id"]]
            reason, rule = f"already on another duty that day ({a.shift} @ {a.client})", "one_shift_per_day"
        elif t["id"] in prev and gap_start is not None:
            a = prev[t["id"]]
            end = style.local(a.end).replace(tzinfo=None)
            rest = (gap_start - end).total_seconds() / 3600
            if rest < MIN_REST_HOURS:
                reason, rule = f"rest after {a.shift} ({rest:.0f} h < {MIN_REST_HOURS} h)", "min_rest"
        out.append({"technician": t["id"], "name": t.get("name", ""), "reason": reason, "rule": rule})
    out.sort(key=lambda r: (r["rule"] != "solver trade-off", r["technician"]))
    return out


def explain(c, plan_id: int, gap: dict, techs, absences, shift_types, assignments) -> tuple[list[dict], str]:
    """Reasons for ``gap`` and where they came from ('API' or 'computed from the data')."""
    remote = c.explain_gaps(plan_id)
    if remote is not None:
        for g in remote:
            if (g.get("client"), str(g.get("date")), g.get("shift")) == (
                    gap["client"], str(gap["date"]), gap["shift"]):
                rows = g.get("technicians") or g.get("candidates") or []
                return [{"technician": r.get("technician") or r.get("id"), "name": r.get("name", ""),
                         "reason": r.get("reason") or r.get("message") or r.get("rule", ""),
                         "rule": r.get("rule", "")} for r in rows], "API"
        return [], "API"
    return explain_locally(gap, techs, absences, shift_types, assignments), "computed from the data"
