"""Every link answers: crawl the emulator from /api/ in XML and JSON, PascalCase and camelCase,
both paging-link styles; and resolve every link of every entity of the dataset."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawl import crawl, kind_of
from emkit import NOW, SEED

from fel.emulator.app import EmulatorApp, Settings
from fel.emulator.dataset import Dataset
from fel.emulator.links import DOWN_LINKS
from fel.emulator.render import entity_node, ref_node
from fel.schema import load_schema

VARIANTS = {
    "xml-v13": dict(as_json=False, json_case="pascal", link_style="v13"),
    "xml-v12": dict(as_json=False, json_case="pascal", link_style="v12"),
    "json-pascal-v13": dict(as_json=True, json_case="pascal", link_style="v13"),
}  # camelCase JSON with v12 links: test_crawl_over_http_with_camel_case_v12_links_and_a_bom

#: Kinds of resource the crawl must reach (a crawl that stops early cannot pass).
MUST_REACH = {
    "/api/logonsessions?", "/api/querysvc?", "/api/lookupsvc?", "/api/reports/summary?",
    "/api/reports/summary/overview?", "/api/reports/summary/vms_overview?",
    "/api/reports/summary/job_statistics?", "/api/reports/summary/processed_vms?",
    "/api/reports/summary/repository?", "/api/security?", "/api/security/accounts?", "/api/security/roles?",
    "/api/security/accounts/{id}?format=entity", "/api/security/accounts/{id}/roles?",
    "/api/security/accounts/{id}/scopes?", "/api/security/roles/{id}?format=entity",
    "/api/backupservers?", "/api/backupservers?format=entity", "/api/repositories?format=entity",
    "/api/backupsessions?format=entity", "/api/jobs/{id}/backupsessions?", "/api/backups/{id}/restorepoints?",
    "/api/backups/{id}/backupfiles?", "/api/restorepoints/{id}/vmrestorepoints?",
    "/api/backupsessions/{id}/tasksessions?", "/api/query?type=backupjobsession,format=entities",
    "/api/query?type=backupjobsession,format=entities&paged",
    "/api/backups/{id}/childbackups?format=entity", "/api/cloud/tenants/{id}/resources?",
    "/api/cloud/tenants/{id}/computeresources?", "/api/cloud/tenants/{id}/freelicensecounters?",
    "/api/vcloud/orgconfigs/{id}/backupjobsettings?", "/api/selfservice/vsphere/configs/{id}/backupjobsettings?",
}


@pytest.fixture(scope="module")
def shared_dataset():
    # scale 0.1: every kind of entity, a third of the default's sessions (the crawl renders
    # whole collections such as /backupTaskSessions?format=Entity in four styles)
    ds = Dataset(seed=SEED, now=NOW, scale=0.1)
    ds.build_all()
    return ds


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_crawl_from_the_api_root_reaches_everything_and_every_link_answers(shared_dataset, variant):
    v = VARIANTS[variant]
    app = EmulatorApp(shared_dataset, Settings(json_case=v["json_case"], link_style=v["link_style"]))
    result = crawl(app, as_json=v["as_json"])
    assert not result.problems, "\n".join(result.problems[:20])
    assert MUST_REACH <= result.kinds, sorted(MUST_REACH - result.kinds)
    # every query type's canned query and entity were reached
    for t in load_schema():
        if t.field("Name") is not None:
            assert any(k.startswith(f"/api/query?type={t.name.lower()},") for k in result.kinds), t.name
    assert {"Down", "Up", "Alternate"} <= {r.capitalize() for r in result.rels}
    assert len(result.visited) > 300


def test_crawl_over_http_with_camel_case_v12_links_and_a_bom():
    """The same crawl through the socket: the server's own Host-based hrefs, camelCase JSON, v12
    paging links, a BOM before every body (a small dataset: the crawl fetches whole collections)."""
    from crawl import OverHttp

    from fel.emulator import Emulator

    with Emulator(seed=SEED, now=NOW, scale=0.1, port=0, json_case="camel", link_style="v12", bom=True) as em:
        result = crawl(OverHttp(em.url), as_json=True, per_kind=1, base=em.url)
    assert not result.problems, "\n".join(result.problems[:20])
    assert {"/api/reports/summary/overview?", "/api/security/accounts/{id}/roles?",
            "/api/backupservers?format=entity"} <= result.kinds
    assert len(result.visited) > 200


def test_crawl_reports_a_link_that_does_not_answer(shared_dataset, monkeypatch):
    """The crawler is not vacuous: when jobs' backupSessions lists stop resolving, it says so."""
    import fel.emulator.dataset as dsmod

    real = dsmod.down_link
    monkeypatch.setattr(dsmod, "down_link", lambda t, s: None if s.lower() == "backupsessions" else real(t, s))
    result = crawl(EmulatorApp(shared_dataset, Settings()), as_json=False, per_kind=1)
    assert any(p.startswith("404") and "/backupSessions" in p for p in result.problems), result.problems[:5]


