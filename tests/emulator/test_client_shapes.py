"""What public Enterprise Manager clients read, asked of the emulator the way they ask it.

Clients from the package index were read and run unmodified against ``fel serve``
(docs/emulator.md, "Tested with third-party clients"): the Prometheus exporter
``veeam-exporter`` 1.1.0, and the client libraries ``veeam`` 0.1.5 and ``veeam-em`` 2022.11.0;
two public clients in other languages (the shell exporter the Python one was modelled on, a
PHP library) add a few endpoints. This file holds no code of theirs: for every read endpoint they call it sends the request the
way they send it (JSON ``Accept``, the exact query string, ``?format=entity`` in lower case,
``v=latest`` on every request, unencoded filters) and asserts that the keys they walk exist and
carry real values (non-empty text, positive numbers where a real server has them, timestamps a
date parser accepts, lists that stay lists).
"""
from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
import requests

from emkit import NOW, logon, q, xml

from fel.emulator.links import DOWN_LINKS

JSON = {"Accept": "application/json"}
#: What the exporter's date filter and the libraries' sorting accept: ISO 8601 in UTC.
_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$")
_UID = re.compile(r"^urn:veeam:[A-Za-z]+:[0-9a-f-]{36}$")


def _get(api, base, path, **params):
    r = api.get(base + path, headers=JSON, params=params or None)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), path
    return r.json()


def _uuid(uid: str) -> str:
    """The GUID of a ``urn:veeam:<Type>:<GUID>`` UID, split the way the clients split it."""
    assert _UID.match(uid), uid
    return uid.split(":")[3]


def _filled(item: dict, keys, where: str) -> None:
    for k in keys:
        assert k in item, f"{where}: no {k} in {sorted(item)}"
        assert item[k] not in (None, ""), f"{where}: {k} is empty"


def _positive(item: dict, keys, where: str) -> None:
    for k in keys:
        assert isinstance(item.get(k), int) and not isinstance(item[k], bool), f"{where}: {k}={item.get(k)!r}"
        assert item[k] > 0, f"{where}: {k} is {item[k]}"


# ------------------------------------------------------------------------------------------
# Report frames: the exporter's headline gauges and the libraries' summaries
# ------------------------------------------------------------------------------------------

#: report -> (every key a client reads, the keys that must be positive on a populated server)
REPORT_KEYS = {
    "overview": (
        ["BackupServers", "ProxyServers", "RepositoryServers", "RunningJobs", "ScheduledJobs",
         "SuccessfulVmLastestStates", "WarningVmLastestStates", "FailedVmLastestStates"],
        ["BackupServers", "ProxyServers", "RepositoryServers", "ScheduledJobs", "SuccessfulVmLastestStates"]),
    "job_statistics": (
        ["RunningJobs", "ScheduledJobs", "ScheduledBackupJobs", "ScheduledReplicaJobs", "TotalJobRuns",
         "SuccessfulJobRuns", "WarningsJobRuns", "FailedJobRuns", "MaxJobDuration", "MaxBackupJobDuration",
         "MaxReplicaJobDuration"],
        ["ScheduledJobs", "ScheduledBackupJobs", "TotalJobRuns", "SuccessfulJobRuns", "MaxJobDuration",
         "MaxBackupJobDuration"]),
    "vms_overview": (
        ["ProtectedVms", "BackedUpVms", "ReplicatedVms", "RestorePoints", "FullBackupPointsSize",
         "IncrementalBackupPointsSize", "ReplicaRestorePointsSize", "SourceVmsSize", "SuccessBackupPercents"],
        ["ProtectedVms", "BackedUpVms", "RestorePoints", "FullBackupPointsSize", "IncrementalBackupPointsSize",
         "SourceVmsSize", "SuccessBackupPercents"]),
}


@pytest.mark.parametrize("report", sorted(REPORT_KEYS))
def test_report_frame_values_at_the_top_level(api, base, report):
    obj = _get(api, base, f"reports/summary/{report}")
    keys, positive = REPORT_KEYS[report]
    for k in keys:
        assert isinstance(obj.get(k), int) and obj[k] >= 0, (report, k, obj.get(k))
    _positive(obj, positive, report)


