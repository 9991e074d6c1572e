"""What fel adds to the shared doc extracts, for ``python -m fel.schema.generate``.

Each table holds facts taken from Veeam's pages that the per-type doc extracts the generator
reads do not carry: the two query types they lack, sort-only fields, the
version gates of fields and enum values, corrected ``since`` versions and other documented
spellings of enum values. Every entry cites its evidence. Only the generator imports this.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCFACTS = Path(__file__).resolve().parent / "data" / "docfacts.json"

#: Query types the extracts lack, with their first EM version.
#: ObjectInAgentBackupJob: own query page in the 13.0.1 docs (docfacts.json), listed nowhere else.
#: ExternalRepository: advertised by EM 13.1's own /api/querySvc links (REFERENCE §6); its
#: resource /externalRepositories/{ID} is documented in 13.0.1, but no query page exists.
EXTRA_TYPE_SINCE = {"ObjectInAgentBackupJob": "13.0", "ExternalRepository": "13.1"}

#: Type ``since`` corrections. BackupTaskSession: the 9.0 archive page GET /backupTaskSessions/{ID}
#: (helpcenter.veeam.com/archive/backup/90/rest/get_backuptasksessions_id.html) already has the
#: "Query Parameters" table (filterable and sortable), so the type existed in 9.0.
TYPE_SINCE_FIXES = {"BackupTaskSession": "9.0"}

#: Field ``since`` corrections from the same 9.0 page: the rows visible there.
FIELD_SINCE_FIXES = {("BackupTaskSession", f): "9.0" for f in (
    "UID", "Name", "CreationTime", "EndTime", "State", "Result", "Reason", "TotalSize",
    "JobSessionUid", "JobUid", "JobName")}

#: Sort-only fields (sortable, never filterable), appended to their type's fields.
#: Task.TaskUid: the 9.0, 9.5 and 9.5u4 Task tables name the first parameter TaskUid with
#: "Can Be Used for Filtering: False, Sorting: True" (Task extract notes); EM's own /querySvc
#: links still sort tasks with sortAsc=TaskUid (issue #10), while 10+ pages call it TaskId.
SORT_ONLY_FIELDS: dict[str, list[dict[str, Any]]] = {
    "Task": [{"name": "TaskUid", "doc_type": "String", "kind": "string",
              "description": "ID of the task resource (the 9.x name of TaskId); sort only.",
              "since": "9.0", "undocumented": False, "element": "TaskId", "urn_types": [],
              "example": "task-1", "sort_only": True,
              "note": "9.x tables list TaskUid as sortable, not filterable; EM's /querySvc links sort Task by it."}],
}

#: Fields filterable only from a version on (sortable before). Task: the 9.0-10 tables mark
#: TaskUid/TaskId, State and Operation "Can Be Used for Filtering: False" (Task extract notes);
#: from 11 the GET /query?type=Task page lists them "for filtering and sorting".
FILTER_SINCE = {("Task", "TaskId"): "11", ("Task", "State"): "11", ("Task", "Operation"): "11"}

#: Enum values that appeared after their field: (type, field) -> {value: first version}.
#: A value gets the first known version after the newest page seen without it, unless a
#: release note pins it.
ENUM_SINCE: dict[tuple[str, str], dict[str, str]] = {
    # Job extract notes: "JobType enum: 9.5 = Backup, BackupCopy, Replica"; the v10 GET /jobs
    # note is the first to mention immediate backup copy jobs.
    ("Job", "JobType"): {"ImmediateBackupCopy": "10"},
    # BackupJobSession extract notes: "JobType listed only 'Backup' in 9.0"; the agent job types
    # came with the agent types (AgentBackupJob is in 9.5u4's list, REFERENCE §6), NAS and
    # immediate copy with v10 (NasJob/NasObject/FileServer are new in 10, REFERENCE §6).
    ("BackupJobSession", "JobType"): {"BackupCopy": "9.5", "AgentBackup": "9.5u4", "AgentManagement": "9.5u4",
                                      "ImmediateBackupCopy": "10", "ImmediateBackupCopyWorker": "10",
                                      "NasBackup": "10"},
    # Task extract notes: "In 9.x the State values were only Running and Finished".
    ("Task", "State"): {"OperationFinished": "10"},
    # CloudReplica extract notes: "9.5 lists only VMware and HyperV; 13.x adds vCloud".
    ("CloudReplica", "Platform"): {"vCloud": "9.5u4"},
    # CloudVmReplicaPoint extract notes: the CDP value "is tied to CDP replica support"; the CDP
    # query types are new in 11 (REFERENCE §6).
    ("CloudVmReplicaPoint", "Type"): {"CDP": "11"},
}

#: Other documented spellings of enum values, accepted without a note (EM compares enum values
#: case-insensitively: REFERENCE §2). Job.Platform: the 13.0.1 page lists `Hyperv`, entities
#: and Backup.Platform carry `HyperV` (docs/language.md, "Enum values").
ENUM_SPELLINGS: dict[tuple[str, str], dict[str, str]] = {("Job", "Platform"): {"Hyperv": "HyperV"}}


def apply(types: list[dict[str, Any]]) -> None:
    """Apply the tables above to the generated type records, in place."""
    by_name = {t["name"]: t for t in types}
    for name, since in TYPE_SINCE_FIXES.items():
        by_name[name]["since"] = since
    for name, extra in SORT_ONLY_FIELDS.items():
        by_name[name]["fields"].extend(dict(f) for f in extra)
    for t in types:
        for f in t["fields"]:
            key = (t["name"], f["name"])
            if key in FIELD_SINCE_FIXES:
                f["since"] = FIELD_SINCE_FIXES[key]
            if key in FILTER_SINCE:
                f["filter_since"] = FILTER_SINCE[key]
            if key in ENUM_SINCE:
                unknown = set(ENUM_SINCE[key]) - set(f.get("enum") or ())
                if unknown:
                    raise ValueError(f"{key}: ENUM_SINCE names values the field lacks: {sorted(unknown)}")
                f["enum_since"] = dict(ENUM_SINCE[key])
            if key in ENUM_SPELLINGS:
                f["enum_spellings"] = dict(ENUM_SPELLINGS[key])


# ----------------------------------------------------------------------------------------
# The two extra types
# ----------------------------------------------------------------------------------------

def _field(name: str, doc_type: str, kind: str, description: str, element: str | None, *,
           since: str | None = None, urn_types: tuple[str, ...] = (), example: str | None = None,
           undocumented: bool = False, note: str | None = None) -> dict[str, Any]:
    return {"name": name, "doc_type": doc_type, "kind": kind, "description": description,
            "since": since, "undocumented": undocumented, "element": element,
            "urn_types": list(urn_types), "example": example, "note": note}


#: ObjectInAgentBackupJob: where each documented filter field sits in the entity, and fel's
#: descriptions (the 13.0.1 page copies its descriptions from NasObject's page; the element
#: table on the same page and the /agents/jobs/{ID} example show the entity: Type/Href
#: attributes, <ObjectInJobId>, <Name>, <DisplayName>, <GuestProcessingOptions>).
_OIABJ = {
    "UID": ("ObjectInJobId", "ID (GUID) of the protected computer or protection group in the job.", (),
            "6b1f2f5e-3c0e-4f43-9a56-0d7cf1a7e2b4"),
    "DisplayName": ("DisplayName", "Display name of the protected computer or protection group.", (), "Windows Servers"),
    "JobUid": ("link:Up:AgentBackupJob@UID", "UID of the Veeam Agent backup job that includes the object.",
               ("AgentBackupJob", "Job"), "urn:veeam:AgentBackupJob:3f6c1c55-7f0e-4b8e-8d8f-1a1b2c3d4e5f"),
    "JobName": ("link:Up:AgentBackupJob@Name", "Name of the Veeam Agent backup job that includes the object.", (),
                "Agent Backup Job 1"),
    "FileServerUid": (None, "Listed on the page (copied from NasObject); agent job objects carry no file share.",
                      ("FileServer",), None),
    "FileServerName": (None, "Listed on the page (copied from NasObject); agent job objects carry no file share.", (), None),
    "BackupServerUid": (None, "UID of the backup server of the job.", ("BackupServer",), None),
    "BackupServerName": (None, "Name of the backup server of the job.", (), None),
}
_KINDS = {"String": "string", "UidType": "uid"}


def _object_in_agent_backup_job(facts: dict[str, Any]) -> dict[str, Any]:
    page = facts["types"]["ObjectInAgentBackupJob"]
    fields = []
    for pf in page["fields"]:
        element, description, urn_types, example = _OIABJ[pf["name"]]
        fields.append(_field(pf["name"], pf["doc_type"], _KINDS[pf["doc_type"]], description, element,
                             since="13.0", urn_types=urn_types, example=example))
    return {"name": "ObjectInAgentBackupJob", "since": EXTRA_TYPE_SINCE["ObjectInAgentBackupJob"], "spellings": [],
            "collection_resource": "/agents/jobs/{ID}/includes", "reference_type": None,
            "entity_element": "ObjectInAgentBackupJob", "entities_container": None, "result_container": "Entities",
            "resource_root_element": "ObjectInAgentBackupJob", "entity_attributes": ["Type", "Href"],
            "entity_elements": ["ObjectInJobId", "Name", "DisplayName", "GuestProcessingOptions"],
            "uid_prefix": None,
            "doc_notes": [
                "Own query page in the 13.0.1 docs (not in query_type's list); its descriptions are copied from NasObject's page.",
                "Like ObjectInJob, the entity has only Type/Href attributes: UID matches <ObjectInJobId>; JobUid/JobName come from the Up link.",
                "FileServer* and BackupServer* are listed filter fields without an entity element.",
            ],
            "fields": fields}


def _external_repository() -> dict[str, Any]:
    note = ("Undocumented: in no field table; EM 13.1's /querySvc links sort ExternalRepository by name, "
            "and fel accepts UID and Name as every other type has them.")
    return {"name": "ExternalRepository", "since": EXTRA_TYPE_SINCE["ExternalRepository"], "spellings": [],
            "collection_resource": "/externalRepositories", "reference_type": "ExternalRepositoryReference",
            "entity_element": "ExternalRepository", "entities_container": "ExternalRepositories",
            "result_container": "Entities", "resource_root_element": "ExternalRepository",
            "entity_attributes": ["Type", "Href", "Name", "UID"],
            "entity_elements": ["RepositoryType", "Path", "UsedSpace", "Description"],
            "uid_prefix": "urn:veeam:ExternalRepository:",
            "doc_notes": [
                "No query page: the type is advertised by EM 13.1's own /api/querySvc listing.",
                "Entity per the 13.0.1 /externalRepositories/{ID} page: RepositoryType (AmazonS3External, "
                "AzureStorageExternal, GoogleCloudStorageExternal), Path, UsedSpace, Description; Up link to the backup server.",
                "entities_container ExternalRepositories is fel's decision (the collection's list type is ExternalRepositoryReferenceList).",
            ],
            "fields": [
                _field("UID", "UidType", "uid", "UID of the external backup repository.", "@UID",
                       urn_types=("ExternalRepository",), undocumented=True, note=note,
                       example="urn:veeam:ExternalRepository:5d0e2a7c-93b1-4c9e-b1f2-7e8a6c4d3b21"),
                _field("Name", "String", "string", "Name of the external backup repository.", "@Name",
                       undocumented=True, note=note, example="S3 archive"),
            ]}


#: Entity examples fel wrote for the two types (the emulator renders entities after them),
#: after the shapes the pages show.
EXTRA_EXAMPLES = {
    "ObjectInAgentBackupJob": (
        '<ObjectInAgentBackupJob Type="ObjectInAgentBackupJob" Href="https://localhost:9398/api/agents/jobs/'
        '3f6c1c55-7f0e-4b8e-8d8f-1a1b2c3d4e5f/includes/6b1f2f5e-3c0e-4f43-9a56-0d7cf1a7e2b4">\n'
        "  <ObjectInJobId>6b1f2f5e-3c0e-4f43-9a56-0d7cf1a7e2b4</ObjectInJobId>\n"
        "  <Name>Windows Servers</Name>\n"
        "  <DisplayName>Windows Servers</DisplayName>\n"
        "  <GuestProcessingOptions>\n"
        "    <VssSnapshotOptions>\n"
        "      <VssSnapshotMode>RequireSuccess</VssSnapshotMode>\n"
        "      <IsCopyOnly>false</IsCopyOnly>\n"
        "    </VssSnapshotOptions>\n"
        "  </GuestProcessingOptions>\n"
        "</ObjectInAgentBackupJob>"),
    "ExternalRepository": (
        '<ExternalRepository xmlns="http://www.veeam.com/ent/v1.0" Type="ExternalRepository" '
        'Href="https://localhost:9398/api/externalRepositories/5d0e2a7c-93b1-4c9e-b1f2-7e8a6c4d3b21?format=Entity" '
        'Name="S3 archive" UID="urn:veeam:ExternalRepository:5d0e2a7c-93b1-4c9e-b1f2-7e8a6c4d3b21">\n'
        "  <RepositoryType>AmazonS3External</RepositoryType>\n"
        "  <Path>amazonS3://archive-bucket/veeam</Path>\n"
        "  <UsedSpace>52613349376</UsedSpace>\n"
        "  <Description>Archive copies of the main backups.</Description>\n"
        "</ExternalRepository>"),
}


def extra_types(facts_path: Path = DOCFACTS) -> list[dict[str, Any]]:
    """Type records for the types the extracts lack."""
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    return [_object_in_agent_backup_job(facts), _external_repository()]


def extra_examples() -> dict[str, dict[str, Any]]:
    return {name: {"entity_example_xml": xml, "query_example_entity_xml": None, "query_example": None}
            for name, xml in EXTRA_EXAMPLES.items()}
