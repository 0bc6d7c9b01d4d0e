"""Dashboard tests: pages under Streamlit's AppTest with the API client faked."""

from __future__ import annotations

import pytest
import streamlit as st

from dashboard import state
from tests.dashboard.fake import FakeClient


@pytest.fixture
def fake(monkeypatch):
    """Replace the client factory; every client the pages make is a FakeClient."""
    FakeClient.instances = []
    FakeClient.fail = {}
    FakeClient.role = "manager"
    FakeClient.job_status = "succeeded"
    FakeClient.team_roles = {}
    monkeypatch.setattr(state, "CLIENT_FACTORY", lambda base, token: FakeClient(base, token))
    st.cache_data.clear()
    yield FakeClient
    st.cache_data.clear()
