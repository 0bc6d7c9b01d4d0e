"""What-if (coordinator = ROT/ROD): add a peak or an absence, re-plan, compare, accept or discard."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import grid, state, style, whatif
from dashboard.client import RotaClient, RotaError, ValidationFailed

TITLE, ICON, URL = "What-if", ":material/alt_route:", "what-if"


def _change_form(c: RotaClient, plan) -> tuple[str, dict, float] | None:
    kind = st.radio("Change", ["Activity peak", "Absence"], horizontal=True, key="wi_kind")
    start_default = plan.horizon_start + dt.timedelta(days=7)
    with st.form("whatif_form"):
        cols = st.columns(4)
        if kind == "Activity peak":
            clients = [x["id"] for x in state.rows(c, "clients")]
            shifts = ["(all)", *[x["id"] for x in state.rows(c, "shift-types")]]
            client = cols[0].selectbox("Client", clients, key="wi_client")
            shift = cols[1].selectbox("Shift", shifts, key="wi_shift")
            extra = cols[2].number_input("Extra people", 1, 50, 2, key="wi_extra")
            reason = cols[3].text_input("Reason", "what-if peak", key="wi_reason")
        else:
            techs = {x["id"]: x.get("name") or x["id"] for x in state.rows(c, "technicians")}
            tech = cols[0].selectbox("Technician", list(techs), format_func=lambda k: f"{techs[k]} ({k})",
                                     key="wi_tech")
            reason = cols[1].text_input("Reason", "sick leave", key="wi_reason_a")
        d = st.columns(3)
        start = d[0].date_input("From", start_default, format="DD/MM/YYYY", key="wi_start")
        end = d[1].date_input("To (inclusive)", start_default + dt.timedelta(days=2),
                              format="DD/MM/YYYY", key="wi_end")
        limit = d[2].number_input("Time limit (s)", 1.0, 600.0, 20.0, key="wi_limit")
        if not st.form_submit_button("Run what-if", type="primary"):
            return None
    if kind == "Activity peak":
        body = {"client": client, "start": start.isoformat(), "end": end.isoformat(),
                "extra": int(extra), "shift": "" if shift == "(all)" else shift, "reason": reason}
        return "peaks", body, float(limit)
    body = {"technician": tech, "start": start.isoformat(), "end": end.isoformat(),
            "kind": "unplanned", "reason": reason}
    return "absences", body, float(limit)


def _compare(c: RotaClient, base_id: int, new_id: int) -> list[str]:
    before, after = state.plan_rows(c, base_id), state.plan_rows(c, new_id)
    names = {t["id"]: t.get("name") or t["id"] for t in state.rows(c, "technicians")}
    b_pct, b_client = grid.coverage_kpis(before["coverage"])
    a_pct, a_client = grid.coverage_kpis(after["coverage"])
    left, right = st.columns(2)
    for col, title, pct, per in ((left, f"Before: published #{base_id}", b_pct, b_client),
                                 (right, f"After: draft #{new_id}", a_pct, a_client)):
        col.subheader(title)
        col.metric("Coverage", f"{pct:.1f} %" if pct is not None else "–")
        col.dataframe(per, hide_index=True)
    diff = grid.plan_diff(before["assignments"], before["oncall"], after["assignments"],
                          after["oncall"], names)
    st.subheader(f"Changes ({len(diff)})")
    st.dataframe(diff.drop(columns=["day"]) if len(diff) else pd.DataFrame(), hide_index=True)
    notified = sorted(set(diff["technician"])) if len(diff) else []
    st.markdown("**Who is notified:** " + (", ".join(notified) if notified else "nobody"))
    return notified


@st.fragment(run_every=1.0)
def _watch(c: RotaClient) -> None:
    run = whatif.WhatIf(**st.session_state["whatif"])
    job = c.job(run.job)
    if job.status in ("queued", "running"):
        st.info(f"What-if job #{job.id} {job.status} (re-plan): {job.elapsed or 0:.0f} s, "
                f"best {job.objective if job.objective is not None else '–'}")
        return
    st.rerun()


@state.page(*state.STAFF)
def page(c: RotaClient) -> None:
    st.title("What-if")
    published = c.plans(status="published")
    if not published:
        st.info("A what-if starts from the published plan: publish one first.")
        return
    base = published[0]
    st.caption(f"From the published plan #{base.id} ({style.long_date(base.horizon_start)}, "
               f"{base.horizon_days} days).")
    current = st.session_state.get("whatif")
    if current is None:
        asked = _change_form(c, base)
        if asked:
            entity, body, limit = asked
            try:
                run = whatif.start(c, base.id, entity, body, limit)
            except ValidationFailed as e:
                for f, msgs in e.fields.items():
                    st.error(f"{f or 'change'}: {' '.join(msgs)}")
                return
            except RotaError as e:
                state.show_error(e)
                return
            st.session_state["whatif"] = run.to_dict()
            st.rerun()
        return
    run = whatif.WhatIf(**current)
    ch = run.change
    period = f"{ch['start']} → {ch['end']}"
    what = (f"activity peak at **{ch['client']}**{' (' + ch['shift'] + ')' if ch.get('shift') else ''}, "
            f"+{ch['extra']} people, {period}" if run.entity == "peaks"
            else f"absence of **{ch['technician']}**, {period}")
    how = "re-plan from the published plan, as few changes as it can"
    st.markdown(f"**Change:** {what} · {how}")
    job = c.job(run.job)
    if job.status in ("queued", "running"):
        _watch(c)
        return
    if not job.plan_id:
        st.error(f"The what-if produced no plan ({job.status}: {job.error}).")
        if st.button("Discard", key="wi_discard_failed"):
            whatif.discard(c, None)
            st.session_state.pop("whatif")
            state.refresh()
            st.rerun()
        return
    _compare(c, run.base_plan, job.plan_id)
    a, d, _ = st.columns([1, 1, 4])
    if a.button("Accept", type="primary", key="wi_accept"):
        st.session_state.pop("whatif")
        st.session_state["plan_id"] = job.plan_id
        st.session_state["flash_roster"] = (f"What-if accepted: draft #{job.plan_id} is the new draft "
                                            "(a manager publishes it).")
        state.refresh()
        st.rerun()
    if d.button("Discard", key="wi_discard"):
        notes = whatif.discard(c, job.plan_id)
        st.session_state.pop("whatif")
        state.refresh()
        for n in notes:
            st.warning(n)
        st.success("What-if discarded.")
