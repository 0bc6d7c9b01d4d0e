"""Data (manager): the scenario's entities as editable tables.

Edits in a table are sent row by row (PATCH, POST, DELETE) when *Save* is pressed.
A row the API refuses (422, 409) opens a small form under the table with that row's
values as typed, and each of the API's messages directly under the field it names
(a message about the whole row above the fields). Nothing typed is lost: the table
keeps its edits until every change went through, the form keeps what was typed in it
until its row is accepted, and changes that went through are remembered, so saving
again retries only the refused ones.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import streamlit as st

from api.schemas import domain as schemas
from dashboard import state
from dashboard.client import ApiDown, RotaClient, RotaError, Unauthorized, ValidationFailed

TITLE, ICON, URL = "Data", ":material/table_edit:", "data"
TABLES = {
    # entity: (label, key column)
    "technicians": ("Technicians", "id"),
    "clients": ("Clients", "id"),
    "coverage-rules": ("Coverage rules", "id"),
    "contracts": ("Contracts", "id"),
    "shift-types": ("Shift types", "id"),
    "rotations": ("On-call rotations", "id"),
    "skills": ("Skills", "id"),
    "absences": ("Absences", "id"),
    "peaks": ("Peaks", "id"),
}
INT_IDS = {"coverage-rules", "absences", "peaks"}
LISTS = {"skills", "clients", "roles", "weekdays"}
JSON = {"shift_limits", "service_windows"}
READ_ONLY = {"status"}
ROW = "(row)"
"""Where a message about the whole row (or a field the form does not show) goes."""


SCHEMAS = {"technicians": schemas.TechnicianPublic, "clients": schemas.ClientPublic,
           "coverage-rules": schemas.CoverageRulePublic, "contracts": schemas.ContractPublic,
           "shift-types": schemas.ShiftTypePublic, "rotations": schemas.RotationPublic,
           "skills": schemas.SkillPublic,
           "absences": schemas.AbsencePublic, "peaks": schemas.PeakPublic}
"""The API's row shapes: their fields are the columns, even of an empty table."""


def to_frame(rows: list[dict], entity: str | None = None) -> pd.DataFrame:
    """API rows as an editable frame: the key column first, lists as 'a;b', nested
    values as JSON text (an empty table still has its columns, so rows can be added)."""
    columns = list(SCHEMAS[entity].model_fields) if entity else list(rows[0]) if rows else []
    if "id" in columns:
        columns.insert(0, columns.pop(columns.index("id")))
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
    return pd.DataFrame(out, columns=columns or None)


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


