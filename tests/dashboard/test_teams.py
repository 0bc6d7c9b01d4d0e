"""The team selector: shown to a user of several teams, absent for one team; the chosen
team goes to the API as the X-Rota-Team header and brings its own role."""

from __future__ import annotations

import httpx
from streamlit.testing.v1 import AppTest

from dashboard.client import RotaClient
from tests.dashboard.fake import all_calls

TIMEOUT = 60


def _sign_in() -> AppTest:
    at = AppTest.from_file("../../dashboard/app.py", default_timeout=TIMEOUT).run()
    at.text_input(key="signin_user").input("chef")
    at.text_input(key="signin_password").input("secret-pass")
    at.button[0].click().run()
    return at


def test_one_team_shows_no_selector_and_sends_no_header(fake):
    at = _sign_in()
    assert not at.exception
    assert at.title[0].value == "Roster"
    assert not _has(at, "team_select")
    assert not any(name == "set_team" for name, _ in all_calls())
    assert at.session_state["team"] is None


def _has(at: AppTest, key: str) -> bool:
    return any(getattr(e, "key", None) == key for e in at.selectbox)


def test_two_teams_the_selector_switches_team_and_role(fake):
    fake.team_roles = {"desk": "manager", "pilotage": "technician"}
    at = _sign_in()
    assert not at.exception
    assert at.session_state["team"] == "desk" and at.session_state["user"]["role"] == "manager"
    assert ("set_team", ("desk",)) in all_calls()
    assert _has(at, "team_select")
    assert at.title[0].value == "Roster"
    at.session_state["plan_id"] = 2
    at.selectbox(key="team_select").select("pilotage").run()
    assert not at.exception
    assert at.session_state["team"] == "pilotage"
    assert at.session_state["user"]["role"] == "technician"
    assert "plan_id" not in at.session_state  # no plan of the other team left on screen
    assert at.title[0].value == "My schedule"
    assert ("set_team", ("pilotage",)) in all_calls()


def test_the_client_sends_the_team_header():
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    c = RotaClient("http://api.test", "tok", transport=httpx.MockTransport(record))
    c.plans()
    c.set_team("pilotage")
    c.plans()
    c.set_team(None)
    c.plans()
    assert [r.headers.get("x-rota-team") for r in seen] == [None, "pilotage", None]
