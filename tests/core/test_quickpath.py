"""The quick path (fel.quickpath) against the full path, its oracle: for every input it either
declines (None) or gives exactly the full path's diagnostics and compiled query.

Inputs: the golden inputs, generated filters over the real schema in every input form (bare
filter, statement, query string raw and percent-encoded per value or as a whole value,
relative and full URLs) with nasty values (issue 14's non-ASCII digits, control characters,
overflowing numbers, lone surrogates), and random text. A table of clean inputs must be taken,
so that a quick path declining everything fails here too.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import fel
from fel import api
from fel.api import read_and_check
from fel.compiler import compile_checked
from fel.diagnostics import FelError, Severity
from fel.quickpath import quick
from fel.schema import Kind, load_schema

GOLDEN = Path(__file__).parent / "golden" / "expected.jsonl"
NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)


def full(text: str, type: str | None = None, em_version: str | None = None):
    """The oracle: (diagnostics, compiled query or None) from the full path."""
    reading, diags = read_and_check(text, type=type, em_version=em_version)
    compiled = None
    if reading.query is not None and not any(d.severity is Severity.ERROR for d in diags):
        try:
            compiled = compile_checked(reading.query, now=NOW)
        except FelError:
            compiled = None
    return tuple(diags), compiled


def agrees(text: str, type: str | None = None, em_version: str | None = None) -> bool:
    """Assert the quick answer (if any) is the full path's; True when the quick path answered."""
    got = quick(text, type, em_version)
    only_compiled = quick(text, type, em_version, diagnostics=False)  # what compile() asks
    assert (only_compiled is None) == (got is None)
    if got is None:
        return False
    assert only_compiled == ((), got[1])
    want = full(text, type, em_version)
    assert want[1] is not None, f"quick path accepted {text!r} ({type}), which the full path does not compile"
    assert got == want, f"{text!r} ({type}, {em_version}): quick {got} != full {want}"
    return True


# ---- inputs that must take the quick path -----------------------------------------------------

MUST_TAKE = [
    ('Result==Failed;JobName=="Backup Job 2"', "BackupJobSession"),
    ('Result==Failed;CreationTime>="2025-08-15T06:00:00Z";CreationTime<="2025-08-16T13:00:00Z"', "BackupJobSession"),
    ("(JobType==Replica;ScheduleConfigured==false),(JobType==Backup;ScheduleConfigured==true)", "Job"),
    ("FreeSpace<107374182400", "Repository"),
    ("Result==Failed;VmDisplayName==dbserver01", "BackupTaskSession"),
    ('BackupServerName=="172.24.31.67";Enabled==true', "CloudGateway"),
    ('BackupUid=="urn:veeam:Backup:39cb6675-8930-436a-8ac3-8a4ae6195cb1";FileType==vbk', "BackupFile"),
    ("BackupJobSession", None),
    ('BackupJobSession where Result == Failed and JobName == "Backup Job 2" order by CreationTime desc limit 50', None),
    ("Job where JobType == Backup or JobType == Replica format entities", None),
    ("Job where (JobType == Backup and Platform == VMware) or Name == x page 2 limit 10", None),
    ("type=Job&filter=Name%3D%3D%22x%22", None),
    ("type=BackupJobSession&filter=" + quote('Result==Failed;JobName=="Backup Job 2"', safe="") + "&pageSize=10", None),
    ("type=BackupJobSession&filter=" + quote_plus('JobName=="Backup Job 2"') + "&pageSize=10&page=3", None),
    ("?type=Job&filter=Name==x&sortAsc=Name&pageSize=5", None),
    ("/api/query?type=Job&filter=Name==x", None),
    ("query?type=Job&filter=Name==x&format=Entities", None),
    ("https://em:9398/api/query?type=BackupJobSession&filter=Result%3D%3DFailed&sortDesc=CreationTime&pageSize=50&page=1",
     None),
    ("https://em.example.local/api/query?type=Repository&filter=FreeSpace%3C1000", None),
    ("http://10.0.0.5:9399/api/query?type=Job&format=References", None),
]


@pytest.mark.parametrize("text,type", MUST_TAKE)
def test_clean_input_takes_the_quick_path(text, type):
    assert agrees(text, type), f"declined: {text!r}"


