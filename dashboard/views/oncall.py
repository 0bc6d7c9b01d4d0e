"""On call: who is on call now and next per rotation, how to reach them, and the periods
of a plan as a timeline.

Coordinators and managers only: the page shows other people's phone numbers and
e-mails, and a technician sees only what is theirs (My schedule).
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import state, style
from dashboard.client import RotaClient
from planner.validation import tel_uri

TITLE, ICON, URL = "On call", ":material/phone_in_talk:", "oncall"


def contact_html(contact) -> str:
    """A person on call: name, then the phone as a ``tel:`` link and the e-mail as a
    ``mailto:`` link (each only when known)."""
    if contact is None:
        return '<span class="none">nobody</span>'
    parts = [f"<b>{html.escape(contact.name)}</b>"]
    if contact.phone:
        parts.append(f'<a href="{html.escape(tel_uri(contact.phone))}">☎ {html.escape(contact.phone)}</a>')
    else:
        parts.append('<span class="none">no phone</span>')
    if contact.email:
        parts.append(f'<a href="mailto:{html.escape(contact.email)}">{html.escape(contact.email)}</a>')
    return "<br>".join(parts)


def now_next_html(rows) -> str:
    """One table row per rotation and role (a rotation serving several clients is listed
    once, with its clients)."""
    grouped: dict[tuple[str, str], list] = {}
    for r in rows:
        grouped.setdefault((r.rotation, r.role), []).append(r)
    body = []
    for (rotation, role), same in grouped.items():
        r = same[0]
        clients = ", ".join(sorted({x.client for x in same}))
        until = f"until {style.when(r.now.end)}" if r.now else ""
        since = f"from {style.when(r.next.start)}" if r.next else ""
        body.append(
            f"<tr><th>{html.escape(rotation)}<br><small>{html.escape(clients)}</small></th>"
            f"<td>{html.escape(role)}</td>"
            f"<td>{contact_html(r.now_contact if r.now else None)}<br><small>{until}</small></td>"
            f"<td>{contact_html(r.next_contact if r.next else None)}<br><small>{since}</small></td></tr>")
    return ('<table class="rota-oncall"><thead><tr><th>rotation · clients</th><th>role</th>'
            f'<th>on call now</th><th>next</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


@state.page(*state.STAFF)
def page(c: RotaClient) -> None:
    st.title("On call")
    st.subheader("Now and next (published plans)")
    rows = c.oncall_now()
    if rows:
        st.html(now_next_html(rows))
    else:
        st.info("No published plan has on-call periods.")
    _timeline(c)


def _timeline(c: RotaClient) -> None:
    st.subheader("Periods of a plan")
    plan_id = state.choose_plan(c)
    if plan_id is None:
        return
    periods = state.plan_rows(c, plan_id)["oncall"]
    if not periods:
        st.info("This plan has no on-call periods.")
        return
    techs = {t["id"]: t for t in state.rows(c, "technicians")}
    df = pd.DataFrame([{"rotation": f"{o.rotation} · {o.role}", "start": o.start, "end": o.end,
                        "technician": techs.get(o.technician, {}).get("name") or o.technician,
                        "role": o.role} for o in periods])
    fig = px.timeline(df, x_start="start", x_end="end", y="rotation", color="role", text="technician",
                      color_discrete_map={"primary": style.ONCALL, "backup": "#f5b7b1"})
    fig.update_layout(height=120 + 40 * df["rotation"].nunique(), margin=dict(l=10, r=10, t=10, b=10))
    fig.update_yaxes(autorange="reversed", title="")
    st.plotly_chart(fig, key="oncall_timeline")
