"""``fel run --offline`` never gives a silent empty answer: a filter or sort on a field the
saved file does not carry (a page of references; a single entity without that element) is a
warning on stderr and exit code 4 (fel.client.offline.EXIT_UNANSWERED); saved entity bodies
are read as well as QueryResults."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fel import compile_query
from fel.cli import main
from fel.client.decode import decode_page
from fel.client.offline import EXIT_UNANSWERED, load_saved, run_offline
from fel.schema import load_examples

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shared" / "responses"
REFS_10 = str(FIXTURES / "query-refs-backupjobsession-10.json")  # a real v10 body, format=References
SESSIONS_131 = str(FIXTURES / "query-entities-backupjobsession-13.1.xml")

#: A QueryResult written for this test: two sessions, only the first with a <Result>.
PARTIAL = b"""<?xml version="1.0" encoding="utf-8"?>
<QueryResult xmlns="http://www.veeam.com/ent/v1.0">
 <Entities><BackupJobSessions>
  <BackupJobSession Type="BackupJobSession" Href="https://em:9398/api/backupSessions/0b6f3d1e-2a44-4c1e-9c55-5b8f0d1a2b3c?format=Entity"
      Name="Nightly@2026-11-02 22:00:05" UID="urn:veeam:BackupJobSession:0b6f3d1e-2a44-4c1e-9c55-5b8f0d1a2b3c">
   <JobUid>urn:veeam:Job:7e2c9a51-1d3b-4f6a-8c2e-9b0d4e5f6a7b</JobUid><JobName>Nightly</JobName>
   <JobType>Backup</JobType><CreationTimeUTC>2026-11-02T22:00:05Z</CreationTimeUTC>
   <State>Stopped</State><Result>Failed</Result>
  </BackupJobSession>
  <BackupJobSession Type="BackupJobSession" Href="https://em:9398/api/backupSessions/4c7d1e2f-5a6b-4c8d-9e0f-1a2b3c4d5e6f?format=Entity"
      Name="Nightly@2026-11-03 22:00:04" UID="urn:veeam:BackupJobSession:4c7d1e2f-5a6b-4c8d-9e0f-1a2b3c4d5e6f">
   <JobUid>urn:veeam:Job:7e2c9a51-1d3b-4f6a-8c2e-9b0d4e5f6a7b</JobUid><JobName>Nightly</JobName>
   <JobType>Backup</JobType><CreationTimeUTC>2026-11-03T22:00:04Z</CreationTimeUTC><State>Working</State>
  </BackupJobSession>
 </BackupJobSessions></Entities>
</QueryResult>"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("query, missing", [
    ("BackupJobSession where Result == Failed", "Result"),
    ("BackupJobSession where JobName == \"Archived Projects\"", "JobName"),
    ("BackupJobSession where Name == \"x\" order by CreationTime", "CreationTime"),
    ("type=BackupJobSession&filter=State==Working;Result!=Success", "State, Result"),
])
def test_references_page_cannot_answer_entity_fields(capsys, query, missing):
    code, out, err = run(capsys, "run", "--offline", REFS_10, "-o", "jsonl", query)
    assert code == EXIT_UNANSWERED == 4
    assert f"warning: none of the 2 saved BackupJobSession entities carries {missing} " in err
    assert "page of references" in err and "format=Entities" in err


def test_references_page_answers_name_and_uid(capsys):
    code, out, err = run(capsys, "run", "--offline", REFS_10, "-o", "jsonl",
                         'BackupJobSession where Name == "Archived Projects@2020-02-04 08:12:19" order by UID')
    assert code == 0 and err == ""
    assert [json.loads(line)["Name"] for line in out.splitlines()] == ["Archived Projects@2020-02-04 08:12:19"]


def test_empty_answer_is_said(capsys):
    code, out, err = run(capsys, "run", "--offline", SESSIONS_131, "-o", "jsonl",
                         "BackupJobSession where Result == Warning")
    assert code == 0 and out == "" and "none of the 2 saved BackupJobSession entities matches" in err


def test_a_field_some_entities_lack_is_answerable(tmp_path, capsys):
    saved = tmp_path / "partial.xml"
    saved.write_bytes(PARTIAL)
    code, out, err = run(capsys, "run", "--offline", str(saved), "-o", "jsonl", "--fields", "Name",
                         "BackupJobSession where Result == Failed")
    assert code == 0 and err == "" and json.loads(out) == {"Name": "Nightly@2026-11-02 22:00:05"}


@pytest.mark.parametrize("suffix", ["xml", "json"])
def test_single_entity_bodies(tmp_path, capsys, suffix):
    """GET /jobs/{ID}/includes/{ID} answers one <ObjectInJob>: no BackupServer* in it."""
    xml = load_examples()["ObjectInJob"]["entity_example_xml"]
    saved = tmp_path / f"object.{suffix}"
    if suffix == "xml":
        saved.write_text(xml, encoding="utf-8")
    else:
        saved.write_text(json.dumps({"Type": "ObjectInJob", "Href": "https://em:9398/api/jobs/1/includes/2",
                                     "ObjectInJobId": "83071dc0-44f2-49b6-b431-1cb79ed66639",
                                     "Name": "oracle", "DisplayName": "oracle"}), encoding="utf-8")
    assert load_saved(saved).format == "Entity" and len(load_saved(saved).entities) == 1
    code, out, err = run(capsys, "run", "--offline", str(saved), "-o", "jsonl", "--fields", "Name",
                         'ObjectInJob where Name == "oracle"')
    assert code == 0 and json.loads(out) == {"Name": "oracle"} and err == ""
    code, out, err = run(capsys, "run", "--offline", str(saved), "-o", "jsonl",
                         'ObjectInJob where BackupServerName == "srv01"')
    assert code == 4 and out == ""
    assert "none of the 1 saved ObjectInJob entity carries BackupServerName (a single entity)" in err
    assert "run the query against EM" in err


def test_library_result_names_the_missing_fields():
    page = decode_page(Path(REFS_10).read_bytes())
    result = run_offline(page.entities, compile_query("BackupJobSession where Result == Failed order by EndTime"),
                         source_format=page.format)
    assert result.missing_fields == ["Result", "EndTime"] and result.entities == []
    result = run_offline(page.entities, compile_query("BackupJobSession limit 1"))
    assert result.missing_fields == [] and len(result.entities) == 1


def test_empty_file_is_said(tmp_path, capsys):
    saved = tmp_path / "empty.xml"
    saved.write_text('<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs/></QueryResult>', encoding="utf-8")
    code, out, err = run(capsys, "run", "--offline", str(saved), "BackupJobSession where Result == Failed")
    assert code == 0 and "the saved file holds no BackupJobSession entities" in err