def test_the_api_answers_with_the_quick_path(monkeypatch):
    """check and compile take the quick answer (no reading), and give what the full path gives."""
    api.clear_caches()
    calls = []
    monkeypatch.setattr(api, "read_and_check", lambda *a, **k: calls.append(a) or read_and_check(*a, **k))
    text = 'BackupJobSession where Result == Failed and JobName == "Backup Job 2" limit 5'
    assert fel.check(text) == []
    assert fel.compile(text) == ("https://localhost:9398/api/query?type=BackupJobSession&filter=Result%3D%3DFailed"
                                 "%3BJobName%3D%3D%22Backup%20Job%202%22&pageSize=5&page=1")
    assert fel.compile("type=Job&filter=Name%3D%3Dx", base="em") == \
        "https://em:9398/api/query?type=Job&filter=Name%3D%3Dx"
    assert calls == []
    assert [d.code for d in fel.check("Job where Nme == x")] == ["FEL101"]  # declined: the full path
    assert calls
    api.clear_caches()


MUST_DECLINE = [
    ("Job where Nme == x", None), ("job where Name == x", None), ("Job where name == x", None),
    ("BackupJobSession where CreationTime >= now-24h", None), ("Job where Name == now", None),
    ("Job where not Name == x", None), ("Job where Name in (a, b)", None),
    ("JobType==Backup;Name==x,Name==y", "Job"), ("Name=='x'", "Job"), ('Name=="a\x00b"', "Job"),
    ('Name=="d\u00e9j\u00e0"', "Job"), ("FreeSpace<\u0665", "Repository"), ("Result==failed", "BackupJobSession"),
    ("type=Job&filter=Name==x&pageSize=0", None), ("type=Job&filter=Name==x&pagesize=5", None),
    ("type=Job&type=Job", None), ("type=Job&filter=", None), ("type=Job&page=2", None),
    ("https://em:9398/api/query?type=Job#x", None), ("HTTPS://em/api/query?type=Job", None),
    ("type%3DJob%26filter%3DName%3D%3Dx", None), ("Job where Name == x limit 5 limit 6", None),
]


@pytest.mark.parametrize("text,type", MUST_DECLINE)
def test_input_with_something_to_say_is_declined(text, type):
    assert quick(text, type) is None
    full(text, type)  # and the full path answers without raising


# ---- the golden inputs ------------------------------------------------------------------------

def _golden():
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        yield row["input"], row["type"]


def test_golden_inputs_agree():
    taken = sum(agrees(text, type) for text, type in _golden())
    assert taken >= 40  # the clean golden inputs take it


def test_golden_inputs_agree_with_an_em_version():
    for version in ("9.5", "12.0", "13"):
        for text, type in _golden():
            agrees(text, type, version)


# ---- generated inputs over the real schema -------------------------------------------------------

SCHEMA = load_schema()
TYPES = sorted(t.name for t in SCHEMA.types) if hasattr(SCHEMA, "types") else sorted(SCHEMA.type_names)
GUID = "39cb6675-8930-436a-8ac3-8a4ae6195cb1"
NASTY = ["", " ", "x y", "'x'", "a\x00b", "a\tb", "\x7f", "\u0665", "\uff11\uff12", "\ud800", "\u00e9", "9" * 25,
         "-0", "+5", "1e5", "1.5", ".5", "5.", "0x10", "now", "now-24h", "today-1d", "Now", "now-99999999w",
         '"', 'a""b', "a;b", "a,b", "(", "true", "True", "FALSE", "yes", GUID, f"urn:veeam:Job:{GUID}",
         f"urn:veeam:Backup:{GUID}", f"urn:veeam:job:{GUID}", "urn:veeam:Job:nope", "2025-08-15T06:00:00Z",
         "2025-08-15T06:00:00.5Z", "2025-08-15", "2025-08-15 06:00:00", "2025-08-15T06:00:00+02:00",
         "2025-13-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-08-15T06:00:00z"]


def _values_for(field) -> list[str]:
    out = list(NASTY)
    if field.kind is Kind.ENUM:
        out += list(field.enum) + [v.lower() for v in field.enum] + [v.upper() for v in field.enum]
        out += [s for s, _ in field.enum_spellings]
    return out


