"""Swaps: a technician proposes to give away or exchange a published duty and sees at once
whether it breaks a hard rule (which, for whom); coordinators and managers approve the
pending proposals into a new draft plan or reject them with a reason."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import state, style
from dashboard.client import Conflict, NotFound, RotaClient, ValidationFailed

TITLE, ICON, URL = "Swaps", ":material/swap_horiz:", "swaps"
AHEAD = 120


def duty_label(d: dict | None) -> str:
    """``'Tue 13/07/2027 day LOG'`` or ``'on-call primary SYS from 05/07/2027'``."""
    if not d:
        return ""
    day = dt.date.fromisoformat(str(d["date"]))
    kind = d.get("kind", "shift")
    if kind != "shift":
        return f"on-call {kind.removeprefix('oncall_')} {d['shift']} from {day:%d/%m/%Y}"
    return f"{style.WEEKDAYS[day.weekday()]} {day:%d/%m/%Y} {d['shift']} {d.get('client', '')}".strip()


def _rows(proposals) -> list[dict]:
    return [{"#": p.id, "plan": p.plan_id, "status": p.status, "from": p.technician,
             "gives": duty_label(p.duty), "to": p.to, "takes back": duty_label(p.take),
             "objective change": p.verdict.objective_delta, "reason": p.reason,
             "draft": str(p.draft_plan_id or "")} for p in proposals]


def show_verdict(v) -> None:
    """The instant verdict: the broken hard rules (which, for whom) or the objective change."""
    if v.ok:
        sign = "+" if v.objective_delta > 0 else ""
        stored = f" Proposal #{v.proposal_id} waits for your coordinator." if v.proposal_id else ""
        st.success(f"No hard rule broken; objective change {sign}{v.objective_delta}.{stored}")
        return
    lines = "\n".join(f"- **{x.rule}** ({x.technician}{', ' + x.date.strftime('%d/%m/%Y') if x.date else ''}): "
                      f"{x.message}" for x in v.violations)
    st.error(f"Refused: the swap breaks hard rules.\n\n{lines}")


def _my_duties(c: RotaClient, tech: str) -> list[tuple[str, int, dict]]:
    """(label, plan id, duty body) of my published duties and on-call roles ahead."""
    today = dt.date.today()
    sched = c.schedule(tech, today, today + dt.timedelta(days=AHEAD))
    out = []
    for a in sched.assignments:
        if a.plan_id is None:
            continue
        body = {"client": a.client, "date": a.date.isoformat(), "shift": a.shift,
                "skill": a.skill, "kind": "shift"}
        out.append((duty_label(body) + f" {style.local(a.start):%H:%M}–{style.local(a.end):%H:%M}",
                    a.plan_id, body))
    for o in sched.oncall:
        if o.plan_id is None:
            continue
        body = {"date": style.local(o.start).date().isoformat(), "shift": o.rotation,
                "kind": f"oncall_{o.role}"}
        out.append((duty_label(body), o.plan_id, body))
    return out


def _propose(c: RotaClient, tech: str) -> None:
    duties = _my_duties(c, tech)
    if not duties:
        st.info("You have no published duty ahead to give away.")
        return
    with st.form("swap_form"):
        pick = st.selectbox("My duty", range(len(duties)), format_func=lambda i: duties[i][0],
                            key="sw_duty")
        to = st.text_input("Give it to (colleague's technician id)", key="sw_to")
        st.caption("Optionally take one of their duties in exchange:")
        cols = st.columns(4)
        take = cols[0].checkbox("Exchange", key="sw_exchange")
        day = cols[1].date_input("Their day", format="DD/MM/YYYY", key="sw_take_date")
        shift = cols[2].text_input("Their shift", key="sw_take_shift")
        client = cols[3].text_input("Their client", key="sw_take_client")
        if not st.form_submit_button("Check and propose", type="primary"):
            return
    if not to.strip():
        st.error("Name the colleague who takes the duty.")
        return
    _label, plan_id, duty = duties[pick]
    body = {"technician": tech, "to": to.strip(), "duty": duty, "take": None}
    if take:
        body["take"] = {"client": client.strip(), "date": day.isoformat(),
                        "shift": shift.strip(), "kind": "shift"}
    try:
        verdict = c.propose_swap(plan_id, body)
    except (ValidationFailed, NotFound) as e:
        st.error(e.message)
        return
    st.session_state["sw_verdict"] = verdict
    show_verdict(verdict)


def _technician(c: RotaClient) -> None:
    tech = state.user()["technician_id"]
    st.markdown("**Propose a swap**: Rota tells you at once whether it breaks a rule.")
    _propose(c, tech)
    st.divider()
    mine = c.swap_proposals()
    st.caption("My proposals (made by me or naming me)")
    if mine:
        st.dataframe(_rows(mine), hide_index=True)
    else:
        st.info("No swap proposal yet.")


def _decide(c: RotaClient, p, names: dict) -> None:
    def who(tid: str) -> str:
        return f"{names[tid]} ({tid})" if names.get(tid) else tid

    with st.container(border=True):
        st.markdown(f"**#{p.id}** {who(p.technician)} gives **{duty_label(p.duty)}** to "
                    f"**{who(p.to)}**"
                    + (f", takes back **{duty_label(p.take)}**" if p.take else "")
                    + f" (plan {p.plan_id}; objective change {p.verdict.objective_delta:+d})")
        cols = st.columns([1, 3, 1])
        if cols[0].button("Approve", key=f"sw_ok_{p.id}", type="primary"):
            try:
                draft = c.approve_proposal(p.id)
                st.session_state["sw_flash"] = ("success", f"Proposal #{p.id} approved: new draft "
                                                f"plan {draft.id} ({draft.name}); open it in Roster "
                                                "to publish.")
            except Conflict as e:
                st.session_state["sw_flash"] = ("error", f"Proposal #{p.id} not approved: {e.message}")
            st.rerun()
        reason = cols[1].text_input("Reason (for the technicians)", key=f"sw_reason_{p.id}",
                                    label_visibility="collapsed", placeholder="reason of a refusal")
        if cols[2].button("Reject", key=f"sw_no_{p.id}"):
            try:
                c.reject_proposal(p.id, reason)
                st.session_state["sw_flash"] = ("info", f"Proposal #{p.id} rejected.")
            except Conflict as e:
                st.session_state["sw_flash"] = ("error", e.message)
            st.rerun()


def _staff(c: RotaClient) -> None:
    flash = st.session_state.pop("sw_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    proposals = c.swap_proposals()
    pending = [p for p in proposals if p.status == "open"]
    st.subheader(f"Pending ({len(pending)})")
    if not pending:
        st.info("No swap proposal waits for a decision.")
    names = {x["id"]: x.get("name") or "" for x in state.rows(c, "technicians")} if pending else {}
    for p in pending:
        _decide(c, p, names)
    decided = [p for p in proposals if p.status != "open"]
    if decided:
        st.subheader("Decided")
        st.dataframe(_rows(decided), hide_index=True)


@state.page(*state.STAFF, *state.TECHNICIAN)
def page(c: RotaClient) -> None:
    st.title("Swaps")
    if state.role() == "technician":
        _technician(c)
    else:
        _staff(c)
