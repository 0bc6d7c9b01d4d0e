"""Session state, the API client of the signed-in user, role checks and error display.

State lives in ``st.session_state`` under a few keys: ``token`` (bearer token),
``user`` (the signed-in user as a dict) and ``plan_id`` (the plan version on screen).
Tests replace :data:`CLIENT_FACTORY` with a fake to run pages without an API.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from concurrent.futures import ThreadPoolExecutor

import streamlit as st

from dashboard.client import ApiDown, Forbidden, RotaClient, RotaError, Unauthorized, api_url

CLIENT_FACTORY: Callable[[str, str | None], Any] = lambda base, token: RotaClient(base, token)  # noqa: E731
STAFF = ("manager", "coordinator")
MANAGER = ("manager",)
TECHNICIAN = ("technician",)


def client() -> RotaClient:
    """The API client of this browser session (signed in when a token is stored), acting
    in the chosen team when the user has several (``team``)."""
    c = CLIENT_FACTORY(api_url(), st.session_state.get("token"))
    if st.session_state.get("team") and hasattr(c, "set_team"):
        c.set_team(st.session_state["team"])
    return c


def teams() -> list[dict]:
    """The signed-in user's teams (empty for a single-team user: nothing to choose)."""
    return st.session_state.get("teams") or []


def choose_team(slug: str) -> None:
    """Act in team ``slug``: its role (the pages change with it), no plan of the other
    team left on screen."""
    st.session_state["team"] = slug
    for key in ("plan_id", "job", "whatif"):
        st.session_state.pop(key, None)
    st.session_state["user"] = client().me().model_dump(mode="json")


def user() -> dict | None:
    return st.session_state.get("user")


def role() -> str | None:
    u = user()
    return u["role"] if u else None


def remember_pages(pages: list) -> None:
    """Keep this run's navigation pages, so that a page can switch to another one (a page
    object made elsewhere would not match the navigation's)."""
    st.session_state["nav_pages"] = {p.url_path: p for p in pages}


def go_to(url_path: str) -> None:
    """Switch to the navigation page at ``url_path`` (no-op when it is not in the menu)."""
    page = st.session_state.get("nav_pages", {}).get(url_path)
    if page is not None:
        st.switch_page(page)


def sign_out() -> None:
    for key in ("token", "user", "plan_id", "job", "whatif", "nav_pages", "team", "teams"):
        st.session_state.pop(key, None)


def show_error(e: RotaError) -> None:
    """A clear message for a failed call (the pages catch RotaError around actions)."""
    if isinstance(e, ApiDown):
        st.error(f"**The Rota API is not reachable.** {e.message}. Start it with `rota up` "
                 "(or `rota serve`), then reload this page.", icon=":material/power_off:")
    elif isinstance(e, Forbidden):
        st.error(f"Not allowed: {e.message}", icon=":material/block:")
    else:
        st.error(e.message, icon=":material/warning:")


def page(*roles: str) -> Callable[[Callable[[RotaClient], None]], Callable[[], None]]:
    """Decorate a page: only ``roles`` may see it; it gets the client; API failures show
    a banner (API down), or return to sign-in (401), never a traceback."""

    def wrap(fn: Callable[[RotaClient], None]) -> Callable[[], None]:
        @functools.wraps(fn)
        def run() -> None:
            if role() is None:
                st.warning("Sign in first.")
                st.stop()
            if role() not in roles:
                st.error(f"This page is for {' and '.join(r + 's' for r in roles)}; "
                         f"you are signed in as a {role()}.", icon=":material/block:")
                st.stop()
            t0 = time.perf_counter()
            try:
                fn(client())
            except Unauthorized:
                sign_out()
                st.session_state["flash"] = "Your session has ended: sign in again."
                st.rerun()
            except RotaError as e:
                show_error(e)
            if os.environ.get("ROTA_DASHBOARD_TIMING"):
                print(f"page {fn.__module__} ran in {time.perf_counter() - t0:.3f} s", file=sys.stderr)

        return run

    return wrap


# --- cached reads ----------------------------------------------------------------------
# Keyed on the API and the role: managers and coordinators may read the same scenario
# and plans (the API says so), so one's reads serve the other; technicians never use
# these (their page reads only their own schedule, uncached). A page always makes one
# uncached call first (the plan list), so a revoked token still meets the API's 401.

TTL = 300


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def entity_rows(_c: RotaClient, api: str, role_: str | None, entities: tuple[str, ...]) -> dict:
    """Several entity lists, read in parallel (no Streamlit call runs in the threads)."""
    with ThreadPoolExecutor(len(entities)) as pool:
        return dict(zip(entities, pool.map(_c.list, entities)))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=32)
def plan_data(_c: RotaClient, api: str, role_: str | None, plan_id: int) -> dict:
    """One plan version's rows (stored plans never change, except by deletion), read in
    parallel (the API serves each read in its own thread)."""
    calls = {"plan": _c.plan, "roster": _c.roster, "coverage": _c.coverage, "fairness": _c.fairness}
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = {k: pool.submit(f, plan_id) for k, f in calls.items()}
        out = {k: f.result() for k, f in futures.items()}
    out["assignments"], out["oncall"] = out.pop("roster")  # compact: technician, date, shift, client
    return out


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def full_assignments(_c: RotaClient, api: str, role_: str | None, plan_id: int) -> list:
    """A plan's shifts with their start and end instants (the Coverage page's explanations)."""
    return _c.assignments(plan_id)


def rows(c: RotaClient, entity: str) -> list[dict]:
    return entity_rows(c, c.base_url, role(), (entity,))[entity]


def rows_many(c: RotaClient, *entities: str) -> dict[str, list[dict]]:
    return entity_rows(c, c.base_url, role(), tuple(entities))


def plan_rows(c: RotaClient, plan_id: int) -> dict:
    return plan_data(c, c.base_url, role(), plan_id)


def plan_assignments(c: RotaClient, plan_id: int) -> list:
    return full_assignments(c, c.base_url, role(), plan_id)


def refresh() -> None:
    """Forget cached reads (after a publish, a solve or an edit)."""
    st.cache_data.clear()


def choose_plan(c: RotaClient, label: str = "Plan version", key: str = "plan_pick") -> int | None:
    """A select box of plan versions (the one in session state first); returns its id."""
    plans = c.plans()
    if not plans:
        st.info("No plan yet: a manager starts one on the **Solve** page.")
        return None
    ids = [p.id for p in plans]
    current = st.session_state.get("plan_id")
    if current not in ids:
        published = [p.id for p in plans if p.status == "published"]
        current = published[0] if published else ids[0]
    labels = {p.id: f"#{p.id} · {p.status} · {p.name or 'plan'} · {p.horizon_start:%d/%m/%Y} "
                    f"+{p.horizon_days} d" for p in plans}
    chosen = st.selectbox(label, ids, index=ids.index(current), format_func=labels.get, key=key)
    st.session_state["plan_id"] = chosen
    return chosen
