"""Dataset families "jobs", "sessions" and "tasks": jobs of every kind with the objects in
them, their job sessions over the last weeks, and one task session per VM and job session."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .builder import Builder, family, present
from .gen_infra import server_count
from .model import Entity
from .names import AWKWARD_JOBS, DOC_JOBS, DOC_VMS, JOB_STEMS, VM_NAMES

HISTORY_DAYS = 30
NEVER = datetime(1753, 1, 1, tzinfo=timezone.utc)  # EM's "never" (DateTime.MinValue as SQL Server stores it)


@dataclass
class JobPlan:
    """How a job runs; read by the sessions, tasks and points families."""

    job: Entity
    kind: str                   # backup | copy | replica | agent | nas
    platform: str
    server: Entity
    vms: list[str]
    runs_per_day: int
    first_hour: int
    minutes: int                # typical duration
    session_type: str           # JobType of its sessions
    flaky: float                # failure probability
    sessions: list[Entity] = field(default_factory=list)


def _vm_names(b: Builder, counter: list[int], k: int) -> list[str]:
    out = []
    for _ in range(k):
        i = counter[0]
        counter[0] += 1
        out.append(VM_NAMES[i] if i < len(VM_NAMES) else f"srv-{i:04d}")
    return out


def _schedule(b: Builder) -> tuple[int, int]:
    return b.pick((1, 1, 1, 2, 3, 4, 6)), b.rng.randrange(0, 24)


@family("jobs", ("Job", "ObjectInJob", "AgentBackupJob", "NasJob", "FileServer", "NasObject",
                 "AgentProtectionGroup", "DiscoveredComputer", "FailoverPlan") + present("ObjectInAgentBackupJob"))
def build_jobs(b: Builder) -> None:
    ds = b.ds
    servers = ds.entities("BackupServer")
    plans: list[JobPlan] = []
    ds.plans["jobs"] = plans
    vm_counter = [len(DOC_VMS)]  # the VM pool first, then srv-NNNN

    def job(name, server, *, kind="backup", platform="VMware", vms=None, fixed=None, job_type="Backup",
            session_type="Backup", scheduled=True, flaky=0.06, runs=None, desc=None) -> JobPlan:
        runs_per_day, hour = runs or _schedule(b)
        enabled = scheduled and not b.chance(0.05)
        next_run = None
        if enabled:
            hours_left = (hour - b.now.hour) % 24 or 24
            next_run = b.now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_left)
        ent = b.make("Job", {
            "Name": name, "Description": desc or f"Created by TECH\\Administrator at {b.now.year - 1}-03-0{1 + b.rng.randrange(9)}.",
            "NextRun": next_run, "JobType": job_type, "Platform": platform,
            "ScheduleConfigured": scheduled, "ScheduleEnabled": enabled}, id=fixed, links=[b.up(server)])
        vm_list = list(vms) if vms else _vm_names(b, vm_counter, b.rng.randrange(2, 5))
        urn_platform = {"HyperV": "HyperV", "vCloud": "vCloud"}.get(platform, "VMware")
        for n, vm in enumerate(vm_list):
            oid = b.guid()
            b.make("ObjectInJob", {"UID": oid, "Name": vm, "BackupServerUid": server.uid,
                                   "BackupServerName": server.name}, id=oid, parent=ent,
                   extras={"ObjectInJobId": oid, "DisplayName": vm,
                           "HierarchyObjRef": f"urn:{urn_platform}:Vm:{server.id}.vm-{1000 + n}"},
                   links=[b.up(ent, "Job")])
        plan = JobPlan(ent, kind, platform, server, vm_list, runs_per_day, hour,
                       b.rng.randrange(4, 90), session_type, flaky)
        plans.append(plan)
        return plan

    n_servers = len(servers)
    for name, sidx, fixed, platform, vms in DOC_JOBS:
        job(name, servers[sidx % n_servers], platform=platform, vms=vms, fixed=fixed,
            flaky=0.25 if name == "Backup Job 2" else 0.06)
    for k, name in enumerate(AWKWARD_JOBS):
        job(name, servers[k % n_servers], platform=("VMware", "HyperV", "vCloud")[k % 3])
    taken = {p.job.name for p in plans}
    total = b.count(36) + len(DOC_JOBS)
    counters = dict.fromkeys(JOB_STEMS, 0)
    k = 0
    while len(plans) < total:
        stem = JOB_STEMS[k % len(JOB_STEMS)]
        counters[stem] += 1
        name = f"{stem} {counters[stem]}"
        k += 1
        if name in taken:
            continue
        taken.add(name)
        r = b.rng.random()
        platform = "VMware" if r < 0.65 else "HyperV" if r < 0.9 else "vCloud"
        job(name, servers[k % n_servers], platform=platform)
    # Backup copy jobs (the first one is the 13.1 example's).
    copies = [("Periodic Backup Copy Job\\Backup Job 1", 3, "643e7958-f608-41fd-932c-084596f5b44f",
               "BackupCopy", "ImmediateBackupCopyWorker")]
    copies += [(f"Offsite Copy {i}", i, None, "ImmediateBackupCopy", "BackupCopy") for i in range(1, b.count(3))]
    for name, sidx, fixed, jtype, stype in copies:
        job(name, servers[sidx % n_servers], kind="copy", fixed=fixed, job_type=jtype, session_type=stype,
            runs=(1, 5), vms=("dbserver01", "web01"))
    # Replica jobs: two on enterprise06 with the VMs the Replica* examples name.
    replicas = [("Replica Job 1", 0, ("apache02", "ubuntu88"), True),
                ("DR Replica - Web", 0, ("web01", "web02", "nginx-lb"), True),
                ("Manual DR Replica", 1, ("erp-db",), False),
                ("vCloud Replica", 0, ("vApp002-web", "vApp002-db"), True)]
    replicas += [(f"Replica Job {i}", i, None, i % 3 != 0) for i in range(2, b.count(4))]
    for name, sidx, vms, scheduled in replicas:
        job(name, servers[sidx % n_servers], kind="replica", vms=vms, job_type="Replica",
            platform="vCloud" if name.startswith("vCloud") else "VMware",
            session_type="Replica", scheduled=scheduled)
    _agents(b, servers, plans)
    _nas(b, servers, plans)
    for i, srv in enumerate(servers):
        for name in (("SQL Failover Plan", "Web tier failover") if i == 0 else ("Failover plan",)):
            b.make("FailoverPlan", {"Name": name, "Description": f"Created by TECH\\Administrator for {name}"},
                   links=[b.up(srv)])


def _agents(b: Builder, servers: list[Entity], plans: list[JobPlan]) -> None:
    for i, srv in enumerate(servers[: max(2, server_count(b.scale) // 2)]):
        groups = (("Laptops", "AgentForWindows"), ("Linux Servers", "AgentForLinux"), ("Manually Added", "AgentForWindows"))
        made = []
        for g, (gname, _platform) in enumerate(groups if i == 0 else groups[:1]):
            grp = b.make("AgentProtectionGroup", {"Name": gname}, links=[b.up(srv)],
                         extras={"HierarchyObjRef": f"urn:AgentForWindows:AgentProtectionGroup:{b.guid()}"})
            made.append(grp)
            for c in range(b.rng.randrange(3, 6)):
                ip = "172.17.53.55" if (i, g, c) == (0, 0, 0) else f"172.17.{53 + i}.{60 + 10 * g + c}"
                host = f"{gname.split()[0].lower()}-{c + 1:02d}.tech.local"
                fields = {
                    "Name": host, "AgentVersion": "6.1.0.349", "IpAddress": ip,
                    "AgentStatus": b.pick(("Installed", "Installed", "Installed", "NotInstalled", "Failed")),
                    "OsVersion": "Ubuntu 22.04 LTS" if "Linux" in gname else "Microsoft Windows 11 Pro (64-bit)"}
                cid = b.guid()  # the id make() would draw, drawn here to name the agent's object
                agent = "AgentForLinux" if "Linux" in gname else "AgentForWindows"
                b.make("DiscoveredComputer", fields, id=cid, links=[b.up(srv), b.up(grp)],
                       extras={"HostStatus": "Offline" if c == 2 else "Online",
                               "HierarchyObjRef": f"urn:{agent}:VeeamAgent:{srv.id}.{cid}"})
        for name, platform in (("Agent Backup - Laptops", "AgentForWindows"), ("Linux Agents", "AgentForLinux")):
            ent = b.make("AgentBackupJob", {
                "Name": name if i == 0 else f"{name} ({srv.name})", "Description": "Backup of physical machines",
                "JobType": "AgentBackup", "Platform": platform, "ScheduleConfigured": True,
                "ScheduleEnabled": True}, links=[b.up(srv)])
            computers = [f"laptop-{n:02d}" for n in range(1, 4)] if "Windows" in platform else ["linux-01", "linux-02"]
            if present("ObjectInAgentBackupJob"):
                for group in made[:1]:
                    oid = str(uuid.uuid5(uuid.UUID(ent.id), "includes:" + group.id))  # the stream stays as it was
                    b.make("ObjectInAgentBackupJob", {"UID": oid, "DisplayName": group.name,
                                                      "BackupServerUid": srv.uid, "BackupServerName": srv.name},
                           id=oid, parent=ent, extras={"Name": group.name},
                           links=[b.up(ent, "AgentBackupJob")])
            plans.append(JobPlan(ent, "agent", platform, srv, computers, 1, 22, 25, "AgentBackup", 0.08))


def _nas(b: Builder, servers: list[Entity], plans: list[JobPlan]) -> None:
    for i, srv in enumerate(servers[:2]):
        shares = [b.make("FileServer", {"Name": share}, links=[b.up(srv)],
                         extras={"ServerType": "SmbServer", "SmbServerOptions/Path": share})
                  for share in ((r"\\srv12\share", r"\\filer01\projects & archive") if i == 0 else (r"\\nas02\home",))]
        for j, name in enumerate(("Shared Files Backup", "Projects; Archive") if i == 0 else ("Home Drives",)):
            nas = b.make("NasJob", {
                "Name": name, "Description": "Backup of file share", "NextRun": b.now + timedelta(hours=3),
                "ScheduleConfigured": True, "ScheduleEnabled": True}, links=[b.up(srv)])
            share = shares[j % len(shares)]
            oid = b.guid()
            b.make("NasObject", {"UID": oid, "Name": share.name, "FileServerUid": share.uid,
                                 "BackupServerUid": srv.uid, "BackupServerName": srv.name},
                   id=oid, parent=nas, extras={"ObjectInJobId": oid},
                   links=[b.up(nas, "Job"), b.up(share, "FileServer", "Related")])
            plans.append(JobPlan(nas, "nas", "NAS", srv, [share.name], 1, 1, 40, "NasBackup", 0.05))


def _session_name(job_name: str, start: datetime) -> str:
    frac = f"{start.microsecond:06d}".rstrip("0")
    return f"{job_name}@{start:%Y-%m-%d %H:%M:%S}" + (f".{frac}" if frac else "")


def _session(b: Builder, plan: JobPlan, start: datetime, *, retry: bool, fixed: dict | None = None) -> Entity:
    rng = b.rng
    duration = timedelta(minutes=plan.minutes * rng.uniform(0.5, 1.6), seconds=rng.random())
    end = start + duration
    running = end > b.now
    r = rng.random()
    result = "Failed" if r < plan.flaky else "Warning" if r < plan.flaky + 0.08 else "Success"
    fields = {"Name": _session_name(plan.job.name, start), "JobType": plan.session_type,
              "JobUid": plan.job.uid, "JobName": plan.job.name, "CreationTime": start,
              "EndTime": NEVER if running else end, "State": "Working" if running else "Stopped",
              "Result": "None" if running else result, "IsRetry": retry}
    progress = min(99, int(100 * (b.now - start) / duration)) if running else 100
    sid = None
    if fixed:
        sid = fixed.pop("id")
        fields.update(fixed)
        progress = 100
    type_name = "ReplicaJobSession" if plan.kind == "replica" else "BackupJobSession"
    if type_name == "ReplicaJobSession":
        fields["JobType"] = "Replica"
    return b.make(type_name, fields, id=sid, extras={"Progress": progress},
                  links=[b.up(plan.server), b.up(plan.job)])  # JobReference, AgentBackupJobReference …


#: Sessions pinned at the dates of Veeam's doc examples (13.1 QueryResult example and the
#: BackupJobSession page's failed-sessions example).
PINNED_SESSIONS = {
    "Backup Job 2": [
        {"id": "1f038a6b-7968-4052-be97-3ed6b7aaf6a3",
         "CreationTime": datetime(2025, 8, 15, 20, 0, 24, 3406, tzinfo=timezone.utc),
         "EndTime": datetime(2025, 8, 15, 20, 4, 13, 487602, tzinfo=timezone.utc),
         "Result": "Success", "State": "Stopped", "IsRetry": False},
        {"id": "5d1e2c0a-6b1f-4a43-9d2e-3f5b8f0c1a77",
         "CreationTime": datetime(2025, 8, 16, 4, 0, 11, 500000, tzinfo=timezone.utc),
         "EndTime": datetime(2025, 8, 16, 4, 9, 2, 120000, tzinfo=timezone.utc),
         "Result": "Failed", "State": "Stopped", "IsRetry": False}],
    "Periodic Backup Copy Job\\Backup Job 1": [
        {"id": "07fb4019-dc8c-45ba-a36f-d15f2e7fe41b",
         "CreationTime": datetime(2025, 8, 16, 5, 17, 38, 221420, tzinfo=timezone.utc),
         "EndTime": datetime(2025, 8, 16, 5, 25, 1, 879599, tzinfo=timezone.utc),
         "Result": "Failed", "State": "Stopped", "IsRetry": True}],
}


@family("sessions", ("BackupJobSession", "ReplicaJobSession"))
def build_sessions(b: Builder) -> None:
    b.ds.entities("Job")
    for plan in b.ds.plans["jobs"]:
        for pinned in PINNED_SESSIONS.get(plan.job.name, ()):
            if pinned["EndTime"] > b.now:
                continue  # nothing happens after "now"
            fixed = dict(pinned)
            start = fixed["CreationTime"]
            fixed["Name"] = _session_name(plan.job.name, start)
            plan.sessions.append(_session(b, plan, start, retry=fixed["IsRetry"], fixed=fixed))
        midnight = b.now.replace(hour=0, minute=0, second=0, microsecond=0)
        step = 24 / plan.runs_per_day
        for d in range(HISTORY_DAYS, -1, -1):
            day = midnight - timedelta(days=d)
            for r in range(plan.runs_per_day):
                start = day + timedelta(hours=plan.first_hour + r * step, seconds=b.rng.randrange(0, 300),
                                        microseconds=b.rng.randrange(0, 1_000_000))
                if start > b.now:
                    break
                s = _session(b, plan, start, retry=False)
                plan.sessions.append(s)
                if s.fields["Result"] == "Failed" and b.chance(0.6):
                    again = s.fields["EndTime"] + timedelta(minutes=10, seconds=b.rng.randrange(0, 120))
                    if again < b.now:
                        plan.sessions.append(_session(b, plan, again, retry=True))


def _points_by_vm_and_time(b: Builder, type_name: str, vm_field: str) -> dict[tuple[str, datetime], Entity]:
    """Restore (replica) points by (VM, time): a task of a successful run links its VM's point."""
    return {(p.fields[vm_field], p.fields["CreationTime"]): p for p in b.ds.entities(type_name)}


