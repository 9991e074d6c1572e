"""Differential tests for the full path's faster loops: each is compared with the
straightforward version it replaced (kept here as the reference) on generated input.

- ``fel.checker.values.parse_datetime`` (one ``groups()`` call, an aware datetime from the start)
  against the version that read each group by name and set the zone with ``replace()``;
- ``fel.checker.fieldrules.check_field_rules`` (skips the walk when nothing can be found)
  against the version that always walked the filter;
- ``fel.syntax.urlinput.read_url_parts`` (no offset map for a value with nothing to decode)
  against ``split_url`` (every value's :class:`Decoded`), which the reader used before.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from fel.checker.fieldrules import check_field_rules
from fel.checker.values import DateTimeValue, parse_datetime
from fel.diagnostics import make
from fel.schema import load_schema, parse_version
from fel.syntax.ast import Comparison, Membership, walk
from fel.syntax.reader import read
from fel.syntax.urlinput import decode, read_url_parts, split_url

# ---- parse_datetime -------------------------------------------------------------------------

_DT = re.compile(
    r"""^(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})
        (?:(?P<sep>[Tt ])(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,9}))?)?)?
        \s*(?P<tz>[Zz]|[+-][0-9]{2}:?[0-9]{2}|\s*UTC)?$""",
    re.VERBOSE,
)


def reference_parse_datetime(text: str) -> DateTimeValue | None:
    """parse_datetime as it was: groups by name, a naive datetime, the zone set by replace()."""
    m = _DT.match(text.strip())
    if not m:
        return None
    try:
        h = int(m.group("h") or 0)
        mi = int(m.group("mi") or 0)
        s = int(m.group("s") or 0)
        frac = m.group("f") or ""
        micro = int((frac + "000000")[:6]) if frac else 0
        dt = datetime(int(m.group("y")), int(m.group("mo")), int(m.group("d")), h, mi, s, micro)
    except ValueError:
        return None
    tz = m.group("tz")
    zone = tz.strip() if tz else None
    if zone and zone[0] in "+-":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        try:
            dt = dt - sign * offset
        except OverflowError:
            return None
        zone = f"{zone[0]}{digits[:2]}:{digits[2:]}"
    return DateTimeValue(dt.replace(tzinfo=timezone.utc), frac, m.group("h") is not None, zone,
                         m.group("sep") == " ")


def _digits(n: int, lo: int = 0, hi: int | None = None):
    hi = 10 ** n - 1 if hi is None else hi
    return st.integers(lo, hi).map(lambda v: str(v).zfill(n))


_ZONES = st.sampled_from(["", "Z", "z", "UTC", " UTC", "  UTC", "+00:00", "-0000", "+02:00", "-05:30", "+1400",
                          "+99:99", "-12:3", " Z", "+01:00 "])
_DATETIMES = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, zone, pad: (pad + y + "-" + mo + "-" + d
                                                       + (sep + h + ":" + mi + s + frac if sep else "") + zone + pad),
    st.one_of(_digits(4), st.sampled_from(["0001", "9999", "2024", "1900", "2100"])),
    st.one_of(_digits(2), st.sampled_from(["01", "02", "12", "13", "00"])),
    st.one_of(_digits(2), st.sampled_from(["01", "28", "29", "30", "31", "32", "00"])),
    st.sampled_from(["", "T", "t", " ", "x"]),
    st.one_of(_digits(2), st.sampled_from(["00", "23", "24"])),
    st.one_of(_digits(2), st.sampled_from(["00", "59", "60"])),
    st.one_of(st.just(""), _digits(2).map(lambda v: ":" + v)),
    st.one_of(st.just(""), st.integers(1, 10).flatmap(lambda n: _digits(n)).map(lambda v: "." + v)),
    _ZONES,
    st.sampled_from(["", " ", "\t"]),
)


def _same_datetime(a: DateTimeValue | None, b: DateTimeValue | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b and a.utc.tzinfo is b.utc.tzinfo and repr(a) == repr(b)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_DATETIMES, st.text(max_size=30), st.from_regex(r"[0-9Tt :.+Z-]{0,30}", fullmatch=True)))
def test_parse_datetime_equals_the_reference(text):
    assert _same_datetime(parse_datetime(text), reference_parse_datetime(text))


def test_parse_datetime_edges_equal_the_reference():
    for text in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2025-02-29", "2024-02-29 12:00",
                 "2025-08-15T06:00:00.1234567890Z", "2025-08-15t06:00Z", "2025-08-15 06:00:00 UTC",
                 "2025-08-15T06:00:00+0530", "", "  ", "٢٠٢٥-08-15"):
        assert _same_datetime(parse_datetime(text), reference_parse_datetime(text)), text


# ---- check_field_rules ------------------------------------------------------------------------

def reference_field_rules(expr, qtype, em_version, out) -> None:
    """check_field_rules as it was: the filter is always walked."""
    if qtype is None:
        return
    for node in walk(expr):
        if isinstance(node, Comparison):
            values = (node.value,)
        elif isinstance(node, Membership):
            values = node.values
        else:
            continue
        field = qtype.field(node.field.text)
        if field is None:
            continue
        if not field.filterable_in(em_version):
            if field.sort_only:
                message = f"{qtype.name} can be sorted by {field.name} but not filtered on it"
            else:
                message = (f"in Enterprise Manager {em_version}, {qtype.name} can be sorted by {field.name} "
                           f"but not filtered on it (filtering came in {field.filter_since})")
            out.append(make("FEL108", node.field.span, message,
                            hint=f"sort with sortAsc={field.name} (`order by {field.name}`) and filter on another field"))
        if em_version is None or not field.enum_since:
            continue
        for value in values:
            since = field.value_since(value.text)
            if since is not None and parse_version(since) > em_version:
                out.append(make("FEL109", value.span,
                                f"`{field.canonical_enum(value.text)}` is not a {field.name} value in Enterprise "
                                f"Manager {em_version} (it appeared in {since})",
                                hint=f"values in {em_version}: " + ", ".join(
                                    v for v in field.enum if (field.value_since(v) is None
                                                              or parse_version(field.value_since(v)) <= em_version))))


_SCHEMA = load_schema()
_TYPES = st.sampled_from(_SCHEMA.types)
_VERSIONS = st.sampled_from([None, "9.0", "9.5", "10.0", "11.0", "12.0", "12.3", "13.0"])


@st.composite
def _typed_filters(draw):
    qtype = draw(_TYPES)
    fields = qtype.fields
    terms = []
    for _ in range(draw(st.integers(1, 4))):
        f = draw(st.sampled_from(fields))
        name = draw(st.sampled_from([f.name, f.name.lower(), f.name.upper()]))
        value = draw(st.sampled_from(list(f.enum) or ["x"])) if f.enum else '"x"'
        if draw(st.booleans()) and f.enum:
            terms.append(f"{name} in ({value}, {draw(st.sampled_from(f.enum))})")
        else:
            terms.append(f"{name} == {value}")
    return qtype, f"{qtype.name} where " + " and ".join(terms)


@settings(max_examples=400, deadline=None)
@given(_typed_filters(), _VERSIONS)
def test_field_rules_equal_the_reference(typed, version):
    qtype, statement = typed
    query = read(statement).query
    assert query is not None and query.filter is not None, statement
    em = None if version is None else parse_version(version)
    got, want = [], []
    check_field_rules(query.filter, qtype, em, got)
    reference_field_rules(query.filter, qtype, em, want)
    assert got == want


def test_field_rules_still_find_sort_only_fields():
    """The skip must not hide FEL108: a type with a sort-only field reports it without a version."""
    typed = [(t, f) for t in _SCHEMA.types for f in t.fields if f.sort_only]
    assert typed, "the schema has sort-only fields"
    for qtype, field in typed:
        query = read(f'{qtype.name} where {field.name} == "x"').query
        out: list = []
        check_field_rules(query.filter, qtype, None, out)
        assert [d.code for d in out] == ["FEL108"], (qtype.name, field.name)


# ---- read_url_parts ---------------------------------------------------------------------------

_URL_PIECES = st.sampled_from([
    "type=Job", "type%3DJob", "TYPE=BackupJobSession", "filter=Name==\"a b\"", "filter=Name%3D%3D%22a%20b%22",
    "filter=Name==a+b", "filter=", "filter", "&", "&amp;", "&AMP;", "pageSize=10", "page=+1", "format=Entities",
    "sortAsc=name", "%26", "%3F", "?", "=", "+", "%zz", "%e2%80%9c", "\u00e9", " ", "#", "x=y",
])
_URL_HEADS = st.sampled_from(["", "https://em:9398/api/query?", "/api/query?", "query?", "query%3F", "?",
                              "  https://em:9398/api/query?", "http://h/api/query/", "/api/query?type%3DJob%26"])


@settings(max_examples=600, deadline=None)
@given(_URL_HEADS, st.lists(_URL_PIECES, max_size=8))
def test_read_url_parts_agrees_with_split_url(head, pieces):
    text = head + "&".join(pieces)
    parts, values = read_url_parts(text)
    whole_parts, decoded = split_url(text)
    assert parts == whole_parts
    assert len(values) == len(decoded) == len(parts.params)
    for p, v, d in zip(parts.params, values, decoded):
        if v is None:  # nothing to decode: the value is in the source as written
            assert d.text == p.value == text[p.value_span.start:p.value_span.end]
            assert d.shift == p.value_span.start
            assert d == decode(p.value, p.value_span.start)
        else:
            assert v == d
