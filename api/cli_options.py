"""What the ``rota`` database commands share: the ``--database-url`` option and the error exit."""

from __future__ import annotations

from typing import Annotated

import typer

from planner.exit_codes import ExitCode

DatabaseUrl = Annotated[str | None, typer.Option(
    "--database-url", envvar="DATABASE_URL",
    help="Database URL (default: sqlite:///rota.db in the working directory).")]


def resolve_database_url(value: str | None) -> str:
    """The ``--database-url`` given, else the settings' (``DATABASE_URL``, then SQLite)."""
    from api.settings import Settings

    return value or Settings().database_url


def fail(message: str, code: ExitCode = ExitCode.bad_input) -> typer.Exit:
    """Print ``error: message`` on stderr; the :class:`typer.Exit` to raise (bad input by default)."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)
