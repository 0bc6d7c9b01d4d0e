"""Users, passwords and bearer tokens (the request dependencies are in :mod:`api.deps`).

Passwords are hashed with Argon2id (argon2-cffi). Tokens are opaque random strings
handed out by the OAuth2 password flow; the database keeps only their SHA-256
digest and expiry, so a leaked database does not leak usable tokens and a token
can be revoked by deleting its row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import lru_cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, status
from sqlalchemy import delete
from sqlmodel import Session, select

from api import tables as t

if TYPE_CHECKING:
    from api.callers import Caller
    from api.teams import Actor

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    """True when ``password`` matches ``hashed``."""
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def new_ical_token() -> str:
    """A fresh secret for a person's calendar-feed URL."""
    return secrets.token_urlsafe(24)


def set_ical_secret(user: t.UserRow) -> str:
    """Give ``user`` a new calendar-feed secret and return it (the caller commits).

    Only its SHA-256 digest is stored: the clear secret exists in this return value
    alone, so the URL is shown once; the previous URL stops working.
    """
    secret = new_ical_token()
    user.ical_digest = _digest(secret)
    user.ical_created_at = t.utcnow()
    return secret


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: t.UserRow, minutes: int) -> str:
    """Store and return a new bearer token for ``user`` valid ``minutes`` minutes."""
    token = secrets.token_urlsafe(32)
    now = t.utcnow()
    session.exec(delete(t.TokenRow).where(t.TokenRow.expires_at < now))  # housekeeping
    session.add(
        t.TokenRow(
            digest=_digest(token), user_id=user.id, expires_at=now + dt.timedelta(minutes=minutes)
        )
    )
    return token


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> t.UserRow | None:
    """The active user with these credentials, or None.

    An unknown or inactive user costs one Argon2 verification too (against a dummy
    hash), so the answer time does not tell which user names exist.
    """
    user = session.exec(select(t.UserRow).where(t.UserRow.username == username)).first()
    if user is None or not user.active:
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, user.password_hash):
        return None
    return user


def revoke_tokens(session: Session, user_id: int) -> int:
    """Delete every bearer token of a user (password change, deactivation, logout)."""
    return session.exec(delete(t.TokenRow).where(t.TokenRow.user_id == user_id)).rowcount


def token_digest(token: str) -> str:
    """The stored form of a bearer token or calendar secret."""
    return _digest(token)


def own_technician(user: Actor | Caller, technician_id: str) -> None:
    """Refuse (403) a technician acting on another technician's data (``user``: the
    caller in the chosen team, :class:`api.teams.Actor` or :class:`api.callers.Caller`)."""
    if user.role == t.UserRole.technician and user.technician_id != technician_id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="technicians may only see and change their own data"
        )


def technician_exists(session: Session, team_id: int, technician_id: str) -> bool:
    return session.exec(select(t.TechnicianRow.id).where(
        t.TechnicianRow.team_id == team_id, t.TechnicianRow.id == technician_id)).first() is not None


READER_ROLES = frozenset(r.value for r in t.UserRole)


def may_read_schedule(user: t.UserRow | Caller, technician_id: str) -> None:
    """Who may read a technician's published schedule (JSON and iCal, bearer token): every
    role, a technician their own only; 403 otherwise.

    The schedule routes' whole authorisation, run before their cache is consulted: a
    further condition (e.g. team membership) belongs here. ``user`` is the request's
    :class:`api.callers.Caller` (active, token checked on this request).
    """
    if user.role not in READER_ROLES:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"role {user.role} may not do this (needs {' or '.join(sorted(READER_ROLES))})",
        )
    own_technician(user, technician_id)


def create_user(
    session: Session,
    username: str,
    password: str,
    role: t.UserRole,
    technician_id: str | None = None,
    full_name: str = "",
    team: str | int | None = None,
) -> t.UserRow:
    """Add a user and make them a member of a team with ``role`` (the caller commits).

    The team is ``team`` (an id, or a name: created when missing), else the session's,
    else the database's only team (``default`` created in an empty database). Raises
    ValueError for a taken name or bad link (``api.teams.TeamChoiceError`` when several
    teams exist and none is named).
    """
    from api.teams import ensure_team

    if not username.strip():
        raise ValueError("username is empty")
    if len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    if session.exec(select(t.UserRow).where(t.UserRow.username == username)).first():
        raise ValueError(f"user {username!r} already exists")
    if role == t.UserRole.technician and not technician_id:
        raise ValueError("a technician user must be linked to a technician id")
    if isinstance(team, int):
        team_id = team
    elif team is None and session.info.get("team_id") is not None:
        team_id = session.info["team_id"]
    else:
        team_id = ensure_team(session, team).id
    if technician_id and not technician_exists(session, team_id, technician_id):
        raise ValueError(f"unknown technician {technician_id!r}")
    user = t.UserRow(
        username=username,
        full_name=full_name,
        password_hash=hash_password(password),
        created_at=t.utcnow(),
    )
    session.add(user)
    session.flush()
    session.add(t.MembershipRow(user_id=user.id, team_id=team_id, role=str(role),
                                technician_id=technician_id, created_at=t.utcnow()))
    session.flush()
    return user
