"""A technician shared by two teams: their duties in the other team's published plans
are busy time when a team plans (``Scenario.busy``), and publishing a plan that
double-books them is refused. Two teams planned side by side through the API."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session, select

from planner.domain import Horizon, Scenario
from api import tables as t
from api.app import create_app
from api.busy import MARGIN, busy_duties, team_scenario
from api.daytwo import plan_inputs
from api.teams import TeamSession, set_membership

from test_teams import _blue_team

V1 = "/api/v1"


@pytest.fixture
def blue(db, users, stored, outcome) -> dict:
    return _blue_team(db, stored, outcome)


def _team_a(db) -> int:
    with Session(db.engine) as s:
        return s.exec(select(t.TeamRow.id).where(t.TeamRow.slug == "default")).one()


def _share(db, user_id: int, team_id: int, technician: str) -> None:
    with Session(db.engine) as s:
        set_membership(s, user_id, team_id, t.UserRole.technician, technician)
        s.commit()


def _extra_plan(db, team_id: int, status: str, technician: str, day: dt.date, hour: int) -> int:
    """A plan of ``team_id`` holding one shift of ``technician`` at ``hour`` UTC."""
    start = dt.datetime.combine(day, dt.time(hour), dt.timezone.utc)
    with Session(db.engine) as s:
        p = t.PlanRow(team_id=team_id, name=status, status=status, horizon_start=day,
                      horizon_days=1, created_at=t.utcnow())
        s.add(p)
        s.flush()
        s.add(t.PlanAssignmentRow(team_id=team_id, plan_id=p.id, technician=technician, date=day,
                                  shift="day", client="C01", start=start,
                                  end=start + dt.timedelta(hours=1)))
        s.commit()
        return p.id


def test_busy_holds_the_shared_persons_published_duties_of_the_other_team_only(
        db, users, blue, outcome, stored: Scenario, make_plan):
    a = _team_a(db)
    # "tech" is T001 in A; make them T007 in blue too (one account: one person)
    _share(db, users.ids["tech"], blue["team_id"], "T007")
    expected = sorted((x.date, x.start, x.end) for x in outcome.plan.assignments
                      if x.technician == "T007")
    assert expected, "the solved plan gives T007 shifts"
    day = stored.horizon.start + dt.timedelta(days=2)
    # not busy: blue's drafts and superseded plans, A's own published plan, and other
    # people of blue; nor blue's duties of T007 far outside the horizon
    _extra_plan(db, blue["team_id"], "draft", "T007", day, 3)
    _extra_plan(db, blue["team_id"], "superseded", "T007", day, 4)
    _extra_plan(db, a, "published", "T001", day, 5)
    far = stored.horizon.end + MARGIN + dt.timedelta(days=2)
    _extra_plan(db, blue["team_id"], "published", "T007", far, 6)
    near = stored.horizon.end + dt.timedelta(days=3)  # within the margin: counts
    _extra_plan(db, blue["team_id"], "published", "T007", near, 7)
    with TeamSession(db.engine, team_id=a) as s:
        busy = busy_duties(s, a, stored.horizon)
        assert {b.technician for b in busy} == {"T001"}
        assert all(b.label.startswith("team blue") for b in busy)
        near_start = dt.datetime.combine(near, dt.time(7), dt.timezone.utc)
        assert sorted((b.date, b.start, b.end) for b in busy) == sorted(
            [*expected, (near, near_start, near_start + dt.timedelta(hours=1))])
        # shift type facts come from blue's own shift types
        assert all(b.paid_minutes is not None or b.end > b.start for b in busy)
        # what every solve and what-if compiles
        assert team_scenario(s).busy == busy
        _row, scenario, _plan = plan_inputs(s, make_plan())
        assert scenario.busy == busy_duties(s, a, scenario.horizon)
    # and blue sees nothing: T007 of blue holds no duty in A's published plans (the only
    # A plan with their A id, T001, is theirs... so it is: blue sees A's T001 shift)
    with TeamSession(db.engine, team_id=blue["team_id"]) as s:
        from_a = busy_duties(s, blue["team_id"], Horizon(start=day, days=1))
        assert [(b.technician, b.start.hour) for b in from_a] == [("T007", 5)]
        assert from_a[0].label.startswith("team default")


def test_without_a_shared_account_nobody_is_busy(db, users, blue, stored):
    a = _team_a(db)
    with TeamSession(db.engine, team_id=a) as s:
        assert busy_duties(s, a, stored.horizon) == ()
        assert team_scenario(s).busy == ()


class CapturingRunner:
    def __init__(self) -> None:
        self.scenarios: list[Scenario] = []

    def submit(self, job_id: int, scenario: Scenario, options: dict) -> None:
        self.scenarios.append(scenario)

    def shutdown(self) -> None:
        pass


def test_a_solve_job_is_given_the_busy_time(db, users, blue, settings, outcome):
    _share(db, users.ids["tech"], blue["team_id"], "T007")
    runner = CapturingRunner()
    app = create_app(settings, engine=db.engine, runner=runner)
    with TestClient(app) as client:
        r = client.post(f"{V1}/solve-jobs", json={"time_limit": 1}, headers=users.headers("manager"))
        assert r.status_code == 202, r.text
    busy = runner.scenarios[0].busy
    assert busy and {b.technician for b in busy} == {"T001"}
    assert len(busy) == sum(1 for x in outcome.plan.assignments if x.technician == "T007")


def test_publishing_a_plan_that_double_books_a_shared_technician_is_refused(
        client, db, users, blue, outcome, make_plan):
    """Blue published first; A's draft gives the shared person the very same shifts."""
    shared = outcome.plan.assignments[0].technician  # works in both teams' plans
    mgr = users.headers("manager")
    draft = make_plan()
    # not linked: two different people who happen to have the same id
    with Session(db.engine) as s:
        user = t.UserRow(username="floater", password_hash="x", created_at=t.utcnow())
        s.add(user)
        s.commit()
        uid = user.id
    _share(db, uid, _team_a(db), shared)
    _share(db, uid, blue["team_id"], shared)
    r = client.post(f"{V1}/plans/{draft}/publish", headers=mgr)
    assert r.status_code == 409, r.text
    msg = r.json()["detail"]
    assert f"technician {shared}" in msg and "team blue" in msg and "published duty" in msg
    with Session(db.engine) as s:
        assert s.get(t.PlanRow, draft).status == "draft"  # nothing changed
    # the other way round: once A's plan is published (the person not shared), blue's
    # draft is checked against it
    with Session(db.engine) as s:
        s.delete(s.get(t.MembershipRow, (uid, blue["team_id"])))
        s.commit()
    assert client.post(f"{V1}/plans/{draft}/publish", headers=mgr).status_code == 200
    _share(db, uid, blue["team_id"], shared)
    bmgr = {"Authorization": f"Bearer {blue['bmanager']}"}
    r = client.post(f"{V1}/plans/{blue['plan']}/publish", headers=bmgr)
    assert r.status_code == 409 and "team default" in r.json()["detail"], r.text