def test_links_of_every_entity_resolve(shared_dataset):
    """All links of all ~20,000 entities and references point at something the server serves
    (the same resolution a GET uses), without HTTP."""
    base = "http://em.test:9398/api"
    seen = 0
    for t in load_schema():
        for ent in shared_dataset.entities(t.name):
            nodes = [entity_node(ent, base)] + ([ref_node(ent, base)] if ent.has_reference else [])
            for node in nodes:
                for _rel, _typ, href, _name in node.links:
                    path = href[len(base):].split("?", 1)[0]
                    assert shared_dataset.resolve(path) is not None, (ent.type, href)
                    seen += 1
    assert seen > 20_000


def test_every_down_list_type_has_a_parent_in_the_dataset(shared_dataset):
    for parent_type in DOWN_LINKS:
        if load_schema().type(parent_type) is not None:
            assert shared_dataset.entities(parent_type), parent_type


def test_kind_of_blanks_ids_and_keeps_type_and_format():
    assert kind_of("http://h/api/backupSessions/1f038a6b-7968-4052-be97-3ed6b7aaf6a3/taskSessions") == \
        "/api/backupsessions/{id}/tasksessions?"
    assert kind_of("http://h/api/query?type=Job&format=Entities&pageSize=15&page=2") == \
        "/api/query?type=job,format=entities&paged"


def _pairs():
    # lists only: a link to one resource (dl.body) is checked in test_subresources.py
    return [(t, dl) for t, dls in DOWN_LINKS.items() for dl in dls
            if load_schema().type(t) is not None and dl.body is None]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_every_down_list_says_the_same_in_xml_and_json(shared_dataset, data):
    """Any entity's any list: as many members in XML as in JSON (a JSON list, even of one), and
    ?format=Entity lists the same entities as the references."""
    import base64
    import json as _json

    from emkit import xml

    parent_type, dl = data.draw(st.sampled_from(_pairs()))
    parents = shared_dataset.entities(parent_type)
    parent = parents[data.draw(st.integers(0, len(parents) - 1))]
    app = _APPS.setdefault(id(shared_dataset), EmulatorApp(shared_dataset, Settings(json_case="camel")))
    auth = {"Authorization": "Basic " + base64.b64encode(b"demo:demo").decode()}
    token = dict(app.handle("POST", "/api/sessionMngr/", auth).headers)["X-RestSvcSessionId"]
    path = f"/api{parent.path}/{dl.segment}"
    as_xml = xml(app.handle("GET", path, {"X-RestSvcSessionId": token}).body)
    as_json = _json.loads(app.handle("GET", path, {"X-RestSvcSessionId": token, "Accept": "application/json"}).body)
    entities = _json.loads(app.handle("GET", path + "?format=Entity",
                                      {"X-RestSvcSessionId": token, "Accept": "application/json"}).body)
    (members,) = as_json.values()
    (as_entities,) = entities.values()
    assert isinstance(members, list) and isinstance(as_entities, list)
    assert len(members) == len(as_xml) == len(as_entities) == len(shared_dataset.members(parent, dl))
    uid = lambda m: m.get("uid") or m.get("href", "").split("?")[0]  # noqa: E731
    assert sorted(map(uid, members)) == sorted(map(uid, as_entities))


_APPS: dict[int, EmulatorApp] = {}
