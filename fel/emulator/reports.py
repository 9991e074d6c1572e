"""``/reports/summary`` and its five report frames, computed from the dataset.

Shapes follow Veeam's documented examples (element names and order; JSON as the element values
at the top level, ``Period``/``Day`` rows always a list). Every figure is defined on the query
types' fields, so the same number comes out of ``/api/query`` (tests/emulator/test_reports.py
checks that):

* ``overview``: ``BackupServers`` — BackupServer entities; ``ProxyServers`` — ManagedServers
  whose ``ManagedServerType`` is ``Windows`` (the dataset's proxies); ``RepositoryServers`` —
  Repository entities; ``RunningJobs`` — distinct ``JobUid`` of Backup/ReplicaJobSessions with
  ``State==Working``; ``ScheduledJobs`` — Jobs with ``ScheduleEnabled==true``; ``…VmLastestStates``
  — the ``Result`` of the newest completed Backup/ReplicaTaskSession per (``JobUid``,
  ``VmDisplayName``);
* ``vms_overview``: ``BackedUpVms`` — distinct ``VmName`` of VmRestorePoints;
  ``ReplicatedVms`` — distinct ``VmDisplayName`` of VmReplicaPoints; ``ProtectedVms`` — both
  together; ``RestorePoints`` — VmRestorePoints; ``Full…``/``IncrementalBackupPointsSize`` — the
  ``BackupSize`` of BackupFiles with ``FileType`` vbk / vib; ``ReplicaRestorePointsSize`` — 0 (the
  dataset has no replica sizes); ``SourceVmsSize`` — the ``DataSize`` of each backup's newest
  file; ``SuccessBackupPercents`` — Success among the finished BackupJobSessions of the last 24 h;
* ``job_statistics``: running and scheduled jobs as above (``ScheduledBackupJobs``/
  ``ScheduledReplicaJobs`` by ``JobType``), and over the Backup/ReplicaJobSessions created in the
  last 24 hours (``now`` − 24 h inclusive) that have finished: runs by ``Result``, the longest
  duration in seconds (``EndTime`` − ``CreationTime``) and its job;
* ``processed_vms``: the last 7 days (UTC midnight, newest first), distinct ``VmDisplayName``
  of completed Backup/ReplicaTaskSessions with Result Success or Warning created that day;
* ``repository``: per Repository its ``Capacity``, ``FreeSpace`` and the ``BackupSize`` of the
  BackupFiles of its backups.
"""
from __future__ import annotations

import weakref
from datetime import datetime, timedelta
from typing import Any, Callable

from .dataset import Dataset
from .model import Entity
from .render import Node

__all__ = ["REPORTS", "summary_report", "report_frame", "report_period_start"]

#: path segment -> (link Name in the SummaryReport, builder)
REPORTS: dict[str, tuple[str, Callable[[Dataset], Node]]] = {}

_LINK = "Workspace/ViewReport.aspx?definition={}&ShowParams=1"
_PROTECTED_VMS = "8a56d84f-1790-4f54-ab20-2e0bfdefa16b"
_JOB_STATUS = "7962844d-db6c-4d29-8b6e-4e0f7db0785f"
_CAPACITY = "62221565-102c-4ec8-851b-d61c03d972d1"
_JOB_SESSIONS = ("BackupJobSession", "ReplicaJobSession")
_TASK_SESSIONS = ("BackupTaskSession", "ReplicaTaskSession")


def _report(segment: str, name: str):
    def register(fn: Callable[[Dataset], Node]) -> Callable[[Dataset], Node]:
        REPORTS[segment] = (name, fn)
        return fn
    return register


def summary_report(api: str) -> Node:
    """``<SummaryReport>`` with one ``Down`` link (Type ``ReportFrame``) per report."""
    links = [("Down", "ReportFrame", f"{api}/reports/summary/{seg}", name) for seg, (name, _) in REPORTS.items()]
    return Node("SummaryReport", [], None, [], links)


def report_frame(ds: Dataset, segment: str) -> Node | None:
    """The report ``segment`` of ``ds`` (computed once: the dataset does not change while it
    serves, and exporters poll the same reports every few seconds)."""
    entry = REPORTS.get(segment.lower())
    if entry is None:
        return None
    cache = _CACHE.setdefault(ds, {})
    frame = cache.get(segment.lower())
    if frame is None:
        frame = cache[segment.lower()] = entry[1](ds)
    return frame


#: dataset -> {segment: frame}
_CACHE: "weakref.WeakKeyDictionary[Dataset, dict[str, Node]]" = weakref.WeakKeyDictionary()


def report_period_start(ds: Dataset) -> datetime:
    """Where the job statistics' period starts: 24 hours before the dataset's ``now``."""
    return ds.now - timedelta(hours=24)


def _frame(tag: str, values: list[tuple[str, Any]], attrs: list[tuple[str, Any]] | None = None) -> Node:
    return Node(tag, attrs or [], None, [Node(k, [], v) for k, v in values])


def _running_jobs(ds: Dataset) -> int:
    return len({s.fields["JobUid"] for t in _JOB_SESSIONS for s in ds.entities(t) if s.fields["State"] == "Working"})


def _scheduled(ds: Dataset, job_type: str | None = None) -> int:
    return sum(1 for j in ds.entities("Job") if j.fields.get("ScheduleEnabled")
               and (job_type is None or j.fields.get("JobType") == job_type))


def _finished_in_period(ds: Dataset, type_name: str) -> list[Entity]:
    start = report_period_start(ds)
    return [s for s in ds.entities(type_name)
            if s.fields["State"] == "Stopped" and s.fields["CreationTime"] >= start]


def _seconds(s: Entity) -> int:
    return int((s.fields["EndTime"] - s.fields["CreationTime"]).total_seconds())


