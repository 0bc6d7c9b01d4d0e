"""The benchmark importer: the tiny hand-made file, the real instances, malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.curtois import InstanceError, parse_instance, parse_text
from planner.curtois.instance import Cover, Shift, ShiftRequest

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.txt"
BENCH = Path("/work/shared/benchmarks/curtois")


def test_tiny_file_parses_every_section():
    inst = parse_instance(TINY)
    assert inst.name == "tiny"
    assert inst.horizon == 7
    assert inst.shifts == (Shift("E", 480, ()), Shift("L", 600, ("E",)))
    a, b = inst.staff
    assert a.id == "A" and dict(a.max_shifts) == {"E": 5, "L": 2}
    assert (a.max_total_minutes, a.min_total_minutes) == (2880, 960)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (4, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert dict(b.max_shifts) == {"E": 7, "L": 0}
    assert inst.days_off == {"A": frozenset({6}), "B": frozenset({2, 3})}
    assert inst.on_requests == (ShiftRequest("A", 0, "E", 2), ShiftRequest("B", 1, "E", 3))
    assert inst.off_requests == (ShiftRequest("A", 3, "L", 4),)
    assert len(inst.cover) == 14
    assert inst.cover[1] == Cover(0, "L", 1, 50, 1)
    assert inst.weekends == ((5, 6),)


def test_lf_line_endings_and_inline_comments_are_accepted():
    text = TINY.read_text().replace("\r\n", "\n").replace("A,6\n", "A,6  # leave\n")
    inst = parse_text(text, name="lf")
    assert inst.days_off["A"] == frozenset({6})


def test_weekends_of_a_partial_last_week():
    text = TINY.read_bytes().decode().replace("# days\r\n7", "13")
    assert parse_text(text).weekends == ((5, 6), (12,))


@pytest.mark.skipif(not BENCH.is_dir(), reason="shared benchmark folder not mounted")
@pytest.mark.parametrize(
    "n, horizon, shifts, staff",
    [(1, 14, 1, 8), (2, 14, 2, 14), (3, 14, 3, 20), (4, 28, 2, 10), (5, 28, 2, 16), (6, 28, 3, 18),
     (7, 28, 3, 20), (8, 28, 4, 30), (9, 28, 4, 36), (10, 28, 5, 40), (11, 28, 6, 50), (12, 28, 10, 60)],
)
def test_published_instances_parse(n, horizon, shifts, staff):
    inst = parse_instance(BENCH / f"Instance{n}.txt")
    assert (inst.horizon, len(inst.shifts), len(inst.staff)) == (horizon, shifts, staff)
    # every instance has exactly one cover row per day and shift
    assert len(inst.cover) == horizon * shifts


def test_instance1_figures():
    inst = parse_instance(DATA / "Instance1.txt")  # an unchanged copy of the published file
    assert inst.days_off["A"] == frozenset({0})
    assert len(inst.on_requests) == 21 and len(inst.off_requests) == 5
    assert inst.cover[0] == Cover(0, "D", 5, 100, 1)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = TINY.read_bytes().decode()
    assert old in text, old
    p = tmp_path / "broken.txt"
    p.write_bytes(text.replace(old, new, 1).encode())
    return p


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        ("SECTION_COVER", "SECTION_COVERAGE", "SECTION_COVERAGE", "unknown section 'SECTION_COVERAGE'"),
        ("A,E=5|L=2,2880,960,4,2,2,1", "A,E=5|L=2,2880,960,4,2,2", "A,E=5|L=2",
         "SECTION_STAFF expects 8 fields"),
        ("A,E=5|L=2,2880,960", "A,E=5|L=2,2880,9x0", "9x0", "MinTotalMinutes must be an integer, found '9x0'"),
        ("A,E=5|L=2", "A,E=5|N=2", "N=2", "unknown shift id 'N' in shift limits"),
        ("A,E=5|L=2", "A,E=5|L2", "L2", "'L2' is not of the form ShiftID=max"),
        ("B,2,3", "Z,2,3", "Z,2,3", "unknown staff id 'Z'"),
        ("B,2,3", "B,2,7", "B,2,7", "day 7 is outside the horizon 0..6"),
        ("B,2,3", "B,2,-1", "B,2,-1", "day -1 is outside the horizon 0..6"),
        ("A,0,E,2", "A,0,X,2", "A,0,X,2", "unknown shift id 'X'"),
        ("A,0,E,2", "A,0,E", "A,0,E", "SECTION_SHIFT_ON_REQUESTS expects 4 fields"),
        ("A,3,L,4", "A,3,L,four", "four", "weight must be an integer, found 'four'"),
        ("A,3,L,4", "A,9,L,4", "A,9,L,4", "day 9 is outside the horizon"),
        ("0,L,1,50,1", "0,L,1,50", "0,L,1,50", "SECTION_COVER expects 5 fields"),
        ("0,L,1,50,1", "0,L,-1,50,1", "0,L,-1", "requirement must be at least 0, found -1"),
        ("0,L,1,50,1", "0,E,1,50,1", "0,E,1,50,1", "second cover row for day 0, shift 'E'"),
        ("L,600,E", "L,600,E|Q", "L,600,E|Q", "unknown shift id 'Q' in forbidden successors"),
        ("L,600,E", "E,600,E", "E,600,E", "shift id 'E' defined twice"),
        ("L,600,E", "L,ten,E", "L,ten", "length of shift 'L' must be an integer"),
        ("B,E=7|L=0", "A,E=7|L=0", "A,E=7|L=0", "staff id 'A' defined twice"),
        ("\r\n\r\nSECTION_DAYS_OFF", "\r\n\r\nA,1\r\n\r\nSECTION_DAYS_OFF", None,
         "data line 'A,1' outside any section"),
        ("# days\r\n7", "# days\r\n7\r\n8", None, "SECTION_HORIZON must hold exactly one line"),
        ("# days\r\n7", "# days\r\n0", None, "horizon must be at least 1, found 0"),
        ("SECTION_COVER", "SECTION_STAFF", None, "SECTION_STAFF appears twice (first on line"),
    ],
)
def test_malformed_file_names_file_line_and_problem(tmp_path, old, new, needle, message):
    p = _broken(tmp_path, old, new)
    with pytest.raises(InstanceError) as e:
        parse_instance(p)
    text = str(e.value)
    assert message in text
    assert text.startswith(f"{p}, line ")
    if needle is not None:
        assert text.startswith(f"{p}, line {_line_of(p, needle)}: ")


@pytest.mark.parametrize("section", ["SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"])
def test_missing_required_section(tmp_path, section):
    text = TINY.read_text().replace(section, "# removed")
    p = tmp_path / "missing.txt"
    p.write_text(text)
    # removing SHIFTS/STAFF headers leaves their data lines outside a section:
    # either way the message names the file and what is wrong
    with pytest.raises(InstanceError, match=rf"^{p}"):
        parse_instance(p)
    with pytest.raises(InstanceError, match=f"missing {section}"):
        parse_text(_drop_section(TINY.read_text(), section), source="x.txt")


def _drop_section(text: str, section: str) -> str:
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return "\n\n".join(b for b in blocks if section not in b)


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(InstanceError, match="cannot read"):
        parse_instance(tmp_path / "nope.txt")
    p = tmp_path / "bin.txt"
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InstanceError, match="not a UTF-8 text file"):
        parse_instance(p)


def test_is_a_value_error():
    assert issubclass(InstanceError, ValueError)
