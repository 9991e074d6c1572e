"""Decoding QueryResult, LogonSession and Error bodies, XML and JSON, into one entity model."""
from __future__ import annotations

import codecs
import json
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings, strategies as st

from fel.client.decode import decode_document, decode_error, decode_logon, decode_page
from fel.client.entity import NEVER, Entity, Link, coerce_text, format_datetime, parse_datetime
from fel.client.errors import DecodeError, UnexpectedContentType
from fel.client.jsoncodec import pascal

from client_kit import FIXTURES

UTC = timezone.utc


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- the real bodies in tests/fixtures/shared/responses --------------------------------------
GOLDEN = [
    # file, format, count, page (num, size, count), first entity: attribute/field checks
    ("query-entities-backupjobsession-13.1.xml", "Entities", 2, (1, 100, 1), {
        "Type": "BackupJobSession", "UID": "urn:veeam:BackupJobSession:07fb4019-dc8c-45ba-a36f-d15f2e7fe41b",
        "JobType": "ImmediateBackupCopyWorker", "Progress": 100, "IsRetry": True, "Result": "Failed",
        "CreationTimeUTC": datetime(2025, 8, 16, 5, 17, 38, 221420, tzinfo=UTC),
        "link:Up:BackupServerReference@Name": "enterprisevbr01.tech.local",
        "link:Up:JobReference@Name": "Periodic Backup Copy Job\\Backup Job 1",
    }),
    ("query-entities-backupjobsession-9.5u4.json", "Entities", 1, (1, 100, 1), {
        "Type": "BackupJobSession", "Name": "Vrfpoller Servers ECS_Ter@2019-07-01 04:00:16",
        "IsRetry": False, "Progress": 100, "EndTimeUTC": datetime(2019, 7, 1, 6, 26, 56, tzinfo=UTC),
        "link:Up:BackupServerReference@UID": "urn:veeam:BackupServer:62f06091-56a7-4aa3-bf4a-f2df501b8fd9",
    }),
    ("query-refs-backupjobsession-10.json", "References", 2, (1, 15, 1), {
        "Type": "BackupJobSessionReference", "Name": "Archived Projects@2020-02-04 08:12:19",
        "link:Alternate@Href": "https://localhost:9398/api/backupSessions/821cc74e-9447-40b6-a2df-90aa47101233?format=Entity",
    }),
    ("query-refs-paging-13.1.xml", "References", 1, (1, 1, 2), {
        "Type": "BackupServerReference", "Name": "172.17.53.47", "UID": "urn:veeam:BackupServer:e42211aa-321d-4f91-9c13-2342cf9557eb",
    }),
]


@pytest.mark.parametrize("name, fmt, count, paging, checks", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_real_bodies(name, fmt, count, paging, checks):
    page = decode_page(fixture(name))
    assert page.format == fmt
    assert len(page.entities) == count
    assert (page.page_num, page.page_size, page.pages_count) == paging
    first = page.entities[0]
    for path, expected in checks.items():
        assert first.get(path) == expected, path
    for e in page.entities:
        assert e.kind == ("reference" if fmt == "References" else "entity")
        assert e.uid and e.href and e.type
        for v in e.fields.values():
            if isinstance(v, datetime):
                assert v.tzinfo is not None and v.utcoffset() == timedelta(0)


def test_paging_links_are_unescaped():
    page = decode_page(fixture("query-refs-paging-13.1.xml"))
    assert page.next_href == "https://localhost:9398/api/query?type=backupServer&pageSize=1&page=2"
    assert set(page.links) == {"First", "Next", "Last"}


def test_logon_session_body():
    info = decode_logon(fixture("logon-session-13-abridged.xml"))
    assert info.session_id == "15a3fc97-0325-4119-b789-5c0367c6c565"
    assert info.user_name == "SRV12\\Administrator"
    assert info.delete_href.endswith("/logonSessions/15a3fc97-0325-4119-b789-5c0367c6c565")


def test_error_bodies():
    raw = fixture("error-400-9.5u4.http")
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    assert decode_error(body, "application/json") == ("Node [root] does not exist.", None)
    msg = "Object reference not set to an instance of an object."
    assert decode_error(fixture("error-500-9.5u4.xml")) == (msg, msg)
    assert decode_error(b"<html><body>Proxy error</body></html>", "text/html") == (None, None)
    assert decode_error(b'{"message": "camel", "statusCode": 400}', "application/json") == ("camel", None)


# -- one model for both formats --------------------------------------------------------------
NS = "http://www.veeam.com/ent/v1.0"


def camel(key: str) -> str:
    return "uid" if key == "UID" else key[:1].lower() + key[1:]


def xml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return format_datetime(v)
    return escape(str(v))


def render_xml(entities: list[dict[str, Any]], *, element: str = "BackupJobSession", container: str = "BackupJobSessions",
               part: str = "Entities", bom: bool = False) -> bytes:
    items = []
    for e in entities:
        attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in e["attrs"].items())
        links = "".join(f"<Link Rel={quoteattr(l['Rel'])} Href={quoteattr(l['Href'])}/>" for l in e["links"])
        kids = []
        for k, v in e["fields"].items():
            if v is None:
                kids.append(f'<{k} xsi:nil="true"/>')
            elif isinstance(v, dict):
                kids.append(f"<{k}>" + "".join(f"<{a}>{xml_value(b)}</{a}>" for a, b in v.items()) + f"</{k}>")
            else:
                kids.append(f"<{k}>{xml_value(v)}</{k}>")
        items.append(f"<{element} {attrs}><Links>{links}</Links>{''.join(kids)}</{element}>")
    body = (f'<QueryResult xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><{part}><{container}>'
            f"{''.join(items)}</{container}></{part}>"
            '<PagingInfo PageNum="2" PageSize="3" PagesCount="4"><Links>'
            '<Link Rel="Next" Href="https://h:9398/api/query?type=BackupJobSession&amp;pageSize=3&amp;page=3"/>'
            "</Links></PagingInfo></QueryResult>").encode()
    return (codecs.BOM_UTF8 if bom else b"") + body


