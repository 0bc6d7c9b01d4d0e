"""Roster: the plan as a technicians x days grid, KPIs, versions, diff, publish, export."""

from __future__ import annotations

import streamlit as st

from dashboard import grid, state, style
from dashboard.client import Conflict, RotaClient

TITLE, ICON, URL = "Roster", ":material/calendar_view_month:", "roster"


def _filters(techs: list[dict]) -> tuple[list[dict], str | None]:
    """The technicians the filters keep, in the chosen order, and the field sorted by."""
    def opts(key: str, many: bool = True) -> list[str]:
        vals = set()
        for t in techs:
            v = t.get(key)
            vals.update(v or []) if many else vals.add(v)
        return sorted(x for x in vals if x)

    cols = st.columns([1, 1, 1, 1, 1, 0.8, 0.7], vertical_alignment="bottom")
    chosen = dict(
        client=cols[0].multiselect("Client", opts("clients"), key="f_client"),
        skill=cols[1].multiselect("Skill", opts("skills"), key="f_skill"),
        role=cols[2].multiselect("Role", opts("roles"), key="f_role"),
        site=cols[3].multiselect("Site", opts("site", False), key="f_site"),
        contract=cols[4].multiselect("Contract", opts("contract", False), key="f_contract"),
    )
    by = cols[5].selectbox("Sort by", list(grid.SORTS), key="sort_by")
    descending = cols[6].toggle("Reverse", key="sort_desc", help="Sort from Z to A")
    return grid.sort_technicians(grid.filter_technicians(techs, **chosen), by, descending), grid.SORTS[by]


def _kpis(c: RotaClient, data: dict, days) -> None:
    plan = data["plan"]
    pct, per_client = grid.coverage_kpis(data["coverage"])
    granted, total = grid.requests_granted(state.rows_many(c, "technicians", "shift-types", "requests",
                                                           "absences")["requests"], data["assignments"], days)
    fair = grid.fairness_table(data["fairness"])
    k = st.columns(5)
    k[0].metric("Coverage", f"{pct:.1f} %" if pct is not None else "–")
    k[1].metric("Shortfall (people-shifts)", int(per_client["shortfall"].sum()) if len(per_client) else 0)
    k[2].metric("Requests granted", f"{granted}/{total}")
    k[3].metric("Largest fairness spread", int(fair["spread"].max()) if len(fair) else 0)
    k[4].metric("Objective", f"{plan.checked_objective or plan.objective or 0:,.0f}".replace(",", " "))
    with st.expander("Shortfall per client · penalties by rule · fairness spreads"):
        a, b, f = st.columns(3)
        a.dataframe(per_client[per_client["shortfall"] > 0] if len(per_client) else per_client,
                    hide_index=True, width="stretch")
        pen = sorted(((r, v) for r, v in (plan.penalties or {}).items() if v), key=lambda x: -x[1])
        b.dataframe([{"rule": r, "penalty": v} for r, v in pen], hide_index=True, width="stretch")
        f.dataframe(fair, hide_index=True, width="stretch")


def _actions(c: RotaClient, plan, data) -> None:
    cols = st.columns([1, 1, 1, 3])
    if state.role() == "manager" and plan.status == "draft":
        if cols[0].button("Publish", type="primary", key="publish"):
            try:
                result = c.publish(plan.id)
            except Conflict as e:
                st.error(f"Not published: {e.message}")
            else:
                state.refresh()
                gone = ", ".join(f"#{p}" for p in result.superseded) or "none"
                st.session_state["flash_roster"] = f"Plan #{plan.id} published (superseded: {gone})."
                st.rerun()
    # callables: the file is made by the API only when the button is clicked
    cols[1].download_button("Export CSV", lambda: c.export(plan.id, "csv"), f"plan-{plan.id}.csv",
                            "text/csv", key="csv")
    cols[2].download_button(
        "Export Excel", lambda: c.export(plan.id, "xlsx"), f"plan-{plan.id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="xlsx")


def _diff(c: RotaClient, plan_id: int, names: dict[str, str]) -> None:
    plans = c.plans()
    others = [p for p in plans if p.id != plan_id]
    if not others:
        st.caption("Only one version: nothing to compare.")
        return
    default = next((i for i, p in enumerate(others) if p.status == "published"), 0)
    other = st.selectbox("Compare with", others, index=default, key="diff_with",
                         format_func=lambda p: f"#{p.id} · {p.status} · {p.name or 'plan'}")
    before, after = state.plan_rows(c, other.id), state.plan_rows(c, plan_id)
    diff = grid.plan_diff(before["assignments"], before["oncall"], after["assignments"],
                          after["oncall"], names)
    if diff.empty:
        st.success(f"#{plan_id} and #{other.id} assign the same duties.")
        return
    people = diff["id"].nunique()
    st.markdown(f"**{len(diff)} changes** for **{people} technicians** going from #{other.id} to #{plan_id}:")
    st.dataframe(diff.drop(columns=["id", "day"]), hide_index=True, width="stretch", height=320)


@state.page(*state.STAFF)
def page(c: RotaClient) -> None:
    if msg := st.session_state.pop("flash_roster", None):
        st.success(msg)
    top = st.columns([3, 1])
    top[0].title("Roster")
    plan_id = state.choose_plan(c)
    if plan_id is None:
        return
    data = state.plan_rows(c, plan_id)
    ent = state.rows_many(c, "technicians", "shift-types", "requests", "absences")
    plan = data["plan"]
    days = grid.horizon_days(plan.horizon_start, plan.horizon_days)
    techs, shift_types = ent["technicians"], ent["shift-types"]
    st.caption(f"#{plan.id} {plan.name or 'plan'} · {plan.status.upper()} · {style.long_date(days[0])} → {style.long_date(days[-1])} · "
               f"solver {plan.solver_status}, {len(data['assignments'])} shifts, "
               f"{len(data['oncall'])} on-call periods")
    _kpis(c, data, days)
    _actions(c, plan, data)
    shown, sort_field = _filters(techs)
    text, kind = grid.roster_grid(
        shown, days, data["assignments"], data["oncall"],
        grid.absent_days(ent["absences"], days),
        grid.public_holidays([t.get("country", "") for t in shown], days), sort_field)
    st.markdown(style.legend_html(shift_types), unsafe_allow_html=True)
    st.caption(f"{len(shown)} of {len(techs)} technicians")
    st.html(grid.grid_html(text, kind, style.shift_colours(shift_types), days))
    # a toggle, not an expander: an expander's content would be computed on every run
    if st.toggle("Compare with another version (who gains and who loses which duty)", key="diff_on"):
        _diff(c, plan_id, {t["id"]: t.get("name") or t["id"] for t in techs})