def test_job_statistics_names_the_longest_backup_job(api, base):
    obj = _get(api, base, "reports/summary/job_statistics")
    # the exporter labels max_duration with these; the backup one must name a real job
    assert "MaxDurationBackupJobName" in obj and "MaxDurationReplicaJobName" in obj
    jobs = {j["Name"] for j in _get(api, base, "jobs", format="Entity")["Jobs"]}
    assert obj["MaxDurationBackupJobName"] in jobs


def test_vms_overview_success_percent_is_a_percentage(api, base):
    assert 0 < _get(api, base, "reports/summary/vms_overview")["SuccessBackupPercents"] <= 100


def test_repository_report_rows_are_periods_with_capacity(api, base):
    # veeam's get_repos walks obj["Periods"] and divides FreeSpace by Capacity
    periods = _get(api, base, "reports/summary/repository")["Periods"]
    assert isinstance(periods, list) and periods
    for p in periods:
        _filled(p, ["Name"], "Period")
        _positive(p, ["Capacity"], p["Name"])
        assert 0 <= p["FreeSpace"] <= p["Capacity"], p
        assert isinstance(p["BackupSize"], int) and p["BackupSize"] >= 0


def test_repository_report_in_xml_as_monitoring_checks_read_it(api, base):
    # XML readers (PowerShell's [xml], ElementTree with the namespace) walk Period/Name|Capacity|FreeSpace
    body = xml(api.get(base + "reports/summary/repository").content)
    periods = body.findall(q("Period"))
    assert periods and len(periods) == len(_get(api, base, "reports/summary/repository")["Periods"])
    for p in periods:
        assert p.findtext(q("Name")) and int(p.findtext(q("Capacity"))) > 0
        assert int(p.findtext(q("FreeSpace"))) >= 0


def test_processed_vms_rows_are_days(api, base):
    days = _get(api, base, "reports/summary/processed_vms")["Days"]
    assert isinstance(days, list) and len(days) == 7
    for d in days:
        assert _UTC.match(d["Timestamp"]), d
        assert isinstance(d["BackupedVms"], int) and isinstance(d["ReplicatedVms"], int)
    assert sum(d["BackupedVms"] for d in days) > 0


def test_report_rows_keep_plural_keys_in_camel_case(camel_emulator):
    s = logon(camel_emulator.url)
    r = s.get(camel_emulator.url + "reports/summary/repository", headers=JSON)
    assert isinstance(json.loads(r.content.decode("utf-8-sig"))["periods"], list)


# ------------------------------------------------------------------------------------------
# Entity collections (?format=Entity): what the exporter turns into per-object gauges
# ------------------------------------------------------------------------------------------

#: path -> (container key, keys that must be non-empty, keys that must be positive numbers)
ENTITY_LISTS = {
    "repositories": ("Repositories", ["Name", "Kind", "UID"], ["Capacity"]),
    "backupServers": ("BackupServers", ["Name", "Version", "UID"], ["Port"]),
    "agents/discoveredComputers": ("DiscoveredComputers", ["Name", "AgentVersion", "OsVersion", "HostStatus"], []),
    "backupSessions": ("BackupJobSessions", ["Name", "JobName", "JobType", "Result", "State", "CreationTimeUTC", "UID",
                                             "JobUid"], []),
    # read by the shell exporter the Python one was modelled on (one jq walk per list)
    "backupTaskSessions": ("BackupTaskSessions", ["Name", "VmDisplayName", "State", "Result", "CreationTimeUTC",
                                                  "JobSessionUid"], ["TotalSize"]),
    "replicaSessions": ("ReplicaJobSessions", ["Name", "JobName", "JobType", "Result", "State", "CreationTimeUTC",
                                               "JobUid"], []),
    "replicaTaskSessions": ("ReplicaTaskSessions", ["Name", "VmDisplayName", "State", "Result", "CreationTimeUTC",
                                                    "JobSessionUid"], ["TotalSize"]),
}