def render_json(entities: list[dict[str, Any]], *, camel_case: bool = False, nulls: bool = False, bom: bool = False,
                container: str = "BackupJobSessions", part: str = "Entities") -> bytes:
    k = camel if camel_case else (lambda s: s)

    def value(v: Any) -> Any:
        if isinstance(v, datetime):
            return format_datetime(v)
        if isinstance(v, dict):
            return {k(a): value(b) for a, b in v.items()}
        return v

    items = []
    for e in entities:
        d: dict[str, Any] = {k(a): v for a, v in e["attrs"].items()}
        d[k("Links")] = [{k("Rel"): l["Rel"], k("Href"): l["Href"]} for l in e["links"]]
        for a, v in e["fields"].items():
            d[k(a)] = value(v)
        items.append(d)
    doc: dict[str, Any] = {
        k(part): {k(container): {k(container): items}},
        k("PagingInfo"): {k("PageNum"): 2, k("PageSize"): 3, k("PagesCount"): 4, k("Links"): [
            {k("Rel"): "Next", k("Href"): "https://h:9398/api/query?type=BackupJobSession&pageSize=3&page=3"}]},
    }
    if nulls:
        doc[k("Refs")] = None
        doc[k("Resources" if part == "Entities" else "Entities")] = None
    text = json.dumps(doc)
    return (codecs.BOM_UTF8 if bom else b"") + text.encode()


def sample(i: int) -> dict[str, Any]:
    return {
        "attrs": {"Type": "BackupJobSession", "Href": f"https://h:9398/api/backupSessions/{i}?format=Entity",
                  "Name": f"Job {i}@2025-08-15 20:00:24.003406", "UID": f"urn:veeam:BackupJobSession:{i:08d}"},
        "links": [{"Rel": "Up", "Href": "https://h:9398/api/backupServers/1"}],
        "fields": {"JobName": "2024" if i == 0 else f"Job {i}", "JobType": "Backup", "Progress": 100 - i,
                   "IsRetry": i % 2 == 0, "CreationTimeUTC": datetime(2025, 8, 15, 20, 0, i, 3406, tzinfo=UTC),
                   "EndTimeUTC": None if i == 1 else NEVER, "Result": "Failed"},
    }


