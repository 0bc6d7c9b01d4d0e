"""Log-in (OAuth2 password flow), the current user, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import delete
from sqlmodel import Session, select

from api import tables as t
from api.auth import (authenticate, create_user, hash_password, issue_token, revoke_tokens,
                      set_ical_secret, technician_exists, token_digest)
from api.deps import AccountUser, AnyUser, ManagerUser, SessionDep, SettingsDep, oauth2_scheme
from api.errors import conflict, not_found, unprocessable
from api.routes.crud import ERRORS
from api.schemas.common import UserId
from api.schemas.plans import (CalendarLink, MemberAdd, TeamPublic, Token, UserCreate, UserPublic,
                               UserUpdate)
from api.teams import memberships, set_membership
from api.settings import Settings
from api.throttle import LoginThrottle

router = APIRouter(tags=["users"], responses=ERRORS)


@router.post("/auth/token", response_model=Token, summary="Log in (OAuth2 password flow)",
             responses={400: {"description": "Incorrect username or password"}})
def login(
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    if "\x00" in form.username or "\x00" in form.password:
        raise HTTPException(400, detail="incorrect username or password")
    throttle: LoginThrottle = request.app.state.login_throttle
    keys = (f"user:{form.username}", f"addr:{request.client.host if request.client else '-'}")
    wait = throttle.retry_after(*keys)
    if wait:
        raise HTTPException(429, detail=f"too many failed log-ins: try again in {wait} s",
                            headers={"Retry-After": str(wait)})
    user = authenticate(session, form.username, form.password)
    if user is None:
        throttle.failed(*keys)
        raise HTTPException(400, detail="incorrect username or password")
    throttle.succeeded(keys[0])
    token = issue_token(session, user, settings.token_expiry_minutes)
    session.commit()
    return Token(access_token=token, expires_in=settings.token_expiry_minutes * 60)


@router.post("/auth/logout", status_code=204, response_class=Response,
             summary="Log out (the bearer token stops working)")
def logout(
    token: Annotated[str | None, Depends(oauth2_scheme)],
    _: AccountUser,
    session: SessionDep,
) -> Response:
    session.exec(delete(t.TokenRow).where(t.TokenRow.digest == token_digest(token or "")))
    session.commit()
    return Response(status_code=204)


def _public(user: t.UserRow, member: t.MembershipRow | None, team: t.TeamRow | None = None) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, full_name=user.full_name,
                      role=member.role if member else "", active=user.active,
                      technician_id=member.technician_id if member else None,
                      created_at=user.created_at, team=team.slug if team else "")


@router.get("/users/me", response_model=UserPublic,
            summary="The logged-in user, with their role in the chosen team")
def me(
    user: AnyUser,
) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, full_name=user.user.full_name,
                      role=user.role, technician_id=user.technician_id, active=user.user.active,
                      created_at=user.user.created_at, team=user.team.slug)


@router.get("/teams", response_model=list[TeamPublic],
            summary="The caller's teams and their role in each (no team needs to be chosen)")
def my_teams(
    user: AccountUser,
    session: SessionDep,
) -> list[TeamPublic]:
    return [TeamPublic(id=team.id, slug=team.slug, name=team.name or team.slug, role=m.role,
                       technician_id=m.technician_id)
            for m, team in memberships(session, user.id)]


def calendar_url(request: Request, settings: Settings, token: str) -> str:
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return f"{base}/api/v1/calendar/{token}.ics"


@router.get("/users/me/calendar", response_model=CalendarLink,
            summary="Whether I have a calendar-feed link and since when (the URL is shown "
                    "only once, by POST)")
def my_calendar(
    user: AnyUser,
) -> CalendarLink:
    if not user.technician_id:
        raise conflict("this user is not linked to a technician and has no schedule")
    # only the secret's digest is stored: the URL cannot be shown again
    return CalendarLink(url=None, token=None, exists=user.user.ical_digest is not None,
                        created_at=user.user.ical_created_at)


@router.post("/users/me/calendar", response_model=CalendarLink,
             summary="Create or replace my calendar-feed secret; the URL is shown this once "
                     "(an old URL stops working)")
def rotate_calendar(
    user: AnyUser,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> CalendarLink:
    if not user.technician_id:
        raise conflict("this user is not linked to a technician and has no schedule")
    account = user.user
    secret = set_ical_secret(account)
    session.add(account)
    session.commit()
    return CalendarLink(url=calendar_url(request, settings, secret), token=secret, exists=True,
                        created_at=account.ical_created_at)


def _members(session: Session, team_id: int):
    return (select(t.UserRow, t.MembershipRow)
            .join(t.MembershipRow, t.MembershipRow.user_id == t.UserRow.id)
            .where(t.MembershipRow.team_id == team_id))


@router.get("/users", response_model=list[UserPublic], summary="List the members of the team")
def list_users(
    me_: ManagerUser,
    session: SessionDep,
) -> list[UserPublic]:
    rows = session.exec(_members(session, me_.team_id).order_by(t.UserRow.id)).all()
    return [_public(u, m, me_.team) for u, m in rows]


def _check_link(session: Session, team_id: int, role: str, technician_id: str | None) -> None:
    if technician_id and not technician_exists(session, team_id, technician_id):
        raise unprocessable("technician_id", f"unknown technician {technician_id!r}")
    if role == t.UserRole.technician and not technician_id:
        raise unprocessable("technician_id", "a technician user must be linked to a technician")


@router.post("/users", response_model=UserPublic, status_code=201,
             summary="Create a user account, member of the team with the given role")
def add_user(
    me_: ManagerUser,
    session: SessionDep,
    body: UserCreate,
) -> UserPublic:
    if session.exec(select(t.UserRow).where(t.UserRow.username == body.username)).first():
        raise conflict(f"user {body.username} already exists (POST /members adds an existing "
                       "account to the team)")
    _check_link(session, me_.team_id, body.role, body.technician_id)
    user = create_user(session, body.username, body.password, t.UserRole(body.role),
                       body.technician_id, body.full_name, team=me_.team_id)
    session.commit()
    session.refresh(user)
    return _public(user, session.get(t.MembershipRow, (user.id, me_.team_id)), me_.team)


def _manages_all(session: Session, manager_id: int, user_id: int) -> bool:
    """Whether ``manager_id`` is a manager of every team ``user_id`` belongs to."""
    theirs = {m.team_id for m, _t in memberships(session, user_id)}
    mine = {m.team_id for m, _t in memberships(session, manager_id)
            if m.role == t.UserRole.manager.value}
    return theirs <= mine


@router.post("/members", response_model=UserPublic, status_code=201,
             summary="Add an existing account to the team (e.g. a technician shared with "
                     "another team); only by a manager who also manages one of the "
                     "account's teams")
def add_member(
    me_: ManagerUser,
    session: SessionDep,
    body: MemberAdd,
) -> UserPublic:
    user = session.exec(select(t.UserRow).where(t.UserRow.username == body.username)).first()
    theirs = memberships(session, user.id) if user else []
    mine = {m.team_id for m, _t in memberships(session, me_.id) if m.role == t.UserRole.manager.value}
    # the trust model (docs/architecture.md, Teams): a person's other teams let their
    # duties count as busy time here, so only someone who manages one of those teams
    # (or an administrator, with `rota users add --team`) may link them. The same answer
    # for an unknown account and a foreign one: user names are not probed this way.
    if user is None or (theirs and not {m.team_id for m, _t in theirs} & mine):
        raise not_found("user you may add", body.username)
    if any(m.team_id == me_.team_id for m, _t in theirs):
        raise conflict(f"user {body.username} is already a member of team {me_.team.slug}")
    _check_link(session, me_.team_id, body.role, body.technician_id)
    member = set_membership(session, user.id, me_.team_id, body.role, body.technician_id)
    session.commit()
    session.refresh(user)
    return _public(user, member, me_.team)


def _user(session: Session, team_id: int, user_id: int) -> tuple[t.UserRow, t.MembershipRow]:
    """A member of the team (404 for an account of another team only)."""
    row = session.exec(_members(session, team_id).where(t.UserRow.id == user_id)).first()
    if row is None:
        raise not_found("user", user_id)
    return row[0], row[1]


@router.get("/users/{user_id}", response_model=UserPublic, summary="Read a member of the team")
def read_user(
    me_: ManagerUser,
    session: SessionDep,
    user_id: UserId,
) -> UserPublic:
    user, member = _user(session, me_.team_id, user_id)
    return _public(user, member, me_.team)


ACCOUNT_FIELDS = ("password", "active", "full_name")
"""Changes to the account itself, which every team of the user sees."""


@router.patch("/users/{user_id}", response_model=UserPublic,
              summary="Change a member's role or technician link in the team, or their account "
                      "(password, name, active: only by a manager of all their teams)")
def update_user(
    me_: ManagerUser,
    session: SessionDep,
    body: UserUpdate,
    user_id: UserId,
) -> UserPublic:
    user, member = _user(session, me_.team_id, user_id)
    changes = body.model_dump(exclude_unset=True)
    for k in ("role", "full_name", "active"):
        if k in changes and changes[k] is None:
            raise unprocessable(k, f"{k} may not be null")
    role = changes.get("role") or member.role
    link = changes["technician_id"] if "technician_id" in changes else member.technician_id
    _check_link(session, me_.team_id, role, link)
    if user.id == me_.id and (changes.get("active") is False or changes.get("role", "manager") != "manager"):
        raise conflict("managers cannot demote or deactivate themselves")
    if any(k in changes for k in ACCOUNT_FIELDS) and not _manages_all(session, me_.id, user.id):
        raise HTTPException(403, detail="this account also belongs to teams you do not manage: "
                                        "only its role and technician link in this team may be "
                                        "changed here")
    if "password" in changes:
        if changes["password"] is None:
            raise unprocessable("password", "password may not be null")
        user.password_hash = hash_password(changes.pop("password"))
        revoke_tokens(session, user.id)  # a changed password ends every session
    # deactivation or a new role ends the user's sessions (a token keeps no stale rights)
    revoke = changes.get("active") is False or changes.get("role", member.role) != member.role
    for k in ("full_name", "active"):
        if k in changes:
            setattr(user, k, changes[k])
    member.role, member.technician_id = role, link
    if revoke:
        revoke_tokens(session, user.id)
    session.add(user)
    session.add(member)
    session.commit()
    session.refresh(user)
    session.refresh(member)
    return _public(user, member, me_.team)


@router.delete("/users/{user_id}", status_code=204, response_class=Response,
               summary="Remove a member from the team (the account goes with its last team)")
def delete_user(
    me_: ManagerUser,
    session: SessionDep,
    user_id: UserId,
) -> Response:
    user, member = _user(session, me_.team_id, user_id)
    if user.id == me_.id:
        raise conflict("managers cannot delete themselves")
    session.delete(member)
    session.flush()
    if not memberships(session, user.id):
        session.delete(user)
    session.commit()
    return Response(status_code=204)
