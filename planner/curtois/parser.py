"""Read the Curtois & Qu benchmark text format into an :class:`Instance`.

The format: ``#`` starts a comment (to the end of the line); a section starts with
a ``SECTION_<NAME>`` line and ends at the first blank line; fields are
comma-separated. Every problem raises :class:`InstanceError` naming the file,
the line and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from planner.curtois.instance import Cover, Instance, Shift, ShiftRequest, Staff

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
REQUIRED = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF")


class InstanceError(ValueError):
    """A malformed benchmark file; the message names the file and line."""


@dataclass(frozen=True)
class _Line:
    number: int
    fields: tuple[str, ...]


class _Reader:
    """Splits the text into sections of data lines and checks fields, naming the line."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.sections: dict[str, list[_Line]] = {}
        self.header_line: dict[str, int] = {}
        self._split(text)

    def error(self, number: int | None, message: str) -> InstanceError:
        where = self.source if number is None else f"{self.source}, line {number}"
        return InstanceError(f"{where}: {message}")

    def _split(self, text: str) -> None:
        current: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            content = raw.split("#", 1)[0].strip()
            if not raw.strip():
                current = None  # a blank line ends the section
                continue
            if not content:
                continue  # a comment line, inside or outside a section
            if content.startswith("SECTION_"):
                if content not in SECTIONS:
                    raise self.error(
                        number, f"unknown section {content!r} (expected one of {', '.join(SECTIONS)})"
                    )
                if content in self.sections:
                    raise self.error(
                        number,
                        f"{content} appears twice (first on line {self.header_line[content]})",
                    )
                current = content
                self.sections[current] = []
                self.header_line[current] = number
                continue
            if current is None:
                raise self.error(
                    number,
                    f"data line {content!r} outside any section "
                    "(a section starts with SECTION_<NAME> and ends at a blank line)",
                )
            fields = tuple(f.strip() for f in content.split(","))
            self.sections[current].append(_Line(number, fields))
        for name in REQUIRED:
            if name not in self.sections:
                raise self.error(None, f"missing {name}")

    def lines(self, section: str) -> list[_Line]:
        return self.sections.get(section, [])

    def count(self, line: _Line, section: str, expected: int, layout: str) -> None:
        if len(line.fields) != expected:
            raise self.error(
                line.number,
                f"{section} expects {expected} fields ({layout}), found {len(line.fields)}",
            )

    def integer(self, line: _Line, value: str, what: str, minimum: int | None = 0) -> int:
        try:
            n = int(value)
        except ValueError:
            raise self.error(line.number, f"{what} must be an integer, found {value!r}") from None
        if minimum is not None and n < minimum:
            raise self.error(line.number, f"{what} must be at least {minimum}, found {n}")
        return n

    def ident(self, line: _Line, value: str, what: str) -> str:
        if not value:
            raise self.error(line.number, f"{what} is empty")
        return value


