"""Explicit conversions between domain types (``planner.domain``) and table rows.

Sets become sorted lists (stable JSON); nested values use pydantic's JSON mode.
"""

from __future__ import annotations

from sqlmodel import Session, SQLModel, select

from planner import domain as d
from api import tables as t


def _sorted(values) -> list:
    return sorted(values)


# --- one entity each ----------------------------------------------------------------


def contract_to_row(c: d.Contract) -> t.ContractRow:
    return t.ContractRow(id=c.id, name=c.name,
                         params=c.model_dump(mode="json", include=set(d.Contract.parameters())))


def row_to_contract(r: t.ContractRow) -> d.Contract:
    return d.Contract(id=r.id, name=r.name, **(r.params or {}))


def technician_to_row(x: d.Technician) -> t.TechnicianRow:
    data = x.model_dump(mode="json")
    data.update(skills=_sorted(x.skills), clients=_sorted(x.clients), roles=_sorted(x.roles))
    return t.TechnicianRow(**data)


def row_to_technician(r: t.TechnicianRow) -> d.Technician:
    return d.Technician(
        **_fields(r),
        skills=frozenset(r.skills or ()),
        clients=frozenset(r.clients or ()),
        roles=frozenset(r.roles or ()),
    )


def client_to_row(c: d.Client) -> t.ClientRow:
    return t.ClientRow(**c.model_dump(mode="json"))


def row_to_client(r: t.ClientRow) -> d.Client:
    return d.Client(**_fields(r), service_windows=tuple(r.service_windows or ()))


def shift_type_to_row(s: d.ShiftType) -> t.ShiftTypeRow:
    return t.ShiftTypeRow(**s.model_dump())


def row_to_shift_type(r: t.ShiftTypeRow) -> d.ShiftType:
    return d.ShiftType(**_fields(r))


def coverage_to_row(c: d.CoverageRule) -> t.CoverageRuleRow:
    data = c.model_dump()
    data["weekdays"] = None if c.weekdays is None else _sorted(c.weekdays)
    return t.CoverageRuleRow(**data)


def row_to_coverage(r: t.CoverageRuleRow) -> d.CoverageRule:
    weekdays = None if r.weekdays is None else frozenset(r.weekdays)
    return d.CoverageRule(**_fields(r, skip=("id",)), weekdays=weekdays)


def rotation_to_row(x: d.OnCallRotation) -> t.RotationRow:
    data = x.model_dump()
    data["clients"] = _sorted(x.clients)
    return t.RotationRow(**data)


def row_to_rotation(r: t.RotationRow) -> d.OnCallRotation:
    return d.OnCallRotation(**_fields(r), clients=frozenset(r.clients or ()))


def absence_to_row(a: d.Absence, status: str | None = None) -> t.AbsenceRow:
    data = a.model_dump(mode="python")
    data["status"] = str(status or a.status)
    return t.AbsenceRow(**data)


def row_to_absence(r: t.AbsenceRow) -> d.Absence:
    return d.Absence(**_fields(r, skip=("id",)))


def peak_to_row(p: d.Peak) -> t.PeakRow:
    return t.PeakRow(**p.model_dump())


def row_to_peak(r: t.PeakRow) -> d.Peak:
    return d.Peak(**_fields(r, skip=("id",)))


def request_to_row(q: d.Request, status: str | None = None) -> t.RequestRow:
    data = q.model_dump()
    data["status"] = str(status or q.status)
    return t.RequestRow(**data)


def row_to_request(r: t.RequestRow) -> d.Request:
    return d.Request(**_fields(r, skip=("id",)))


def assignment_to_row(a: d.Assignment, kind: str) -> t.FixedAssignmentRow:
    return t.FixedAssignmentRow(**a.model_dump(), kind=kind)


def row_to_assignment(r: t.FixedAssignmentRow | t.PlanAssignmentRow) -> d.Assignment:
    return d.Assignment(**_fields(r, skip=("id", "kind", "plan_id", "team_id")))


