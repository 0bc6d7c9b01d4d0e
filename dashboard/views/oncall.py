"""On call: who is on call now and next per rotation, and the periods as a timeline."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import state, style
from dashboard.client import RotaClient

TITLE, ICON, URL = "On call", ":material/phone_in_talk:", "oncall"


@state.page(*state.STAFF)
def page(c: RotaClient) -> None:
    st.title("On call")
    techs = {t["id"]: t for t in state.rows(c, "technicians")}

    def who(o) -> str:
        if o is None:
            return "—"
        t = techs.get(o.technician, {})
        return f"{t.get('name') or o.technician} · {t.get('email') or 'no e-mail'}"

    rows, seen = [], set()
    for r in c.oncall_now():
        if (r.rotation, r.role) in seen:
            continue
        seen.add((r.rotation, r.role))
        rows.append({"rotation": r.rotation, "role": r.role, "now": who(r.now),
                     "next": who(r.next), "next from": style.when(r.next.start) if r.next else ""})
    st.subheader("Now and next (published plans)")
    if rows:
        st.dataframe(rows, hide_index=True)
    else:
        st.info("No published plan has on-call periods.")
    st.subheader("Periods of a plan")
    plan_id = state.choose_plan(c)
    if plan_id is None:
        return
    periods = state.plan_rows(c, plan_id)["oncall"]
    if not periods:
        st.info("This plan has no on-call periods.")
        return
    df = pd.DataFrame([{"rotation": f"{o.rotation} · {o.role}", "start": o.start, "end": o.end,
                        "technician": techs.get(o.technician, {}).get("name") or o.technician,
                        "role": o.role} for o in periods])
    fig = px.timeline(df, x_start="start", x_end="end", y="rotation", color="role", text="technician",
                      color_discrete_map={"primary": style.ONCALL, "backup": "#f5b7b1"})
    fig.update_layout(height=120 + 40 * df["rotation"].nunique(), margin=dict(l=10, r=10, t=10, b=10))
    fig.update_yaxes(autorange="reversed", title="")
    st.plotly_chart(fig, key="oncall_timeline")
