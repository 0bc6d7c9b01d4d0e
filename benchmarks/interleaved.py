"""Interleaved runs of a benchmark script's child mode, each in a fresh process.

For each repeat, each instance and each mode, ``script x --child NAME MODE ARGS...`` runs
in a new interpreter (so no compiled kernel, cache or thread pool carries over) and
prints one JSON line; the rows are echoed as they come and returned. Used by
``colgen_root.py`` and ``sweep_speed.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys


def run_children(script: str, names, modes, repeats: int, args: list[str]) -> list[dict]:
    """The JSON rows of every (repeat, instance, mode) child run of ``script``, in order."""
    rows = []
    for _ in range(repeats):
        for name in names:
            for mode in modes:
                out = subprocess.run([sys.executable, script, "x", "--child", name, mode, *args],
                                     capture_output=True, text=True, check=True)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows
