"""Value limits and field types shared by the domain, the scenario loader and the API.

Every value the solver or the calendars cannot handle is refused here, at
construction of a domain object, so a scenario folder, an API write and an import
meet the same checks (see docs/scenario-format.md, "Limits").
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BeforeValidator, Field

MIN_YEAR = 1900
MAX_YEAR = 2199
"""Dates (horizons, absences, peaks, requests, fixed rows) lie in these years."""
MAX_HORIZON_DAYS = 732
"""Longest horizon (two years): longer models take too long to build and solve."""
MAX_INT = 2**31 - 1
"""Largest count or minute total (the databases store 32-bit integers)."""
MAX_COUNT = 10_000
"""Largest head count (coverage, peaks, shift limits)."""
MAX_WEIGHT = 1_000_000
"""Largest soft-rule weight. With every weight at this bound, the objective of a
two-year horizon stays far below what CP-SAT can add up (2**63)."""
MAX_FACTOR = 100.0
"""Largest peak weight factor (it multiplies a tier weight)."""
MAX_HOURS = 10_000.0
ID_MAX = 64
TEXT_MAX = 500

ID_FORBIDDEN = ";,=/?#%"
"""Characters an id may not hold: list and limit separators of the CSV files
(``;``, ``,``, ``=``) and characters that cannot sit in an API URL path."""
_ID_RE = re.compile(r"[^;,=/?#%\x00-\x1f\x7f]+")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain a NUL character")
    return value


def check_text(value: str) -> str:
    """Free text may hold tabs and line breaks, no other control character (a stray
    carriage return ends a CSV row; PostgreSQL cannot store NUL)."""
    _no_nul(value)
    m = _CONTROL.search(value)
    if m:
        raise ValueError(f"text may not contain the control character {m[0]!r}")
    return value


def check_id(value: str) -> str:
    """Refuse ids that break the CSV format or an API path (with a message saying why)."""
    _no_nul(value)
    if not value:
        raise ValueError("id is empty")
    if len(value) > ID_MAX:
        raise ValueError(f"id is longer than {ID_MAX} characters")
    if not _ID_RE.fullmatch(value):
        bad = sorted({c for c in value if not _ID_RE.fullmatch(c)})
        shown = ", ".join(repr(c) for c in bad)
        raise ValueError(
            f"id {value!r} holds {shown}: ids may not contain control characters "
            f"or any of {' '.join(ID_FORBIDDEN)}"
        )
    return value


def _opt_id(value: str) -> str:
    return check_id(value) if value else value


def check_date(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"date {value.isoformat()} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return value


def _check_datetime(value: dt.datetime) -> dt.datetime:
    check_date(value.date())
    return value


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """IANA time-zone names (without the host's ``localtime`` alias)."""
    return frozenset(available_timezones() - {"localtime", "posixrules", "posix/localtime"})


def check_zone(value: str) -> str:
    if value not in time_zones():
        raise ValueError(
            f"unknown time zone {value!r} (expected an IANA name such as Europe/Brussels or UTC)"
        )
    return value


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    import holidays

    return frozenset(holidays.list_supported_countries())


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def check_country(value: str) -> str:
    if value and value not in countries():
        raise ValueError(
            f"unknown country code {value!r} (expected an ISO 3166 code with public holidays, "
            "e.g. BE, FR, NL, or empty)"
        )
    return value


_PHONE_RE = re.compile(r"\+[0-9][0-9 .()-]*")
PHONE_DIGITS = (6, 15)
"""Digits of a phone number with its country code (E.164 allows at most 15)."""


def check_phone(value: str) -> str:
    """A phone number in international form (``+32 2 555 01 23``) or '' (none given).

    Spaces, dots, hyphens and parentheses may group the digits; the leading ``+`` and
    country code are required, so that the number works from any country and as a
    ``tel:`` link.
    """
    if not value:
        return value
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE_RE.fullmatch(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValueError(
            f"phone {value!r} is not a phone number in international form: write + and the "
            f"country code, then {PHONE_DIGITS[0]}-{PHONE_DIGITS[1]} digits in all, grouped by "
            "spaces, '.', '-' or '()' (e.g. +32 2 555 01 23)"
        )
    return value


def tel_uri(phone: str) -> str:
    """The ``tel:`` URI of a checked phone number (RFC 3966: '+' and digits only)."""
    return "tel:+" + "".join(ch for ch in phone if ch.isdigit())


Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(check_text)]
"""Free text (names, reasons): no NUL or control character but tab and line break."""
Phone = Annotated[str, Field(max_length=40), AfterValidator(check_phone)]
"""A phone number in international form, or '' (see :func:`check_phone`)."""
Id = Annotated[str, AfterValidator(check_id)]
"""An entity id (also a skill name): no separators of the file format or of a URL path."""
OptId = Annotated[str, AfterValidator(_opt_id)]
"""A reference that may be empty ('' = any)."""
Day = Annotated[dt.date, AfterValidator(check_date)]
Moment = Annotated[dt.datetime, AfterValidator(_check_datetime)]
Zone = Annotated[str, AfterValidator(check_zone)]
Country = Annotated[str, BeforeValidator(_upper), AfterValidator(check_country)]
"""An ISO 3166 code known to the ``holidays`` package; lower case is made upper case."""
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT)]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS)]
Minutes = Annotated[int, Field(ge=0, le=MAX_INT)]
