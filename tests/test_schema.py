"""Data-driven tests of fel's schema data, its lookups, versions and the generators.

The field index under tests/fixtures/schema/ is a copy of the 390 documented (type, field,
doc type, enum) rows, written by ``python -m fel.schema.generate --write-test-fixture``, so
these tests run on a clone without ../shared. Only the generator round trip needs ../shared.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from fel.schema import (KNOWN_VERSIONS, LATEST, EmVersion, Kind, load_examples, load_schema,
                        parse_version, suggest)
from fel.schema import docgen, generate

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
INDEX = json.loads((REPO / "tests" / "fixtures" / "schema" / "field-index.json").read_text(encoding="utf-8"))
DOCFACTS = json.loads((REPO / "fel" / "schema" / "data" / "docfacts.json").read_text(encoding="utf-8"))
#: Types the shared extracts lack: a 13.0.1 query page; EM 13.1's /querySvc listing.
EXTRA_TYPES = {"ObjectInAgentBackupJob": "13.0", "ExternalRepository": "13.1"}

NEW_TYPES = {"NasJob": "10", "NasObject": "10", "FileServer": "10", "CdpPolicy": "11",
             "CdpReplica": "11", "CdpReplicaSession": "11", "CdpReplicaTaskSession": "11",
             "vAppReplicaPoint": "11"}
#: REFERENCE §2 value forms, restated independently of the generator.
EXPECTED_KIND = {"String": "string", "Boolean": "boolean", "Int": "integer", "Int64": "integer",
                 "Long": "integer", "Double": "decimal", "DateTime": "datetime", "UidType": "uid",
                 "Name": "string", "CloudTenantType": "enum", "HierarchyObjRefType": "reference"}
LINK_RE = re.compile(r"^link:(Up|Related):[A-Za-z]+@(Name|UID)$")


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def field(schema, tname: str, fname: str):
    t = schema.type(tname)
    assert t is not None, tname
    f = t.field(fname)
    assert f is not None, f"{tname}.{fname}"
    return f


# -- counts -----------------------------------------------------------------------------

def test_counts(schema):
    assert len(schema) == 50  # the 48 of query_type, ObjectInAgentBackupJob, ExternalRepository
    assert len(INDEX) == 390
    documented = [f for t in schema for f in t.documented_fields()]
    # 390 from the extracts, 8 of ObjectInAgentBackupJob's page, Task's sort-only TaskUid
    assert len(documented) == 399
    assert schema.meta["documented_field_count"] == 399
    assert schema.meta["field_count"] == sum(len(t.fields) for t in schema)
    assert schema.meta["generated_by"] == "fel.schema.generate"


def test_undocumented_fields_are_marked(schema):
    extra = {(t.name, f.name) for t in schema for f in t.fields if f.undocumented}
    assert extra == {("VmRestorePoint", "HierarchyObjRef"), ("VmRestorePoint", "VmName"),
                     ("ExternalRepository", "UID"), ("ExternalRepository", "Name")}
    assert field(schema, "VmRestorePoint", "HierarchyObjRef").kind is Kind.REFERENCE
    for t in schema:
        for f in t.fields:
            if f.undocumented:
                assert f.note and "ndocumented" in f.note


def test_types_sorted_case_insensitively(schema):
    names = list(schema.type_names)
    assert names == sorted(names, key=str.lower)
    assert {r["type"] for r in INDEX} | set(EXTRA_TYPES) == set(names)


# -- every documented field, verbatim -----------------------------------------------------

@pytest.mark.parametrize("row", INDEX, ids=lambda r: f"{r['type']}.{r['field']}")
def test_every_documented_field(schema, row):
    t = schema.type(row["type"])
    assert t is not None and t.name == row["type"]
    f = next((f for f in t.fields if f.name == row["field"]), None)
    assert f is not None, "field name must be kept verbatim"
    assert f.doc_type == row["doc_type"]
    assert not f.undocumented
    if (t.name, f.name) != ("CloudHardwarePlan", "Platform"):
        expected = EXPECTED_KIND[f.doc_type]
        if expected == "string" and row["enum"]:
            expected = "enum"
        assert f.kind.value == expected
    if f.kind is Kind.BOOLEAN:
        assert f.enum == ()
    elif (t.name, f.name) == ("Job", "Platform"):
        assert [v.lower() for v in f.enum] == [v.lower() for v in row["enum"]]
    else:
        assert list(f.enum) == row["enum"], "enum values keep their documented order"


def test_field_order_follows_docs(schema):
    for t in schema:
        if t.name in EXTRA_TYPES:
            documented = [f["name"] for f in DOCFACTS["types"].get(t.name, {"fields": []})["fields"]]
        else:
            documented = [r["field"] for r in INDEX if r["type"] == t.name]
        documented += [f.name for f in t.fields if f.sort_only]  # appended after the table
        assert [f.name for f in t.documented_fields()] == documented


# -- kinds and doc-defect corrections ----------------------------------------------------

def test_kind_corrections(schema):
    platform = field(schema, "CloudHardwarePlan", "Platform")
    assert (platform.doc_type, platform.kind, platform.enum) == ("Boolean", Kind.ENUM, ("VMware", "HyperV"))
    assert platform.note
    for tname in ("Backup", "Replica"):
        repo = field(schema, tname, "RepositoryName")
        assert (repo.doc_type, repo.kind) == ("Name", Kind.STRING) and repo.note
    tenant_type = field(schema, "CloudTenant", "Type")
    assert tenant_type.kind is Kind.ENUM and tenant_type.enum == ("vCD", "Standalone", "ActiveDirectory")
    assert field(schema, "CloudTenant", "OrganizationReference").kind is Kind.REFERENCE
    assert field(schema, "VlanConfiguration", "ClusterRef").kind is Kind.REFERENCE
    for tname, fname in [("VlanConfiguration", "UID"), ("Credentials", "CredentialsId"),
                         ("CdpReplica", "PolicyId"), ("Task", "TaskId"), ("CloudSubtenant", "UID")]:
        assert field(schema, tname, fname).kind is Kind.STRING


def test_doc_defect_corrections(schema):
    job_platform = field(schema, "Job", "Platform")
    assert job_platform.enum == ("VMware", "HyperV", "vCloud") and "Hyperv" in job_platform.note
    assert field(schema, "Repository", "UID").example == "urn:veeam:Repository:b609c947-dd30-4295-8b57-cc880329dbd6"
    assert field(schema, "CdpReplica", "UID").example.startswith("urn:veeam:CdpReplica:")
    assert field(schema, "VCloudOrganizationConfig", "UID").example.startswith("urn:veeam:VCloudOrganizationConfig:")
    for tname, fname in [("Repository", "UID"), ("CdpReplica", "UID"), ("VCloudOrganizationConfig", "UID")]:
        assert field(schema, tname, fname).note
    # Spellings kept verbatim (REFERENCE §9), matched case-insensitively.
    assert field(schema, "CloudGateway", "backupserveruid").name == "BackupServerUId"
    assert field(schema, "CloudSubtenant", "BackupServerUid").name == "BackupServerUID"


def test_enum_order(schema):
    assert field(schema, "BackupJobSession", "Result").enum == ("Success", "Warning", "Failed")
    state = field(schema, "BackupJobSession", "State")
    assert state.enum_index("working") == 2 and state.canonical_enum("STOPPED") == "Stopped"
    assert field(schema, "CloudVmReplicaPoint", "Type").enum[0] == "CDP"


# -- element mapping, URN types, containers -------------------------------------------------

@pytest.mark.parametrize("tname,fname,element", [
    ("BackupJobSession", "CreationTime", "CreationTimeUTC"),
    ("BackupJobSession", "EndTime", "EndTimeUTC"),
    ("BackupJobSession", "BackupServerName", "link:Up:BackupServerReference@Name"),
    ("BackupJobSession", "BackupServerUid", "link:Up:BackupServerReference@UID"),
    ("BackupJobSession", "UID", "@UID"),
    ("VmRestorePoint", "Type", "PointType"),
    ("VmRestorePoint", "VmDisplayName", "@VmDisplayName"),
    ("RestoreSession", "Type", "JobType"),
    ("RestorePoint", "CreationTime", "BackupDateUTC"),
    ("VCloudOrganizationConfig", "Disabled", "IsDisabled"),
    ("VCloudOrganizationConfig", "JobSchedulerType", "JobSettings/JobSchedulerType"),
    ("VsphereSelfServiceConfig", "AccountType", "Account/AccountType"),
    ("BackupFile", "CreationTimeUTC", "CreationTimeUtc"),
    ("CloudSubtenant", "UID", "@Id"),
    ("CloudSubtenant", "Quota", "RepositoryQuota/QuotaMb"),
    ("CloudFailoverPlan", "CloudTenantUid", "TenantUid"),
    ("CloudPublicIpAddress", "BackupServerUId", "@BackupServerUid"),
    ("CdpReplicaSession", "Id", "@UID"),
    ("NasObject", "UID", "ObjectInJobId"),
    ("Passwords", "BackupServerName", "link:Up:BackupServer@Name"),
    ("CloudTenant", "Type", None),
])
def test_element_mapping(schema, tname, fname, element):
    assert field(schema, tname, fname).element == element


def test_elements_point_into_the_entity(schema):
    for t in schema:
        for f in t.fields:
            e = f.element
            if e is None:
                continue
            if e.startswith("@"):
                assert e[1:] in t.entity_attributes, (t.name, f.name, e)
            elif e.startswith("link:"):
                assert LINK_RE.match(e), (t.name, f.name, e)
            elif (t.name, f.name) not in generate.ELEMENT_MAP:  # hand mappings may go by analogy
                assert e in t.entity_elements, (t.name, f.name, e)


def test_urn_types(schema):
    for t in schema:
        for f in t.fields:
            assert bool(f.urn_types) == (f.kind is Kind.UID), (t.name, f.name)
            m = re.match(r"^urn:veeam:([^:]+):", f.example or "")
            if f.kind is Kind.UID and m:
                assert m.group(1) in f.urn_types, (t.name, f.name, f.example)
        if t.uid_prefix:
            assert re.fullmatch(r"urn:veeam:[A-Za-z]+:", t.uid_prefix)
    assert field(schema, "AgentBackupJob", "UID").urn_types == ("AgentBackupJob", "Job")
    assert "Job" in field(schema, "BackupJobSession", "JobUid").urn_types
    assert field(schema, "Backup", "RepositoryUid").urn_types == ("Repository",)
    assert field(schema, "CloudGateway", "BackupServerUId").urn_types == ("BackupServer",)
    assert schema.type("BackupJobSession").uid_prefix == "urn:veeam:BackupJobSession:"
    assert schema.type("Task").uid_prefix is None


def test_result_containers(schema):
    resources = {t.name for t in schema if t.result_container == "Resources"}
    assert resources == {"Task", "Passwords", "CloudSubtenant", "NasObject"}
    assert schema.type("NasJob").entity_element == "NASJob"
    assert schema.type("CloudPublicIpAddress").entities_container == "CloudPublicIps"


def test_doc_notes_are_type_specific(schema):
    for t in schema:
        assert t.doc_notes, t.name
        for note in t.doc_notes:
            assert not note.startswith(("General:", "Current field list", "entity_example_xml:",
                                        "query_example_entity_xml:")), (t.name, note)
        assert "Links" not in t.entity_elements


# -- lookups and spellings --------------------------------------------------------------------

@pytest.mark.parametrize("spelling,name", [
    ("vAppRestorePoint", "vAppRestorePoint"), ("VAppRestorePoint", "vAppRestorePoint"),
    ("VsphereSelfServiceConfig", "VsphereSelfServiceConfig"),
    ("VSphereSelfServiceConfig", "VsphereSelfServiceConfig"),
    ("backupserver", "BackupServer"), ("BACKUPJOBSESSION", "BackupJobSession"), ("job", "Job"),
])
def test_type_lookup(schema, spelling, name):
    assert schema.type(spelling).name == name


def test_lookup_misses_and_spellings(schema):
    assert schema.type("JobSession") is None
    assert "VAppRestorePoint" in schema.type("vAppRestorePoint").spellings
    assert "VSphereSelfServiceConfig" in schema.type("VsphereSelfServiceConfig").spellings
    assert field(schema, "BackupJobSession", "creationtime").name == "CreationTime"
    assert schema.type("Job").field("NoSuchField") is None


# -- versions ---------------------------------------------------------------------------------

def test_version_availability(schema):
    assert len(schema.types_in("9.5u4")) == 40
    assert len(schema.types_in("12")) == 48
    assert len(schema.types_in("13.0")) == 49
    assert len(schema.types_in("13.1")) == 50
    assert len(schema.types_in()) == 50
    for name, since in EXTRA_TYPES.items():
        t = schema.type(name)
        assert t.since == since and not t.available_in("12") and t.available_in("13.1")
    for name, since in NEW_TYPES.items():
        t = schema.type(name)
        assert t.since == since
        assert not t.available_in("9.5u4") and t.available_in(since)
    assert {t.name for t in schema.types_in("10")} - {t.name for t in schema.types_in("9.5u4")} == {
        "NasJob", "NasObject", "FileServer"}


def test_field_since_is_parseable(schema):
    for t in schema:
        for f in t.fields:
            if f.since is not None:
                assert parse_version(f.since) >= parse_version(t.since), (t.name, f.name)


@pytest.mark.parametrize("text,key", [
    ("9.5u4", (9, 5, 4)), ("9.5 U4", (9, 5, 4)), ("9.5 update 4", (9, 5, 4)), ("12", (12, 0, 0)),
    ("12.3.1", (12, 3, 0)), ("13.1", (13, 1, 0)), ("v1_7", (12, 0, 0)), ("v1_4", (9, 5, 4)),
    ("V12", (12, 0, 0)), (" 11 ", (11, 0, 0)),
])
def test_parse_version(text, key):
    assert parse_version(text).key == key


@pytest.mark.parametrize("text", ["", "abc", "8", "9.x", "100", "v1_9", "v2_0", "12-beta", "9.5u"])
def test_parse_version_rejects(text):
    with pytest.raises(ValueError):
        parse_version(text)


def test_version_order():
    assert parse_version("9.5") < parse_version("9.5u4") < parse_version("10") < LATEST
    assert LATEST == KNOWN_VERSIONS[-1] == EmVersion(13, 1)
    assert str(parse_version("9.5 U4")) == "9.5u4" and str(parse_version("12")) == "12"


# -- suggest ----------------------------------------------------------------------------------

def test_suggest(schema):
    names = schema.type_names
    assert suggest("JobSession", names)[:2] == ["BackupJobSession", "ReplicaJobSession"]
    assert suggest("BackupJobSesion", names)[0] == "BackupJobSession"
    assert suggest("backupserver", names)[0] == "BackupServer"
    assert suggest("vapprestorepoints", names)[0] == "vAppRestorePoint"
    assert suggest("zzzzqqq", names) == []
    assert len(suggest("Session", names, n=2)) == 2
    assert suggest("creationtim", ["CreationTime", "EndTime"]) == ["CreationTime"]
    assert suggest("x", []) == []


# -- examples ---------------------------------------------------------------------------------

def test_examples(schema):
    examples = load_examples()
    assert set(examples) == set(schema.type_names)
    for name, ex in examples.items():
        assert set(ex) == {"entity_example_xml", "query_example_entity_xml", "query_example"}
        root = etree.fromstring(ex["entity_example_xml"].encode("utf-8"))  # all well-formed
        assert root.get("Type") in (name, *schema.type(name).spellings, "PasswordKey", None)
    assert examples["BackupJobSession"]["query_example"]["request"].startswith("https://localhost:9398/api/query?")


def test_package_does_not_read_shared():
    for path in (REPO / "fel" / "schema").glob("*.py"):
        if path.name != "generate.py":
            text = path.read_text(encoding="utf-8")
            assert "em/schemas" not in text and "../shared" not in text, path.name


# -- generators -------------------------------------------------------------------------------

def test_docgen_check():
    assert docgen.check() == []


@pytest.mark.skipif(not (SHARED / "em" / "schemas").is_dir(),
                    reason="../shared is not available; the committed data cannot be regenerated here")
def test_generate_check_against_shared(capsys):
    assert generate.check(SHARED) == []
    assert generate.main(["--check", "--shared", str(SHARED)]) == 0
    assert docgen.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


# -- facts from the doc dump and the archived pages (issue #10) ------------------------------

def test_sort_only_and_filter_since(schema):
    uid = field(schema, "Task", "TaskUid")
    assert uid.sort_only and uid.element == "TaskId" and not uid.filterable_in(None)
    assert not uid.filterable_in(parse_version("13.1"))
    for name in ("TaskId", "State", "Operation"):
        f = field(schema, "Task", name)
        assert not f.sort_only and f.filter_since == "11"
        assert f.filterable_in(None) and f.filterable_in(parse_version("11"))
        assert not f.filterable_in(parse_version("10"))
    assert [(t.name, f.name) for t in schema for f in t.fields if f.sort_only] == [("Task", "TaskUid")]


@pytest.mark.parametrize("tname,fname,value,since", [
    ("Job", "JobType", "ImmediateBackupCopy", "10"),
    ("BackupJobSession", "JobType", "NasBackup", "10"),
    ("BackupJobSession", "JobType", "nasbackup", "10"),
    ("BackupJobSession", "JobType", "ImmediateBackupCopyWorker", "10"),
    ("BackupJobSession", "JobType", "AgentBackup", "9.5u4"),
    ("BackupJobSession", "JobType", "BackupCopy", "9.5"),
    ("BackupJobSession", "JobType", "Backup", None),
    ("Job", "JobType", "Replica", None),
    ("Task", "State", "OperationFinished", "10"),
    ("CloudReplica", "Platform", "vCloud", "9.5u4"),
    ("CloudReplica", "Platform", "HyperV", None),
])
def test_enum_value_versions(schema, tname, fname, value, since):
    assert field(schema, tname, fname).value_since(value) == since


def test_enum_spellings(schema):
    platform = field(schema, "Job", "Platform")
    assert platform.enum == ("VMware", "HyperV", "vCloud") and platform.enum_spellings == (("Hyperv", "HyperV"),)
    assert platform.documented_spelling("Hyperv") and platform.documented_spelling("HyperV")
    assert not platform.documented_spelling("hyperv") and platform.canonical_enum("hyperv") == "HyperV"


def test_backup_task_session_since_9_0(schema):
    t = schema.type("BackupTaskSession")
    assert t.since == "9.0" and t.available_in("9.0")
    assert [f.name for f in t.fields if f.since == "9.0"] == [
        "UID", "Name", "CreationTime", "EndTime", "State", "Result", "Reason", "TotalSize",
        "JobSessionUid", "JobUid", "JobName"]
    assert len(schema.types_in("9.0")) == len({t.name for t in schema if t.since == "9.0"})


def test_object_in_agent_backup_job(schema):
    t = schema.type("ObjectInAgentBackupJob")
    assert t.field_names == ("UID", "DisplayName", "JobUid", "JobName", "FileServerUid", "FileServerName",
                             "BackupServerUid", "BackupServerName")
    assert field(schema, "ObjectInAgentBackupJob", "UID").kind is Kind.STRING  # typed String on the page
    assert field(schema, "ObjectInAgentBackupJob", "UID").element == "ObjectInJobId"
    assert field(schema, "ObjectInAgentBackupJob", "JobUid").urn_types == ("AgentBackupJob", "Job")
    assert field(schema, "ObjectInAgentBackupJob", "JobName").element == "link:Up:AgentBackupJob@Name"
    assert t.collection_resource == "/agents/jobs/{ID}/includes" and t.uid_prefix is None


def test_external_repository(schema):
    t = schema.type("externalrepository")
    assert t.name == "ExternalRepository" and t.field_names == ("UID", "Name")
    assert t.uid_prefix == "urn:veeam:ExternalRepository:" and t.reference_type == "ExternalRepositoryReference"
    assert field(schema, "ExternalRepository", "UID").urn_types == ("ExternalRepository",)
    assert {"RepositoryType", "Path", "UsedSpace", "Description"} <= set(t.entity_elements)
