"""Compile a scenario into the engine's problem, and map a solution back to a plan."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from planner.busy import BUSY_SHIFT, BusyTime
from planner.calendar import UTC, local, minutes_between
from planner.demands import DemandRow, Derived, PeriodRow, exact
from planner.domain import (
    Assignment, Contract, OnCallDuty, OnCallRole, Plan, Scenario, Technician,
)
from solver.problem import (
    Demand,
    Duty,
    OnCallPeriod,
    Person,
    Problem,
    Request,
    Rules,
    Weights,
)
from solver.result import SolveResult


class CompileError(ValueError):
    """The scenario cannot be turned into a problem (e.g. a fixed shift matches no duty)."""


@dataclass(frozen=True)
class Compiled:
    """A solver problem plus what is needed to read its solution in domain terms."""

    scenario: Scenario
    problem: Problem
    origin: dt.datetime
    duties: dict[str, DemandRow]
    periods: dict[str, PeriodRow]
    busy: frozenset[str] = frozenset()
    """Ids of the solver duties that stand for busy time (never in the plan)."""


def duty_id(client: str, date: dt.date, shift: str, skill: str) -> str:
    """Readable id of the duty (client, date, shift, skill)."""
    return f"{date.isoformat()}/{shift}/{client}/{skill}"


def period_id(rotation: str, index: int) -> str:
    return f"{rotation}#{index}"


def _history(derived: Derived, tech: Technician, origin: dt.datetime, busy: BusyTime) -> dict:
    """History fields of a person (docs/rules.md, 'History'); busy duties before the
    horizon are worked days of the history and their end may be its last end."""
    history = derived.scenario.history
    busy_end = busy.last_end_before(tech.id)
    if not history:
        if busy_end is None:
            return {}
        return {"history_last_end": minutes_between(origin, busy_end)}
    start = derived.horizon.start
    first = min(a.date for a in history)
    mine = [a for a in history if a.technician == tech.id and a.date < start]
    worked = {a.date for a in mine} | busy.dates_before(tech.id)
    day = start - dt.timedelta(days=1)
    work_run = 0
    while day >= first and day in worked:
        work_run += 1
        day -= dt.timedelta(days=1)
    off_run = 0
    day = start - dt.timedelta(days=1)
    while day >= first and day not in worked:
        off_run += 1
        day -= dt.timedelta(days=1)
    ends = [minutes_between(origin, a.end) for a in mine]
    if busy_end is not None:
        ends.append(minutes_between(origin, busy_end))
    last_end = max(ends, default=None)
    last_type = next((a.shift for a in mine if a.date == start - dt.timedelta(days=1)), None)
    return {
        "history_consecutive_days": work_run,
        "history_consecutive_days_off": off_run,
        "history_last_end": last_end,
        "history_last_shift_type": last_type,
    }


def _person(derived: Derived, tech: Technician, origin: dt.datetime,
            local_weeks: dict[str, tuple[tuple[int, int], ...]], busy: BusyTime,
            busy_minutes: int) -> Person:
    """The solver's person; ``busy_minutes`` = minutes of the person's busy solver duties
    (see :func:`_busy_duties`), added to the contract bounds of their own duties."""
    contract = derived.contracts[tech.contract]
    lo, hi = busy.own_contract_minutes(tech, *derived.contract_minutes(tech))
    weekly = contract.max_hours_in_week
    history = _history(derived, tech, origin, busy)
    minimum_runs = not busy.min_runs_exempt(tech.id)
    return Person(
        id=tech.id,
        max_minutes=None if hi is None else hi + busy_minutes,
        min_minutes=None if lo is None else lo + busy_minutes,
        max_minutes_per_week=None if weekly is None else math.floor(exact(weekly) * 60),
        max_consecutive_days=busy.worked_run_cap(
            tech.id, contract.max_consecutive_days, history.get("history_consecutive_days") or 0),
        min_consecutive_days=contract.min_consecutive_days if minimum_runs else None,
        min_consecutive_days_off=contract.min_consecutive_days_off if minimum_runs else None,
        max_weekends=busy.weekend_cap(tech.id, contract.max_weekends),
        max_per_shift_type={k: v for k, v in contract.shift_limits.items() if v > 0},
        is_backup=tech.is_backup,
        fairness_group=contract.id,
        params=_rule_params(contract),
        local_weeks=local_weeks[tech.timezone],
        **history,
    )


def _busy_duties(derived: Derived, busy: BusyTime, origin: dt.datetime,
                 tech: Technician) -> list[Duty]:
    """The person's busy duties dated in the horizon as fixed solver duties, one a day.

    A day's busy duties make one duty from the first start to the last end (so the
    one-duty-a-day rules hold). Its minutes count towards the weekly cap, clamped so
    that a week's busy minutes never exceed the cap: where the other teams' duties
    alone reach it, this team adds nothing that week (rather than an impossible plan).
    No demand, tags or group: coverage, fairness and continuity never see it.
    """
    spans = busy.day_spans(tech.id)
    if not spans:
        return []
    weekly = derived.contracts[tech.contract].max_hours_in_week
    cap = None if weekly is None else math.floor(exact(weekly) * 60)
    out = []
    for week in derived.weeks:
        left = cap
        for day in week:
            if day not in spans:
                continue
            start, end, minutes = spans[day]
            if left is not None:
                minutes = min(minutes, left)
                left -= minutes
            out.append(Duty(
                id=f"busy/{tech.id}/{derived.dates[day].isoformat()}",
                day=day,
                start=minutes_between(origin, start),
                end=minutes_between(origin, end),
                shift_type=BUSY_SHIFT,
                minutes=minutes,
                busy=True,
            ))
    return out


def _rule_params(contract: Contract) -> dict[str, int]:
    """``Person.params``: every contract field marked ``SolverParam`` that is set, in the
    solver's units (hours to whole minutes rounded as marked, exactly from the decimals)."""
    out = {}
    for name, mark in Contract.solver_parameters().items():
        value = getattr(contract, name)
        if value is None:
            continue
        if mark.unit == "minutes":
            minutes = exact(value) * 60
            value = math.ceil(minutes) if mark.rounding == "up" else math.floor(minutes)
        out[mark.key] = int(value)
    return out


