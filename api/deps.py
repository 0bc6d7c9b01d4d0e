"""Request dependencies and their ``Annotated`` aliases, used by the routes.

``SessionDep`` (the database session), ``SettingsDep`` (the app's settings),
``CurrentUser`` (the bearer token's user, 401 without one) and the role checks
``ManagerUser``, ``StaffUser`` (manager or coordinator) and ``AnyUser`` (403 for
another role); ``Reader`` (the caller of a cached schedule read, :mod:`api.callers`)::

    @router.get("/plans/{plan_id}")
    def read_plan(_: StaffUser, session: SessionDep, plan_id: PlanId) -> PlanPublic: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session, select

from api import tables as t
from api.auth import token_digest
from api.callers import Caller
from api.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """A session on the app's engine; uncommitted work is rolled back at the end.

    Routes commit once, after every check passed, so a failed request writes nothing.
    """
    with Session(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (:func:`api.app.create_app`)."""
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def not_authenticated() -> HTTPException:
    """The 401 of a request without a valid bearer token (every route gives the same)."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="not authenticated: log in at /api/v1/auth/token and send the bearer token",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_user(token: Annotated[str | None, Depends(oauth2_scheme)],
                 session: SessionDep) -> t.UserRow:
    """The user owning the request's bearer token (401 when missing or invalid)."""
    unauthorized = not_authenticated()
    if not token or "\x00" in token:
        raise unauthorized
    # one query: this runs on every request
    user = session.exec(
        select(t.UserRow)
        .join(t.TokenRow, t.TokenRow.user_id == t.UserRow.id)
        .where(t.TokenRow.digest == token_digest(token), t.TokenRow.expires_at > t.utcnow())
    ).first()
    if user is None or not user.active:
        raise unauthorized
    return user


CurrentUser = Annotated[t.UserRow, Depends(current_user)]


async def reader(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Caller:
    """The bearer token's user and the response stamp, for the cached schedule reads.

    As strict as :func:`current_user` (401 when missing, unknown, revoked, expired or the
    user inactive), in one query on the event loop (:mod:`api.callers`): ``async``, no
    session, no thread-pool hop. The route authorises it (:func:`api.auth.may_read_schedule`).
    """
    if not token or "\x00" in token:
        raise not_authenticated()
    caller = request.app.state.callers.by_token(token)
    if caller is None:
        raise not_authenticated()
    return caller


Reader = Annotated[Caller, Depends(reader)]


def require(*roles: t.UserRole) -> Callable[..., t.UserRow]:
    """A dependency admitting only users whose role is in ``roles`` (403 otherwise)."""
    allowed = {r.value for r in roles}

    # async: a role comparison needs no thread-pool hop (current_user, which queries, stays sync)
    async def dependency(user: CurrentUser) -> t.UserRow:
        if user.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"role {user.role} may not do this (needs {' or '.join(sorted(allowed))})",
            )
        return user

    return dependency


manager_only = require(t.UserRole.manager)
staff = require(t.UserRole.manager, t.UserRole.coordinator)
anyone = require(*t.UserRole)
ManagerUser = Annotated[t.UserRow, Depends(manager_only)]
StaffUser = Annotated[t.UserRow, Depends(staff)]
AnyUser = Annotated[t.UserRow, Depends(anyone)]


async def reject_nul(request: Request) -> None:
    """422 for a NUL character in the path or query: PostgreSQL cannot store one.

    ``async`` because it does no I/O: a plain ``def`` dependency costs a hop to the
    thread pool on every request.
    """
    if "\x00" in request.url.path or "\x00" in str(request.query_params) or "%00" in request.url.path:
        raise HTTPException(422, detail=[{"loc": ["path"], "msg": "NUL character", "type": "value_error"}])
