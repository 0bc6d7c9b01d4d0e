"""The cache of rendered schedules and calendar feeds (api.cache): ETags and 304s, the
changes that renew the database stamp (and those that do not), writes from outside the
process, and that authorisation still runs before the cache on every request."""

from __future__ import annotations

import icalendar
import pytest
from sqlalchemy import text
from sqlmodel import Session

from api import tables as t
from api.cache import CACHE, Rendered, ResponseCache, current_stamp
from api.db import make_engine

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def _empty_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def _publish(client, users, make_plan) -> int:
    plan = make_plan()
    assert client.post(V1 + f"/plans/{plan}/publish", headers=users.headers("manager")).status_code == 200
    return plan


def _range(scenario) -> dict:
    return {"start": scenario.horizon.start.isoformat(), "end": scenario.horizon.end.isoformat()}


def _stamp(db) -> int | None:
    with Session(db.engine) as s:
        return current_stamp(s)


def _calname(body: bytes) -> str:
    return str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"])


def test_json_has_an_etag_and_a_repeat_is_served_from_the_cache(client, users, make_plan, scenario):
    _publish(client, users, make_plan)
    h, url = users.headers("tech"), V1 + "/technicians/T001/schedule"
    first = client.get(url, params=_range(scenario), headers=h)
    assert first.status_code == 200 and first.json()["assignments"]
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "private, no-cache"
    hits = CACHE.hits
    again = client.get(url, params=_range(scenario), headers=h)
    assert again.content == first.content and again.headers["etag"] == etag
    assert CACHE.hits == hits + 1
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        r = client.get(url, params=_range(scenario), headers={**h, "If-None-Match": header})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    r = client.get(url, params=_range(scenario), headers={**h, "If-None-Match": '"stale"'})
    assert r.status_code == 200 and r.content == first.content


def test_publishing_renews_the_json_and_the_feed(client, users, make_plan, scenario):
    h = users.headers("tech")
    url = V1 + "/technicians/T001/schedule"
    before = client.get(url, params=_range(scenario), headers=h)
    feed_before = client.get(V1 + "/technicians/T001/schedule.ics", headers=h)
    assert before.json()["assignments"] == []
    _publish(client, users, make_plan)
    after = client.get(url, params=_range(scenario), headers=h)
    assert after.json()["assignments"] and after.headers["etag"] != before.headers["etag"]
    r = client.get(url, params=_range(scenario), headers={**h, "If-None-Match": before.headers["etag"]})
    assert r.status_code == 200
    feed_after = client.get(V1 + "/technicians/T001/schedule.ics", headers=h)
    assert b"BEGIN:VEVENT" in feed_after.content and b"BEGIN:VEVENT" not in feed_before.content


@pytest.mark.parametrize("path,body,seen", [
    ("/technicians/T001", {"name": "Renamed Person"}, "Renamed Person"),
    ("/clients/C01", {"name": "Renamed Client"}, "Renamed Client"),
    ("/clients/C01", {"timezone": "Europe/Luxembourg"}, "TZID=Europe/Luxembourg"),
])
def test_changes_to_what_the_feed_shows_renew_it(client, users, make_plan, path, body, seen):
    _publish(client, users, make_plan)
    h = users.headers("tech")
    feed = V1 + "/technicians/T001/schedule.ics"
    old = client.get(feed, headers=h).content
    assert seen.encode() not in old and client.get(feed, headers=h).content == old  # cached
    assert client.patch(V1 + path, json=body, headers=users.headers("manager")).status_code == 200
    assert seen.encode() in client.get(feed, headers=h).content.replace(b"\r\n ", b"")


def test_rotation_changes_renew_the_feed(client, users, make_plan, outcome, db):
    _publish(client, users, make_plan)
    holder = outcome.plan.oncall[0]
    feed = V1 + f"/technicians/{holder.technician}/schedule.ics"
    h = users.headers("manager")
    assert b"TZID=Europe/Lisbon" not in client.get(feed, headers=h).content
    r = client.patch(V1 + f"/rotations/{holder.rotation}", json={"timezone": "Europe/Lisbon"}, headers=h)
    assert r.status_code == 200, r.text
    assert b"TZID=Europe/Lisbon" in client.get(feed, headers=h).content


