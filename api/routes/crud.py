"""A router factory for the create/read/update/delete routes of a scenario entity.

Every entity gets ``GET /{name}``, ``POST /{name}``, ``GET|PATCH|DELETE
/{name}/{id}``. An :class:`Entity` says how to build and check its domain object,
which references must exist (422), what conflicts (409) and who may read and write.
Technician-owned entities (absences, requests) let a technician user read their
own and create their own as *pending*.
"""

# No ``from __future__ import annotations``: FastAPI must see the real body types
# of the routes built inside crud_router.
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response
from sqlalchemy import func
from pydantic import Field, create_model
from sqlmodel import Session, SQLModel, select

from api import tables as t
from api.auth import own_technician
from api.deps import CurrentUser, SessionDep
from api.errors import build_or_422, conflict, not_found
from api.schemas.common import INT32
from api.schemas.domain import ApprovalUpdate

Refs = Callable[[Session, dict], list[tuple[str, str]]]

def newest_first(session: Session, table: type[SQLModel], status: str | None, limit: int) -> list:
    """Rows of ``table`` (jobs, plan versions), newest first, of one status if given."""
    q = select(table)
    if status:
        q = q.where(table.status == status)
    return list(session.exec(q.order_by(table.id.desc()).limit(limit)).all())


ERRORS = {
    401: {"description": "Not authenticated"},
    403: {"description": "Role not allowed"},
    404: {"description": "Unknown id"},
    409: {"description": "Conflict"},
}


@dataclass
class Entity:
    """How one scenario entity is exposed."""

    name: str
    label: str
    table: type[SQLModel]
    create: type[SQLModel]
    update: type[SQLModel]
    public: type[SQLModel]
    to_domain: Callable[..., Any]
    to_row: Callable[[Any], SQLModel]
    string_id: bool = True
    whole_field: str | None = None
    refs: Refs | None = None
    """Unknown references in a body: [(field, message)] → 422."""
    conflicts: Callable[[Session, Any, Any], str | None] | None = None
    """(session, domain object, own id or None) → a 409 message or None."""
    used_by: Callable[[Session, Any], list[str]] | None = None
    """(session, id) → what still refers to it (a non-empty list refuses a delete)."""
    read: tuple[t.UserRole, ...] = (t.UserRole.manager, t.UserRole.coordinator)
    write: tuple[t.UserRole, ...] = (t.UserRole.manager,)
    owned: bool = False
    filters: tuple[str, ...] = ()
    extra_keys: tuple[str, ...] = field(default=("id", "status"))


def _allow(user: t.UserRow, roles: tuple[t.UserRole, ...], owned: bool) -> None:
    if user.role in {r.value for r in roles}:
        return
    if owned and user.role == t.UserRole.technician:
        return
    raise HTTPException(403, detail=f"role {user.role} may not do this")


def _public(e: Entity, row: SQLModel) -> SQLModel:
    return e.public.from_row(row)


def _domain_data(e: Entity, data: dict) -> dict:
    return {k: v for k, v in data.items()
            if k not in e.extra_keys and k not in ("seq", "team_id")}


def _check(e: Entity, session: Session, data: dict, own_id: Any) -> Any:
    obj = build_or_422(e.to_domain, _domain_data(e, data), e.whole_field)
    if e.refs:
        problems = e.refs(session, data)
        if problems:
            raise HTTPException(
                422,
                detail=[{"loc": ["body", f], "msg": m, "type": "value_error"} for f, m in problems],
            )
    if e.conflicts:
        msg = e.conflicts(session, obj, own_id)
        if msg:
            raise conflict(msg)
    return obj


