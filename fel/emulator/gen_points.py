"""Dataset families "points" and "replicas": backups with their restore points, backup files
and per-VM/vApp/agent restore points; replicas with their VM and vApp replica points."""
from __future__ import annotations

from datetime import datetime

from .builder import FOLLOWS, Builder, family
from .gen_jobs import JobPlan
from .model import Entity

#: Restore points kept per backup (the newest successful runs), replica points per replica.
RETAIN = 14
RETAIN_REPLICA = 7
#: Doc example: BackupFile filter BackupUid=="urn:veeam:Backup:39cb6675-…" (Exchange Backup).
FIXED_BACKUPS = {"Exchange Backup": "39cb6675-8930-436a-8ac3-8a4ae6195cb1"}
VAPP_DISPLAY = "vapp001-98be6b84-236e-4e25-87fe-b0b47fb64764"


def point_name(name: str, when: datetime) -> str:
    return f"{name}@{when:%Y-%m-%d %H:%M:%S}"


def restore_point_name(when: datetime) -> str:
    """.NET's short form as EM prints it: ``Jun  5 2025  1:01AM``."""
    hour = when.hour % 12 or 12
    return f"{when:%b} {when.day:>2} {when.year} {hour:>2}:{when.minute:02d}{'AM' if when.hour < 12 else 'PM'}"


def _good(plan: JobPlan, keep: int) -> list[Entity]:
    done = [s for s in plan.sessions if s.fields["State"] == "Stopped" and s.fields["Result"] != "Failed"]
    done.sort(key=lambda s: s.fields["EndTime"])
    return done[-keep:]


def _repository(b: Builder, server: Entity, preferred: str = "Backup Repository 1") -> Entity:
    repos = b.ds.children(server, "Repository")
    for r in repos:
        if r.name == preferred:
            return r
    return repos[0]


FOLLOWS["sessions"] = ("RestorePoint",)


@family("points", ("Backup", "RestorePoint", "BackupFile", "VmRestorePoint", "vAppRestorePoint",
                   "AgentRestorePoint"))
def build_points(b: Builder) -> None:
    """Backups, their points and files; made right after the sessions (``FOLLOWS``), since each
    kept point adds a ``Related`` link to the session that produced it."""
    b.ds.entities("BackupJobSession")
    vapp_count = 0
    for plan in b.ds.plans["jobs"]:
        if plan.kind not in ("backup", "copy", "agent"):
            continue
        repo = _repository(b, plan.server, b.pick(("Backup Repository 1", "Default Backup Repository",
                                                   "Scale-out Repo, Tier 2")))
        backup = b.make("Backup", {"Name": plan.job.name, "JobUid": plan.job.uid, "JobName": plan.job.name,
                                   "Platform": plan.platform, "BackupType": "Standard"},
                        id=FIXED_BACKUPS.get(plan.job.name), links=[b.up(repo), b.up(plan.server)])
        vapp_name = None
        if plan.platform == "vCloud":
            vapp_count += 1
            vapp_name = VAPP_DISPLAY if vapp_count == 1 else f"vapp{vapp_count:03d}-{b.guid()}"
        for n, session in enumerate(_good(plan, RETAIN)):
            when = session.fields["EndTime"]
            full = n % 7 == 0
            rp = b.make("RestorePoint", {"Name": restore_point_name(when), "CreationTime": when},
                        links=[b.up(backup), b.up(plan.server)])
            # the session that produced the point links to it (Veeam's BackupJobSession example)
            session.links = session.links + (b.up(rp, rel="Related"),)
            ext = "vbk" if full else "vib"
            data = sum(b.rng.randrange(20, 400) << 30 for _ in plan.vms)
            size = int(data * (b.rng.uniform(0.35, 0.6) if full else b.rng.uniform(0.02, 0.12)))
            fname = f"{plan.job.name}D{when:%Y-%m-%dT%H%M%S}.{ext}"
            bf = b.make("BackupFile", {
                "Name": fname, "CreationTimeUTC": when, "BackupSize": size, "DataSize": data,
                "CompressRatio": round(b.rng.uniform(1.2, 2.4), 1), "FileType": ext},
                extras={"FilePath": f"D:\\Backups\\{plan.job.name}\\{fname}",
                        "DeduplicationRatio": round(b.rng.uniform(1.0, 3.0), 1)},
                links=[b.up(backup), b.up(plan.server)])
            kind = ("Full", "Full") if full else ("Increment", "Incremental")
            if plan.kind == "agent":
                for computer in plan.vms:
                    b.make("AgentRestorePoint", {
                        "Name": point_name(computer, when), "CreationTime": when, "ComputerName": computer,
                        "Type": kind[0], "Algorithm": kind[1], "BackupUid": backup.uid,
                        "BackupName": backup.name},
                        links=[b.up(plan.server), b.up(rp), b.up(bf)])
                continue
            for v, vm in enumerate(plan.vms):
                b.make("VmRestorePoint", {
                    "Name": point_name(vm, when), "CreationTime": when, "Type": kind[0], "Algorithm": kind[1],
                    "VmDisplayName": vm, "VmName": vm,
                    "HierarchyObjRef": f"urn:{'HyperV' if plan.platform == 'HyperV' else 'VMware'}:Vm:{plan.server.id}.vm-{1000 + v}"},
                    links=[b.up(plan.server), b.up(rp), b.up(bf)])
            if vapp_name:
                b.make("vAppRestorePoint", {
                    "Name": point_name(vapp_name.split("-")[0], when), "CreationTime": when, "Type": kind[0],
                    "Algorithm": kind[1], "VAppDisplayName": vapp_name},
                    extras={"HierarchyObjRef": f"urn:vCloud:Vapp:{plan.server.id}.vapp-{vapp_count}"},
                    links=[b.up(plan.server), b.up(rp)])


@family("replicas", ("Replica", "VmReplicaPoint", "vAppReplicaPoint"))
def build_replicas(b: Builder) -> None:
    b.ds.entities("ReplicaJobSession")
    for plan in b.ds.plans["jobs"]:
        if plan.kind != "replica":
            continue
        repo = _repository(b, plan.server)
        replica = b.make("Replica", {"Name": plan.job.name, "JobUid": plan.job.uid, "JobName": plan.job.name},
                         extras={"Platform": "VMware" if plan.platform != "vCloud" else "vCloud"},
                         links=[b.up(repo), b.up(plan.server)])
        for n, session in enumerate(_good(plan, RETAIN_REPLICA)):
            when = session.fields["EndTime"]
            kind = ("Full", "Full") if n == 0 else ("Snapshot", "Incremental")
            vapp = None
            if plan.platform == "vCloud":
                vapp = b.make("vAppReplicaPoint", {
                    "Name": point_name("vApp002", when), "vAppDisplayName": "vApp002", "vAppName": "vApp002",
                    "CreationTime": when, "Type": kind[0], "Algorithm": kind[1]},
                    links=[b.up(plan.server), b.up(replica)])
            for v, vm in enumerate(plan.vms):
                point = b.make("VmReplicaPoint", {
                    "Name": point_name(vm, when), "CreationTime": when, "Type": kind[0], "Algorithm": kind[1],
                    "VmDisplayName": vm}, extras={"VmName": vm},
                    links=[b.up(plan.server), b.up(replica)])
                if vapp is not None and v == 0:  # Veeam's vApp replica point links down to a VM's point
                    vapp.links = vapp.links + (b.up(point, "VmReplicaPointReference", "Down"),)
