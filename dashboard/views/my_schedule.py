"""My schedule (technician): month calendar and list, next on-call, iCal link, declarations."""

from __future__ import annotations

import calendar
import datetime as dt
import html

import streamlit as st

from dashboard import state, style
from dashboard.client import RotaClient, ValidationFailed, Conflict

TITLE, ICON, URL = "My schedule", ":material/event:", "my-schedule"
PAST, AHEAD = 31, 400


def month_html(year: int, month: int, shifts, oncall, colours: dict, clients: dict) -> str:
    """A Monday-first month grid with each day's shift (coloured) and on-call marks."""
    by_day: dict[dt.date, list[str]] = {}
    for a in shifts:
        bg, fg = colours.get(a.shift, ("#eee", "#333"))
        by_day.setdefault(a.date, []).append(
            f'<div class="duty" style="background:{bg};color:{fg}">{html.escape(a.shift)} '
            f'{style.local(a.start):%H:%M}–{style.local(a.end):%H:%M}<br>{html.escape(clients.get(a.client, a.client))}</div>')
    for o in oncall:
        d, last = style.local(o.start).date(), style.local(o.end).date()
        while d <= last:
            mark = "☎ primary" if o.role == "primary" else "☎ backup"
            by_day.setdefault(d, []).append(f'<div class="oc">{mark} {html.escape(o.rotation)}</div>')
            d += dt.timedelta(days=1)
    head = "".join(f"<th>{w}</th>" for w in style.WEEKDAYS)
    body = []
    for week in calendar.Calendar(0).monthdatescalendar(year, month):
        cells = []
        for d in week:
            cls = "" if d.month == month else ' class="out"'
            cells.append(f'<td{cls}><div class="d">{d.day}</div>{"".join(by_day.get(d, []))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="rota-cal"><tr>{head}</tr>{"".join(body)}</table>'


def _colours_from(shifts) -> dict:
    """Shift colours from the shifts' own local times (technicians do not read shift types):
    the same rule, so the same colours, as the staff pages."""
    types = {a.shift: {"id": a.shift, "start": style.local(a.start).time(),
                       "end": style.local(a.end).time()} for a in shifts}
    return style.shift_colours(list(types.values()))


def _declare(c: RotaClient, tech: str, shift_ids: list[str]) -> None:
    a, r = st.columns(2)
    with a.form("absence", clear_on_submit=False):
        st.markdown("**Declare an absence**")
        start = st.date_input("From", format="DD/MM/YYYY", key="abs_start")
        end = st.date_input("To (inclusive)", format="DD/MM/YYYY", key="abs_end")
        kind = st.selectbox("Kind", ["planned", "unplanned"], key="abs_kind")
        reason = st.text_input("Reason", key="abs_reason")
        if st.form_submit_button("Send (pending until approved)"):
            try:
                c.create("absences", {"technician": tech, "start": start.isoformat(),
                                      "end": end.isoformat(), "kind": kind, "reason": reason})
                st.success("Absence sent: pending until your coordinator decides.")
            except (ValidationFailed, Conflict) as e:
                st.error(e.message)
    with r.form("request", clear_on_submit=False):
        st.markdown("**Ask to work or not to work a day**")
        day = st.date_input("Day", format="DD/MM/YYYY", key="req_day")
        shift = st.selectbox("Shift", ["(any)", *shift_ids], key="req_shift")
        work = st.radio("I would like to", ["not work", "work"], horizontal=True, key="req_work")
        if st.form_submit_button("Send request (pending)"):
            try:
                c.create("requests", {"technician": tech, "date": day.isoformat(),
                                      "shift": "" if shift == "(any)" else shift,
                                      "work": work == "work", "weight": 1})
                st.success("Request sent: pending until your coordinator decides.")
            except (ValidationFailed, Conflict) as e:
                st.error(e.message)


def _calendar_link(c: RotaClient) -> None:
    """The iCal subscription link: Rota stores only a digest of its secret, so the URL is
    shown once, right after it is made; a lost link is replaced (the old one stops)."""
    st.markdown("**Calendar subscription** (paste into Outlook, Google or Apple Calendar):")
    fresh = st.session_state.get("ical_url")
    if fresh:
        st.code(fresh, language=None)
        st.caption("Copy it now: for your safety Rota shows this link only once.")
        return
    link = c.my_calendar()
    if link.exists:
        since = f" on {style.long_date(style.local(link.created_at).date())}" if link.created_at else ""
        st.caption(f"You have a calendar link (made{since}); it is shown only when it is made. "
                   "Lost it? Make a new one: the old one stops working.")
    label = "New calendar link" if link.exists else "Create my calendar link"
    if st.button(label, key="ical_new"):
        st.session_state["ical_url"] = c.new_calendar_link().url
        st.rerun()


@state.page(*state.TECHNICIAN)
def page(c: RotaClient) -> None:
    me = state.user()
    tech = me["technician_id"]
    st.title("My schedule")
    today = dt.date.today()
    sched = c.schedule(tech, today - dt.timedelta(days=PAST), today + dt.timedelta(days=AHEAD))
    now = dt.datetime.now(dt.timezone.utc)
    nxt = next((o for o in sched.oncall if o.end > now), None)
    upcoming = [a for a in sched.assignments if a.end > now]
    k = st.columns(3)
    k[0].metric("Next shift", style.when(upcoming[0].start) if upcoming else "none")
    k[1].metric("Next on-call", f"{style.when(nxt.start)} ({nxt.role})" if nxt else "none")
    k[2].metric("Shifts ahead", len(upcoming))
    _calendar_link(c)
    st.download_button("Download .ics", lambda: c.schedule_ics(tech), f"rota-{tech}.ics", "text/calendar",
                       key="ics")
    months = sorted({(a.date.year, a.date.month) for a in sched.assignments}
                    | {(style.local(o.start).year, style.local(o.start).month) for o in sched.oncall})
    if not months:
        st.info("No published shift or on-call period for you yet.")
    else:
        first = next((m for m in months if m >= (today.year, today.month)), months[-1])
        month = st.selectbox("Month", months, index=months.index(first), key="month",
                             format_func=lambda m: style.month_title(*m))
        colours = _colours_from(sched.assignments)
        tab_cal, tab_list = st.tabs(["Calendar", "List"])
        with tab_cal:
            st.markdown(month_html(*month, sched.assignments, sched.oncall, colours, {}),
                        unsafe_allow_html=True)
        with tab_list:
            st.dataframe([{"day": style.long_date(a.date), "shift": a.shift, "client": a.client,
                           "from": f"{style.local(a.start):%H:%M}", "to": f"{style.local(a.end):%H:%M}"}
                          for a in sched.assignments
                          if (a.date.year, a.date.month) == month], hide_index=True)
            st.dataframe([{"on call": o.role, "rotation": o.rotation, "from": style.when(o.start),
                           "to": style.when(o.end)} for o in sched.oncall], hide_index=True)
    st.divider()
    _declare(c, tech, sorted({a.shift for a in sched.assignments}))
    mine = c.list("absences", technician=tech)
    reqs = c.list("requests", technician=tech)
    if mine or reqs:
        st.caption("My declarations")
        st.dataframe([{"what": "absence", "from": x["start"], "to": x["end"], "status": x["status"]}
                      for x in mine] + [{"what": "work" if x["work"] else "no work", "from": x["date"],
                                         "to": x["date"], "status": x["status"]} for x in reqs],
                     hide_index=True)
