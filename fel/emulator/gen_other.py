"""Dataset families "cdp", "cloud", "selfservice" and "misc": CDP policies with their replicas
and sessions, Cloud Connect (tenants, gateways, plans, replicas, VLANs), self-service
configurations, restore sessions and tasks."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .builder import Builder, family
from .gen_jobs import NEVER
from .gen_points import point_name
from .model import Entity
from .names import TENANTS

#: Doc example: CdpReplicaTaskSession for virt03-ubuntu01 between 2021-06-15 and 2021-06-16.
PINNED_CDP = datetime(2021, 6, 15, 9, 0, 0, 123000, tzinfo=timezone.utc)


@family("cdp", ("CdpPolicy", "CdpReplica", "CdpReplicaSession", "CdpReplicaTaskSession"))
def build_cdp(b: Builder) -> None:
    servers = b.ds.entities("BackupServer")
    policies = [("CDP Policy", 2, ("virt03-ubuntu01", "virt03-centos02", "sap-hana01")),
                ("CDP Policy - Tier 0 & SAP", 2, ("sap-app01", "sap-app02")),
                ("CDP Policy 3", 0, ("erp-db",))]
    policies += [(f"CDP Policy {i + 4}", i, (f"cdp-vm-{i:03d}",)) for i in range(b.count(3) - 3)]
    for pname, sidx, vms in policies:
        srv = servers[sidx % len(servers)]
        policy = b.make("CdpPolicy", {
            "Name": pname, "Description": f"Created by TECH\\Administrator: {pname}",
            "NextRun": b.now + timedelta(seconds=15), "ScheduleConfigured": True, "ScheduleEnabled": True},
            extras={"PolicyType": "CdpReplica", "Platform": "VMware"}, links=[b.up(srv)])
        b.make("CdpReplica", {"Name": pname, "PolicyId": policy.id, "PolicyName": pname,
                              "BackupServerName": srv.name},
               links=[b.up(srv), b.up(policy)])
        starts = [b.now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=d) for d in range(14, -1, -1)]
        if pname == "CDP Policy":
            starts.insert(0, PINNED_CDP)
        for start in starts:
            start = start + timedelta(seconds=b.rng.randrange(30), microseconds=b.rng.randrange(1_000_000))
            if start + timedelta(seconds=11) > b.now:
                continue  # nothing happens after "now"
            end = start + timedelta(days=1)
            running = end > b.now
            failed = not running and b.chance(0.07)
            session = b.make("CdpReplicaSession", {
                "Name": point_name(pname, start), "PolicyUid": policy.uid, "PolicyName": pname,
                "CreationTimeUTC": start, "EndTimeUTC": NEVER if running else end,
                "State": "Working" if running else "Stopped",
                "Result": "None" if running else "Failed" if failed else "Success",
                "FailureMessage": "RPO violated: replica is 17 minutes behind" if failed else ""},
                extras={"PolicyType": "CdpReplica", "Progress": 0 if running else 100, "IsRetry": False},
                links=[b.up(srv), b.up(policy)])
            for vm in vms:
                t = start + timedelta(seconds=10, microseconds=334000)
                b.make("CdpReplicaTaskSession", {
                    "Name": point_name(vm, t), "PolicySessionUid": session.uid, "CreationTimeUTC": t,
                    "EndTimeUTC": NEVER if running else end, "State": "InProgress" if running else "Completed",
                    "Reason": "", "TotalSize": b.rng.randrange(16, 200) << 30, "VmDisplayName": vm},
                    extras={"Result": "Success"}, links=[b.up(srv), b.up(session)])


@family("cloud", ("CloudTenant", "CloudSubtenant", "CloudGateway", "CloudGatewayPool", "CloudHardwarePlan",
                  "CloudPublicIpAddress", "CloudReplica", "CloudVmReplicaPoint", "CloudFailoverPlan",
                  "CloudFailoverSession", "VlanConfiguration"))
def build_cloud(b: Builder) -> None:
    srv = b.ds.entities("BackupServer")[1]  # 172.24.31.67, the Cloud Connect examples' server
    tenants = list(TENANTS) + [(f"Tenant {i:03d}", None, "Standalone") for i in range(5, b.count(4) + 1)]
    for name, gw in (("172.16.13.97", True), ("gw02.cloud.tech.local", True), ("gw03 (maintenance)", False)):
        b.make("CloudGateway", {"Name": name, "Enabled": gw, "Description": f"Cloud gateway {name}"},
               extras={"ExternalIP": "172.16.13.97"}, links=[b.up(srv)])
    for name in ("Default Pool", "EU, West & Central"):
        b.make("CloudGatewayPool", {"Name": name, "Description": "Created by REST API"}, links=[b.up(srv)])
    for name, platform in (("VMware Gold", "VMware"), ("Hyper-V Silver", "HyperV"), ("VMware Bronze", "VMware")):
        b.make("CloudHardwarePlan", {"Name": name, "Platform": platform},
               extras={"Description": f"Hardware plan for {platform} VMs"}, links=[b.up(srv)])
    for switch, stype in (("vSwitch0", "VirtualSwitch"),
                          ("Intel(R) I350 Gigabit Network Connection - Virtual Switch", "VirtualSwitch"),
                          ("dvSwitch-Tenants", "DistributedVirtualSwitch")):
        vid = b.guid()
        b.make("VlanConfiguration", {"UID": vid, "SwitchName": switch, "SwitchType": stype,
                                     "SwitchId": switch if stype == "VirtualSwitch" else b.guid().upper(),
                                     "ClusterName": "Cluster A", "ClusterRef": f"urn:VMware:Cluster:{srv.id}.domain-c7"},
               id=vid, extras={"@Name": switch, "PlatformType": "VMware"}, links=[b.up(srv)])
    ip = 16
    for t, (name, fixed, ttype) in enumerate(tenants):
        tenant = b.make("CloudTenant", {
            "Name": name, "Enabled": t != 3, "Type": ttype,
            "OrganizationReference": f"urn:vCloud:Org:{srv.id}.{b.guid()}" if ttype == "vCD" else None},
            id=fixed, extras={"Description": f"Tenant account for {name}",
                              "LastActive": b.now - timedelta(hours=b.rng.randrange(1, 200))},
            links=[b.up(srv)])
        for n in (1, 2):
            sid = b.guid()
            disabled = n == 2 and t % 2 == 1
            b.make("CloudSubtenant", {
                "UID": sid, "Name": f"{name} User {n:02d}", "Disabled": disabled, "Unlimited": n == 1,
                "Quota": 20480 * n, "UsedQuota": b.rng.randrange(0, 20480), "BackupResourceId": b.guid()},
                id=sid, parent=tenant,
                extras={"Description": f"{name} PC user", "Enabled": not disabled,
                        "RepositoryQuota@Unlimited": n == 1, "RepositoryQuota/DisplayName": f"Cloud Vol User {n:02d}"},
                links=[b.up(tenant, "CloudTenant"), b.up(srv, "BackupServer")])
            ip += 1
            b.make("CloudPublicIpAddress", {
                "Name": f"198.51.100.{ip}", "IpAddress": f"198.51.100.{ip}", "CloudTenantUid": tenant.uid,
                "CloudTenantName": name, "BackupServerUId": srv.uid}, links=[b.up(srv)])
        replica = b.make("CloudReplica", {"Name": f"{name} Servers Replication",
                                          "Platform": "HyperV" if t == 2 else "VMware"}, links=[b.up(srv)])
        for vm in (("filesrv03", "srv39") if t == 0 else (f"{name.split()[0].lower()}-vm01",)):
            for d in range(5):
                when = b.now - timedelta(days=d, hours=b.rng.randrange(1, 20), seconds=b.rng.randrange(60))
                b.make("CloudVmReplicaPoint", {
                    "Name": point_name(vm, when), "CreationTime": when, "VmName": vm, "VmDisplayName": vm,
                    "Type": "Full" if d == 4 else "Increment", "State": "Ready"},
                    links=[b.up(srv), b.up(replica)])
        plan = b.make("CloudFailoverPlan", {
            "Name": f"{name} Failover Plan", "Description": f"Cloud failover plan for {name} full site failover",
            "CloudTenantUid": tenant.uid, "CloudTenantName": name}, links=[b.up(srv)])
        for k in range(2):
            start = b.now - timedelta(days=3 + 7 * k, hours=t, seconds=b.rng.randrange(3600))
            failed = k == 0 and t in (0, 2)
            b.make("CloudFailoverSession", {
                "Name": plan.name, "Type": "FailoverPlan", "CreationTime": start,
                "EndTime": start + timedelta(minutes=b.rng.randrange(2, 40)), "State": "Stopped",
                "Result": "Failed" if failed else "Success",
                "FailureMessage": "Failed to power on VM \"srv39\": not enough resources" if failed else ""},
                extras={"Progress": 100}, links=[b.up(srv)])


@family("selfservice", ("VCloudOrganizationConfig", "VsphereSelfServiceConfig"))
def build_selfservice(b: Builder) -> None:
    srv = b.ds.entities("BackupServer")[0]  # enterprise06.tech.local
    repo = b.ds.children(srv, "Repository")[1]
    vcd = next((m for m in b.ds.children(srv, "ManagedServer") if m.fields["ManagedServerType"] == "VcdSystem"),
               b.ds.children(srv, "ManagedServer")[0])
    for name, disabled in (("organization02", False), ("ACME Org", False), ("Legacy Org (disabled)", True)):
        b.make("VCloudOrganizationConfig", {
            "Name": name, "RepositoryUid": repo.uid, "QuotaGb": 100, "Disabled": disabled,
            "JobSchedulerType": b.pick(("Full", "Partial", "Random")), "UsedQuota": b.rng.randrange(0, 90000),
            "BackupServerUid": srv.uid, "HostUid": vcd.uid, "RepositoryFriendlyName": repo.name},
            links=[b.up(srv)])
    for name, account, sid in (("Administrators", "Group", "S-1-5-32-544"), ("TECH\\jdoe", "User", "S-1-5-21-1004"),
                               ("Dev & Test Team", "Group", "S-1-5-21-2001")):
        b.make("VsphereSelfServiceConfig", {
            "Name": name, "BackupServerUid": srv.uid, "JobSchedulerType": "Full", "AccountType": account,
            "PerUser": account == "Group" and "Dev" in name, "QuotaGb": 500, "RepositoryUid": repo.uid,
            "UsedQuota": b.rng.randrange(0, 400000)},
            extras={"Account/AccountName": name, "Account/AccountSid": sid}, links=[b.up(srv)])


@family("misc", ("RestoreSession", "Task"))
def build_misc(b: Builder) -> None:
    servers = b.ds.entities("BackupServer")
    vms = ("virt03-ubuntu01", "dbserver01", "exch01", "filesrv03", "web01", "jump host 1", "vm-ümlaut")
    points: dict[str, list[Entity]] = {}
    for p in b.ds.entities("VmRestorePoint"):  # a restore links the point it restored from
        points.setdefault(p.fields["VmName"], []).append(p)

    def restored_from(vm: str, start: datetime) -> list[Entity]:
        before = [p for p in points.get(vm, ()) if p.fields["CreationTime"] <= start]
        return [max(before, key=lambda p: p.fields["CreationTime"])] if before else []

    for n in range(b.count(14)):
        vm = vms[n % len(vms)]
        took = timedelta(minutes=b.rng.randrange(3, 60))
        start = b.now - timedelta(days=b.rng.uniform(0, 30))
        start = min(start, b.now - took)  # ended by "now"
        flr = n % 2 == 0
        b.make("RestoreSession", {
            "Name": f"FLR_[{vm}]@{start:%Y-%m-%d %H:%M:%S}" if flr else point_name(vm, start),
            "Type": "FileLevelRestore" if flr else "RestoreVm", "CreationTime": start,
            "EndTime": start + took, "State": "Stopped",
            "Result": "Failed" if n % 9 == 4 else "Success", "VmDisplayName": vm},
            extras={"Progress": 100}, links=[b.up(servers[n % len(servers)])]
            + [b.up(p, "VmRestorePointReference", "Related") for p in restored_from(vm, start)])
    sessions = b.ds.entities("BackupJobSession")[-200:]
    for n in range(1, b.count(10) + 1):
        finished = n % 5 != 0
        session = sessions[-n] if sessions else None
        b.make("Task", {"TaskId": f"task-{n}", "State": "Finished" if finished else "Running",
                        "Operation": b.pick(("StartJob", "StopJob", "RetryJob"))},
               id=f"task-{n}", extras={"Result@Success": finished, "Result/Message": "Ok" if finished else ""},
               links=[b.up(session, "BackupJobSession", "Related")] if session else [])
