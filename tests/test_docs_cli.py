"""The docs agree with the command line a newcomer meets.

* every long option of a subcommand (`fel <cmd> --help`) is named on the guide page of that
  subcommand, so `--help` never offers something the page is silent about;
* every page that counts the query types says the number the schema (and so `fel schema`, the
  REPL's Tab menu and the emulator) has.
"""
from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

import pytest

from fel.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: subcommand -> the page(s) a user reads for it
GUIDE = {
    "check": "README.md", "compile": "README.md", "schema": "README.md",
    "explain": "README.md docs/api.md", "rule": "docs/lint.md",
    "run": "docs/client.md", "lookup": "docs/client.md", "lint": "docs/lint.md",
    "lsp": "docs/editors.md", "serve": "docs/emulator.md", "repl": "docs/repl.md",
}


def long_options(command: str) -> list[str]:
    parser = argparse.ArgumentParser(prog=f"fel {command}")
    importlib.import_module(COMMANDS[command][0]).configure(parser)
    return [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"]


def test_every_subcommand_has_a_guide():
    assert set(GUIDE) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(GUIDE))
def test_every_option_is_named_on_the_guide_page(command):
    text = "".join((ROOT / page).read_text(encoding="utf-8") for page in GUIDE[command].split())
    missing = [o for o in long_options(command) if not re.search(re.escape(o) + r"(?![\w-])", text)]
    assert not missing, f"{GUIDE[command]} does not name {missing} of `fel {command} --help`"


def test_the_option_check_can_fail():
    assert re.search(re.escape("--debounce") + r"(?![\w-])", "fel lsp [--debounce-ms N]") is None
    assert "--stdio" in long_options("lsp")


_COUNT = re.compile(r"\b(?:all|the)\s+(\d+)\s+(?:query\s+)?types\b")


def test_type_counts_in_the_docs_match_the_schema():
    from fel import load_schema

    schema = load_schema()
    names = list(getattr(schema, "type_names", None) or [t.name for t in schema.types])
    wrong = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        if page.name == "changelog.md":  # past releases keep the numbers they had
            continue
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for m in _COUNT.finditer(line):
                if int(m.group(1)) != len(names):
                    wrong.append(f"{page.name}:{n}: {m.group(0)}")
    assert not wrong, f"the schema has {len(names)} types: {wrong}"
