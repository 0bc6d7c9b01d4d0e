"""``rota up`` and ``rota dashboard``: first manager, demo detection, command lines, errors."""

from __future__ import annotations

from typer.testing import CliRunner

from api import up
from api.auth import verify_password
from api.cli import app
from api.db import make_engine, session_scope, upgrade
from api.scenarios import import_scenario
from api.demo import default_demo_folder
from api import tables as t
from sqlmodel import select


def _db(tmp_path) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    upgrade(url)
    return url


def test_first_manager_gets_a_generated_password_stored_hashed(tmp_path):
    url = _db(tmp_path)
    login = up.ensure_manager(url, "chef", None)
    assert login.username == "chef" and len(login.password) >= 12
    engine = make_engine(url)
    with session_scope(engine) as s:
        row = s.exec(select(t.UserRow)).one()
        member = s.exec(select(t.MembershipRow)).one()  # of the team `default`, created empty
        assert member.role == "manager" and member.user_id == row.id
        assert row.password_hash != login.password
        assert verify_password(login.password, row.password_hash)
    engine.dispose()


def test_an_existing_manager_is_kept_and_no_secret_is_returned(tmp_path):
    url = _db(tmp_path)
    up.ensure_manager(url, "chef", "chosen-password")
    again = up.ensure_manager(url, "other", None)
    assert again.username == "chef" and again.password is None


def test_two_runs_generate_different_passwords(tmp_path):
    a = up.ensure_manager(_db(tmp_path / "a"), "chef", None).password
    b = up.ensure_manager(_db(tmp_path / "b"), "chef", None).password
    assert a != b


def test_has_scenario(tmp_path):
    url = _db(tmp_path)
    assert not up.has_scenario(url)
    engine = make_engine(url)
    import_scenario(engine, default_demo_folder())
    engine.dispose()
    assert up.has_scenario(url)


def test_streamlit_runs_headless_without_usage_stats():
    cmd, env = up.streamlit_command("http://127.0.0.1:9", "127.0.0.1", 8600)
    joined = " ".join(cmd)
    assert "--server.headless true" in joined and "--browser.gatherUsageStats false" in joined
    assert cmd[-1] != "" and str(up.APP_SCRIPT) in cmd and up.APP_SCRIPT.exists()
    assert env["ROTA_API_URL"] == "http://127.0.0.1:9"


def test_free_port_is_bindable():
    import socket

    port = up.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # raises if it were taken


def test_short_password_is_refused(tmp_path):
    r = CliRunner().invoke(app, ["up", "--password", "short", "--database-url",
                                 f"sqlite:///{tmp_path / 'x.db'}"])
    assert r.exit_code == 2
    assert "--password: give at least 8 characters" in r.output
    assert not (tmp_path / "x.db").exists()  # refused before touching the database


def test_dashboard_needs_an_http_url():
    r = CliRunner().invoke(app, ["dashboard", "--api", "localhost:8000"])
    assert r.exit_code == 2
    assert "--api 'localhost:8000': give an http:// or https:// URL" in r.output
