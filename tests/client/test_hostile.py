"""Hostile and broken bodies: clean typed errors, nothing resolved, bounded memory."""
from __future__ import annotations

import tracemalloc

import pytest

from fel.client import Client
from fel.client.decode import decode_document, decode_logon, decode_page
from fel.client.errors import BodyTooLarge, ConnectFailed, DecodeError, HostileBody, UnexpectedContentType

from client_kit import MiniEM, Resp, query_result_xml, session

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs><Ref Type="JobReference" Name="&lol9;"/></Refs></QueryResult>"""


def xxe(target: str) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{target}">]>'
            '<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs><Ref Type="JobReference" Name="&x;"/></Refs>'
            "</QueryResult>").encode()


# a DOCTYPE hidden behind a long comment, past any prefix scan
LATE_DOCTYPE = b"<!--" + b"x" * 70000 + b'--><!DOCTYPE r [<!ENTITY x "boom">]><QueryResult xmlns="http://www.veeam.com/ent/v1.0"/>'
PARAMETER_ENTITY = b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><QueryResult/>'

HOSTILE = {
    "billion-laughs": BILLION_LAUGHS,
    "xxe-file": xxe("file:///etc/passwd"),
    "xxe-http": xxe("http://127.0.0.1:9/secret"),
    "late-doctype": LATE_DOCTYPE,
    "parameter-entity": PARAMETER_ENTITY,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_dtds_and_entities_are_refused_before_anything_is_resolved(name):
    body = HOSTILE[name]
    tracemalloc.start()
    try:
        for decode in (decode_page, decode_document, decode_logon):
            with pytest.raises(HostileBody, match="DOCTYPE"):
                decode(body, "application/xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize("body, ctype", [
    (query_result_xml([session(i) for i in range(5)])[:-40], "application/xml"),
    (b'{"Refs": {"Refs": [{"UID": "u", "Name": "n"', "application/json"),
    (b'\xef\xbb\xbf{"Entities": ', None),
    (b"<QueryResult xmlns='http://www.veeam.com/ent/v1.0'><Refs>", None),
    (b"\xff\xfe<\x00Q\x00", "application/json"),
])
def test_truncated_or_garbled_bodies(body, ctype):
    with pytest.raises(DecodeError) as info:
        decode_page(body, ctype)
    assert type(info.value) in (DecodeError, HostileBody)
    assert "\n" not in str(info.value)


def test_json_nested_beyond_reason_is_refused():
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(DecodeError):
        decode_page(body, "application/json")


def test_body_larger_than_the_limit_is_refused_by_the_decoder():
    body = query_result_xml([session(i) for i in range(50)])
    with pytest.raises(BodyTooLarge):
        decode_page(body, "application/xml", max_body=len(body) - 1)
    assert len(decode_page(body, "application/xml", max_body=len(body)).entities) == 50


# -- over HTTP -------------------------------------------------------------------------------
def _serving(serve, query_reply):
    em = MiniEM()

    def app(req):
        if req.route == "/api/query":
            return query_reply(req)
        return em(req)

    server = serve(app)
    return Client(server.url, em.user, em.password, max_body=256 * 1024, retries=1, sleep=lambda s: None)


@pytest.mark.parametrize("chunked", [False, True])
def test_a_huge_body_is_cut_off_at_the_limit_with_bounded_memory(serve, chunked):
    huge = b"<QueryResult>" + b"<Refs>" * 1 + b"x" * (8 * 1024 * 1024)
    client = _serving(serve, lambda req: Resp(200, huge, chunked=chunked))
    client.logon()
    client.query_url("type=Job")  # warm up: imports and the schema are not the body's memory
    tracemalloc.start()
    try:
        with client, pytest.raises(BodyTooLarge, match="limit of 262144 bytes"):
            list(client.query("type=Job"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bodies_over_http(serve, name):
    client = _serving(serve, lambda req: Resp(200, HOSTILE[name]))
    with client, pytest.raises(HostileBody) as info:
        list(client.query("type=Job"))
    assert info.value.request is not None and "/api/query?type=Job" in info.value.request.url


def test_wrong_content_type_over_http(serve):
    client = _serving(serve, lambda req: Resp(200, b"<html><body>Sign in</body></html>", content_type="text/html"))
    with client, pytest.raises(UnexpectedContentType, match="text/html"):
        list(client.query("type=Job"))


def test_a_reply_shorter_than_announced_is_a_dropped_connection(serve):
    body = query_result_xml([session(i) for i in range(3)])
    client = _serving(serve, lambda req: Resp(200, body[:100], content_length=len(body)))
    with client, pytest.raises(ConnectFailed, match="dropped"):
        list(client.query("type=Job"))