def crud_router(e: Entity) -> APIRouter:
    """The routes of entity ``e``."""
    router = APIRouter(prefix=f"/{e.name}", tags=[e.name], responses=ERRORS)
    id_type = str if e.string_id else int
    id_path = Path(min_length=1, max_length=64) if e.string_id else Path(ge=1, le=INT32)
    is_owned = e.owned

    def get_row(session: Session, key: Any, lock: bool = False) -> SQLModel:
        row = session.get(e.table, key, with_for_update=lock)
        if row is None:
            raise not_found(e.label, key)
        return row

    # the filter columns of this entity, as optional query parameters
    Filters = create_model(f"{e.name}_filters", **{
        f: (str | None, Field(None, max_length=64)) for f in e.filters})

    def list_rows(
        session: SessionDep,
        user: CurrentUser,
        *,
        offset: int = Query(0, ge=0, le=INT32),
        limit: int = Query(1000, ge=1, le=10_000),
        filters: Annotated[Filters, Query()],
    ) -> list[Any]:
        _allow(user, e.read, is_owned)
        q = select(e.table)
        if is_owned and user.role == t.UserRole.technician:
            q = q.where(e.table.technician == user.technician_id)
        for k, v in filters.model_dump(exclude_none=True).items():
            q = q.where(getattr(e.table, k) == v)
        rows = session.exec(q.order_by(e.table.id).offset(offset).limit(limit)).all()
        return [_public(e, r) for r in rows]

    router.add_api_route(
        "", list_rows, methods=["GET"], response_model=list[e.public],
        summary=f"List {e.name}", operation_id=f"list_{e.name}",
    )

    def create(
        session: SessionDep,
        user: CurrentUser,
        body: e.create,  # type: ignore[name-defined]
    ) -> Any:
        _allow(user, e.write, is_owned)
        data = body.model_dump()
        pending = is_owned and user.role == t.UserRole.technician
        if pending:
            own_technician(user, data["technician"])
        if e.string_id and session.get(e.table, data["id"]) is not None:
            raise conflict(f"{e.label} {data['id']} already exists")
        obj = _check(e, session, data, None)
        row = e.to_row(obj)
        if hasattr(row, "seq"):  # new entities go after the imported ones
            last = session.exec(select(func.max(e.table.seq))).one()
            row.seq = (last or 0) + 1
        if is_owned:
            row.status = t.ApprovalStatus.pending.value if pending else t.ApprovalStatus.approved.value
        session.add(row)
        _keep_plannable(session)
        session.commit()
        session.refresh(row)
        return _public(e, row)

    router.add_api_route(
        "", create, methods=["POST"], status_code=201, response_model=e.public,
        summary=f"Create a {e.label}", operation_id=f"create_{e.name}",
    )

    def read(
        session: SessionDep,
        user: CurrentUser,
        key: id_type = id_path,  # type: ignore[valid-type]
    ) -> Any:
        _allow(user, e.read, is_owned)
        row = get_row(session, key)
        if is_owned:
            hide_others(user, row, e.label, key)
        return _public(e, row)

    router.add_api_route(
        "/{key}", read, methods=["GET"], response_model=e.public,
        summary=f"Read a {e.label}", operation_id=f"read_{e.name}",
    )

    def update(
        session: SessionDep,
        user: CurrentUser,
        body: e.update,  # type: ignore[name-defined]
        key: id_type = id_path,  # type: ignore[valid-type]
    ) -> Any:
        _allow(user, e.write, False)
        # FOR UPDATE (PostgreSQL): a concurrent PATCH of the same row waits for this one
        row = get_row(session, key, lock=True)
        data = row.model_dump()
        changes = body.model_dump(exclude_unset=True)
        data.update(changes)
        obj = _check(e, session, data, key)
        fresh = e.to_row(obj)
        for k in changes:
            setattr(row, k, getattr(fresh, k))
        session.add(row)
        session.flush()
        # re-check the row as written: only the changed columns are updated, so a
        # concurrent PATCH of other columns (SQLite has no row lock) could have made
        # a whole-object rule false (a backup technician left with one client)
        session.refresh(row)
        try:
            e.to_domain(**_domain_data(e, row.model_dump()))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            session.rollback()
            msg = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
            raise conflict(f"{e.label} {key} was changed meanwhile and this change would now "
                           f"break a rule: {msg.removeprefix('Value error, ')}") from None
        _keep_plannable(session)
        session.commit()
        session.refresh(row)
        return _public(e, row)

    router.add_api_route(
        "/{key}", update, methods=["PATCH"], response_model=e.public,
        summary=f"Change a {e.label}", operation_id=f"update_{e.name}",
    )

    def remove(
        session: SessionDep,
        user: CurrentUser,
        key: id_type = id_path,  # type: ignore[valid-type]
    ) -> Response:
        _allow(user, e.write, is_owned)
        row = get_row(session, key)
        if is_owned and user.role == t.UserRole.technician:
            hide_others(user, row, e.label, key)
            if row.status != t.ApprovalStatus.pending.value:
                raise conflict(f"{e.label} {key} is {row.status}: ask a manager to remove it")
        if e.used_by:
            users = e.used_by(session, key)
            if users:
                raise conflict(f"{e.label} {key} is still used by " + "; ".join(users))
        session.delete(row)
        _keep_plannable(session)
        session.commit()
        return Response(status_code=204)

    router.add_api_route(
        "/{key}", remove, methods=["DELETE"], status_code=204, response_class=Response,
        summary=f"Delete a {e.label}", operation_id=f"delete_{e.name}",
    )
    if is_owned:

        def set_status(
            session: SessionDep,
            user: CurrentUser,
            body: ApprovalUpdate,
            key: int = Path(ge=1, le=INT32),
        ) -> Any:
            _allow(user, e.write, False)
            row = get_row(session, key)
            if body.status != t.ApprovalStatus.rejected.value and e.conflicts:
                msg = e.conflicts(session, e.to_domain(**_domain_data(e, row.model_dump())), key)
                if msg:
                    raise conflict(msg)
            row.status = body.status
            session.add(row)
            _keep_plannable(session)
            session.commit()
            session.refresh(row)
            return _public(e, row)

        router.add_api_route(
            "/{key}/status", set_status, methods=["PUT"], response_model=e.public,
            summary=f"Approve or reject a {e.label}", operation_id=f"set_status_{e.name}",
        )
    return router


