"""benchmarks/machine_speed.py: a fixed amount of work, and clear errors on bad arguments."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "machine_speed.py"


def _module():
    spec = importlib.util.spec_from_file_location("rota_machine_speed", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_cpsat_work_stops_at_its_deterministic_limit_not_a_wall_limit():
    # g01 (14 x 10 x 2) is solved long before 1 000 deterministic seconds: the solve
    # ends by optimality, below the limit; with a tiny limit it ends at the limit
    mod = _module()
    short = mod.cpsat_work("g01", 0.01)
    assert short["seconds"] > 0
    assert short["det"] <= 0.05
    full = mod.cpsat_work("g01", 1000.0)
    assert full["det"] < 1000.0
    assert mod.python_loop(10_000) > 0


def test_an_unknown_shape_or_a_bad_budget_is_named():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--shape", "nope"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "unknown --shape 'nope'" in proc.stderr and "g01" in proc.stderr
    proc = subprocess.run([sys.executable, str(SCRIPT), "--det", "0"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "--det must be positive" in proc.stderr
