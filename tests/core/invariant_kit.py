"""Generated queries for the compile invariant (issue #14), shared by
tests/core/test_compile_invariant.py and tests/fuzz/fuzz_core.py.

The invariant: if ``fel.check(text)`` reports no error, ``fel.compile(text)`` returns a URL, and
that URL checks without error and compiles to itself. ``make_case(rng)`` draws one input —
a fel statement, a bare EM filter (with a type) or a URL — from the schema, mixing valid
values with the nasty ones the campaign found (lone surrogates, control characters,
non-ASCII digits, huge time offsets, years below 1000, malformed hosts, ``#``).
"""
from __future__ import annotations

import random
import re
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import fel
from fel.diagnostics import FelError, Severity
from fel.schema import Kind, load_schema

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)

NASTY_TEXT = ["\ud800", "\udcff", "a\udfffb", "a\x00b", "\x00", "\t", "line\nbreak", "\r\n", "\x7f", "\x85",
              "\x9f", "\u2028", "٥", "１２", "#", "a#b", "%", "%00", "%zz", "+", "a+b", "&", "&amp;", ";", ",",
              '"', "()", "é", "😀", "\ufeff", " ", "  x  ", "x" * 300, "now", "today", "null", "==", "\\",
              "'quoted'", "\u201cx\u201d", "\u017f", "\u212a", "\u0130", "ﬀ"]
NASTY_NUMBERS = ["0", "-1", "5", "٥", "１", "99999999999", "999999999999", "+5", " 5 ", "1e3", "1.5", "00012",
                 "\u20035", "5\x00", ""]
TIME_VALUES = ["now", "today", "now-24h", "today-7d", "now-999999w", "now+999999h", "today-365250d",
               "today-365251d", "now-52178w", "now+52179w", "now-999999s", "now-٥h", "NOW-1D", "now-5\u017f",
               "\u212a", "tod\u0430y"]
DATETIMES = ["0001-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+01:00",
             "9999-12-31T23:59:59-01:00", "2025-08-15 06:00:00", "2025-08-15T06:00:00.1234567Z",
             "٢٠٢٥-08-15T06:00:00Z", "2025-02-30T00:00:00Z", "2025-08-15", "2025-08-15T06:00:00+0200"]
GUIDS = ["39cb6675-8930-436a-8ac3-8a4ae6195cb1", "urn:veeam:Job:39cb6675-8930-436a-8ac3-8a4ae6195cb1",
         "urn:veeam:Backup:39cb6675-8930-436a-8ac3-8a4ae6195cb1", "urn:veeam:Job:٣٩cb6675-8930-436a-8ac3-8a4ae6195cb1"]
BASES = ["https://em:9398/api/query?", "http://10.0.0.5:9399/api/query?", "/api/query?", "query?", "",
         "https://[::1]:9398/api/query?", "https://[:9398/api/query?", "https://em:9398/api#/query?",
         "https://em:99999/api/query?", "https://em 1:9398/api/query?", "https://em:9398/api//query?",
         "HTTPS://EM:9398/API/QUERY?", "https://bücher.example:9398/api/query?", "https://em:9398:1/api/query?",
         "https://u@em/api/query?", "https:///api/query?", "https://em:9398/api/query?#", "https://em:9398/api/query/?",
         "https://em:9398?", "https://em:9398/?", "/api/query/?"]
OPS = ["==", "!=", "<", "<=", ">", ">="]

_SCHEMA = load_schema()
TYPES = [_SCHEMA.type(n) for n in _SCHEMA.type_names]


