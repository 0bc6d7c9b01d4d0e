"""Fairness: nights, weekends, public holidays, on-call per technician against their group."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import grid, state
from dashboard.client import RotaClient

TITLE, ICON, URL = "Fairness", ":material/balance:", "fairness"


@state.page(*state.STAFF)
def page(c: RotaClient) -> None:
    st.title("Fairness")
    plan_id = state.choose_plan(c)
    if plan_id is None:
        return
    fairness = state.plan_rows(c, plan_id)["fairness"]
    if not fairness:
        st.info("This plan has no fairness figures.")
        return
    st.dataframe(grid.fairness_table(fairness), hide_index=True)
    names = {t["id"]: t.get("name") or t["id"] for t in state.rows(c, "technicians")}
    tags = sorted({f.tag for f in fairness})
    tag = st.radio("Category", tags, horizontal=True, key="fair_tag")
    for f in [f for f in fairness if f.tag == tag]:
        if not f.counts:
            continue
        df = pd.DataFrame([{"technician": names.get(k, k), "count": v} for k, v in f.counts.items()])
        avg = df["count"].mean()
        df["vs average"] = df["count"] - avg
        fig = px.bar(df.sort_values("count"), x="technician", y="count",
                     color="vs average", color_continuous_scale="RdBu_r", range_color=(-2, 2))
        fig.add_hline(y=avg, line_dash="dash", annotation_text=f"group average {avg:.1f}")
        fig.update_layout(height=300, margin=dict(l=10, r=10, t=30, b=10),
                          title=f"{tag} · contract group {f.group} · spread {f.spread}")
        st.plotly_chart(fig, key=f"fair_{tag}_{f.group}")
