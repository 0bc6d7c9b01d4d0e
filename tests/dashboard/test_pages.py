"""Every page under Streamlit's AppTest, the API client faked at its boundary."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.client import ApiDown, Unauthorized
from tests.dashboard.fake import all_calls

TIMEOUT = 60
STAFF_PAGES = ["roster", "coverage", "fairness", "oncall", "whatif"]
MANAGER_PAGES = ["solve", "data"]


def run_page(module: str, role: str, **state) -> AppTest:
    at = AppTest.from_string(f"from dashboard.views.{module} import page\npage()\n",
                             default_timeout=TIMEOUT)
    user = {"id": 1, "username": "u", "full_name": "", "role": role,
            "technician_id": "T1" if role == "technician" else None, "active": True}
    at.session_state["token"] = "tok"
    at.session_state["user"] = user
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def names(calls=None) -> list[str]:
    return [c[0] for c in (calls if calls is not None else all_calls())]


def text_of(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "caption", "error", "info", "success", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("module,role", [(m, r) for m in STAFF_PAGES for r in ("manager", "coordinator")]
                         + [(m, "manager") for m in MANAGER_PAGES] + [("my_schedule", "technician")])
def test_page_renders(fake, module, role):
    at = run_page(module, role)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.title) == 1


@pytest.mark.parametrize("module", STAFF_PAGES + MANAGER_PAGES)
def test_technician_cannot_reach_staff_pages(fake, module):
    at = run_page(module, "technician")
    assert not at.exception
    assert "This page is for" in at.error[0].value
    assert all_calls() == []  # refused before any API call


@pytest.mark.parametrize("module", MANAGER_PAGES)
def test_coordinator_cannot_reach_manager_pages(fake, module):
    at = run_page(module, "coordinator")
    assert "This page is for managers" in at.error[0].value
    assert all_calls() == []


def test_staff_cannot_open_my_schedule(fake):
    at = run_page("my_schedule", "manager")
    assert "This page is for technicians" in at.error[0].value


@pytest.mark.parametrize("role,landing", [("manager", "Roster"), ("coordinator", "Roster"),
                                          ("technician", "My schedule")])
def test_app_lands_each_role_on_its_page(fake, role, landing):
    fake.role = role
    at = AppTest.from_file("../../dashboard/app.py", default_timeout=TIMEOUT)
    at.session_state["token"] = "tok"
    at.session_state["user"] = {"id": 1, "username": "u", "full_name": "", "role": role,
                                "technician_id": "T1" if role == "technician" else None}
    at.run()
    assert not at.exception
    assert at.title[0].value == landing


def test_sign_in_calls_login_and_lands_on_roster(fake):
    at = AppTest.from_file("../../dashboard/app.py", default_timeout=TIMEOUT).run()
    assert at.title[0].value == "Rota"
    at.text_input(key="signin_user").input("chef")
    at.text_input(key="signin_password").input("secret-pass")
    at.button[0].click().run()
    assert ("login", ("chef", "secret-pass")) in all_calls()
    assert at.session_state["token"] == "tok"
    assert at.session_state["user"]["role"] == "manager"
    assert at.title[0].value == "Roster"


def test_sign_in_needs_both_fields(fake):
    at = AppTest.from_file("../../dashboard/app.py", default_timeout=TIMEOUT).run()
    at.button[0].click().run()
    assert "Give your user name and password" in at.error[0].value
    assert "login" not in names()


def test_api_down_shows_a_banner_not_a_traceback(fake):
    fake.fail = {"plans": ApiDown("the Rota API at http://x does not answer (ConnectError)")}
    at = run_page("roster", "manager")
    assert not at.exception
    assert "The Rota API is not reachable" in at.error[0].value


def test_unauthorized_returns_to_sign_in(fake):
    fake.fail = {"plans": Unauthorized("your session has ended", 401)}
    at = run_page("roster", "manager")
    assert not at.exception
    assert "token" not in at.session_state
    assert "user" not in at.session_state


def test_roster_kpis_filters_and_publish(fake):
    at = run_page("roster", "manager", plan_id=2)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Coverage"] == "50.0 %"  # 2 of 4 required people-shifts
    assert metrics["Shortfall (people-shifts)"] == "2"
    assert "3 of 3 technicians" in text_of(at)
    assert "Wout Peeters (T2)" in at.get("html")[0].proto.body
    at.multiselect(key="f_client").select("LOG").run()
    assert "2 of 3 technicians" in text_of(at)
    grid = at.get("html")[0].proto.body
    assert "Léa Vasseur (T3)" in grid and "Wout Peeters (T2)" not in grid
    at.button(key="publish").click().run()
    assert ("publish", (2,)) in all_calls()
    assert "Plan #2 published" in text_of(at)


def test_roster_grid_sorts_by_site_role_and_client(fake):
    import re

    def order(at):
        return re.findall(r"<tr><th>([^<(]+) \(", at.get("html")[0].proto.body)

    at = run_page("roster", "manager", plan_id=1)
    assert order(at) == ["Camille Lefèvre", "Léa Vasseur", "Wout Peeters"]  # by name
    at.selectbox(key="sort_by").select("site").run()
    assert order(at) == ["Camille Lefèvre", "Léa Vasseur", "Wout Peeters"]  # Lille, Lille, Liège
    assert "Wout Peeters (T2) · Liège" in at.get("html")[0].proto.body
    at.toggle(key="sort_desc").set_value(True).run()
    assert order(at) == ["Wout Peeters", "Camille Lefèvre", "Léa Vasseur"]
    at.selectbox(key="sort_by").select("role").run()
    assert order(at) == ["Camille Lefèvre", "Léa Vasseur", "Wout Peeters"]  # operations > helpdesk
    at.toggle(key="sort_desc").set_value(False)
    at.selectbox(key="sort_by").select("client").run()
    assert order(at) == ["Wout Peeters", "Camille Lefèvre", "Léa Vasseur"]  # BNK < BNK, LOG < LOG


def test_roster_published_plan_has_no_publish_button(fake):
    at = run_page("roster", "manager", plan_id=1)
    assert not [b for b in at.button if b.key == "publish"]


def test_roster_coordinator_cannot_publish(fake):
    at = run_page("roster", "coordinator", plan_id=2)
    assert not [b for b in at.button if b.key == "publish"]


def test_roster_diff_lists_gains_and_losses(fake):
    at = run_page("roster", "manager", plan_id=2)
    assert not [d for d in at.dataframe if "change" in getattr(d.value, "columns", [])]
    at.toggle(key="diff_on").set_value(True).run()
    diff = [d.value for d in at.dataframe if "change" in getattr(d.value, "columns", [])]
    assert diff, "no diff table"
    table = diff[0]
    assert set(table["change"]) == {"gains", "loses"}
    assert "**3 changes** for **3 technicians** going from #1 to #2" in text_of(at)


def test_solve_starts_a_job_and_shows_progress(fake):
    fake.job_status = "running"
    at = run_page("solve", "manager")
    at.number_input(key="s_limit").set_value(5.0)
    at.button[0].click().run()
    starts = [c for c in all_calls() if c[0] == "start_solve"]
    assert starts and starts[0][1][0].time_limit == 5.0
    assert at.session_state["job"] == 7
    at.button(key="cancel_job").click().run()
    assert ("cancel_job", (7,)) in all_calls()


def test_solve_result_opens_in_roster(fake):
    at = run_page("solve", "manager", job=7)
    assert "Plan #2 stored as a draft" in text_of(at)
    at.button(key="open_roster").click().run()
    assert at.session_state["plan_id"] == 2


def test_coverage_gap_explained_by_the_api_for_the_selected_gap(fake):
    at = run_page("coverage", "manager", plan_id=1)
    asked = [c[1] for c in all_calls() if c[0] == "explain_gap"]
    assert len(asked) == 1 and asked[0][0] == 1  # one gap asked about, not all the plan's
    reasons, fixes = at.dataframe[-2].value, at.dataframe[-1].value
    by_tech = dict(zip(reasons["technician"], reasons["detail"]))
    assert by_tech["T3"] == "approved absence"
    assert by_tech["T1"].startswith("rest after night")
    assert list(fixes["cost"]) == [7]


def test_fairness_draws_one_chart_per_group(fake):
    at = run_page("fairness", "coordinator", plan_id=1)
    assert not at.exception
    assert ("fairness", (1,)) in all_calls()


def test_oncall_now_and_next_with_phones(fake):
    at = run_page("oncall", "coordinator")
    table = at.get("html")[0].proto.body
    # one row per rotation and role, its clients together
    assert table.count("<tr>") == 3 and "BNK, LOG" in table
    assert '<a href="tel:+33639980001">☎ +33 6 39 98 00 01</a>' in table
    assert '<a href="mailto:camille@x.example">' in table
    assert "Léa Vasseur" in table and "no phone" in table
    assert "plans" in names() and len(at.get("plotly_chart")) == 1  # staff: the timeline too


def test_my_schedule_calendar_link_and_absence(fake):
    at = run_page("my_schedule", "technician")
    assert [c.value for c in at.code] == []  # no link yet: the URL exists only once made
    at.button(key="ical_new").click().run()
    assert "new_calendar_link" in [c[0] for c in all_calls()]
    assert "http://fake/api/v1/calendar/secret.ics" in [c.value for c in at.code]
    assert [d.label for d in at.download_button] == ["Download .ics"]  # made by the API on click
    month = at.selectbox(key="month")
    assert month.format_func(month.value) == "Juillet 2027"
    at.text_input(key="abs_reason").input("dentist")
    at.button[0].click().run()  # the absence form's submit button comes first
    created = [c for c in all_calls() if c[0] == "create"]
    assert created and created[0][1][0] == "absences"
    assert created[0][1][1]["technician"] == "T1" and created[0][1][1]["reason"] == "dentist"
    assert "pending" in text_of(at)


def test_my_schedule_only_asks_for_own_schedule(fake):
    run_page("my_schedule", "technician")
    assert {c[1][0] for c in all_calls() if c[0] == "schedule"} == {"T1"}


def test_whatif_peak_is_a_replan_of_the_published_plan_and_discards(fake):
    at = run_page("whatif", "coordinator")
    at.number_input(key="wi_extra").set_value(3)
    at.button[0].click().run()
    replans = [c[1] for c in all_calls() if c[0] == "start_replan"]
    assert len(replans) == 1
    plan_id, body = replans[0]
    assert body["changes"]["peaks"][0]["extra"] == 3
    assert "create" not in names() and "start_solve" not in names()  # nothing stored
    assert at.session_state["whatif"]["job"] == 8
    assert "Who is notified" in text_of(at)
    at.button(key="wi_discard").click().run()
    assert ("delete_plan", (2,)) in all_calls()
    assert "whatif" not in at.session_state


def test_data_page_lists_every_table(fake):
    at = run_page("data", "manager")
    listed = {c[1][0] for c in all_calls() if c[0] == "list"}
    assert listed == {"technicians", "clients", "coverage-rules", "contracts", "shift-types",
                      "rotations", "skills", "absences", "peaks"}
    assert [t.label for t in at.tabs] == ["Technicians", "Clients", "Coverage rules", "Contracts",
                                          "Shift types", "On-call rotations", "Skills", "Absences",
                                          "Peaks"]


def test_an_empty_table_still_has_its_columns():
    from dashboard.views.data import to_frame

    frame = to_frame([], "rotations")
    assert list(frame.columns)[:3] == ["id", "name", "clients"] and frame.empty
    assert list(to_frame([{"name": "x", "id": "a"}], "skills").columns) == ["id", "name"]


def _refuse_bad_phones(monkeypatch, fake):
    from dashboard.client import ValidationFailed

    def update(self, entity, key, changes):
        self._rec("update", entity, key, changes)
        if changes.get("phone", "+").startswith("0"):
            raise ValidationFailed("phone", {"phone": ["phone '0470' is not a phone number in "
                                                       "international form"]})
        return changes

    monkeypatch.setattr(fake, "update", update)


def test_data_edits_keep_the_refused_rows_with_their_field_messages(fake, monkeypatch):
    from dashboard.views.data import apply_edits, to_frame
    from tests.dashboard.fake import ENTITIES, FakeClient

    _refuse_bad_phones(monkeypatch, fake)
    c = FakeClient()
    frame = to_frame(ENTITIES["technicians"], "technicians")
    assert frame.loc[0, "skills"] == "linux" and frame.columns[0] == "id"
    edits = {"edited_rows": {0: {"phone": "0470"}, 1: {"skills": "windows; linux"}},
             "added_rows": [{"id": "T9", "contract": "FT", "skills": "linux"}],
             "deleted_rows": [2]}
    done: set = set()
    refused = apply_edits(c, "technicians", "id", frame, edits, done)
    assert [(r["row"], r["kind"], r["errors"]) for r in refused] == [
        ("T1", "edit", {"phone": "phone '0470' is not a phone number in international form"})]
    assert refused[0]["values"]["phone"] == "0470"  # as typed
    assert refused[0]["original"]["phone"] == "+33 6 39 98 00 01"
    assert ("update", ("technicians", "T2", {"skills": ["windows", "linux"]})) in c.calls
    assert ("create", ("technicians", {"id": "T9", "contract": "FT", "skills": ["linux"]})) in c.calls
    assert ("delete", ("technicians", "T3")) in c.calls
    # saving again retries only the refused row
    c.calls.clear()
    apply_edits(c, "technicians", "id", frame, edits, done)
    assert [x[0] for x in c.calls] == ["update"] and c.calls[0][1][1] == "T1"


def test_a_refused_row_shows_the_message_under_its_field_and_keeps_the_typing(fake, monkeypatch):
    from dashboard.views import data

    _refuse_bad_phones(monkeypatch, fake)
    monkeypatch.setattr(data, "pending_edits", lambda key: (
        {"edited_rows": {0: {"phone": "0470", "site": "Lens"}}} if key == "ed_technicians_0" else {}))
    at = run_page("data", "manager")
    at.button(key="save_technicians").click().run()
    assert not at.exception
    phone = next(w for w in at.text_input if w.label == "phone")
    assert phone.value == "0470" and next(w for w in at.text_input if w.label == "site").value == "Lens"
    # the message sits right under the phone field, in the same column of the form
    under = [kids[i + 1] for col in at.columns for kids in [list(col.children.values())]
             for i, k in enumerate(kids[:-1]) if getattr(k, "label", None) == "phone"]
    assert len(under) == 1 and under[0].type == "error" and "international form" in under[0].value
    assert "1 change(s) refused" in at.error[0].value
    # a failed fix keeps what was typed in the form
    phone.input("0471")
    submit = next(b for b in at.button if b.label == "Save this row")
    submit.click().run()
    phone = next(w for w in at.text_input if w.label == "phone")
    assert phone.value == "0471" and any("international form" in e.value for e in at.error)
    # the fix goes through: only the fields that differ from the stored row are sent
    phone.input("+32 470 00 00 01")
    next(b for b in at.button if b.label == "Save this row").click().run()
    sent = [x for x in all_calls() if x[0] == "update"][-1]
    assert sent == ("update", ("technicians", "T1", {"phone": "+32 470 00 00 01", "site": "Lens"}))
    assert "Saved." in text_of(at)
    assert not [w for w in at.text_input if w.label == "phone"]

def test_data_save_with_the_api_down_shows_the_banner_not_a_refused_row(fake, monkeypatch):
    from dashboard.views import data

    fake.fail = {"update": ApiDown("connection refused")}
    monkeypatch.setattr(data, "pending_edits", lambda key: (
        {"edited_rows": {0: {"site": "Lens"}}} if key == "ed_technicians_0" else {}))
    at = run_page("data", "manager")
    at.button(key="save_technicians").click().run()
    assert not at.exception
    assert "not reachable" in at.error[0].value
    assert not [w for w in at.text_input if w.label == "site"]  # no fix form


def test_swaps_technician_proposes_and_sees_the_broken_rule(fake):
    at = run_page("swaps", "technician")
    assert not at.exception, at.exception
    assert {c[1][0] for c in all_calls() if c[0] == "schedule"} == {"T1"}
    # my duties of the published plan, shifts and on-call roles
    labels = at.selectbox(key="sw_duty").options
    assert any("day LOG" in x for x in labels) and any("on-call primary SYS" in x for x in labels)
    at.text_input(key="sw_to").input("T2")
    at.button[0].click().run()
    proposed = [c[1] for c in all_calls() if c[0] == "propose_swap"]
    assert len(proposed) == 1
    plan_id, body = proposed[0]
    assert plan_id == 1 and body["technician"] == "T1" and body["to"] == "T2"
    assert body["duty"]["kind"] in ("shift", "oncall_primary") and body["take"] is None
    assert "breaks hard rules" in text_of(at) and "min_rest" in text_of(at)
    # a valid one: stored for the coordinator
    at.text_input(key="sw_to").input("T3")
    at.button[0].click().run()
    assert "Proposal #12 waits for your coordinator" in text_of(at)
    # the list of my proposals
    assert at.dataframe and list(at.dataframe[0].value["#"]) == [11, 10]


def test_swaps_technician_needs_a_colleague(fake):
    at = run_page("swaps", "technician")
    at.button[0].click().run()
    assert "Name the colleague" in text_of(at)
    assert "propose_swap" not in names()


@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_swaps_staff_approve_into_a_draft(fake, role):
    at = run_page("swaps", role)
    assert not at.exception, at.exception
    assert "Pending (1)" in [s.value for s in at.subheader]
    assert "Léa Vasseur (T3)" in text_of(at)  # who takes it, by name
    assert "propose_swap" not in names() and "schedule" not in names()
    at.button(key="sw_ok_11").click().run()
    assert ("approve_proposal", (11,)) in all_calls()
    assert "new draft plan 5" in text_of(at)


def test_swaps_approve_shows_the_409_reason(fake):
    from dashboard.client import Conflict

    fake.fail = {"approve_proposal": Conflict(
        "swap proposal 11 no longer holds against plan 3: Léa Vasseur is absent", 409)}
    at = run_page("swaps", "coordinator")
    at.button(key="sw_ok_11").click().run()
    assert "no longer holds against plan 3: Léa Vasseur is absent" in text_of(at)
    assert at.error


def test_swaps_reject_sends_the_reason(fake):
    at = run_page("swaps", "manager")
    at.text_input(key="sw_reason_11").input("month-end freeze")
    at.button(key="sw_no_11").click().run()
    assert ("reject_proposal", (11, "month-end freeze")) in all_calls()
    assert "rejected" in text_of(at)