@_report("overview", "Overview")
def overview(ds: Dataset) -> Node:
    latest: dict[tuple[str, str], Entity] = {}
    for t in _TASK_SESSIONS:
        for task in ds.entities(t):
            if task.fields["State"] != "Completed":
                continue
            key = (task.fields["JobUid"], task.fields["VmDisplayName"])
            seen = latest.get(key)
            if seen is None or task.fields["CreationTime"] > seen.fields["CreationTime"]:
                latest[key] = task
    results = [t.fields["Result"] for t in latest.values()]
    return _frame("OverviewReportFrame", [
        ("BackupServers", ds.count("BackupServer")),
        ("ProxyServers", sum(1 for m in ds.entities("ManagedServer") if m.fields["ManagedServerType"] == "Windows")),
        ("RepositoryServers", ds.count("Repository")),
        ("RunningJobs", _running_jobs(ds)),
        ("ScheduledJobs", _scheduled(ds)),
        ("SuccessfulVmLastestStates", results.count("Success")),
        ("WarningVmLastestStates", results.count("Warning")),
        ("FailedVmLastestStates", results.count("Failed"))])


@_report("vms_overview", "VmsOverview")
def vms_overview(ds: Dataset) -> Node:
    backed_up = {p.fields["VmName"] for p in ds.entities("VmRestorePoint")}
    replicated = {p.fields["VmDisplayName"] for p in ds.entities("VmReplicaPoint")}
    files = ds.entities("BackupFile")
    newest: dict[str, Entity] = {}
    for f in files:
        seen = newest.get(f.fields["BackupUid"])
        if seen is None or f.fields["CreationTimeUTC"] > seen.fields["CreationTimeUTC"]:
            newest[f.fields["BackupUid"]] = f
    finished = _finished_in_period(ds, "BackupJobSession")
    ok = sum(1 for s in finished if s.fields["Result"] == "Success")
    return _frame("VmsOverviewReportFrame", [
        ("ProtectedVms", len(backed_up | replicated)),
        ("BackedUpVms", len(backed_up)),
        ("ReplicatedVms", len(replicated)),
        ("RestorePoints", ds.count("VmRestorePoint")),
        ("FullBackupPointsSize", sum(f.fields["BackupSize"] for f in files if f.fields["FileType"] == "vbk")),
        ("IncrementalBackupPointsSize", sum(f.fields["BackupSize"] for f in files if f.fields["FileType"] == "vib")),
        ("ReplicaRestorePointsSize", 0),
        ("SourceVmsSize", sum(f.fields["DataSize"] for f in newest.values())),
        ("SuccessBackupPercents", round(100 * ok / len(finished)) if finished else 100),
        ("ProtectedVmsReportLink", _LINK.format(_PROTECTED_VMS))])


@_report("job_statistics", "JobStatistics")
def job_statistics(ds: Dataset) -> Node:
    backup = _finished_in_period(ds, "BackupJobSession")
    replica = _finished_in_period(ds, "ReplicaJobSession")
    runs = backup + replica
    longest_backup = max(backup, key=_seconds, default=None)
    longest_replica = max(replica, key=_seconds, default=None)
    results = [s.fields["Result"] for s in runs]
    return _frame("JobStatisticsReportFrame", [
        ("RunningJobs", _running_jobs(ds)),
        ("ScheduledJobs", _scheduled(ds)),
        ("ScheduledBackupJobs", _scheduled(ds, "Backup")),
        ("ScheduledReplicaJobs", _scheduled(ds, "Replica")),
        ("TotalJobRuns", len(runs)),
        ("SuccessfulJobRuns", results.count("Success")),
        ("WarningsJobRuns", results.count("Warning")),
        ("FailedJobRuns", results.count("Failed")),
        ("MaxJobDuration", max((_seconds(s) for s in runs), default=0)),
        ("MaxBackupJobDuration", _seconds(longest_backup) if longest_backup else 0),
        ("MaxReplicaJobDuration", _seconds(longest_replica) if longest_replica else 0),
        ("MaxDurationBackupJobName", longest_backup.fields["JobName"] if longest_backup else ""),
        ("MaxDurationReplicaJobName", longest_replica.fields["JobName"] if longest_replica else ""),
        ("BackupJobStatusReportLink", _LINK.format(_JOB_STATUS))])


def _processed(ds: Dataset, type_name: str, day: datetime) -> int:
    end = day + timedelta(days=1)
    return len({t.fields["VmDisplayName"] for t in ds.entities(type_name)
                if t.fields["State"] == "Completed" and t.fields["Result"] in ("Success", "Warning")
                and day <= t.fields["CreationTime"] < end})


@_report("processed_vms", "ProcessedVms")
def processed_vms(ds: Dataset) -> Node:
    today = ds.now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=d) for d in range(7)]
    rows = [Node("Day", [("BackupedVms", _processed(ds, "BackupTaskSession", day)),
                         ("ReplicatedVms", _processed(ds, "ReplicaTaskSession", day)),
                         ("Timestamp", day)], None) for day in days]
    return Node("ProcessedVmsReportFrame", [], None, rows)


@_report("repository", "Repositories")
def repository(ds: Dataset) -> Node:
    rows = []
    for repo in ds.entities("Repository"):
        size = sum(f.fields["BackupSize"] for b in ds.children(repo, "Backup") for f in ds.children(b, "BackupFile"))
        rows.append(Node("Period", [], None, [Node("Name", [], repo.fields["Name"]),
                                              Node("Capacity", [], repo.fields["Capacity"]),
                                              Node("FreeSpace", [], repo.fields["FreeSpace"]),
                                              Node("BackupSize", [], size)]))
    return Node("RepositoryReportFrame", [("CapacityPlanningReportLink", _LINK.format(_CAPACITY))], None, rows)
