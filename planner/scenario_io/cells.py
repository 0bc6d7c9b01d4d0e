"""Parsing and formatting of single CSV cells (dates, times, lists, service windows).

Every parser takes the stripped cell text and raises ``ValueError`` with a short
message saying what is wrong; the loader adds file, line and column.
"""

from __future__ import annotations

import datetime as dt
import re

from planner.domain import WEEKDAYS, ServiceWindow

TRUE = {"true", "yes", "y", "1", "oui", "x"}
FALSE = {"false", "no", "n", "0", "non"}


def parse_str(text: str) -> str:
    return text


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"not an integer: {text!r}") from None


def parse_float(text: str) -> float:
    # spreadsheets in French/Belgian locales write decimals with a comma
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def fmt_float(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def parse_bool(text: str) -> bool:
    low = text.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise ValueError(f"not a yes/no value: {text!r} (expected true or false)")


def fmt_bool(value: bool) -> str:
    return "true" if value else "false"


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"bad date {text!r} (expected YYYY-MM-DD)") from None


def parse_time(text: str) -> dt.time:
    # 08:00, 08:00:00, 8h30, 8h, 8H (spreadsheet habits); 24:00 = midnight
    m = re.fullmatch(r"(\d{1,2})(?:[hH](\d{2})?|:(\d{2})(?::(\d{2}))?)", text)
    if m:
        h, mi, s = int(m[1]), int(m[2] or m[3] or 0), int(m[4] or 0)
        if h == 24 and mi == 0 and s == 0:
            return dt.time(0, 0)
        if h < 24 and mi < 60 and s < 60:
            return dt.time(h, mi, s)
    raise ValueError(f"bad time {text!r} (expected HH:MM, e.g. 08:00, 8h30 or 24:00)")


def fmt_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def parse_datetime(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"bad date-time {text!r} (expected YYYY-MM-DDTHH:MM, optionally with +HH:MM)"
        ) from None


def fmt_datetime(value: dt.datetime) -> str:
    return value.isoformat()


def parse_list(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split(";") if p.strip())


def fmt_list(values) -> str:
    return ";".join(sorted(str(v) for v in values))


def parse_weekday(text: str) -> int:
    low = text.lower()[:3]
    if low in WEEKDAYS and text.lower() in (low, _long(low)):
        return WEEKDAYS.index(low)
    if text.isdigit() and int(text) < 7:
        return int(text)
    raise ValueError(f"bad weekday {text!r} (expected one of {', '.join(WEEKDAYS)})")


def _long(short: str) -> str:
    return {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday",
            "fri": "friday", "sat": "saturday", "sun": "sunday"}[short]


def fmt_weekday(value: int) -> str:
    return WEEKDAYS[value]


def parse_days(text: str) -> list[int]:
    """``mon-fri``, ``sat,sun``, ``mon-wed,fri`` → weekday numbers in text order."""
    days: list[int] = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = (parse_weekday(x.strip()) for x in part.split("-", 1))
            span = list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
        else:
            span = [parse_weekday(part)]
        for d in span:
            if d in days:
                raise ValueError(f"weekday {WEEKDAYS[d]} given twice in {text!r}")
            days.append(d)
    return days


def fmt_days(days: list[int]) -> str:
    """Inverse of :func:`parse_days`: runs of 3+ consecutive days become ``a-b``."""
    parts: list[str] = []
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{WEEKDAYS[days[i]]}-{WEEKDAYS[days[j]]}")
        else:
            parts.extend(WEEKDAYS[d] for d in days[i:j + 1])
        i = j + 1
    return ",".join(parts)


def parse_weekday_set(text: str) -> frozenset[int]:
    if text == "-":
        return frozenset()
    return frozenset(parse_days(text))


def fmt_weekday_set(value: frozenset[int]) -> str:
    return fmt_days(sorted(value)) if value else "-"


def parse_windows(text: str) -> tuple[ServiceWindow, ...]:
    """``mon-fri 08:00-18:00; sat 09:00-13:00`` or ``24/7`` → service windows.

    Windows keep the text order so that saving and loading gives back the same tuple.
    """
    if text.lower() in ("24/7", "24x7"):
        return tuple(ServiceWindow(weekday=d, start=dt.time(0), end=dt.time(0))
                     for d in range(7))
    out: list[ServiceWindow] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s+(\S+)\s*-\s*(\S+)", part)
        if not m:
            raise ValueError(
                f"bad service window {part!r} (expected e.g. 'mon-fri 08:00-18:00' or '24/7')")
        start, end = parse_time(m[2]), parse_time(m[3])
        if start == end and start != dt.time(0):
            raise ValueError(f"service window {part!r} has zero length")
        out.extend(ServiceWindow(weekday=d, start=start, end=end) for d in parse_days(m[1]))
    return tuple(out)


def fmt_windows(windows: tuple[ServiceWindow, ...]) -> str:
    full = tuple(ServiceWindow(weekday=d, start=dt.time(0), end=dt.time(0)) for d in range(7))
    if windows == full:
        return "24/7"
    parts: list[str] = []
    i = 0
    while i < len(windows):
        w = windows[i]
        days = [w.weekday]
        j = i + 1
        # group following windows with the same hours and increasing days (order kept)
        while (j < len(windows) and (windows[j].start, windows[j].end) == (w.start, w.end)
               and windows[j].weekday == days[-1] + 1):
            days.append(windows[j].weekday)
            j += 1
        parts.append(f"{fmt_days(days)} {fmt_time(w.start)}-{fmt_time(w.end)}")
        i = j
    return "; ".join(parts)


def parse_limits(text: str) -> dict[str, int]:
    """``night=0; late=4`` → ``{"night": 0, "late": 4}``."""
    out: dict[str, int] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"bad shift limit {part!r} (expected e.g. 'night=0')")
        out[key.strip()] = parse_int(val.strip())
    return out


def fmt_limits(value: dict[str, int]) -> str:
    return "; ".join(f"{k}={v}" for k, v in value.items())