def parse_instance(path: str | Path) -> Instance:
    """Read a benchmark instance file.

    Parameters
    ----------
    path : the ``InstanceN.txt`` file.

    Returns
    -------
    Instance
        Named after the file's stem.

    Raises
    ------
    InstanceError
        If the file cannot be read or is malformed; the message names the file and line.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InstanceError(f"{p}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise InstanceError(f"{p}: not a UTF-8 text file ({e.reason})") from None
    return parse_text(text, source=str(p), name=p.stem)


def parse_text(text: str, source: str = "<text>", name: str = "") -> Instance:
    """Parse the text of a benchmark instance (see :func:`parse_instance`)."""
    r = _Reader(text, source)
    horizon = _horizon(r)
    shifts = _shifts(r)
    shift_ids = {s.id for s in shifts}
    staff = _staff(r, shift_ids)
    staff_ids = {s.id for s in staff}

    def day(line: _Line, value: str) -> int:
        d = r.integer(line, value, "day", minimum=None)
        if not 0 <= d < horizon:
            raise r.error(line.number, f"day {d} is outside the horizon 0..{horizon - 1}")
        return d

    def known(line: _Line, value: str, ids: set[str], kind: str) -> str:
        r.ident(line, value, f"{kind} id")
        if value not in ids:
            raise r.error(line.number, f"unknown {kind} id {value!r}")
        return value

    days_off: dict[str, set[int]] = {}
    for line in r.lines("SECTION_DAYS_OFF"):
        emp = known(line, line.fields[0], staff_ids, "staff")
        days = {day(line, f) for f in line.fields[1:] if f != ""}
        days_off.setdefault(emp, set()).update(days)

    def requests(section: str) -> tuple[ShiftRequest, ...]:
        out = []
        for line in r.lines(section):
            r.count(line, section, 4, "EmployeeID,Day,ShiftID,Weight")
            out.append(
                ShiftRequest(
                    employee=known(line, line.fields[0], staff_ids, "staff"),
                    day=day(line, line.fields[1]),
                    shift=known(line, line.fields[2], shift_ids, "shift"),
                    weight=r.integer(line, line.fields[3], "weight"),
                )
            )
        return tuple(out)

    cover: list[Cover] = []
    seen: dict[tuple[int, str], int] = {}
    for line in r.lines("SECTION_COVER"):
        r.count(line, "SECTION_COVER", 5, "Day,ShiftID,Requirement,Under,Over")
        row = Cover(
            day=day(line, line.fields[0]),
            shift=known(line, line.fields[1], shift_ids, "shift"),
            requirement=r.integer(line, line.fields[2], "requirement"),
            under=r.integer(line, line.fields[3], "under weight"),
            over=r.integer(line, line.fields[4], "over weight"),
        )
        key = (row.day, row.shift)
        if key in seen:
            raise r.error(
                line.number,
                f"second cover row for day {row.day}, shift {row.shift!r} (first on line {seen[key]})",
            )
        seen[key] = line.number
        cover.append(row)

    return Instance(
        name=name,
        horizon=horizon,
        shifts=shifts,
        staff=staff,
        days_off={k: frozenset(v) for k, v in days_off.items()},
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover=tuple(cover),
    )


def _horizon(r: _Reader) -> int:
    lines = r.lines("SECTION_HORIZON")
    if len(lines) != 1:
        raise r.error(
            r.header_line["SECTION_HORIZON"],
            f"SECTION_HORIZON must hold exactly one line (the number of days), found {len(lines)}",
        )
    r.count(lines[0], "SECTION_HORIZON", 1, "number of days")
    return r.integer(lines[0], lines[0].fields[0], "horizon", minimum=1)


def _shifts(r: _Reader) -> tuple[Shift, ...]:
    raw: list[tuple[_Line, str, int, list[str]]] = []
    first: dict[str, int] = {}
    for line in r.lines("SECTION_SHIFTS"):
        r.count(line, "SECTION_SHIFTS", 3, "ShiftID,Minutes,Forbidden|Next")
        sid = r.ident(line, line.fields[0], "shift id")
        if sid in first:
            raise r.error(line.number, f"shift id {sid!r} defined twice (first on line {first[sid]})")
        first[sid] = line.number
        minutes = r.integer(line, line.fields[1], f"length of shift {sid!r}")
        nxt = [s.strip() for s in line.fields[2].split("|") if s.strip()]
        raw.append((line, sid, minutes, nxt))
    if not raw:
        raise r.error(r.header_line["SECTION_SHIFTS"], "SECTION_SHIFTS defines no shift type")
    for line, sid, _, nxt in raw:
        for s in nxt:
            if s not in first:
                raise r.error(line.number, f"shift {sid!r}: unknown shift id {s!r} in forbidden successors")
    return tuple(Shift(sid, minutes, tuple(nxt)) for _, sid, minutes, nxt in raw)


def _staff(r: _Reader, shift_ids: set[str]) -> tuple[Staff, ...]:
    layout = (
        "ID,T1=max|T2=max,MaxTotalMinutes,MinTotalMinutes,MaxConsecutiveShifts,"
        "MinConsecutiveShifts,MinConsecutiveDaysOff,MaxWeekends"
    )
    out: list[Staff] = []
    first: dict[str, int] = {}
    for line in r.lines("SECTION_STAFF"):
        r.count(line, "SECTION_STAFF", 8, layout)
        eid = r.ident(line, line.fields[0], "staff id")
        if eid in first:
            raise r.error(line.number, f"staff id {eid!r} defined twice (first on line {first[eid]})")
        first[eid] = line.number
        limits: dict[str, int] = {}
        for item in (x.strip() for x in line.fields[1].split("|")):
            if not item:
                continue
            sid, eq, value = item.partition("=")
            sid = sid.strip()
            if not eq:
                raise r.error(line.number, f"shift limit {item!r} is not of the form ShiftID=max")
            if sid not in shift_ids:
                raise r.error(line.number, f"unknown shift id {sid!r} in shift limits")
            if sid in limits:
                raise r.error(line.number, f"shift {sid!r} limited twice")
            limits[sid] = r.integer(line, value.strip(), f"maximum of shift {sid!r}")
        num: Callable[[int, str], int] = lambda i, what: r.integer(line, line.fields[i], what)  # noqa: E731
        out.append(
            Staff(
                id=eid,
                max_shifts=limits,
                max_total_minutes=num(2, "MaxTotalMinutes"),
                min_total_minutes=num(3, "MinTotalMinutes"),
                max_consecutive_shifts=num(4, "MaxConsecutiveShifts"),
                min_consecutive_shifts=num(5, "MinConsecutiveShifts"),
                min_consecutive_days_off=num(6, "MinConsecutiveDaysOff"),
                max_weekends=num(7, "MaxWeekends"),
            )
        )
    if not out:
        raise r.error(r.header_line["SECTION_STAFF"], "SECTION_STAFF defines no employee")
    return tuple(out)
