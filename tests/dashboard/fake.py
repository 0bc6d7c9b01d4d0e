"""A fake of :class:`dashboard.client.RotaClient` at its boundary: canned API data, every
call recorded, optional errors. The pages run against it under ``AppTest``."""

from __future__ import annotations

import datetime as dt

from api.schemas.daytwo import SwapProposalPublic, SwapVerdict
from api.schemas.plans import (
    AssignmentPublic, CalendarLink, CoveragePublic, FairnessPublic, JobPublic, OnCallContact,
    OnCallNow, OnCallPublic, PlanPublic, PublishResult, Schedule, UserPublic,
)

START = dt.date(2027, 7, 5)
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 1, tzinfo=UTC)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour), UTC)


TECHS = [
    {"id": "T1", "name": "Camille Lefèvre", "email": "camille@x.example", "phone": "+33 6 39 98 00 01",
     "country": "FR",
     "contract": "FT", "skills": ["linux"], "clients": ["LOG", "BNK"], "roles": ["operations"],
     "oncall": True, "site": "Lille", "timezone": "Europe/Paris"},
    {"id": "T2", "name": "Wout Peeters", "email": "wout@x.example", "country": "BE",
     "contract": "FT", "skills": ["windows"], "clients": ["BNK"], "roles": ["helpdesk"],
     "oncall": False, "site": "Liège", "timezone": "Europe/Brussels"},
    {"id": "T3", "name": "Léa Vasseur", "email": "lea@x.example", "country": "FR",
     "contract": "PT", "skills": ["linux"], "clients": ["LOG"], "roles": ["operations"],
     "oncall": True, "site": "Lille", "timezone": "Europe/Paris"},
]
ENTITIES = {
    "technicians": TECHS,
    "clients": [{"id": "LOG", "name": "LogiNord", "country": "FR", "timezone": "Europe/Paris", "tier": 1,
                 "covers_public_holidays": True, "service_windows": []},
                {"id": "BNK", "name": "Banque", "country": "BE", "timezone": "Europe/Brussels", "tier": 1,
                 "covers_public_holidays": False, "service_windows": []}],
    "shift-types": [{"id": "day", "name": "Journée", "start": "08:00:00", "end": "16:00:00",
                     "paid_minutes": None, "night": None},
                    {"id": "night", "name": "Nuit", "start": "22:00:00", "end": "06:00:00",
                     "paid_minutes": None, "night": None}],
    "contracts": [{"id": "FT", "name": "Full time", "max_hours_in_week": 48, "shift_limits": {}}],
    "coverage-rules": [{"id": 1, "client": "LOG", "shift": "day", "skill": "", "required": 2,
                        "weekdays": None, "date": None, "under_weight": None, "over_weight": None}],
    "absences": [{"id": 1, "technician": "T3", "start": "2027-07-06", "end": "2027-07-07",
                  "start_time": None, "end_time": None, "kind": "planned", "reason": "", "status": "approved"}],
    "peaks": [{"id": 1, "client": "LOG", "start": "2027-07-06", "end": "2027-07-06", "extra": 1,
               "shift": "", "skill": "", "reason": "release"}],
    "requests": [{"id": 1, "technician": "T1", "date": "2027-07-05", "shift": "", "work": True,
                  "weight": 1, "status": "approved"}],
    "skills": [], "rotations": [],
}


def _plan(pid: int, status: str) -> PlanPublic:
    return PlanPublic(id=pid, name=f"plan {pid}", status=status, horizon_start=START, horizon_days=7,
                      job_id=pid, created_by=1, created_at=NOW, published_by=None, published_at=None,
                      options={}, solver_status="feasible", objective=10.0, best_bound=5.0,
                      checked_objective=10.0, wall_seconds=1.0,
                      penalties={"coverage_shortfall": 8, "fairness": 2}, violations=[])


def _a(tech: str, day: int, shift: str = "day", client: str = "LOG") -> AssignmentPublic:
    h = 8 if shift == "day" else 22
    return AssignmentPublic(technician=tech, date=START + dt.timedelta(days=day), shift=shift,
                            client=client, skill="", start=_at(day, h), end=_at(day, h) + dt.timedelta(hours=8))


ASSIGNMENTS = {1: [_a("T1", 0), _a("T3", 0), _a("T2", 1, client="BNK"), _a("T1", 1, "night")],
               2: [_a("T1", 0), _a("T2", 0, client="BNK"), _a("T2", 1, client="BNK")]}
