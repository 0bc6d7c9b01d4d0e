"""The scale instance of BENCHMARKS.md is a valid benchmark file of the size it claims."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from planner.curtois import parse_instance, parse_text

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def _generator():
    spec = importlib.util.spec_from_file_location("curtois_large", ROOT / "benchmarks" / "curtois_large.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_enlarged_instance_parses_and_scales_every_section():
    base = parse_instance(DATA / "Instance1.txt")
    text = _generator().large_instance(DATA / "Instance1.txt", staff=20, repeat=3, types=5)
    big = parse_text(text, source="large.txt")
    assert big.horizon == 3 * base.horizon
    assert len(big.staff) == 20 and len({s.id for s in big.staff}) == 20
    assert len(big.shifts) == 5
    # each copy keeps its source type's length; successions forbid every copy of the type
    source = {s.id: s for s in base.shifts}
    for s in big.shifts:
        origin = source[s.id.rsplit("_", 1)[0]]
        assert s.minutes == origin.minutes
        assert {f.rsplit("_", 1)[0] for f in s.forbidden_next} == set(origin.forbidden_next)
    # the cover of a base row is spread over its copies, the total scaled by staff
    want = {}
    for c in big.cover:
        key = (c.day % base.horizon, c.shift.rsplit("_", 1)[0])
        want[key] = want.get(key, 0) + c.requirement
    for c in base.cover:
        assert want[(c.day, c.shift)] == 3 * round(c.requirement * 20 / len(base.staff))
    # days off repeat with the horizon
    first = base.staff[0].id
    assert big.days_off[f"{first}_0"] == frozenset(
        d + base.horizon * r for r in range(3) for d in base.days_off.get(first, ()))
    assert len(big.on_requests) == 3 * sum(
        1 for i in range(20) for q in base.on_requests if q.employee == base.staff[i % len(base.staff)].id)
