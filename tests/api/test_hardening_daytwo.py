"""Hostile requests to the day-two routes: re-plan, cover, swaps (and approve).

Every malformed request is 422/404/409 (never 500) and stores nothing: no job, no plan.
Each case is an input tried as a hostile user would; runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from api import tables as t

V1 = "/api/v1"
SWAP = {"technician": "T001", "duty": {"client": "C01", "date": "2027-07-05", "shift": "day",
                                       "skill": "helpdesk"}, "to": "T002"}
BIG = 10**30


def _publish(client, users, plan_id: int) -> int:
    r = client.post(V1 + f"/plans/{plan_id}/publish", headers=users.headers("manager"))
    assert r.status_code == 200, r.text
    return plan_id


def _counts(db) -> tuple[int, int]:
    with Session(db.engine) as s:
        return (s.exec(select(func.count()).select_from(t.SolveJobRow)).one(),
                s.exec(select(func.count()).select_from(t.PlanRow)).one())


@pytest.mark.parametrize("changes", [
    [],  # not an object
    "absences",
    {"absences": "T001"},  # not a list
    {"absences": [1, 2]},  # items not objects
    {"absences": [{"technician": "T001", "start": "2027-07-06", "end": "2027-07-06",
                   "nested": {"a": [1, {"b": None}]}}]},  # unknown field, nested garbage
    {"absences": [{"technician": "T999", "start": "2027-07-06", "end": "2027-07-06"}]},
    {"absences": [{"technician": "T001", "start": "9999-12-31", "end": "9999-12-31"}]},
    {"absences": [{"technician": "T001", "start": "0001-01-01", "end": "0001-01-01"}]},
    {"absences": [{"technician": "T0;01", "start": "2027-07-06", "end": "2027-07-06"}]},
    {"absences": [{"technician": ["T001"], "start": 20270706, "end": None}]},
    {"absences": [{"technician": "T001\x00", "start": "2027-07-06", "end": "2027-07-06"}]},
    {"departures": [{"technician": "T999", "date": "2027-07-06"}]},
    {"departures": [{"technician": "T001", "date": "9999-12-31"}]},
    {"departures": [{"technician": "T001", "date": BIG}]},
    {"departures": [{"technician": "T001"}]},
    {"departures": [{"technician": {"id": "T001"}, "date": "2027-07-06"}]},
    {"departures": [{"technician": "T001", "date": "2027-07-06", "reason": ["x"]}]},
    {"departures": [{"technician": "T001", "date": "2027-07-06", "extra": 1}]},
    {"peaks": [{"client": "ZZZ", "start": "2027-07-06", "end": "2027-07-06", "extra": 1}]},
    {"peaks": [{"client": "C01", "start": "2027-07-06", "end": "2027-07-06", "extra": BIG}]},
    {"technicians": [{"id": "T=9", "name": "x", "contract": "nope"}]},
    {"technicians": [{"id": "T001", "clients": ["ZZZ"]}]},
    {"rules": []},
    {"rules": {"min_rest_hours": "eleven"}},
    {"rules": {"over_weight": BIG}},
    {"rules": {"no_such_rule": 1}},
    {"rules": {"horizon": {"days": 10000}}},
    {"rules": {"min_rest_hours": None}},
    {"fixed": [{"technician": "T001", "date": "2027-07-06", "shift": "day", "client": "C01",
                "start": "2027-07-06T08:00:00", "end": "2027-07-06T07:00:00"}]},
    {"coverage": [{"client": "C01", "shift": "nope", "required": 1}]},
])
def test_bad_changes_are_422_and_store_nothing(client, users, make_plan, db, changes):
    pid = make_plan()
    before = _counts(db)
    r = client.post(V1 + f"/plans/{pid}/replan", json={"changes": changes},
                    headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"][0] == "body", r.text
    assert _counts(db) == before


@pytest.mark.parametrize("raw", [
    '{"changes": {"peaks": [{"client": "C01", "start": "2027-07-06", "end": "2027-07-06", '
    '"extra": NaN}]}}',
    '{"changes": {"rules": {"over_weight": Infinity}}}',
    '{"frozen_hours": NaN}',
    '{"max_changes": 1e400}',
    '{"changes": {"absences": [{"technician": "T001", "start": "2027-07-06", '
    '"end": "2027-07-06"}]}, "seed": 99999999999999999999999999}',
])
def test_nan_and_huge_numbers_in_a_replan_body(client, users, make_plan, db, raw):
    pid = make_plan()
    before = _counts(db)
    r = client.post(V1 + f"/plans/{pid}/replan", content=raw,
                    headers={**users.headers("manager"), "content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert _counts(db) == before


@pytest.mark.parametrize("body", [
    {"now": "9999-12-31T23:00:00+00:00"},  # before: accepted, overflowed with the frozen hours
    {"now": "0001-01-01T00:00:00+00:00"},
    {"now": "2027-07-05T00:00:00+00:00", "frozen_hours": 1e308},
    {"now": "2027-07-05T00:00:00+00:00", "max_changes": 2**63},
])
def test_replan_moment_and_bounds(client, users, make_plan, db, body):
    pid = make_plan()
    before = _counts(db)
    r = client.post(V1 + f"/plans/{pid}/replan", json=body, headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"][:2] == ["body", next(iter(body.keys() - {"now"}), "now")]
    assert _counts(db) == before


@pytest.mark.parametrize("pid", [0, -1, 2**31, 2**63, 999_999])
def test_replan_of_a_missing_plan(client, users, db, stored, pid):
    before = _counts(db)
    r = client.post(V1 + f"/plans/{pid}/replan", json={}, headers=users.headers("manager"))
    assert r.status_code in (404, 422), r.text
    assert _counts(db) == before


@pytest.mark.parametrize("query", [
    "client=C01&date=9999-12-31&shift=day",
    "client=C01&date=0001-01-01&shift=day",
    "client=C01&date=2027-02-30&shift=day",
    "client=C01&date=x&shift=day",
    "client=C01&shift=day",
    "client=&date=2027-07-06&shift=day",
    "client=C01&date=2027-07-06&shift=day&giver=T999",
    "client=C01&date=2027-07-06&shift=day&skill=%00",
    "client=ZZZ&date=2027-07-06&shift=day",
    "client=C01&date=2027-07-06&shift=day&limit=-1",
    "client=C01&date=2027-07-06&shift=day&limit=99999999999999999999999",
    "client=C01&date=2030-07-06&shift=day",
])
def test_cover_bad_query_is_4xx(client, users, make_plan, query):
    pid = make_plan()
    r = client.get(V1 + f"/plans/{pid}/cover?{query}", headers=users.headers("manager"))
    assert r.status_code in (404, 422), r.text


@pytest.mark.parametrize("body", [
    {},
    [],
    {**SWAP, "duty": "C01"},
    {**SWAP, "duty": {**SWAP["duty"], "date": "9999-12-31"}},
    {**SWAP, "duty": {**SWAP["duty"], "date": BIG}},
    {**SWAP, "to": "T999"},
    {**SWAP, "to": "T001"},  # to oneself
    {**SWAP, "to": None},
    {**SWAP, "take": {"client": "C01", "date": "2027-07-06", "shift": "nope"}},
    {**SWAP, "take": {"client": "C01", "date": "0001-01-01", "shift": "day"}},
    {**SWAP, "technician": "T001\x00"},
    {**SWAP, "extra": {"nested": [1, 2, {"x": None}]}},
])
@pytest.mark.parametrize("route", ["swaps", "swaps/approve"])
def test_bad_swap_bodies_are_4xx_and_store_nothing(client, users, make_plan, db, body, route):
    pid = _publish(client, users, make_plan())
    before = _counts(db)
    who = "tech" if route == "swaps" else "manager"
    r = client.post(V1 + f"/plans/{pid}/{route}", json=body, headers=users.headers(who))
    assert r.status_code in (403, 404, 409, 422), r.text
    assert _counts(db) == before


@pytest.mark.parametrize("route", ["swaps", "swaps/approve"])
@pytest.mark.parametrize("pid", [0, 2**31, 999_999])
def test_swap_on_a_missing_plan(client, users, db, stored, route, pid):
    who = "tech" if route == "swaps" else "manager"
    r = client.post(V1 + f"/plans/{pid}/{route}", json=SWAP, headers=users.headers(who))
    assert r.status_code in (404, 422), r.text


def test_technician_cannot_swap_another_persons_duty(client, users, make_plan, db):
    pid = _publish(client, users, make_plan())
    before = _counts(db)
    body = {**SWAP, "technician": "T002", "to": "T003"}
    r = client.post(V1 + f"/plans/{pid}/swaps", json=body, headers=users.headers("tech"))
    assert r.status_code == 403
    assert client.post(V1 + f"/plans/{pid}/swaps/approve", json=body,
                       headers=users.headers("tech")).status_code == 403
    assert _counts(db) == before


def test_technician_cannot_probe_a_draft_with_a_swap(client, users, make_plan, db):
    # before: 200 with the draft's violations and objective (drafts are staff-only)
    draft = make_plan()
    r = client.post(V1 + f"/plans/{draft}/swaps", json=SWAP, headers=users.headers("tech"))
    missing = client.post(V1 + f"/plans/{draft + 1000}/swaps", json=SWAP,
                          headers=users.headers("tech"))
    assert r.status_code == missing.status_code == 404
    assert r.json() == {"detail": f"plan {draft} not found"}
    # staff still weigh swaps on drafts; the technician on the published plan
    assert client.post(V1 + f"/plans/{draft}/swaps", json=SWAP,
                       headers=users.headers("coordinator")).status_code == 200
    _publish(client, users, draft)
    assert client.post(V1 + f"/plans/{draft}/swaps", json=SWAP,
                       headers=users.headers("tech")).status_code == 200


def test_departure_with_an_unknown_field_is_422(client, users, make_plan, db):
    # before: 202, the unknown field silently dropped (every other kind refuses it)
    pid = make_plan()
    before = _counts(db)
    body = {"changes": {"departures": [{"technician": "T001", "date": "2027-07-06",
                                        "dates": "2027-07-06"}]}}
    r = client.post(V1 + f"/plans/{pid}/replan", json=body, headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "changes", "departures", 0, "dates"]
    assert _counts(db) == before


# --- schemathesis on the day-two routes, as a technician too ---------------------------------------
# test_api_fuzz.py covers every operation with a few examples as a manager; the day-two
# routes take free-form bodies (changes, swaps), so they get more examples here, from a
# manager and from a technician (whose answers must stay 4xx, never 5xx).

DAYTWO = [("POST", "/api/v1/plans/{plan_id}/replan"), ("GET", "/api/v1/plans/{plan_id}/cover"),
          ("POST", "/api/v1/plans/{plan_id}/swaps"), ("POST", "/api/v1/plans/{plan_id}/swaps/approve"),
          ("GET", "/api/v1/plans/{plan_id}/explain"), ("GET", "/api/v1/plans/{plan_id}/changes"),
          ("POST", "/api/v1/plans/{plan_id}/explain/jobs"),
          ("GET", "/api/v1/plans/{plan_id}/reports/{job_id}"),
          ("GET", "/api/v1/swap-proposals"), ("GET", "/api/v1/swap-proposals/{proposal_id}"),
          ("POST", "/api/v1/swap-proposals/{proposal_id}/approve"),
          ("POST", "/api/v1/swap-proposals/{proposal_id}/reject")]


@pytest.mark.parametrize("who", ["manager", "tech"])
@pytest.mark.parametrize(("method", "path"), DAYTWO, ids=lambda x: x)
def test_schemathesis_daytwo(app, users, make_plan, db, method, path, who):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance, response_schema_conformance, status_code_conformance,
    )

    pid = make_plan()
    _publish_direct(db, pid)
    operation = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)[path][method]
    headers = users.headers(who)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case) -> None:
        if case.path_parameters.get("plan_id", 0) % 4:  # mostly the stored plan, at times any id
            case.path_parameters = {**case.path_parameters, "plan_id": pid}
        case.call_and_validate(headers=headers, checks=checks)

    fuzz()


def _publish_direct(db, plan_id: int) -> None:
    with Session(db.engine) as s:
        s.get(t.PlanRow, plan_id).status = t.PlanStatus.published.value
        s.commit()
