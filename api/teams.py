"""Teams: the scoping of every query to one team, and who acts in which team.

One database holds many teams. Every team-owned row (:class:`api.tables.TeamOwned`:
the scenario entities, plans and their rows, jobs, swap proposals, reports) carries a
``team_id``. A :class:`TeamSession` opened for a team (``TeamSession(engine,
team_id=3)``, or a request's session once :func:`api.deps.current_actor` has chosen the
team) sees and changes only that team's rows:

- every ORM ``SELECT``, ``UPDATE`` and ``DELETE`` gets ``team_id = :team`` on each
  team-owned table it names (``with_loader_criteria``), joins included;
- ``session.get(TechnicianRow, "T01")`` looks the id up in the team (the primary key of
  the string-id tables is ``(team_id, id)``: two teams may each have a ``T01``); an
  integer id of another team's row (a plan, a job) is simply not found;
- a new row gets the session's team; a row naming another team is refused.

A request's session is *strict*: a query of a team-owned table before the team was
chosen raises (a route that forgot to ask for the caller's team fails loudly instead of
reading every team). Code that must look across teams (:mod:`api.busy`, the job claim)
says so with ``execution_options(all_teams=True)`` or uses Core statements.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, select

from api import tables as t

ALL_TEAMS = {"all_teams": True}
"""Execution options of a statement that deliberately reads every team."""


class TeamScopeError(RuntimeError):
    """A team-owned table was queried in a strict session before its team was chosen,
    or a row of another team was added."""


class TeamSession(Session):
    """A session scoped to ``team_id`` (None: not yet chosen; ``strict``: refuse
    team-owned queries until then)."""

    def __init__(self, *args: Any, team_id: int | None = None, strict: bool = False,
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.info["team_id"] = team_id
        self.info["strict"] = strict

    @property
    def team_id(self) -> int | None:
        return self.info.get("team_id")

    def set_team(self, team_id: int) -> None:
        current = self.info.get("team_id")
        if current is not None and current != team_id:
            raise TeamScopeError(f"session already scoped to team {current}")
        self.info["team_id"] = team_id

    def get(self, entity: Any, ident: Any, **kw: Any) -> Any:  # type: ignore[override]
        """``get`` with the team filled in: the string-id tables and the scenario row are
        keyed by (team, id), the others by their own id (another team's row: None)."""
        team = self.team_id
        if isinstance(entity, type) and issubclass(entity, t.TeamOwned) and team is not None:
            if entity is t.ScenarioRow:
                ident = team
            elif isinstance(ident, (str, int)) and len(entity.__table__.primary_key) == 2:
                ident = (team, ident)
        return super().get(entity, ident, **kw)


@event.listens_for(Session, "do_orm_execute")
def _scope_to_team(state: ORMExecuteState) -> None:
    session = state.session
    if state.execution_options.get("all_teams") or state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    team = session.info.get("team_id")
    if team is None:
        if session.info.get("strict") and _names_team_table(state):
            raise TeamScopeError("a team's data were queried before the team was chosen")
        return
    state.statement = state.statement.options(*(
        with_loader_criteria(m, m.team_id == team, include_aliases=True) for m in _team_models()))


def _names_team_table(state: ORMExecuteState) -> bool:
    """Whether the statement reads or writes a team-owned table anywhere (joins,
    subqueries, ``select_from``, the target of an UPDATE or DELETE)."""
    names = _team_table_names()
    tables = find_tables(state.statement, check_columns=True, include_joins=True,
                         include_selects=True, include_crud=True)
    return any(getattr(x, "name", None) in names for x in tables)


@functools.cache
def _team_table_names() -> frozenset[str]:
    return frozenset(m.__tablename__ for m in _team_models())


def _team_models() -> tuple[type, ...]:
    return tuple(t.TeamOwned.__subclasses__())


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _ctx: Any, _instances: Any) -> None:
    team = session.info.get("team_id")
    for obj in session.new:
        if not isinstance(obj, t.TeamOwned):
            continue
        if obj.team_id is None:
            if team is None:
                team = _only_team(session, obj)
            obj.team_id = team
        elif team is not None and obj.team_id != team:
            raise TeamScopeError(f"a {type(obj).__name__} of team {obj.team_id} cannot be "
                                 f"written through a session of team {team}")


def _only_team(session: Session, obj: Any) -> int:
    """The team of a new row written outside any team's session: the database's only
    team (a single-team installation's scripts); refused when there are several."""
    ids = session.exec(select(t.TeamRow.id).limit(2)).all()
    if len(ids) != 1:
        raise TeamScopeError(f"a new {type(obj).__name__} names no team, and the database "
                             f"holds {len(ids) or 'no'}{'+' if len(ids) == 2 else ''} teams")
    return ids[0]