ENTITIES = [sample(i) for i in range(3)]
VARIANTS = {
    "json-pascal": render_json(ENTITIES),
    "json-camel": render_json(ENTITIES, camel_case=True),
    "json-bom-nulls": render_json(ENTITIES, nulls=True, bom=True),
    "json-camel-bom-nulls": render_json(ENTITIES, camel_case=True, nulls=True, bom=True),
    "xml-bom": render_xml(ENTITIES, bom=True),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_xml_and_every_json_dialect_decode_to_equal_entities(variant):
    reference = decode_page(render_xml(ENTITIES), "application/xml")
    other = decode_page(VARIANTS[variant], None)
    assert other.entities == reference.entities
    assert (other.page_num, other.page_size, other.pages_count, other.links) == (2, 3, 4, reference.links)
    assert other.format == "Entities"


def test_typed_values_and_null_versus_absent():
    e = decode_page(render_xml(ENTITIES)).entities[1]
    assert e["JobName"] == "Job 1" and e["Progress"] == 99 and e["IsRetry"] is False
    assert e["CreationTimeUTC"] == datetime(2025, 8, 15, 20, 0, 1, 3406, tzinfo=UTC)
    assert "EndTimeUTC" in e.fields and e["EndTimeUTC"] is None  # nil: present, no value
    assert "Description" not in e
    assert decode_page(render_json(ENTITIES)).entities[0]["EndTimeUTC"] == NEVER
    # the schema knows JobName is a string: "2024" is not turned into a number
    assert decode_page(render_xml(ENTITIES)).entities[0]["JobName"] == "2024"
    assert decode_page(render_json(ENTITIES, camel_case=True)).entities[0]["JobName"] == "2024"


def test_entity_dict_for_json_output():
    e = decode_page(render_xml(ENTITIES)).entities[0]
    d = e.to_dict()
    assert list(d)[:4] == ["UID", "Name", "Type", "Href"]
    assert d["CreationTimeUTC"] == "2025-08-15T20:00:00.003406Z" and d["EndTimeUTC"] == "1753-01-01T00:00:00Z"
    assert "Links" not in d and e.to_dict(links=True)["Links"] == [{"Rel": "Up", "Href": "https://h:9398/api/backupServers/1"}]
    json.dumps(d)


# -- containers, element names, resources ----------------------------------------------------
ODD = [
    # element, container, part, Type attribute, kind
    ("NASJob", "NASJobs", "Entities", "NasJob", "entity"),
    ("CloudPublicIp", "CloudPublicIps", "Entities", "CloudPublicIpAddress", "entity"),
    ("CloudReplica", "CloudVmReplicaPoints", "Entities", "CloudVmReplicaPoint", "entity"),
    ("Task", "Tasks", "Resources", "Task", "resource"),
    ("NASObject", "NASObjects", "Resources", "NasObject", "resource"),
]


@pytest.mark.parametrize("element, container, part, type_attr, kind", ODD)
def test_entities_are_taken_whatever_their_element_is_called(element, container, part, type_attr, kind):
    items = [{"attrs": {"Type": type_attr, "Href": f"https://h/api/x/{i}"}, "links": [], "fields": {"State": "Finished"}}
             for i in range(2)]
    for body in (render_xml(items, element=element, container=container, part=part),
                 render_json(items, container=container, part=part, camel_case=True)):
        page = decode_page(body)
        assert page.format == part
        assert [e.type for e in page.entities] == [type_attr, type_attr]
        assert all(e.kind == kind and e["State"] == "Finished" for e in page.entities)


def test_nested_and_repeated_elements():
    body = (f'<QueryResult xmlns="{NS}"><Resources><Tasks><Task Type="Task" Href="https://h/api/tasks/task-5">'
            '<TaskId>task-5</TaskId><Result Success="true"><Message>Ok</Message></Result>'
            '<Days>Sunday</Days><Days>Monday</Days><Day Name="Sunday">1,1,1</Day>'
            "</Task></Tasks></Resources></QueryResult>").encode()
    e = decode_page(body).entities[0]
    assert e.get("Result/Message") == "Ok" and e.get("result/success") is True
    assert e["Days"] == ["Sunday", "Monday"]
    assert e["Day"] == {"Name": "Sunday", "Value": "1,1,1"}
    assert e.uid is None and e.name is None and e.kind == "resource"


def test_a_single_resource_and_a_query_result_through_decode_document():
    e = decode_document(b'<Job xmlns="http://www.veeam.com/ent/v1.0" Type="Job" UID="urn:veeam:Job:1" Name="J"'
                        b' Href="h"><JobType>Backup</JobType></Job>')
    assert isinstance(e, Entity) and e["JobType"] == "Backup"
    assert decode_document(fixture("query-refs-paging-13.1.xml")).entities[0].name == "172.17.53.47"
    j = decode_document(b'{"type": "Job", "uid": "urn:veeam:Job:1", "name": "J", "jobType": "Backup"}')
    assert isinstance(j, Entity) and j.attributes == {"Type": "Job", "UID": "urn:veeam:Job:1", "Name": "J"}


def test_entity_get_paths_and_links():
    e = Entity({"Type": "X", "Name": "n"}, {"A": {"B": 1}, "List": [{"C": 2}]},
               (Link("Up", "https://h/api/backupServers/abc", "BackupServerReference", "vbr"),))
    assert e.get("a/b") == 1 and e.get("List/C") == 2 and e.get("@name") == "n"
    assert e.get("link:Up:BackupServerReference@Name") == "vbr"
    assert e.get("link:Up:BackupServerReference@UID") == "urn:veeam:BackupServer:abc"
    assert e.get("link:Down:Nothing@Name", "none") == "none"
    with pytest.raises(KeyError):
        e["missing"]


# -- typed values ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2025-08-16T05:17:38.22142Z", datetime(2025, 8, 16, 5, 17, 38, 221420, tzinfo=UTC)),
    ("2025-08-16T05:17:38Z", datetime(2025, 8, 16, 5, 17, 38, tzinfo=UTC)),
    ("2025-08-16T05:17:38.1234567Z", datetime(2025, 8, 16, 5, 17, 38, 123456, tzinfo=UTC)),
    ("2025-08-16T07:17:38+02:00", datetime(2025, 8, 16, 5, 17, 38, tzinfo=UTC)),
    ("1753-01-01T00:00:00Z", NEVER),
    ("2025-08-16T05:17:38", None),  # no zone: not a UTC timestamp, left as text
    ("2025-02-30T00:00:00Z", None),
])
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("true", True), ("false", False), ("True", "True"), ("100", 100), ("-3", -3), ("007", "007"),
    ("12.5", 12.5), ("1.10.2", "1.10.2"), ("", None), ("urn:veeam:Job:1", "urn:veeam:Job:1"),
    ("Backup Job 2@2025-08-15 20:00:24.003406", "Backup Job 2@2025-08-15 20:00:24.003406"),
])
def test_coerce_text_by_form(text, expected):
    value = coerce_text(text)
    assert value == expected and type(value) is type(expected)


