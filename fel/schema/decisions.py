"""The schema generator's hand decisions: every place where fel reads Veeam's doc extracts
differently from how they are written, as plain tables.

Each entry cites the schema note (``<Type>.json`` "notes") or the REFERENCE.md section it comes
from. :mod:`fel.schema.generate` applies them; what the generator *adds* to the extracts (types
and fields they lack) is in :mod:`fel.schema.additions`.
"""
from __future__ import annotations

from typing import Any

from .model import Kind

#: REFERENCE §6: the 8 types added after 9.5 U4; every other type existed in 9.5 U4.
NEW_TYPES_SINCE = {"NasJob": "10", "NasObject": "10", "FileServer": "10",
                   "CdpPolicy": "11", "CdpReplica": "11", "CdpReplicaSession": "11",
                   "CdpReplicaTaskSession": "11", "vAppReplicaPoint": "11"}
OLDEST_LIST = "9.5u4"  # REFERENCE §6: 9.5 U4 had 40 types (the oldest full list)

#: Schema "General" notes: '9.x' = legacy unversioned helpcenter.veeam.com/backup/rest/
#: pages, which other notes call the "legacy 9.5 URL" -> read as 9.5.
VERSION_ALIASES = {"9.x": "9.5"}

#: REFERENCE §5 and the notes of these four types: QueryResult wraps them in <Resources>.
RESOURCES_TYPES = {"Task", "Passwords", "CloudSubtenant", "NasObject"}

#: Doc type -> kind (REFERENCE §2 "Value forms by field type").
DOC_TYPE_KINDS = {"String": Kind.STRING, "Boolean": Kind.BOOLEAN, "Int": Kind.INTEGER,
                  "Int64": Kind.INTEGER, "Long": Kind.INTEGER, "Double": Kind.DECIMAL,
                  "DateTime": Kind.DATETIME, "UidType": Kind.UID, "Name": Kind.STRING,
                  "CloudTenantType": Kind.ENUM, "HierarchyObjRefType": Kind.REFERENCE}

#: Notes attached to every field of a doc type that fel reads differently (REFERENCE §2, §9).
DOC_TYPE_NOTES = {
    "Name": "Doc type 'Name' is a typo in Veeam's table; treated as String.",
    "CloudTenantType": "Doc type CloudTenantType: an enum of the listed tenant kinds.",
    "HierarchyObjRefType": "Doc type HierarchyObjRefType: a quoted urn:<Platform>:<Kind>:<host>.<ref> reference.",
}

#: Kind corrections for doc-type defects.
KIND_FIXES: dict[tuple[str, str], tuple[Kind, str]] = {
    # CloudHardwarePlan notes: "Platform is typed Boolean but its documented values are the
    # strings VMware and HyperV" (REFERENCE §9).
    ("CloudHardwarePlan", "Platform"): (Kind.ENUM, "Doc types Platform as Boolean but lists platform names; treated as an enum."),
}

#: Enum corrections: (type, field) -> (values, note).
ENUM_FIXES: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    # Job notes: "the Platform value list says 'Hyperv' while the entity example has
    # <Platform>HyperV</Platform>"; Backup.Platform also lists HyperV.
    ("Job", "Platform"): (("VMware", "HyperV", "vCloud"), "Doc lists 'Hyperv'; entities carry 'HyperV' (canonical spelling used; 'Hyperv' accepted without a note)."),
}

#: Example corrections: (type, field) -> (example, note).
EXAMPLE_FIXES: dict[tuple[str, str], tuple[str, str]] = {
    # Repository notes: "The UID example ... contains a doc typo: a space after 'urn:'".
    ("Repository", "UID"): ("urn:veeam:Repository:b609c947-dd30-4295-8b57-cc880329dbd6",
                            "Doc example 'urn: veeam:Repository:...' has a stray space."),
    # CdpReplica notes: "UID example 'urn:veeam:Replica:urn:veeam:CdpReplica:<guid>' has a
    # doubled urn prefix (doc error); entity UIDs are urn:veeam:CdpReplica:<guid>".
    ("CdpReplica", "UID"): ("urn:veeam:CdpReplica:24ae37ad-4d28-4568-8467-98d8770bb722",
                            "Doc example has a doubled prefix 'urn:veeam:Replica:urn:veeam:CdpReplica:'."),
    # VCloudOrganizationConfig notes: "UID example uses the prefix 'urn:veeam:BackupFile:'
    # (doc copy error; real UIDs are urn:veeam:VCloudOrganizationConfig:...)".
    ("VCloudOrganizationConfig", "UID"): ("urn:veeam:VCloudOrganizationConfig:0874ab95-10e5-4f25-84df-2782ad81f3e5",
                                          "Doc example uses the prefix 'urn:veeam:BackupFile:' (copy error)."),
}

