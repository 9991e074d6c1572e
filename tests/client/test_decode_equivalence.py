"""The optimised XML entity decoder gives exactly what the straightforward one gave.

``decode_reference.py`` holds the decoder as it was before the speed work; here generated
entities (schema fields of several types and unknown ones, in any order, repeated, nested,
with attributes, ``xsi:nil``, namespaced attributes, tricky texts, several ``Links``) are
decoded by both and compared value by value *and type by type* (``True`` is not ``1``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings, strategies as st

from fel.client import values
from fel.client.decode import decode_page
from fel.client.xmlcodec import XmlEntity, parse_xml

import decode_reference as ref

NS = "http://www.veeam.com/ent/v1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TYPES = {  # entity type -> its schema fields (kinds: datetime, integer, decimal, boolean, strings)
    "BackupJobSession": ["JobType", "JobUid", "JobName", "CreationTimeUTC", "EndTimeUTC", "State", "Result", "IsRetry"],
    "Repository": ["FreeSpace", "Capacity"],
    "BackupFile": ["CreationTimeUtc", "BackupSize", "DataSize", "CompressRatio", "FileType"],
    "Job": ["Description", "NextRun", "JobType", "ScheduleConfigured"],
}
UNKNOWN = ["Progress", "Extra", "Result", "Value", "Size", "Name"]

@st.composite
def near_timestamps(draw: Any) -> str:
    """EM-shaped timestamps (0 to 10 fraction digits, ``Z`` or not) with a few characters
    replaced, removed or added: every way of almost matching the fast path's shape."""
    frac = draw(st.text("0123456789", max_size=10))
    text = "2025-08-15T20:00:24" + ("." + frac if frac or draw(st.booleans()) else "") + draw(st.sampled_from(["Z", "Z", "", "+00:00", "z"]))
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(chars)))
        op = draw(st.sampled_from(["replace", "delete", "insert"]))
        c = draw(st.sampled_from(list("0123456789-:T.Z +\u0664\uff12")))
        if op == "insert":
            chars.insert(i, c)
        elif i < len(chars):
            if op == "delete":
                del chars[i]
            else:
                chars[i] = c
    return "".join(chars)


TEXTS = st.one_of(
    st.sampled_from([
        "100", "0", "-0", "007", "-12", "12.5", "-0.25", "1e5", "1.0E-3", "99999999999999999999", "1.",
        "true", "false", "True", "FALSE", " true ", " 42 ", "Success", "Backup Job 3", "urn:veeam:Job:1",
        "2025-08-15T20:00:24.003406Z", "2025-08-15T20:00:24Z", "2025-08-15T20:00:24.1234567Z",
        "2025-08-15T20:00:24.123456789Z", "2025-08-15T20:00:24.Z", "2025-08-15 20:00:24Z",
        "2025-08-15T20:00:24+02:00", "2025-08-15T20:00:24.5-0130", "2025-13-15T20:00:24Z",
        "2025-02-30T20:00:24.1Z", "1753-01-01T00:00:00Z", "2025-08-15T20:00:24.0000000000Z",
        "\uff12025-08-15T20:00:24Z", "2025-08-15T20:00:2\u0664Z", "2025-08-15", "20250815T200024Z", "  ",
    ]),
    st.text(alphabet="0123456789-.:TZ+ e", min_size=1, max_size=30),
    near_timestamps(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8).filter(lambda s: s.strip() == s),
)


def _text(t: str) -> str:
    return escape(t).replace("\r", "&#13;")


@st.composite
def leaf(draw: Any, name: str) -> str:
    form = draw(st.sampled_from(["text", "text", "text", "empty", "nil", "attrs", "attrs+text"]))
    if form == "text":
        return f"<{name}>{_text(draw(TEXTS))}</{name}>"
    if form == "empty":
        return f"<{name}/>"
    if form == "nil":
        return f'<{name} xsi:nil="true"/>'
    attrs = f" Unit={quoteattr(draw(TEXTS))}"
    if form == "attrs":
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{_text(draw(TEXTS))}</{name}>"


@st.composite
def child(draw: Any, names: list[str]) -> str:
    name = draw(st.sampled_from(names))
    if draw(st.integers(0, 9)) == 0:  # the same name in another namespace
        name = "o:" + name
    shape = draw(st.integers(0, 9))
    if shape <= 1:  # nested, sometimes with text before the first child (mixed content)
        inner = "".join(draw(st.lists(leaf(draw(st.sampled_from(["Message", "Id", "Size"]))), max_size=3)))
        text = _text(draw(TEXTS)) if shape == 1 else ""
        return f"<{name}>{text}{inner}</{name}>"
    return draw(leaf(name))


