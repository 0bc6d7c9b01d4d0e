"""Log-in (OAuth2 password flow), the current user, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import delete
from sqlmodel import Session, select

from api import tables as t
from api.auth import authenticate, create_user, hash_password, issue_token, revoke_tokens, set_ical_secret, token_digest
from api.deps import AnyUser, ManagerUser, SessionDep, SettingsDep, oauth2_scheme
from api.errors import conflict, not_found, unprocessable
from api.routes.crud import ERRORS
from api.schemas.common import UserId
from api.schemas.plans import CalendarLink, Token, UserCreate, UserPublic, UserUpdate
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
    _: AnyUser,
    session: SessionDep,
) -> Response:
    session.exec(delete(t.TokenRow).where(t.TokenRow.digest == token_digest(token or "")))
    session.commit()
    return Response(status_code=204)


def _public(user: t.UserRow) -> UserPublic:
    return UserPublic.from_row(user)


@router.get("/users/me", response_model=UserPublic, summary="The logged-in user")
def me(
    user: AnyUser,
) -> UserPublic:
    return _public(user)


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
    return CalendarLink(url=None, token=None, exists=user.ical_digest is not None,
                        created_at=user.ical_created_at)


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
    secret = set_ical_secret(user)
    session.add(user)
    session.commit()
    return CalendarLink(url=calendar_url(request, settings, secret), token=secret, exists=True,
                        created_at=user.ical_created_at)


@router.get("/users", response_model=list[UserPublic], summary="List users")
def list_users(
    _: ManagerUser,
    session: SessionDep,
) -> list[UserPublic]:
    return [_public(u) for u in session.exec(select(t.UserRow).order_by(t.UserRow.id)).all()]


@router.post("/users", response_model=UserPublic, status_code=201, summary="Create a user")
def add_user(
    _: ManagerUser,
    session: SessionDep,
    body: UserCreate,
) -> UserPublic:
    if session.exec(select(t.UserRow).where(t.UserRow.username == body.username)).first():
        raise conflict(f"user {body.username} already exists")
    if body.technician_id and session.get(t.TechnicianRow, body.technician_id) is None:
        raise unprocessable("technician_id", f"unknown technician {body.technician_id!r}")
    if body.role == t.UserRole.technician and not body.technician_id:
        raise unprocessable("technician_id", "a technician user must be linked to a technician")
    user = create_user(session, body.username, body.password, t.UserRole(body.role),
                       body.technician_id, body.full_name)
    session.commit()
    session.refresh(user)
    return _public(user)


def _user(session: Session, user_id: int) -> t.UserRow:
    user = session.get(t.UserRow, user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


@router.get("/users/{user_id}", response_model=UserPublic, summary="Read a user")
def read_user(
    _: ManagerUser,
    session: SessionDep,
    user_id: UserId,
) -> UserPublic:
    return _public(_user(session, user_id))


@router.patch("/users/{user_id}", response_model=UserPublic, summary="Change a user")
def update_user(
    me_: ManagerUser,
    session: SessionDep,
    body: UserUpdate,
    user_id: UserId,
) -> UserPublic:
    user = _user(session, user_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("technician_id") and session.get(t.TechnicianRow, changes["technician_id"]) is None:
        raise unprocessable("technician_id", f"unknown technician {changes['technician_id']!r}")
    role = changes.get("role") or user.role
    link = changes["technician_id"] if "technician_id" in changes else user.technician_id
    if role == t.UserRole.technician and not link:
        raise unprocessable("technician_id", "a technician user must be linked to a technician")
    if user.id == me_.id and (changes.get("active") is False or changes.get("role", "manager") != "manager"):
        raise conflict("managers cannot demote or deactivate themselves")
    if "password" in changes:
        if changes["password"] is None:
            raise unprocessable("password", "password may not be null")
        user.password_hash = hash_password(changes.pop("password"))
        revoke_tokens(session, user.id)  # a changed password ends every session
    # deactivation or a new role ends the user's sessions (a token keeps no stale rights)
    revoke = changes.get("active") is False or changes.get("role", user.role) != user.role
    for k, v in changes.items():
        if v is None and k in ("role", "full_name", "active"):
            raise unprocessable(k, f"{k} may not be null")
        setattr(user, k, v)
    if revoke:
        revoke_tokens(session, user.id)
    session.add(user)
    session.commit()
    session.refresh(user)
    return _public(user)


@router.delete("/users/{user_id}", status_code=204, response_class=Response, summary="Delete a user")
def delete_user(
    me_: ManagerUser,
    session: SessionDep,
    user_id: UserId,
) -> Response:
    user = _user(session, user_id)
    if user.id == me_.id:
        raise conflict("managers cannot delete themselves")
    session.delete(user)
    session.commit()
    return Response(status_code=204)