def oncall_to_row(o: d.OnCallDuty, plan_id: int, team_id: int | None = None) -> t.PlanOnCallRow:
    return t.PlanOnCallRow(**o.model_dump(mode="python"), plan_id=plan_id, team_id=team_id)


def row_to_oncall(r: t.PlanOnCallRow) -> d.OnCallDuty:
    return d.OnCallDuty(**_fields(r, skip=("id", "plan_id", "team_id")))


def _fields(row: SQLModel, skip: tuple[str, ...] = ()) -> dict:
    """Column values of ``row`` except ``skip`` and the JSON ones the caller converts."""
    json_cols = {"shift_limits", "skills", "clients", "roles", "service_windows", "weekdays"}
    return {
        k: v for k, v in row.model_dump().items()
        if k not in skip and k not in json_cols and k not in ("seq", "team_id")
    }


# --- a whole scenario -----------------------------------------------------------------

DOMAIN_TABLES: tuple[type[SQLModel], ...] = (
    t.FixedAssignmentRow,
    t.RequestRow,
    t.PeakRow,
    t.AbsenceRow,
    t.RotationRow,
    t.CoverageRuleRow,
    t.TechnicianRow,
    t.ShiftTypeRow,
    t.ClientRow,
    t.ContractRow,
    t.SkillRow,
    t.ScenarioRow,
)
"""Every table that holds scenario data, dependants first (the order to delete in)."""


def scenario_skills(s: d.Scenario) -> set[str]:
    """Every skill named anywhere in a scenario (the domain has no skill entity)."""
    names = {k for x in s.technicians for k in x.skills}
    names |= {r.skill for r in s.coverage} | {r.skill for r in s.rotations}
    names |= {p.skill for p in s.peaks} | {a.skill for a in (*s.history, *s.fixed)}
    return {n for n in names if n}


def _numbered(rows) -> list:
    out = list(rows)
    for i, r in enumerate(out):
        r.seq = i
    return out


def scenario_to_rows(s: d.Scenario) -> list[SQLModel]:
    """All rows that store scenario ``s`` (insert them into empty domain tables)."""
    rows: list[SQLModel] = [
        t.ScenarioRow(  # the team is the session's (api.teams)
            name=s.name,
            horizon_start=s.horizon.start,
            horizon_days=s.horizon.days,
            rules=s.rules.model_dump(mode="json"),
        )
    ]
    # named (or unused) skills first, in their order, then the others
    named = {k.id: k.name for k in s.skills}
    ids = [*named, *sorted(scenario_skills(s) - set(named))]
    rows += [t.SkillRow(id=k, name=named.get(k, ""), seq=i) for i, k in enumerate(ids)]
    rows += _numbered(contract_to_row(x) for x in s.contracts)
    rows += _numbered(client_to_row(x) for x in s.clients)
    rows += _numbered(shift_type_to_row(x) for x in s.shift_types)
    rows += _numbered(technician_to_row(x) for x in s.technicians)
    rows += [coverage_to_row(x) for x in s.coverage]
    rows += _numbered(rotation_to_row(x) for x in s.rotations)
    rows += [absence_to_row(x) for x in (*s.absences, *s.undecided_absences)]
    rows += [peak_to_row(x) for x in s.peaks]
    rows += [request_to_row(x) for x in (*s.requests, *s.undecided_requests)]
    rows += [assignment_to_row(x, "history") for x in s.history]
    rows += [assignment_to_row(x, "fixed") for x in s.fixed]
    return rows


