"""The automatic comparison of fel's schema with facts derived from Veeam's doc pages.

``fel/schema/data/docfacts.json`` is derived from the public markdown dump of Veeam's docs
(``python -m fel.schema.docfacts --dump PATH --write``); these tests keep the shipped schema in
agreement with it, check the comparison itself on altered facts, and check the page reader on
pages written for the tests in the dump's layout (tests/core/docfacts/). With FEL_DOCS_DUMP set
to a local copy of the dump, the stored facts are also re-derived and compared.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pytest

from fel.schema import docfacts

HERE = Path(__file__).resolve().parent
PAGES = HERE / "docfacts"
TYPES = json.loads((Path(docfacts.__file__).parent / "data" / "types.json").read_text(encoding="utf-8"))


@pytest.fixture()
def dump(tmp_path):
    folder = tmp_path / "docs" / "em_rest"
    folder.mkdir(parents=True)
    for page in PAGES.glob("*.md"):
        shutil.copy(page, folder / page.name)
    return tmp_path


def test_schema_agrees_with_the_stored_facts():
    assert docfacts.check() == []
    assert docfacts.main(["--check"]) == 0


def test_stored_facts_cover_every_query_page():
    facts = docfacts.load_facts()
    assert len(facts["types"]) == 49 and len(facts["listed_types"]) == 48
    assert "ObjectInAgentBackupJob" in facts["types"] and "ObjectInAgentBackupJob" not in facts["listed_types"]
    job = {f["name"]: f for f in facts["types"]["Job"]["fields"]}
    assert job["Platform"]["enum"] == ["VMware", "Hyperv", "vCloud"]  # the page's spelling, kept as found
    assert facts["types"]["CloudFailoverSession"]["fields"][2]["enum"] == ["FailoverPlan"]


def _altered(change) -> list[str]:
    facts = copy.deepcopy(docfacts.load_facts())
    change(facts)
    return docfacts.compare(facts, TYPES)


def _field(facts, tname, fname):
    return next(f for f in facts["types"][tname]["fields"] if f["name"] == fname)


@pytest.mark.parametrize("change,expected", [
    (lambda f: f["types"].update(Gizmo={"fields": [], "page": "get_query_gizmo.md"}),
     "Gizmo: has a query page (get_query_gizmo.md) but is not in fel's schema [missing-type]"),
    (lambda f: f["listed_types"].append("Doohickey"),
     "Doohickey: listed on query_type but not in fel's schema [missing-type]"),
    (lambda f: f["types"]["Job"]["fields"].append({"name": "Colour", "doc_type": "String"}),
     "Job.Colour: on the page, not in fel's schema [missing-field]"),
    (lambda f: _field(f, "Repository", "FreeSpace").update(doc_type="Long"),
     "Repository.FreeSpace: page types it Long, fel Int64 [doc_type]"),
    (lambda f: _field(f, "BackupJobSession", "Result").update(enum=["Success", "Failed"]),
     "BackupJobSession.Result: page lists ['Success', 'Failed'], fel ('Success', 'Warning', 'Failed') [enum]"),
    (lambda f: f["types"]["Backup"]["fields"].pop(),
     "Backup.BackupType: in fel's schema as documented, not on the page [extra-field]"),
    (lambda f: _field(f, "Job", "Name").update(sort_only=True),
     "Job.Name: page says sort-only=True, fel False [sort_only]"),
    (lambda f: _field(f, "Job", "Platform").update(enum=["VMware", "HyperV", "vCloud"]),
     "Job.Platform: the known difference is gone; drop it from KNOWN_DIFFERENCES [stale-enum]"),
])
def test_compare_reports_each_difference(change, expected):
    assert _altered(change) == [expected.replace("('Success', 'Warning', 'Failed')", "['Success', 'Warning', 'Failed']")]


def test_known_differences_are_explained():
    assert all(reason.strip() for reason in docfacts.KNOWN_DIFFERENCES.values())
    found = docfacts.compare(docfacts.load_facts(), TYPES, known={})
    assert len(found) == len(docfacts.KNOWN_DIFFERENCES)  # exactly the known ones, nothing else


@pytest.mark.parametrize("description,values", [
    ("Job type. Possible values:   * Backup — backup job * BackupCopy — periodic copy", ["Backup", "BackupCopy"]),
    ("Type of the session. Possible value: FailoverPlan.", ["FailoverPlan"]),
    ("Type of the replication job session. Possible values: Replica.", ["Replica"]),
    ("Installation status:   * NotInstalled * Installed", ["NotInstalled", "Installed"]),
    ("Size in bytes, 2 * 3 in prose.", []),
    ("Name of the job, for example: DC Replication.", []),
])
def test_enum_values(description, values):
    assert docfacts.enum_values(description) == values


def test_derive_from_a_checkout(dump):
    facts = docfacts.derive(dump)
    assert facts["listed_types"] == ["Gadget", "Widget"]
    assert list(facts["types"]) == ["Gadget", "Widget"]  # notes.md and query_type.md are no query pages
    widget = facts["types"]["Widget"]
    assert widget["version"] == "13.0.1.1071" and widget["page"] == "get_query_widget.md"
    assert [(f["name"], f["doc_type"], f.get("enum")) for f in widget["fields"]] == [
        ("UID", "UidType", None), ("Colour", "String", ["Red", "Green", "Blue"]), ("Shape", "String", ["Round"]),
        ("Status", "String", ["Ready", "Broken"]), ("Size", "Long", None)]
    gadget = facts["types"]["Gadget"]["fields"]
    assert gadget == [{"name": "GadgetUid", "doc_type": "String", "sort_only": True},
                      {"name": "State", "doc_type": "String", "enum": ["On", "Off"]}]


def test_main_dump_mode(dump, capsys, monkeypatch, tmp_path):
    stored = tmp_path / "stored.json"
    monkeypatch.setattr(docfacts, "DATA", stored)
    assert docfacts.main(["--dump", str(dump), "--write"]) == 0
    assert json.loads(stored.read_text(encoding="utf-8")) == docfacts.derive(dump)
    assert docfacts.main(["--dump", str(dump)]) == 0
    assert "match the dump (2 query pages)" in capsys.readouterr().out
    (dump / "docs" / "em_rest" / "get_query_gadget.md").unlink()
    assert docfacts.main(["--dump", str(dump)]) == 1
    assert "differ from the dump" in capsys.readouterr().out


def test_main_rejects_bad_arguments(tmp_path, capsys):
    assert docfacts.main([]) == 2
    assert docfacts.main(["--dump", str(tmp_path)]) == 2
    assert "cannot read the dump" in capsys.readouterr().err
    (tmp_path / "docs" / "em_rest").mkdir(parents=True)
    assert docfacts.main(["--dump", str(tmp_path)]) == 2
    assert "no query pages" in capsys.readouterr().err


@pytest.mark.skipif(not os.environ.get("FEL_DOCS_DUMP"),
                    reason="set FEL_DOCS_DUMP to a local copy of veeam-docs-vbr-dump to re-derive the facts")
def test_stored_facts_match_the_dump():
    assert docfacts.derive(Path(os.environ["FEL_DOCS_DUMP"])) == docfacts.load_facts()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_derive_from_a_git_directory(dump):
    """The dump fetched as a bare repository (no work tree) is read with git itself."""
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q"], ["add", "docs"], ["commit", "-q", "-m", "pages"]):
        subprocess.run(["git", *args], cwd=dump, check=True, env=env, capture_output=True)
    assert docfacts.derive(dump / ".git") == docfacts.derive(dump)
