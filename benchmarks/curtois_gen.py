"""Generate instances in the Curtois & Qu shift-scheduling format (an evaluation suite).

The solver was shaped on the twelve public instances; this writes *other* instances of
the same benchmark's format and constraint mix, across shapes, so that strength is
measured on what it was not tuned on. The structure mimics the public files
(``shared/benchmarks/curtois``; statistics read from Instance1-12):

- shift types in time bands (early, day, late, night); a later band may not be
  followed the next day by an earlier one, a night by anything but a night (the
  published files encode minimum rest this way); lengths mostly 480 min, some 600/720;
- a few contract templates: full time (about 4.5 shifts a week, minimum total ~88 %
  of the maximum), part time (about half), max 5-6 consecutive shifts, min 2 (1 for
  part time), min 2-3 days off, max weekends about one in two; each person works a
  random subset of the types, night-like types capped (about one a week);
- about one fixed day off per person per fortnight;
- shift-on and shift-off requests in runs of 1-5 days, weights 1-3;
- a cover row for every day and type, under weight 100, over weight 1, the total
  requirement a ``cover`` share of the staff's capacity (1.0 = tight as the public
  instances, 0.85 = loose), fewer people wanted at weekends.

Nothing here is tuned to a solver: the generator is seeded and deterministic, so the
suite (:data:`SUITE`) is regenerable bit for bit.

Usage::

    python benchmarks/curtois_gen.py --suite /tmp/suite          # every suite instance
    python benchmarks/curtois_gen.py --days 28 --staff 120 --types 18 --seed 1 out.txt
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

BANDS = ("a", "d", "p", "n")  # early, day, late, night


@dataclass(frozen=True)
class Shape:
    """One generated instance: its name, size and character."""

    name: str
    days: int
    staff: int
    types: int
    cover: float = 1.0
    """Total requirement as a share of the staff's capacity (1.0 tight, 0.85 loose)."""
    requests: float = 1.0
    """Requests per person relative to the public instances (~5 on + ~2 off per 28 days)."""
    seed: int = 0
    part: str = "tuning"
    """``tuning`` (used for solver decisions), ``holdout`` (never used for tuning) or
    ``large`` (the largest sizes, never used for tuning)."""


SUITE: tuple[Shape, ...] = (
    # tuning part: every solver decision is judged on these
    Shape("g01", 14, 10, 2, 1.0, 1.0, 101),
    Shape("g02", 28, 120, 18, 1.0, 1.0, 102),
    Shape("g03", 84, 40, 5, 1.0, 1.0, 103),
    Shape("g04", 42, 45, 6, 1.0, 1.5, 104),
    Shape("g05", 84, 22, 3, 1.0, 1.0, 105),
    Shape("g06", 56, 20, 3, 0.85, 0.5, 106),
    Shape("g07", 28, 60, 32, 0.9, 1.0, 107),
    Shape("g08", 182, 15, 2, 1.0, 1.0, 108),
    Shape("g09", 42, 32, 4, 0.85, 2.0, 109),
    Shape("g10", 28, 150, 8, 1.0, 0.5, 110),
    # the first hold-out (h01-h05) until 2026-12-03, when h04's stalls were diagnosed and
    # the LNS's first size and "chain" neighbourhood were judged on them: tuning since
    Shape("h01", 28, 100, 16, 1.0, 1.0, 201),
    Shape("h02", 70, 35, 5, 1.0, 1.0, 202),
    Shape("h03", 56, 32, 4, 0.9, 1.5, 203),
    Shape("h04", 112, 18, 3, 1.0, 0.5, 204),
    Shape("h05", 42, 50, 24, 0.85, 1.0, 205),
    # the second hold-out (h06-h10) from 2026-12-03 until 2026-12-07, when a default
    # (GAP_LEAD "off") was rejected on its figures: tuning since
    Shape("h06", 35, 70, 12, 1.0, 1.0, 206),
    Shape("h07", 98, 28, 4, 0.9, 2.0, 207),
    Shape("h08", 56, 60, 8, 1.0, 0.5, 208),
    Shape("h09", 21, 40, 20, 0.85, 1.0, 209),
    Shape("h10", 140, 24, 3, 1.0, 1.0, 210),
    # hold-out part (from 2026-12-07, shapes chosen before any run): no tuning decision
    # looks at these
    Shape("h11", 28, 80, 12, 1.0, 1.0, 211, "holdout"),
    Shape("h12", 63, 45, 6, 0.9, 1.5, 212, "holdout"),
    Shape("h13", 14, 30, 3, 1.0, 2.0, 213, "holdout"),
    Shape("h14", 126, 30, 4, 1.0, 1.0, 214, "holdout"),
    Shape("h15", 49, 100, 10, 0.85, 0.5, 215, "holdout"),
    # large part: the public benchmark's largest sizes (182-364 days, 50-150 staff,
    # 6-32 types); a valid roster is required in 60 s, quality is measured at 10 min;
    # no tuning decision looks at these either
    Shape("l01", 182, 50, 6, 1.0, 1.0, 301, "large"),
    Shape("l02", 182, 100, 8, 1.0, 1.0, 302, "large"),
    Shape("l03", 364, 50, 10, 1.0, 1.0, 303, "large"),
    Shape("l04", 364, 100, 16, 1.0, 1.0, 304, "large"),
    Shape("l05", 364, 150, 32, 1.0, 1.0, 305, "large"),
    # l03 was profiled on 2026-12-03 (the LNS's first neighbourhood size came of it);
    # these two were not looked at before the change was measured
    Shape("l06", 273, 60, 12, 1.0, 1.0, 306, "large"),
    Shape("l07", 364, 120, 24, 0.9, 1.0, 307, "large"),
)