def _local_weeks(derived: Derived, zone: str, origin: dt.datetime) -> tuple[tuple[int, int], ...]:
    """Each week's bounds at the person's local midnights, in minutes from the origin."""
    dates = derived.dates
    return tuple(
        (minutes_between(origin, local(dates[w[0]], dt.time(0), zone)),
         minutes_between(origin, local(dates[w[-1]] + dt.timedelta(days=1), dt.time(0), zone)))
        for w in derived.weeks
    )


def _fixed_pairs(scenario: Scenario, derived: Derived,
                 rows: dict[str, DemandRow]) -> list[tuple[str, str]]:
    """(technician, duty id) of every fixed assignment, or a :class:`CompileError`
    saying why one cannot be kept (refused here rather than as an infeasible solve)."""
    fixed = []
    busy = BusyTime(derived)
    for a in scenario.fixed:
        did = duty_id(a.client, a.date, a.shift, a.skill)
        if did not in rows:
            raise CompileError(
                f"fixed assignment of {a.technician} on {a.date} ({a.shift}, {a.client}) "
                "matches no coverage demand"
            )
        reason = derived.ineligible_reason(derived.technicians[a.technician], rows[did])
        if reason:
            raise CompileError(
                f"fixed assignment of {a.technician} on {a.date} ({a.shift}, {a.client}) "
                f"cannot be kept ({a.technician}: {reason})"
            )
        why = busy.conflict(derived.technicians[a.technician], rows[did])
        if why:
            raise CompileError(
                f"fixed assignment of {a.technician} on {a.date} ({a.shift}, {a.client}) "
                f"cannot be kept ({a.technician}: {why})"
            )
        fixed.append((a.technician, did))
    return fixed


def check_fixed(scenario: Scenario) -> None:
    """Raise :class:`CompileError` when a fixed assignment cannot be kept.

    The part of :func:`compile_scenario` that can fail on a valid scenario, at a
    fraction of its cost (the API runs it on every write when fixed rows exist).
    """
    if not scenario.fixed:
        return
    derived = Derived(scenario)
    rows = {duty_id(r.client, r.date, r.shift, r.skill): r for r in derived.demands}
    _fixed_pairs(scenario, derived, rows)