ONCALL = [OnCallPublic(technician="T1", rotation="SYS", role="primary", start=_at(0, 8), end=_at(7, 8)),
          OnCallPublic(technician="T3", rotation="SYS", role="backup", start=_at(0, 8), end=_at(7, 8))]
COVERAGE = [CoveragePublic(client="LOG", date=START, shift="day", skill="", required=2, assigned=2, shortfall=0),
            CoveragePublic(client="LOG", date=START + dt.timedelta(days=2), shift="day", skill="",
                           required=2, assigned=0, shortfall=2)]
FAIRNESS = [FairnessPublic(tag="night", group="FT", counts={"T1": 1, "T2": 0}, spread=1)]


class FakeClient:
    """Records ``calls`` as (method, args); ``fail`` maps a method name to an exception."""

    instances: list["FakeClient"] = []
    fail: dict[str, Exception] = {}
    role = "manager"
    job_status = "succeeded"
    team_roles: dict[str, str] = {}
    """The user's teams and role in each (empty: one team with ``role``)."""

    def __init__(self, base_url: str = "http://fake", token: str | None = None):
        self.base_url, self.token = base_url, token
        self.team: str | None = None
        self.calls: list[tuple[str, tuple]] = []
        FakeClient.instances.append(self)

    def _rec(self, name: str, *args):
        self.calls.append((name, args))
        if name in self.fail:
            raise self.fail[name]

    # session
    def login(self, username, password):
        self._rec("login", username, password)
        self.token = "tok"
        return "tok"

    def me(self):
        self._rec("me")
        role = FakeClient.team_roles.get(self.team, self.role)
        tech = "T1" if role == "technician" else None
        return UserPublic(id=1, username="u", full_name="", role=role, technician_id=tech,
                          active=True, created_at=NOW, team=self.team or "")

    def teams(self):
        self._rec("teams")
        roles = FakeClient.team_roles or {"default": self.role}
        return [{"id": i, "slug": s, "name": s.title(), "role": r, "technician_id": None}
                for i, (s, r) in enumerate(roles.items(), 1)]

    def set_team(self, slug):
        self._rec("set_team", slug)
        self.team = slug

    def my_calendar(self):
        self._rec("my_calendar")
        return CalendarLink(exists=False)

    def new_calendar_link(self):
        self._rec("new_calendar_link")
        return CalendarLink(url="http://fake/api/v1/calendar/secret.ics", token="secret",
                            exists=True, created_at=NOW)

    # plans
    def plans(self, status=None):
        self._rec("plans", status)
        out = [_plan(2, "draft"), _plan(1, "published")]
        return [p for p in out if status is None or p.status == status]

    def plan(self, plan_id):
        self._rec("plan", plan_id)
        return _plan(plan_id, "published" if plan_id == 1 else "draft")

    def assignments(self, plan_id, technician=None):
        self._rec("assignments", plan_id)
        return ASSIGNMENTS.get(plan_id, [])

    def roster(self, plan_id):
        from dashboard.client import OnCall, Shift

        self._rec("roster", plan_id)
        return ([Shift(a.technician, a.date, a.shift, a.client) for a in ASSIGNMENTS.get(plan_id, [])],
                [OnCall(o.technician, o.rotation, o.role, o.start, o.end) for o in ONCALL])

    def oncall(self, plan_id):
        self._rec("oncall", plan_id)
        return ONCALL

    def coverage(self, plan_id, gaps_only=False):
        self._rec("coverage", plan_id)
        return COVERAGE

    def fairness(self, plan_id):
        self._rec("fairness", plan_id)
        return FAIRNESS

    def publish(self, plan_id):
        self._rec("publish", plan_id)
        return PublishResult(plan=_plan(plan_id, "published"), superseded=[1])

    def delete_plan(self, plan_id):
        self._rec("delete_plan", plan_id)

    def export(self, plan_id, kind):
        self._rec("export", plan_id, kind)
        return b"technician,date\n"

    # jobs
    def _job(self, jid, status):
        return JobPublic(id=jid, status=status, name="", horizon_start=START, horizon_days=7,
                         options={}, created_by=1, created_at=NOW, started_at=NOW, finished_at=None,
                         cancel_requested=False, elapsed=2.0, objective=12.0, bound=4.0, error="",
                         plan_id=2 if status == "succeeded" else None)

    def start_solve(self, request):
        self._rec("start_solve", request)
        return self._job(7, "running")

    def job(self, job_id):
        self._rec("job", job_id)
        return self._job(job_id, self.job_status)

    def jobs(self, limit=20):
        self._rec("jobs", limit)
        return [self._job(6, "succeeded")]

    def cancel_job(self, job_id):
        self._rec("cancel_job", job_id)
        return self._job(job_id, "cancelled")

    # schedules
    def schedule(self, technician, start, end):
        self._rec("schedule", technician, start, end)
        return Schedule(technician=technician, start=start, end=end,
                        assignments=[a.model_copy(update={"plan_id": 1}) for a in ASSIGNMENTS[1]
                                     if a.technician == technician],
                        oncall=[o.model_copy(update={"plan_id": 1}) for o in ONCALL
                                if o.technician == technician])

    def schedule_ics(self, technician):
        self._rec("schedule_ics", technician)
        return b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    def oncall_now(self, at=None):
        self._rec("oncall_now")
        camille = OnCallContact(name="Camille Lefèvre", phone="+33 6 39 98 00 01",
                                email="camille@x.example")
        lea = OnCallContact(name="Léa Vasseur", phone="", email="lea@x.example")
        return [OnCallNow(client="LOG", rotation="SYS", role="primary", now=None, next=ONCALL[0],
                          next_contact=camille),
                OnCallNow(client="BNK", rotation="SYS", role="primary", now=None, next=ONCALL[0],
                          next_contact=camille),
                OnCallNow(client="LOG", rotation="SYS", role="backup", now=ONCALL[1], next=None,
                          now_contact=lea)]

    # entities
    def list(self, entity, **filters):
        self._rec("list", entity, tuple(sorted(filters.items())))
        return [dict(r) for r in ENTITIES[entity]]

    def create(self, entity, body):
        self._rec("create", entity, body)
        return {**body, "id": 99}

    def update(self, entity, key, changes):
        self._rec("update", entity, key, changes)
        return changes

    def delete(self, entity, key):
        self._rec("delete", entity, key)

    def set_status(self, entity, key, status):
        self._rec("set_status", entity, key, status)
        return {}

    def explain_gap(self, plan_id, client, date, shift):
        self._rec("explain_gap", plan_id, client, str(date), shift)
        return {"client": client, "date": str(date), "shift": shift, "candidates": [
            {"technician": "T3", "name": "", "reason": "absent", "detail": "approved absence"},
            {"technician": "T1", "name": "", "reason": "rest", "detail": "rest after night (8 h < 11 h)"}],
            "fixes": [{"kind": "relax_rule", "technician": "T1", "description": "waive min_rest once",
                       "cost": 7}]}

    def start_replan(self, plan_id, body):
        self._rec("start_replan", plan_id, body)
        return self._job(8, "running")


    # swaps
    def swap_proposals(self, status=None):
        self._rec("swap_proposals", status)
        return [p for p in PROPOSALS if status is None or p.status == status]

    def propose_swap(self, plan_id, body):
        self._rec("propose_swap", plan_id, body)
        if body["to"] == "T2":  # T2 works the night before: rest broken
            return SwapVerdict(ok=False, objective_delta=0, penalty_delta={}, violations=[
                {"rule": "min_rest", "technician": "T2", "date": START,
                 "message": "Wout Peeters: 2 h of rest before 05/07 day (minimum 11 h)"}])
        return SwapVerdict(ok=True, objective_delta=-4, penalty_delta={"fairness": -4},
                           violations=[], proposal_id=12)

    def approve_proposal(self, proposal_id):
        self._rec("approve_proposal", proposal_id)
        return _plan(5, "draft")

    def reject_proposal(self, proposal_id, reason):
        self._rec("reject_proposal", proposal_id, reason)
        return PROPOSALS[0].model_copy(update={"status": "rejected", "reason": reason})


def _proposal(pid: int, status: str, to: str, draft: int | None = None) -> SwapProposalPublic:
    return SwapProposalPublic(
        id=pid, plan_id=1, status=status, technician="T1", to=to,
        duty={"client": "LOG", "date": "2027-07-05", "shift": "day", "skill": "", "kind": "shift"},
        take=None, verdict=SwapVerdict(ok=True, violations=[], objective_delta=-4, penalty_delta={}),
        created_by=3, created_at=NOW, decided_by=None, decided_at=None, reason="",
        draft_plan_id=draft)


PROPOSALS = [_proposal(11, "open", "T3"), _proposal(10, "approved", "T3", draft=4)]


def all_calls() -> list[tuple[str, tuple]]:
    return [c for f in FakeClient.instances for c in f.calls]
