"""Regression tests for what the issue #14 campaign found in check/compile (and issue #11's
value warnings): every case names the code check gives, where, and what compile does."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

import fel
from fel.api import REQUEST_LINE_LIMIT
from fel.checker.urlshape import authority_problem
from fel.checker.values import MAX_TIME_OFFSET, parse_datetime, resolve_time_expr
from fel.diagnostics import FelError, Severity

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)


def codes(text, type=None):
    return [(d.code, d.span.start, d.span.end) for d in fel.check(text, type=type)]


def errors(text, type=None):
    return [d.code for d in fel.check(text, type=type) if d.severity is Severity.ERROR]


# (input, expected (code, start, end) among the diagnostics) — each must also refuse to compile
# with a FelError (never UnicodeEncodeError, OverflowError or a URL a server misreads).
REJECTED = [
    ('Job where Name == "\ud800"', ("FEL014", 19, 20)),
    ('Job where Name == "a\udcff\udcfeb"', ("FEL014", 20, 22)),
    ("type=Job&pageSize=10&filter=Name==%22\udfff%22", ("FEL014", 37, 38)),
    ("BackupJobSession where CreationTime > now-999999w", ("FEL213", 38, 49)),
    ("BackupJobSession where CreationTime > today+999999d", ("FEL213", 38, 51)),
    ("BackupJobSession where CreationTime > now-52179w", ("FEL213", 38, 48)),
    ("BackupJobSession where CreationTime in (now, now-365251d)", ("FEL213", 45, 56)),
    ('BackupJobSession where CreationTime > "0001-01-01T00:00:00+01:00"', ("FEL201", 38, 65)),
    ('BackupJobSession where CreationTime > "9999-12-31T23:59:59-01:00"', ("FEL201", 38, 65)),
    ("https://[:9398/api/query?type=Job&pageSize=10", ("FEL413", 8, 9)),
    ("https://[zz]:9398/api/query?type=Job&pageSize=10", ("FEL413", 8, 12)),
    ("https://[::1]x/api/query?type=Job&pageSize=10", ("FEL413", 13, 14)),
    ("https://em 1:9398/api/query?type=Job&pageSize=10", ("FEL413", 10, 11)),
    ("https://em:99999/api/query?type=Job&pageSize=10", ("FEL413", 11, 16)),
    ("https://em:９３９８/api/query?type=Job&pageSize=10", ("FEL413", 11, 15)),
    ("https://em:9398:1/api/query?type=Job&pageSize=10", ("FEL413", 8, 15)),
    ("https:///api/query?type=Job&pageSize=10", ("FEL413", 8, 8)),
    ("https://em:9398/api#/query?type=Job&pageSize=10", ("FEL413", 19, 20)),
    ("https://em:9398/api/query?type=Job&pageSize=10&filter=Name==a#b", ("FEL413", 61, 62)),
    ("/api/query?type=Job&pageSize=10#top", ("FEL413", 31, 32)),
    ("type=Job&pageSize=%D9%A5", ("FEL304", 18, 24)),
    ("type=Job&pageSize=%E2%80%835", ("FEL304", 18, 28)),
    ("type=Job&pageSize=10&page=%EF%BC%91", ("FEL305", 26, 35)),
    ("type=Repository&pageSize=10&filter=Capacity==%D9%A5", ("FEL206", 45, 51)),
    ("type=Repository&pageSize=10&filter=Capacity>1%D9%A0", ("FEL206", 44, 51)),
    ("type=Repository&pageSize=10&filter=Capacity==%22%E2%80%835%22", ("FEL206", 45, 61)),
    ('BackupJobSession where CreationTime > "\u0662\u0660\u0662\u0665-08-15T06:00:00Z"', ("FEL201", 38, 60)),
    ("BackupJobSession where CreationTime > now-\u0665h", ("FEL201", 38, 44)),
    # re.IGNORECASE alone matches U+017F (long s) to `s`: `now-5ſ` was a time value whose unit
    # then had no meaning (KeyError from check); `httpſ://` read as a URL.
    ("BackupJobSession where CreationTime > now-5\u017f", ("FEL201", 38, 44)),
    ("http\u017f://em:9398/api/query?type=Job&pageSize=1", ("FEL001", 0, 5)),
    # A newline in the path made the compiler drop the whole base: …localhost:9398… instead of em.
    ("https://em:9398/a\npi/query?type=Job&pageSize=10", ("FEL413", 17, 18)),
    ("https://em:9398/api/query\t?type=Job&pageSize=10", ("FEL413", 25, 26)),
    ("https://em:9398/a pi/query?type=Job&pageSize=10", ("FEL413", 17, 18)),
    ("https://em:9398/api\\query?type=Job&pageSize=10", ("FEL413", 19, 20)),
    # No path at all: it compiled to …:9398/query?…, another wrong endpoint.
    ("https://em:9398?type=Job&pageSize=1", ("FEL401", 15, 15)),
]


@pytest.mark.parametrize("text,expected", REJECTED)
def test_check_reports_what_compile_cannot_send(text, expected):
    found = codes(text)
    assert expected in found, found
    assert expected[0] in errors(text)
    with pytest.raises(FelError) as info:
        fel.compile(text, now=NOW)
    assert expected[0] in [d.code for d in info.value.diagnostics]


# Accepted: the URL compile gives for each (and it checks clean and compiles to itself).
ACCEPTED = [
    ('BackupJobSession where CreationTime > "0001-01-01T00:00:00Z"',
     "filter=CreationTime%3E%220001-01-01T00%3A00%3A00Z%22"),
    ('BackupJobSession where CreationTime > "0999-12-31T23:59:59Z"',
     "filter=CreationTime%3E%220999-12-31T23%3A59%3A59Z%22"),
    ("BackupJobSession where CreationTime > now-52178w", "filter=CreationTime%3E%221026-11-25T12%3A00%3A00Z%22"),
    ("BackupJobSession where CreationTime > today-365250d", "filter=CreationTime%3E%221026-11-21T00%3A00%3A00Z%22"),
    ("https://[::1]:9398/api/query?type=Job&pageSize=10", "https://[::1]:9398/api/query?type=Job&pageSize=10"),
    ("https://[fe80::1%25eth0]:9398/api/query?type=Job&pageSize=10", "type=Job&pageSize=10"),
    ("https://bücher.example:9398/api/query?type=Job&pageSize=10", "https://bücher.example:9398/api/query?"),
    ("type=Job&pageSize=%2010%20", "pageSize=10"),
    ("type=Job&filter=Name==%22a%23b%22&pageSize=10", "filter=Name%3D%3D%22a%23b%22"),
    # `query/?`: the base stops before the endpoint (it compiled to …/api/query/query?…).
    ("https://em:9398/api/query/?type=Job&pageSize=10", "https://em:9398/api/query?type=Job&pageSize=10"),
]


@pytest.mark.parametrize("text,expected", ACCEPTED)
def test_accepted_inputs_compile_to_a_fixed_point(text, expected):
    assert not errors(text), fel.check(text)
    url = fel.compile(text, now=NOW)
    assert expected in url
    assert not errors(url)
    assert fel.compile(url, now=NOW) == url


def test_time_offset_bound_is_exactly_1000_years():
    assert MAX_TIME_OFFSET.days == 365250
    assert not errors("BackupJobSession where CreationTime >= now-365250d")
    assert errors("BackupJobSession where CreationTime >= now-365251d") == ["FEL213"]
    assert errors("BackupJobSession where CreationTime >= now+8766000h") == ["FEL201"]  # 7 digits: not a time value
    assert not errors("BackupJobSession where CreationTime >= now+999999h")  # 114 years


def test_compile_with_a_far_clock_raises_a_diagnostic_not_overflow():
    text = "BackupJobSession where CreationTime > now+52178w"
    with pytest.raises(FelError) as info:
        fel.compile(text, now=datetime(9500, 1, 1, tzinfo=timezone.utc))
    assert [d.code for d in info.value.diagnostics] == ["FEL213"]
    with pytest.raises(ValueError):
        resolve_time_expr("now-1w", datetime(1, 1, 2, tzinfo=timezone.utc))


def test_years_below_1000_have_four_digits_from_a_time_value():
    url = fel.compile("BackupJobSession where CreationTime > now-52178w", now=datetime(1500, 1, 1, tzinfo=timezone.utc))
    assert "%220499-12-28T00%3A00%3A00Z%22" in url
    assert fel.compile(url) == url


def test_parse_datetime_never_overflows():
    assert parse_datetime("0001-01-01T00:00:00+01:00") is None
    assert parse_datetime("0001-01-01T00:00:00-01:00").utc.year == 1
    assert parse_datetime("9999-12-31T23:59:59-01:00") is None


@pytest.mark.parametrize("authority,expected", [
    ("em:9398", None), ("em", None), ("10.0.0.5:9399", None), ("[::1]:9398", None), ("[::1]", None),
    ("user:pw@em:9398", None), ("em:", None), ("EM-01.corp.example_x:1", None),
    ("", (0, 0)), ("[", (0, 1)), ("[::1", (0, 1)), ("[::g]", (0, 5)), ("[::1]9398", (5, 9)), ("em:0", (3, 4)),
    ("em:65536", (3, 8)), ("em:-1", (3, 5)), ("e m", (1, 2)), ("em\\x", (2, 3)), ("a:b:1", (0, 3)),
    (":9398", (0, 1)), ("user@", (5, 5)),
])
def test_authority_problems(authority, expected):
    problem = authority_problem(authority)
    assert (problem[:2] if problem else None) == expected, problem


# ---- issue #11: control characters and the request-line length --------------------------------

@pytest.mark.parametrize("text,span", [
    ('Job where Name == "a\x00b"', (18, 23)),
    ('Job where Name == "a\tb"', (18, 23)),
    ('Job where Name == "line\nbreak"', (18, 30)),
    ('Job where Name in ("ok", "\x85")', (25, 28)),
    ("type=Job&pageSize=5&filter=Name==%00", (33, 36)),
    ("type=Job&pageSize=5&filter=Name==%22x%7F%22", (33, 43)),
    ("type=Job&pageSize=5&filter=Name==%C2%9F", (33, 39)),
])
def test_control_characters_are_warned(text, span):
    found = [d for d in fel.check(text) if d.code == "FEL214"]
    assert len(found) == 1 and (found[0].span.start, found[0].span.end) == span
    assert found[0].severity is Severity.WARNING
    assert fel.compile(text)  # a warning: it still compiles


@pytest.mark.parametrize("text", ['Job where Name == "é ü 😀 \u00a0 \u2028"', 'Job where Name == "a b"',
                                  "type=Job&pageSize=5&filter=Name==%C3%A9"])
def test_printable_values_get_no_control_warning(text):
    assert "FEL214" not in [d.code for d in fel.check(text)]


def _names(n: int) -> str:
    return "Job where Name in (" + ",".join(["a"] * n) + ")"


def _request_line(url: str) -> int:
    target = url[url.index("/", url.index("//") + 2):]
    return len(f"GET {target} HTTP/1.1\r\n")


def test_request_line_over_the_limit_is_warned_and_under_is_not():
    # Find the largest `in` list under the limit, then show one more value crosses it.
    n = 1
    while _request_line(fel.compile(_names(n * 2))) <= REQUEST_LINE_LIMIT:
        n *= 2
    lo, hi = n, n * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _request_line(fel.compile(_names(mid))) <= REQUEST_LINE_LIMIT else (lo, mid)
    assert "FEL414" not in [d.code for d in fel.check(_names(lo))]
    over = [d for d in fel.check(_names(hi)) if d.code == "FEL414"]
    assert len(over) == 1 and over[0].severity is Severity.WARNING
    assert (over[0].span.start, over[0].span.end) == (0, len(_names(hi)))
    assert f"{_request_line(fel.compile(_names(hi))):,} bytes" in over[0].message


def test_request_line_warning_for_url_input():
    url = "https://em:9398/api/query?type=Job&pageSize=5&filter=" + ",".join(["Name==a"] * 2500)
    assert "FEL414" in [d.code for d in fel.check(url)]


def test_expansion_factor_bounds_every_field():
    """fel.api skips compiling input shorter than (limit - 64) / compiler.EXPANSION characters
    (compiler.SHORT_ENOUGH): no input may expand more. The worst is an `in` list of the
    shortest values of each field."""
    from fel import compiler
    from fel.schema import Kind, load_schema
    schema = load_schema()
    worst = 0.0
    for qtype in (schema.type(n) for n in schema.type_names):
        for field in qtype.fields:
            if getattr(field, "sort_only", False):
                continue
            short = {Kind.DATETIME: "now", Kind.BOOLEAN: "true", Kind.INTEGER: "1", Kind.DECIMAL: "1",
                     Kind.UID: None}.get(field.kind, min(field.enum, key=len) if field.enum else "a")
            if short is None:
                continue
            text = f"{qtype.name} where {field.name} not in ({','.join([short] * 60)})"
            diags = fel.check(text)
            assert not [d for d in diags if d.severity is Severity.ERROR], (text, diags)
            worst = max(worst, (_request_line(fel.compile(text)) - 64) / len(text))
    assert worst <= compiler.EXPANSION, worst


def test_invalid_utf8_on_the_command_line_is_a_diagnostic_not_a_traceback():
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    for cmd in ("compile", "check", "explain"):
        proc = subprocess.run([sys.executable, "-m", "fel", cmd, b'Job where Name == "\xff"'],
                              capture_output=True, env=env, timeout=60)
        err = proc.stderr.decode("utf-8", "replace") + proc.stdout.decode("utf-8", "replace")
        assert proc.returncode == 1, (cmd, err)
        assert "FEL014" in err and "Traceback" not in err, (cmd, err)