def test_a_shift_next_to_another_teams_duty_does_not_block_publication(
        client, db, users, blue, stored, make_plan):
    """Only a clash refuses: the same person on another day in the other team is fine."""
    a = _team_a(db)
    with Session(db.engine) as s:  # blue's published plan goes; one far shift stays
        s.get(t.PlanRow, blue["published"]).status = "superseded"
        s.commit()
    far = stored.horizon.start - dt.timedelta(days=3)
    _extra_plan(db, blue["team_id"], "published", "T007", far, 8)
    _share(db, users.ids["tech"], blue["team_id"], "T007")
    with TeamSession(db.engine, team_id=a) as s:
        assert len(busy_duties(s, a, stored.horizon)) == 1
    r = client.post(f"{V1}/plans/{make_plan()}/publish", headers=users.headers("manager"))
    assert r.status_code == 200, r.text


def test_two_teams_planned_side_by_side_through_the_api(db, users, blue, live_app):
    """Each team solves its own scenario, sees only its own plans, publishes; each
    technician's schedule shows their own team's plan."""
    heads = {"default": users.headers("manager"),
             "blue": {"Authorization": f"Bearer {blue['bmanager']}"}}
    with TestClient(live_app) as client:
        before = {k: {p["id"] for p in client.get(f"{V1}/plans", headers=h).json()}
                  for k, h in heads.items()}
        jobs = {}
        for k, h in heads.items():
            r = client.post(f"{V1}/solve-jobs", json={"time_limit": 3, "workers": 1, "name": k},
                            headers=h)
            assert r.status_code == 202, r.text
            jobs[k] = r.json()["id"]
        # a team cannot see the other's job
        assert client.get(f"{V1}/solve-jobs/{jobs['blue']}", headers=heads["default"]).status_code == 404
        deadline = time.monotonic() + 120
        done = {}
        while len(done) < 2 and time.monotonic() < deadline:
            for k, h in heads.items():
                j = client.get(f"{V1}/solve-jobs/{jobs[k]}", headers=h).json()
                if j["status"] not in ("queued", "running"):
                    done[k] = j
            time.sleep(0.3)
        assert {k: j["status"] for k, j in done.items()} == {"default": "succeeded", "blue": "succeeded"}
        for k, h in heads.items():
            plans = client.get(f"{V1}/plans", headers=h).json()
            new = [p for p in plans if p["id"] not in before[k]]
            assert [p["id"] for p in new] == [done[k]["plan_id"]]
            r = client.post(f"{V1}/plans/{done[k]['plan_id']}/publish", headers=h)
            assert r.status_code == 200, r.text
        with Session(db.engine) as s:
            for k in heads:
                plan = s.get(t.PlanRow, done[k]["plan_id"])
                assert plan.team_id == (blue["team_id"] if k == "blue" else _team_a(db))
                rows = s.exec(select(t.PlanAssignmentRow.team_id)
                              .where(t.PlanAssignmentRow.plan_id == plan.id)).all()
                assert rows and set(rows) == {plan.team_id}
        start = blue and client.get(f"{V1}/plans/{done['default']['plan_id']}",
                                    headers=heads["default"]).json()["horizon_start"]
        for k, h in (("default", users.headers("tech")),
                     ("blue", {"Authorization": f"Bearer {blue['btech']}"})):
            sched = client.get(f"{V1}/technicians/T001/schedule?start={start}", headers=h).json()
            mine = client.get(f"{V1}/plans/{done[k]['plan_id']}/assignments?technician=T001",
                              headers=heads[k]).json()
            assert [a["start"] for a in sched["assignments"]] == [a["start"] for a in
                                                                sorted(mine, key=lambda a: a["start"])]


