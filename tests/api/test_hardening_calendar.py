"""Calendar-feed secrets are stored as SHA-256 digests, like bearer tokens: the URL is
shown once (POST /users/me/calendar), GET says only whether a link exists and since
when, rotation kills the old URL, and migration 0002 converts clear secrets so that
URLs handed out before keep working."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from api import tables as t
from api.app import create_app
from api.db import current_revision, make_engine, upgrade
from api.settings import Settings

from conftest import POSTGRES_URL, RecordingRunner

V1 = "/api/v1"


def _publish(client, users, make_plan) -> None:
    plan = make_plan()
    r = client.post(V1 + f"/plans/{plan}/publish", headers=users.headers("manager"))
    assert r.status_code == 200, r.text


def test_the_database_holds_no_clear_calendar_secret(client, users, db):
    link = client.post(V1 + "/users/me/calendar", headers=users.headers("tech")).json()
    secret = link["token"]
    assert secret and link["url"].endswith(f"/calendar/{secret}.ics")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("app_user")}
        rows = [tuple(map(str, r)) for r in conn.execute(text("SELECT * FROM app_user")).all()]
    assert "ical_token" not in columns
    assert not any(secret in value for row in rows for value in row)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert any(digest in row for row in rows)


def test_get_tells_whether_a_link_exists_but_never_the_url(client, users, db):
    h = users.headers("tech")
    with Session(db.engine) as session:  # a user without a link yet
        user = session.get(t.UserRow, users.ids["tech"])
        user.ical_digest = user.ical_created_at = None
        session.add(user)
        session.commit()
    r = client.get(V1 + "/users/me/calendar", headers=h)
    assert r.status_code == 200
    assert r.json() == {"url": None, "token": None, "exists": False, "created_at": None}
    made = client.post(V1 + "/users/me/calendar", headers=h).json()
    after = client.get(V1 + "/users/me/calendar", headers=h).json()
    assert after["exists"] is True and after["url"] is None and after["token"] is None
    assert after["created_at"] == made["created_at"] is not None


def test_the_url_works_and_the_old_url_404s_after_rotation(client, users, make_plan):
    _publish(client, users, make_plan)
    h = users.headers("tech")
    first = client.post(V1 + "/users/me/calendar", headers=h).json()
    assert client.get(first["url"]).status_code == 200
    second = client.post(V1 + "/users/me/calendar", headers=h).json()
    assert second["token"] != first["token"]
    assert client.get(first["url"]).status_code == 404
    assert client.get(second["url"]).status_code == 200
    # the digest itself is not a key to the feed
    digest = hashlib.sha256(second["token"].encode()).hexdigest()
    assert client.get(f"{V1}/calendar/{digest}.ics").status_code == 404


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path) -> Iterator[str]:
    """An empty database of each backend (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_migration_converts_clear_secrets_and_old_urls_keep_working(empty_url, scenario):
    from api.scenarios import store_scenario

    upgrade(empty_url, "0001")
    engine = make_engine(empty_url)
    with engine.begin() as conn:  # a database as version 0001 left it: the secret in clear
        conn.execute(text(
            "INSERT INTO app_user (username, full_name, role, technician_id, password_hash, "
            "ical_token, active, created_at) VALUES "
            "('old', '', 'technician', :tech, 'x', 'OldClearSecret_123', :yes, :now)"),
            {"tech": scenario.technicians[0].id, "yes": True, "now": t.utcnow()})
    upgrade(empty_url)
    with Session(engine) as session:
        store_scenario(session, scenario)
        session.commit()
    assert current_revision(empty_url) == "0003_swap_proposals"
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("app_user")}
        values = [tuple(map(str, r)) for r in conn.execute(text("SELECT * FROM app_user")).all()]
    assert "ical_token" not in columns
    assert not any("OldClearSecret_123" in v for row in values for v in row)
    with Session(engine) as session:
        user = session.exec(select(t.UserRow).where(t.UserRow.username == "old")).one()
        assert user.ical_digest == hashlib.sha256(b"OldClearSecret_123").hexdigest()
        assert user.ical_created_at is None  # never recorded before
    app = create_app(Settings(database_url=empty_url), engine=engine, runner=RecordingRunner())
    with TestClient(app) as client:
        assert client.get(f"{V1}/calendar/OldClearSecret_123.ics").status_code == 200
        assert client.get(f"{V1}/calendar/OldClearSecret_124.ics").status_code == 404
    engine.dispose()
