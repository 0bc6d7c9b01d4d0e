"""The ``rota`` command: database and server commands, plus the planner's own.

``rota solve | check | bench`` come from :mod:`planner.cli` (no database);
``rota serve | import | export | users | db`` are defined here.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from planner.cli import Seed, TimeLimit, Workers
from planner.cli import app as planner_app
from planner.exit_codes import ExitCode
from api import up
from api.cli_options import DatabaseUrl, fail, migrated_engine, resolve_database_url

# no locals in tracebacks: they would print database URLs with their passwords
app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False,
                  help="Rota: rosters and on-call plans for IT support and operations teams.")
# the planner's commands sit at top level: `rota solve`, not `rota planner solve`
for _cmd in planner_app.registered_commands:
    app.registered_commands.append(_cmd)
for _group in planner_app.registered_groups:  # `rota bench curtois`
    app.registered_groups.append(_group)

Team = Annotated[str | None, typer.Option(
    "--team", help="The team (its slug or name); needed once the database holds several.")]

users_app = typer.Typer(no_args_is_help=True, help="Manage API users.")
teams_app = typer.Typer(no_args_is_help=True, help="Teams of the installation.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")
app.add_typer(teams_app, name="teams")

def masked_url(url: str) -> str:
    from api.logs import masked_url as mask

    return mask(url)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Migrate the database to the latest schema."""
    from api.db import current_revision, upgrade

    url = resolve_database_url(database_url)
    upgrade(url)
    typer.echo(f"database at revision {current_revision(url)}")