# --- teams and members -----------------------------------------------------------

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def slugify(name: str) -> str:
    """A team slug from a free name: ``"Service Desk"`` → ``service-desk``."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-_")[:63]
    return slug or "default"


class TeamChoiceError(ValueError):
    """No team, or several, where one must be named (the message names ``--team``)."""


def find_team(session: Session, name: str) -> t.TeamRow | None:
    """The team whose slug (or, failing that, name or numeric id) is ``name``."""
    team = session.exec(select(t.TeamRow).where(t.TeamRow.slug == name)).first()
    if team is None:
        team = session.exec(select(t.TeamRow).where(t.TeamRow.name == name)).first()
    if team is None and name.isdigit():
        team = session.get(t.TeamRow, int(name))
    return team


def ensure_team(session: Session, name: str | None, create: bool = True) -> t.TeamRow:
    """The team a command works on: ``name`` (created when missing and ``create``), or
    without a name the database's only team (``default`` created when there is none).

    Raises :class:`TeamChoiceError` naming ``--team`` when several teams exist and none is
    named, or the named one does not exist and may not be created.
    """
    if name:
        team = find_team(session, name)
        if team is not None:
            return team
        if not create:
            raise TeamChoiceError(f"no team {name!r} (teams: {', '.join(team_slugs(session)) or 'none'})")
        slug = slugify(name)
        if find_team(session, slug) is not None:
            return find_team(session, slug)
        team = t.TeamRow(slug=slug, name=name, created_at=t.utcnow())
        session.add(team)
        session.flush()
        return team
    teams = session.exec(select(t.TeamRow).order_by(t.TeamRow.id)).all()
    if len(teams) == 1:
        return teams[0]
    if len(teams) > 1:
        raise TeamChoiceError(f"the database holds {len(teams)} teams "
                              f"({', '.join(x.slug for x in teams)}): name one with --team")
    if not create:
        raise TeamChoiceError("the database holds no team yet: run `rota import SCENARIO` first")
    team = t.TeamRow(slug="default", name="default", created_at=t.utcnow())
    session.add(team)
    session.flush()
    return team


def team_slugs(session: Session) -> list[str]:
    return list(session.exec(select(t.TeamRow.slug).order_by(t.TeamRow.id)).all())


def team_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(t.TeamRow)).one()


def memberships(session: Session, user_id: int) -> list[tuple[t.MembershipRow, t.TeamRow]]:
    """The user's memberships with their teams, in team order."""
    rows = session.exec(
        select(t.MembershipRow, t.TeamRow).join(t.TeamRow, t.TeamRow.id == t.MembershipRow.team_id)
        .where(t.MembershipRow.user_id == user_id).order_by(t.TeamRow.id)).all()
    return [(m, team) for m, team in rows]


def set_membership(session: Session, user_id: int, team_id: int, role: t.UserRole | str,
                   technician_id: str | None) -> t.MembershipRow:
    """Make the user a member of the team with ``role`` (replacing a former role)."""
    row = session.get(t.MembershipRow, (user_id, team_id))
    if row is None:
        row = t.MembershipRow(user_id=user_id, team_id=team_id, role=str(role),
                              technician_id=technician_id, created_at=t.utcnow())
    else:
        row.role, row.technician_id = str(role), technician_id
    session.add(row)
    return row


@dataclass
class Actor:
    """The caller of a request in the chosen team: their account and their role there.

    It reads like a user row for the routes (``id``, ``username``, ``role``,
    ``technician_id``), ``role`` and ``technician_id`` being those of this team.
    """

    user: t.UserRow
    team: t.TeamRow
    role: str
    technician_id: str | None

    @property
    def id(self) -> int:
        return self.user.id  # type: ignore[return-value]

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def team_id(self) -> int:
        return self.team.id  # type: ignore[return-value]


def scope(session: Session, team: str | None = None, create: bool = False) -> int:
    """Scope ``session`` to a team and return its id: the session's team if already
    chosen, else ``team`` (by name) or the database's only team (:func:`ensure_team`)."""
    current = session.info.get("team_id")
    if current is not None:
        return current
    chosen = ensure_team(session, team, create=create)
    session.info["team_id"] = chosen.id
    return chosen.id  # type: ignore[return-value]


def team_session(engine: Any, team_id: int) -> TeamSession:
    """A session of team ``team_id`` (workers, notifications, scripts)."""
    return TeamSession(engine, team_id=team_id)