@pytest.mark.parametrize("path", sorted(ENTITY_LISTS))
def test_entity_collection_walked_by_the_exporter(api, base, path):
    key, filled, positive = ENTITY_LISTS[path]
    obj = _get(api, base, path, format="Entity")
    items = obj[key]
    assert isinstance(items, list) and items, path
    for item in items:
        _filled(item, filled, f"{path}: {item.get('Name')}")
        _positive(item, positive, f"{path}: {item.get('Name')}")
        if path == "backupServers":
            assert "Description" in item  # a label of the exporter's config gauge; may be empty
        for k in ("CreationTimeUTC", "EndTimeUTC"):
            if k in item and item[k] is not None:
                assert _UTC.match(item[k]), (path, k, item[k])


def test_repositories_free_space_within_capacity(api, base):
    for repo in _get(api, base, "repositories", format="Entity")["Repositories"]:
        assert 0 <= repo["FreeSpace"] <= repo["Capacity"], repo["Name"]


@pytest.mark.parametrize("path,key", [("agents/discoveredComputers", "DiscoveredComputers"),
                                      ("backupSessions", "BackupJobSessions"), ("repositories", "Repositories"),
                                      ("backupTaskSessions", "BackupTaskSessions"),
                                      ("replicaSessions", "ReplicaJobSessions")])
def test_first_link_names_the_backup_server(api, base, path, key):
    # the exporter labels every sample with item.Links[0].Name as "backupserver"
    servers = {s["Name"] for s in _get(api, base, "backupServers", format="Entity")["BackupServers"]}
    for item in _get(api, base, path, format="Entity")[key]:
        first = item["Links"][0]
        assert first["Type"] == "BackupServerReference" and first["Name"] in servers, (path, first)


def test_states_are_those_the_exporter_maps(api, base):
    agents = _get(api, base, "agents/discoveredComputers", format="Entity")["DiscoveredComputers"]
    assert {a["HostStatus"] for a in agents} <= {"Online", "Offline", "Unknown"}
    assert "Online" in {a["HostStatus"] for a in agents}
    sessions = _get(api, base, "backupSessions", format="Entity")["BackupJobSessions"]
    results = {s["Result"] for s in sessions}
    assert results <= {"Success", "Warning", "Failed", "None"} and {"Success", "Warning", "Failed"} <= results


def _finished_backup_sessions(api, base):
    sessions = _get(api, base, "backupSessions", format="Entity")["BackupJobSessions"]
    done = [s for s in sessions if s["JobType"] == "Backup" and s["State"] == "Stopped" and s["Result"] != "None"]
    return sorted(done, key=lambda s: s["CreationTimeUTC"])


def test_task_sessions_of_a_job_session_as_entities(api, base):
    # the exporter asks /backupSessions/<GUID>/taskSessions?format=entity (lower case) per job
    for session in _finished_backup_sessions(api, base)[-5:]:
        tasks = _get(api, base, f"backupSessions/{_uuid(session['UID'])}/taskSessions", format="entity")
        tasks = tasks["BackupTaskSessions"]
        assert isinstance(tasks, list) and tasks, session["Name"]
        for t in tasks:
            _filled(t, ["Name", "VmDisplayName", "State", "Result", "CreationTimeUTC"], t.get("Name", "?"))
            assert "Reason" in t and _UTC.match(t["CreationTimeUTC"])
            assert t["State"] in {"Completed", "InProgress", "Pending"}
            if t["State"] == "Completed":
                assert _UTC.match(t["EndTimeUTC"]) and t["EndTimeUTC"] >= t["CreationTimeUTC"]
                _positive(t, ["TotalSize"], t["Name"])


