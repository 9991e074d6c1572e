"""Golden files: every input in golden/inputs.txt gives exactly the diagnostics and canonical
output recorded in golden/expected.jsonl (regenerate with golden/regen.py and review the diff)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from datetime import datetime, timezone

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)

import fel
from fel.diagnostics import to_dicts

GOLDEN = Path(__file__).resolve().parent / "golden"
ROWS = [json.loads(line) for line in (GOLDEN / "expected.jsonl").read_text(encoding="utf-8").splitlines()]


def test_golden_file_covers_the_inputs():
    inputs = [line for line in (GOLDEN / "inputs.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert len(ROWS) == len(inputs) >= 600


@pytest.mark.parametrize("row", ROWS, ids=[r["input"][:60] for r in ROWS])
def test_golden(row):
    text, type_name = row["input"], row["type"]
    diags = to_dicts(fel.check(text, type=type_name), text)
    got = [{k: d[k] for k in ("code", "severity", "line", "column", "end_column")}
           | ({"fix": d["fix"]["replacement"]} if d["fix"] else {}) for d in diags]
    assert got == row["diagnostics"]
    if row["params"] is None:
        with pytest.raises(fel.FelError):
            fel.compile_query(text, type=type_name, now=NOW)
    else:
        compiled = fel.compile_query(text, type=type_name, now=NOW)
        assert [list(p) for p in compiled.params] == row["params"]
        assert compiled.url() == row["url"]
