"""Every example URL of Veeam's 13.x docs (tests/fixtures/shared/doc-queries-13.txt) runs on the
emulator: 200, at least one result, the element names Veeam documents for the type, and
results that really satisfy the example's filter."""
from __future__ import annotations

import pytest

from emkit import api_target, doc_queries, q, xml
from fel.schema import load_schema
from fel.emulator.templates import template
from fel.emulator.urls import parse_query

SCHEMA = load_schema()
QUERIES = doc_queries()


def _param(url: str, name: str) -> str | None:
    for k, v in parse_query(url.split("?", 1)[1]):
        if k.lower() == name.lower():
            return v
    return None


def test_the_fixture_has_every_doc_example():
    assert len(QUERIES) == 56


@pytest.mark.parametrize("url", QUERIES, ids=[u.split("?", 1)[1][:70] for u in QUERIES])
def test_doc_example_runs(api, base, url):
    r = api.get(base + api_target(url))
    assert r.status_code == 200, r.text[:500]
    root = xml(r.content)
    assert root.tag == q("QueryResult")
    qtype = SCHEMA.type(_param(url, "type"))
    tpl = template(qtype.name)
    fmt = (_param(url, "format") or "References").lower()
    if fmt == "entities" or qtype.reference_type is None:
        holder = root.find(q(qtype.result_container))
        assert holder is not None, f"expected <{qtype.result_container}>"
        [box] = list(holder)
        assert box.tag == q(tpl.container)
        items = list(box)
        assert items and all(i.tag == q(tpl.root_tag) for i in items)
        if tpl.type_attr:
            assert {i.get("Type") for i in items} == {tpl.type_attr}
    else:
        items = root.findall(f"{q('Refs')}/{q('Ref')}")
        assert items and {i.get("Type") for i in items} == {qtype.reference_type}
    info = root.find(q("PagingInfo"))
    size = _param(url, "pageSize")
    assert info.get("PageSize") == (size or "100")
    assert len(items) <= int(info.get("PageSize"))


def test_the_documented_failed_sessions_example_returns_failed_sessions_of_backup_job_2(api, base):
    r = api.get(base + 'query?type=BackupJobSession&format=Entities&filter=Result==Failed;JobName=="Backup Job 2"')
    sessions = xml(r.content).find(q("Entities")).find(q("BackupJobSessions"))
    assert len(sessions) >= 2
    for s in sessions:
        assert s.tag == q("BackupJobSession") and s.get("Type") == "BackupJobSession"
        assert s.findtext(q("Result")) == "Failed"
        assert s.findtext(q("JobName")) == "Backup Job 2"
        assert s.get("Name").startswith("Backup Job 2@")
        assert s.findtext(q("JobUid")) == "urn:veeam:Job:0a6262a1-8add-49c5-85ea-0b1ba9361a3b"


def test_the_13_1_example_window_finds_the_pinned_sessions(api, base):
    url = [u for u in QUERIES if "type=BackupJobSession&format=Entities&filter=Result==Failed" in u][0]
    items = xml(api.get(base + api_target(url)).content).find(q("Entities")).find(q("BackupJobSessions"))
    names = {s.get("Name") for s in items}
    assert "Periodic Backup Copy Job\\Backup Job 1@2025-08-16 05:17:38.22142" in names
    for s in items:
        assert "2025-08-15T06:00:00Z" <= s.findtext(q("CreationTimeUTC")) <= "2025-08-16T13:00:00Z"


@pytest.mark.parametrize("url,check", [
    ('query?type=job&filter=name=="Exchange Backup"', lambda r: r.get("Name") == "Exchange Backup"),
    ("query?type=BackupServer&format=Entities&filter=Version==\"11.0.0.837\"",
     lambda e: e.findtext(q("Version")) == "11.0.0.837"),
    ("query?type=Repository&format=Entities&filter=FreeSpace<107374182400",
     lambda e: int(e.findtext(q("FreeSpace"))) < 107374182400),
    ("query?type=VmRestorePoint&format=Entities&sortDesc=CreationTime&pageSize=3&page=1&filter=VmDisplayName==dbserver01",
     lambda e: e.get("VmDisplayName") == "dbserver01"),
    ("query?type=CloudTenant&format=Entities&sortAsc=name&filter=BackupServerName==\"172.24.31.67\";Type==ActiveDirectory",
     lambda e: e.get("Name") == "ABC Company"),
    ("query?type=BackupFile&format=Entities&filter=BackupUid==\"urn:veeam:Backup:39cb6675-8930-436a-8ac3-8a4ae6195cb1\";FileType==vbk",
     lambda e: e.findtext(q("FileType")) == "vbk" and any(
         lk.get("Href", "").endswith("/backups/39cb6675-8930-436a-8ac3-8a4ae6195cb1") for lk in e.iter(q("Link")))),
])
def test_doc_examples_return_what_they_ask_for(api, base, url, check):
    root = xml(api.get(base + url).content)
    items = root.findall(f"{q('Refs')}/{q('Ref')}") or [e for box in root.find(q("Entities")) for e in box]
    assert items and all(check(i) for i in items)
