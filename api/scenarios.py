"""Moving whole scenarios between scenario folders and the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from planner.domain import Scenario
from planner.lint import scenario_warnings
from planner.scenario_files import load_scenario, save_scenario
from api import tables as t
from api.db import session_scope
from api.mapping import DOMAIN_TABLES, rows_to_scenario, scenario_to_rows
from api.teams import TeamChoiceError, scope


class ScenarioPresent(RuntimeError):
    """The database already holds a scenario and replacing it was not asked for."""


class LinkedUsers(RuntimeError):
    """Replacing the scenario would drop technicians that API users are linked to."""


@dataclass(frozen=True)
class ImportSummary:
    name: str
    technicians: int
    clients: int
    rows: int
    warnings: tuple[str, ...] = ()


def store_scenario(session: Session, scenario: Scenario, replace: bool = False,
                   team: str | None = None) -> int:
    """Write ``scenario`` into the domain tables of one team; returns the row count.

    The team is the session's, else ``team`` (created when missing), else the
    database's only team (``default`` created in an empty database); the other teams'
    data are untouched. Plans, solve jobs and users are kept. Raises
    :class:`ScenarioPresent` when the team already holds a scenario and ``replace`` is
    False, :class:`LinkedUsers` when a member is linked to a technician the new
    scenario lacks (nothing is written), and ``api.teams.TeamChoiceError`` when several
    teams exist and none is named.
    """
    team_id = scope(session, team, create=True)
    present = session.exec(select(func.count()).select_from(t.TechnicianRow)).one()
    meta = session.exec(select(t.ScenarioRow)).first()
    if (present or meta) and not replace:
        raise ScenarioPresent(
            f"the team already holds a scenario ({present} technicians); "
            "pass --replace to overwrite it"
        )
    keep = {x.id for x in scenario.technicians}
    linked = session.exec(
        select(t.UserRow.username, t.MembershipRow.technician_id)
        .join(t.MembershipRow, t.MembershipRow.user_id == t.UserRow.id)
        .where(t.MembershipRow.team_id == team_id, t.MembershipRow.technician_id.is_not(None))).all()
    lost = sorted(f"{name} (technician {tid})" for name, tid in linked if tid not in keep)
    if lost:
        raise LinkedUsers(
            "the new scenario has no technician for these users: " + ", ".join(lost)
            + "; link them to another technician or delete them first (rota users list)")
    for table in DOMAIN_TABLES:
        session.exec(delete(table))
    rows = scenario_to_rows(scenario)
    session.add_all(rows)
    return len(rows)


def import_scenario(engine: Engine, folder: Path, replace: bool = False,
                    team: str | None = None) -> ImportSummary:
    """Load the scenario folder ``folder`` and store it into a team, in one transaction.

    Raises ``planner.scenario_files.ScenarioError`` for a malformed folder (nothing
    is written), :class:`ScenarioPresent` and ``api.teams.TeamChoiceError``.
    """
    scenario = load_scenario(folder)
    with session_scope(engine) as session:
        n = store_scenario(session, scenario, replace=replace, team=team)
    return ImportSummary(scenario.name, len(scenario.technicians), len(scenario.clients), n,
                         tuple(scenario_warnings(scenario)))


def export_scenario(engine: Engine, folder: Path, team: str | None = None) -> Scenario:
    """Write a team's stored scenario (pending and rejected absences and requests too) to
    ``folder``; the team is ``team`` or the database's only one (``LookupError`` else)."""
    with Session(engine) as session:
        try:
            scope(session, team, create=False)
        except TeamChoiceError as e:
            raise LookupError(str(e)) from None
        scenario = rows_to_scenario(session)
    save_scenario(scenario, folder)
    return scenario
