"""API schemas of the scenario entities: ``Base / Create / Update / Public`` each.

``Create`` adds the client-chosen id (string ids) to ``Base``; ``Update`` has every
``Base`` field optional (PATCH); ``Public`` is what the API returns. Checks that
need more than one field (an absence ending before it starts, a backup trained on
one client) run when the route builds the domain object.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field, create_model

from planner.domain import AbsenceKind, Contract, Role
from api.schemas.common import Day, LocalTime, Count, Id, Schema, Text, Weight, optional

class SkillBase(Schema):
    name: Text = ""


class SkillCreate(SkillBase):
    id: Id


class SkillPublic(SkillCreate):
    pass


class _ContractSchema(Schema):
    model_config = ConfigDict(allow_inf_nan=False)


ContractBase = create_model(  # type: ignore[call-overload]
    "ContractBase", __base__=_ContractSchema,
    name=(Text, ""),
    **{k: (f.annotation, f) for k, f in Contract.model_fields.items() if k in Contract.parameters()},
)
"""A contract's fields as :class:`planner.domain.Contract` declares them (types, bounds,
defaults): a new contract parameter reaches the API without a copy here."""


class ContractCreate(ContractBase):
    id: Id


class ContractPublic(ContractCreate):
    pass


class TechnicianBase(Schema):
    name: Text = ""
    email: Text = ""
    phone: str = Field(default="", max_length=40,
                       description="international form, e.g. +32 2 555 01 23 ('' = none)")
    country: str = Field(default="", max_length=8)
    contract: Id
    skills: list[Id] = []
    clients: list[Id] = []
    roles: list[Role] = []
    oncall: bool = False
    site: Text = ""
    timezone: str = Field(default="Europe/Brussels", max_length=64)


class TechnicianCreate(TechnicianBase):
    id: Id


class TechnicianPublic(TechnicianCreate):
    pass


class ServiceWindowSchema(Schema):
    weekday: int = Field(ge=0, le=6)
    start: LocalTime
    end: LocalTime


class ClientBase(Schema):
    name: Text = ""
    country: str = Field(default="", max_length=8)
    timezone: str = Field(default="Europe/Brussels", max_length=64)
    tier: int = Field(default=2, ge=1, le=3)
    covers_public_holidays: bool = False
    service_windows: list[ServiceWindowSchema] = []


class ClientCreate(ClientBase):
    id: Id


class ClientPublic(ClientCreate):
    pass


class ShiftTypeBase(Schema):
    name: Text = ""
    start: LocalTime
    end: LocalTime
    paid_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    night: bool | None = None


class ShiftTypeCreate(ShiftTypeBase):
    id: Id


class ShiftTypePublic(ShiftTypeCreate):
    pass


class CoverageRuleBase(Schema):
    client: Id
    shift: Id
    skill: str = Field(default="", max_length=64)
    required: Count
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = Field(default=None, max_length=7)
    date: Day | None = None
    under_weight: Weight | None = None
    over_weight: Weight | None = None


CoverageRuleCreate = CoverageRuleBase


class CoverageRulePublic(CoverageRuleBase):
    id: int


class RotationBase(Schema):
    name: Text = ""
    clients: list[Id] = Field(min_length=1)
    handover_weekday: int = Field(default=0, ge=0, le=6)
    handover_time: LocalTime = dt.time(8, 0)
    period_days: int = Field(default=7, ge=1, le=366)
    backup: bool = True
    skill: str = Field(default="", max_length=64)
    timezone: str = Field(default="Europe/Brussels", max_length=64)


class RotationCreate(RotationBase):
    id: Id


class RotationPublic(RotationCreate):
    pass


class AbsenceBase(Schema):
    technician: Id
    start: Day
    end: Day
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    kind: AbsenceKind = AbsenceKind.planned
    reason: Text = ""


AbsenceCreate = AbsenceBase


class AbsencePublic(AbsenceBase):
    id: int
    status: str


class PeakBase(Schema):
    client: Id
    start: Day
    end: Day
    extra: int = Field(ge=1, le=10_000)
    shift: str = Field(default="", max_length=64)
    skill: str = Field(default="", max_length=64)
    reason: Text = ""


PeakCreate = PeakBase


class PeakPublic(PeakBase):
    id: int


class RequestBase(Schema):
    technician: Id
    date: Day
    shift: str = Field(default="", max_length=64)
    work: bool
    weight: int = Field(default=1, ge=0, le=1000)


RequestCreate = RequestBase


class RequestPublic(RequestBase):
    id: int
    status: str


class ApprovalUpdate(Schema):
    """Approve or reject a pending absence or request."""

    status: str = Field(pattern="^(pending|approved|rejected)$")


SkillUpdate = optional(SkillBase, "SkillUpdate")
ContractUpdate = optional(ContractBase, "ContractUpdate")
TechnicianUpdate = optional(TechnicianBase, "TechnicianUpdate")
ClientUpdate = optional(ClientBase, "ClientUpdate")
ShiftTypeUpdate = optional(ShiftTypeBase, "ShiftTypeUpdate")
CoverageRuleUpdate = optional(CoverageRuleBase, "CoverageRuleUpdate")
RotationUpdate = optional(RotationBase, "RotationUpdate")
AbsenceUpdate = optional(AbsenceBase, "AbsenceUpdate")
PeakUpdate = optional(PeakBase, "PeakUpdate")
RequestUpdate = optional(RequestBase, "RequestUpdate")
