"""Solve (manager): start a solve job, watch its progress live, cancel, open the result."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from api.schemas.plans import SolveRequest
from dashboard import state
from dashboard.client import RotaClient, RotaError, ValidationFailed

TITLE, ICON, URL = "Solve", ":material/bolt:", "solve"


def _default_horizon(c: RotaClient) -> tuple[dt.date, int]:
    plans = c.plans()
    if plans:
        return plans[0].horizon_start, plans[0].horizon_days
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    return monday, 28


def progress_chart(points: list[dict]) -> go.Figure:
    """Best objective and bound against elapsed seconds."""
    df = pd.DataFrame(points, columns=["elapsed", "objective", "bound"])
    fig = go.Figure()
    fig.add_scatter(x=df["elapsed"], y=df["objective"], name="best plan (objective)",
                    mode="lines+markers", line=dict(color="#1f5fa8"))
    fig.add_scatter(x=df["elapsed"], y=df["bound"], name="bound", mode="lines",
                    line=dict(color="#7f7f7f", dash="dash"))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10), xaxis_title="seconds",
                      yaxis_title="penalty", legend=dict(orientation="h"))
    return fig


def _show(job, points: list[dict]) -> None:
    cols = st.columns(4)
    cols[0].metric("Job", f"#{job.id} {job.status}")
    cols[1].metric("Elapsed", f"{job.elapsed or 0:.1f} s")
    cols[2].metric("Best objective", "–" if job.objective is None else f"{job.objective:,.0f}".replace(",", " "))
    cols[3].metric("Bound", "–" if job.bound is None else f"{job.bound:,.0f}".replace(",", " "))
    if points:
        st.plotly_chart(progress_chart(points), key=f"chart_{job.id}_{len(points)}")


def _poll(c: RotaClient, job_id: int):
    job = c.job(job_id)
    points = st.session_state.setdefault("job_points", {}).setdefault(job_id, [])
    if job.elapsed is not None and job.objective is not None and (
            not points or points[-1]["elapsed"] != job.elapsed):
        points.append({"elapsed": job.elapsed, "objective": job.objective, "bound": job.bound})
    return job, points


@st.fragment(run_every=1.0)
def _progress(c: RotaClient, job_id: int) -> None:
    """Live view of a running job (this fragment alone reruns every second)."""
    job, points = _poll(c, job_id)
    if job.status not in ("queued", "running"):
        st.rerun()  # the whole page shows the result (a page switch cannot start in a fragment)
    _show(job, points)
    if st.button("Cancel", key="cancel_job"):
        c.cancel_job(job.id)
        st.rerun(scope="fragment")


def _result(c: RotaClient, job_id: int) -> None:
    job, points = _poll(c, job_id)
    _show(job, points)
    if job.plan_id:
        st.success(f"Plan #{job.plan_id} stored as a draft ({job.status}).")
        if st.button("Open in Roster", type="primary", key="open_roster"):
            state.refresh()
            st.session_state["plan_id"] = job.plan_id
            st.session_state.pop("job", None)
            state.go_to("roster")
    elif job.status == "failed":
        st.error(f"The solve failed: {job.error}")
    else:
        st.warning(f"The job was {job.status} before a plan was found.")


@state.page(*state.MANAGER)
def page(c: RotaClient) -> None:
    st.title("Solve")
    start, days = _default_horizon(c)
    with st.form("solve"):
        cols = st.columns(5)
        name = cols[0].text_input("Name", value="", placeholder="e.g. July roster", key="s_name")
        h_start = cols[1].date_input("Horizon start", value=start, format="DD/MM/YYYY", key="s_start")
        h_days = cols[2].number_input("Days", min_value=1, max_value=366, value=days, key="s_days")
        limit = cols[3].number_input("Time limit (s)", min_value=1.0, max_value=3600.0, value=30.0,
                                     step=5.0, key="s_limit")
        workers = cols[4].number_input("Workers", min_value=1, max_value=16, value=2, key="s_workers")
        go_ = st.form_submit_button("Start solve", type="primary")
    if go_:
        try:
            job = c.start_solve(SolveRequest(name=name, horizon_start=h_start, horizon_days=int(h_days),
                                             time_limit=float(limit), workers=int(workers)))
        except ValidationFailed as e:
            for f, msgs in e.fields.items():
                st.error(f"{f or 'request'}: {' '.join(msgs)}")
        except RotaError as e:
            state.show_error(e)
        else:
            st.session_state["job"] = job.id
    if st.session_state.get("job") is None:
        recent = c.jobs(limit=5)
        if recent:
            st.caption("Recent jobs")
            st.dataframe([{"job": j.id, "status": j.status, "name": j.name, "plan": j.plan_id,
                           "objective": j.objective, "seconds": j.elapsed} for j in recent],
                         hide_index=True)
        return
    job_id = st.session_state["job"]
    if c.job(job_id).status in ("queued", "running"):
        _progress(c, job_id)
    else:
        _result(c, job_id)