@given(st.datetimes(min_value=datetime(1753, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)))
def test_datetimes_round_trip(dt):
    assert parse_datetime(format_datetime(dt)) == dt


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
_scalar = st.one_of(st.integers(-10**12, 10**12), st.booleans(), _text,
                    st.datetimes(min_value=datetime(1753, 1, 1), timezones=st.just(UTC)))


def _round_trips(name: str) -> bool:
    """Whether an unknown field name survives camelCase JSON: ``ID`` written ``iD`` comes back
    as the schema's ``Id`` (camelCase loses the case of the first letter; fel restores the
    spelling it knows), so such names cannot be compared across formats."""
    return name != "Links" and pascal(camel(name)) == name


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[A-Z][A-Za-z]{0,10}", fullmatch=True).filter(_round_trips), _scalar, max_size=6),
       st.booleans())
def test_property_xml_and_json_agree(fields, camel_case):
    items = [{"attrs": {"Type": "Unknown", "Href": "h", "Name": "n", "UID": "u"}, "links": [], "fields": fields}]
    xml = decode_page(render_xml(items, element="Thing", container="Things")).entities
    js = decode_page(render_json(items, container="Things", camel_case=camel_case)).entities
    assert xml == js


# -- format dispatch -------------------------------------------------------------------------
@pytest.mark.parametrize("body, ctype, exc", [
    (b"<html><body>login</body></html>", "text/html; charset=utf-8", UnexpectedContentType),
    (b"plain words", None, DecodeError),
    (b"", None, DecodeError),
    (b"<Error xmlns='http://www.veeam.com/ent/v1.0' Message='x'/>", "application/xml", DecodeError),
    (b'{"Message": "x", "StatusCode": 500}', "application/json", DecodeError),
    (b"[1, 2]", "application/json", DecodeError),
    (b'{"Refs": {"Refs": 5}}', "application/json", DecodeError),
])
def test_bodies_that_are_not_query_results(body, ctype, exc):
    with pytest.raises(exc):
        decode_page(body, ctype)


def test_link_is_a_value_equal_only_to_links():
    """Links compare, hash, pickle and copy by their four values, and never equal a tuple."""
    import copy
    import pickle

    link = Link("Up", "https://em/api/jobs/1", "JobReference")
    assert (link.rel, link.href, link.type, link.name) == ("Up", "https://em/api/jobs/1", "JobReference", None)
    assert link == Link("Up", "https://em/api/jobs/1", "JobReference", None) and hash(link) == hash(Link("Up", "https://em/api/jobs/1", "JobReference"))
    assert link != ("Up", "https://em/api/jobs/1", "JobReference", None) and ("Up", "https://em/api/jobs/1", "JobReference", None) != link
    assert link != Link("Up", "https://em/api/jobs/2", "JobReference")
    for back in (pickle.loads(pickle.dumps(link)), copy.deepcopy(link)):
        assert type(back) is Link and back == link
    assert link.to_dict() == {"Rel": "Up", "Type": "JobReference", "Href": "https://em/api/jobs/1"}
    assert repr(link) == "Link(rel='Up', type='JobReference', href='https://em/api/jobs/1', name=None)"


def test_links_in_any_attribute_order_decode_alike():
    body = (b'<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><Jobs>'
            b'<Job Type="Job" UID="u1"><Links><Link Href="h1" Rel="Up" Name="n1" Type="T"/>'
            b'<Link Rel="Down" Type="T2" Href="h2"/><Link Name="n3"/><Link/></Links></Job>'
            b'</Jobs></Entities></QueryResult>')
    (job,) = decode_page(body, "application/xml").entities
    assert job.links == (Link("Up", "h1", "T", "n1"), Link("Down", "h2", "T2"), Link(None, None, None, "n3"),
                         Link(None, None))
