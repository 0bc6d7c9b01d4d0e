"""The team scoping of sessions (``api.teams``): what a team's session reads, writes and
refuses, on an in-memory database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, update
from sqlmodel import SQLModel, select

from api import tables as t
from api.db import make_engine
from api.teams import ALL_TEAMS, TeamScopeError, TeamSession


@pytest.fixture
def engine():
    eng = make_engine("sqlite://")
    SQLModel.metadata.create_all(eng)
    with TeamSession(eng) as s:
        s.add_all([t.TeamRow(id=i, slug=x, created_at=t.utcnow()) for i, x in ((1, "a"), (2, "b"))])
        s.commit()
    for team in (1, 2):
        with TeamSession(eng, team_id=team) as s:
            s.add(t.ContractRow(id="C", params={}))
            s.add(t.TechnicianRow(id="T01", name=f"of {team}", contract="C", skills=[], clients=[],
                                  roles=[]))
            s.add(t.PlanRow(name=f"of {team}", horizon_start=dt.date(2027, 1, 4), horizon_days=7,
                            created_at=t.utcnow()))
            s.commit()
    yield eng
    eng.dispose()


def test_a_team_session_sees_and_changes_its_own_rows_only(engine):
    with TeamSession(engine, team_id=1) as s:
        assert s.get(t.TechnicianRow, "T01").name == "of 1"
        assert s.get(t.PlanRow, 2) is None  # team 2's plan: as if missing
        assert s.exec(select(func.count()).select_from(t.TechnicianRow)).one() == 1
        assert s.exec(select(t.PlanRow.name).join(
            t.TechnicianRow, t.TechnicianRow.contract == "C")).all() == ["of 1"]
        s.exec(update(t.TechnicianRow).values(name="changed"))
        s.exec(delete(t.PlanRow))
        s.commit()
    with TeamSession(engine) as s:  # unscoped: every team
        assert sorted(s.exec(select(t.TechnicianRow.team_id, t.TechnicianRow.name)).all()) == [
            (1, "changed"), (2, "of 2")]
        assert s.exec(select(t.PlanRow.name)).all() == ["of 2"]


def test_new_rows_get_the_sessions_team_and_another_teams_row_is_refused(engine):
    with TeamSession(engine, team_id=2) as s:
        s.add(t.SkillRow(id="x"))
        s.commit()
        assert s.exec(select(t.SkillRow.team_id)).all() == [2]
        s.add(t.SkillRow(id="y", team_id=1))
        with pytest.raises(TeamScopeError, match="team 1 .* team 2"):
            s.flush()


def test_a_request_session_refuses_team_data_before_the_team_is_chosen(engine):
    statements = [select(func.count()).select_from(t.TechnicianRow), select(t.PlanRow.id),
                  select(t.UserRow.id).join(t.PlanRow, t.PlanRow.created_by == t.UserRow.id),
                  delete(t.PlanRow), update(t.TechnicianRow).values(name="x")]
    for stmt in statements:
        with TeamSession(engine, strict=True) as s:
            with pytest.raises(TeamScopeError, match="before the team was chosen"):
                s.exec(stmt)
    with TeamSession(engine, strict=True) as s:  # accounts are not team data; ALL_TEAMS says so
        assert s.exec(select(t.UserRow)).all() == []
        assert len(s.exec(select(t.PlanRow).execution_options(**ALL_TEAMS)).all()) == 2


def test_a_new_row_outside_any_team_needs_a_single_team_database(engine):
    with TeamSession(engine) as s:
        s.add(t.SkillRow(id="z"))
        with pytest.raises(TeamScopeError, match="names no team"):
            s.flush()
