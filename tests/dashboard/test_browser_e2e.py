"""The whole product in a real browser: ``rota up`` on a temporary SQLite database with the
demo, headless Chromium driven by Selenium.

A manager signs in, starts a short solve, waits for the grid of the new plan and
publishes it; a technician signs in and sees their schedule and calendar link.
Screenshots go to ``test-artifacts/e2e/`` (git-ignored). ``.ci/run`` installs Chromium
and sets ``ROTA_REQUIRE_BROWSER=1``, so there a missing browser fails the test; elsewhere
it is skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from dashboard import browser as b

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
TECH_PASSWORD = "technician-pass-1"


@pytest.fixture(scope="module")
def browser_ready():
    why = b.chromium_available()
    if why and os.environ.get("ROTA_REQUIRE_BROWSER"):
        pytest.fail(why)
    if why:
        pytest.skip(why)


def add_user(api_url: str, password: str, name: str, role: str) -> str:
    """Through the API as the manager: a user (a technician user is the first technician)."""
    h = httpx.Client(base_url=f"{api_url}/api/v1", timeout=60)
    token = h.post("/auth/token", data={"username": "manager", "password": password}).json()
    h.headers["Authorization"] = f"Bearer {token['access_token']}"
    body = {"username": name, "password": TECH_PASSWORD, "role": role}
    if role == "technician":
        body["technician_id"] = h.get("/technicians").json()[0]["id"]
    r = h.post("/users", json=body)
    h.close()
    assert r.status_code == 201, r.text
    return name


@pytest.mark.slow
def test_manager_solves_and_publishes_technician_sees_schedule(browser_ready, tmp_path):
    for old in ARTIFACTS.glob("failure.*"):
        old.unlink()
    with b.rota_up(tmp_path / "run", demo_time_limit=5) as stack, b.chrome() as d:
        try:
            _scenario(stack, d)
        except Exception:
            b.screenshot(d, ARTIFACTS / "failure.png")
            (ARTIFACTS / "failure.txt").write_text(d.find_element("tag name", "body").text
                                                   + "\n---\n" + stack.log.read_text())
            raise
    # rota up stopped on SIGTERM, and both servers with it
    assert stack.process.returncode == 0, stack.log.read_text()
    for url in (f"{stack.api_url}/healthz", f"{stack.url}/_stcore/health"):
        with pytest.raises(httpx.TransportError):
            httpx.get(url, timeout=5)


def _scenario(stack, d) -> None:
    if True:
        # the manager lands on the Roster of the demo's draft plan
        b.sign_in(d, stack.url, "manager", stack.password)
        b.wait_css(d, "table.rota-grid")
        b.wait_text(d, "technicians")
        b.screenshot(d, ARTIFACTS / "1-roster-demo.png")

        # a short solve, followed live, opened in the Roster, published
        b.open_page(d, stack.url, "solve")
        b.fill(d, "Time limit (s)", "5")
        b.fill(d, "Name", "e2e plan")
        b.click_button(d, "Start solve")
        b.wait_text(d, "stored as a draft", timeout=180)
        b.screenshot(d, ARTIFACTS / "2-solve-done.png")
        b.click_button(d, "Open in Roster")
        b.wait_text(d, "e2e plan")
        b.wait_css(d, "table.rota-grid")
        b.click_button(d, "Publish")
        b.wait_text(d, "published (superseded")
        b.screenshot(d, ARTIFACTS / "3-roster-published.png")

        # a technician: own schedule and calendar link
        user = add_user(stack.api_url, stack.password, "tech1", "technician")
        b.click_button(d, "Sign out")
        b.sign_in(d, stack.url, user, TECH_PASSWORD)
        b.wait_text(d, "My schedule")
        b.wait_text(d, "Calendar subscription")
        b.click_button(d, "Create my calendar link")
        b.wait_text(d, "/api/v1/calendar/")
        b.wait_css(d, "table.rota-cal")
        body = d.find_element("tag name", "body").text
        assert "Next shift" in body and "none" not in body.split("Next shift")[1][:30]
        assert "Roster" not in [e.text for e in d.find_elements("css selector", "[data-testid=stSidebarNav] a")]
        b.screenshot(d, ARTIFACTS / "4-my-schedule.png")

        # the calendar link really serves the published schedule
        url = d.find_element("css selector", "code").text.strip()
        ics = httpx.get(url, timeout=30)
        assert ics.status_code == 200 and "BEGIN:VEVENT" in ics.text

        # a coordinator runs a what-if peak from the published plan and compares
        add_user(stack.api_url, stack.password, "rot1", "coordinator")
        b.click_button(d, "Sign out")
        b.sign_in(d, stack.url, "rot1", TECH_PASSWORD)
        b.wait_css(d, "table.rota-grid")
        # who is on call, with a phone to call
        b.open_page(d, stack.url, "oncall")
        phone = b.wait_css(d, 'table.rota-oncall a[href^="tel:+"]')
        assert phone.text.startswith("☎ +3")
        b.screenshot(d, ARTIFACTS / "4b-oncall-coordinator.png")
        b.open_page(d, stack.url, "what-if")
        b.fill(d, "Time limit (s)", "5")
        b.click_button(d, "Run what-if")
        b.wait_text(d, "Who is notified", timeout=180)
        body = d.find_element("tag name", "body").text
        assert "Before: published" in body and "After: draft" in body
        b.screenshot(d, ARTIFACTS / "5-what-if.png")
        b.click_button(d, "Discard")
        b.wait_text(d, "What-if discarded")
