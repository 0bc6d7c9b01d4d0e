"""The Rota dashboard: ``streamlit run dashboard/app.py`` (``rota up`` does it).

Builds the navigation from the signed-in role: signed out, only Sign-in exists; a
technician gets My schedule and Swaps; coordinators and managers get the planning pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import state, style  # noqa: E402
from dashboard.views import (  # noqa: E402
    coverage, data, fairness, my_schedule, oncall, roster, signin, solve, swaps, whatif,
)

PAGES = {
    # role -> pages in menu order (the first is the landing page)
    "manager": [roster, solve, coverage, fairness, oncall, whatif, swaps, data],
    "coordinator": [roster, coverage, fairness, oncall, whatif, swaps],
    "technician": [my_schedule, swaps],
}


def pages_for(role: str | None) -> list:
    return [st.Page(m.page, title=m.TITLE, icon=m.ICON, url_path=m.URL) for m in PAGES.get(role, [])]


def main() -> None:
    st.set_page_config(page_title="Rota", page_icon=":material/calendar_month:", layout="wide")
    st.markdown(style.CSS, unsafe_allow_html=True)
    role = state.role()
    if role is None:
        nav = st.navigation([st.Page(signin.page, title="Sign in", icon=":material/login:", url_path="signin")],
                            position="hidden")
    else:
        pages = pages_for(role)
        state.remember_pages(pages)
        nav = st.navigation(pages)
        u = state.user()
        with st.sidebar:
            if len(state.teams()) > 1:  # several teams: pick the one to act in
                slugs = [x["slug"] for x in state.teams()]
                names = {x["slug"]: f"{x['name']} ({x['role']})" for x in state.teams()}
                current = st.session_state.get("team") or slugs[0]
                chosen = st.selectbox("Team", slugs, index=slugs.index(current) if current in slugs else 0,
                                      format_func=names.get, key="team_select")
                if chosen != current:
                    state.choose_team(chosen)
                    st.rerun()
            st.caption(f"Signed in as **{u['full_name'] or u['username']}** ({role})")
            if st.button("Sign out", key="signout"):
                state.sign_out()
                st.rerun()
    nav.run()


main()
