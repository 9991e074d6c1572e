"""Shared helpers for the fel lint tests."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fel import codes
from fel.lint.config import Settings
from fel.lint.engine import lint_text

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
FIXTURES = HERE.parent / "fixtures"


def all_settings(**kw) -> Settings:
    return Settings(frozenset(codes.RULES), **kw)


def lint(source: str, file: str = "x.queries", **kw):
    """Diagnostics (file coordinates) for ``source`` linted as ``file``, every rule enabled."""
    return lint_text(source, path=file, settings=all_settings(**kw)).diagnostics


def item_source(item) -> tuple[str, str, dict]:
    """(file name, source text, settings kwargs) of a golden-table item."""
    if isinstance(item, str):
        item = {"text": item}
    if "repeat" in item:
        r = item["repeat"]
        item = {**item, "text": r["prefix"] + r["unit"] * r["times"] + r["suffix"]}
    kw = {"em_version": item["em_version"]} if "em_version" in item else {}
    return item.get("file", "x.queries"), item.get("source", item.get("text", "") + "\n"), kw


def load_golden(name: str):
    with open(GOLDEN / name, encoding="utf-8") as fh:
        return json.load(fh)


def position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    col = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, col


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``fel <args>`` in-process; returns (exit code, stdout, stderr)."""
    from fel.cli import main

    def run(*args: str, stdin: str | None = None, env: dict | None = None, cwd: str | os.PathLike | None = None):
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            import io
            import sys

            buf = io.BytesIO(stdin.encode("utf-8"))
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(buf, encoding="utf-8"))
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run
