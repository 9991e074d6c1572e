"""Live validation for the toolbar: status per input, and the toolbar layout."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fel.repl.toolbar import Status, short_hint, status, toolbar_fragments

FIXED_NOW = datetime(2025, 8, 15, 10, 30, tzinfo=timezone.utc)

CASES = json.loads((Path(__file__).parent / "data" / "toolbar_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] or "<empty>" for c in CASES])
def test_status(case):
    st = status(case["text"], now=FIXED_NOW)
    assert st.state == case["state"], st
    if "code" in case:
        assert st.code == case["code"]
    if "message" in case:
        assert case["message"] in st.message
    if "hint" in case:
        assert case["hint"] in st.hint
    if "url" in case:
        assert case["url"] in st.url


def test_status_never_raises_on_odd_input():
    for text in ("\x00", "(((((", '"', "Job where " + "(" * 200, "\u201c", "https://", "?&&&="):
        assert status(text).state in ("empty", "error", "incomplete", "ok", "warning", "command")


def test_short_hint_keeps_the_did_you_mean():
    assert short_hint("did you mean `Result`? BackupJobSession fields: UID, Name") == "did you mean `Result`?"
    assert short_hint(None) == ""
    assert len(short_hint("x" * 200)) == 80


@pytest.mark.parametrize("width", [40, 80, 200])
def test_toolbar_fits_the_width(width):
    for st in (Status("empty"), Status("ok", url="https://h:9398/api/query?type=Job&" + "x" * 300),
               Status("error", "m" * 300, "did you mean `X`?", "FEL101")):
        text = "".join(t for _, t in toolbar_fragments(st, width=width, connection="demo@127.0.0.1:1 (demo)", mode="table"))
        assert len(text) <= max(width, 34)


def test_toolbar_styles_by_state():
    styles = {toolbar_fragments(Status(s, "m", url="https://h/api/q"), width=100)[0][0]
              for s in ("ok", "warning", "incomplete", "error")}
    assert styles == {"class:toolbar.ok", "class:toolbar.warning", "class:toolbar.incomplete", "class:toolbar.error"}
