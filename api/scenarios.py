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


def store_scenario(session: Session, scenario: Scenario, replace: bool = False) -> int:
    """Write ``scenario`` into the domain tables of ``session``; returns the row count.

    Plans, solve jobs and users are kept. Raises :class:`ScenarioPresent` when a
    scenario is already stored and ``replace`` is False, and :class:`LinkedUsers`
    when a user is linked to a technician the new scenario lacks (nothing is written).
    """
    present = session.exec(select(func.count()).select_from(t.TechnicianRow)).one()
    if (present or session.get(t.ScenarioRow, 1)) and not replace:
        raise ScenarioPresent(
            f"the database already holds a scenario ({present} technicians); "
            "pass --replace to overwrite it"
        )
    keep = {x.id for x in scenario.technicians}
    linked = session.exec(select(t.UserRow).where(t.UserRow.technician_id.is_not(None))).all()
    lost = sorted(f"{u.username} (technician {u.technician_id})" for u in linked
                  if u.technician_id not in keep)
    if lost:
        raise LinkedUsers(
            "the new scenario has no technician for these users: " + ", ".join(lost)
            + "; link them to another technician or delete them first (rota users list)")
    for table in DOMAIN_TABLES:
        session.exec(delete(table))
    rows = scenario_to_rows(scenario)
    session.add_all(rows)
    return len(rows)


def import_scenario(engine: Engine, folder: Path, replace: bool = False) -> ImportSummary:
    """Load the scenario folder ``folder`` and store it, in one transaction.

    Raises ``planner.scenario_files.ScenarioError`` for a malformed folder (nothing
    is written) and :class:`ScenarioPresent`.
    """
    scenario = load_scenario(folder)
    with session_scope(engine) as session:
        n = store_scenario(session, scenario, replace=replace)
    return ImportSummary(scenario.name, len(scenario.technicians), len(scenario.clients), n,
                         tuple(scenario_warnings(scenario)))


def export_scenario(engine: Engine, folder: Path) -> Scenario:
    """Write the stored scenario (pending and rejected absences and requests too) to ``folder``."""
    with Session(engine) as session:
        scenario = rows_to_scenario(session)
    save_scenario(scenario, folder)
    return scenario