@st.composite
def link_xml(draw: Any) -> str:
    """A ``<Link>`` with any of its four attributes, in any order, beside others (namespaced,
    ``xml:``, unknown) and sometimes beside 40 more (the path that reads values by name)."""
    pairs = [(k, v) for k, v in (
        ("Rel", draw(st.sampled_from(["Up", "Alternate", "Down", None]))),
        ("Href", draw(st.sampled_from(["https://em/api/jobs/1", "https://em/api/q?a=1&b=2", None]))),
        ("Type", draw(st.sampled_from(["JobReference", None]))),
        ("Name", draw(st.one_of(st.none(), TEXTS))),
    ) if v is not None]
    pairs += draw(st.lists(st.sampled_from([("o:Rel", "ns"), ("xml:lang", "en"), ("Extra", "x"), ("Kind", "k")]),
                           max_size=3, unique=True))
    if draw(st.integers(0, 9)) == 0:
        pairs += [(f"A{i}", str(i)) for i in range(40)]
    pairs = draw(st.permutations(pairs))
    return "<Link" + "".join(f" {k}={quoteattr(v)}" for k, v in pairs) + "/>"


LINK = link_xml()


@st.composite
def entity_xml(draw: Any) -> str:
    type_name = draw(st.sampled_from([*TYPES, "Unknown", None]))
    names = TYPES.get(type_name or "", []) + UNKNOWN
    element = draw(st.sampled_from(["BackupJobSession", "Repository", "Ref", "Item"]))
    attrs = [("Href", "https://em/api/x/1"), ("Name", draw(TEXTS)), ("UID", "urn:veeam:X:1")]
    if type_name is not None:
        attrs.insert(draw(st.integers(0, 3)), ("Type", type_name))
    extra = draw(st.sampled_from(["", ' xsi:type="Foo"', ' o:Kind="k"', ' xml:lang="en"', ' o:Type="Job"', ' o:Name="n"']))
    kids = draw(st.lists(child(names), max_size=12))
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):
        links = "".join(draw(st.lists(LINK, max_size=4)))
        kids.insert(draw(st.integers(0, len(kids))), f"<Links>{links}</Links>")
    a = "".join(f" {k}={quoteattr(v)}" for k, v in attrs)
    return (f'<{element} xmlns="{NS}" xmlns:xsi="{XSI}" xmlns:o="urn:other"{a}{extra}>'
            + "".join(kids) + f"</{element}>")


def typed(value: Any) -> Any:
    """``value`` with the type of every scalar made explicit, for a strict comparison."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), str(value.tzinfo))
    return (type(value).__name__, value)


@settings(max_examples=600, deadline=None)
@given(entity_xml(), st.permutations(["fields", "attributes", "element", "links"]))
def test_fast_xml_decoder_equals_the_reference(xml: str, order: list[str]) -> None:
    """Fields, attributes and links decode separately (each on first access), in any order."""
    el = parse_xml(xml.encode())
    want_attrs, want_fields, want_links, want_element = ref.decode_entity(el)
    want = {"fields": typed(want_fields), "attributes": typed(want_attrs), "element": want_element,
            "links": [l._key() for l in want_links]}
    for _ in range(2):  # the second time through, the type's plan is already filled
        e = XmlEntity(el, "entity")
        for part in order:
            got = getattr(e, part)
            assert (typed(got) if part in ("fields", "attributes") else
                    [l._key() for l in got] if part == "links" else got) == want[part], part
        assert e._lazy is None and e._lazy_links is None


@st.composite
def indented_page(draw: Any) -> bytes:
    """A QueryResult of generated entities laid out with any whitespace between elements (LF,
    now and then CRLF or CR line ends, tabs, blanks) and, now and then, a comment, a processing
    instruction or a CDATA section somewhere (with which indentation must not be dropped)."""
    entities = draw(st.lists(entity_xml(), min_size=1, max_size=4))
    body = (f'<QueryResult xmlns="{NS}"><Entities><Sessions>' + "".join(entities)
            + '</Sessions></Entities><PagingInfo PageNum="1" PageSize="4" PagesCount="1"/></QueryResult>')
    ends = draw(st.sampled_from([" \t\n", " \t\n", " \t\n", " \t\n\r"]))
    gaps = draw(st.lists(st.text(ends, max_size=6).map(lambda t: t.replace("\r\r", "\r\n")),
                         min_size=1, max_size=8))
    parts = body.split("><")
    body = parts[0] + "".join(f">{gaps[i % len(gaps)]}<{p}" for i, p in enumerate(parts[1:]))
    extra = draw(st.sampled_from(["", "", "", "<!-- c -->", "<?pi x?>", "<![CDATA[ ]]>"]))
    if extra:
        at = body.index("<Sessions>") + len("<Sessions>")
        body = body[:at] + extra + body[at:]
    if draw(st.booleans()):
        body = '<?xml version="1.0" encoding="utf-8"?>' + draw(st.sampled_from(["", "\r\n", "\n"])) + body
    return body.encode()


@settings(max_examples=300, deadline=None)
@given(indented_page())
def test_dropping_indentation_decodes_every_entity_the_same(body: bytes) -> None:
    """A page parsed without the whitespace between elements (what decode_page does when that
    cannot change a leaf's text) decodes to exactly what the plain parse gives."""
    from fel.client.decode import _page_from_xml
    from fel.client.xmlcodec import _indentation_droppable

    fast = decode_page(body, "application/xml")
    plain = _page_from_xml(body, parse_xml(body))
    assert len(fast.entities) == len(plain.entities) > 0
    assert (fast.page_num, fast.format, fast.links) == (plain.page_num, plain.format, plain.links)
    for a, b in zip(fast.entities, plain.entities):
        assert typed(a.fields) == typed(b.fields)
        assert typed(a.attributes) == typed(b.attributes)
        assert (a.element, a.links) == (b.element, b.links)
    if _indentation_droppable(body):
        assert not any(c in body.decode() for c in ("!", "\r", "<?pi"))


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([None, "datetime", "integer", "decimal", "boolean", "string", "enum"]))
def test_fast_text_typing_equals_the_reference(text: str, kind: str | None) -> None:
    want = typed(ref.coerce_text(text, kind))
    assert typed(values.coerce_text(text, kind)) == want
    assert typed(values.coerce_text(text, kind)) == want  # again: cached integers are the same
    if text:
        assert typed(values.text_to_datetime(text)) == typed(ref.text_to_datetime(text))


