"""Tell each technician what changed when a plan replaces another.

On publication of a plan that supersedes published plans, every technician with an
added or removed duty is told: an e-mail when SMTP is configured (``ROTA_SMTP_HOST``),
and one JSON webhook per publication (``ROTA_WEBHOOK_URL``), signed with
HMAC-SHA256 over the body (``X-Rota-Signature: sha256=<hex>``, key
``ROTA_WEBHOOK_SECRET``) and retried with exponential back-off on a connection error
or a 5xx answer. Sending happens after the response (a background task); failures
are logged, never raised into the publication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import time
import uuid
from email.message import EmailMessage

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from planner.check import Context
from planner.check.stability import changes as plan_changes
from planner.replan.run import Notice, change_rows, notices, with_baseline
from api import tables as t
from api.mapping import rows_to_plan
from api.daytwo import plan_inputs
from api.settings import Settings

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Rota-Signature"


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>`` of the HMAC-SHA256 of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def publication_notices(engine: Engine, plan_id: int, superseded: list[int]) -> list[Notice]:
    """Per technician, what changed between the superseded plans and plan ``plan_id``."""
    from api.teams import team_session

    with Session(engine) as session:
        team_id = session.exec(select(t.PlanRow.team_id).where(t.PlanRow.id == plan_id)).one()
    with team_session(engine, team_id) as session:
        _row, scenario, plan = plan_inputs(session, plan_id)
        old = [rows_to_plan(session, i) for i in superseded]
    if not old:
        return []
    merged = old[0].model_copy(update={
        "assignments": tuple(a for p in old for a in p.assignments),
        "oncall": tuple(o for p in old for o in p.oncall)})
    # only the days of the new plan's horizon: older days of a superseded plan stay as they were
    start, end = scenario.horizon.start, scenario.horizon.end
    merged = merged.model_copy(update={
        "assignments": tuple(a for a in merged.assignments if start <= a.date <= end)})
    sc = with_baseline(scenario, merged, dt.datetime.now(dt.timezone.utc), 0)
    return list(notices(sc, plan_changes(Context(sc, plan))))


def email(settings: Settings, notice: Notice, plan_id: int) -> EmailMessage | None:
    """The e-mail telling ``notice.technician`` their changes (None without an address)."""
    if not notice.email:
        return None
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = notice.email
    msg["Subject"] = f"Rota: your schedule changed (plan {plan_id})"
    lines = [f"Hello {notice.name},", "", f"Plan {plan_id} was published and changes your "
             "schedule:", ""]
    for c in notice.changes:
        what = c.shift if c.kind == "shift" else f"on-call {c.kind.removeprefix('oncall_')} {c.shift}"
        lines.append(f"  {c.change:<8} {c.start:%a %Y-%m-%d %H:%M}-{c.end:%H:%M}  {what}  "
                     f"{c.client}")
    lines += ["", "Your calendar feed follows these changes.", "-- Rota"]
    msg.set_content("\n".join(lines))
    return msg


def send_emails(settings: Settings, found: list[Notice], plan_id: int) -> int:
    """Send one e-mail per notice with an address; returns how many were sent."""
    if not settings.smtp_host:
        return 0
    return send_messages(settings, [m for m in (email(settings, n, plan_id) for n in found)
                                    if m is not None])


def send_messages(settings: Settings, messages: list[EmailMessage]) -> int:
    """Send ``messages`` through the configured SMTP server; returns how many were sent."""
    if not settings.smtp_host or not messages:
        return 0
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for m in messages:
            smtp.send_message(m)
    return len(messages)


def payload(plan_id: int, superseded: list[int], found: list[Notice]) -> dict:
    return {
        "event": "plan.published", "plan_id": plan_id, "superseded": superseded,
        "technicians": [{"technician": n.technician, "name": n.name, "email": n.email,
                         "summary": n.summary, "changes": change_rows(n.changes)}
                        for n in found],
    }


def post_webhook(settings: Settings, body: dict, sleep=time.sleep) -> int:
    """POST ``body`` signed; retried with back-off. Returns the attempts used (0: no URL).

    Raises the last error when every attempt failed."""
    if not settings.webhook_url:
        return 0
    data = json.dumps(body, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "X-Rota-Event": body.get("event", ""),
               "X-Rota-Delivery": uuid.uuid4().hex,
               SIGNATURE_HEADER: sign(settings.webhook_secret, data)}
    delay = settings.webhook_backoff
    for attempt in range(1, settings.webhook_attempts + 1):
        try:
            r = httpx.post(settings.webhook_url, content=data, headers=headers, timeout=10)
            if r.status_code < 500:
                if r.status_code >= 400:
                    log.warning("webhook refused with %s (not retried)", r.status_code)
                return attempt
            error: Exception = RuntimeError(f"webhook answered {r.status_code}")
        except httpx.HTTPError as e:
            error = e
        if attempt == settings.webhook_attempts:
            raise error
        log.info("webhook attempt %d failed (%s); retrying in %.1f s", attempt, error, delay)
        sleep(delay)
        delay *= 2
    return settings.webhook_attempts


def notify_publication(engine: Engine, settings: Settings, plan_id: int,
                       superseded: list[int]) -> None:
    """Background task of a publication: e-mails and webhook (errors only logged)."""
    if not superseded or not (settings.smtp_host or settings.webhook_url):
        return
    try:
        found = publication_notices(engine, plan_id, superseded)
    except Exception:  # noqa: BLE001 - a notification never breaks a publication
        log.exception("could not compute the changes of plan %s", plan_id)
        return
    if not found:
        return
    try:
        send_emails(settings, found, plan_id)
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail notification of plan %s failed", plan_id)
    try:
        post_webhook(settings, payload(plan_id, superseded, found))
    except Exception:  # noqa: BLE001
        log.exception("webhook notification of plan %s failed", plan_id)


def swap_messages(settings: Settings, proposal: dict, people: list[dict]) -> list[EmailMessage]:
    """One e-mail per technician concerned by a decided swap proposal (with an address)."""
    out = []
    verb = {"approved": "was approved", "rejected": "was rejected",
            "invalid": "no longer holds and was refused"}[proposal["status"]]
    for p in people:
        if not p["email"]:
            continue
        msg = EmailMessage()
        msg["From"] = settings.smtp_from
        msg["To"] = p["email"]
        msg["Subject"] = f"Rota: swap proposal {proposal['id']} {proposal['status']}"
        lines = [f"Hello {p['name']},", "",
                 f"The swap proposal {proposal['id']} ({proposal['technician']} gives "
                 f"{proposal['duty']['shift']} on {proposal['duty']['date']} to "
                 f"{proposal['to']}) {verb}."]
        if proposal.get("reason"):
            lines.append(f"Reason: {proposal['reason']}")
        if proposal.get("draft_plan_id"):
            lines.append(f"It is in draft plan {proposal['draft_plan_id']}; your schedule "
                         "changes when that plan is published.")
        lines += ["", "-- Rota"]
        msg.set_content("\n".join(lines))
        out.append(msg)
    return out


def notify_swap_decision(settings: Settings, proposal: dict, people: list[dict]) -> None:
    """Background task of a swap decision: e-mails and webhook (errors only logged).

    ``proposal`` is the proposal as the API shows it; ``people`` the technicians
    concerned (``technician``, ``name``, ``email``)."""
    try:
        send_messages(settings, swap_messages(settings, proposal, people))
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail notification of swap proposal %s failed", proposal["id"])
    try:
        post_webhook(settings, {"event": f"swap.{proposal['status']}", "proposal": proposal,
                                "technicians": people})
    except Exception:  # noqa: BLE001
        log.exception("webhook notification of swap proposal %s failed", proposal["id"])