def compile_scenario(scenario: Scenario, previous: Plan | None = None) -> Compiled:
    """Turn a scenario into a :class:`solver.problem.Problem`.

    Parameters
    ----------
    scenario : the scenario to plan.
    previous : a plan whose assignments warm-start the search (optional).
    """
    derived = Derived(scenario)
    busy = BusyTime(derived)
    origin = dt.datetime.combine(scenario.horizon.start, dt.time(0), tzinfo=UTC)
    rules = scenario.rules

    by_client: dict[str, list[Technician]] = {}
    for tech in scenario.technicians:
        for c in tech.clients:
            by_client.setdefault(c, []).append(tech)

    duties: list[Duty] = []
    rows: dict[str, DemandRow] = {}
    eligible: dict[str, tuple[str, ...]] = {}
    for row in derived.demands:
        did = duty_id(row.client, row.date, row.shift, row.skill)
        rows[did] = row
        duties.append(
            Duty(
                id=did,
                day=derived.day_index(row.date),
                start=minutes_between(origin, row.start),
                end=minutes_between(origin, row.end),
                shift_type=row.shift,
                minutes=row.minutes,
                group=row.client,
                demand=Demand(
                    required=row.required,
                    under_weight=row.under_weight,
                    over_weight=row.over_weight,
                    peak_required=row.peak,
                    peak_weight=row.peak_weight,
                ),
                tags=row.tags,
            )
        )
        eligible[did] = tuple(
            t.id
            for t in by_client.get(row.client, ())
            if derived.ineligible_reason(t, row) is None
            and (t.id not in busy.by_tech or busy.conflict(t, row) is None)
        )

    periods: list[OnCallPeriod] = []
    period_rows: dict[str, PeriodRow] = {}
    oncall_eligible: dict[str, tuple[str, ...]] = {}
    last_day = scenario.horizon.days - 1
    for p in derived.periods:
        pid = period_id(p.rotation, p.index)
        period_rows[pid] = p
        first = max(0, derived.day_index(p.start.date()))
        last = min(last_day, derived.day_index((p.end - dt.timedelta(minutes=1)).date()))
        periods.append(
            OnCallPeriod(
                id=pid,
                rotation=p.rotation,
                index=p.index,
                start=minutes_between(origin, p.start),
                end=minutes_between(origin, p.end),
                first_day=first,
                last_day=last,
                needs_backup=p.backup,
                unfilled_weight=rules.oncall_unfilled_weight,
            )
        )
        oncall_eligible[pid] = tuple(
            t.id for t in scenario.technicians if derived.oncall_ineligible_reason(t, p) is None
        )

    requests = tuple(
        Request(
            person=q.technician,
            day=derived.day_index(q.date),
            shift_type=q.shift or None,
            work=q.work,
            weight=q.weight,
        )
        for q in scenario.requests
        if scenario.horizon.start <= q.date <= scenario.horizon.end and q.weight > 0
    )

    fixed = _fixed_pairs(scenario, derived, rows)
    zones = {t.timezone for t in scenario.technicians}
    local_weeks = {z: _local_weeks(derived, z, origin) for z in zones}  # once per time zone

    hint: tuple[tuple[str, str], ...] = ()
    oncall_hint: tuple[tuple[str, str, str], ...] = ()
    if previous is not None:
        hint = tuple(
            (a.technician, duty_id(a.client, a.date, a.shift, a.skill))
            for a in previous.assignments
            if duty_id(a.client, a.date, a.shift, a.skill) in rows
        )
        by_start = {(p.rotation, p.start): pid for pid, p in period_rows.items()}
        oncall_hint = tuple(
            (o.technician, by_start[(o.rotation, o.start)], o.role.value)
            for o in previous.oncall
            if (o.rotation, o.start) in by_start
        )

    people = []
    busy_ids = []
    for t in scenario.technicians:
        mine = _busy_duties(derived, busy, origin, t)
        for duty in mine:
            duties.append(duty)
            eligible[duty.id] = (t.id,)
            fixed.append((t.id, duty.id))
            busy_ids.append(duty.id)
        people.append(_person(derived, t, origin, local_weeks, busy, sum(x.minutes for x in mine)))

    problem = Problem(
        num_days=scenario.horizon.days,
        people=tuple(people),
        duties=tuple(duties),
        eligible=eligible,
        weeks=derived.weeks,
        weekends=derived.weekends,
        oncall_periods=tuple(periods),
        oncall_eligible=oncall_eligible,
        requests=requests,
        rules=Rules(
            min_rest_minutes=math.ceil(exact(rules.min_rest_hours) * 60),
            forbidden_successions=frozenset(rules.forbidden_successions),
            oncall_min_gap=rules.oncall_min_gap,
            exempt_horizon_edges=rules.exempt_horizon_edges,
            weights=Weights(
                fairness=dict(rules.fairness_weights),
                continuity=rules.continuity_weight,
                backup_use=rules.backup_use_weight,
            ),
        ),
        fixed=tuple(fixed),
        hint=hint,
        oncall_hint=oncall_hint,
    )
    compiled = Compiled(scenario, problem, origin, rows, period_rows, frozenset(busy_ids))
    if scenario.baseline is not None:  # a re-plan: stay close to the published plan
        from planner.replan.stability import with_stability

        compiled = with_stability(compiled)
    return compiled


def to_plan(compiled: Compiled, result: SolveResult) -> Plan:
    """Read a solver result back as a domain plan (sorted by date, technician)."""
    assignments = []
    for person, did in result.assignments:
        if did in compiled.busy:
            continue  # another team's duty: never part of this plan
        row = compiled.duties[did]
        assignments.append(
            Assignment(
                technician=person,
                date=row.date,
                shift=row.shift,
                client=row.client,
                skill=row.skill,
                start=row.start,
                end=row.end,
            )
        )
    oncall = []
    for person, pid, role in result.oncall:
        p = compiled.periods[pid]
        oncall.append(
            OnCallDuty(
                technician=person,
                rotation=p.rotation,
                role=OnCallRole(role),
                start=p.start,
                end=p.end,
            )
        )
    assignments.sort(key=lambda a: (a.date, a.technician, a.shift))
    oncall.sort(key=lambda o: (o.start, o.rotation, o.role))
    return Plan(assignments=tuple(assignments), oncall=tuple(oncall))