def _keep_plannable(session: Session) -> None:
    """409 when the pending write would make the stored scenario fail to compile.

    Only fixed assignments can make a valid scenario uncompilable (a fixed shift on a
    newly approved absence, on a duty a coverage change removed, on a client the
    technician is no longer trained on), so the check runs only when some exist.
    """
    from planner.compile import CompileError, check_fixed
    from pydantic import ValidationError

    from api.mapping import rows_to_scenario

    def problem(s: Session) -> str | None:
        try:
            check_fixed(rows_to_scenario(s))
        except LookupError:
            return None  # no scenario stored yet: nothing to plan
        except ValidationError as exc:
            return exc.errors()[0]["msg"].removeprefix("Value error, ")
        except CompileError as exc:
            return str(exc)
        return None

    session.flush()
    fixed = t.FixedAssignmentRow
    if session.exec(select(fixed.id).where(fixed.kind == "fixed").limit(1)).first() is None:
        return
    msg = problem(session)
    if msg is None:
        return
    # the committed state of the same team, without this change
    with Session(session.get_bind(), info={"team_id": session.info.get("team_id")}) as before:
        if problem(before) is not None:
            return  # already unplannable: do not block the writes that may repair it
    session.rollback()
    raise conflict(f"this change would leave the stored scenario unplannable: {msg}")


def hide_others(user: t.UserRow, row: SQLModel, label: str, key: Any) -> None:
    """404 for a technician asking for another person's row: the same answer as for a
    missing id, so ids cannot be probed for someone's absences."""
    if user.role == t.UserRole.technician and user.technician_id != row.technician:
        raise not_found(label, key)


def unknown(session: Session, table: type[SQLModel], kind: str, field_name: str, keys) -> list[tuple[str, str]]:
    """[(field, "unknown kind 'x'")] for each key of ``keys`` with no row in ``table``."""
    out = []
    for k in sorted({k for k in keys if k}):
        if session.get(table, k) is None:
            out.append((field_name, f"unknown {kind} {k!r}"))
    return out
