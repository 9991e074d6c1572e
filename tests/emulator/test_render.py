"""Rendering: entity shapes per type, camelCase keys, Error bodies, URL decoding and encoding."""
from __future__ import annotations

import json

import pytest

from emkit import FIXTURES, NOW, app_token, xml
from fel.emulator.app import EmulatorApp, Settings
from fel.emulator.dataset import Dataset
from fel.emulator.render import Style, camel, entity_node, to_json, to_xml
from fel.emulator.templates import template
from fel.emulator.urls import encode_value, parse_query, url_decode
from fel.schema import load_schema

SCHEMA = load_schema()


@pytest.fixture(scope="module")
def ds():
    d = Dataset(seed=2, now=NOW)
    d.build_all()
    return d


@pytest.mark.parametrize("key,expected", [
    ("UID", "uid"), ("Href", "href"), ("Entities", "entities"), ("PagingInfo", "pagingInfo"),
    ("CreationTimeUTC", "creationTimeUTC"), ("VmDisplayName", "vmDisplayName"), ("IPAddress", "ipAddress"),
    ("BackupJobSessions", "backupJobSessions"), ("IsRetry", "isRetry"), ("already", "already"), ("", ""),
])
def test_camel_case_like_dotnet(key, expected):
    assert camel(key) == expected


@pytest.mark.parametrize("qtype", list(SCHEMA), ids=lambda t: t.name)
def test_entity_looks_like_the_doc_example(ds, qtype):
    tpl = template(qtype.name)
    ent = ds.entities(qtype.name)[0]
    node = entity_node(ent, "https://em.example:9398/api")
    root = xml(to_xml(node).encode())
    assert root.tag == tpl.root_tag  # no namespace on a bare entity: the envelope adds it
    attrs = [a for a in tpl.attr_order if root.get(a) is not None]
    assert list(root.attrib)[:len(attrs)] == attrs
    if tpl.type_attr:
        assert root.get("Type") == tpl.type_attr
    # every filter field mapped to an element shows its value there
    for f in qtype.fields:
        el = f.element
        value = ent.fields.get(f.name)
        if not el or el.startswith("link:") or value is None:
            continue
        shown = root.get(el[1:]) if el.startswith("@") else root.findtext(el)
        assert shown is not None, (qtype.name, f.name, el)
    # JSON carries the same attributes
    obj = json.loads(to_json(node, Style()))
    for a in attrs:
        assert a in obj


def test_json_types_and_nulls(ds):
    session = ds.entities("BackupJobSession")[0]
    obj = json.loads(to_json(entity_node(session, "http://h/api"), Style()))
    assert isinstance(obj["Progress"], int) and isinstance(obj["IsRetry"], bool)
    assert obj["CreationTimeUTC"].endswith("Z")
    down = [lk for lk in obj["Links"] if lk["Rel"] == "Down"][0]
    assert down["Name"] is None
    lean = json.loads(to_json(entity_node(session, "http://h/api"), Style(json_nulls=False)))
    assert "Name" not in [lk for lk in lean["Links"] if lk["Rel"] == "Down"][0]


def test_names_are_never_turned_into_numbers_in_json(ds):
    job = ds.entities("Job")[0]
    job.fields["Name"], saved = "12345", job.fields["Name"]
    try:
        obj = json.loads(to_json(entity_node(job, "http://h/api"), Style()))
        assert obj["Name"] == "12345"
    finally:
        job.fields["Name"] = saved


def test_error_bodies_have_veeams_shape():
    app = EmulatorApp(Dataset(seed=1, now=NOW), Settings())
    r = app.handle("GET", "/api/query?type=Job", {})
    err = xml(r.body)
    real = xml((FIXTURES / "responses" / "error-500-9.5u4.xml").read_bytes())
    assert err.tag == real.tag and set(err.attrib) == set(real.attrib)
    assert [c.tag for c in err] == [c.tag for c in real]
    j = app.handle("GET", "/api/query?type=Job", {"Accept": "application/json"})
    real_json = json.loads((FIXTURES / "responses" / "error-400-9.5u4.http").read_text().split("\n\n", 1)[1])
    assert set(json.loads(j.body)) == set(real_json)
    assert ("Content-Type", "application/json; charset=utf-8") in j.headers


def test_query_result_json_matches_the_real_shape():
    real = json.loads((FIXTURES / "responses" / "query-refs-backupjobsession-10.json").read_text())
    app = EmulatorApp(Dataset(seed=1, now=NOW), Settings())
    token = app_token(app)
    r = app.handle("GET", "/api/query?type=BackupJobSession&pageSize=2",
                   {"Accept": "application/json", "X-RestSvcSessionId": token})
    mine = json.loads(r.body)
    assert set(mine) == set(real)
    assert set(mine["Refs"]["Refs"][0]) == set(real["Refs"]["Refs"][0])
    assert set(mine["PagingInfo"]) == set(real["PagingInfo"])
    assert [set(lk) for lk in mine["Refs"]["Refs"][0]["Links"]] == [set(lk) for lk in real["Refs"]["Refs"][0]["Links"]]


def test_bom_setting():
    app = EmulatorApp(Dataset(seed=1, now=NOW), Settings(bom=True))
    assert app.handle("GET", "/api/", {}).body.startswith(b"\xef\xbb\xbf<?xml")


