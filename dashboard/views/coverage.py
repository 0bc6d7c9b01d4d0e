"""Coverage: client x day heatmap of required against assigned; why a gap stayed open."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import plotly.graph_objects as go
import streamlit as st

from dashboard import explain, grid, state, style
from dashboard.client import RotaClient

TITLE, ICON, URL = "Coverage", ":material/shield:", "coverage"


def heatmap(coverage, clients: list[str], days: list[dt.date], peaks: list[dict]) -> go.Figure:
    """Shortfall per client and day (red), text 'assigned/required', ▲ on peak days."""
    req, got, short = (defaultdict(int) for _ in range(3))
    for c in coverage:
        req[(c.client, c.date)] += c.required
        got[(c.client, c.date)] += c.assigned
        short[(c.client, c.date)] += c.shortfall
    peak_days = set()
    for p in peaks:
        d, e = dt.date.fromisoformat(str(p["start"])), dt.date.fromisoformat(str(p["end"]))
        while d <= e:
            peak_days.add((p["client"], d))
            d += dt.timedelta(days=1)
    z, text = [], []
    for cl in clients:
        z.append([short[(cl, d)] if req[(cl, d)] else None for d in days])
        text.append([
            (f"{min(got[(cl, d)], req[(cl, d)])}/{req[(cl, d)]}" if req[(cl, d)] else "")
            + (" ▲" if (cl, d) in peak_days else "") for d in days])
    fig = go.Figure(go.Heatmap(
        z=z, x=[style.day_label(d) for d in days], y=clients, text=text, texttemplate="%{text}",
        textfont=dict(size=9), colorscale=[[0, "#e8f5e9"], [0.001, "#fcbba1"], [1, style.GAP]],
        zmin=0, zmax=max(3, max((v for row in z for v in row if v), default=0)),
        colorbar=dict(title="short"), hovertemplate="%{y} %{x}: %{text}<br>shortfall %{z}<extra></extra>",
        xgap=1, ygap=1))
    fig.update_layout(height=80 + 34 * len(clients), margin=dict(l=10, r=10, t=10, b=10),
                      xaxis=dict(side="top", tickangle=-60), yaxis=dict(autorange="reversed"))
    return fig


@state.page(*state.STAFF)
def page(c: RotaClient) -> None:
    st.title("Coverage")
    plan_id = state.choose_plan(c)
    if plan_id is None:
        return
    data = state.plan_rows(c, plan_id)
    plan = data["plan"]
    days = grid.horizon_days(plan.horizon_start, plan.horizon_days)
    clients = [cl["id"] for cl in state.rows(c, "clients")]
    peaks = state.rows(c, "peaks")
    pct, per_client = grid.coverage_kpis(data["coverage"])
    k = st.columns(3)
    k[0].metric("Coverage", f"{pct:.1f} %" if pct is not None else "–")
    k[1].metric("Open gaps (people-shifts)", int(per_client["shortfall"].sum()) if len(per_client) else 0)
    k[2].metric("Peak days", len({(p["client"], p["start"]) for p in peaks}))
    st.caption("Each cell: people assigned / required that day (all shifts); red = a gap; ▲ = activity peak.")
    st.plotly_chart(heatmap(data["coverage"], clients, days, peaks), key="cov_heat",
                    config={"displayModeBar": False})
    gaps = [g for g in data["coverage"] if g.shortfall > 0]
    st.subheader(f"Gaps ({len(gaps)})")
    if not gaps:
        st.success("Every required people-shift is covered.")
        return
    label = lambda g: (f"{g.client} · {style.day_label(g.date)} · {g.shift}"  # noqa: E731
                       f"{' · ' + g.skill if g.skill else ''} · short {g.shortfall}")
    gap = st.selectbox("Select a gap to see who could have filled it", gaps, format_func=label, key="gap")
    found = c.explain_gap(plan_id, gap.client, gap.date, gap.shift)
    st.caption("Technicians skilled for this duty and the rule that kept each out (checked "
               "by Rota's independent checker).")
    st.dataframe(explain.candidate_rows(found), hide_index=True,
                 column_order=["technician", "name", "reason", "detail"])
    fixes = explain.fix_rows(found)
    if fixes:
        st.caption("Smallest fixes, cheapest first (cost in objective points; negative: the "
                   "fix pays for itself).")
        st.dataframe(fixes, hide_index=True, column_order=["fix", "technician", "what", "cost"])
