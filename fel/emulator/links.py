"""The lists an entity links to (``Down`` and ``Related`` links) and how their members are found.

Each :class:`DownLink` is one link Veeam's documented example of an entity carries (segment and
link ``Type`` as Veeam writes them, e.g. ``/jobs/{id}/backupSessions`` typed
``BackupJobSessionReferenceList``), and says which entities the list holds:

* by default the entities of ``child`` that link to the parent (``Up``/``Related``);
* ``sibling``: the entities of ``child`` on the same backup server as the parent (the gateways
  of a gateway pool, the tenants of a hardware plan — the dataset does not model membership);
* ``bridge``: the entities of ``child`` that share an entity of a bridge type with the parent
  (a restore point's backup files are the files its VM restore points link to);
* ``child=None`` (or a type the schema does not have): a list of something the emulator has
  none of (a CDP replica's VM list, a restore point's mounts — nothing is ever mounted), so it
  is always empty — as on a server where nothing of the kind exists; ``empty_root`` names the
  root of an empty entity list (``<VmRestorePointMounts/>``).

Lists of ``...ReferenceList`` type are served as ``EntityReferences`` (entities with
``?format=Entity``); lists of types without references (credentials, objects in jobs …) as
the entities' container. ``entity=True`` writes the link with ``?format=Entity`` as Veeam's
example does. ``named`` writes the parent's name on the link (Veeam's job-settings links carry it).

A few links lead to one resource rather than a list (``body``: its root element, e.g. a
tenant's ``freelicenseCounters`` answers ``<CloudTenantFreeLicenseCounters>``, an organization
config's ``backupJobSettings`` answers ``<VCloudOrganizationConfigBackupJobSettings>``); their
bodies are written by :func:`fel.emulator.bodies.sub_resource`. This module holds data only; the dataset resolves the paths, the renderer writes
the links.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DownLink", "DOWN_LINKS", "down_link"]


@dataclass(frozen=True, slots=True)
class DownLink:
    segment: str
    list_type: str
    child: str | None
    rel: str = "Down"
    sibling: bool = False
    bridge: tuple[str, ...] = ()
    entity: bool = False
    #: Older spellings of the segment that still resolve (not written in links).
    aliases: tuple[str, ...] = ()
    #: For an always-empty entity list (``child=None``): its root element (``VmRestorePointMounts``).
    empty_root: str | None = None
    #: Write the parent's Name on the link.
    named: bool = False
    #: A fixed Name for the link (``FreeLicenseCounters``), as Veeam's example writes it.
    link_name: str | None = None
    #: For a link to one resource (not a list): that resource's root element.
    body: str | None = None


_D = DownLink

#: type -> the lists its entities link to, in the order Veeam's examples list them.
DOWN_LINKS: dict[str, tuple[DownLink, ...]] = {
    "BackupServer": (_D("jobs", "JobReferenceList", "Job"),
                     _D("repositories", "RepositoryReferenceList", "Repository"),
                     _D("credentials", "CredentialsList", "Credentials"),
                     _D("passwords", "PasswordKeyList", "Passwords"),
                     _D("managedServers", "ManagedServerReferenceList", "ManagedServer")),
    "Job": (_D("includes", "ObjectInJobList", "ObjectInJob"),
            _D("backupSessions", "BackupJobSessionReferenceList", "BackupJobSession")),
    "AgentBackupJob": (_D("backupSessions", "BackupJobSessionReferenceList", "BackupJobSession"),
                       _D("includes", "ObjectInJobList", "ObjectInAgentBackupJob")),
    "NasJob": (_D("includes", "NasObjectList", "NasObject"),
               _D("backupSessions", "BackupJobSessionReferenceList", "BackupJobSession")),
    "AgentProtectionGroup": (_D("discoveredComputers", "DiscoveredComputerList", "DiscoveredComputer",
                                entity=True),),
    "Backup": (_D("restorePoints", "RestorePointReferenceList", "RestorePoint"),
               _D("backupFiles", "BackupFileReferenceList", "BackupFile"),
               # the backups whose parent is this one: the dataset has no child backups, so empty
               _D("childbackups", "BackupList", "Backup", rel="Up", entity=True)),
    "BackupFile": (_D("vmRestorePoints", "VmRestorePointReferenceList", "VmRestorePoint"),
                   _D("restorePoints", "RestorePointReferenceList", "RestorePoint", rel="Related",
                      bridge=("VmRestorePoint", "AgentRestorePoint"))),
    "RestorePoint": (_D("vmRestorePoints", "VmRestorePointReferenceList", "VmRestorePoint"),
                     _D("vAppRestorePoints", "VAppRestorePointReferenceList", "vAppRestorePoint"),
                     _D("backupFiles", "BackupFileReferenceList", "BackupFile", rel="Related",
                        bridge=("VmRestorePoint", "AgentRestorePoint"))),
    "BackupJobSession": (_D("taskSessions", "BackupTaskSessionReferenceList", "BackupTaskSession"),),
    "ReplicaJobSession": (_D("replicaTaskSessions", "ReplicaTaskSessionReferenceList", "ReplicaTaskSession",
                             aliases=("taskSessions",)),),
    "CdpPolicy": (_D("cdpReplicaSessions", "CdpReplicaSessionReferenceList", "CdpReplicaSession"),
                  _D("includes", "ObjectInJobList", "ObjectInJob")),
    "CdpReplica": (_D("vms", "CdpReplicaVmReferenceList", None),),
    "CdpReplicaSession": (_D("cdpReplicaTaskSessions", "CdpReplicaTaskSessionReferenceList", "CdpReplicaTaskSession",
                             aliases=("taskSessions",)),),
    "CloudGatewayPool": (_D("gateways", "CloudGatewayReferenceList", "CloudGateway", sibling=True),),
    "CloudHardwarePlan": (_D("tenants", "CloudTenantReferenceList", "CloudTenant", sibling=True),),
    "CloudReplica": (_D("vmReplicaPoints", "CloudVmReplicaPointReferenceList", "CloudVmReplicaPoint"),),
    # the tenant's storage quotas and hardware plans are not modelled: always empty lists
    "CloudTenant": (_D("resources", "CloudTenantResourceList", None, empty_root="CloudTenantResources"),
                    _D("computeResources", "CloudTenantComputeResourceList", None,
                       empty_root="CloudTenantComputeResources"),
                    _D("subtenants", "CloudSubtenantList", "CloudSubtenant"),
                    _D("freelicenseCounters", "FreeLicenseCounters", None, rel="Related",
                       link_name="FreeLicenseCounters", body="CloudTenantFreeLicenseCounters")),
    "Replica": (_D("vmReplicaPoints", "VmReplicaPointReferenceList", "VmReplicaPoint"),),
    "VmRestorePoint": (_D("mounts", "VmRestorePointMountList", None, empty_root="VmRestorePointMounts"),),
    "AgentRestorePoint": (_D("mounts", "AgentRestorePointMountList", None, empty_root="AgentRestorePointMounts"),),
    "VmReplicaPoint": (_D("mounts", "VmReplicaPointMountList", None, empty_root="VmReplicaPointMounts"),),
    "VCloudOrganizationConfig": (_D("backupJobSettings", "VCloudOrganizationConfigBackupJobSettings", None,
                                    named=True, body="VCloudOrganizationConfigBackupJobSettings"),),
    "VsphereSelfServiceConfig": (_D("backupJobSettings", "VSphereSelfServiceConfigJobSettings", None,
                                    named=True, body="VSphereSelfServiceConfigJobSettings"),),
    "Repository": (_D("backups", "BackupReferenceList", "Backup"),
                   _D("replicas", "ReplicaReferenceList", "Replica")),
}


def down_link(type_name: str, segment: str) -> DownLink | None:
    """The list ``segment`` (any case, or an older spelling) of an entity of ``type_name``."""
    low = segment.lower()
    for dl in DOWN_LINKS.get(type_name, ()):
        if dl.segment.lower() == low or low in (a.lower() for a in dl.aliases):
            return dl
    return None