def rows_to_scenario(session: Session, horizon: d.Horizon | None = None) -> d.Scenario:
    """The scenario stored in the database (pending and rejected absences and requests
    in ``undecided_*``, which planning ignores).

    ``horizon`` replaces the stored one (solving another period with the same data).
    The team is the session's (:mod:`api.teams`), or the database's only team.
    Raises ``LookupError`` when no scenario was imported and no horizon is given, and
    pydantic's ``ValidationError`` when the stored data do not form a valid scenario.
    """
    from api.teams import TeamChoiceError, scope

    try:
        team = scope(session)
    except TeamChoiceError as e:
        raise LookupError(str(e)) from None
    meta = session.exec(select(t.ScenarioRow).where(t.ScenarioRow.team_id == team)).first()
    if meta is None and horizon is None:
        raise LookupError("no scenario in the database: run `rota import SCENARIO` first")

    def all_(table, *order):
        return session.exec(select(table).order_by(*order)).all()

    def ordered(table):
        return all_(table, table.seq, table.id)

    approved = t.ApprovalStatus.approved.value
    fixed = all_(t.FixedAssignmentRow, t.FixedAssignmentRow.id)
    technicians = tuple(row_to_technician(r) for r in ordered(t.TechnicianRow))
    coverage = tuple(row_to_coverage(r) for r in all_(t.CoverageRuleRow, t.CoverageRuleRow.id))
    rotations = tuple(row_to_rotation(r) for r in ordered(t.RotationRow))
    peaks = tuple(row_to_peak(r) for r in all_(t.PeakRow, t.PeakRow.id))
    used = {k for x in technicians for k in x.skills} | {r.skill for r in coverage}
    used |= {r.skill for r in rotations} | {p.skill for p in peaks} | {a.skill for a in fixed}
    # a skill row says something only with a name or when nothing else names the skill
    skills = tuple(d.Skill(id=r.id, name=r.name) for r in ordered(t.SkillRow)
                   if r.name or r.id not in used)
    absences = [row_to_absence(r) for r in all_(t.AbsenceRow, t.AbsenceRow.id)]
    requests = [row_to_request(r) for r in all_(t.RequestRow, t.RequestRow.id)]
    return d.Scenario(
        name=meta.name if meta else "",
        horizon=horizon or d.Horizon(start=meta.horizon_start, days=meta.horizon_days),
        rules=d.RuleSettings.model_validate(meta.rules) if meta and meta.rules else d.RuleSettings(),
        skills=skills,
        contracts=tuple(row_to_contract(r) for r in ordered(t.ContractRow)),
        technicians=technicians,
        clients=tuple(row_to_client(r) for r in ordered(t.ClientRow)),
        shift_types=tuple(row_to_shift_type(r) for r in ordered(t.ShiftTypeRow)),
        coverage=coverage,
        rotations=rotations,
        absences=tuple(a for a in absences if a.status == approved),
        undecided_absences=tuple(a for a in absences if a.status != approved),
        peaks=peaks,
        requests=tuple(q for q in requests if q.status == approved),
        undecided_requests=tuple(q for q in requests if q.status != approved),
        history=tuple(row_to_assignment(r) for r in fixed if r.kind == "history"),
        fixed=tuple(row_to_assignment(r) for r in fixed if r.kind == "fixed"),
    )


def plan_to_rows(plan: d.Plan, plan_id: int, team_id: int | None = None) -> list[SQLModel]:
    """Assignment and on-call rows of ``plan`` under plan version ``plan_id`` (of team
    ``team_id``; None: the session's team)."""
    rows: list[SQLModel] = [
        t.PlanAssignmentRow(**a.model_dump(), plan_id=plan_id, team_id=team_id)
        for a in plan.assignments
    ]
    rows += [oncall_to_row(o, plan_id, team_id) for o in plan.oncall]
    return rows


def rows_to_plan(session: Session, plan_id: int) -> d.Plan:
    """The domain plan stored under ``plan_id``."""
    a = session.exec(
        select(t.PlanAssignmentRow)
        .where(t.PlanAssignmentRow.plan_id == plan_id)
        .order_by(t.PlanAssignmentRow.id)
    ).all()
    o = session.exec(
        select(t.PlanOnCallRow).where(t.PlanOnCallRow.plan_id == plan_id).order_by(t.PlanOnCallRow.id)
    ).all()
    return d.Plan(
        assignments=tuple(row_to_assignment(r) for r in a),
        oncall=tuple(row_to_oncall(r) for r in o),
    )
