"""Every protected route, for every role: allowed or refused (403), and 401 without a token."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from api import tables as t

M, C, T = "manager", "coordinator", "tech"
STAFF = (M, C)
ALL = (M, C, T)
ROLES = ("manager", "coordinator", "tech")

NEW_TECH = {"id": "T900", "contract": "FT38", "clients": ["C01"], "skills": ["helpdesk"]}
ABSENCE_OWN = {"technician": "T001", "start": "2027-08-02", "end": "2027-08-03"}
ABSENCE_OTHER = {"technician": "T002", "start": "2027-08-02", "end": "2027-08-03"}
REQUEST_OWN = {"technician": "T001", "date": "2027-08-02", "work": False}
REQUEST_OTHER = {"technician": "T002", "date": "2027-08-02", "work": False}
_DUTY = {"client": "C01", "date": "2027-07-05", "shift": "day", "skill": "helpdesk"}
SWAP_OWN = {"technician": "T001", "duty": _DUTY, "to": "T003"}
SWAP_OTHER = {"technician": "T002", "duty": _DUTY, "to": "T003"}
_VERDICT = {"ok": True, "violations": [], "objective_delta": 0, "penalty_delta": {}}

# (method, path, json body, roles allowed). {placeholders} are filled from the database.
ROUTES = [
    ("GET", "/users/me", None, ALL),
    ("POST", "/auth/logout", None, ALL),
    ("GET", "/users/me/calendar", None, ALL),
    ("POST", "/users/me/calendar", None, ALL),
    ("GET", "/users", None, (M,)),
    ("POST", "/users", {"username": "new", "password": "longenough", "role": "coordinator"}, (M,)),
    ("GET", "/users/{user}", None, (M,)),
    ("PATCH", "/users/{user}", {"full_name": "X"}, (M,)),
    ("DELETE", "/users/{user}", None, (M,)),
    ("GET", "/teams", None, ALL),
    ("POST", "/members", {"username": "coordinator", "role": "coordinator"}, (M,)),  # 409: a member
    ("GET", "/skills", None, STAFF),
    ("POST", "/skills", {"id": "sap"}, (M,)),
    ("GET", "/skills/linux", None, STAFF),
    ("PATCH", "/skills/linux", {"name": "Linux"}, (M,)),
    ("DELETE", "/skills/linux", None, (M,)),
    ("GET", "/contracts", None, STAFF),
    ("POST", "/contracts", {"id": "PT50", "max_hours_per_week_avg": 19}, (M,)),
    ("GET", "/contracts/FT38", None, STAFF),
    ("PATCH", "/contracts/FT38", {"name": "38 h"}, (M,)),
    ("DELETE", "/contracts/FT38", None, (M,)),
    ("GET", "/clients", None, STAFF),
    ("POST", "/clients", {"id": "C99", "name": "Nouveau"}, (M,)),
    ("GET", "/clients/C01", None, STAFF),
    ("PATCH", "/clients/C01", {"tier": 1}, (M,)),
    ("DELETE", "/clients/C01", None, (M,)),
    ("GET", "/shift-types", None, STAFF),
    ("POST", "/shift-types", {"id": "mid", "start": "10:00", "end": "18:00"}, (M,)),
    ("GET", "/shift-types/day", None, STAFF),
    ("PATCH", "/shift-types/day", {"name": "Jour"}, (M,)),
    ("DELETE", "/shift-types/day", None, (M,)),
    ("GET", "/technicians", None, STAFF),
    ("POST", "/technicians", NEW_TECH, (M,)),
    ("GET", "/technicians/T001", None, STAFF),
    ("PATCH", "/technicians/T001", {"name": "Camille"}, (M,)),
    ("DELETE", "/technicians/T003", None, (M,)),
    ("GET", "/coverage-rules", None, STAFF),
    ("POST", "/coverage-rules", {"client": "C01", "shift": "late", "required": 1}, (M,)),
    ("GET", "/coverage-rules/{coverage}", None, STAFF),
    ("PATCH", "/coverage-rules/{coverage}", {"required": 3}, (M,)),
    ("DELETE", "/coverage-rules/{coverage}", None, (M,)),
    ("GET", "/rotations", None, STAFF),
    ("POST", "/rotations", {"id": "OC09", "clients": ["C01"]}, (M,)),
    ("GET", "/rotations/OC01", None, STAFF),
    ("PATCH", "/rotations/OC01", {"name": "Astreinte"}, (M,)),
    ("DELETE", "/rotations/OC01", None, (M,)),
    ("GET", "/absences", None, ALL),
    ("POST", "/absences", ABSENCE_OWN, ALL),
    ("POST", "/absences", ABSENCE_OTHER, STAFF),
    ("GET", "/absences/{absence_own}", None, ALL),
    ("GET", "/absences/{absence_other}", None, STAFF),
    ("PATCH", "/absences/{absence_own}", {"reason": "x"}, STAFF),
    ("PUT", "/absences/{absence_own}/status", {"status": "approved"}, STAFF),
    ("DELETE", "/absences/{absence_pending_own}", None, ALL),
    ("DELETE", "/absences/{absence_other}", None, STAFF),
    ("GET", "/peaks", None, STAFF),
    ("POST", "/peaks", {"client": "C01", "start": "2027-07-06", "end": "2027-07-06", "extra": 1}, STAFF),
    ("GET", "/peaks/{peak}", None, STAFF),
    ("PATCH", "/peaks/{peak}", {"extra": 2}, STAFF),
    ("DELETE", "/peaks/{peak}", None, STAFF),
    ("GET", "/requests", None, ALL),
    ("POST", "/requests", REQUEST_OWN, (M, T)),
    ("POST", "/requests", REQUEST_OTHER, (M,)),
    ("GET", "/requests/{request_own}", None, ALL),
    ("GET", "/requests/{request_other}", None, STAFF),
    ("PATCH", "/requests/{request_own}", {"weight": 3}, (M,)),
    ("PUT", "/requests/{request_own}/status", {"status": "rejected"}, (M,)),
    ("DELETE", "/requests/{request_other}", None, (M,)),
    ("GET", "/technicians/T001/schedule", None, ALL),
    ("GET", "/technicians/T002/schedule", None, STAFF),
    ("GET", "/technicians/T001/schedule.ics", None, ALL),
    ("GET", "/technicians/T002/schedule.ics", None, STAFF),
    ("GET", "/oncall/now", None, STAFF),  # other people's phones: not for technicians
    ("POST", "/solve-jobs", {"time_limit": 1}, STAFF),
    ("GET", "/solve-jobs", None, STAFF),
    ("GET", "/solve-jobs/{job}", None, STAFF),
    ("POST", "/solve-jobs/{job}/cancel", None, STAFF),
    ("GET", "/plans", None, STAFF),
    ("GET", "/plans/{plan}", None, STAFF),
    ("PATCH", "/plans/{plan}", {"name": "v2"}, (M,)),
    ("DELETE", "/plans/{plan}", None, (M,)),
    ("POST", "/plans/{plan}/publish", None, (M,)),
    ("GET", "/plans/{plan}/assignments", None, STAFF),
    ("GET", "/plans/{plan}/oncall", None, STAFF),
    ("GET", "/plans/{plan}/roster", None, STAFF),
    ("GET", "/plans/{plan}/coverage", None, STAFF),
    ("GET", "/plans/{plan}/fairness", None, STAFF),
    ("GET", "/plans/{plan}/export.csv", None, STAFF),
    ("GET", "/plans/{plan}/export.xlsx", None, STAFF),
    # day two (issue 11)
    ("POST", "/plans/{plan}/replan", {"time_limit": 1}, STAFF),
    ("GET", "/plans/{plan}/changes?against={plan}", None, STAFF),
    ("GET", "/plans/{plan}/explain", None, STAFF),
    ("GET", "/plans/{plan}/cover?client=C01&date=2027-07-06&shift=day&skill=helpdesk", None, STAFF),
    ("GET", "/plans/{plan}/robustness", None, STAFF),
    ("POST", "/plans/{plan}/explain/jobs", None, STAFF),
    ("POST", "/plans/{plan}/robustness/jobs", None, STAFF),
    ("GET", "/plans/{plan}/reports/{report_job}", None, STAFF),
    ("POST", "/plans/{published}/swaps", SWAP_OWN, ALL),  # technicians: published plans only
    ("POST", "/plans/{published}/swaps", SWAP_OTHER, STAFF),
    ("POST", "/plans/{published}/swaps/approve", SWAP_OWN, STAFF),
    ("GET", "/swap-proposals", None, ALL),  # technicians: their own only (tested apart)
    ("GET", "/swap-proposals/{proposal_own}", None, ALL),
    ("GET", "/swap-proposals/{proposal_other}", None, STAFF),
    ("POST", "/swap-proposals/{proposal_own}/approve", None, STAFF),
    ("POST", "/swap-proposals/{proposal_own}/reject", {"reason": "no"}, STAFF),
]


@pytest.fixture
def ids(db, users, make_plan) -> dict:
    """Rows every route of the table can act on."""
    plan = make_plan()
    published = make_plan("published")
    with Session(db.engine) as s:
        s.get(t.PlanRow, published).status = t.PlanStatus.published.value

        def add(row):
            s.add(row)
            s.flush()
            return row.id

        import datetime as dt
        day = dt.date(2027, 9, 1)
        out = {
            "plan": plan,
            "published": published,
            "user": users.ids["other"],
            "coverage": s.exec(select(t.CoverageRuleRow)).first().id,
            "peak": s.exec(select(t.PeakRow)).first().id,
            "absence_own": add(t.AbsenceRow(technician="T001", start=day, end=day)),
            "absence_pending_own": add(t.AbsenceRow(technician="T001", start=day.replace(day=10),
                                                    end=day.replace(day=10), status="pending")),
            "absence_other": add(t.AbsenceRow(technician="T002", start=day, end=day)),
            "request_own": add(t.RequestRow(technician="T001", date=day, work=True)),
            "request_other": add(t.RequestRow(technician="T002", date=day, work=True)),
            "job": add(t.SolveJobRow(horizon_start=day, horizon_days=7, options={},
                                     created_at=t.utcnow())),
            "report_job": add(t.SolveJobRow(horizon_start=day, horizon_days=7, created_at=t.utcnow(),
                                            options={"kind": "robustness", "plan_id": plan})),
            "proposal_own": add(t.SwapProposalRow(
                plan_id=published, technician="T001", to="T003", duty=_DUTY, verdict=_VERDICT,
                created_at=t.utcnow())),
            "proposal_other": add(t.SwapProposalRow(
                plan_id=published, technician="T002", to="T003", duty=_DUTY, verdict=_VERDICT,
                created_at=t.utcnow())),
        }
        s.commit()
    return out


CASES = [
    pytest.param(method, path, body, role, role in allowed, id=f"{method} {path} as {role}")
    for method, path, body, allowed in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize(("method", "path", "body", "role", "allowed"), CASES)
def test_role(client, users, ids, method, path, body, role, allowed):
    url = "/api/v1" + path.format(**ids)
    r = client.request(method, url, json=body, headers=users.headers(role))
    if allowed:
        assert r.status_code < 300 or r.status_code == 409, (r.status_code, r.text)
    elif role == "tech" and method in ("GET", "DELETE") and path.endswith("_other}"):
        # another person's absence or request: the same 404 as a missing id (no probing)
        assert r.status_code == 404, (r.status_code, r.text)
    else:
        assert r.status_code == 403, (r.status_code, r.text)


@pytest.mark.parametrize(("method", "path", "body"), [(m, p, b) for m, p, b, _ in ROUTES])
def test_anonymous_is_401(client, ids, method, path, body):
    r = client.request(method, "/api/v1" + path.format(**ids), json=body)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_every_route_is_in_the_table(app):
    """A new route must be added to ROUTES (and so get its role tests)."""
    public = {("POST", "/api/v1/auth/token"), ("GET", "/api/v1/calendar/{token}.ics")}
    listed = {(m, "/api/v1" + p.split("?")[0]) for m, p, _, _ in ROUTES}
    templated = {(m, _template(p)) for m, p in listed}
    for path, item in app.openapi()["paths"].items():
        for method in item:
            if (method.upper(), path) in public:
                continue
            assert (method.upper(), _template(path)) in templated, f"{method} {path} untested"


def _template(path: str) -> str:
    import re

    return re.sub(r"/(\{[^}]+\}|T00[12]|linux|FT38|C01|day|T003|OC01)(?=/|\.|$)", "/{}", path)