def test_a_write_from_another_process_is_seen_at_once(client, users, make_plan, db):
    """No in-process event: another engine (as another server process or `rota import`
    would) changes a row, and the next request sees it through the database stamp."""
    _publish(client, users, make_plan)
    h = users.headers("tech")
    feed = V1 + "/technicians/T001/schedule.ics"
    assert "Elsewhere" not in _calname(client.get(feed, headers=h).content)
    other = make_engine(db.url)
    with other.begin() as conn:
        conn.execute(text("UPDATE technician SET name = 'Elsewhere' WHERE id = 'T001'"))
    other.dispose()
    assert _calname(client.get(feed, headers=h).content) == "Rota – Elsewhere"
    with make_engine(db.url).begin() as conn:  # and a plan unpublished behind its back
        conn.execute(text("UPDATE plan SET status = 'superseded'"))
    assert b"BEGIN:VEVENT" not in client.get(feed, headers=h).content


def test_which_tables_renew_the_stamp(client, users, db):
    h = users.headers("manager")
    stamp = _stamp(db)
    assert stamp is not None
    # not shown in a schedule or a feed: no renewal (the cache stays warm)
    r = client.post(V1 + "/absences", json={"technician": "T001", "start": "2027-07-06",
                                            "end": "2027-07-06"}, headers=h)
    assert r.status_code == 201, r.text
    assert client.post(V1 + "/users/me/calendar", headers=users.headers("tech")).status_code == 200
    assert _stamp(db) == stamp
    # shown: renewed
    assert client.patch(V1 + "/technicians/T002", json={"site": "Namur"}, headers=h).status_code == 200
    assert _stamp(db) != stamp


def test_a_technician_never_gets_anothers_cached_schedule(client, users, make_plan, scenario):
    _publish(client, users, make_plan)
    mine = client.get(V1 + "/technicians/T001/schedule", params=_range(scenario),
                      headers=users.headers("tech"))
    client.get(V1 + "/technicians/T001/schedule.ics", headers=users.headers("tech"))
    assert mine.status_code == 200 and len(CACHE) == 2
    other = users.headers("other")
    r = client.get(V1 + "/technicians/T001/schedule", params=_range(scenario), headers=other)
    assert r.status_code == 403
    r = client.get(V1 + "/technicians/T001/schedule", params=_range(scenario),
                   headers={**other, "If-None-Match": mine.headers["etag"]})
    assert r.status_code == 403  # not even a 304 that would confirm the content
    assert client.get(V1 + "/technicians/T001/schedule.ics", headers=other).status_code == 403
    theirs = client.get(V1 + "/technicians/T002/schedule", params=_range(scenario), headers=other)
    assert theirs.json()["technician"] == "T002" and theirs.content != mine.content
    # a manager may read T001's: the same bytes
    boss = client.get(V1 + "/technicians/T001/schedule", params=_range(scenario),
                      headers=users.headers("manager"))
    assert boss.content == mine.content
    # signed out: 401 whatever is cached
    assert client.get(V1 + "/technicians/T001/schedule", params=_range(scenario)).status_code == 401


def test_a_rotated_or_disabled_calendar_secret_is_refused_despite_the_cache(
        client, users, make_plan, db):
    _publish(client, users, make_plan)
    h = users.headers("tech")
    first = client.post(V1 + "/users/me/calendar", headers=h).json()
    assert client.get(first["url"]).status_code == 200
    assert client.get(first["url"]).status_code == 200  # now cached
    second = client.post(V1 + "/users/me/calendar", headers=h).json()
    assert client.get(first["url"]).status_code == 404
    assert client.get(second["url"]).status_code == 200
    with Session(db.engine) as s:
        user = s.get(t.UserRow, users.ids["tech"])
        user.active = False
        s.add(user)
        s.commit()
    assert client.get(second["url"]).status_code == 404


def test_without_a_stamp_row_nothing_is_cached(client, users, make_plan, scenario, db):
    _publish(client, users, make_plan)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM response_stamp"))
    url = V1 + "/technicians/T001/schedule"
    r = client.get(url, params=_range(scenario), headers=users.headers("tech"))
    assert r.status_code == 200 and r.json()["assignments"] and len(CACHE) == 0


def test_the_cache_is_bounded_and_checks_the_stamp():
    cache = ResponseCache(max_entries=2)
    for k in "abc":
        cache.put(k, Rendered(1, k.encode(), k))
    assert len(cache) == 2 and cache.get("a", 1) is None  # least recently used went first
    assert cache.get("c", 1).body == b"c"
    assert cache.get("c", 2) is None  # rendered under another stamp: not served