@st.composite
def comparisons(draw, qtype):
    field = draw(st.sampled_from(qtype.fields))
    name = draw(st.sampled_from([field.name, field.name, field.name.lower(), field.name + "x"]))
    op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
    value = draw(st.sampled_from(_values_for(field)))
    if draw(st.booleans()):
        value = '"' + value.replace('"', '""') + '"'
    return f"{name}{op}{value}"


@st.composite
def filters(draw, qtype, statement: bool):
    parts = [draw(comparisons(qtype)) for _ in range(draw(st.integers(1, 4)))]
    seps = [" and ", " or ", ";", ","] if statement else [";", ",", ";", ","]
    text = parts[0]
    for p in parts[1:]:
        text += draw(st.sampled_from(seps)) + p
    if draw(st.integers(0, 3)) == 0 and len(parts) > 1:  # a group
        cut = text.find(parts[1]) + len(parts[1])
        text = "(" + text[:cut] + ")" + text[cut:]
    return text


@st.composite
def inputs(draw):
    qtype = SCHEMA.type(draw(st.sampled_from(TYPES)))
    form = draw(st.sampled_from(["filter", "statement", "qs", "qs-encoded", "qs-plus", "relative", "url"]))
    version = draw(st.sampled_from([None, None, "9.5", "11", "12.0", "13.0", "nonsense"]))
    if form == "filter":
        return draw(filters(qtype, False)), draw(st.sampled_from([qtype.name, qtype.name.lower()])), version
    if form == "statement":
        text = qtype.name
        if draw(st.booleans()):
            text += " where " + draw(filters(qtype, True))
        if draw(st.booleans()):
            text += f" order by {draw(st.sampled_from(qtype.fields)).name} {draw(st.sampled_from(['', 'asc', 'desc']))}"
        if draw(st.booleans()):
            text += f" limit {draw(st.sampled_from(['1', '50', '0', '007', '999999999999']))}"
        if draw(st.booleans()):
            text += f" page {draw(st.sampled_from(['1', '2', '0']))}"
        if draw(st.booleans()):
            text += f" format {draw(st.sampled_from(['entities', 'References', 'xml']))}"
        return text, None, version
    flt = draw(filters(qtype, False))
    value = {"qs-encoded": quote(flt, safe="", errors="surrogatepass"),
             "qs-plus": quote_plus(flt, errors="surrogatepass")}.get(form, flt)
    params = [f"type={draw(st.sampled_from([qtype.name, qtype.name, qtype.name.lower()]))}", f"filter={value}"]
    if draw(st.booleans()):
        params.append(f"pageSize={draw(st.sampled_from(['10', '0', '05', '-1', 'x']))}")
    if draw(st.booleans()):
        params.append(f"page={draw(st.sampled_from(['1', '3', '0']))}")
    if draw(st.booleans()):
        params.append(f"{draw(st.sampled_from(['sortAsc', 'sortDesc', 'sortdesc']))}="
                      f"{draw(st.sampled_from(qtype.fields)).name}")
    if draw(st.booleans()):
        params.append(f"format={draw(st.sampled_from(['Entities', 'entities', 'References', 'Xml']))}")
    order = draw(st.permutations(params))
    qs = "&".join(order)
    if form == "relative":
        qs = draw(st.sampled_from(["/api/query?", "query?", "?", "/api//query?", "/x/query?"])) + qs
    elif form == "url":
        qs = draw(st.sampled_from(["https://em:9398/api/query?", "http://em/api/query?", "https://EM.local:9398/api/query?",
                                   "https://em:0/api/query?", "https://em:99999/api/query?", "https://[::1]:9398/api/query?",
                                   "https://em:9398/API/query?", "https://em:9398/api/query/?"])) + qs
    return qs, None, version


@given(inputs())
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(('CreationTime>="2025-08-15T06:00:00Z"', "BackupJobSession", None))
@example(("type=Job&filter=Name==x", None, "nonsense"))
def test_generated_inputs_agree(case):
    text, type, version = case
    agrees(text, type, version)


def _clean_value(field) -> str | None:
    """A value the checker accepts without a word, per kind; None: nothing simple."""
    if field.kind is Kind.ENUM:
        return field.enum[0] if field.enum else None
    return {Kind.STRING: '"Backup Job 2"', Kind.BOOLEAN: "true", Kind.INTEGER: "5", Kind.DECIMAL: "2.5",
            Kind.DATETIME: '"2025-08-15T06:00:00Z"', Kind.REFERENCE: "urn:VMware:Vm:host.vm-1",
            Kind.UID: f"urn:veeam:{field.urn_types[0]}:{GUID}" if field.urn_types else GUID}[field.kind]