#: Which example XML to use as the entity template (Backup notes: the markdown copy ends with
#: '</Backup' (missing '>'); entity_example_xml_wellformed adds the '>').
EXAMPLE_XML_FIXES = {"Backup": "entity_example_xml_wellformed"}

#: Generic filter-name -> element renames, applied when the element exists (REFERENCE §2:
#: "BackupJobSession filters on CreationTime while its entity carries <CreationTimeUTC>;
#: Type often maps to <PointType> or <JobType>"; confirmed by each session/point note).
GENERIC_RENAMES = {"CreationTime": ("CreationTimeUTC",), "EndTime": ("EndTimeUTC",),
                   "Type": ("PointType", "JobType")}

#: Explicit element mappings: (type, field) -> (element or None, note or None).
ELEMENT_MAP: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("RestorePoint", "CreationTime"): ("BackupDateUTC", None),  # RestorePoint notes
    ("CdpReplica", "PolicyId"): ("PolicyUid", None),  # CdpReplica notes
    ("CdpReplica", "BackupServerName"): ("BackupServer", None),  # CdpReplica: "BackupServer element holding the server name"
    ("CdpReplicaSession", "Id"): ("@UID", None),  # CdpReplicaSession: "Identifier filter field is named Id"
    ("CdpReplicaTaskSession", "Id"): ("@UID", None),  # CdpReplicaTaskSession: same
    # CdpReplicaSession notes: "the resource-representation example has no EndTimeUTC
    # (running session)"; by analogy with sibling sessions the element is <EndTimeUTC>.
    ("CdpReplicaSession", "EndTimeUTC"): ("EndTimeUTC", None),
    ("CdpReplicaTaskSession", "EndTimeUTC"): ("EndTimeUTC", None),
    ("CdpReplicaTaskSession", "Reason"): ("Reason", None),  # analogy: Backup/ReplicaTaskSession carry <Reason>
    ("CloudFailoverPlan", "CloudTenantUid"): ("TenantUid", None),  # CloudFailoverPlan notes
    ("CloudFailoverPlan", "CloudTenantName"): ("TenantName", None),
    ("CloudFailoverSession", "FailureMessage"): (None, None),  # notes: "no element in either example"
    ("CloudHardwarePlan", "Platform"): (None, "No <Platform> element: the platform is the child of <HardwarePlanDetails> (HvCloudHardwarePlan / ViCloudHardwarePlan)."),
    ("CloudPublicIpAddress", "CloudTenantUid"): ("TenantUid", None),  # notes: "presumably maps to it"
    ("CloudSubtenant", "UID"): ("@Id", None),  # CloudSubtenant notes: "the UID filter ... matches Id"
    ("CloudSubtenant", "Disabled"): (None, "Inverse of the <Enabled> element (CloudSubtenant notes)."),
    ("CloudSubtenant", "Unlimited"): (None, "The Unlimited attribute of <RepositoryQuota> (CloudSubtenant notes)."),
    ("CloudSubtenant", "Quota"): ("RepositoryQuota/QuotaMb", None),
    ("CloudSubtenant", "UsedQuota"): ("RepositoryQuota/UsedQuotaMb", None),
    ("CloudSubtenant", "BackupResourceId"): ("RepositoryQuota/TenantResourceId", None),
    ("CloudTenant", "Type"): (None, "No <Type> element: <TenantType> holds a StandaloneTenant / ADTenantType child (CloudTenant notes)."),
    ("CloudVmReplicaPoint", "VmName"): (None, None),  # notes: "VmName has no element of its own"
    ("Credentials", "CredentialsId"): ("Id", None),  # Credentials notes: "matching the <Id> element"
    ("NasObject", "UID"): ("ObjectInJobId", None),  # NasObject notes
    ("NasObject", "Name"): ("FileOrFolder", None),
    ("ObjectInJob", "UID"): ("ObjectInJobId", None),  # ObjectInJob notes
    ("ObjectInJob", "BackupServerUid"): (None, None),  # notes: "BackupServer* are not present in the entity at all"
    ("ObjectInJob", "BackupServerName"): (None, None),
    ("Passwords", "PasswordKeyID"): ("Id", None),  # Passwords notes: "corresponds to the <Id> element"
    ("VCloudOrganizationConfig", "Disabled"): ("IsDisabled", None),  # VCloudOrganizationConfig notes
    ("VCloudOrganizationConfig", "JobSchedulerType"): ("JobSettings/JobSchedulerType", None),
    ("VCloudOrganizationConfig", "UsedQuota"): ("UsedQuotaMb", None),
    ("VsphereSelfServiceConfig", "AccountType"): ("Account/AccountType", None),  # VsphereSelfServiceConfig notes
    ("VsphereSelfServiceConfig", "JobSchedulerType"): ("JobSettings/JobSchedulerType", None),
    ("VsphereSelfServiceConfig", "UsedQuota"): ("UsedQuotaMb", None),
}

