"""fel check on the schema facts of issue #10 (sort-only fields, enum values by version, the
Job.Platform spellings, the new types, BackupTaskSession in 9.0): the hand-written cases of
golden/schema_facts.tsv, the same answers through the CLI, and the compiler's output."""
from __future__ import annotations

from pathlib import Path

import pytest

import fel
from fel.cli import main as cli_main
from fel.diagnostics import to_dicts

CASES = []
for line in (Path(__file__).resolve().parent / "golden" / "schema_facts.tsv").read_text(encoding="utf-8").splitlines():
    if line.strip() and not line.startswith("#"):
        version, type_name, text, expected = line.split("\t")
        CASES.append((None if version == "-" else version, None if type_name == "-" else type_name, text,
                      [] if expected == "-" else expected.split()))


def _codes(text: str, type_name: str | None, version: str | None) -> list[str]:
    return [f"{d['code']}@{d['column']}" for d in to_dicts(fel.check(text, type=type_name, em_version=version), text)]


@pytest.mark.parametrize("version,type_name,text,expected", CASES, ids=[f"{c[0]}:{c[2][:50]}" for c in CASES])
def test_case(version, type_name, text, expected):
    assert sorted(_codes(text, type_name, version)) == sorted(expected)


def test_cases_cover_every_new_code():
    codes = {c.split("@")[0] for *_, expected in CASES for c in expected}
    assert {"FEL108", "FEL109"} <= codes
    assert sum(1 for *_, expected in CASES if not expected) >= 15  # and clean answers


def test_messages():
    [d] = fel.check('Task where TaskUid == "task-1"')
    assert d.code == "FEL108" and d.severity.value == "error"
    assert "sorted by TaskUid but not filtered" in d.message and "sortAsc=TaskUid" in d.hint
    [d] = fel.check("Task where State == Running", em_version="10")
    assert "filtering came in 11" in d.message
    [d] = fel.check("BackupJobSession where JobType == nasbackup", em_version="9.5u4")[:1]
    assert d.code == "FEL109" and d.severity.value == "warning"
    assert "`NasBackup` is not a JobType value in Enterprise Manager 9.5u4 (it appeared in 10)" == d.message
    assert d.hint == "values in 9.5u4: Backup, BackupCopy, AgentBackup, AgentManagement"


def test_cli_agrees(capsys):
    assert cli_main(["check", "--em-version", "9.5u4", "Job where JobType == ImmediateBackupCopy"]) == 0
    assert "FEL109" in capsys.readouterr().out
    assert cli_main(["check", "Task where TaskUid == x"]) == 1
    assert "FEL108" in capsys.readouterr().out
    assert cli_main(["check", "https://em:9398/api/query?type=Task&sortAsc=TaskUid&pageSize=15"]) == 0


def test_compiled_forms():
    assert fel.compile_query("Job where Platform == Hyperv").params[1] == ("filter", "Platform==HyperV")
    assert [tuple(p) for p in fel.compile_query("Task where State == Running order by TaskUid").params] == [
        ("type", "Task"), ("filter", "State==Running"), ("sortAsc", "TaskUid")]
    with pytest.raises(fel.FelError):
        fel.compile_query('Task where TaskUid == "task-1"')
    assert fel.compile_query("ExternalRepository order by Name limit 15").url().startswith(
        "https://localhost:9398/api/query?type=ExternalRepository&sortAsc=Name&pageSize=15")


def test_fel_schema_shows_the_facts(capsys):
    assert cli_main(["schema", "Task"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["TaskUid"].endswith("(sort only)") and "(filter from 11; sort only before)" in lines["State"]
    assert "OperationFinished (10+)" in lines["State"]
    assert cli_main(["schema", "--format", "json", "Job"]) == 0
    import json
    fields = {f["name"]: f for f in json.loads(capsys.readouterr().out)["fields"]}
    assert fields["Platform"]["enum_spellings"] == {"Hyperv": "HyperV"}
    assert fields["JobType"]["enum_since"] == {"ImmediateBackupCopy": "10"}
    assert fields["Name"]["sort_only"] is False and fields["Name"]["filter_since"] is None


# -- every gated value and every sort-only field, at every known version ---------------------

def _gated():
    from fel.schema import load_schema

    return [(t.name, f.name, value, since) for t in load_schema() for f in t.fields for value, since in f.enum_since]


@pytest.mark.parametrize("tname,fname,value,since", _gated(), ids=lambda x: str(x))
def test_value_gate_at_every_version(tname, fname, value, since):
    from fel.schema import KNOWN_VERSIONS, parse_version

    for version in KNOWN_VERSIONS:
        if not fel.schema.load_schema().type(tname).available_in(version):
            continue
        codes = {d.code for d in fel.check(f"{tname} where {fname} == {value}", em_version=str(version))}
        assert ("FEL109" in codes) == (parse_version(since) > version), (str(version), codes)
        assert "FEL208" not in codes


def test_sort_only_fields_at_every_version():
    from fel.schema import KNOWN_VERSIONS, load_schema

    fields = [(t, f) for t in load_schema() for f in t.fields if f.sort_only or f.filter_since]
    assert fields
    for t, f in fields:
        for version in (None, *KNOWN_VERSIONS):
            v = None if version is None else str(version)
            filtered = {d.code for d in fel.check(f'{t.name} where {f.name} == "x"', em_version=v)}
            assert ("FEL108" in filtered) == (not f.filterable_in(version)), (f.name, v)
            assert not fel.check(f"type={t.name}&sortAsc={f.name}&pageSize=10", em_version=v), (f.name, v)
