"""Dataset family "infra": backup servers and what hangs off them directly — managed servers,
hierarchy roots, repositories, WAN accelerators, credentials and password keys."""
from __future__ import annotations

import uuid
from datetime import timedelta

from .builder import Builder, family, present
from .names import EXTRA_SERVER_PATTERN, REPOSITORIES, SERVERS

GiB = 1 << 30


def server_count(scale: float) -> int:
    """Four named servers, and one more per four units of scale above 1."""
    return len(SERVERS) + max(0, int((scale - 1) // 4))


@family("infra", ("BackupServer", "ManagedServer", "HierarchyRoot", "Repository", "WanAccelerator",
                  "Credentials", "Passwords") + present("ExternalRepository"))
def build_infra(b: Builder) -> None:
    rng = b.rng
    servers = []
    for i in range(server_count(b.scale)):
        if i < len(SERVERS):
            name, fixed, version = SERVERS[i]
        else:
            name, fixed, version = EXTRA_SERVER_PATTERN.format(i - len(SERVERS) + 1), None, \
                b.pick(("12.3.1.1139", "12.2.0.334", "13.0.1.1071"))
        srv = b.make("BackupServer", {
            "Name": name, "Description": f"Veeam Backup & Replication server {name}",
            "IpOrDnsName": name, "Port": 9392, "Version": version}, id=fixed)
        servers.append(srv)
        short = name.split(".")[0]
        # Managed servers: the server itself, a vCenter with hosts, a Hyper-V host, a Linux repository.
        managed = [(name, "Local", "Backup server"),
                   (f"vcenter-{short}.tech.local", "VC", "vCenter Server"),
                   (f"esx01-{short}.tech.local", "ESXi", "ESXi host"),
                   (f"esx02-{short}.tech.local", "ESXi", "ESXi host"),
                   (f"hv01-{short}.tech.local", "HvServer", "Hyper-V host"),
                   (f"linux-repo-{short}", "Linux", "Hardened Linux repository"),
                   (f"proxy-{short}", "Windows", "VMware backup proxy")]
        if i == 0:
            managed.append(("vcd.tech.local", "VcdSystem", "vCloud Director"))
        for mname, mtype, desc in managed:
            ms_id = b.guid()
            roots = []
            if mtype in ("VC", "ESXi", "HvServer", "VcdSystem"):
                host_type = "ESXi" if mtype == "ESXi" else mtype
                roots.append(b.make("HierarchyRoot", {
                    "Name": mname, "UniqueId": b.guid().upper(), "HostType": host_type},
                    id=ms_id, extras={"HierarchyRootId": ms_id}, links=[b.up(srv)]))
            ms = b.make("ManagedServer", {"Name": mname, "Description": desc, "ManagedServerType": mtype},
                        id=ms_id, links=[b.up(srv, "BackupServer")] + [b.up(r, "HierarchyRoot", "Related") for r in roots])
            for r in roots:  # and back, as Veeam's HierarchyRoot example links its managed server
                r.links = r.links + (b.up(ms, "ManagedServer", "Related"),)
        for rname, cap_gib, free_gib in REPOSITORIES:
            cap = cap_gib * GiB + rng.randrange(0, 1 << 20) * 4096
            free = min(cap, free_gib * GiB + rng.randrange(0, 1 << 18) * 4096)
            kind = "LinuxLocal" if "Tier" in rname else "WindowsLocal"
            b.make("Repository", {"Name": rname, "Capacity": cap, "FreeSpace": free},
                   extras={"Kind": kind}, links=[b.up(srv)])
        for w, (role, bw) in enumerate((("Source", False), ("Target", True))):
            b.make("WanAccelerator", {
                "Name": f"wan0{w + 1}-{short}.tech.local", "Capacity": rng.choice((100, 200, 500)),
                "ConnectionsCount": rng.choice((5, 10)), "HighBandwidthModeEnabled": bw},
                extras={"Description": f"{role} WAN accelerator", "CachePath": "D:\\VeeamWAN"},
                links=[b.up(srv)])
        for user, desc in (("administrator", "Local administrator"), ("root", "Linux root account"),
                           ("TECH\\svc_veeam", "Service account"), ("sa", "SQL Server \"sa\" login")):
            cid = b.guid()
            b.make("Credentials", {"Username": user, "Description": desc, "CredentialsId": cid},
                   id=cid, parent=srv, links=[b.up(srv, "BackupServer")])
        for hint in ("Admin password", "Offsite key; rotate yearly", "Encryption for \"Legal\" & HR"):
            pid = b.guid()
            b.make("Passwords", {"PasswordKeyID": pid, "Hint": hint}, id=pid, parent=srv,
                   extras={"LastModificationDate": b.now - timedelta(days=rng.randrange(30, 900))},
                   links=[b.up(srv, "BackupServer")])
    _external(b, servers)


def _external(b: Builder, servers: list) -> None:
    """External repositories (where the schema has the type), without drawing from the random
    stream, so the rest of the family is the same either way."""
    if not present("ExternalRepository"):
        return
    for srv in servers[:2]:
        short = srv.name.split(".")[0]
        for n, (ename, etype, path) in enumerate((("S3 archive", "AmazonS3External", "amazonS3://archive-bucket/veeam"),
                                                  ("Azure Blob \"Cold\" Tier", "AzureBlobExternal", "azure://coldtier/veeam"))):
            b.make("ExternalRepository", {"Name": f"{ename} ({short})"}, links=[b.up(srv)],
                   id=str(uuid.uuid5(uuid.UUID(srv.id), f"external:{n}")),
                   extras={"RepositoryType": etype, "Path": path, "Description": "Archive copies of the main backups.",
                           "UsedSpace": (37 + 11 * n) * GiB})