def test_completed_tasks_take_time(api, base):
    # the exporter's vmjobs duration gauge is EndTimeUTC - CreationTimeUTC of each VM's task;
    # a task that moved TotalSize bytes did not take zero seconds
    zero = total = 0
    for session in _finished_backup_sessions(api, base)[-20:]:
        for t in _get(api, base, f"backupSessions/{_uuid(session['UID'])}/taskSessions",
                      format="entity")["BackupTaskSessions"]:
            if t["State"] == "Completed":
                total += 1
                zero += t["EndTimeUTC"] == t["CreationTimeUTC"]
    assert total and zero == 0, f"{zero} of {total} completed tasks end when they start"


@pytest.mark.parametrize("parent,segment", [("ReplicaJobSession", "replicaTaskSessions"),
                                            ("BackupFile", "restorePoints")])
def test_a_one_member_list_stays_a_list(api, base, dataset, parent, segment):
    dl = next(d for d in DOWN_LINKS[parent] if d.segment == segment)
    one = next(e for e in dataset.entities(parent) if len(dataset.members(e, dl)) == 1)
    entity = _get(api, base, one.path.lstrip("/"), format="Entity")
    href = next(lk["Href"] for lk in entity["Links"] if lk["Href"].split("?")[0].endswith("/" + segment))
    refs = api.get(href, headers=JSON).json()["Refs"]
    assert isinstance(refs, list) and len(refs) == 1
    as_entities = api.get(href, headers=JSON, params={"format": "Entity"}).json()
    (members,) = as_entities.values()
    assert isinstance(members, list) and len(members) == 1


# ------------------------------------------------------------------------------------------
# References and Down lists walked by the `veeam` library
# ------------------------------------------------------------------------------------------

def _refs(api, base, path):
    refs = _get(api, base, path)["Refs"]
    assert isinstance(refs, list) and refs, path
    for r in refs:
        _filled(r, ["UID", "Name", "Href", "Type"], path)
        assert isinstance(r["Links"], list)
    return refs


def test_jobs_and_one_job_as_entity(api, base):
    job = _refs(api, base, "jobs")[0]
    entity = _get(api, base, f"jobs/{_uuid(job['UID'])}", format="Entity")
    assert entity["UID"] == job["UID"] and entity["Name"] == job["Name"] and entity["JobType"]


def test_backups_restore_points_and_vm_restore_points(api, base):
    # backups -> backups/<id>?format=Entity -> backups/<id>/restorePoints -> restorePoints/<id>/vmRestorePoints
    walked = 0
    for backup in _refs(api, base, "backups")[:8]:
        bid = _uuid(backup["UID"])
        assert _get(api, base, f"backups/{bid}", format="Entity")["Name"] == backup["Name"]
        points = _get(api, base, f"backups/{bid}/restorePoints")["Refs"]
        assert isinstance(points, list)
        if points:
            vms = _refs(api, base, f"restorePoints/{_uuid(points[0]['UID'])}/vmRestorePoints")
            assert all(v["Type"] == "VmRestorePointReference" for v in vms)
            walked += 1
    assert walked


def test_backup_sessions_of_a_job_as_entities(api, base):
    job = next(j for j in _refs(api, base, "jobs") if j["Name"])
    sessions = _get(api, base, f"jobs/{_uuid(job['UID'])}/backupSessions", format="Entity")["BackupJobSessions"]
    assert isinstance(sessions, list) and sessions
    assert all(_UTC.match(s["CreationTimeUTC"]) and s["JobName"] == job["Name"] for s in sessions)


def _since(days: int) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sessions(api, base, raw_query: str):
    # sent as the library builds it: one unencoded string appended to the URL
    obj = _get(api, base, "query?" + raw_query)
    return obj["Entities"]["BackupJobSessions"]["BackupJobSessions"]


def test_query_sessions_since_yesterday(api, base):
    rows = _sessions(api, base, f'type=BackupJobSession&format=entities&filter=creationtime>"{_since(1)}"')
    assert rows and all(r["CreationTimeUTC"] > _since(1) and r["JobName"] for r in rows)


