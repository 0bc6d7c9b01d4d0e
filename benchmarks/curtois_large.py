"""Write a synthetic instance of the largest Curtois & Qu size: 150 staff x 364 days x 32 types.

The twelve larger public instances (up to 150 staff, 52 weeks, 32 shift types) are not in
this repository, so the scale requirement of issue 3 is measured on an instance of that
size derived from Instance12 (60 staff, 28 days, 10 shift types):

- staff cloned to 150 (``<id>_<k>``), contracts as in Instance12 with every total (minutes,
  shifts per type, weekends) multiplied by 13;
- the 28-day pattern (days off, requests, cover) repeated 13 times = 364 days;
- each of the 10 shift types split into 3-4 copies (32 in all) that share its length and
  forbidden successions; each request names one copy; each cover row's requirement is
  scaled by 150/60 and spread over the copies.

Usage::

    python benchmarks/curtois_large.py ../shared/benchmarks/curtois/Instance12.txt /tmp/large.txt
    /usr/bin/time -v rota bench curtois /tmp/large.txt --time-limit 600 --workers 2 --out /tmp/large
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.curtois.parser import parse_instance  # noqa: E402


def large_instance(source: Path, staff: int = 150, repeat: int = 13, types: int = 32) -> str:
    """The text of the enlarged instance (CRLF line endings, as the public files)."""
    inst = parse_instance(source)
    base = [s.id for s in inst.shifts]
    copies: dict[str, list[str]] = {b: [] for b in base}
    for t in range(types):
        b = base[t % len(base)]
        copies[b].append(f"{b}_{t}")
    shift_of = {c: b for b in base for c in copies[b]}
    minutes = {s.id: s.minutes for s in inst.shifts}
    forbid = {s.id: s.forbidden_next for s in inst.shifts}
    people = [inst.staff[i % len(inst.staff)] for i in range(staff)]
    names = [f"{p.id}_{i}" for i, p in enumerate(people)]
    horizon = inst.horizon * repeat
    lines = ["SECTION_HORIZON", str(horizon), "", "SECTION_SHIFTS"]
    for c, b in shift_of.items():
        lines.append(f"{c},{minutes[b]},{'|'.join(x for f in sorted(forbid[b]) for x in copies[f])}")
    lines += ["", "SECTION_STAFF"]
    for name, p in zip(names, people):
        # a type the file does not list is unlimited: the whole horizon
        limits = "|".join(f"{c}={p.max_shifts[b] * repeat if b in p.max_shifts else horizon}"
                          for c, b in shift_of.items())
        lines.append(f"{name},{limits},{p.max_total_minutes * repeat},{p.min_total_minutes * repeat},"
                     f"{p.max_consecutive_shifts},{p.min_consecutive_shifts},"
                     f"{p.min_consecutive_days_off},{p.max_weekends * repeat}")
    lines += ["", "SECTION_DAYS_OFF"]
    for name, p in zip(names, people):
        days = sorted(d + inst.horizon * r for r in range(repeat) for d in inst.days_off.get(p.id, ()))
        lines.append(",".join([name] + [str(d) for d in days]))
    for section, requests in (("SECTION_SHIFT_ON_REQUESTS", inst.on_requests),
                              ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests)):
        lines += ["", section]
        by: dict[str, list] = {}
        for q in requests:
            by.setdefault(q.employee, []).append(q)
        for k, (name, p) in enumerate(zip(names, people)):
            for r in range(repeat):
                for q in by.get(p.id, ()):
                    c = copies[q.shift][(k + r) % len(copies[q.shift])]
                    lines.append(f"{name},{q.day + inst.horizon * r},{c},{q.weight}")
    lines += ["", "SECTION_COVER"]
    scale = staff / len(inst.staff)
    for r in range(repeat):
        for row in sorted(inst.cover, key=lambda c: (c.day, c.shift)):
            n = len(copies[row.shift])
            total = round(row.requirement * scale)
            for j, c in enumerate(copies[row.shift]):
                need = total // n + (1 if j < total % n else 0)
                lines.append(f"{row.day + inst.horizon * r},{c},{need},{row.under},{row.over}")
    lines.append("")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="Instance12.txt (or any instance to enlarge)")
    ap.add_argument("out", type=Path, help="file to write")
    ap.add_argument("--staff", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=13, help="copies of the horizon")
    ap.add_argument("--types", type=int, default=32, help="shift types after splitting")
    a = ap.parse_args()
    a.out.write_text(large_instance(a.source, a.staff, a.repeat, a.types), newline="")
    print(f"written {a.out}")


if __name__ == "__main__":
    main()
