"""The emulator over real HTTP: logon and sessions, query parameters, bodies, errors, links."""
from __future__ import annotations

import base64
import json
import re

import pytest
import requests

from fel.emulator import Emulator
from fel.schema import load_schema

from emkit import NOW, SEED, logon, q, xml

TOKEN = "X-RestSvcSessionId"


# ---- API root and logon ---------------------------------------------------------------------

def test_api_root_lists_supported_versions(base):
    r = requests.get(base)
    assert r.status_code == 200
    root = xml(r.content)
    assert root.tag == q("EnterpriseManager")
    assert [v.get("Name") for v in root.iter(q("SupportedVersion"))] == ["v1_5", "v1_6", "v1_7"]
    hrefs = [link.get("Href") for link in root.iter(q("Link"))]
    assert base + "sessionMngr/?v=latest" in hrefs


DOC_TOKEN = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj"  # X-RestSvcSessionId in Veeam's examples
GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.mark.parametrize("path", ["sessionMngr/?v=latest", "sessionMngr/?v=v1_6", "sessionMngr/",
                                  "sessionMngr", "/sessionMngr/?v=v1_7"])
def test_logon_answers_201_with_token_header_cookie_and_body(base, path):
    r = requests.post(base + path, auth=("demo", "demo"))
    assert r.status_code == 201
    token = r.headers[TOKEN]
    # Veeam's example token (NDRjZmJk…) is base64 of a GUID's text: 48 characters.
    assert re.fullmatch(GUID, base64.b64decode(DOC_TOKEN, validate=True).decode("ascii"))
    assert len(token) == len(DOC_TOKEN) == 48
    assert re.fullmatch(GUID, base64.b64decode(token, validate=True).decode("ascii"))
    assert r.cookies.get(TOKEN) == token
    body = xml(r.content)
    assert body.tag == q("LogonSession")
    sid = body.findtext(q("SessionId"))
    assert re.fullmatch(r"[0-9a-f-]{36}", sid)
    # clients in the wild send base64(SessionId) without reading the header: the token is exactly that
    assert base64.b64decode(token).decode("ascii") == sid
    assert body.findtext(q("UserName")).endswith("\\demo")
    assert body.get("Href") == f"{base}logonSessions/{sid}"


def test_header_names_are_case_insensitive(base):
    token = requests.post(base + "sessionMngr/", auth=("demo", "demo")).headers[TOKEN]
    r = requests.get(base + "query?type=BackupServer", headers={"x-restsvcsessionid": token})
    assert r.status_code == 200


@pytest.mark.parametrize("auth", [("demo", "wrong"), ("nobody", "demo"), None])
def test_bad_credentials_get_401_with_basic_challenge(base, auth):
    r = requests.post(base + "sessionMngr/?v=latest", auth=auth)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Basic Realm=RestSvc"
    assert TOKEN not in r.headers
    assert xml(r.content).tag == q("Error")


def test_unknown_api_version_is_refused(base):
    r = requests.post(base + "sessionMngr/?v=v1_0", auth=("demo", "demo"))
    assert r.status_code == 400
    assert "v1_0" in xml(r.content).get("Message")


@pytest.mark.parametrize("path", ["query?type=Job", "querySvc", "jobs", "logonSessions"])
def test_missing_token_gets_401_with_error_body(base, path):
    r = requests.get(base + path)
    assert r.status_code == 401
    err = xml(r.content)
    assert err.tag == q("Error") and err.get("StatusCode") == "401"
    assert "X-RestSvcSessionId" in err.get("Message")


def test_garbage_token_gets_401(base):
    r = requests.get(base + "query?type=Job", headers={TOKEN: "bm90IGEgdG9rZW4="})
    assert r.status_code == 401


def test_logout_ends_the_session(base):
    s = logon(base)
    sid = s.session_id
    listed = [e.findtext(q("SessionId")) for e in xml(s.get(base + "logonSessions").content)]
    assert sid in listed
    assert s.get(f"{base}logonSessions/{sid}").status_code == 200
    r = s.delete(f"{base}logonSessions/{sid}")
    assert r.status_code == 204 and r.content == b""
    assert s.get(base + "query?type=Job").status_code == 401
    assert requests.get(base + "query?type=Job", headers={TOKEN: s.headers[TOKEN]}).status_code == 401


