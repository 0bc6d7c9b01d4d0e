"""The scenario entities exposed through :func:`api.routes.crud.crud_router`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session, select

from planner import domain as d
from api import mapping as m
from api import tables as t
from api.routes.crud import Entity, crud_router, unknown
from api.schemas import domain as s

M, C, T = t.UserRole.manager, t.UserRole.coordinator, t.UserRole.technician


def _rows(session: Session, table) -> list:
    return list(session.exec(select(table)).all())


# --- references that must exist (422) ----------------------------------------------


def _technician_refs(session: Session, x: dict) -> list[tuple[str, str]]:
    out = unknown(session, t.ContractRow, "contract", "contract", [x["contract"]])
    out += unknown(session, t.SkillRow, "skill", "skills", x["skills"])
    return out + unknown(session, t.ClientRow, "client", "clients", x["clients"])


def _contract_refs(session: Session, x: dict) -> list[tuple[str, str]]:
    return unknown(session, t.ShiftTypeRow, "shift type", "shift_limits", x["shift_limits"])


def _coverage_refs(session: Session, x: dict) -> list[tuple[str, str]]:
    out = unknown(session, t.ClientRow, "client", "client", [x["client"]])
    out += unknown(session, t.ShiftTypeRow, "shift type", "shift", [x["shift"]])
    return out + unknown(session, t.SkillRow, "skill", "skill", [x["skill"]])


def _rotation_refs(session: Session, x: dict) -> list[tuple[str, str]]:
    out = unknown(session, t.ClientRow, "client", "clients", x["clients"])
    return out + unknown(session, t.SkillRow, "skill", "skill", [x["skill"]])


def _technician_ref(session: Session, x: dict) -> list[tuple[str, str]]:
    return unknown(session, t.TechnicianRow, "technician", "technician", [x["technician"]])


def _peak_refs(session: Session, x: dict) -> list[tuple[str, str]]:
    out = unknown(session, t.ClientRow, "client", "client", [x["client"]])
    out += unknown(session, t.ShiftTypeRow, "shift type", "shift", [x["shift"]])
    return out + unknown(session, t.SkillRow, "skill", "skill", [x["skill"]])


def _request_refs(session: Session, x: dict) -> list[tuple[str, str]]:
    out = _technician_ref(session, x)
    return out + unknown(session, t.ShiftTypeRow, "shift type", "shift", [x["shift"]])


# --- conflicts (409) -------------------------------------------------------------------


def _absence_overlap(session: Session, a: d.Absence, own_id: Any) -> str | None:
    """Two live absences of one technician may not share a day."""
    rows = session.exec(
        select(t.AbsenceRow).where(
            t.AbsenceRow.technician == a.technician,
            t.AbsenceRow.start <= a.end,
            t.AbsenceRow.end >= a.start,
            t.AbsenceRow.status != t.ApprovalStatus.rejected.value,
        )
    ).all()
    for r in rows:
        if r.id != own_id:
            return (
                f"absence overlaps absence {r.id} of technician {a.technician} "
                f"({r.start} to {r.end})"
            )
    return None


# --- what refers to an entity (409 on delete, naming the users) -------------------------

SHOWN = 10
"""How many users of an entity a 409 message names (then 'and N more')."""


def _used(label: str, names) -> list[str]:
    names = sorted({str(n) for n in names})
    if not names:
        return []
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return [f"{label} {', '.join(names[:SHOWN])}{more}"]


def _assignments(session: Session, column, key: str) -> list[str]:
    """Fixed and history rows whose ``column`` is ``key``, named by technician and date."""
    A = t.FixedAssignmentRow
    out = []
    for kind in ("fixed", "history"):
        rows = session.exec(select(A).where(A.kind == kind, column == key)).all()
        out += _used(f"{kind} assignments", (f"{r.technician}@{r.date}" for r in rows))
    return out


def _published(session: Session, table, column, key: str) -> list[str]:
    """Published plan versions holding a row of ``table`` whose ``column`` is ``key``."""
    ids = session.exec(
        select(t.PlanRow.id).join(table, table.plan_id == t.PlanRow.id)
        .where(t.PlanRow.status == t.PlanStatus.published.value, column == key).distinct()
    ).all()
    return _used("published plans", ids)


def _client_users(session: Session, key: str) -> list[str]:
    out = _used("technicians", (r.id for r in _rows(session, t.TechnicianRow) if key in r.clients))
    out += _used("coverage rules", (r.id for r in _rows(session, t.CoverageRuleRow) if r.client == key))
    out += _used("rotations", (r.id for r in _rows(session, t.RotationRow) if key in r.clients))
    out += _used("peaks", (r.id for r in _rows(session, t.PeakRow) if r.client == key))
    out += _assignments(session, t.FixedAssignmentRow.client, key)
    return out + _published(session, t.PlanAssignmentRow, t.PlanAssignmentRow.client, key)


def _successions(session: Session, key: str) -> list[str]:
    meta = session.exec(select(t.ScenarioRow)).first()
    pairs = (meta.rules or {}).get("forbidden_successions", []) if meta else []
    return _used("forbidden successions", (f"{a}->{b}" for a, b in pairs if key in (a, b)))


def _shift_users(session: Session, key: str) -> list[str]:
    out = _used("coverage rules", (r.id for r in _rows(session, t.CoverageRuleRow) if r.shift == key))
    out += _used("contracts", (r.id for r in _rows(session, t.ContractRow) if key in (r.shift_limits or {})))
    out += _used("peaks", (r.id for r in _rows(session, t.PeakRow) if r.shift == key))
    out += _used("requests", (r.id for r in _rows(session, t.RequestRow) if r.shift == key))
    out += _successions(session, key)
    out += _assignments(session, t.FixedAssignmentRow.shift, key)
    return out + _published(session, t.PlanAssignmentRow, t.PlanAssignmentRow.shift, key)


def _contract_users(session: Session, key: str) -> list[str]:
    return _used("technicians", (r.id for r in _rows(session, t.TechnicianRow) if r.contract == key))


def _skill_users(session: Session, key: str) -> list[str]:
    out = _used("technicians", (r.id for r in _rows(session, t.TechnicianRow) if key in r.skills))
    out += _used("coverage rules", (r.id for r in _rows(session, t.CoverageRuleRow) if r.skill == key))
    out += _used("rotations", (r.id for r in _rows(session, t.RotationRow) if r.skill == key))
    out += _used("peaks", (r.id for r in _rows(session, t.PeakRow) if r.skill == key))
    return out + _assignments(session, t.FixedAssignmentRow.skill, key)


def _technician_users(session: Session, key: str) -> list[str]:
    out = _used("absences", (r.id for r in _rows(session, t.AbsenceRow) if r.technician == key))
    out += _used("requests", (r.id for r in _rows(session, t.RequestRow) if r.technician == key))
    members = session.exec(select(t.UserRow.username).join(
        t.MembershipRow, t.MembershipRow.user_id == t.UserRow.id).where(
        t.MembershipRow.team_id == session.info["team_id"], t.MembershipRow.technician_id == key)).all()
    out += _used("users", members)
    out += _assignments(session, t.FixedAssignmentRow.technician, key)
    out += _published(session, t.PlanAssignmentRow, t.PlanAssignmentRow.technician, key)
    return out + _published(session, t.PlanOnCallRow, t.PlanOnCallRow.technician, key)


def _rotation_users(session: Session, key: str) -> list[str]:
    return _published(session, t.PlanOnCallRow, t.PlanOnCallRow.rotation, key)


# --- changes that would strand a fixed assignment (409 on PATCH) ----------------------


def _technician_change(session: Session, x: d.Technician, own_id: Any) -> str | None:
    """A technician may not lose the client or skill of one of their fixed assignments."""
    if own_id is None:
        return None
    A = t.FixedAssignmentRow
    rows = session.exec(select(A).where(A.technician == own_id, A.kind == "fixed")).all()
    lost = [r for r in rows if r.client not in x.clients or (r.skill and r.skill not in x.skills)]
    if lost:
        return ("technician {} would lose the client or skill of fixed assignments {}: "
                "remove them first").format(
                    own_id, ", ".join(sorted(f"{r.date} {r.shift} {r.client}" for r in lost)[:SHOWN]))
    return None


ENTITIES = [
    Entity("skills", "skill", t.SkillRow, s.SkillCreate, s.SkillUpdate, s.SkillPublic,
           to_domain=lambda **x: s.SkillCreate(**x), to_row=lambda x: t.SkillRow(**x.model_dump()),
           extra_keys=(), used_by=_skill_users),
    Entity("contracts", "contract", t.ContractRow, s.ContractCreate, s.ContractUpdate,
           s.ContractPublic, d.Contract, m.contract_to_row, refs=_contract_refs,
           used_by=_contract_users, extra_keys=()),
    Entity("clients", "client", t.ClientRow, s.ClientCreate, s.ClientUpdate, s.ClientPublic,
           d.Client, m.client_to_row, used_by=_client_users, extra_keys=()),
    Entity("shift-types", "shift type", t.ShiftTypeRow, s.ShiftTypeCreate, s.ShiftTypeUpdate,
           s.ShiftTypePublic, d.ShiftType, m.shift_type_to_row, whole_field="end",
           used_by=_shift_users, extra_keys=()),
    Entity("technicians", "technician", t.TechnicianRow, s.TechnicianCreate, s.TechnicianUpdate,
           s.TechnicianPublic, d.Technician, m.technician_to_row, whole_field="clients",
           refs=_technician_refs, used_by=_technician_users, extra_keys=(),
           conflicts=_technician_change,
           filters=("contract",)),
    Entity("coverage-rules", "coverage rule", t.CoverageRuleRow, s.CoverageRuleCreate,
           s.CoverageRuleUpdate, s.CoverageRulePublic, d.CoverageRule, m.coverage_to_row,
           string_id=False, refs=_coverage_refs, filters=("client",)),
    Entity("rotations", "on-call rotation", t.RotationRow, s.RotationCreate, s.RotationUpdate,
           s.RotationPublic, d.OnCallRotation, m.rotation_to_row, refs=_rotation_refs,
           used_by=_rotation_users, extra_keys=()),
    Entity("absences", "absence", t.AbsenceRow, s.AbsenceCreate, s.AbsenceUpdate,
           s.AbsencePublic, d.Absence, m.absence_to_row, string_id=False, whole_field="end",
           refs=_technician_ref, conflicts=_absence_overlap, write=(M, C), owned=True,
           filters=("technician", "status")),
    Entity("peaks", "peak", t.PeakRow, s.PeakCreate, s.PeakUpdate, s.PeakPublic, d.Peak,
           m.peak_to_row, string_id=False, whole_field="end", refs=_peak_refs, write=(M, C),
           filters=("client",)),
    Entity("requests", "request", t.RequestRow, s.RequestCreate, s.RequestUpdate,
           s.RequestPublic, d.Request, m.request_to_row, string_id=False,
           refs=_request_refs, owned=True, filters=("technician", "status")),
]


def entity_routers() -> list[APIRouter]:
    """One router per scenario entity."""
    return [crud_router(e) for e in ENTITIES]
