"""The front of the cached schedule reads (api.callers, api.deps.reader): who asks and the
response stamp in one query on the event loop. Every check runs on a *warm* cache (the
schedule was just served from it), so a refusal proves that nothing about the caller is
cached: a revoked or expired token and a deactivated user are refused at the very next
request, writes from another process are seen at once, and a lost database connection
is reconnected (or answered 503, never 500)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from api import tables as t
from api.app import create_app
from api.auth import token_digest
from api.cache import CACHE
from api.callers import CallerLookup
from api.db import make_engine

V1 = "/api/v1"
JSON = V1 + "/technicians/{}/schedule"
ICS = V1 + "/technicians/{}/schedule.ics"


@pytest.fixture(autouse=True)
def _empty_cache():
    CACHE.clear()
    yield
    CACHE.clear()


@pytest.fixture
def published(client, users, make_plan, scenario) -> dict:
    plan = make_plan()
    assert client.post(V1 + f"/plans/{plan}/publish", headers=users.headers("manager")).status_code == 200
    return {"start": scenario.horizon.start.isoformat(), "end": scenario.horizon.end.isoformat()}


def _warm(client, users, who: str, tech: str, params: dict) -> str:
    """Read T's schedule twice (the second from the cache); its ETag."""
    first = client.get(JSON.format(tech), params=params, headers=users.headers(who))
    assert first.status_code == 200 and first.json()["assignments"], first.text
    hits = CACHE.hits
    again = client.get(JSON.format(tech), params=params, headers=users.headers(who))
    assert again.status_code == 200 and CACHE.hits == hits + 1
    return first.headers["etag"]


def _refused(client, users, who: str, tech: str, params: dict, etag: str, status: int = 401) -> None:
    h = users.headers(who)
    for url, p in ((JSON.format(tech), params), (ICS.format(tech), {})):
        assert client.get(url, params=p, headers=h).status_code == status, url
        # not even a 304 that would confirm what the client holds
        r = client.get(url, params=p, headers={**h, "If-None-Match": etag})
        assert r.status_code == status, url
        if status == 401:
            assert r.headers["www-authenticate"] == "Bearer"
            assert r.json()["detail"].startswith("not authenticated")


def test_a_logged_out_token_is_refused_at_the_next_request(client, users, published):
    etag = _warm(client, users, "tech", "T001", published)
    assert client.post(V1 + "/auth/logout", headers=users.headers("tech")).status_code == 204
    _refused(client, users, "tech", "T001", published, etag)


def test_a_token_deleted_or_expired_by_another_process_is_refused_at_once(client, users, published, db):
    etag = _warm(client, users, "manager", "T001", published)
    _warm(client, users, "coordinator", "T001", published)
    other = make_engine(db.url)  # as another server process or `rota users` would
    with other.begin() as conn:
        conn.execute(text("DELETE FROM access_token WHERE digest = :d"),
                     {"d": token_digest(users.tokens["manager"])})
    with Session(other) as s:  # expired a second ago
        row = s.get(t.TokenRow, token_digest(users.tokens["coordinator"]))
        row.expires_at = t.utcnow() - dt.timedelta(seconds=1)
        s.add(row)
        s.commit()
    other.dispose()
    _refused(client, users, "manager", "T001", published, etag)
    _refused(client, users, "coordinator", "T001", published, etag)
    # the tech's token is untouched, the cache still warm
    assert client.get(JSON.format("T001"), params=published, headers=users.headers("tech")).status_code == 200


def test_a_deactivated_user_is_refused_at_once(client, users, published, db):
    etag = _warm(client, users, "tech", "T001", published)
    feed = client.post(V1 + "/users/me/calendar", headers=users.headers("tech")).json()["url"]
    assert client.get(feed).status_code == 200
    with Session(db.engine) as s:  # directly in the database: no token revoked with it
        user = s.get(t.UserRow, users.ids["tech"])
        user.active = False
        s.add(user)
        s.commit()
    _refused(client, users, "tech", "T001", published, etag)
    assert client.get(feed).status_code == 404


def test_deactivation_through_the_api_refuses_the_cached_reads(client, users, published):
    etag = _warm(client, users, "coordinator", "T002", published)
    r = client.patch(f"{V1}/users/{users.ids['coordinator']}", json={"active": False},
                     headers=users.headers("manager"))
    assert r.status_code == 200
    _refused(client, users, "coordinator", "T002", published, etag)


@pytest.mark.parametrize("who,tech,allowed", [
    ("tech", "T001", True), ("tech", "T002", False), ("other", "T002", True),
    ("other", "T001", False), ("manager", "T001", True), ("manager", "T002", True),
    ("coordinator", "T001", True), ("coordinator", "T003", True),
])
def test_who_reads_whose_schedule_on_a_warm_cache(client, users, published, who, tech, allowed):
    etag = _warm(client, users, "manager", tech, published)  # cached by a manager's read
    h = users.headers(who)
    for url, p in ((JSON.format(tech), published), (ICS.format(tech), {})):
        r = client.get(url, params=p, headers=h)
        assert r.status_code == (200 if allowed else 403), (url, r.text)
        r = client.get(url, params=p, headers={**h, "If-None-Match": etag})
        if url.endswith(".ics"):
            assert r.status_code == (200 if allowed else 403)  # the feed's ETag differs
        else:
            assert r.status_code == (304 if allowed else 403)
        if not allowed:
            assert r.json()["detail"] == "technicians may only see and change their own data"