#: Fields named <Stem>Uid/<Stem>Name that no element carries are read from the Rel=Up (or
#: Related) link whose Type is <Stem>Reference or <Stem>; these stems use other link types
#: (AgentRestorePoint, CdpReplicaTaskSession, CloudVmReplicaPoint, DiscoveredComputer notes).
LINK_TYPES = {"ProtectionGroup": ("AgentProtectionGroupReference",),
              "PolicySession": ("CdpReplicaSessionReference",),
              "Replica": ("ReplicaReference", "CloudReplicaReference")}

#: URN type parts a uid field may carry, by field stem (field name minus Uid/UId/UID/Id).
URN_STEMS = {"BackupServer": ("BackupServer",), "Job": ("Job",), "Repository": ("Repository",),
             "Backup": ("Backup",), "BackupFile": ("BackupFile",), "RestorePoint": ("RestorePoint",),
             "Replica": ("Replica",), "CloudTenant": ("CloudTenant",),
             "ProtectionGroup": ("AgentProtectionGroup",), "PolicySession": ("CdpReplicaSession",),
             "Policy": ("CdpPolicy",), "FileServer": ("FileServer",),
             "Host": ("ManagedServer",)}  # VCloudOrganizationConfig example <HostUid>urn:veeam:ManagedServer:
URN_OVERRIDES: dict[tuple[str, str], tuple[str, ...]] = {
    # BackupJobSession JobType lists AgentBackup/AgentManagement/NasBackup jobs.
    ("BackupJobSession", "JobUid"): ("Job", "AgentBackupJob", "NasJob"),
    ("BackupTaskSession", "JobUid"): ("Job", "AgentBackupJob", "NasJob"),
    ("Backup", "JobUid"): ("Job", "AgentBackupJob"),  # Backup.Platform lists AgentForLinux/Windows
    # NasObject notes: JobUid example uses 'urn:veeam:Job:' while NAS job UIDs are NasJob.
    ("NasObject", "JobUid"): ("NasJob", "Job"),
    ("BackupTaskSession", "JobSessionUid"): ("BackupJobSession",),
    ("ReplicaTaskSession", "JobSessionUid"): ("ReplicaJobSession",),
    ("CloudVmReplicaPoint", "ReplicaUid"): ("CloudReplica",),  # Up link is CloudReplicaReference
}
#: Extra URN types seen in docs for a type's own UID.
UID_VARIANTS = {
    "AgentBackupJob": ("Job",),  # AgentBackupJob notes: UID example urn:veeam:Job:, Alternate link JobReference
    "NasJob": ("Job",),  # NasJob notes: Alternate link Type is 'JobReference'
    "CloudFailoverPlan": ("FailoverPlan",),  # CloudFailoverPlan notes: UID example urn:veeam:FailoverPlan:
}

#: Fields used on real servers but missing from the doc tables (REFERENCE §2 and the corpus).
UNDOCUMENTED: dict[str, list[dict[str, Any]]] = {
    "VmRestorePoint": [
        {"name": "HierarchyObjRef", "doc_type": "HierarchyObjRefType", "kind": "reference",
         "description": "Reference of the VM in its hierarchy: urn:<Platform>:Vm:<host-id>.<moref>.",
         "element": "HierarchyObjRef", "example": "urn:VMware:Vm:b5a60ace-7623-407b-b008-777e956ee555.vm-31017",
         "note": "Undocumented filter used by public scripts and a 2023 blog post; the entity carries <HierarchyObjRef>."},
        {"name": "VmName", "doc_type": "String", "kind": "string",
         "description": "Name of the VM in its hierarchy.", "element": "VmName", "example": "audi99",
         "note": "Undocumented filter seen in a 2023 blog post; Veeam's VmRestorePoint pages: GET /vmRestorePoints/{ID} and the 13.1 query example carry <VmName>."},
    ],
}

#: Note sentences that are generic provenance, not facts about the type.
GENERIC_NOTE_PREFIXES = ("General:", "Current field list taken from", "entity_example_xml:",
                         "query_example_entity_xml:", "Filter field names appear case-insensitive",
                         "Entity XML namespace:", "Tag/attribute/text content unchanged",
                         "Content is otherwise verbatim", "entity_example_xml is taken verbatim")