def test_a_shared_persons_calendar_feed_holds_both_teams_duties(client, db, users, blue, outcome,
                                                               make_plan):
    _share(db, users.ids["tech"], blue["team_id"], "T007")
    a_plan = make_plan()
    with Session(db.engine) as s:  # A's plan published as it is (a clash is not the point)
        s.get(t.PlanRow, a_plan).status = "published"
        s.commit()
    feed = client.get(f"{V1}/calendar/{users.ical['tech']}.ics")
    assert feed.status_code == 200
    body = feed.text

    def count(tech: str) -> int:
        return (sum(1 for x in outcome.plan.assignments if x.technician == tech)
                + sum(1 for o in outcome.plan.oncall if o.technician == tech))

    assert count("T001") and count("T007")
    assert body.count("BEGIN:VEVENT") == count("T001") + count("T007")
    assert "shift-T001-" in body and "shift-T007-" in body


def test_one_person_on_call_for_two_teams_at_once_is_refused(client, db, users, blue, outcome,
                                                           make_plan):
    """On-call is not busy time (the planner may give shifts during it), but one person
    cannot hold two teams' on-call at the same moment."""
    duty = outcome.plan.oncall[0]
    person = duty.technician
    with Session(db.engine) as s:
        user = t.UserRow(username="oncaller", password_hash="x", created_at=t.utcnow())
        s.add(user)
        s.commit()
        uid = user.id
        # blue's published plan: keep only this person's on-call, no shifts of theirs
        s.exec(delete(t.PlanAssignmentRow).where(t.PlanAssignmentRow.plan_id == blue["published"],
                                                 t.PlanAssignmentRow.technician == person))
        s.commit()
    draft = make_plan()
    with Session(db.engine) as s:  # nor in A's draft: only the on-call periods meet
        s.exec(delete(t.PlanAssignmentRow).where(t.PlanAssignmentRow.plan_id == draft,
                                                 t.PlanAssignmentRow.technician == person))
        s.commit()
    _share(db, uid, _team_a(db), person)
    _share(db, uid, blue["team_id"], person)
    r = client.post(f"{V1}/plans/{draft}/publish", headers=users.headers("manager"))
    assert r.status_code == 409, r.text
    assert f"technician {person} would be on call" in r.json()["detail"]
    assert "in team blue" in r.json()["detail"]