def test_a_role_that_is_not_a_reader_gets_403(client, users, published, db):
    _warm(client, users, "coordinator", "T001", published)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE team_member SET role = 'auditor' WHERE user_id = :i"),
                     {"i": users.ids["coordinator"]})
    r = client.get(JSON.format("T001"), params=published, headers=users.headers("coordinator"))
    assert r.status_code == 403 and r.json()["detail"].startswith("role auditor may not do this")


def test_malformed_credentials_are_401_not_500(client, users, published):
    for value in ("Bearer ", "Bearer x\x00y", "Basic abc", "Bearer " + "x" * 5000, "Bearer é"):
        try:
            r = client.get(JSON.format("T001"), params=published, headers={"Authorization": value})
        except UnicodeEncodeError:  # httpx refuses a non-ASCII header: nothing sent
            continue
        assert r.status_code == 401, value


def test_superseding_and_editing_a_published_plan_renew_the_cached_json(
        client, users, published, make_plan, db):
    h = users.headers("tech")
    etag = _warm(client, users, "tech", "T001", published)
    before = client.get(JSON.format("T001"), params=published, headers=h).json()
    # edited behind the server's back (another process): T001's first shift an hour later
    other = make_engine(db.url)
    with Session(other) as s:
        row = s.exec(select(t.PlanAssignmentRow).where(t.PlanAssignmentRow.technician == "T001")
                     .order_by(t.PlanAssignmentRow.start)).first()
        row.start += dt.timedelta(hours=1)
        s.add(row)
        s.commit()
        new_start = row.start
    other.dispose()
    moved = client.get(JSON.format("T001"), params=published, headers={**h, "If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["etag"] != etag
    assert moved.json() != before
    assert dt.datetime.fromisoformat(moved.json()["assignments"][0]["start"]) == new_start
    # a new plan published over it: the old one superseded, nothing of it is shown
    plan = make_plan(name="second")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM plan_assignment WHERE plan_id = :p AND technician = 'T001'"),
                     {"p": plan})
    assert client.post(V1 + f"/plans/{plan}/publish", headers=users.headers("manager")).status_code == 200
    after = client.get(JSON.format("T001"), params=published, headers=h)
    assert after.status_code == 200 and after.json()["assignments"] == []
    # and every published plan withdrawn
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE plan SET status = 'superseded'"))
    assert client.get(JSON.format("T002"), params=published, headers=users.headers("other")).json()[
        "assignments"] == []


def test_the_lookup_answers_the_user_the_token_and_the_stamp(db, users):
    lookup = CallerLookup(db.engine)
    try:
        me = lookup.by_token(users.tokens["tech"])
        assert me.id == users.ids["tech"] and me.role is None  # no team chosen yet
        [team] = me.teams
        assert (team.role, team.technician_id) == ("technician", "T001")
        assert me.acting_in(team).role == "technician" and me.find(team.slug) == team.team_id
        with Session(db.engine) as s:
            stamp = s.get(t.ResponseStampRow, 1)
        assert me.stamp == (stamp.version if stamp else None)
        assert lookup.by_token("not a token") is None
        assert [p for _team, p in lookup.by_calendar_secret(users.ical["other"]).people] == ["T002"]
        assert lookup.by_calendar_secret(users.tokens["other"]) is None  # a token is no secret
        manager = lookup.by_calendar_secret(users.ical["manager"])
        assert manager is not None and manager.people == []
    finally:
        lookup.close()


def test_the_lookup_reconnects_after_losing_its_connection(client, users, published, db, app):
    _warm(client, users, "tech", "T001", published)
    lookup = app.state.callers
    assert lookup._conn is not None
    if db.backend == "postgres":  # the server ends the session (restart, idle timeout)
        with db.engine.begin() as conn:
            pid = lookup._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    else:
        lookup._conn.connection.dbapi_connection.close()
    r = client.get(JSON.format("T001"), params=published, headers=users.headers("tech"))
    assert r.status_code == 200 and r.json()["assignments"]


class _NoRunner:
    def shutdown(self) -> None:
        pass


def test_an_unreachable_database_is_503_on_the_cached_reads(settings, users, published, tmp_path):
    broken = create_app(settings, engine=make_engine(f"sqlite:///{tmp_path}/missing/rota.db"),
                        runner=_NoRunner(), recover_jobs=False)
    with TestClient(broken) as c:
        r = c.get(JSON.format("T001"), params=published, headers=users.headers("tech"))
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        assert c.get(V1 + f"/calendar/{users.ical['tech']}.ics").status_code == 503


def test_the_server_releases_the_lookup_connection_at_shutdown(app, users, published, client):
    client.get(JSON.format("T001"), params=published, headers=users.headers("tech"))
    assert app.state.callers._conn is not None
    with TestClient(app):
        pass  # a second start and stop of the same application
    assert app.state.callers._conn is None


def test_no_other_route_overlaps_the_schedule_routes(app):
    """The schedule router is included first (api/app.py: the most read routes are
    matched first); that changes no answer only while no other route's path can match a
    schedule path or the reverse."""
    import re

    from starlette.routing import compile_path

    from api.routes import schedule

    ours = {"/api/v1" + r.path for r in schedule.router.routes}
    paths = app.openapi()["paths"]
    assert ours <= set(paths)

    def sample(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "x1", path)

    for mine in ours:
        mine_re = compile_path(mine)[0]
        for other, item in paths.items():
            if other in ours or not set(item) & set(paths[mine]):
                continue
            assert not mine_re.match(sample(other)), (mine, other)
            assert not compile_path(other)[0].match(sample(mine)), (other, mine)
