"""The evaluation suite's generator (benchmarks/curtois_gen.py): valid, seeded, feasible files."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from planner.curtois import parse_text
from planner.curtois.checker import check_roster
from planner.curtois.cli import _solve_options, run_seed
from planner.curtois.to_domain import instance_to_scenario

ROOT = Path(__file__).resolve().parents[2]


def _gen():
    if "curtois_gen" in sys.modules:
        return sys.modules["curtois_gen"]
    spec = importlib.util.spec_from_file_location("curtois_gen", ROOT / "benchmarks" / "curtois_gen.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["curtois_gen"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", [s.name for s in _gen().SUITE])
def test_every_suite_instance_parses_with_the_shape_it_claims(name):
    gen = _gen()
    shape = next(s for s in gen.SUITE if s.name == name)
    text = gen.generate(shape)
    inst = parse_text(text, source=f"{name}.txt")
    assert (inst.horizon, len(inst.staff), len(inst.shifts)) == (shape.days, shape.staff, shape.types)
    assert len(inst.cover) == shape.days * shape.types  # a cover row per day and type
    assert inst.on_requests and inst.off_requests
    assert {c.under for c in inst.cover} == {100} and {c.over for c in inst.cover} == {1}
    # a later band never precedes an earlier one: forbidden successions are declared
    assert any(s.forbidden_next for s in inst.shifts) or shape.types == 1
    assert gen.generate(shape) == text  # seeded: regenerable bit for bit


def test_tuning_and_holdout_parts_are_disjoint_and_both_present():
    parts = Counter(s.part for s in _gen().SUITE)
    assert parts["tuning"] >= 8 and parts["holdout"] >= 4
    assert len({s.name for s in _gen().SUITE}) == len(_gen().SUITE)


def test_a_small_generated_instance_has_a_valid_roster_checked_independently():
    gen = _gen()
    text = gen.generate(gen.Shape("t", 14, 8, 3, 1.0, 1.0, 7))
    inst = parse_text(text, source="t.txt")
    run = run_seed(inst, instance_to_scenario(inst), _solve_options(10, 1, 0, False))
    assert run.status in ("optimal", "feasible")
    assert not run.problems  # benchmark checker: no hard violation, same objective
    assert check_roster(inst, run.roster).objective == run.solver_objective


def test_suite_run_only_names_an_instance_of_any_part_and_refuses_one_outside_part(tmp_path):
    import subprocess

    suite = str(ROOT / "benchmarks" / "suite.py")
    # a hold-out name with --part tuning: refused by name, nothing run
    proc = subprocess.run([sys.executable, suite, "run", "--only", "h11", "--part", "tuning",
                           "--out", str(tmp_path / "a")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0 and "h11" in proc.stderr and "tuning" in proc.stderr
    assert not (tmp_path / "a").exists()
    # without --part, a hold-out name selects it (it once selected nothing, silently)
    proc = subprocess.run([sys.executable, suite, "run", "--only", "h09", "--seeds", "1",
                           "--limit", "2", "--out", str(tmp_path / "b")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "b" / "instances" / "h09.txt").is_file()
    assert "h09 base seed 0:" in proc.stdout and "valid=True" in proc.stdout


def test_suite_reference_refuses_a_bound_above_the_reference_and_keeps_the_file():
    import subprocess

    suite = str(ROOT / "benchmarks" / "suite.py")
    table = ROOT / "benchmarks" / "suite_reference.csv"
    before = table.read_bytes()
    for item, said in (("h09=1000000", "above"), ("h09=abc", "number"), ("zz=1", "no reference row")):
        proc = subprocess.run([sys.executable, suite, "reference", "--bound", item],
                              capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode != 0 and said in proc.stderr, proc.stderr
    assert table.read_bytes() == before


def test_a_suite_variant_sets_flags_numbers_and_words(monkeypatch):
    import importlib

    import solver.lns as lns
    import solver.params as params

    suite = _suite_module()
    solve_mod = importlib.import_module("solver.solve")
    # put back whatever the variant changes
    for obj, name in ((lns, "GAP_LEAD"), (lns, "GAP_SAMPLE"), (params, "LNS"), (solve_mod, "LNS")):
        monkeypatch.setattr(obj, name, getattr(obj, name))
    monkeypatch.setattr(lns.search, "__defaults__", lns.search.__defaults__)
    suite._patch("solver.lns.GAP_LEAD=none,solver.lns.GAP_SAMPLE=0,init_free=250")
    assert lns.GAP_LEAD == "none" and lns.GAP_SAMPLE is False
    assert params.LNS.init_free == 250 and lns.search.__defaults__[0].init_free == 250


def test_a_suite_variant_sets_a_tuple_of_names(monkeypatch):
    import solver.bound as bound

    suite = _suite_module()
    monkeypatch.setattr(bound, "BOUND_SUBSOLVERS", bound.BOUND_SUBSOLVERS)
    suite._patch("solver.bound.BOUND_SUBSOLVERS=reduced_costs+objective_shaving")
    assert bound.BOUND_SUBSOLVERS == ("reduced_costs", "objective_shaving")


def _suite_module():
    spec = importlib.util.spec_from_file_location("rota_suite", ROOT / "benchmarks" / "suite.py")
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    return suite


def test_suite_reference_keeps_the_highest_bound_a_run_proved(tmp_path, monkeypatch):
    import argparse
    import csv

    suite = _suite_module()
    table = tmp_path / "reference.csv"
    table.write_text("instance,reference,source,lower_bound\nh09,130,an old run,120\n")
    monkeypatch.setattr(suite, "REFERENCE", table)
    runs = tmp_path / "runs"
    runs.mkdir()
    head = ("instance,part,variant,seed,limit,workers,objective,bound,status,valid,seconds,"
            "rss_mb,started_utc,file,first_seconds\n")
    (runs / "runs.csv").write_text(
        head
        + "h09,tuning,base,0,600,2,128,125.5,feasible,True,600,1,t,,0\n"
        + "h09,tuning,base,1,600,2,129,127,feasible,True,600,1,t,,0\n"
        + "h11,holdout,base,0,600,2,2000,1500,feasible,True,600,1,t,,0\n"
        + "h11,holdout,base,1,60,2,1900,1999,feasible,False,60,1,t,,0\n"  # invalid: ignored
        + "h12,holdout,base,0,60,2,700,,feasible,True,60,1,t,,0\n")  # no bound proved
    args = argparse.Namespace(folders=[str(runs)], bound=None)
    suite.reference(args)
    with table.open() as fh:
        rows = {r["instance"]: r for r in csv.DictReader(fh)}
    assert (rows["h09"]["reference"], rows["h09"]["lower_bound"]) == ("128", "127")
    assert (rows["h11"]["reference"], rows["h11"]["lower_bound"]) == ("2000", "1500")
    assert (rows["h12"]["reference"], rows["h12"]["lower_bound"]) == ("700", "")
    # a bound above a valid roster: one of the two is wrong, nothing is written
    before = table.read_bytes()
    (runs / "runs.csv").write_text(head + "h09,tuning,base,2,600,2,140,135,feasible,True,600,1,t,,0\n")
    with pytest.raises(SystemExit, match="above the valid roster 128"):
        suite.reference(args)
    assert table.read_bytes() == before