@family("tasks", ("BackupTaskSession", "ReplicaTaskSession"))
def build_tasks(b: Builder) -> None:
    b.ds.entities("BackupJobSession")
    points = {"BackupTaskSession": _points_by_vm_and_time(b, "VmRestorePoint", "VmName"),
              "ReplicaTaskSession": _points_by_vm_and_time(b, "VmReplicaPoint", "VmDisplayName")}
    point_type = {"BackupTaskSession": "VmRestorePoint", "ReplicaTaskSession": "VmReplicaPoint"}
    reasons = ("Error: Connection timed out", "Error: Failed to create VM snapshot; task aborted",
               "Warning: Changed block tracking is disabled, \"full scan\" incremental run")
    for plan in b.ds.plans["jobs"]:
        if plan.kind in ("agent", "nas"):
            continue
        type_name = "ReplicaTaskSession" if plan.kind == "replica" else "BackupTaskSession"
        link_type = "ReplicaJobSessionReference" if plan.kind == "replica" else "BackupJobSessionReference"
        for s in plan.sessions:
            result, state = s.fields["Result"], s.fields["State"]
            t = first = s.fields["CreationTime"] + timedelta(seconds=20 + b.rng.randrange(60))
            for n, vm in enumerate(plan.vms):
                took = timedelta(minutes=b.rng.uniform(1, plan.minutes), microseconds=b.rng.randrange(1_000_000))
                created, end = t, t + took
                if state == "Working":
                    # a running session: finished, running and not yet started tasks
                    reason = ""
                    if t > b.now:
                        vm_result, vm_state, created, end = "None", "Pending", s.fields["CreationTime"], NEVER
                    elif end > b.now:
                        vm_result, vm_state, end = "None", "InProgress", NEVER
                    else:
                        vm_result, vm_state = "Success", "Completed"
                elif result == "Success" or (result != "Success" and n > 0 and b.chance(0.6)):
                    vm_result, vm_state, reason = "Success", "Completed", ""
                else:
                    vm_result, vm_state = result, "Completed"
                    reason = reasons[2] if result == "Warning" else b.pick(reasons[:2])
                if vm_state == "Completed" and s.fields["EndTime"] != NEVER:
                    if created >= s.fields["EndTime"] > first:
                        # no time left after the earlier tasks: it ran alongside them (a parallel
                        # task slot), never a task that ends when it starts
                        created, end = first, first + took
                    end = min(end, s.fields["EndTime"])
                    created = min(created, end)
                b.make(type_name, {
                    "Name": f"{vm}@{created:%Y-%m-%d %H:%M:%S}", "VmDisplayName": vm, "CreationTime": created,
                    "EndTime": end, "State": vm_state, "Result": vm_result, "Reason": reason,
                    "TotalSize": b.rng.randrange(8, 800) << 30, "JobSessionUid": s.uid,
                    "JobUid": plan.job.uid, "JobName": plan.job.name},
                    links=[b.up(plan.server), b.up(s, link_type)]
                    + [b.up(p, point_type[type_name], "Related") for p in
                       filter(None, [points[type_name].get((vm, s.fields["EndTime"]))])])
                t = t + took