def test_api_root_matches_the_real_one():
    app = EmulatorApp(Dataset(seed=1, now=NOW), Settings())
    mine = xml(app.handle("GET", "/api/", {}, base="https://enterprise04.tech.local:9398/api/").body)
    real = xml((FIXTURES / "responses" / "api-root-13.xml").read_bytes())

    def shape(el):
        return (el.tag, sorted(el.attrib.items()), [shape(c) for c in el])
    assert shape(mine) == shape(real)


@pytest.mark.parametrize("raw,decoded", [
    ("a+b", "a b"), ("a%2Bb", "a+b"), ("%3d%3D", "=="), ("%C3%BC", "ü"), ("%u00fc", "ü"),
    ("100%", "100%"), ("%zz", "%zz"), ("%E2%80", "\ufffd"), ("plain", "plain"),
])
def test_url_decoding_like_aspnet(raw, decoded):
    assert url_decode(raw) == decoded


def test_parse_query_keeps_strays_and_order():
    assert parse_query("type=Job&filter=Platform==vCloud&JobType==Backup&&x") == [
        ("type", "Job"), ("filter", "Platform==vCloud"), ("JobType", "=Backup"), ("", "x")]


@pytest.mark.parametrize("style,value,encoded", [
    ("v13", 'CreationTime>="2025-08-15T06:00:00Z";A==b', "CreationTime%3E%3D%222025-08-15T06%3A00%3A00Z%22;A%3D%3Db"),
    ("v12", 'result=="Failed";endtime>"2019-06-30"', "result%3d%3d%22Failed%22%3bendtime%3e%222019-06-30%22"),
    ("v13", "a b,c+ü", "a%20b%2Cc%2B%C3%BC"),
    ("v12", "a b", "a+b"),
])
def test_link_encoding_styles(style, value, encoded):
    assert encode_value(value, style) == encoded
    assert url_decode(encoded) == value


def test_settings_are_validated():
    for bad in ({"json_case": "snake"}, {"link_style": "v9"}, {"default_page_size": 0}):
        with pytest.raises(ValueError):
            Settings(**bad)


def _indentation_problems(text: str, unit: int = 4) -> list[str]:
    """Lines of an XML body that break EM's layout: one element per line, indented ``unit``
    spaces per level, a leaf's text on its line (the declaration, if any, on a line of its own)."""
    problems, depth = [], 0
    lines = text.splitlines()
    if lines and lines[0].startswith("<?xml"):
        lines = lines[1:]
    for number, line in enumerate(lines, 1):
        body = line.lstrip(" ")
        closing = body.startswith("</")
        if closing:
            depth -= 1
        if len(line) - len(body) != unit * depth or not body.startswith("<"):
            problems.append(f"line {number} at depth {depth}: {line[:80]!r}")
        opens = not closing and not body.endswith("/>") and f"</{body[1:].split()[0].split('>')[0]}>" not in body
        if opens:
            depth += 1
    return problems


@pytest.mark.parametrize("target", [
    "/api/query?type=BackupJobSession&format=Entities&pageSize=3", "/api/query?type=BackupJobSession&pageSize=3",
    "/api/query?type=VmRestorePoint&format=Entities&pageSize=2", "/api/backupServers", "/api/jobs?format=Entity",
    "/api/query?type=Nope", "/api/",
])
def test_xml_is_indented_as_em_writes_it(target):
    """The emulator's XML has the layout of Veeam's real answers: four spaces per level as the
    real 13.1 QueryResult and 9.5 Error have it (the rule is checked on them too, and on a real
    13.1 reference page kept with two spaces per level)."""
    for real, unit in (("query-entities-backupjobsession-13.1.xml", 4), ("error-500-9.5u4.xml", 4),
                       ("query-refs-paging-13.1.xml", 2)):
        assert _indentation_problems((FIXTURES / "responses" / real).read_text(), unit) == [], real
    app = EmulatorApp(Dataset(seed=1, now=NOW), Settings())
    token = app_token(app)
    r = app.handle("GET", target, {"X-RestSvcSessionId": token})
    text = r.body.decode("utf-8-sig")
    assert text.count("\n") >= 3 and _indentation_problems(text) == []


@pytest.mark.parametrize("qtype", list(SCHEMA), ids=lambda t: t.name)
def test_xml_bytes_are_the_encoded_text(ds, qtype):
    """to_xml_bytes (pre-rendered entities taken already encoded) gives exactly
    to_xml(...).encode(), for every type's entities and references in a page (names in several
    scripts included)."""
    from fel.emulator.render import Node, cached_entity, cached_ref, to_xml_bytes

    ents = ds.entities(qtype.name)[:5]
    base = "https://em.example:9398/api"
    for node in (Node("QueryResult", [("xmlns", "urn:x")], None, [Node("Entities", [], None, [
                     Node("Items", [], None, [cached_entity(e, base, None) for e in ents])])]),
                 Node("QueryResult", [], None, [Node("Refs", [], None, [cached_ref(e, base, None) for e in ents])]),
                 entity_node(ents[0], base)):
        assert to_xml_bytes(node) == to_xml(node).encode("utf-8")