def test_query_failed_sessions_and_their_later_successes(api, base):
    failed = _sessions(api, base, f'type=BackupJobSession&format=entities&filter=result=="Failed";'
                                  f'creationtime>"{_since(7)}"')
    assert failed and all(r["Result"] == "Failed" for r in failed)
    plain = next(r for r in failed if re.fullmatch(r"[\w .-]+", r["JobName"]))
    later = _sessions(api, base, f'type=BackupJobSession&format=entities&filter=jobname=="{plain["JobName"]}";'
                                 f'(result=="Success",result=="Warning");creationtime>"{plain["CreationTimeUTC"]}"')
    assert all(r["JobName"] == plain["JobName"] and r["Result"] in ("Success", "Warning")
               and r["CreationTimeUTC"] > plain["CreationTimeUTC"] for r in later)


# ------------------------------------------------------------------------------------------
# Logon sessions: logon body, and the logout walk both libraries and the exporter use
# ------------------------------------------------------------------------------------------

def test_logon_answers_a_json_body_with_the_session_id(base):
    r = requests.post(base + "sessionMngr/?v=latest", auth=("demo", "demo"), headers=JSON)
    assert r.status_code == 201 and r.headers["X-RestSvcSessionId"]
    body = r.json()
    assert body["SessionId"] and body["UserName"] and isinstance(body["Links"], list)


def test_the_token_works_as_a_cookie(base):
    # a public shell exporter sends the token both as header and as cookie; the cookie alone works
    r = requests.post(base + "sessionMngr/?v=latest", auth=("demo", "demo"), headers=JSON)
    token = r.headers["X-RestSvcSessionId"]
    assert len(token) == 48 and re.fullmatch(r"[0-9a-f-]{36}", base64.b64decode(token).decode("ascii"))
    by_cookie = requests.get(base + "reports/summary/overview", headers=JSON,
                             cookies={"X-RestSvcSessionId": token})
    assert by_cookie.status_code == 200 and by_cookie.json()["BackupServers"] > 0


def test_token_is_base64_of_the_session_id(base):
    # the same shell exporter never reads the header: it takes SessionId from the JSON logon body
    # and sends base64(SessionId) as its X-RestSvcSessionId, which real servers accept
    r = requests.post(base + "sessionMngr/?v=latest", auth=("demo", "demo"), headers=JSON)
    derived = base64.b64encode(r.json()["SessionId"].encode("ascii")).decode("ascii")
    assert requests.get(base + "jobs", headers={**JSON, "X-RestSvcSessionId": derived}).status_code == 200


def test_logout_deletes_the_callers_own_session(base):
    # clients log out with DELETE /logonSessions/<LogonSessions[0].SessionId>: the first
    # listed session must be the caller's, or one client logs another one out
    first, second = logon(base), logon(base)
    for me, other in ((second, first), (first, second)):
        listed = _get(me, base, "logonSessions")["LogonSessions"]
        assert isinstance(listed, list) and listed[0]["SessionId"] == me.session_id
    sid = _get(second, base, "logonSessions")["LogonSessions"][0]["SessionId"]
    assert second.delete(base + f"logonSessions/{sid}").status_code == 204
    assert second.get(base + "jobs", headers=JSON).status_code == 401
    assert first.get(base + "jobs", headers=JSON).status_code == 200


# ------------------------------------------------------------------------------------------
# The `veeam-em` library: v=latest on every request, security, hierarchy roots, lookup, paging
# ------------------------------------------------------------------------------------------

def _em(api, base, path, **params):
    return _get(api, base, path, v="latest", **params)


def test_every_request_may_carry_v_latest(api, base):
    mine = _em(api, base, "logonSessions")["LogonSessions"][0]
    assert _em(api, base, f"logonSessions/{mine['SessionId']}")["UserName"] == mine["UserName"]


@pytest.mark.parametrize("path", ["security/accounts", "security/roles", "hierarchyRoots"])
def test_security_and_hierarchy_collections_then_each_member(api, base, path):
    refs = _em(api, base, path)["Refs"]
    assert isinstance(refs, list) and refs
    for r in refs:
        one = _em(api, base, f"{path}/{_uuid(r['UID'])}", format="Entity")
        assert one["UID"] == r["UID"] and one["Name"] == r["Name"]