@settings(max_examples=500, deadline=None)
@given(near_timestamps())
def test_fast_timestamp_shape_equals_the_reference(text: str) -> None:
    assert values._utc_shape(text) == ref.utc_shape(text)
    assert typed(values.parse_datetime(text)) == typed(ref.parse_datetime(text))
    assert typed(values.text_to_datetime(text)) == typed(ref.text_to_datetime(text))
    assert typed(values.coerce_text(text)) == typed(ref.coerce_text(text))


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**20), st.floats(allow_nan=False),
                         TEXTS, st.just(""))
JSON_KEYS = st.sampled_from(["JobName", "jobName", "CreationTimeUTC", "creationTimeUtc", "IsRetry", "Progress",
                             "FreeSpace", "Capacity", "CompressRatio", "UID", "uid", "Name", "Href", "href", "Extra"])


@st.composite
def json_entity(draw: Any) -> dict[str, Any]:
    item: dict[str, Any] = {}
    type_name = draw(st.sampled_from([*TYPES, "Unknown", None]))
    if type_name is not None:
        item[draw(st.sampled_from(["Type", "type"]))] = type_name
    for key in draw(st.lists(JSON_KEYS, max_size=10)):
        item[key] = draw(st.one_of(JSON_SCALARS, st.dictionaries(st.sampled_from(["Id", "size"]), JSON_SCALARS, max_size=2),
                                   st.lists(JSON_SCALARS, max_size=2)))
    if draw(st.booleans()):
        link_keys = st.sampled_from(["Rel", "rel", "Href", "href", "Type", "type", "Name", "name"])
        links = draw(st.lists(st.dictionaries(link_keys, JSON_SCALARS, max_size=6), max_size=4))
        item[draw(st.sampled_from(["Links", "links"]))] = draw(st.sampled_from([links, {"Links": links}, {"Links": {"Links": links}}]))
    return item


@settings(max_examples=400, deadline=None)
@given(json_entity(), st.sampled_from(["entity", "resource", "reference"]))
def test_fast_json_decoder_equals_the_reference(item: dict[str, Any], kind: str) -> None:
    from fel.client.jsoncodec import entity_from_json

    want_attrs, want_fields, want_links = ref.decode_json_entity(item, kind)
    for _ in range(2):  # the second time through, the type's plan is already filled
        e = entity_from_json(item, kind)
        assert typed(e.fields) == typed(want_fields)
        assert typed(e.attributes) == typed(want_attrs)
        assert [l._key() for l in e.links] == [l._key() for l in want_links]


