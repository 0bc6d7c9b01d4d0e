"""The technician's optional phone number through every layer: domain, scenario files,
API (table, schema, 422), export/import, and who may see it (the on-call answer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from planner.domain import Technician
from planner.scenario_files import ScenarioError, load_scenario
from planner.validation import tel_uri
from api.mapping import rows_to_scenario
from api.scenarios import export_scenario, import_scenario, store_scenario
from tests.scenario_edit import demo, rows, set_cell, write  # noqa: F401 (demo: fixture)

V1 = "/api/v1"


@pytest.mark.parametrize("phone", ["", "+32 2 555 01 23", "+33 6 39 98 00 01", "+352 691 000 051",
                                   "+1 (555) 010-0199", "+32.470.00.00.11", "+123456"])
def test_phone_numbers_in_international_form_are_accepted(phone):
    assert Technician(id="T", contract="C", phone=phone).phone == phone


@pytest.mark.parametrize("phone", ["0470 12 34 56", "+32 abc", "+12345", "+1234567890123456",
                                   "32 2 555 01 23", "+32 2 555 01 23 ext 5", "++32 2 555"])
def test_other_phone_texts_are_refused_with_a_clear_message(phone):
    with pytest.raises(ValidationError) as e:
        Technician(id="T", contract="C", phone=phone)
    msg = str(e.value)
    assert "phone" in msg and "international form" in msg and "+32 2 555 01 23" in msg


def test_tel_uri_keeps_plus_and_digits():
    assert tel_uri("+32 (2) 555-01.23") == "tel:+3225550123"


def test_demo_technicians_have_phones(demo: Path):
    techs = load_scenario(demo).technicians
    assert all(t.phone.startswith(("+32 ", "+33 ")) for t in techs)


def test_a_bad_phone_cell_names_file_line_and_column(demo: Path):
    set_cell(demo, "technicians.csv", 3, "phone", "0470 12 34 56")
    with pytest.raises(ScenarioError) as e:
        load_scenario(demo)
    assert str(e.value).startswith("technicians.csv, line 3, column 'phone': phone '0470 12 34 56' "
                                   "is not a phone number in international form")


def test_old_files_without_a_phone_column_still_load(demo: Path):
    table = rows(demo, "technicians.csv")
    i = table[0].index("phone")
    write(demo, "technicians.csv", [r[:i] + r[i + 1:] for r in table])
    assert {t.phone for t in load_scenario(demo).technicians} == {""}


def test_api_stores_checks_and_returns_the_phone(client, users):
    h = users.headers("manager")
    r = client.patch(V1 + "/technicians/T001", json={"phone": "+32 470 00 00 01"}, headers=h)
    assert r.status_code == 200, r.text
    assert client.get(V1 + "/technicians/T001", headers=h).json()["phone"] == "+32 470 00 00 01"
    r = client.patch(V1 + "/technicians/T001", json={"phone": "0470"}, headers=h)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "phone"] and "international form" in err["msg"]
    assert client.get(V1 + "/technicians/T001", headers=h).json()["phone"] == "+32 470 00 00 01"


def test_phone_survives_export_and_import(client, users, db, tmp_path: Path):
    h = users.headers("manager")
    assert client.patch(V1 + "/technicians/T002", json={"phone": "+33 6 39 98 00 02"},
                        headers=h).status_code == 200
    export_scenario(db.engine, tmp_path / "out")
    assert "+33 6 39 98 00 02" in (tmp_path / "out" / "technicians.csv").read_text()
    import_scenario(db.engine, tmp_path / "out", replace=True)
    with Session(db.engine) as s:
        techs = {t.id: t for t in rows_to_scenario(s).technicians}
    assert techs["T002"].phone == "+33 6 39 98 00 02" and techs["T003"].phone == ""


def test_coordinators_reach_who_is_on_call_technicians_do_not(
        client, users, make_plan, outcome):
    h = users.headers("manager")
    duty = min((o for o in outcome.plan.oncall if o.role == "primary"), key=lambda o: o.start)
    assert client.patch(V1 + f"/technicians/{duty.technician}", json={"phone": "+32 2 555 01 23"},
                        headers=h).status_code == 200
    plan = make_plan()
    assert client.post(V1 + f"/plans/{plan}/publish", headers=h).status_code == 200
    at = (duty.start + dt.timedelta(hours=1)).isoformat()
    r = client.get(V1 + "/oncall/now", params={"at": at}, headers=users.headers("coordinator"))
    assert r.status_code == 200, r.text
    row = next(x for x in r.json() if x["role"] == "primary" and x["rotation"] == duty.rotation)
    assert row["now"]["technician"] == duty.technician
    assert row["now_contact"]["phone"] == "+32 2 555 01 23"
    assert set(row["now_contact"]) == {"name", "phone", "email"}
    # other people's phones are not a technician's to see
    assert client.get(V1 + "/oncall/now", params={"at": at},
                      headers=users.headers("other")).status_code == 403
    assert client.get(V1 + "/technicians", headers=users.headers("other")).status_code == 403
    assert client.get(V1 + f"/technicians/{duty.technician}",
                      headers=users.headers("other")).status_code == 403