@app.command("import")
def import_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario folder (CSV files + settings.toml).")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Overwrite the scenario already stored in the team.")] = False,
    team: Annotated[str | None, typer.Option(
        "--team", help="The team to import into (created when missing); only its data are "
                       "replaced. Needed once the database holds several teams.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Load a scenario folder into a team of the database (all or nothing)."""
    from planner.scenario_files import ScenarioError
    from api.scenarios import LinkedUsers, ScenarioPresent, import_scenario
    from api.teams import TeamChoiceError

    try:
        with migrated_engine(database_url) as engine:
            summary = import_scenario(engine, scenario, replace=replace, team=team)
    except (ScenarioError, ScenarioPresent, LinkedUsers, TeamChoiceError, FileNotFoundError,
            NotADirectoryError) as e:
        raise fail(str(e)) from None
    into = f" into team {team}" if team else ""
    typer.echo(f"imported {summary.name or scenario}{into}: {summary.technicians} technicians, "
               f"{summary.clients} clients ({summary.rows} rows)")
    for w in summary.warnings:
        typer.secho(f"warning: {w}", fg=typer.colors.YELLOW, err=True)


@app.command("export")
def export_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to write the scenario to.")],
    team: Team = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write a team's stored scenario back to a scenario folder."""
    from api.scenarios import export_scenario

    try:
        with migrated_engine(database_url) as engine:
            scenario = export_scenario(engine, folder, team=team)
    except LookupError as e:
        raise fail(str(e)) from None
    typer.echo(f"exported {len(scenario.technicians)} technicians to {folder}")


@app.command()
def demo(
    folder: Annotated[Path | None, typer.Option(
        "--scenario", help="Scenario folder (default: data/demo).")] = None,
    out: Annotated[Path, typer.Option(
        "--out", help="Folder to write the plan into.")] = Path("out/demo"),
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    team: Team = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import the demo into the database (SQLite by default), plan it, store the draft plan."""
    from api.demo import default_demo_folder, run_demo
    from planner.cli import plan_with_progress, print_summary
    from planner.scenario_files import ScenarioError
    from api.scenarios import LinkedUsers
    from api.teams import TeamChoiceError

    folder = folder or default_demo_folder()
    url = resolve_database_url(database_url)
    try:
        data, plan_id = run_demo(url, folder, out, plan_with_progress,
                                 dict(time_limit=time_limit, workers=workers, seed=seed), team)
    except (ScenarioError, LinkedUsers, TeamChoiceError, FileNotFoundError,
            NotADirectoryError) as e:
        raise fail(str(e)) from None
    print_summary(data, out)
    if plan_id is not None:
        typer.echo(f"stored as draft plan {plan_id} in {masked_url(url)}")
        typer.echo("next: `rota users add NAME --role manager`, then `rota serve` "
                   "(API docs on http://127.0.0.1:8000/api/v1/docs)")
    if plan_id is None:
        raise typer.Exit(code=ExitCode.no_plan)
    if data["checker"]["hard_violations"]:
        raise typer.Exit(code=ExitCode.violation)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int | None, typer.Option(
        help="Solve worker processes (ROTA_WORKERS).")] = None,
    database_url: DatabaseUrl = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    access_log: Annotated[bool, typer.Option(help="Log every request (costs throughput).")] = True,
    http_workers: Annotated[int, typer.Option(
        min=1, help="Server processes (each has its own pool of solve workers).")] = 1,
) -> None:
    """Start the API server (migrates the database first)."""
    import uvicorn

    from api.app import create_app
    from api.db import upgrade
    from api.settings import Settings

    overrides = {"database_url": resolve_database_url(database_url)}
    if workers:
        overrides["workers"] = workers
    settings = Settings(**overrides)
    upgrade(settings.database_url)
    typer.echo(f"Rota API on http://{host}:{port}/api/v1/docs "
               f"(database {masked_url(settings.database_url)})")
    if http_workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level,
                    access_log=access_log)
        return
    import os

    from api.app import RESTARTED
    from api.db import make_engine
    from api.jobs import fail_unfinished

    if not settings.broker_url:  # in-process pools: their jobs died with the last server
        engine = make_engine(settings.database_url)
        fail_unfinished(engine, RESTARTED)  # once, before the processes start
        engine.dispose()
    # the processes read their settings from the environment
    os.environ["DATABASE_URL"] = settings.database_url
    os.environ["ROTA_WORKERS"] = str(settings.workers)
    uvicorn.run("api.app:app_factory", factory=True, workers=http_workers, host=host, port=port,
                log_level=log_level, access_log=access_log)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(
        min=1, max=64, help="Solves run at once (ROTA_WORKER_CONCURRENCY, default 1).")] = None,
    broker_url: Annotated[str | None, typer.Option(
        "--broker-url", envvar="ROTA_BROKER_URL",
        help="Celery broker, e.g. redis://host:6379/0.")] = None,
    database_url: DatabaseUrl = None,
    log_level: Annotated[str, typer.Option(help="Worker log level.")] = "info",
) -> None:
    """Run solve jobs queued by the API (Celery; needs the database and the broker)."""
    from api.db import current_revision, head_revision
    from api.settings import Settings
    from api.worker import start_worker

    overrides = {"database_url": resolve_database_url(database_url)}
    if broker_url:
        overrides["broker_url"] = broker_url
    if concurrency:
        overrides["worker_concurrency"] = concurrency
    settings = Settings(**overrides)
    if not settings.broker_url:
        raise fail("no broker: set ROTA_BROKER_URL (or --broker-url), e.g. redis://127.0.0.1:6379/0")
    head = head_revision()
    if (found := current_revision(settings.database_url)) != head:
        raise fail(f"the database is at schema revision {found}, not {head}: run "
                   "`rota db upgrade` (or start `rota serve`) first", ExitCode.unavailable)
    typer.echo(f"Rota worker: {settings.worker_concurrency} solve(s) at once, database "
               f"{masked_url(settings.database_url)}, broker {masked_url(settings.broker_url)}")
    start_worker(settings, log_level)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="manager, coordinator or technician.")],
    technician: Annotated[str | None, typer.Option(
        help="Technician id (required for technicians).")] = None,
    full_name: Annotated[str, typer.Option(help="Display name.")] = "",
    password: Annotated[str | None, typer.Option(
        envvar="ROTA_PASSWORD", help="Password (default: asked for, hidden).")] = None,
    team: Team = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user, member of a team; the first manager must be created this way.

    With --team, an existing user name is made a member of that team (an administrator
    links a person shared by several teams this way; the password is not changed)."""
    from api.auth import create_user
    from api.db import session_scope
    from api.tables import UserRole

    from sqlmodel import select

    from api.auth import technician_exists
    from api.tables import UserRow
    from api.teams import ensure_team, set_membership

    if role not in {r.value for r in UserRole}:
        raise fail(f"unknown role {role!r} (manager, coordinator or technician)")
    try:
        with migrated_engine(database_url) as engine, session_scope(engine) as session:
            existing = session.exec(select(UserRow).where(UserRow.username == username)).first()
            the_team = ensure_team(session, team)
            slug = the_team.slug
            if existing is not None:
                if not team:  # a typo must not change someone's role: linking is explicit
                    raise ValueError(f"user {username!r} already exists (pass --team NAME to "
                                     "make them a member of a team, e.g. a technician shared "
                                     "with another team)")
                if role == UserRole.technician and not technician:
                    raise ValueError("a technician user must be linked to a technician id")
                if technician and not technician_exists(session, the_team.id, technician):
                    raise ValueError(f"unknown technician {technician!r} in team {the_team.slug}")
                set_membership(session, existing.id, the_team.id, role, technician)
                typer.echo(f"user {username} is now {role} in team {slug}")
                return
            if password is None:
                password = getpass.getpass("password: ")
                if getpass.getpass("again: ") != password:
                    raise ValueError("the passwords differ")
            user = create_user(session, username, password, UserRole(role), technician,
                               full_name, team=the_team.id)
            uid = user.id
    except ValueError as e:
        raise fail(str(e)) from None
    typer.echo(f"user {username} ({role}) created with id {uid} in team {slug}")


@users_app.command("list")
def users_list(database_url: DatabaseUrl = None) -> None:
    """List users."""
    from sqlmodel import Session, select

    from api.tables import UserRow
    from api.teams import memberships, team_count

    with migrated_engine(database_url) as engine, Session(engine) as session:
        several = team_count(session) > 1  # one team: the output of a single-team install
        for u in session.exec(select(UserRow).order_by(UserRow.id)).all():
            state = "" if u.active else " (inactive)"
            roles = [(f"{team.slug}:" if several else "") + m.role
                     + (f" technician={m.technician_id}" if m.technician_id else "")
                     for m, team in memberships(session, u.id)]
            typer.echo(f"{u.id}\t{u.username}\t{', '.join(roles) or '(no team)'}{state}")


@teams_app.command("list")
def teams_list(database_url: DatabaseUrl = None) -> None:
    """List the teams: slug, name, technicians, members."""
    from sqlmodel import Session, func, select

    from api import tables as t

    with migrated_engine(database_url) as engine, Session(engine) as session:
        for team in session.exec(select(t.TeamRow).order_by(t.TeamRow.id)).all():
            techs = session.exec(select(func.count()).select_from(t.TechnicianRow)
                                 .where(t.TechnicianRow.team_id == team.id)).one()
            members = session.exec(select(func.count()).select_from(t.MembershipRow)
                                   .where(t.MembershipRow.team_id == team.id)).one()
            typer.echo(f"{team.id}\t{team.slug}\t{team.name}\t{techs} technicians\t{members} members")


up.register(app)  # `rota up`, `rota dashboard`


def main() -> None:
    """Entry point of the ``rota`` console script."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    try:
        app()
    except (OperationalError, ArgumentError) as e:
        # an unreachable or malformed database URL: a message, not a traceback (the
        # driver's message names host and port, never the password)
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        typer.secho(f"error: database: {reason}", fg=typer.colors.RED, err=True)
        bad_url = isinstance(e, ArgumentError)
        raise SystemExit(ExitCode.bad_input if bad_url else ExitCode.unavailable) from None


if __name__ == "__main__":
    main()
