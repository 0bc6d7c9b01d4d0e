"""Request-scoped dependencies: the database session and the settings."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import HTTPException, Request
from sqlmodel import Session

from api.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """A session on the app's engine; uncommitted work is rolled back at the end.

    Routes commit once, after every check passed, so a failed request writes nothing.
    """
    with Session(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def reject_nul(request: Request) -> None:
    """422 for a NUL character in the path or query: PostgreSQL cannot store one.

    ``async`` because it does no I/O: a plain ``def`` dependency costs a hop to the
    thread pool on every request.
    """
    if "\x00" in request.url.path or "\x00" in str(request.query_params) or "%00" in request.url.path:
        raise HTTPException(422, detail=[{"loc": ["path"], "msg": "NUL character", "type": "value_error"}])
