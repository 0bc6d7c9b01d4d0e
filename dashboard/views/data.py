"""Data (manager): the scenario's entities as editable tables.

Edits are sent row by row (PATCH, POST, DELETE); a refused row shows the API's 422/409
message with its row and field under the table, and the table keeps what was typed
(the editor's state is only reset once every change went through). Changes that
went through are remembered, so saving again retries only the refused ones.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.client import Conflict, RotaClient, RotaError, ValidationFailed

TITLE, ICON, URL = "Data", ":material/table_edit:", "data"
TABLES = {
    # entity: (label, key column)
    "technicians": ("Technicians", "id"),
    "clients": ("Clients", "id"),
    "coverage-rules": ("Coverage rules", "id"),
    "contracts": ("Contracts", "id"),
    "absences": ("Absences", "id"),
    "peaks": ("Peaks", "id"),
}
LISTS = {"skills", "clients", "roles", "weekdays"}
JSON = {"shift_limits", "service_windows"}
READ_ONLY = {"status"}


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """API rows as an editable frame: lists as 'a;b', nested values as JSON text."""
    out = []
    for r in rows:
        x = {}
        for k, v in r.items():
            if k in JSON:
                x[k] = json.dumps(v, ensure_ascii=False)
            elif isinstance(v, list):
                x[k] = ";".join(str(i) for i in v)
            else:
                x[k] = v
        out.append(x)
    return pd.DataFrame(out)


def from_cell(column: str, value: Any) -> Any:
    """An edited cell back to the API's type (the API validates and answers 422)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if column in JSON:
        try:
            return json.loads(value) if isinstance(value, str) and value.strip() else {}
        except json.JSONDecodeError:
            return value  # sent as is: the API names the field in its 422
    if column in LISTS and isinstance(value, str):
        items = [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
        return [int(v) if column == "weekdays" and v.isdigit() else v for v in items]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def apply_edits(c: RotaClient, entity: str, key_col: str, frame: pd.DataFrame, edits: dict,
                done: set) -> list[dict]:
    """Send the editor's changes; returns the refused ones as {row, field, message}."""
    errors: list[dict] = []

    def attempt(tag, label, call) -> None:
        if tag in done:
            return
        try:
            call()
            done.add(tag)
        except ValidationFailed as e:
            for f, msgs in e.fields.items():
                errors.append({"row": label, "field": f or "(row)", "message": " ".join(msgs)})
        except (Conflict, RotaError) as e:
            errors.append({"row": label, "field": "(row)", "message": e.message})

    for idx, changes in edits.get("edited_rows", {}).items():
        key = frame.iloc[int(idx)][key_col]
        body = {k: from_cell(k, v) for k, v in changes.items() if k not in READ_ONLY | {key_col}}
        attempt(("edit", int(idx), json.dumps(body, sort_keys=True, default=str)), f"{key}",
                lambda key=key, body=body: c.update(entity, key, body))
    for i, row in enumerate(edits.get("added_rows", [])):
        body = {k: from_cell(k, v) for k, v in row.items() if k not in READ_ONLY}
        body = {k: v for k, v in body.items() if v is not None and not (k == "id" and key_col == "id"
                                                                      and entity in INT_IDS)}
        attempt(("add", i, json.dumps(body, sort_keys=True, default=str)), f"new row {i + 1}",
                lambda body=body: c.create(entity, body))
    for idx in edits.get("deleted_rows", []):
        key = frame.iloc[int(idx)][key_col]
        attempt(("delete", int(idx)), f"{key}", lambda key=key: c.delete(entity, key))
    return errors


INT_IDS = {"coverage-rules", "absences", "peaks"}


def _table(c: RotaClient, entity: str) -> None:
    label, key_col = TABLES[entity]
    version = st.session_state.setdefault(f"ver_{entity}", 0)
    editor_key = f"ed_{entity}_{version}"
    frame = to_frame(c.list(entity))
    disabled = [k for k in frame.columns if k in READ_ONLY or (k == key_col and entity in INT_IDS)]
    st.data_editor(frame, key=editor_key, num_rows="dynamic", hide_index=True, disabled=disabled,
                   height=min(420, 38 + 35 * (len(frame) + 1)))
    st.caption("Lists: separate values with ';'. Windows and shift limits: JSON. "
               "Dates: YYYY-MM-DD. Add a row at the bottom; select rows and press Delete to remove.")
    done = st.session_state.setdefault(f"done_{editor_key}", set())
    if st.button(f"Save {label.lower()}", key=f"save_{entity}", type="primary"):
        edits = st.session_state.get(editor_key, {})
        errors = apply_edits(c, entity, key_col, frame, edits, done)
        if errors:
            st.session_state[f"err_{entity}"] = errors
        else:
            st.session_state.pop(f"err_{entity}", None)
            st.session_state[f"ver_{entity}"] = version + 1
            state.refresh()
            st.session_state[f"ok_{entity}"] = "Saved."
            st.rerun()
    if msg := st.session_state.pop(f"ok_{entity}", None):
        st.success(msg)
    if errors := st.session_state.get(f"err_{entity}"):
        st.error(f"{len(errors)} change(s) refused; fix them and save again (what you typed is kept):")
        st.dataframe(errors, hide_index=True, column_order=["row", "field", "message"])


@state.page(*state.MANAGER)
def page(c: RotaClient) -> None:
    st.title("Data")
    tabs = st.tabs([label for label, _ in TABLES.values()])
    for tab, entity in zip(tabs, TABLES):
        with tab:
            try:
                _table(c, entity)
            except RotaError as e:
                state.show_error(e)
