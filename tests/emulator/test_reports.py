"""/reports/summary and its five frames: the shapes of Veeam's examples (XML, JSON in both key
cases) and numbers that agree with what /api/query says about the same data."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
import requests

from doc_shapes import (
    PROCESSED_DAY_ATTRS, REPORT_FRAMES, REPORT_LINK_PREFIX, REPORT_TEXT, REPOSITORY_PERIOD, SUMMARY_LINKS,
)
from emkit import NOW, logon, q, xml

JSON = {"Accept": "application/json"}


def _when(text: str) -> datetime:
    # fel's parser: Python 3.10's fromisoformat takes only 3 or 6 fraction digits (EM writes 0-7).
    from fel.client.values import parse_datetime

    value = parse_datetime(text)
    assert value is not None, text
    return value


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Query:
    """Counts and entities through /api/query, the way a client would compute the figures."""

    def __init__(self, api: requests.Session, base: str) -> None:
        self.api, self.base = api, base

    def _get(self, qtype: str, flt: str | None, size: int) -> dict:
        url = f"{self.base}query?type={qtype}&format=Entities&pageSize={size}"
        if flt:
            url += "&filter=" + quote(flt, safe="=;,<>!")
        r = self.api.get(url, headers=JSON)
        assert r.status_code == 200, (url, r.text[:300])
        return r.json()

    def count(self, qtype: str, flt: str | None = None) -> int:
        return self._get(qtype, flt, 1)["PagingInfo"]["PagesCount"]

    def all(self, qtype: str, flt: str | None = None) -> list[dict]:
        body = self._get(qtype, flt, 100_000)
        holder = body["Entities"] or body["Resources"]
        (inner,) = holder.values()
        (items,) = inner.values()
        return items


@pytest.fixture(scope="module")
def qs(base):
    return Query(logon(base), base)


def _report(api, base, name: str, **headers):
    r = api.get(f"{base}reports/summary/{name}", headers=headers)
    assert r.status_code == 200, r.text
    return r


# ---- shapes ---------------------------------------------------------------------------------

def test_summary_links_its_five_reports(api, base):
    body = xml(api.get(base + "reports/summary").content)
    assert body.tag == q("SummaryReport")
    links = [(lk.get("Rel"), lk.get("Type"), lk.get("Name"), lk.get("Href")) for lk in body.iter(q("Link"))]
    assert links == [("Down", "ReportFrame", name, f"{base}reports/summary/{seg}") for name, seg in SUMMARY_LINKS]
    obj = api.get(base + "reports/summary", headers=JSON).json()
    assert [lk["Name"] for lk in obj["Links"]] == [name for name, _ in SUMMARY_LINKS]


@pytest.mark.parametrize("name", list(REPORT_FRAMES))
def test_report_frames_have_the_documented_elements_in_order(api, base, name):
    root_tag, children = REPORT_FRAMES[name]
    body = xml(_report(api, base, name).content)
    assert body.tag == q(root_tag)
    assert [c.tag for c in body] == [q(c) for c in children]
    for c in body:
        tag = c.tag.split("}")[1]
        if tag in REPORT_TEXT:
            assert c.text is None or isinstance(c.text, str)
            if tag.endswith("ReportLink"):
                assert c.text.startswith(REPORT_LINK_PREFIX)
        else:
            assert int(c.text) >= 0, tag
    obj = _report(api, base, name, **JSON).json()
    assert list(obj) == children  # JSON: the values at the top level, native numbers
    assert all(isinstance(obj[c], int) for c in children if c not in REPORT_TEXT)


def test_report_frames_in_camel_case(camel_emulator):
    s = logon(camel_emulator.url)
    obj = json.loads(s.get(camel_emulator.url + "reports/summary/overview", headers=JSON).content.decode("utf-8-sig"))
    assert list(obj)[:3] == ["backupServers", "proxyServers", "repositoryServers"]
    days = json.loads(s.get(camel_emulator.url + "reports/summary/processed_vms", headers=JSON).content.decode("utf-8-sig"))
    assert list(days) == ["days"] and set(days["days"][0]) == {"backupedVms", "replicatedVms", "timestamp"}


def test_processed_vms_has_seven_days_newest_first(api, base):
    body = xml(_report(api, base, "processed_vms").content)
    assert body.tag == q("ProcessedVmsReportFrame")
    days = list(body)
    assert [d.tag for d in days] == [q("Day")] * 7
    assert all(list(d.attrib) == PROCESSED_DAY_ATTRS for d in days)
    stamps = [_when(d.get("Timestamp")) for d in days]
    midnight = NOW.replace(hour=0)
    assert stamps == [midnight - timedelta(days=n) for n in range(7)]
    rows = _report(api, base, "processed_vms", **JSON).json()["Days"]
    assert isinstance(rows, list) and len(rows) == 7


def test_repository_report_has_a_period_per_repository(api, base, qs):
    body = xml(_report(api, base, "repository").content)
    assert body.tag == q("RepositoryReportFrame")
    assert body.get("CapacityPlanningReportLink").startswith(REPORT_LINK_PREFIX)
    periods = list(body)
    assert len(periods) == qs.count("Repository") and all(p.tag == q("Period") for p in periods)
    assert all([c.tag for c in p] == [q(c) for c in REPOSITORY_PERIOD] for p in periods)
    obj = _report(api, base, "repository", **JSON).json()
    assert isinstance(obj["Periods"], list) and list(obj["Periods"][0]) == REPOSITORY_PERIOD


def test_unknown_report_is_404(api, base):
    assert api.get(base + "reports/summary/nope").status_code == 404
    assert api.post(base + "reports/summary/overview").status_code == 405


# ---- agreement with /api/query ------------------------------------------------------------------

def test_overview_agrees_with_the_query_service(api, base, qs):
    rep = _report(api, base, "overview", **JSON).json()
    assert rep["BackupServers"] == qs.count("BackupServer")
    assert rep["ProxyServers"] == qs.count("ManagedServer", "ManagedServerType==Windows")
    assert rep["RepositoryServers"] == qs.count("Repository")
    assert rep["ScheduledJobs"] == qs.count("Job", "ScheduleEnabled==true")
    running = {s["JobUid"] for t in ("BackupJobSession", "ReplicaJobSession") for s in qs.all(t, "State==Working")}
    assert rep["RunningJobs"] == len(running) > 0
    # newest completed task per (job, VM): task sessions name their job session, sessions their job
    job_of = {s["UID"]: s["JobUid"] for t in ("BackupJobSession", "ReplicaJobSession") for s in qs.all(t)}
    latest: dict[tuple, dict] = {}
    for t in ("BackupTaskSession", "ReplicaTaskSession"):
        for task in qs.all(t, "State==Completed"):
            key = (job_of[task["JobSessionUid"]], task["VmDisplayName"])
            if key not in latest or _when(task["CreationTimeUTC"]) > _when(latest[key]["CreationTimeUTC"]):
                latest[key] = task
    results = [t["Result"] for t in latest.values()]
    assert (rep["SuccessfulVmLastestStates"], rep["WarningVmLastestStates"], rep["FailedVmLastestStates"]) == \
        (results.count("Success"), results.count("Warning"), results.count("Failed"))
    assert rep["FailedVmLastestStates"] > 0 and rep["SuccessfulVmLastestStates"] > 0


def test_job_statistics_agree_with_the_query_service(api, base, qs):
    rep = _report(api, base, "job_statistics", **JSON).json()
    since = f'CreationTime>="{_iso(NOW - timedelta(hours=24))}";State==Stopped'
    assert rep["ScheduledBackupJobs"] == qs.count("Job", "ScheduleEnabled==true;JobType==Backup")
    assert rep["ScheduledReplicaJobs"] == qs.count("Job", "ScheduleEnabled==true;JobType==Replica")
    assert rep["ScheduledJobs"] == qs.count("Job", "ScheduleEnabled==true")
    per = {r: sum(qs.count(t, f"{since};Result=={r}") for t in ("BackupJobSession", "ReplicaJobSession"))
           for r in ("Success", "Warning", "Failed")}
    assert (rep["SuccessfulJobRuns"], rep["WarningsJobRuns"], rep["FailedJobRuns"]) == \
        (per["Success"], per["Warning"], per["Failed"])
    assert rep["TotalJobRuns"] == sum(qs.count(t, since) for t in ("BackupJobSession", "ReplicaJobSession")) > 0

    def longest(t):
        runs = qs.all(t, since)
        top = max(runs, key=lambda s: _when(s["EndTimeUTC"]) - _when(s["CreationTimeUTC"]))
        return int((_when(top["EndTimeUTC"]) - _when(top["CreationTimeUTC"])).total_seconds()), top["JobName"]

    assert (rep["MaxBackupJobDuration"], rep["MaxDurationBackupJobName"]) == longest("BackupJobSession")
    assert (rep["MaxReplicaJobDuration"], rep["MaxDurationReplicaJobName"]) == longest("ReplicaJobSession")
    assert rep["MaxJobDuration"] == max(rep["MaxBackupJobDuration"], rep["MaxReplicaJobDuration"])


def test_vms_overview_agrees_with_the_query_service(api, base, qs):
    rep = _report(api, base, "vms_overview", **JSON).json()
    backed_up = {p["VmName"] for p in qs.all("VmRestorePoint")}
    replicated = {p["VmDisplayName"] for p in qs.all("VmReplicaPoint")}
    assert (rep["BackedUpVms"], rep["ReplicatedVms"], rep["ProtectedVms"]) == \
        (len(backed_up), len(replicated), len(backed_up | replicated))
    assert rep["RestorePoints"] == qs.count("VmRestorePoint")
    assert rep["FullBackupPointsSize"] == sum(f["BackupSize"] for f in qs.all("BackupFile", "FileType==vbk"))
    assert rep["IncrementalBackupPointsSize"] == sum(f["BackupSize"] for f in qs.all("BackupFile", "FileType==vib"))
    source = 0
    for backup in qs.all("Backup"):
        files = qs.all("BackupFile", f'BackupUid=="{backup["UID"]}"')
        if files:
            source += max(files, key=lambda f: _when(f["CreationTimeUtc"]))["DataSize"]
    assert rep["SourceVmsSize"] == source > 0
    since = f'CreationTime>="{_iso(NOW - timedelta(hours=24))}";State==Stopped'
    ok, done = qs.count("BackupJobSession", since + ";Result==Success"), qs.count("BackupJobSession", since)
    assert rep["SuccessBackupPercents"] == round(100 * ok / done)


def test_processed_vms_agree_with_the_query_service(api, base, qs):
    rows = _report(api, base, "processed_vms", **JSON).json()["Days"]
    for row in rows[:3]:
        day = _when(row["Timestamp"])
        flt = (f'CreationTime>="{_iso(day)}";CreationTime<"{_iso(day + timedelta(days=1))}";State==Completed;'
               "(Result==Success,Result==Warning)")
        assert row["BackupedVms"] == len({t["VmDisplayName"] for t in qs.all("BackupTaskSession", flt)})
        assert row["ReplicatedVms"] == len({t["VmDisplayName"] for t in qs.all("ReplicaTaskSession", flt)})
    assert rows[1]["BackupedVms"] > 0


def test_repository_report_agrees_with_the_query_service(api, base, qs):
    periods = _report(api, base, "repository", **JSON).json()["Periods"]
    repos = qs.all("Repository")
    sizes: dict[str, int] = defaultdict(int)
    for repo in repos:
        for backup in qs.all("Backup", f'RepositoryUid=="{repo["UID"]}"'):
            sizes[repo["UID"]] += sum(f["BackupSize"] for f in qs.all("BackupFile", f'BackupUid=="{backup["UID"]}"'))
    expected = [{"Name": r["Name"], "Capacity": r["Capacity"], "FreeSpace": r["FreeSpace"], "BackupSize": sizes[r["UID"]]}
                for r in repos]
    assert periods == expected
    assert any(p["BackupSize"] > 0 for p in periods)
