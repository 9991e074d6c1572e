"""Shape facts of Veeam's documented example bodies (Enterprise Manager REST API reference,
13.x pages named below), written down as our own test data: root element, attributes, child
elements in order, link Rel/Type. No example body is copied; the values are the emulator's.
"""
from __future__ import annotations

#: reports_summary: SummaryReport with one Down link per report, Type ReportFrame, these Names,
#: hrefs ending in these segments.
SUMMARY_LINKS = [("Overview", "overview"), ("VmsOverview", "vms_overview"), ("JobStatistics", "job_statistics"),
                 ("ProcessedVms", "processed_vms"), ("Repositories", "repository")]

#: reports_summary_*: root element -> child elements in order (all integers unless named in
#: REPORT_TEXT).
REPORT_FRAMES = {
    "overview": ("OverviewReportFrame", ["BackupServers", "ProxyServers", "RepositoryServers", "RunningJobs",
                                         "ScheduledJobs", "SuccessfulVmLastestStates", "WarningVmLastestStates",
                                         "FailedVmLastestStates"]),
    "vms_overview": ("VmsOverviewReportFrame", ["ProtectedVms", "BackedUpVms", "ReplicatedVms", "RestorePoints",
                                                "FullBackupPointsSize", "IncrementalBackupPointsSize",
                                                "ReplicaRestorePointsSize", "SourceVmsSize", "SuccessBackupPercents",
                                                "ProtectedVmsReportLink"]),
    "job_statistics": ("JobStatisticsReportFrame", ["RunningJobs", "ScheduledJobs", "ScheduledBackupJobs",
                                                    "ScheduledReplicaJobs", "TotalJobRuns", "SuccessfulJobRuns",
                                                    "WarningsJobRuns", "FailedJobRuns", "MaxJobDuration",
                                                    "MaxBackupJobDuration", "MaxReplicaJobDuration",
                                                    "MaxDurationBackupJobName", "MaxDurationReplicaJobName",
                                                    "BackupJobStatusReportLink"]),
}
REPORT_TEXT = {"ProtectedVmsReportLink", "MaxDurationBackupJobName", "MaxDurationReplicaJobName",
               "BackupJobStatusReportLink"}
#: ...ReportLink values are relative links into EM's web UI.
REPORT_LINK_PREFIX = "Workspace/ViewReport.aspx?definition="

#: reports_summary_processed_vms: <Day> rows with these attributes (Timestamp a DateTime, one per day).
PROCESSED_DAY_ATTRS = ["BackupedVms", "ReplicatedVms", "Timestamp"]
#: reports_summary_repository: CapacityPlanningReportLink attribute, <Period> rows with these children.
REPOSITORY_PERIOD = ["Name", "Capacity", "FreeSpace", "BackupSize"]

#: security: EnterpriseSecuritySettings (Href) -> Down links to accounts and roles.
SECURITY_LINKS = [("Down", "EnterpriseAccountReferenceList", "/security/accounts"),
                  ("Down", "EnterpriseRoleReferenceList", "/security/roles")]
#: security_accounts_id: the entity's root, attributes, children and navigational links.
ACCOUNT_ATTRS = ["Type", "Href", "Name", "UID"]
ACCOUNT_CHILDREN = ["AccountType", "AllowRestoreAllVms", "FlrSettings", "SqlSettings"]
ACCOUNT_LINKS = [("Alternate", "EnterpriseAccountReference"), ("Down", "EnterpriseAccountInRoleList"),
                 ("Down", "EnterpriseAccountHierarchyScopeList")]
#: security_accounts_id_roles: list root, members with an Href and a RoleName.
ACCOUNT_ROLES = ("EnterpriseAccountInRoleList", "EnterpriseAccountInRole", ["RoleName"])
#: security_accounts_id_scopes.
ACCOUNT_SCOPES = ("EnterpriseAccountHierarchyScopes", "EnterpriseAccountHierarchyScope",
                  ["Name", "HierarchyRootName", "Platform", "HierarchyObjectType", "State"])
#: security_roles_id: EnterpriseRole entity with an Alternate link to its reference and back.
ROLE_ENTITY = ("EnterpriseRole", "EnterpriseRoleReference")
#: Built-in roles of Enterprise Manager.
BUILTIN_ROLES = {"Portal Administrator", "Portal User", "Restore Operator"}

#: get_lookup: HierarchyItems of HierarchyItem (Type="HierarchyItem") with these children;
#: the documented request spells the type in lower case (type=vm).
LOOKUP_ITEM = ("HierarchyItems", "HierarchyItem", ["ObjectRef", "ObjectType", "ObjectName"])

#: logon session (13.x): links to the summary report (Type Report, Name Summary), the security
#: settings and the entity collections (Type <T>List, ?format=Entity).
LOGON_LINKS = [("Down", "Report", "/reports/summary"), ("Down", "EnterpriseSecuritySettings", "/security"),
               ("Down", "BackupServerList", "/backupServers?format=Entity"),
               ("Down", "RepositoryList", "/repositories?format=Entity"),
               ("Down", "BackupJobSessionList", "/backupSessions?format=Entity"),
               ("Down", "BackupServerReferenceList", "/backupServers"),
               ("Down", "QueryService", "/querySvc"), ("Down", "LookupService", "/lookupSvc")]

#: Down links of entities in Veeam's examples that the emulator must carry (entity type ->
#: (Rel, link Type, path segment)).
ENTITY_DOWN_LINKS = {
    "Job": [("Down", "BackupJobSessionReferenceList", "backupSessions"), ("Down", "ObjectInJobList", "includes")],
    "Repository": [("Down", "BackupReferenceList", "backups"), ("Down", "ReplicaReferenceList", "replicas")],
    "BackupServer": [("Down", "JobReferenceList", "jobs"), ("Down", "RepositoryReferenceList", "repositories"),
                     ("Down", "ManagedServerReferenceList", "managedServers"), ("Down", "CredentialsList", "credentials"),
                     ("Down", "PasswordKeyList", "passwords")],
    "RestorePoint": [("Down", "VmRestorePointReferenceList", "vmRestorePoints"),
                     ("Down", "VAppRestorePointReferenceList", "vAppRestorePoints")],
    "BackupFile": [("Down", "VmRestorePointReferenceList", "vmRestorePoints")],
    "BackupJobSession": [("Down", "BackupTaskSessionReferenceList", "taskSessions")],
    "CdpPolicy": [("Down", "CdpReplicaSessionReferenceList", "cdpReplicaSessions"), ("Down", "ObjectInJobList", "includes")],
    "CdpReplicaSession": [("Down", "CdpReplicaTaskSessionReferenceList", "cdpReplicaTaskSessions")],
    "CloudTenant": [("Down", "CloudSubtenantList", "subtenants")],
    "NasJob": [("Down", "BackupJobSessionReferenceList", "backupSessions"), ("Down", "NasObjectList", "includes")],
    "AgentBackupJob": [("Down", "BackupJobSessionReferenceList", "backupSessions"), ("Down", "ObjectInJobList", "includes")],
    "Replica": [("Down", "VmReplicaPointReferenceList", "vmReplicaPoints")],
    "CloudGatewayPool": [("Down", "CloudGatewayReferenceList", "gateways")],
}
