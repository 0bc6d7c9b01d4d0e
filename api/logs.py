"""Log filters that keep secrets out of the server's logs.

The calendar-feed URL carries its secret in the path (``/calendar/SECRET.ics``);
uvicorn's access log would write it for every poll of every calendar application.
Database URLs are shown with their password masked (:func:`masked_url`).
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.engine import make_url

_CALENDAR = re.compile(r"(/calendar/)[^/?\s\"]+?(\.ics)")


def redact(text: str) -> str:
    """``text`` with calendar-feed secrets replaced by ``***``."""
    return _CALENDAR.sub(r"\1***\2", text)


class SecretFilter(logging.Filter):
    """Rewrites a record's message arguments so that no calendar secret is logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_filters() -> None:
    """Add :class:`SecretFilter` to the access and error loggers (once)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretFilter) for f in logger.filters):
            logger.addFilter(SecretFilter())


def masked_url(url: str) -> str:
    """A database URL fit for printing: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is printed without what may be a secret
        return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)
