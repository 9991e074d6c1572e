"""Hypothesis properties: printer round trips, compile → decode → parse, robustness and spans."""
from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fel
from fel.diagnostics import Locator
from fel.syntax.ast import And, Comparison, Membership, Name, Not, Or, Query, Sort, Number, Value
from fel.syntax.parser import parse_filter, parse_statement
from fel.syntax.printer import print_filter, print_statement

FIELD_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(
    lambda s: s.lower() not in {"and", "or", "not", "in", "where", "order", "by", "asc", "desc", "limit", "page", "format"})
VALUE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\u201c\u201d\u201e\u201f\u2033"), max_size=20)
OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])


def values():
    return VALUE_TEXT.map(lambda t: Value(t))


comparisons = st.builds(lambda f, op, v: Comparison(Name(f), op, v), FIELD_NAMES, OPS, values())


def em_exprs():
    return st.recursive(
        comparisons,
        lambda children: st.one_of(
            st.lists(children, min_size=2, max_size=4).map(lambda xs: And(tuple(xs))),
            st.lists(children, min_size=2, max_size=4).map(lambda xs: Or(tuple(xs))),
        ),
        max_leaves=8,
    ).map(_normalise)


def fel_exprs():
    memberships = st.builds(lambda f, vs, neg: Membership(Name(f), tuple(vs), neg), FIELD_NAMES,
                            st.lists(values(), min_size=1, max_size=3), st.booleans())
    return st.recursive(
        st.one_of(comparisons, memberships),
        lambda children: st.one_of(
            st.lists(children, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
            children.map(Not),
        ),
        max_leaves=8,
    ).map(_normalise)


def _normalise(expr):
    """Nested same-kind chains flatten when printed without parentheses: build them flat."""
    from fel.syntax.printer import flatten
    return flatten(expr)


@given(em_exprs())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_em_filter_round_trip(expr):
    assert parse_filter(print_filter(expr)) == expr


@given(fel_exprs())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_fel_filter_round_trip(expr):
    assert parse_filter(print_filter(expr, style="fel")) == expr


@given(st.sampled_from(["BackupJobSession", "Job", "Repository"]), st.one_of(st.none(), fel_exprs()),
       st.one_of(st.none(), st.builds(lambda f, d: Sort(Name(f), d), FIELD_NAMES, st.booleans())),
       st.one_of(st.none(), st.integers(0, 10**6)), st.one_of(st.none(), st.integers(0, 10**6)),
       st.one_of(st.none(), st.sampled_from(["Entities", "references"])))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_statement_round_trip(type_name, expr, sort, size, page, fmt):
    q = Query(Name(type_name), expr, sort, None if size is None else Number(size, str(size)),
              None if page is None else Number(page, str(page)), None if fmt is None else Name(fmt))
    assert parse_statement(print_statement(q)) == q


JOB_NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=30)


@given(JOB_NAMES)
@settings(max_examples=300)
def test_adversarial_values_survive_compile_url_decode(name):
    """`& ; , " + # %`, spaces, newlines, non-ASCII, NUL: compile → URL → any standard decoder
    gives back exactly the canonical filter, which parses back to the same value."""
    text = 'BackupJobSession where JobName == "' + name.replace('"', '""') + '"'
    compiled = fel.compile_query(text)
    url = compiled.url()
    assert " " not in url and "+" not in url.split("?", 1)[1].replace("%2B", "")
    query = urlsplit(url).query
    decoded = dict(parse_qsl(query, keep_blank_values=True))
    assert decoded["filter"] == compiled.filter
    for part in query.split("&"):
        k, v = part.split("=", 1)
        if k == "filter":
            assert unquote(v) == compiled.filter
    expr = parse_filter(compiled.filter)
    assert isinstance(expr, Comparison) and expr.value.text == name


@given(st.text(max_size=200))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_gives_diagnostics_not_exceptions(text):
    diags = fel.check(text)
    for d in diags:
        assert 0 <= d.span.start <= d.span.end <= len(text), (d, text)
        assert "__ANON" not in d.message and "$END" not in d.message
        if d.fix is not None:
            assert 0 <= d.fix.span.start <= d.fix.span.end <= len(text)
    Locator(text)
    for d in diags:
        d.to_dict(text)


URLISH = st.builds(lambda a, b, c: f"{a}type={b}&filter={c}", st.sampled_from(["", "/api/query?", "https://h:9398/api/query?", "query?"]),
                   st.sampled_from(["BackupJobSession", "job", "Nope", ""]), st.text(max_size=60))


@given(URLISH, st.one_of(st.none(), st.sampled_from(["BackupJobSession", "Job"])))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_url_gives_diagnostics_with_spans_inside(text, type_name):
    for d in fel.check(text, type=type_name):
        assert 0 <= d.span.start <= d.span.end <= len(text)


@given(em_exprs())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_check_never_raises_on_generated_filters(expr):
    text = print_filter(expr)
    for d in fel.check(text, type="BackupJobSession"):
        assert 0 <= d.span.start <= d.span.end <= len(text)


@given(st.text(alphabet="ab\n\r ", max_size=40), st.integers(min_value=-3, max_value=45))
def test_locator_positions_match_a_character_walk(text, offset):
    """Locator (one str.find per line) against the plain definition: line = 1 + newlines
    before the offset, column = 1 + characters since the last one (offsets clamped)."""
    at = max(0, min(offset, len(text)))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    loc = Locator(text)
    assert loc.position(offset) == (line, column)
    assert loc.line_text(line) == text.split("\n")[line - 1]