def test_logout_of_an_unknown_session_is_404(api, base):
    r = api.delete(f"{base}logonSessions/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 404


def test_doubled_slash_logon_works(emulator):
    url = emulator.url.rstrip("/") + "//sessionMngr/?v=latest"
    assert requests.post(url, auth=("demo", "demo")).status_code == 201


def test_cookie_wins_over_header(base):
    good = requests.post(base + "sessionMngr/", auth=("demo", "demo")).headers[TOKEN]
    stale = requests.post(base + "sessionMngr/", auth=("demo", "demo"))
    stale_token = stale.headers[TOKEN]
    sid = xml(stale.content).findtext(q("SessionId"))
    requests.delete(f"{base}logonSessions/{sid}", headers={TOKEN: stale_token})
    # a live header does not help when the cookie carries an ended session ...
    r = requests.get(base + "query?type=Job", headers={TOKEN: good, "Cookie": f"{TOKEN}={stale_token}"})
    assert r.status_code == 401
    # ... and a live cookie wins over a bad header
    r = requests.get(base + "query?type=Job", headers={TOKEN: "bogus", "Cookie": f"{TOKEN}={good}"})
    assert r.status_code == 200


def test_session_expires_when_idle():
    with Emulator(seed=SEED, now=NOW, session_idle=900) as em:
        clock = [1000.0]
        em.app.sessions.clock = lambda: clock[0]
        s = logon(em.url)
        clock[0] += 899
        assert s.get(em.url + "query?type=Job").status_code == 200  # resets the idle clock
        clock[0] += 899
        assert s.get(em.url + "query?type=Job").status_code == 200
        clock[0] += 901
        r = s.get(em.url + "query?type=Job")
        assert r.status_code == 401


def test_other_users_and_methods(emulator, base):
    with Emulator(seed=SEED, now=NOW, users={"alice": "s3cret:with:colons"}) as em:
        assert requests.post(em.url + "sessionMngr/", auth=("alice", "s3cret:with:colons")).status_code == 201
        assert requests.post(em.url + "sessionMngr/", auth=("demo", "demo")).status_code == 401
    s = logon(base)
    assert s.post(base + "query?type=Job").status_code == 405
    assert requests.get(base + "sessionMngr/").status_code == 405
    assert s.get(base + "no/such/thing").status_code == 404
    assert requests.get(base.replace("/api/", "/other")).status_code == 404


# ---- query parameters -------------------------------------------------------------------------

def _refs(r) -> list:
    return xml(r.content).findall(f"{q('Refs')}/{q('Ref')}")


def _entities(r) -> list:
    root = xml(r.content)
    return [e for holder in ("Entities", "Resources") for c in root.findall(q(holder)) for box in c for e in box]


def test_references_are_the_default(api, base):
    r = api.get(base + "query?type=BackupServer")
    refs = _refs(r)
    assert refs and all(ref.get("Type") == "BackupServerReference" for ref in refs)
    assert xml(r.content).find(q("Entities")) is None


@pytest.mark.parametrize("fmt", ["Entities", "entities", "ENTITIES"])
def test_format_entities_any_case(api, base, fmt):
    r = api.get(f"{base}query?type=BackupServer&format={fmt}")
    root = xml(r.content)
    assert [e.tag for e in root.find(q("Entities"))] == [q("BackupServers")]
    assert {e.get("Type") for e in _entities(r)} == {"BackupServer"}


def test_references_and_entities_describe_the_same_objects(api, base):
    url = base + 'query?type=BackupJobSession&filter=JobName=="Backup Job 2"&sortDesc=CreationTime&pageSize=20'
    refs = _refs(api.get(url))
    ents = _entities(api.get(url + "&format=Entities"))
    assert [(r.get("UID"), r.get("Name")) for r in refs] == [(e.get("UID"), e.get("Name")) for e in ents]


def test_parameter_names_and_type_are_case_insensitive(api, base):
    a = api.get(base + "query?Type=backupjobsession&Filter=Result==Failed&PAGESIZE=500&FORMAT=entities")
    b = api.get(base + "query?type=BackupJobSession&filter=Result==Failed&pageSize=500&format=Entities")
    assert a.status_code == b.status_code == 200
    assert [e.get("UID") for e in _entities(a)] == [e.get("UID") for e in _entities(b)]


@pytest.mark.parametrize("spelling", ["vAppRestorePoint", "VAppRestorePoint", "vapprestorepoint",
                                      "VsphereSelfServiceConfig", "VSphereSelfServiceConfig", "cdpPolicy"])
def test_alternative_type_spellings(api, base, spelling):
    r = api.get(f"{base}query?type={spelling}&format=Entities")
    assert r.status_code == 200 and _entities(r)


def test_every_type_answers(api, base):
    for t in load_schema():
        r = api.get(f"{base}query?type={t.name}&format=Entities&pageSize=2")
        assert r.status_code == 200, (t.name, r.text)
        assert _entities(r), t.name


def test_stray_parameter_after_ampersand_is_ignored(api, base):
    with_stray = api.get(base + "query?type=Job&format=Entities&sortAsc=name&filter=Platform==vCloud&JobType==Backup")
    without = api.get(base + "query?type=Job&format=Entities&sortAsc=name&filter=Platform==vCloud")
    assert with_stray.status_code == 200
    names = [e.get("Name") for e in _entities(with_stray)]
    assert names == [e.get("Name") for e in _entities(without)]
    job_types = {e.findtext(q("JobType")) for e in _entities(with_stray)}
    assert len(job_types) > 1  # the JobType condition really was dropped, as on EM


def test_plus_is_a_space_and_percent_2b_a_plus(api, base, dataset):
    assert dataset.find("Job", Name="C++ Build Servers")
    plus = api.get(base + 'query?type=Job&filter=Name=="C%2B%2B+Build+Servers"')
    assert [r.get("Name") for r in _refs(plus)] == ["C++ Build Servers"]
    raw = api.get(base + 'query?type=Job&filter=Name=="C++Build+Servers"')
    assert _refs(raw) == []


@pytest.mark.parametrize("name", ['File Server "Legal"', "Sales & Marketing", "HR; Payroll", "Web, Mail and DNS",
                                  "100% Uptime Tier", "Sauvegarde données", "バックアップ 東京",
                                  "Periodic Backup Copy Job\\Backup Job 1"])
def test_awkward_names_round_trip_through_quoting_and_encoding(api, base, name):
    quoted = '"' + name.replace('"', '""') + '"'
    r = api.get(base + "query", params={"type": "Job", "filter": f"Name=={quoted}"})
    assert [ref.get("Name") for ref in _refs(r)] == [name]


def test_unquoted_spaces_are_dropped_like_em(api, base):
    r = api.get(base + "query", params={"type": "Job", "filter": "Name==Backup Job 2"})
    assert r.status_code == 200 and _refs(r) == []


def test_default_page_size_is_100(api, base, dataset):
    assert dataset.count("BackupJobSession") > 1000
    root = xml(api.get(base + "query?type=BackupJobSession").content)
    assert len(root.findall(f"{q('Refs')}/{q('Ref')}")) == 100
    info = root.find(q("PagingInfo"))
    assert info.get("PageSize") == "100" and info.get("PageNum") == "1"
    assert int(info.get("PagesCount")) == -(-dataset.count("BackupJobSession") // 100)


def test_paging_returns_every_entity_exactly_once(api, base, dataset):
    url = base + "query?type=BackupJobSession&filter=Result!=Success&sortAsc=CreationTime&pageSize=37"
    seen, pages, next_url = [], 0, url
    while next_url:
        root = xml(api.get(next_url).content)
        seen += [ref.get("UID") for ref in root.findall(f"{q('Refs')}/{q('Ref')}")]
        pages += 1
        links = {link.get("Rel"): link.get("Href") for link in root.iter(q("Link")) if link.get("Rel") in
                 ("First", "Previous", "Next", "Last")}
        next_url = links.get("Next")
    expected = [e.uid for e in dataset.entities("BackupJobSession") if e.fields["Result"] != "Success"]
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == set(expected)
    assert pages == -(-len(expected) // 37) > 3


def test_paging_links_reencode_the_filter_v13_style(api, base):
    r = api.get(base + 'query?type=backupJobSession&format=Entities&filter=Result==Failed;JobName=="Backup Job 2"'
                       "&pageSize=2&page=2")
    info = xml(r.content).find(q("PagingInfo"))
    links = {link.get("Rel"): link.get("Href") for link in info.iter(q("Link"))}
    assert set(links) == {"First", "Previous", "Next", "Last"}
    assert links["Next"] == (base + "query?type=backupJobSession&format=Entities&filter=Result%3D%3DFailed;"
                             "JobName%3D%3D%22Backup%20Job%202%22&pageSize=2&page=3")
    assert links["First"].endswith("&page=1") and links["Previous"].endswith("&page=1")
    assert links["Last"].endswith(f"&page={info.get('PagesCount')}")


def test_paging_links_v12_style_and_camel_json(camel_emulator):
    s = logon(camel_emulator.url)
    r = s.get(camel_emulator.url + 'query?type=Job&filter=Name!="a b";JobType==Backup&pageSize=5',
              headers={"Accept": "application/json"})
    assert r.content.startswith(b"\xef\xbb\xbf")
    body = json.loads(r.content.decode("utf-8-sig"))
    assert set(body) == {"refs", "pagingInfo"}  # 13.x omits nulls
    link = body["pagingInfo"]["links"][0]
    assert link["href"].endswith("query?type=Job&filter=Name!%3d%22a+b%22%3bJobType%3d%3dBackup&pageSize=5&page=1")
    ref = body["refs"]["refs"][0]
    assert {"type", "href", "name", "uid", "links"} <= set(ref)


def test_page_beyond_the_last_is_empty(api, base):
    root = xml(api.get(base + "query?type=BackupServer&pageSize=2&page=99").content)
    assert root.findall(f"{q('Refs')}/{q('Ref')}") == []
    assert root.find(q("PagingInfo")).get("PageNum") == "99"


def test_sorting(api, base):
    asc = [r.get("Name") for r in _refs(api.get(base + "query?type=Job&sortAsc=name&pageSize=500"))]
    desc = [r.get("Name") for r in _refs(api.get(base + "query?type=Job&sortDesc=Name&pageSize=500"))]
    assert asc == sorted(asc, key=str.casefold) and desc == asc[::-1]
    times = [e.findtext(q("CreationTimeUTC")) for e in _entities(api.get(
        base + "query?type=BackupJobSession&format=Entities&sortDesc=CreationTime&pageSize=50"))]
    assert times == sorted(times, reverse=True)


# ---- bodies -------------------------------------------------------------------------------------

def test_json_and_xml_carry_the_same_entities(api, base):
    url = base + 'query?type=BackupJobSession&format=Entities&filter=JobName=="Backup Job 2"&pageSize=10'
    from_xml = _entities(api.get(url))
    body = api.get(url, headers={"Accept": "application/json"}).json()
    assert body["Refs"] is None and body["Links"] is None  # PascalCase bodies write nulls (v10/v11)
    items = body["Entities"]["BackupJobSessions"]["BackupJobSessions"]
    assert [i["UID"] for i in items] == [e.get("UID") for e in from_xml]
    for item, el in zip(items, from_xml):
        assert item["Type"] == "BackupJobSession"
        assert item["CreationTimeUTC"] == el.findtext(q("CreationTimeUTC"))
        assert item["Progress"] == int(el.findtext(q("Progress")))
        assert item["IsRetry"] is (el.findtext(q("IsRetry")) == "true")
        assert [lk["Href"] for lk in item["Links"]] == [lk.get("Href") for lk in el.iter(q("Link"))]
    assert body["PagingInfo"]["PageSize"] == 10


def test_camel_case_json(camel_emulator):
    s = logon(camel_emulator.url)
    body = json.loads(s.get(camel_emulator.url + "query?type=BackupJobSession&format=Entities&pageSize=3",
                            headers={"Accept": "application/json"}).content.decode("utf-8-sig"))
    items = body["entities"]["backupJobSessions"]["backupJobSessions"]
    assert len(items) == 3
    assert {"uid", "href", "type", "name", "links", "jobUid", "creationTimeUTC", "isRetry"} <= set(items[0])
    assert body["pagingInfo"]["pageSize"] == 3


def test_entity_elements_follow_the_field_mapping(api, base, dataset):
    """A filter field's value is where Field.element says (CreationTime -> <CreationTimeUTC>)."""
    session = dataset.find("BackupJobSession", Name="Backup Job 2@2025-08-15 20:00:24.003406")[0]
    r = api.get(base + session.path.lstrip("/") + "?format=Entity")
    el = xml(r.content)
    assert el.tag == q("BackupJobSession")
    assert el.findtext(q("CreationTimeUTC")) == "2025-08-15T20:00:24.003406Z"
    assert el.findtext(q("EndTimeUTC")) == "2025-08-15T20:04:13.487602Z"
    assert el.findtext(q("JobName")) == "Backup Job 2"
    ups = {lk.get("Type"): lk.get("Name") for lk in el.iter(q("Link")) if lk.get("Rel") == "Up"}
    assert ups == {"BackupServerReference": "enterprisevbr01.tech.local", "JobReference": "Backup Job 2"}


# ---- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("query,needle", [
    ("type=BackupJobSession&filter=Status==Failed", "Status"),
    ("type=BackupJobSession&filter=Result==Error", "Error"),
    ("type=BackupJobSession&filter=Result==", "filter"),
    ("type=BackupJobSession&filter=(Result==Failed", "parenthes"),
    ("type=BackupJobSession&filter=Result=Failed", "=="),
    ("type=BackupJobSession&filter=Result==Failed and State==Stopped", "and"),
    ("type=BackupJobSession&filter=Result in (Failed, Warning)", "in"),
    ("type=BackupJobSession&filter=CreationTime>=yesterday", "yesterday"),
    ("type=BackupJobSession&filter=JobUid==1234", "1234"),
    ("type=Repository&filter=FreeSpace<100GB", "100GB"),
    ("type=BackupJobSession&filter=IsRetry==maybe", "maybe"),
    ("type=JobSession", "JobSession"),
    ("filter=Result==Failed", "type"),
    ("type=Job&format=Entity", "Entity"),
    ("type=Job&pageSize=0", "pageSize"),
    ("type=Job&pageSize=abc", "pageSize"),
    ("type=Job&page=0", "page"),
    ("type=Job&sortAsc=Bogus", "Bogus"),
])
def test_bad_queries_get_400_with_a_message(api, base, query, needle):
    r = api.get(base + "query?" + query)
    assert r.status_code == 400, r.text
    err = xml(r.content)
    assert err.tag == q("Error") and err.get("StatusCode") == "400"
    assert needle.lower() in err.get("Message").lower()
    assert err.findtext(q("FirstChanceExceptionMessage"))
    j = api.get(base + "query?" + query, headers={"Accept": "application/json"})
    assert j.status_code == 400
    assert j.json()["StatusCode"] == 400 and needle.lower() in j.json()["Message"].lower()


def test_error_messages_are_the_checkers(api, base):
    import fel

    msg = xml(api.get(base + "query?type=BackupJobSession&filter=Status==Failed").content).get("Message")
    diag = next(d for d in fel.check("query?type=BackupJobSession&filter=Status==Failed") if d.code == "FEL101")
    assert msg.startswith(diag.message)


def test_control_characters_in_errors_stay_well_formed(api, base):
    r = api.get(base + "query?type=Job%00%01")
    assert r.status_code == 400
    assert xml(r.content).get("Message")


# ---- links resolve ------------------------------------------------------------------------------

def _hrefs(body: bytes) -> set[str]:
    return {el.get("Href") for el in xml(body).iter() if el.get("Href")}


def test_every_href_resolves(api, base):
    """Follow every Href of two entities and references of every type, and of what they link to."""
    seen: set[str] = set()
    frontier: set[str] = set()
    for t in load_schema():
        for fmt in ("Entities", "References"):
            r = api.get(f"{base}query?type={t.name}&format={fmt}&pageSize=2")
            frontier |= _hrefs(r.content)
    for _round in range(2):
        nxt: set[str] = set()
        for href in sorted(frontier - seen):
            seen.add(href)
            assert href.startswith(base), href
            r = api.get(href)
            assert r.status_code == 200, (href, r.text[:300])
            if "/query?" not in href and "/sessionMngr" not in href:
                nxt |= _hrefs(r.content)
        frontier = nxt
    assert len(seen) > 300


def test_query_service_links_all_run(api, base):
    root = xml(api.get(base + "querySvc").content)
    links = [lk.get("Href") for lk in root.iter(q("Link")) if lk.get("Rel") == "Down"]
    assert len(links) > 40
    for href in links:
        assert href.endswith("&format=Entities&sortAsc=name&pageSize=15&page=1")
        assert api.get(href).status_code == 200, href


def test_reference_and_list_resources(api, base, dataset):
    server = dataset.entities("BackupServer")[0]
    ref = xml(api.get(base + server.path.lstrip("/")).content)
    assert ref.tag == q("EntityRef") and ref.get("Type") == "BackupServerReference"
    jobs = xml(api.get(f"{base}{server.path.lstrip('/')}/jobs").content)
    assert jobs.tag == q("EntityReferences")
    assert {r.get("Name") for r in jobs} == {e.name for e in dataset.children(server, "Job")}
    creds = xml(api.get(f"{base}{server.path.lstrip('/')}/credentials").content)
    assert [c.tag for c in creds] == [q("CredentialsInfo")] * 4


def test_access_log_redacts_session_ids():
    """The token is base64(SessionId), so a SessionId in a logout path is as secret as the token:
    the access log keeps the request line with the id replaced, and never the token."""
    lines: list[str] = []
    with Emulator(seed=SEED, now=NOW, port=0, access_log=lines.append) as em:
        r = requests.post(em.url + "sessionMngr/?v=latest", auth=("demo", "demo"))
        token, sid = r.headers[TOKEN], xml(r.content).findtext(q("SessionId"))
        assert requests.delete(f"{em.url}logonSessions/{sid}", headers={TOKEN: token}).status_code == 204
    text = "\n".join(lines)
    assert "logonSessions/<session>" in text
    assert sid not in text and token not in text
