"""Sign-in with the API's users."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.client import RotaError, Unauthorized

TITLE, ICON, URL = "Sign in", ":material/login:", "signin"


def page() -> None:
    _, mid, _ = st.columns([1, 1.2, 1])
    with mid:
        st.title("Rota")
        st.caption("Rosters and on-call plans for IT support and operations teams")
        if msg := st.session_state.pop("flash", None):
            st.info(msg)
        with st.form("signin"):
            username = st.text_input("User name", key="signin_user")
            password = st.text_input("Password", type="password", key="signin_password")
            submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
        if submitted:
            if not username or not password:
                st.error("Give your user name and password.")
                return
            c = state.client()
            try:
                token = c.login(username, password)
                # several teams: act in the first one (the sidebar switches); one team:
                # no choice, no header, as before
                mine = c.teams() if hasattr(c, "teams") else []
                several = mine if len(mine) > 1 else []
                if several:
                    c.set_team(several[0]["slug"])
                me = c.me()
            except Unauthorized as e:
                st.error(e.message)
                return
            except RotaError as e:
                state.show_error(e)
                return
            st.session_state["token"] = token
            st.session_state["teams"] = several
            st.session_state["team"] = several[0]["slug"] if several else None
            st.session_state["user"] = me.model_dump(mode="json")
            st.rerun()
