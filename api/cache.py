"""Rendered responses of published schedules (JSON and iCalendar), cached per process.

The schedule routes are the most read of the API (calendar applications poll the
feeds), and their answers only change when a plan is published or when what they
show changes. This module keeps each rendered body with an ETag, so a repeated read
costs one small query (:mod:`api.callers`: the caller and the stamp together, on the
event loop) instead of the plan queries and the rendering, and a client holding the
ETag gets ``304 Not Modified``.

**Freshness across processes.** ``rota serve --http-workers N`` runs N processes, each
with its own cache, and writes can come from any of them or from ``rota import``. So
freshness is not decided by in-process events (a publish in process A would not reach
process B) but by a version stamp in the database: ``response_stamp.version``, which
database triggers (migration ``0006_response_cache_stamp``) set to a new random value
in the same transaction as any insert, update or delete on the tables whose content
the responses show:

- ``plan`` (publish, supersede, delete: which plans are published),
- ``plan_assignment`` and ``plan_oncall`` (the shifts and on-call periods),
- ``technician`` (exists or not, the name in the feed's title),
- ``client`` (name and time zone of the shifts in the feed),
- ``oncall_rotation`` (time zone of the on-call periods in the feed).

Every request reads the stamp first (in the same query as who is asking:
:mod:`api.callers`) and uses a cached body only if it was rendered under the same
stamp. A write commits its data and its new stamp together, so a process can never see
the new stamp with the old data; a body rendered just before a concurrent commit is
stored under the old stamp and never served again.
Random stamps (not a counter) keep a database that is emptied and refilled from
meeting a stamp an old entry still holds. The cost is on the write side: a writing
transaction holds the stamp row until it commits, so concurrent writes to the watched
tables queue behind each other (PostgreSQL renews it once per statement, SQLite, which
has one writer at a time anyway, once per row); writes are rare next to these reads. Without a stamp row (never, once migrated,
except in a database emptied by hand) nothing is cached.

**Not in the responses, so not watched:** absences, requests, peaks, coverage rules
(a schedule shows the published plan, not the scenario), users and calendar secrets.

**Who may see what.** The cache holds bodies by *whose schedule* they are (the
technician id, the date range, and for the feed the host name written into event UIDs),
never by who asks. Every request is authenticated and authorised before the cache is
consulted, exactly as without it: a technician asking for another's schedule gets 403,
a revoked or rotated calendar secret 404, whatever the cache holds. Two people allowed
to read the same schedule (the technician and a manager) get the same bytes.

Responses also depend on the day (the default date range and the feed's window start
from today): the key holds the resolved dates, so a new day makes new entries.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from sqlmodel import Session, select

from api import tables as t

MAX_ENTRIES = 4096
"""Bodies kept per process (least recently used first out): a few hundred technicians,
each with a feed and a schedule range or two, with room to spare (~10 kB each)."""


@dataclass(frozen=True)
class Rendered:
    stamp: int
    body: bytes
    etag: str


class ResponseCache:
    """A bounded map key -> :class:`Rendered`, safe across the server's threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, stamp: int) -> Rendered | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item.stamp != stamp:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: Hashable, item: Rendered) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


CACHE = ResponseCache()
"""This process's cache (one per server process)."""


def current_stamp(session: Session) -> int | None:
    """The database's response stamp (None: no stamp row, nothing may be cached)."""
    return session.exec(select(t.ResponseStampRow.version).where(t.ResponseStampRow.id == 1)).first()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or is ``*``); weak tags compare equal
    (RFC 9110 §13.1.2: If-None-Match uses the weak comparison)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


async def cached_read(
    request: Request,
    key: Hashable,
    stamp: int | None,
    render: Callable[[], bytes],
    media_type: str,
    cache_control: str,
    cache: ResponseCache = CACHE,
) -> Response:
    """The response for ``key``: the cached body if rendered under ``stamp``, else
    ``render()`` (in the thread pool: it queries; then cached); 304 when the client
    already holds it.

    ``stamp`` is the database's response stamp read *before* ``render`` runs (with the
    caller, :mod:`api.callers`), so a body is never stored under a stamp newer than its
    data. Call this only after the request is authenticated and authorised for ``key``.
    ``render`` may raise (e.g. 404): nothing is cached then.
    """
    item = cache.get(key, stamp) if stamp is not None else None
    if item is None:
        body = await run_in_threadpool(render)
        item = Rendered(stamp if stamp is not None else 0, body, etag_of(body))
        if stamp is not None:
            cache.put(key, item)
    headers = {"ETag": item.etag, "Cache-Control": cache_control}
    if etag_matches(request, item.etag):
        return Response(status_code=304, headers=headers)
    return Response(item.body, media_type=media_type, headers=headers)