def as_text(value: Any) -> str:
    """A cell as the text a form field shows ('' for none)."""
    value = from_cell("", value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def from_text(column: str, text: str) -> Any:
    """A form field's text back to the API's type ('' = none; the API coerces numbers,
    booleans, dates and times from text, and answers 422 on anything else)."""
    text = text.strip()
    if column in LISTS or column in JSON:
        return from_cell(column, text)
    return text or None


def _field_messages(e: RotaError, shown: set[str]) -> dict[str, str]:
    """The API's messages by form field ('service_windows.0.start' -> 'service_windows');
    messages about the row or about a field the form does not show go to ROW."""
    if not isinstance(e, ValidationFailed):
        return {ROW: e.message}
    out: dict[str, list[str]] = {}
    for loc, msgs in e.fields.items():
        top, _, rest = loc.partition(".")
        field = top if top in shown else ROW
        where = rest if field == top else loc  # 'service_windows.0.start' -> '0.start'
        out.setdefault(field, []).extend(f"{where}: {m}" if where else m for m in msgs)
    return {k: " ".join(v) for k, v in out.items()}


def _columns(frame: pd.DataFrame, entity: str, key_col: str) -> list[str]:
    """Columns a form may edit (not the status, not a number the API assigns)."""
    return [k for k in frame.columns
            if k not in READ_ONLY and not (k == key_col and entity in INT_IDS)]


def apply_edits(c: RotaClient, entity: str, key_col: str, frame: pd.DataFrame, edits: dict,
                done: set) -> list[dict]:
    """Send the table's changes; returns the refused ones, each a dict with ``tag``,
    ``kind`` (edit, add, delete), ``key``, ``row`` (label), ``values`` and ``original``
    (the row's fields as text: as typed, and as stored) and ``errors`` (field -> message)."""
    refused: list[dict] = []
    columns = _columns(frame, entity, key_col) if len(frame.columns) else []

    def attempt(tag, kind, key, label, values, original, call) -> None:
        if tag in done:
            return
        try:
            call()
            done.add(tag)
        except (ApiDown, Unauthorized):
            raise  # not about the row: the page shows the banner or returns to sign-in
        except RotaError as e:  # 422, 409, 403, 404: the row's own refusal
            shown = set(values) if kind != "delete" else set()
            refused.append({"tag": tag, "kind": kind, "key": key, "row": label, "values": values,
                            "original": original, "errors": _field_messages(e, shown)})

    for idx, changes in edits.get("edited_rows", {}).items():
        stored = frame.iloc[int(idx)]
        key = from_cell(key_col, stored[key_col])
        body = {k: from_cell(k, v) for k, v in changes.items() if k not in READ_ONLY | {key_col}}
        original = {k: as_text(stored[k]) for k in columns}
        values = {**original, **{k: as_text(v) for k, v in changes.items() if k in original}}
        attempt(("edit", int(idx), json.dumps(body, sort_keys=True, default=str)), "edit", key,
                f"{key}", values, original, lambda key=key, body=body: c.update(entity, key, body))
    for i, row in enumerate(edits.get("added_rows", [])):
        body = {k: from_cell(k, v) for k, v in row.items() if k not in READ_ONLY}
        body = {k: v for k, v in body.items()
                if v is not None and not (k == key_col and entity in INT_IDS)}
        values = {k: as_text(row.get(k)) for k in columns} if columns else {
            k: as_text(v) for k, v in row.items()}
        attempt(("add", i, json.dumps(body, sort_keys=True, default=str)), "add", None,
                f"new row {i + 1}", values, {}, lambda body=body: c.create(entity, body))
    for idx in edits.get("deleted_rows", []):
        key = from_cell(key_col, frame.iloc[int(idx)][key_col])
        attempt(("delete", int(idx)), "delete", key, f"{key}", {}, {},
                lambda key=key: c.delete(entity, key))
    return refused


def fix_body(item: dict, typed: dict[str, str]) -> dict:
    """The request body of a fixed row: a new row's filled fields, or an edited row's
    fields that differ from what is stored."""
    if item["kind"] == "add":
        body = {k: from_text(k, v) for k, v in typed.items()}
        return {k: v for k, v in body.items() if v is not None}
    return {k: from_text(k, v) for k, v in typed.items() if v != item["original"].get(k)}


def pending_edits(editor_key: str) -> dict:
    """The table editor's pending changes (Streamlit keeps them under its key)."""
    return st.session_state.get(editor_key, {})


def _fix_form(c: RotaClient, entity: str, item: dict, done: set, refused: list[dict]) -> None:
    """One refused row as a form: its fields as typed, each message under its field."""
    # the key changes with what was sent, so a row refused again after a new edit in the
    # table shows the new values (a form's fields keep their text under their keys)
    fid = f"fix_{entity}_{hashlib.sha1(repr(item['tag']).encode()).hexdigest()[:10]}"
    what = {"edit": "change to", "add": "new", "delete": "deletion of"}[item["kind"]]
    with st.form(fid, border=True):
        st.markdown(f"**Refused: {what} {item['row']}**")
        if ROW in item["errors"]:
            st.error(item["errors"][ROW], icon=":material/error:")
        if item["kind"] == "delete":
            if not st.form_submit_button("Dismiss"):
                return
            typed = None
        else:
            typed = {}
            cols = st.columns(3)
            for i, (field, text) in enumerate(item["values"].items()):
                with cols[i % 3]:
                    # an edited row keeps its id (it is in the URL of the change)
                    fixed_key = item["kind"] == "edit" and field == TABLES[entity][1]
                    typed[field] = st.text_input(field, text, key=f"{fid}_{field}",
                                                 disabled=fixed_key)
                    if field in item["errors"]:
                        st.error(item["errors"][field], icon=":material/error:")
            sent = st.form_submit_button("Save this row", type="primary")
            if not sent:
                return
    if typed is None:  # a refused deletion, dismissed
        done.add(item["tag"])
        refused.remove(item)
        st.rerun()
    try:
        body = fix_body(item, typed)
        if item["kind"] == "add":
            c.create(entity, body)
        else:
            c.update(entity, item["key"], body)
    except (ApiDown, Unauthorized):
        raise
    except RotaError as e:
        item["errors"] = _field_messages(e, set(item["values"]))
        st.rerun()  # the form shows the new messages; its fields keep what was typed
    done.add(item["tag"])
    refused.remove(item)
    st.rerun()


def _table(c: RotaClient, entity: str) -> None:
    label, key_col = TABLES[entity]
    version = st.session_state.setdefault(f"ver_{entity}", 0)
    editor_key = f"ed_{entity}_{version}"
    frame = to_frame(c.list(entity), entity)
    disabled = [k for k in frame.columns if k in READ_ONLY or (k == key_col and entity in INT_IDS)]
    st.data_editor(frame, key=editor_key, num_rows="dynamic", hide_index=True, disabled=disabled,
                   height=min(420, 38 + 35 * (len(frame) + 1)))
    st.caption("Lists: separate values with ';'. Windows and shift limits: JSON. "
               "Dates: YYYY-MM-DD. Add a row at the bottom; select rows and press Delete to remove.")
    done = st.session_state.setdefault(f"done_{editor_key}", set())
    refused = st.session_state.setdefault(f"err_{editor_key}", [])
    if st.button(f"Save {label.lower()}", key=f"save_{entity}", type="primary"):
        refused[:] = apply_edits(c, entity, key_col, frame, pending_edits(editor_key), done)
    if msg := st.session_state.pop(f"ok_{entity}", None):
        st.success(msg)
    if refused:
        st.error(f"{len(refused)} change(s) refused: fix each below (the message is under its "
                 "field) and save it, or correct the table and save again. What you typed is kept.",
                 icon=":material/error:")
        for item in list(refused):
            _fix_form(c, entity, item, done, refused)
    elif done:  # every change went through: start again from the stored rows
        st.session_state[f"ver_{entity}"] = version + 1
        state.refresh()
        st.session_state[f"ok_{entity}"] = "Saved."
        st.rerun()


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
