"""Regenerate expected.jsonl from inputs.txt (review the diff before committing!).

    python tests/core/golden/regen.py
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)


def read_inputs() -> list[tuple[str | None, str]]:
    rows = []
    for line in (HERE / "inputs.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" in line:
            t, text = line.split("\t", 1)
            rows.append((t, text))
        else:
            rows.append((None, line))
    return rows


def expected_for(type_name: str | None, text: str) -> dict:
    import fel
    from fel.diagnostics import to_dicts

    diags = fel.check(text, type=type_name)
    row: dict = {"input": text, "type": type_name,
                 "diagnostics": [{k: d[k] for k in ("code", "severity", "line", "column", "end_column")}
                                 | ({"fix": d["fix"]["replacement"]} if d["fix"] else {})
                                 for d in to_dicts(diags, text)]}
    try:
        compiled = fel.compile_query(text, type=type_name, now=NOW)
        row["params"] = compiled.params
        row["url"] = compiled.url()
    except fel.FelError:
        row["params"] = None
    return row


def main() -> None:
    rows = [expected_for(t, text) for t, text in read_inputs()]
    with open(HERE / "expected.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows")


if __name__ == "__main__":
    main()
