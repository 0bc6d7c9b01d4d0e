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


# --- what refers to an entity (409 on delete) ------------------------------------------


def _used(label: str, n: int) -> list[str]:
    return [f"{n} {label}"] if n else []


def _client_users(session: Session, key: str) -> list[str]:
    out = _used("technicians", sum(key in r.clients for r in _rows(session, t.TechnicianRow)))
    out += _used("coverage rules", sum(r.client == key for r in _rows(session, t.CoverageRuleRow)))
    out += _used("rotations", sum(key in r.clients for r in _rows(session, t.RotationRow)))
    return out + _used("peaks", sum(r.client == key for r in _rows(session, t.PeakRow)))


def _shift_users(session: Session, key: str) -> list[str]:
    out = _used("coverage rules", sum(r.shift == key for r in _rows(session, t.CoverageRuleRow)))
    out += _used("contracts", sum(key in (r.shift_limits or {}) for r in _rows(session, t.ContractRow)))
    out += _used("peaks", sum(r.shift == key for r in _rows(session, t.PeakRow)))
    return out + _used("requests", sum(r.shift == key for r in _rows(session, t.RequestRow)))


def _contract_users(session: Session, key: str) -> list[str]:
    return _used("technicians", sum(r.contract == key for r in _rows(session, t.TechnicianRow)))


def _skill_users(session: Session, key: str) -> list[str]:
    out = _used("technicians", sum(key in r.skills for r in _rows(session, t.TechnicianRow)))
    out += _used("coverage rules", sum(r.skill == key for r in _rows(session, t.CoverageRuleRow)))
    out += _used("rotations", sum(r.skill == key for r in _rows(session, t.RotationRow)))
    return out + _used("peaks", sum(r.skill == key for r in _rows(session, t.PeakRow)))


def _technician_users(session: Session, key: str) -> list[str]:
    out = _used("absences", sum(r.technician == key for r in _rows(session, t.AbsenceRow)))
    out += _used("requests", sum(r.technician == key for r in _rows(session, t.RequestRow)))
    return out + _used("users", sum(r.technician_id == key for r in _rows(session, t.UserRow)))


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
           filters=("contract",)),
    Entity("coverage-rules", "coverage rule", t.CoverageRuleRow, s.CoverageRuleCreate,
           s.CoverageRuleUpdate, s.CoverageRulePublic, d.CoverageRule, m.coverage_to_row,
           string_id=False, refs=_coverage_refs, filters=("client",)),
    Entity("rotations", "on-call rotation", t.RotationRow, s.RotationCreate, s.RotationUpdate,
           s.RotationPublic, d.OnCallRotation, m.rotation_to_row, refs=_rotation_refs,
           extra_keys=()),
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
