"""Rendering results: default columns per type, cells, tables, expanded records, JSON, CSV."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest

from fel.client.entity import Entity, Link
from fel.repl import render as R
from fel.schema import load_schema

DEFAULTS = {
    "BackupJobSession": ["Name", "JobName", "Result", "State", "JobType", "CreationTime", "EndTime"],
    "Job": ["Name", "JobType", "Platform", "NextRun", "ScheduleConfigured", "ScheduleEnabled"],
    "Repository": ["Name", "FreeSpace", "Capacity", "BackupServerName"],
    "VmRestorePoint": ["Name", "VmDisplayName", "VmName", "Type", "Algorithm", "CreationTime"],
    "Task": ["TaskId", "State", "Operation"],
    "BackupTaskSession": ["Name", "VmDisplayName", "Result", "State", "CreationTime", "EndTime", "TotalSize"],
    "Credentials": ["Username", "CredentialsId"],
}


@pytest.mark.parametrize("type_name, headers", sorted(DEFAULTS.items()))
def test_default_columns(type_name, headers):
    cols = R.default_columns(load_schema().type(type_name))
    assert [c.header for c in cols] == headers


def test_every_type_gets_columns_the_entity_can_carry():
    for qtype in load_schema():
        cols = R.default_columns(qtype)
        assert 1 <= len(cols) <= 7, qtype.name
        assert all(c.path for c in cols)
        assert not any(c.kind in ("uid", "reference") for c in cols), qtype.name


@pytest.mark.parametrize("value, text", [
    (None, ""), (True, "true"), (False, "false"), (3, "3"), (1.5, "1.5"),
    (datetime(2025, 8, 14, 12, 31, 30, 389954, tzinfo=timezone.utc), "2025-08-14 12:31:30"),
    (datetime(1753, 1, 1, tzinfo=timezone.utc), "never"),
    ("evil\x1b[2Jtext\x07", "evil [2Jtext "), ("a\nb", "a b"), ({"k": 1}, '{"k":1}'),
])
def test_cells(value, text):
    assert R.cell(value) == text


def _entity(name, result, created=None):
    return Entity({"Type": "BackupJobSession", "Name": name, "UID": "urn:veeam:BackupJobSession:1"},
                  {"JobName": name.split("@")[0], "Result": result,
                   "CreationTimeUTC": created or datetime(2025, 8, 14, tzinfo=timezone.utc)},
                  (Link("Up", "https://em/api/backupServers/1", "BackupServerReference", "vbr"),))


def test_table_aligns_clips_and_drops_what_does_not_fit():
    qtype = load_schema().type("BackupJobSession")
    rows = [_entity("nightly@1", "Failed"), _entity("x" * 100 + "@2", "Success")]
    text = R.table(rows, R.default_columns(qtype), width=200)
    lines = text.splitlines()
    assert lines[0].split("|")[0].strip() == "Name"
    assert len({line.index("|") for line in lines[:1] + lines[2:4]}) == 1     # aligned
    assert "…" in lines[3]                                                    # clipped at 60
    narrow = R.table(rows, R.default_columns(qtype), width=90)
    assert "more column(s) not shown" in narrow
    assert all(len(line) <= 90 for line in narrow.splitlines()[:4])
    coloured = R.table(rows, R.default_columns(qtype), color=True, width=200)
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured                # Failed red, Success green


def test_link_columns_and_wide_characters():
    qtype = load_schema().type("BackupJobSession")
    cols, missing = R.columns_named(qtype, ["backupservername", "JobName", "Nope"])
    assert [c.header for c in cols] == ["BackupServerName", "JobName"] and missing == ["Nope"]
    text = R.table([_entity("日本語@1", "Failed")], cols)
    assert "vbr" in text
    assert R.display_width("日本語") == 6


def test_expanded_json_csv():
    rows = [_entity("a@1", "Failed"), _entity("b@2", "Warning")]
    ex = R.expanded(rows, start=11)
    assert "-[ RECORD 11 ]" in ex and "-[ RECORD 12 ]" in ex and "Result" in ex
    data = json.loads(R.to_json(rows))
    assert data[0]["CreationTimeUTC"] == "2025-08-14T00:00:00Z" and data[1]["Result"] == "Warning"
    table = list(csv.reader(io.StringIO(R.to_csv(rows))))
    assert table[0] == ["UID", "Name", "Type", "JobName", "Result", "CreationTimeUTC"]
    assert table[1][4] == "Failed"
    cols = R.default_columns(load_schema().type("BackupJobSession"))
    chosen = list(csv.reader(io.StringIO(R.to_csv(rows, cols))))
    assert chosen[0] == [c.header for c in cols]


def test_grid_wraps_columns_to_the_width():
    text = R.grid(["a", "b"], [["x", "word " * 30]], width=50, wrap=(1,))
    assert all(len(line) <= 50 for line in text.splitlines())
    assert len(text.splitlines()) > 3