def _shift_types(rng: random.Random, n: int) -> list[tuple[str, int, int]]:
    """(id, minutes, band) for ``n`` types, bands spread as in the public files."""
    if n == 1:
        return [("D", 480, 1)]
    # nights are rarer: about one type in six, at least one from 4 types on
    nights = 0 if n < 4 else max(1, round(n / 6))
    rest = n - nights
    bands = [(0, 2, 1)[i % 3] for i in range(rest)] + [3] * nights
    out, count = [], {b: 0 for b in range(4)}
    for b in sorted(bands):
        count[b] += 1
        minutes = rng.choices((480, 480, 480, 600, 720, 360), k=1)[0] if n > 3 else 480
        if b == 3:
            minutes = rng.choice((480, 600, 720))
        out.append((f"{BANDS[b]}{count[b]}", minutes, b))
    return out


def generate(shape: Shape) -> str:
    """The text of one instance (CRLF line endings, as the public files)."""
    rng = random.Random(shape.seed)
    H, S = shape.days, shape.staff
    types = _shift_types(rng, shape.types)
    band = {t: b for t, _, b in types}
    length = {t: m for t, m, _ in types}
    ids = [t for t, _, _ in types]
    weeks = H / 7
    lines = ["# generated by benchmarks/curtois_gen.py "
             f"(days={H} staff={S} types={shape.types} cover={shape.cover} "
             f"requests={shape.requests} seed={shape.seed})",
             "SECTION_HORIZON", str(H), "", "SECTION_SHIFTS"]
    for t, m, b in types:
        forbid = [u for u, _, c in types if (c < b if b < 3 else c != 3)]
        lines.append(f"{t},{m},{'|'.join(forbid)}")
    # contract templates
    templates = []
    for k in range(rng.randint(2, 4)):
        part = k > 0 and rng.random() < 0.35
        per_week = rng.choice((4.0, 4.5, 4.5)) * (0.5 if part else 1.0)
        max_cons = rng.choice((5, 5, 6))
        templates.append(dict(
            part=part, per_week=per_week,
            max_cons=max_cons, min_cons=1 if part else 2,
            min_off=(3 if max_cons == 6 else 2) if not part else rng.choice((1, 2)),
            weekends=max(1, round(weeks / 2)) + (1 if rng.random() < 0.25 else 0)))
    lines += ["", "SECTION_STAFF"]
    staff, cap_shifts, elig = [], 0.0, {t: 0.0 for t in ids}
    avg = sum(length.values()) / len(length)
    for i in range(S):
        tp = templates[0] if rng.random() < 0.6 else rng.choice(templates)
        work = tp["per_week"] * weeks
        ok = [t for t in ids if rng.random() < 0.7]
        if not any(band[t] != 3 for t in ok):
            # everyone can reach their minimum on uncapped day types
            ok.append(rng.choice([t for t in ids if band[t] != 3]))
        mine = sum(length[t] for t in ok) / len(ok)
        mx = int(round(work * mine / 60)) * 60
        mn = int(mx * (0.875 if not tp["part"] else 0.68)) // 60 * 60
        # the minimum stays well inside what the run rules allow (every person alone
        # must have a valid roster: coverage is soft, so the instance is then feasible)
        most = 0.8 * H * tp["max_cons"] / (tp["max_cons"] + tp["min_off"]) - H / 14
        mn = min(mn, int(most * mine) // 60 * 60)
        limits = []
        for t in ids:
            if t not in ok:
                limits.append(f"{t}=0")
            elif band[t] == 3:
                limits.append(f"{t}={max(1, round(weeks * rng.choice((0.75, 1, 1.25))))}")
            elif rng.random() < 0.15 and sum(band[u] != 3 for u in ok) > 1:
                limits.append(f"{t}={max(1, H // 3)}")
            else:
                limits.append(f"{t}={H}")
        pid = _person_id(i)
        staff.append((pid, ok))
        cap_shifts += mx / avg
        for t in ok:
            elig[t] += 1.0 / len(ok)
        lines.append(f"{pid},{'|'.join(limits)},{mx},{mn},{tp['max_cons']},{tp['min_cons']},"
                     f"{tp['min_off']},{tp['weekends']}")
    lines += ["", "SECTION_DAYS_OFF"]
    for pid, _ in staff:
        n = max(1, round(H / 14 * rng.uniform(0.6, 1.4)))
        days = sorted(rng.sample(range(H), min(H, n)))
        lines.append(",".join([pid] + [str(d) for d in days]))
    for section, per28 in (("SECTION_SHIFT_ON_REQUESTS", 5.0), ("SECTION_SHIFT_OFF_REQUESTS", 2.0)):
        lines += ["", section]
        for pid, ok in staff:
            want = rng.random() * 2 * per28 * shape.requests * H / 28
            got = 0
            while got < want:
                run = min(rng.randint(1, 5), H)
                d0 = rng.randrange(0, H - run + 1)
                t = rng.choice(ok if section.endswith("ON_REQUESTS") else ids)
                w = rng.randint(1, 3)
                for d in range(d0, d0 + run):
                    lines.append(f"{pid},{d},{t},{w}")
                got += run
    lines += ["", "SECTION_COVER"]
    # requirement per (day, type): the capacity share spread over types by eligibility,
    # fewer at weekends, nights thinner, rounded with random noise
    total = shape.cover * cap_shifts
    day_w = [0.75 if d % 7 >= 5 else 1.0 for d in range(H)]
    type_w = {t: elig[t] * (0.6 if band[t] == 3 else 1.0) for t in ids}
    norm = sum(day_w) * sum(type_w.values())
    for d in range(H):
        for t in ids:
            mean = total * day_w[d] * type_w[t] / norm
            need = max(0, int(mean + rng.random()))
            lines.append(f"{d},{t},{need},100,1")
    lines.append("")
    return "\r\n".join(lines) + "\r\n"


def _person_id(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def write_suite(folder: Path, part: str | None = None) -> list[Path]:
    """Write the suite's instances (``part``: ``tuning``, ``holdout`` or all) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for shape in SUITE:
        if part is None or shape.part == part:
            path = folder / f"{shape.name}.txt"
            path.write_text(generate(shape), newline="")
            out.append(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, nargs="?", help="file to write (one instance)")
    ap.add_argument("--suite", type=Path, help="write the whole suite into this folder")
    ap.add_argument("--part", choices=("tuning", "holdout", "large"), help="only this part of the suite")
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--staff", type=int, default=30)
    ap.add_argument("--types", type=int, default=4)
    ap.add_argument("--cover", type=float, default=1.0)
    ap.add_argument("--requests", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.suite:
        for p in write_suite(a.suite, a.part):
            print(p)
        return
    if a.out is None or a.days % 7 or a.days < 7 or a.staff < 1 or a.types < 1:
        ap.error("give an output file, --days a positive multiple of 7, --staff and --types >= 1")
    shape = Shape("custom", a.days, a.staff, a.types, a.cover, a.requests, a.seed)
    a.out.write_text(generate(shape), newline="")
    print(f"written {a.out}")


if __name__ == "__main__":
    main()
