"""Helpers of the distributed-job tests: waiting, reading job rows, API users."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, SQLModel, select

from planner.domain import Scenario
from api import tables as t


def wait_for(pred: Callable[[], object], timeout: float, what: str = "timed out",
             every: float = 0.1):
    """The first true value of ``pred()``, polled every ``every`` s for ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (value := pred()):
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(every)
    return value


TEAMS = 3
"""Teams 1..TEAMS (slugs team1...) exist in every emptied database: jobs name their team."""


def empty_tables(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(t.TeamRow.__table__.insert(), [
            {"id": i, "slug": f"team{i}", "name": f"team {i}", "created_at": t.utcnow()}
            for i in range(1, TEAMS + 1)])


def job(db: Any, job_id: int) -> t.SolveJobRow:
    with Session(db.engine) as s:
        return s.get(t.SolveJobRow, job_id)


def plans_of(db: Any, job_id: int) -> list[t.PlanRow]:
    with Session(db.engine) as s:
        return list(s.exec(select(t.PlanRow).where(t.PlanRow.job_id == job_id)).all())


def finished(db: Any, job_id: int, timeout: float = 60) -> t.SolveJobRow:
    return wait_for(lambda: (j := job(db, job_id)).status not in t.UNFINISHED and j, timeout,
                    f"job {job_id} did not finish: {job(db, job_id)}")


def overlap(a: t.SolveJobRow, b: t.SolveJobRow) -> dt.timedelta:
    """How long the runs of ``a`` and ``b`` overlapped (zero when they did not)."""
    return max(dt.timedelta(0), min(a.finished_at, b.finished_at) - max(a.started_at, b.started_at))


def store(db: Any, scenario: Scenario) -> None:
    from api.scenarios import store_scenario

    with Session(db.engine) as s:
        store_scenario(s, scenario, team="team1")
        s.commit()


def manager_headers(db: Any) -> dict[str, str]:
    """A manager's bearer header (the API's own users table and tokens)."""
    from api.auth import hash_password, issue_token

    from api.teams import ensure_team, set_membership

    with Session(db.engine) as s:
        user = t.UserRow(username="boss", password_hash=hash_password("correct horse battery"),
                         created_at=t.utcnow())
        s.add(user)
        s.flush()
        set_membership(s, user.id, ensure_team(s, "team1").id, t.UserRole.manager, None)
        token = issue_token(s, user, 60)
        s.commit()
    return {"Authorization": f"Bearer {token}"}