def test_benchmark_page_decodes_as_the_reference() -> None:
    """A page shaped like the benchmark's: every entity equals the reference decoding."""
    items = "".join(
        f'<BackupJobSession Href="h{i}" Type="BackupJobSession" Name="Job {i}" UID="u{i}"><Links>'
        f'<Link Href="s{i}" Name="srv" Type="BackupServerReference" Rel="Up" /></Links>'
        f"<JobUid>urn:veeam:Job:{i}</JobUid><CreationTimeUTC>2025-08-{1 + i % 28:02d}T20:00:24.003406Z</CreationTimeUTC>"
        f"<Result>Success</Result><Progress>{i % 101}</Progress><IsRetry>{'true' if i % 5 == 0 else 'false'}</IsRetry>"
        "</BackupJobSession>" for i in range(200))
    body = (f'<QueryResult xmlns="{NS}"><Entities><BackupJobSessions>{items}</BackupJobSessions></Entities>'
            "</QueryResult>").encode()
    page = decode_page(body, "application/xml")
    els = list(parse_xml(body)[0][0])
    assert len(page.entities) == len(els) == 200
    for e, el in zip(page.entities, els):
        attrs, fields, links, element = ref.decode_entity(el)
        assert (typed(e.attributes), typed(e.fields), e.links, e.element) == (typed(attrs), typed(fields), links, element)


def _indented_pages() -> list[tuple[str, bytes]]:
    """For every query type, a QueryResult of the emulator's entities (each a copy of Veeam's
    documented example of the type, with nested elements) and Veeam's two real 13.1 pages,
    indented as EM writes them, with LF and with CRLF line ends."""
    from datetime import datetime, timezone
    from pathlib import Path

    from lxml import etree

    from fel.emulator.dataset import Dataset
    from fel.emulator.render import entity_node, to_xml
    from fel.schema import load_schema

    ds = Dataset(seed=2, now=datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc))
    ds.build_all()
    out = []
    for qtype in load_schema():
        items = "".join(to_xml(entity_node(e, "https://em:9398/api"), declaration=False)
                        for e in ds.entities(qtype.name)[:3])
        body = f'<QueryResult xmlns="{NS}"><Entities><Items>{items}</Items></Entities></QueryResult>'
        root = etree.fromstring(body.encode())
        etree.indent(root, space="    ")
        out.append((qtype.name, etree.tostring(root)))
    shared = Path(__file__).resolve().parents[1] / "fixtures" / "shared" / "responses"
    out += [(p.stem, p.read_bytes()) for p in sorted(shared.glob("query-*.xml"))]
    return [(f"{name}-{end}", body.replace(b"\n", b"\r\n") if end == "crlf" else body)
            for name, body in out for end in ("lf", "crlf")]


@pytest.mark.parametrize("name, body", _indented_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_type_decodes_the_same_with_indentation_dropped(name: str, body: bytes) -> None:
    from fel.client.decode import _page_from_xml
    from fel.client.xmlcodec import _indentation_droppable

    assert _indentation_droppable(body) == (b"\r" not in body)  # LF: the fast parse is the one tested
    fast = decode_page(body, "application/xml")
    plain = _page_from_xml(body, parse_xml(body))
    assert len(fast.entities) == len(plain.entities) > 0
    for a, b in zip(fast.entities, plain.entities):
        assert (typed(a.fields), typed(a.attributes), a.element, a.links) == (
            typed(b.fields), typed(b.attributes), b.element, b.links)


def test_threads_learning_one_plan_decode_alike() -> None:
    """Threads decoding pages of a type whose plan is still empty (fan-out decodes pages in
    threads) all get the oracle's entities: a tag being learnt by one thread is never read half
    learnt by another."""
    import threading

    from fel.client.xmlcodec import _PLANS

    items = "".join(
        f'<Item Type="BackupJobSession" Name="n{i}"><Progress>{i}</Progress>'
        f'<CreationTimeUTC>2025-08-15T20:00:24Z</CreationTimeUTC><JobName>2024</JobName></Item>'
        for i in range(300))
    body = f'<QueryResult xmlns="{NS}"><Entities><Items>{items}</Items></Entities></QueryResult>'.encode()
    want = [(typed(f), typed(a)) for a, f, _, _ in map(ref.decode_entity, parse_xml(body)[0][0])]
    for round_ in range(5):
        _PLANS.pop("BackupJobSession", None)
        got: list = [None] * 8
        barrier = threading.Barrier(8)

        def work(k: int) -> None:
            barrier.wait()
            got[k] = [(typed(e.fields), typed(e.attributes)) for e in decode_page(body, "application/xml").entities]

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(g == want for g in got), round_
