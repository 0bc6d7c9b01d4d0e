"""Publishing a plan that replaces another tells each affected technician what changed:
by e-mail (a real SMTP server, aiosmtpd) and a signed webhook (a local HTTP server,
retried after a failure); the calendar feed follows the new plan."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from api.app import create_app
from api.notify import post_webhook, sign
from api.settings import Settings

V1 = "/api/v1"
SECRET = "webhook-secret"
EXCHANGE = {"technician": "T001",
            "duty": {"client": "C01", "date": "2027-07-06", "shift": "day", "skill": "helpdesk"},
            "to": "T002",
            "take": {"client": "C01", "date": "2027-07-08", "shift": "day", "skill": "helpdesk"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


class _Hook:
    """A local webhook receiver that fails its first ``fail`` requests with 503."""

    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.requests: list[tuple[dict, bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append((dict(self.headers), body))
                self.send_response(503 if len(hook.requests) <= hook.fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = _Hook(fail=1)
    yield h
    h.close()


def test_publishing_a_replacement_notifies_by_mail_and_signed_webhook(db, users, make_plan,
                                                                      smtp, hook, stored):
    port, inbox = smtp
    settings = Settings(database_url=db.url, workers=1, max_time_limit=60, smtp_host="127.0.0.1",
                        smtp_port=port, smtp_from="rota@example.org", webhook_url=hook.url,
                        webhook_secret=SECRET, webhook_backoff=0.01)
    from tests.api.conftest import RecordingRunner

    app = create_app(settings, engine=db.engine, runner=RecordingRunner())
    h = users.headers("manager")
    first = make_plan()
    with TestClient(app) as client:
        assert client.post(V1 + f"/plans/{first}/publish", headers=h).status_code == 200
        assert inbox.messages == [] and hook.requests == []  # nothing replaced: nobody told
        feed = client.get(V1 + f"/calendar/{users.ical['tech']}.ics").content
        r = client.post(V1 + f"/plans/{first}/swaps/approve", json=EXCHANGE, headers=h)
        assert r.status_code == 201, r.text
        second = r.json()["id"]
        r = client.post(V1 + f"/plans/{second}/publish", headers=h)
        assert r.status_code == 200 and r.json()["superseded"] == [first]
        new_feed = client.get(V1 + f"/calendar/{users.ical['tech']}.ics").content
    emails = {t.id: t.email for t in stored.technicians}
    got = {tuple(rcpt): msg for rcpt, msg in inbox.messages}
    assert set(got) == {(emails["T001"],), (emails["T002"],)}
    body = got[(emails["T001"],)].get_payload()
    assert "removed  Tue 2027-07-06" in body and "added    Thu 2027-07-08" in body
    assert got[(emails["T001"],)]["Subject"] == f"Rota: your schedule changed (plan {second})"
    # the webhook: first answer 503, retried, signature over the exact body
    assert len(hook.requests) == 2
    headers, raw = hook.requests[-1]
    assert headers["X-Rota-Signature"] == \
        "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    data = json.loads(raw)
    assert data["event"] == "plan.published" and data["plan_id"] == second
    assert [x["technician"] for x in data["technicians"]] == ["T001", "T002"]
    # the calendar feed follows the published plan
    def dates(ics):
        cal = icalendar.Calendar.from_ical(ics)
        return {str(e.decoded("dtstart"))[:10] for e in cal.walk("VEVENT")}
    assert "2027-07-06" in dates(feed) and "2027-07-06" not in dates(new_feed)
    assert "2027-07-08" in dates(new_feed)


def test_webhook_gives_up_after_its_attempts(hook):
    hook.fail = 10
    settings = Settings(webhook_url=hook.url, webhook_secret=SECRET, webhook_attempts=3,
                        webhook_backoff=0.5)
    waits = []
    with pytest.raises(RuntimeError, match="webhook answered 503"):
        post_webhook(settings, {"event": "x"}, sleep=waits.append)
    assert len(hook.requests) == 3 and waits == [0.5, 1.0]  # exponential back-off


def test_signature_is_hmac_sha256():
    assert sign("k", b"{}") == "sha256=" + hmac.new(b"k", b"{}", hashlib.sha256).hexdigest()