def _quote_fel(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _value(rng: random.Random, field) -> str:
    """A value as written in a filter (quoted where needed)."""
    roll = rng.random()
    if roll < 0.12:
        return _quote_fel(rng.choice(NASTY_TEXT))
    if roll < 0.18:
        return rng.choice(NASTY_NUMBERS) or "0"
    kind = field.kind
    if kind is Kind.DATETIME:
        if rng.random() < 0.4:
            return rng.choice(TIME_VALUES)
        if rng.random() < 0.3:
            n = rng.randint(0, 999999)
            return f"{rng.choice(['now', 'today'])}{rng.choice('+-')}{n}{rng.choice('smhdw')}"
        return _quote_fel(rng.choice(DATETIMES))
    if kind is Kind.ENUM and field.enum:
        v = rng.choice(field.enum)
        return v.lower() if rng.random() < 0.2 else v
    if kind is Kind.BOOLEAN:
        return rng.choice(["true", "false", "True", "yes"])
    if kind is Kind.INTEGER:
        return rng.choice([str(rng.randint(-5, 10**12)), rng.choice(NASTY_NUMBERS) or "1"])
    if kind is Kind.DECIMAL:
        return rng.choice(["1.5", "-0.25", "3", ".5", "1e3", "٥.٥"])
    if kind is Kind.UID:
        return _quote_fel(rng.choice(GUIDS))
    text = "".join(rng.choice("abcXYZ 019_-.é&;,#%+\"'") for _ in range(rng.randint(0, 12)))
    return _quote_fel(text) if rng.random() < 0.8 else (text.replace(" ", "") or "x")


def _field(rng: random.Random, qtype):
    fields = [f for f in qtype.fields if not getattr(f, "sort_only", False)] or list(qtype.fields)
    return rng.choice(fields)


def _expr(rng: random.Random, qtype, depth: int, friendly: bool) -> str:
    roll = rng.random()
    if depth <= 0 or roll < 0.45:
        f = _field(rng, qtype)
        name = f.name if rng.random() < 0.9 else f.name.lower()
        if friendly and rng.random() < 0.2:
            values = ", ".join(_value(rng, f) for _ in range(rng.randint(1, 4)))
            return f"{name} {'not ' if rng.random() < 0.3 else ''}in ({values})"
        sp = " " if friendly else ""
        return f"{name}{sp}{rng.choice(OPS)}{sp}{_value(rng, f)}"
    left, right = _expr(rng, qtype, depth - 1, friendly), _expr(rng, qtype, depth - 1, friendly)
    if friendly:
        if roll < 0.55:
            return f"not ({left})"
        joined = f"{left} {rng.choice(['and', 'or'])} {right}"
    else:
        joined = f"{left}{rng.choice(';,')}{right}"
    return f"({joined})" if rng.random() < 0.4 else joined


def make_statement(rng: random.Random) -> str:
    qtype = rng.choice(TYPES)
    parts = [qtype.name if rng.random() < 0.9 else qtype.name.lower()]
    if rng.random() < 0.85:
        parts.append("where " + _expr(rng, qtype, rng.randint(0, 3), True))
    if rng.random() < 0.3:
        parts.append(f"order by {_field(rng, qtype).name} {rng.choice(['asc', 'desc', ''])}".rstrip())
    if rng.random() < 0.4:
        parts.append(f"limit {rng.choice(['1', '50', '100000', '0'])}")
    if rng.random() < 0.15:
        parts.append(f"page {rng.choice(['1', '2', '0'])}")
    if rng.random() < 0.15:
        parts.append(f"format {rng.choice(['Entities', 'references', 'Bogus'])}")
    return " ".join(parts)


def make_url(rng: random.Random) -> str:
    qtype = rng.choice(TYPES)
    flt = _expr(rng, qtype, rng.randint(0, 3), False)
    mode = rng.random()
    if mode < 0.4:
        flt = quote(flt, safe="", errors="surrogatepass")
    elif mode < 0.6:
        flt = flt.replace(" ", "%20").replace('"', "%22")
    params = [f"type={qtype.name}", f"filter={flt}"]
    if rng.random() < 0.7:
        params.append(f"pageSize={quote(rng.choice(NASTY_NUMBERS[:6]), safe='') if rng.random() < 0.3 else '100'}")
    if rng.random() < 0.3:
        params.append(f"page={rng.choice(['1', '%D9%A5', '2'])}")
    if rng.random() < 0.3:
        params.append(f"{rng.choice(['sortAsc', 'sortDesc'])}={_field(rng, qtype).name}")
    if rng.random() < 0.15:
        params.append(f"format={rng.choice(['Entities', 'References'])}")
    rng.shuffle(params)
    return rng.choice(BASES) + "&".join(params)


def make_case(rng: random.Random) -> tuple[str, str | None]:
    """(text, type for a bare filter or None)."""
    roll = rng.random()
    if roll < 0.45:
        return make_statement(rng), None
    if roll < 0.85:
        return make_url(rng), None
    qtype = rng.choice(TYPES)
    return _expr(rng, qtype, rng.randint(0, 3), False), qtype.name


def invariant_failure(text: str, type_name: str | None = None) -> str | None:
    """None if the invariant holds for ``text``; else what broke. Never raises."""
    try:
        diags = fel.check(text, type=type_name)
    except Exception as exc:  # noqa: BLE001 - the campaign records anything
        return f"check raised {type(exc).__name__}: {exc}"
    for d in diags:
        if not (0 <= d.span.start <= d.span.end <= len(text)):
            return f"{d.code} span {d.span} outside the input"
    if any(d.severity is Severity.ERROR for d in diags):
        return None
    try:
        url = fel.compile(text, type=type_name, now=NOW)
    except Exception as exc:  # noqa: BLE001
        return f"check was clean but compile raised {type(exc).__name__}: {exc}"
    try:
        url.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"compiled URL is not UTF-8: {exc}"
    try:
        parts = urlsplit(url)
        parts.port, parts.hostname  # noqa: B018 - raise ValueError for a malformed host or port
    except ValueError as exc:
        return f"compiled URL {url!r} has a malformed host: {exc}"
    if parts.fragment or "#" in url:
        return f"compiled URL {url!r} holds a fragment"
    again = fel.check(url)
    errors = [d for d in again if d.severity is Severity.ERROR]
    if errors:
        return f"compiled URL {url!r} has errors: {[(d.code, d.message) for d in errors]}"
    try:
        second = fel.compile(url, now=NOW)
    except FelError as exc:
        return f"compiled URL does not compile: {exc}"
    if second != url:
        return f"not a fixed point: {url!r} -> {second!r}"
    return _path_failure(text, parts.path)


def _path_failure(text: str, compiled_path: str) -> str | None:
    """A URL input keeps its path: ``…/api/query/?`` once compiled to ``…/api/query/query?``."""
    source = text.strip()
    if not (source[:7].lower() == "http://" or source[:8].lower() == "https://"):  # relative: the default base
        return None if compiled_path == "/api/query" else f"compiled path {compiled_path!r} is not /api/query"
    try:
        path = urlsplit(source).path
    except ValueError:
        return None
    given = re.sub("/{2,}", "/", path).rstrip("/").lower()
    if given.endswith("query") and compiled_path.lower() != given:
        return f"the path {path!r} became {compiled_path!r}"
    return None
    return None
