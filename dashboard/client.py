"""The dashboard's only way to the data: a typed HTTP client of the Rota API.

Every page reads and writes through :class:`RotaClient`; the dashboard never opens a
database session and never imports ``solver/`` (``tests/dashboard/test_boundaries.py``).
Responses are parsed into the API's own schemas (``api.schemas``), so a change of a
route's shape shows up as a validation error here rather than as a silent KeyError in
a page. HTTP failures become typed errors the pages know how to show:

- :class:`ApiDown`: the API cannot be reached (banner, no traceback);
- :class:`Unauthorized`: 401, the token expired or was revoked (back to sign-in);
- :class:`Forbidden`: 403;
- :class:`NotFound`: 404;
- :class:`ValidationFailed`: 422, with the API's messages per field;
- :class:`Conflict`: 409.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, NamedTuple

import httpx

from api.schemas.daytwo import SwapProposalPublic, SwapVerdict
from api.schemas.plans import (
    AssignmentPublic, CalendarLink, CoveragePublic, FairnessPublic, JobPublic, OnCallNow,
    OnCallPublic, PlanPublic, PublishResult, Schedule, SolveRequest, UserPublic,
)

DEFAULT_API_URL = "http://127.0.0.1:8000"


class Shift(NamedTuple):
    """One shift of a plan's roster (the compact route)."""

    technician: str
    date: dt.date
    shift: str
    client: str


class OnCall(NamedTuple):
    technician: str
    rotation: str
    role: str
    start: dt.datetime
    end: dt.datetime
ENTITIES = ("technicians", "clients", "contracts", "shift-types", "skills", "coverage-rules",
            "rotations", "absences", "peaks", "requests")


def api_url() -> str:
    """The API base URL the dashboard talks to (``ROTA_API_URL``)."""
    return os.environ.get("ROTA_API_URL", DEFAULT_API_URL).rstrip("/")


class RotaError(Exception):
    """An API call failed; ``message`` is fit to show to a user."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class ApiDown(RotaError):
    """The API did not answer (not started, wrong URL, network)."""


class Unauthorized(RotaError):
    """401: not signed in, or the session expired."""


class Forbidden(RotaError):
    """403: the signed-in role may not do this."""


class NotFound(RotaError):
    """404."""


class Conflict(RotaError):
    """409: the request conflicts with stored data (published plan, overlap, in use)."""


class ValidationFailed(RotaError):
    """422: ``fields`` maps a field name ('' for the whole body) to the API's messages."""

    def __init__(self, message: str, fields: dict[str, list[str]]):
        super().__init__(message, 422)
        self.fields = fields


def _detail(response: httpx.Response) -> Any:
    try:
        return response.json().get("detail", response.text)
    except (ValueError, AttributeError):
        return response.text


def field_errors(detail: Any) -> dict[str, list[str]]:
    """FastAPI's ``[{loc, msg}]`` as ``{field: [messages]}`` (``loc`` minus ``body``/``query``)."""
    out: dict[str, list[str]] = {}
    if not isinstance(detail, list):
        out[""] = [str(detail)]
        return out
    for err in detail:
        loc = [str(x) for x in err.get("loc", []) if x not in ("body", "query", "path")]
        out.setdefault(".".join(loc), []).append(str(err.get("msg", err)))
    return out


def raise_for(response: httpx.Response) -> None:
    """Turn an error response into the matching :class:`RotaError`."""
    code = response.status_code
    if code < 400:
        return
    detail = _detail(response)
    if code == 401:
        raise Unauthorized("your session has ended: sign in again", code)
    if code == 403:
        raise Forbidden(str(detail), code)
    if code == 404:
        raise NotFound(str(detail), code)
    if code == 409:
        raise Conflict(str(detail), code)
    if code == 422:
        fields = field_errors(detail)
        text = "; ".join(f"{k or 'request'}: {' '.join(v)}" for k, v in fields.items())
        raise ValidationFailed(text, fields)
    if code == 400:
        raise RotaError(str(detail), code)
    raise RotaError(f"the API answered {code}: {detail}", code)