def test_account_roles_and_scopes(api, base):
    accounts = _em(api, base, "security/accounts")["Refs"]
    roles = {r["Name"] for r in _em(api, base, "security/roles")["Refs"]}
    scoped = 0
    for a in accounts:
        aid = _uuid(a["UID"])
        in_roles = _em(api, base, f"security/accounts/{aid}/roles", format="Entity")
        named = [x["RoleName"] for x in in_roles["EnterpriseAccountInRoleList"]]
        assert named and set(named) <= roles, a["Name"]
        scopes = _em(api, base, f"security/accounts/{aid}/scopes", format="Entity")
        items = scopes["EnterpriseAccountHierarchyScopes"]
        assert isinstance(items, list)
        for s in items:
            # a scope has no UID (as in Veeam's example): its id is the last segment of its Href
            one = _em(api, base, f"security/accounts/{aid}/scopes/{s['Href'].rsplit('/', 1)[1]}",
                      format="Entity")
            assert one["Href"] == s["Href"] and one["Name"] == s["Name"] and s["HierarchyRootName"]
            scoped += 1
    assert scoped, "no account has a restore scope to read"


def test_lookup_finds_vms_of_a_hierarchy_root(api, base):
    roots = _em(api, base, "hierarchyRoots")["Refs"]
    found = 0
    for root in roots:
        items = _em(api, base, "lookup", host=root["UID"], name="*", type="Vm")["HierarchyItems"]
        assert isinstance(items, list)
        for it in items:
            assert it["ObjectType"] == "Vm" and it["ObjectName"] and it["ObjectRef"].startswith("urn:")
        found += len(items)
    assert found


def test_task_sessions_paged_by_next_links(api, base, dataset):
    obj = _em(api, base, "query", type="BackupTaskSession", format="Entities", pageSize=500,
              sortDesc="CreationTime", page=1)
    pages = obj["PagingInfo"]["PagesCount"]
    assert pages > 1
    seen: list[str] = []
    for n in range(1, pages + 1):
        rows = obj["Entities"]["BackupTaskSessions"]["BackupTaskSessions"]
        assert isinstance(rows, list) and rows
        seen += [r["UID"] for r in rows]
        nxt = [link for link in obj["PagingInfo"]["Links"] if link["Rel"] == "Next"]
        if n == pages:
            assert not nxt
            break
        r = api.get(nxt[0]["Href"], headers=JSON)  # the Href as given, absolute
        assert r.status_code == 200
        obj = r.json()
    assert len(seen) == len(set(seen)) == dataset.count("BackupTaskSession")


def test_only_report_rows_take_a_plural_key(api, base):
    # <Day> of a job's schedule is not a report row: JSON keeps the element's name there
    job = _get(api, base, "jobs", format="Entity")["Jobs"][0]
    days = job["JobScheduleOptions"]["Standart"]["OptionsBackupWindow"]["TimePeriods"]
    assert "Days" not in days and isinstance(days["Day"], list) and days["Day"][0]["Name"] == "Sunday"


@pytest.mark.parametrize("parents,segment,key,child_type", [
    ("jobs", "includes", "ObjectsInJob", "ObjectInJob"),
    ("backupServers", "jobs", "Refs", "JobReference"),
    ("backups", "backupFiles", "Refs", "BackupFileReference"),
])
def test_down_lists_a_php_client_walks(api, base, parents, segment, key, child_type):
    # a public PHP client lists jobs/<id>/includes, backupServers/<id>/jobs, backups/<id>/backupFiles
    filled = 0
    for parent in _refs(api, base, parents)[:6]:
        members = _get(api, base, f"{parents}/{_uuid(parent['UID'])}/{segment}")[key]
        assert isinstance(members, list)
        assert all(m["Type"] == child_type and m["Href"] for m in members)
        filled += bool(members)
    assert filled