def test_every_documented_field_of_every_type_takes_the_quick_path():
    """Derived from the schema: a clean comparison on each filterable field, in four forms."""
    taken = 0
    for qtype in SCHEMA.types:
        for field in qtype.fields:
            value = _clean_value(field)
            if value is None or field.undocumented or not field.filterable_in(None):
                continue
            flt = f"{field.name}=={value}"
            cases = [(flt, qtype.name), (f"{qtype.name} where {field.name} == {value} limit 3", None),
                     (f"type={qtype.name}&filter={quote(flt, safe='')}&pageSize=3", None),
                     (f"https://em:9398/api/query?type={qtype.name}&filter={quote_plus(flt)}", None)]
            for text, type in cases:
                assert agrees(text, type), f"declined: {text!r}"
                taken += 1
    assert taken > 400


@given(st.text(alphabet='JobNamex=!<>;,()"& %3D2Fa+?/:.\'\t\x00\u0665', max_size=40),
       st.sampled_from([None, "Job"]))
@settings(max_examples=1500, deadline=None)
def test_random_text_agrees(text, type):
    agrees(text, type)
    agrees("type=Job&filter=" + text, None)
    agrees("Job where " + text, None)


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_text_agrees(text):
    agrees(text, "Job")
    agrees(text)


@given(st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25), st.integers(0, 61),
       st.integers(0, 61), st.sampled_from(["Z", "z", "", ".5Z", "+00:00"]), st.sampled_from(["T", " ", "t"]))
@settings(max_examples=600, deadline=None)
@example(1, 1, 1, 0, 0, 0, "Z", "T")
@example(2024, 2, 29, 23, 59, 59, "Z", "T")
@example(2025, 2, 29, 0, 0, 0, "Z", "T")
def test_datetime_values_agree(y, mo, d, h, mi, s, zone, sep):
    """The quick path's own check of canonical DateTimes against parse_datetime's reading."""
    value = f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{zone}"
    agrees(f'CreationTime>="{value}"', "BackupJobSession")
    agrees(f'BackupJobSession where CreationTime < "{value}"')


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.text(
    alphabet=st.characters(max_codepoint=127), max_size=40) | st.text(alphabet="AZaz09_.~-/ +", max_size=20))
@settings(max_examples=500, deadline=None)
def test_url_encoding_is_quote(text):
    """The compiler's encoding (unreserved text as is, a filter's usual characters by plain
    replacement) equals urllib's quote(text, safe="")."""
    from fel.compiler import encode_params
    assert encode_params([("filter", text)]) == "filter=" + quote(text, safe="")


@given(st.text(alphabet="%+\\x0123456789abcdefABCDEFgG=;\"u ", max_size=30))
@settings(max_examples=800, deadline=None)
@example("%zz%4")
@example("\\x41%41")
def test_percent_decoding_is_unquote_plus(raw):
    """The quick path's C-speed decoding equals urllib's unquote_plus wherever the result is
    ASCII (a non-ASCII result is declined either way)."""
    from urllib.parse import unquote_plus

    from fel.quickpath.forms import _unquote_plus
    want = unquote_plus(raw)
    got = _unquote_plus(raw)
    assert got == want or not (got.isascii() and want.isascii())


@given(st.text(max_size=12), st.sampled_from([None, "Entities"]), st.none() | st.text(max_size=12),
       st.none() | st.tuples(st.text(max_size=8), st.booleans()), st.none() | st.integers(-5, 10**12),
       st.none() | st.integers(-5, 10**12))
@settings(max_examples=300, deadline=None)
def test_query_string_is_encode_params(qtype, fmt, flt, sort, page_size, page):
    from fel.compiler import CompiledQuery, encode_params
    q = CompiledQuery(qtype.replace("\ud800", ""), fmt, flt if flt is None else flt.encode("utf-8", "ignore").decode(),
                      sort, page_size, page)
    try:
        want = encode_params(q.params)
    except UnicodeEncodeError:
        return
    assert q.query_string() == want