class RotaClient:
    """A signed-in (or not yet signed-in) session with the Rota API."""

    def __init__(self, base_url: str | None = None, token: str | None = None,
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None):
        self.base_url = (base_url or api_url()).rstrip("/")
        self.token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.base_url + "/api/v1", headers=headers,
                                  timeout=timeout, transport=transport)

    # --- plumbing -----------------------------------------------------------------

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kw)
        except httpx.TransportError as e:
            raise ApiDown(f"the Rota API at {self.base_url} does not answer ({type(e).__name__})") from None
        raise_for(response)
        return response

    def _json(self, method: str, path: str, **kw: Any) -> Any:
        return self._send(method, path, **kw).json()

    @staticmethod
    def _params(**kw: Any) -> dict:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in kw.items() if v is not None}

    # --- session ------------------------------------------------------------------

    def login(self, username: str, password: str) -> str:
        """Sign in; returns the bearer token (the client uses it from now on)."""
        try:
            response = self._http.post("/auth/token", data={"username": username, "password": password})
        except httpx.TransportError as e:
            raise ApiDown(f"the Rota API at {self.base_url} does not answer ({type(e).__name__})") from None
        if response.status_code == 400:
            raise Unauthorized("wrong user name or password", 400)
        raise_for(response)
        self.token = response.json()["access_token"]
        self._http.headers["Authorization"] = f"Bearer {self.token}"
        return self.token

    def me(self) -> UserPublic:
        return UserPublic.model_validate(self._json("GET", "/users/me"))

    def teams(self) -> list[dict]:
        """The signed-in user's teams: [{id, slug, name, role, technician_id}]."""
        return self._json("GET", "/teams")

    def set_team(self, slug: str | None) -> None:
        """Act in team ``slug`` from now on (the ``X-Rota-Team`` header); None: the
        user's only team (no header)."""
        if slug:
            self._http.headers["X-Rota-Team"] = slug
        else:
            self._http.headers.pop("X-Rota-Team", None)

    def my_calendar(self) -> CalendarLink:
        """Whether a calendar link exists and since when (the URL itself is never given
        again: only a digest of its secret is stored)."""
        return CalendarLink.model_validate(self._json("GET", "/users/me/calendar"))

    def new_calendar_link(self) -> CalendarLink:
        """A new calendar-feed secret: the answer holds the URL, the only time it is shown;
        the previous URL stops working."""
        return CalendarLink.model_validate(self._json("POST", "/users/me/calendar"))

    # --- plans --------------------------------------------------------------------

    def plans(self, status: str | None = None) -> list[PlanPublic]:
        rows = self._json("GET", "/plans", params=self._params(status=status))
        return [PlanPublic.model_validate(r) for r in rows]

    def plan(self, plan_id: int) -> PlanPublic:
        return PlanPublic.model_validate(self._json("GET", f"/plans/{plan_id}"))

    def assignments(self, plan_id: int, technician: str | None = None) -> list[AssignmentPublic]:
        rows = self._json("GET", f"/plans/{plan_id}/assignments",
                          params=self._params(technician=technician))
        return [AssignmentPublic.model_validate(r) for r in rows]

    def roster(self, plan_id: int) -> tuple[list[Shift], list[OnCall]]:
        """A plan's shifts and on-call periods from the compact route (``/plans/{id}/roster``)."""
        data = self._json("GET", f"/plans/{plan_id}/roster")
        date = dt.date.fromisoformat

        def when(v: str) -> dt.datetime:  # instants are UTC (SQLite returns them without offset)
            t = dt.datetime.fromisoformat(v)
            return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)

        shifts = [Shift(t, date(d), s, c) for t, d, s, c in data["shifts"]]
        oncall = [OnCall(t, r, role, when(a), when(b)) for t, r, role, a, b in data["oncall"]]
        return shifts, oncall

    def oncall(self, plan_id: int) -> list[OnCallPublic]:
        return [OnCallPublic.model_validate(r) for r in self._json("GET", f"/plans/{plan_id}/oncall")]

    def coverage(self, plan_id: int, gaps_only: bool = False) -> list[CoveragePublic]:
        rows = self._json("GET", f"/plans/{plan_id}/coverage", params={"gaps_only": gaps_only})
        return [CoveragePublic.model_validate(r) for r in rows]

    def fairness(self, plan_id: int) -> list[FairnessPublic]:
        return [FairnessPublic.model_validate(r) for r in self._json("GET", f"/plans/{plan_id}/fairness")]

    def publish(self, plan_id: int) -> PublishResult:
        return PublishResult.model_validate(self._json("POST", f"/plans/{plan_id}/publish"))

    def delete_plan(self, plan_id: int) -> None:
        self._send("DELETE", f"/plans/{plan_id}")

    def export(self, plan_id: int, kind: str) -> bytes:
        """The plan as ``csv`` or ``xlsx`` bytes."""
        if kind not in ("csv", "xlsx"):
            raise ValueError(f"unknown export kind {kind!r}")
        return self._send("GET", f"/plans/{plan_id}/export.{kind}").content

    # --- solve jobs ---------------------------------------------------------------

    def start_solve(self, request: SolveRequest) -> JobPublic:
        body = request.model_dump(mode="json", exclude_none=True)
        return JobPublic.model_validate(self._json("POST", "/solve-jobs", json=body))

    def job(self, job_id: int) -> JobPublic:
        return JobPublic.model_validate(self._json("GET", f"/solve-jobs/{job_id}"))

    def jobs(self, limit: int = 20) -> list[JobPublic]:
        return [JobPublic.model_validate(r)
                for r in self._json("GET", "/solve-jobs", params={"limit": limit})]

    def cancel_job(self, job_id: int) -> JobPublic:
        return JobPublic.model_validate(self._json("POST", f"/solve-jobs/{job_id}/cancel"))

    # --- schedules and on-call ----------------------------------------------------

    def schedule(self, technician: str, start: dt.date, end: dt.date) -> Schedule:
        data = self._json("GET", f"/technicians/{technician}/schedule",
                          params=self._params(start=start, end=end))
        return Schedule.model_validate(data)

    def schedule_ics(self, technician: str) -> bytes:
        return self._send("GET", f"/technicians/{technician}/schedule.ics").content

    def oncall_now(self, at: dt.datetime | None = None) -> list[OnCallNow]:
        rows = self._json("GET", "/oncall/now", params=self._params(at=at))
        return [OnCallNow.model_validate(r) for r in rows]

    # --- scenario entities (plain dicts: the Data page edits them as tables) -------

    def list(self, entity: str, **filters: Any) -> list[dict]:
        self._entity(entity)
        return self._json("GET", f"/{entity}", params=self._params(limit=10_000, **filters))

    def create(self, entity: str, body: dict) -> dict:
        self._entity(entity)
        return self._json("POST", f"/{entity}", json=body)

    def update(self, entity: str, key: Any, changes: dict) -> dict:
        self._entity(entity)
        return self._json("PATCH", f"/{entity}/{key}", json=changes)

    def delete(self, entity: str, key: Any) -> None:
        self._entity(entity)
        self._send("DELETE", f"/{entity}/{key}")

    def set_status(self, entity: str, key: Any, status: str) -> dict:
        self._entity(entity)
        return self._json("PUT", f"/{entity}/{key}/status", json={"status": status})

    @staticmethod
    def _entity(entity: str) -> None:
        if entity not in ENTITIES:
            raise ValueError(f"unknown entity {entity!r}")

    # --- day-two routes ------------------------------------------------------------

    def explain_gap(self, plan_id: int, client: str, date: dt.date, shift: str) -> dict | None:
        """``GET /plans/{id}/explain`` for one gap: the technicians skilled for it and the
        rule that kept each out (checked by the API's checker), and the smallest fixes;
        ``None`` when the plan has no gap there (any more)."""
        data = self._json("GET", f"/plans/{plan_id}/explain",
                          params={"client": client, "date": str(date), "shift": shift, "limit": 5})
        return next(iter(data.get("gaps", [])), None)

    def start_replan(self, plan_id: int, body: dict) -> JobPublic:
        """``POST /plans/{id}/replan`` (202, a job producing a draft with few changes)."""
        return JobPublic.model_validate(self._json("POST", f"/plans/{plan_id}/replan", json=body))

    # --- swaps --------------------------------------------------------------------

    def swap_proposals(self, status: str | None = None) -> list[SwapProposalPublic]:
        """``GET /swap-proposals`` (newest first; a technician gets only those naming them)."""
        rows = self._json("GET", "/swap-proposals", params=self._params(status=status))
        return [SwapProposalPublic.model_validate(r) for r in rows]

    def propose_swap(self, plan_id: int, body: dict) -> SwapVerdict:
        """``POST /plans/{id}/swaps``: the verdict at once (broken hard rules, objective
        change); a valid proposal is stored for a coordinator (``proposal_id``)."""
        return SwapVerdict.model_validate(self._json("POST", f"/plans/{plan_id}/swaps", json=body))

    def approve_proposal(self, proposal_id: int) -> PlanPublic:
        """``POST /swap-proposals/{id}/approve``: the new draft (:class:`Conflict` with the
        reason when the swap no longer holds against the current plan)."""
        return PlanPublic.model_validate(self._json("POST", f"/swap-proposals/{proposal_id}/approve"))

    def reject_proposal(self, proposal_id: int, reason: str) -> SwapProposalPublic:
        return SwapProposalPublic.model_validate(
            self._json("POST", f"/swap-proposals/{proposal_id}/reject", json={"reason": reason}))
