"""Request dependencies and their ``Annotated`` aliases, used by the routes.

``SessionDep`` (the database session), ``SettingsDep`` (the app's settings),
``AccountUser`` (the bearer token's account, 401 without one, no team chosen),
``CurrentUser`` (that account acting in the chosen team: an :class:`api.teams.Actor`
with the role of that team) and the role checks ``ManagerUser``, ``StaffUser`` (manager
or coordinator) and ``AnyUser`` (403 for another role); ``Reader`` (the caller of a cached
schedule read in the chosen team, :mod:`api.callers`)::

    @router.get("/plans/{plan_id}")
    def read_plan(_: StaffUser, session: SessionDep, plan_id: PlanId) -> PlanPublic: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Header, HTTPException, Query, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import select

from api import tables as t
from api.auth import token_digest
from api.callers import Caller
from api.settings import Settings
from api.teams import Actor, TeamSession, find_team, memberships

T = TypeVar("T")

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[TeamSession]:
    """A session on the app's engine; uncommitted work is rolled back at the end.

    Routes commit once, after every check passed, so a failed request writes nothing.
    The session is strict (:mod:`api.teams`): it reads a team's data only once
    :func:`current_actor` has chosen the team.
    """
    with TeamSession(request.app.state.engine, strict=True) as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (:func:`api.app.create_app`)."""
    return request.app.state.settings


SessionDep = Annotated[TeamSession, Depends(get_session)]
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


AccountUser = Annotated[t.UserRow, Depends(current_user)]

TEAM_HEADER = "X-Rota-Team"
TeamHeader = Annotated[str | None, Header(
    alias=TEAM_HEADER, max_length=64,
    description="The team to act in (its slug); needed when the caller belongs to several teams")]
TeamQuery = Annotated[str | None, Query(
    max_length=64, description="The team to act in, instead of the X-Rota-Team header")]


def choose_team(name: str | None, wanted: int | None, mine: list[T],
                team_id: Callable[[T], int], slug: Callable[[T], str]) -> T:
    """The membership of the team a request acts in, among the caller's ``mine``.

    ``name``: the team the request names (header or query), ``wanted`` its id (None: no
    such team). 403 when the caller is no member of it (whether it exists or not: team
    names are not probed this way) or of no team; 400 when they belong to several and
    name none. Shared by :func:`current_actor` and the cached reads' :func:`reader`.
    """
    if name:
        chosen = [m for m in mine if wanted is not None and team_id(m) == wanted]
        if not chosen:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                detail=f"you are not a member of team {name!r} "
                                       f"(your teams: {', '.join(map(slug, mine)) or 'none'})")
        return chosen[0]
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="you are not a member of any team")
    raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=(
        f"you belong to {len(mine)} teams ({', '.join(map(slug, mine))}): name "
        f"one with the {TEAM_HEADER} header or the team query parameter"))


def current_actor(
    user: AccountUser,
    session: SessionDep,
    x_rota_team: TeamHeader = None,
    team: TeamQuery = None,
) -> Actor:
    """The caller acting in the chosen team; scopes the request's session to that team.

    The team is named by the ``X-Rota-Team`` header or the ``team`` query parameter;
    without either, the caller's only team. 400 when the caller belongs to several teams
    and names none; 403 when they are no member of the named team (whether it exists
    or not: team names are not probed this way).
    """
    name = x_rota_team or team
    mine = memberships(session, user.id)
    wanted = find_team(session, name) if name else None
    membership, chosen_team = choose_team(name, wanted.id if wanted else None, mine,
                                          lambda pair: pair[1].id, lambda pair: pair[1].slug)
    session.set_team(chosen_team.id)
    return Actor(user=user, team=chosen_team, role=membership.role,
                 technician_id=membership.technician_id)


CurrentUser = Annotated[Actor, Depends(current_actor)]


async def reader(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)],
                 x_rota_team: TeamHeader = None, team: TeamQuery = None) -> Caller:
    """The bearer token's user in the chosen team, and the response stamp, for the cached
    schedule reads.

    As strict as :func:`current_actor` (401 when the token is missing, unknown, revoked,
    expired or the user inactive; the same team choice, 400/403), in one query on the
    event loop (:mod:`api.callers`): ``async``, no session, no thread-pool hop. The route
    authorises it (:func:`api.auth.may_read_schedule`).
    """
    if not token or "\x00" in token:
        raise not_authenticated()
    caller = request.app.state.callers.by_token(token)
    if caller is None:
        raise not_authenticated()
    name = x_rota_team or team
    wanted = caller.find(name) if name else None
    return caller.acting_in(choose_team(name, wanted, list(caller.teams),
                                        lambda m: m.team_id, lambda m: m.slug))


Reader = Annotated[Caller, Depends(reader)]


def require(*roles: t.UserRole) -> Callable[..., Actor]:
    """A dependency admitting only callers whose role in the team is in ``roles`` (403
    otherwise)."""
    allowed = {r.value for r in roles}

    # async: a role comparison needs no thread-pool hop (current_actor, which queries, stays sync)
    async def dependency(user: CurrentUser) -> Actor:
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
ManagerUser = Annotated[Actor, Depends(manager_only)]
StaffUser = Annotated[Actor, Depends(staff)]
AnyUser = Annotated[Actor, Depends(anyone)]


async def reject_nul(request: Request) -> None:
    """422 for a NUL character in the path or query: PostgreSQL cannot store one.

    ``async`` because it does no I/O: a plain ``def`` dependency costs a hop to the
    thread pool on every request.
    """
    if "\x00" in request.url.path or "\x00" in str(request.query_params) or "%00" in request.url.path:
        raise HTTPException(422, detail=[{"loc": ["path"], "msg": "NUL character", "type": "value_error"}])
