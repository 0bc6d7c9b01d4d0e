"""The typed API client: error mapping, schemas, the day-two routes."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from api.schemas.plans import SolveRequest
from dashboard.client import (
    ApiDown, Conflict, Forbidden, NotFound, RotaClient, Unauthorized, ValidationFailed, field_errors,
)
from tests.dashboard.fake import ASSIGNMENTS


def client_for(handler) -> tuple[RotaClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return RotaClient("http://api.test", "tok", transport=httpx.MockTransport(record)), seen


def answer(status: int, body) -> callable:
    return lambda request: httpx.Response(status, json=body)


def test_bearer_token_and_base_path():
    c, seen = client_for(answer(200, []))
    assert c.plans(status="draft") == []
    assert seen[0].url == "http://api.test/api/v1/plans?status=draft"
    assert seen[0].headers["authorization"] == "Bearer tok"


def test_assignments_parse_into_the_api_schema():
    row = ASSIGNMENTS[1][0].model_dump(mode="json")
    c, _ = client_for(answer(200, [row]))
    got = c.assignments(1)[0]
    assert got.date == dt.date(2027, 7, 5) and isinstance(got.start, dt.datetime)


@pytest.mark.parametrize("status,error", [(401, Unauthorized), (403, Forbidden), (404, NotFound),
                                          (409, Conflict)])
def test_errors_are_typed(status, error):
    c, _ = client_for(answer(status, {"detail": "plan 3 is published"}))
    with pytest.raises(error) as e:
        c.publish(3)
    if status != 401:
        assert e.value.message == "plan 3 is published"


def test_422_keeps_the_messages_per_field():
    detail = [{"loc": ["body", "email"], "msg": "too long", "type": "x"},
              {"loc": ["body", "end"], "msg": "end is before start", "type": "x"},
              {"loc": ["body"], "msg": "bad body", "type": "x"}]
    c, _ = client_for(answer(422, {"detail": detail}))
    with pytest.raises(ValidationFailed) as e:
        c.create("absences", {"technician": "T1"})
    assert e.value.fields == {"email": ["too long"], "end": ["end is before start"], "": ["bad body"]}
    assert "end: end is before start" in e.value.message


def test_field_errors_of_a_plain_detail():
    assert field_errors("no scenario") == {"": ["no scenario"]}


def test_api_down():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    c, _ = client_for(refuse)
    with pytest.raises(ApiDown) as e:
        c.plans()
    assert "http://api.test" in e.value.message


def test_login_wrong_password_is_unauthorized():
    c, seen = client_for(answer(400, {"detail": "incorrect username or password"}))
    with pytest.raises(Unauthorized, match="wrong user name or password"):
        c.login("chef", "nope")
    assert seen[0].content == b"username=chef&password=nope"


def test_login_keeps_the_token():
    c, seen = client_for(answer(200, {"access_token": "new", "token_type": "bearer", "expires_in": 60}))
    assert c.login("chef", "pw-12345678") == "new"
    c._http.headers["Authorization"] == "Bearer new"
    assert c.token == "new"


def test_start_solve_sends_the_schema():
    job = {"id": 4, "status": "queued", "name": "", "horizon_start": "2027-07-05", "horizon_days": 7,
           "options": {}, "created_by": 1, "created_at": "2026-12-01T00:00:00Z", "started_at": None,
           "finished_at": None, "cancel_requested": False, "elapsed": None, "objective": None,
           "bound": None, "error": "", "plan_id": None}
    c, seen = client_for(answer(202, job))
    got = c.start_solve(SolveRequest(horizon_start=dt.date(2027, 7, 5), horizon_days=7, time_limit=5))
    assert got.id == 4
    assert b'"time_limit":5.0' in seen[0].content and b'"horizon_days":7' in seen[0].content


def test_unknown_entity_is_refused_before_any_call():
    c, seen = client_for(answer(200, []))
    with pytest.raises(ValueError):
        c.list("users")
    assert seen == []


def test_replan_starts_a_job_and_an_unknown_plan_is_not_found():
    from tests.dashboard.fake import FakeClient

    job = FakeClient._job(None, 8, "queued").model_dump(mode="json")
    c, seen = client_for(answer(202, job))
    assert c.start_replan(1, {"changes": {}}).id == 8
    assert seen[0].url.path == "/api/v1/plans/1/replan" and seen[0].method == "POST"
    c, _ = client_for(answer(404, {"detail": "plan 9 not found"}))
    with pytest.raises(NotFound):
        c.start_replan(9, {})


def test_explain_asks_about_one_gap():
    gap = {"client": "LOG", "date": "2027-07-07", "shift": "day", "candidates": [], "fixes": []}
    c, seen = client_for(answer(200, {"gaps": [gap], "total_gaps": 1}))
    assert c.explain_gap(1, "LOG", dt.date(2027, 7, 7), "day") == gap
    assert seen[0].url.path == "/api/v1/plans/1/explain"
    assert dict(seen[0].url.params) == {"client": "LOG", "date": "2027-07-07", "shift": "day",
                                        "limit": "5"}
    c, _ = client_for(answer(200, {"gaps": [], "total_gaps": 0}))
    assert c.explain_gap(1, "LOG", dt.date(2027, 7, 7), "day") is None  # filled meanwhile


def test_roster_parses_the_compact_route_and_reads_naive_instants_as_utc():
    body = {"plan_id": 1, "shifts": [["T1", "2027-07-05", "day", "LOG"]],
            "oncall": [["T1", "SYS", "primary", "2027-07-05T06:00:00", "2027-07-12T06:00:00Z"]]}
    c, seen = client_for(answer(200, body))
    shifts, oncall = c.roster(1)
    assert seen[0].url.path == "/api/v1/plans/1/roster"
    assert shifts[0].date == dt.date(2027, 7, 5) and shifts[0].client == "LOG"
    assert oncall[0].start.tzinfo is not None and oncall[0].start.utcoffset() == dt.timedelta(0)
    assert oncall[0].end == dt.datetime(2027, 7, 12, 6, tzinfo=dt.timezone.utc)
