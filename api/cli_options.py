"""What the ``rota`` database commands share: the ``--database-url`` option, the migrated
engine it names, and the error exit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from planner.exit_codes import ExitCode

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DatabaseUrl = Annotated[str | None, typer.Option(
    "--database-url", envvar="DATABASE_URL",
    help="Database URL (default: sqlite:///rota.db in the working directory).")]


def resolve_database_url(value: str | None) -> str:
    """The ``--database-url`` given, else the settings' (``DATABASE_URL``, then SQLite)."""
    from api.settings import Settings

    return value or Settings().database_url


@contextlib.contextmanager
def migrated_engine(value: str | None) -> Iterator[Engine]:
    """An engine on the ``--database-url`` database, migrated first, disposed at the end."""
    from api.db import make_engine, upgrade

    url = resolve_database_url(value)
    upgrade(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def fail(message: str, code: ExitCode = ExitCode.bad_input) -> typer.Exit:
    """Print ``error: message`` on stderr; the :class:`typer.Exit` to raise (bad input by default)."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)
