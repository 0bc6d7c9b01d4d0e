"""Contract parameters: declared once (planner.domain.Contract), stored in one JSON
column; migration 0003 moves the old columns into it without loss, and back."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlmodel import Session, select

from api import tables as t
from api.db import current_revision, head_revision, make_engine, upgrade
from api.mapping import contract_to_row, row_to_contract
from api.schemas.domain import ContractBase
from planner.domain import Contract
from planner.scenario_io.tables import CONTRACTS
from test_hardening_calendar import empty_url  # noqa: F401 (fixture)


def test_every_layer_has_every_parameter():
    params = Contract.parameters()
    assert params[0] == "min_hours_per_week" and "works_public_holidays" in params
    assert [c.name for c in CONTRACTS.columns] == ["id", "name", *params]
    assert list(ContractBase.model_fields) == ["name", *params]
    assert all(isinstance(getattr(t.ContractRow, k), property) for k in params)


def test_row_round_trip_and_flat_dump():
    c = Contract(id="PT", name="Part time", max_weekends=2, shift_limits={"N": 0},
                 max_hours_in_week=38.5, works_public_holidays=True)
    row = contract_to_row(c)
    assert row.max_weekends == 2 and row.params["shift_limits"] == {"N": 0}
    dumped = row.model_dump()
    assert "params" not in dumped and dumped["max_hours_in_week"] == 38.5
    assert row_to_contract(row) == c
    row.max_weekends = 3  # a PATCH sets one attribute: the JSON gets a new dict
    assert row.params["max_weekends"] == 3 and row_to_contract(row).max_weekends == 3


def test_api_schema_keeps_the_domain_bounds():
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError, match="max_consecutive_days"):
        ContractBase(max_consecutive_days=0)
    with pytest.raises(pydantic.ValidationError, match="max_hours_in_week"):
        ContractBase(max_hours_in_week=float("nan"))


def test_migration_moves_columns_into_json_and_back(empty_url):  # noqa: F811
    upgrade(empty_url, "0002")
    engine = make_engine(empty_url)
    with engine.begin() as conn:  # a contract as revision 0002 stored it
        conn.execute(text(
            "INSERT INTO contract (id, seq, name, min_hours_per_week, max_hours_in_week, "
            "min_minutes_total, max_consecutive_days, max_weekends, shift_limits, "
            "works_public_holidays) VALUES ('FT', 0, 'Full', 38.0, 48.5, 100, 5, 2, "
            "'{\"N\": 3}', :yes), ('X', 1, '', NULL, NULL, NULL, NULL, NULL, NULL, :no)"),
            {"yes": True, "no": False})
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision()
    with Session(engine) as s:
        rows = {r.id: r for r in s.exec(select(t.ContractRow)).all()}
        full = row_to_contract(rows["FT"])
        assert (full.min_hours_per_week, full.max_hours_in_week, full.min_minutes_total,
                full.max_consecutive_days, full.max_weekends, dict(full.shift_limits),
                full.works_public_holidays) == (38.0, 48.5, 100, 5, 2, {"N": 3}, True)
        # a null stays null (not the domain default: 48 h, 6 days)
        empty = row_to_contract(rows["X"])
        assert (empty.max_hours_in_week, empty.max_consecutive_days, empty.shift_limits,
                empty.works_public_holidays) == (None, None, {}, False)
    upgrade_down = __import__("alembic.command", fromlist=["downgrade"]).downgrade
    from api.db import alembic_config

    upgrade_down(alembic_config(empty_url), "0002")
    with engine.connect() as conn:
        cols = {c["name"] for c in inspect(conn).get_columns("contract")}
        back = conn.execute(text("SELECT max_hours_in_week, max_weekends, works_public_holidays "
                                 "FROM contract WHERE id = 'FT'")).one()
    assert "params" not in cols and "max_weekends" in cols
    assert (back[0], back[1], bool(back[2])) == (48.5, 2, True)
    engine.dispose()


def test_api_reads_and_writes_a_new_parameter(client, users, stored):
    """min_weekly_rest_hours (rule weekly_rest) reaches the API and the database with no
    code of its own there: create, read, patch, refuse out of bounds naming the field."""
    h = users.headers("manager")
    r = client.post("/api/v1/contracts", json={"id": "EU35", "min_weekly_rest_hours": 35}, headers=h)
    assert r.status_code == 201, r.text
    assert client.get("/api/v1/contracts/EU35", headers=h).json()["min_weekly_rest_hours"] == 35
    r = client.patch("/api/v1/contracts/EU35", json={"min_weekly_rest_hours": 36}, headers=h)
    assert r.status_code == 200 and r.json()["min_weekly_rest_hours"] == 36
    r = client.patch("/api/v1/contracts/EU35", json={"min_weekly_rest_hours": 169}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "min_weekly_rest_hours"
    assert client.get("/api/v1/contracts/EU35", headers=h).json()["min_weekly_rest_hours"] == 36
