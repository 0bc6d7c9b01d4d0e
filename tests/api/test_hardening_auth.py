"""Hardening of secrets and sign-in: masked database passwords, token revocation,
logout, constant-cost log-in, throttling, calendar secrets out of the access log,
the same 404 for another person's absence as for a missing one.
"""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from api.logs import SecretFilter, install_log_filters, masked_url
from api.throttle import LoginThrottle

from conftest import PASSWORD

V1 = "/api/v1"


def _login(client, username: str, password: str = PASSWORD):
    return client.post(V1 + "/auth/token", data={"username": username, "password": password})


def _bearer(r) -> dict:
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


# --- database passwords -------------------------------------------------------------------

def test_rota_serve_never_prints_the_database_password(monkeypatch):
    import uvicorn

    import api.db
    from api.cli import app

    seen: dict = {}
    monkeypatch.setattr(api.db, "upgrade", lambda url, revision="head": seen.setdefault("url", url))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setattr("api.app.create_app", lambda *a, **k: None)
    url = "postgresql+psycopg://rota:Sup3r-S3cret@db.example:5432/rota"
    r = CliRunner().invoke(app, ["serve", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert seen["url"] == url  # the real URL is used...
    assert "Sup3r-S3cret" not in r.output  # ...but never shown
    assert "rota:***@db.example" in r.output


def test_masked_url_forms():
    assert masked_url("postgresql+psycopg://u:p%40ss@h/db") == "postgresql+psycopg://u:***@h/db"
    assert masked_url("sqlite:///rota.db") == "sqlite:///rota.db"


# --- tokens ---------------------------------------------------------------------------------

def test_password_change_revokes_the_old_token(client, users):
    old = _bearer(_login(client, "coordinator"))
    assert client.get(V1 + "/users/me", headers=old).status_code == 200
    r = client.patch(f"{V1}/users/{users.ids['coordinator']}", json={"password": "a new one!"},
                     headers=users.headers("manager"))
    assert r.status_code == 200, r.text
    assert client.get(V1 + "/users/me", headers=old).status_code == 401
    assert client.get(V1 + "/users/me", headers=users.headers("coordinator")).status_code == 401
    assert _login(client, "coordinator", "a new one!").status_code == 200


def test_deactivation_revokes_tokens_for_good(client, users):
    h = users.headers("manager")
    uid = users.ids["coordinator"]
    assert client.patch(f"{V1}/users/{uid}", json={"active": False}, headers=h).status_code == 200
    assert client.patch(f"{V1}/users/{uid}", json={"active": True}, headers=h).status_code == 200
    # reactivated: the token issued before the deactivation stays dead
    assert client.get(V1 + "/users/me", headers=users.headers("coordinator")).status_code == 401


def test_logout(client, users):
    mine = _bearer(_login(client, "tech"))
    assert client.post(V1 + "/auth/logout", headers=mine).status_code == 204
    assert client.get(V1 + "/users/me", headers=mine).status_code == 401
    # other sessions of the same user are untouched
    assert client.get(V1 + "/users/me", headers=users.headers("tech")).status_code == 200


# --- log-in cost and throttling ----------------------------------------------------------------

def test_login_costs_the_same_for_unknown_users(client, users, monkeypatch):
    """An unknown user name used to answer without an Argon2 verification (~100x faster):
    every failed log-in, known name or not, costs exactly one verification against a hash
    of the same Argon2 parameters (counted, not timed: timing is noisy on a shared machine)."""
    from api import auth

    checked: list[str] = []
    real = auth.verify_password

    def counting(password: str, hashed: str) -> bool:
        checked.append(hashed.rsplit("$", 2)[0])  # algorithm, version and cost parameters
        return real(password, hashed)

    monkeypatch.setattr(auth, "verify_password", counting)
    for username in ("manager", "nobody-at-all"):
        client.app.state.login_throttle = LoginThrottle()  # measure the check, not a 429
        assert _login(client, username, "wrong password").status_code == 400
    assert len(checked) == 2, checked
    assert checked[0] == checked[1] and checked[0].startswith("$argon2id$")


def test_repeated_failures_for_a_user_are_throttled(client, users):
    for _ in range(5):
        assert _login(client, "manager", "wrong").status_code == 400
    r = _login(client, "manager")  # even the right password waits
    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) > 0
    assert "too many failed log-ins" in r.json()["detail"]


def test_failures_from_one_address_are_throttled_across_names(client, users):
    for i in range(20):
        assert _login(client, f"guess{i}", "wrong").status_code == 400
    assert _login(client, "coordinator").status_code == 429


def test_throttle_window_slides():
    now = [0.0]
    th = LoginThrottle({"user": 2}, window=60, clock=lambda: now[0])
    th.failed("user:a")
    th.failed("user:a")
    assert th.retry_after("user:a") == 60
    now[0] = 30
    assert th.retry_after("user:a") == 30
    now[0] = 60.5
    assert th.retry_after("user:a") == 0
    th.failed("user:a")
    th.succeeded("user:a")
    assert th.retry_after("user:a") == 0


# --- calendar secrets and the access log --------------------------------------------------------

def test_calendar_secret_is_not_in_the_access_log(caplog):
    install_log_filters()
    logger = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, SecretFilter) for f in logger.filters)
    secret = "S3cr3t-Feed_Token"
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5000", "GET",
                    f"/api/v1/calendar/{secret}.ics", "1.1", 200)
    assert secret not in caplog.text
    assert "/api/v1/calendar/***.ics" in caplog.text


# --- another person's absence ----------------------------------------------------------------------

def test_technician_gets_404_for_another_persons_absence(client, users):
    h = users.headers("manager")
    r = client.post(V1 + "/absences", json={"technician": "T002", "start": "2027-09-01",
                                            "end": "2027-09-01"}, headers=h)
    other = r.json()["id"]
    tech = users.headers("tech")
    theirs = client.get(f"{V1}/absences/{other}", headers=tech)
    missing = client.get(f"{V1}/absences/{other + 1000}", headers=tech)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == f"absence {other} not found"
    assert client.delete(f"{V1}/absences/{other}", headers=tech).status_code == 404


@pytest.mark.parametrize("url, code", [("postgresql+psycopg://bob:Sekret99@127.0.0.1:1/rota", 4),
                                       ("not a url at all", 2)])
def test_unreachable_or_malformed_database_is_a_message(url, code):
    """Was a traceback (with the URL, password included, among its locals)."""
    import subprocess
    import sys
    from pathlib import Path

    rota = Path(sys.executable).with_name("rota")
    r = subprocess.run([str(rota), "users", "list", "--database-url", url],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == code  # 4 unavailable, 2 bad input (README, Commands)
    assert r.stderr.startswith("error: database: "), r.stderr
    assert "Traceback" not in r.stderr + r.stdout and "Sekret99" not in r.stderr + r.stdout
