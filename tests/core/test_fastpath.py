"""The fast path for plain filters and statements builds exactly the grammar's tree, or declines.

The grammar (grammar/fel.lark, through Lark) is the single source of truth: for any text,
``fast_filter`` returns None or a tree equal to Lark's in every field — including spans,
quoting, separators and parentheses, which ordinary AST equality ignores.
"""
from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fel.syntax.fastpath import fast_filter, fast_statement, quote_depth
from fel.syntax.parser import MAX_DEPTH, MAX_INPUT, SyntaxProblem, _parse, parse_filter, parse_statement
from fel.span import Span


def exactly_equal(a, b, path: str = "tree") -> None:
    """Assert ``a`` and ``b`` are the same class with equal fields, compare=False ones included."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            exactly_equal(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, tuple):
        assert len(a) == len(b), f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            exactly_equal(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def lark_tree(text: str, start: str = "filter"):
    """The grammar's tree for ``text`` (never the fast path), or the SyntaxProblem."""
    try:
        return _parse(text, start)
    except SyntaxProblem as err:
        return err


def assert_agrees(text: str, start: str = "filter") -> bool:
    """The fast path declines ``text`` or gives Lark's exact tree; returns whether it took it."""
    fast = (fast_filter if start == "filter" else fast_statement)(text, MAX_INPUT, MAX_DEPTH)
    if fast is None:
        return False
    slow = lark_tree(text, start)
    assert not isinstance(slow, SyntaxProblem), f"fast path accepted {text!r}; the grammar says {slow}"
    exactly_equal(fast, slow)
    return True


# ---- tables --------------------------------------------------------------------------------

MUST_TAKE_FAST_PATH = [
    "Result==Failed",
    'Result==Failed;JobName=="Backup Job 2"',
    'Result==Failed;CreationTime>="2025-08-15T06:00:00Z";CreationTime<="2025-08-16T13:00:00Z"',
    "(JobType==Replica;ScheduleConfigured==false),(JobType==Backup;ScheduleConfigured==true)",
    "FreeSpace<107374182400",
    'BackupUid=="urn:veeam:Backup:39cb6675-8930-436a-8ac3-8a4ae6195cb1";FileType==vbk',
    "  Result == Failed ;\tJobName != x  ",
    "A==1,B==2;C==3",
    "A==1;B==2,C==3;D==4",
    "((A==1))",
    "(A==1);(B==2,C==3)",
    "((A==1;B==2);C==3),D>4",
    'Name==""',
    'Name=="say ""hi"" (twice); ok, fine"',
    'Name=="line\nbreak"',
    "Name==a.b:c-d_e",
    "Name==naïve€",
    "Name==and",              # a keyword in value position is a plain value
    "Name==not",
    "Name=='quoted'",         # single quotes are part of a bare value
    "notify==1;order_id==2;IN_X==3;Andy==4",
    "A!=1;B<2;C<=3;D>4;E>=5",
    "A\r\n==\f1",
    "_x==-1",
    "(" * MAX_DEPTH + "A==1" + ")" * MAX_DEPTH,
]

MUST_DECLINE = [
    "Result=Failed",                      # mistake: `=`
    "Result==Failed&JobName==x",          # mistake: `&`
    "Result==Failed&&JobName==x",
    "Result==Failed||JobName==x",
    "Name==\u201cBackup\u201d",           # typographic quotes
    "Result==Failed and JobName==x",      # friendly keywords
    "Result==Failed or JobName==x",
    "not Result==Failed",
    "Result in (Failed, Warning)",
    "Result not in (Failed)",
    "JobName==Backup Job 2",              # unquoted words
    "Result==",                           # errors
    "==Failed",
    "Result==Failed;",
    "(Result==Failed",
    "Result==Failed)",
    "()",
    'Name=="open',
    "Result==Failed;;JobName==x",
    "Result==Fa\u00a0iled",               # not whitespace to the grammar
    "Result==Fa\x0biled",
    "in==1",                              # keywords where a field name goes
    "Not==1",
    "Order==1",
    "Result.Sub==1",
    'Name=="a"b',
    "(" * (MAX_DEPTH + 1) + "A==1" + ")" * (MAX_DEPTH + 1),   # over the depth limit
    ";".join(["Name==not"] * (MAX_DEPTH + 1)),                 # over the `not` limit
    "",
    "   ",
]


@pytest.mark.parametrize("text", MUST_TAKE_FAST_PATH)
def test_common_filters_take_the_fast_path(text):
    assert assert_agrees(text), f"the fast path declined {text!r}"


@pytest.mark.parametrize("text", MUST_DECLINE)
def test_unusual_input_is_left_to_the_grammar(text):
    assert fast_filter(text, MAX_INPUT, MAX_DEPTH) is None
    # …and parse_filter still answers exactly as the grammar does.
    slow = lark_tree(text) if text.strip() else None
    try:
        got = parse_filter(text)
    except SyntaxProblem as err:
        if slow is not None:
            assert isinstance(slow, SyntaxProblem)
            assert err.diagnostics == slow.diagnostics
        return
    exactly_equal(got, slow)


def test_over_long_input_is_declined():
    text = "A==" + "x" * MAX_INPUT
    assert fast_filter(text, MAX_INPUT, MAX_DEPTH) is None
    assert fast_filter(text, len(text), MAX_DEPTH) is not None


def test_parse_filter_uses_the_fast_path_result():
    text = 'Result==Failed;JobName=="Backup Job 2"'
    exactly_equal(parse_filter(text), lark_tree(text))


# ---- generated valid filters with nasty values -----------------------------------------------

WS = st.text(alphabet=" \t\n\r\f", max_size=2)
NAMES = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True),
    st.sampled_from(["and", "Or", "NOT", "in", "where", "order", "by", "asc", "desc", "limit", "page",
                     "format", "notify", "in_", "andy", "order1", "Not_"]),
)
OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "=", "=<", "<>"])
BARE_CHARS = st.characters(blacklist_categories=("Cs",),
                           blacklist_characters=';,()"=!<>&|\u201c\u201d\u201e\u201f\u2033')
BARES = st.one_of(
    st.text(alphabet=BARE_CHARS, min_size=1, max_size=8),
    st.sampled_from(["and", "or", "not", "in", "now-24h", "2025-08-15T06:00:00Z", "a b", "'x y'"]),
)
QUOTED = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8).map(
    lambda t: '"' + t.replace('"', '""') + '"')
VALUES = st.one_of(BARES, QUOTED, st.sampled_from(['"unclosed', '"a"b"', "\u201cx\u201d", ""]))
SEPS = st.sampled_from([";", ";", ",", ",", " and ", " or ", "&", "&&", "||", ";;"])


@st.composite
def comparisons(draw):
    return (draw(WS) + draw(NAMES) + draw(WS) + draw(OPS) + draw(WS) + draw(VALUES) + draw(WS))


def filters():
    return st.recursive(
        comparisons(),
        lambda children: st.one_of(
            st.tuples(st.lists(children, min_size=2, max_size=4), SEPS).map(lambda t: t[1].join(t[0])),
            st.tuples(WS, children, WS).map(lambda t: f"{t[0]}({t[1]}){t[2]}"),
        ),
        max_leaves=10,
    )


@given(filters())
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example('Name=="a""b";X==1')
@example("(A==1;B==2),C==3")
def test_generated_filters_agree_with_the_grammar(text):
    assert_agrees(text)


@given(st.text(alphabet='AaNnoOtTiIdD_1 \t\n()";,=!<>&|\u201c\u201d\x0b\xa0-.', max_size=30))
@settings(max_examples=1500, deadline=None)
def test_random_text_agrees_with_the_grammar(text):
    assert_agrees(text)


@given(st.text(max_size=30))
@settings(max_examples=500, deadline=None)
def test_any_text_agrees_with_the_grammar(text):
    assert_agrees(text)


def test_plain_filters_always_take_the_fast_path():
    """Guards against a fast path that silently declines what it is for: 300 plain filters
    (seeded, so the test is repeatable), with groups, quoted values and whitespace."""
    rng = random.Random(20261128)
    fields = ["Result", "JobName", "CreationTime", "State", "Name", "FreeSpace", "Uid", "Enabled"]
    values = ["Failed", "x1", "2025-08-15T06:00:00Z", '"Backup Job 2"', '"a ""b"" (c); d, e"', "-1.5", '""']

    def expr(depth: int) -> str:
        if depth == 0 or rng.random() < 0.4:
            ws = rng.choice(["", " ", "\t", "\n"])
            return f"{ws}{rng.choice(fields)}{ws}{rng.choice(['==', '!=', '<', '<=', '>', '>='])}{ws}{rng.choice(values)}{ws}"
        parts = [expr(depth - 1) for _ in range(rng.randint(2, 3))]
        body = rng.choice([";", ","]).join(parts)
        return f"({body})" if rng.random() < 0.5 else body

    for _ in range(300):
        text = expr(3)
        assert assert_agrees(text), f"the fast path declined {text!r}"


# ---- statements ------------------------------------------------------------------------------

STATEMENTS_TAKING_THE_FAST_PATH = [
    "BackupJobSession",
    "BackupJobSession where Result == Failed",
    "BackupJobSession where Result == Failed and CreationTime >= now-24h order by CreationTime desc limit 50",
    'Job where (JobType == Backup or JobType == Replica) AND Name != "a b" limit 5 page 2 format entities',
    "Job where A==1;B==2,C==3",
    "job WHERE x==1 ORDER BY Name ASC LIMIT 10 PAGE 3 FORMAT References",
    "Job order by Name",
    "Job limit 007",
    "Job limit 123456789012",                 # too big for an int: Number(None, …)
    "Job limit 5 where A==1",                 # clauses in any order
    "Job where A==1 where B==2",              # repeated clauses: the first one counts
    "Job limit 5 limit 6 order by A order by B desc",
    'Job where A=="x"limit 5',
    "Job where A==1 and(B==2 or C==3)",
    "Job where A==andy and B==order_1",
    "  Job\n  where\tA == 1\n  order  by  B\n",
    "Job format entities",
    "Job order by A deſc",                    # long s matches `desc` case-insensitively: DESC
]

STATEMENTS_LEFT_TO_THE_GRAMMAR = [
    "Job where not A==1",
    "Job where A in (1, 2)",
    "Job where A not in (1)",
    "Job where A = 1",
    "Job where A==1 && B==2",
    "Job where A==1 &B==2",
    "Job where A==1 || B==2",
    "Job where A==Backup Job",
    "Job where A==1 desc",                    # a bare word after a value
    "Job where",
    "Job where A==1 limit",
    "Job limit -5",
    "Job limit 5x",
    "Job order Name",
    "Job order by desc",                      # keyword as a sort field
    "Job order by Name ascending",
    "where where A==1",
    "Job where and==1",
    "Job where A==1 and",
    "Job where A==1 lımit 5",                 # dotless i: a LIMIT keyword to the grammar
    "Job.Sub where A==1",
    "Job format",
    "Job where (A==1",
]


@pytest.mark.parametrize("text", STATEMENTS_TAKING_THE_FAST_PATH)
def test_common_statements_take_the_fast_path(text):
    assert assert_agrees(text, "statement"), f"the fast path declined {text!r}"


@pytest.mark.parametrize("text", STATEMENTS_LEFT_TO_THE_GRAMMAR)
def test_unusual_statements_are_left_to_the_grammar(text):
    assert fast_statement(text, MAX_INPUT, MAX_DEPTH) is None
    slow = lark_tree(text, "statement")
    try:
        got = parse_statement(text)
    except SyntaxProblem as err:
        assert isinstance(slow, SyntaxProblem) and err.diagnostics == slow.diagnostics
        return
    exactly_equal(got, slow)


KEYWORDISH = st.sampled_from(["where", "WHERE", "order", "by", "asc", "Desc", "limit", "page", "format",
                              "lımit", "deſc", "and", "or", "not", "in"])
STMT_SEPS = st.sampled_from([";", ",", " and ", " or ", " AND ", " Or ", "and", " && "])


def statement_filters():
    return st.recursive(
        comparisons(),
        lambda children: st.one_of(
            st.tuples(st.lists(children, min_size=2, max_size=4), STMT_SEPS).map(lambda t: t[1].join(t[0])),
            st.tuples(WS, children, WS).map(lambda t: f"{t[0]}({t[1]}){t[2]}"),
        ),
        max_leaves=6,
    )


@st.composite
def clauses(draw):
    word = lambda w: draw(st.sampled_from([w, w.upper(), w.capitalize()]))  # noqa: E731
    sp = lambda: draw(st.sampled_from([" ", "  ", "\n", "\t", ""]))  # noqa: E731
    kind = draw(st.sampled_from(["where", "where", "where", "order", "limit", "page", "format", "junk"]))
    if kind == "where":
        return f"{word('where')}{sp()}{draw(statement_filters())}"
    if kind == "order":
        direction = draw(st.sampled_from(["", " asc", " desc", " DESC", " descending", " deſc"]))
        return f"{word('order')}{sp()}{word('by')}{sp()}{draw(st.one_of(NAMES, KEYWORDISH))}{direction}"
    if kind in ("limit", "page"):
        return f"{word(kind)}{sp()}{draw(st.from_regex(r'[0-9]{1,14}|-1|5x|', fullmatch=True))}"
    if kind == "format":
        return f"{word('format')}{sp()}{draw(st.one_of(NAMES, KEYWORDISH))}"
    return draw(st.one_of(KEYWORDISH, NAMES, st.sampled_from(["(", ")", ";", "==", "1"])))


@st.composite
def statements(draw):
    head = draw(st.one_of(NAMES, KEYWORDISH, st.just("")))
    body = [draw(clauses()) for _ in range(draw(st.integers(0, 4)))]
    return draw(WS) + head + "".join(draw(st.sampled_from([" ", "\n", "  "])) + c for c in body) + draw(WS)


@given(statements())
@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("Job where A==1 order by B desc limit 5")
def test_generated_statements_agree_with_the_grammar(text):
    assert_agrees(text, "statement")


@given(st.text(alphabet="JobwhereWHEREandorlimtpgsczf AB_1()\";,=<>\n\u0131\u017f", max_size=40))
@settings(max_examples=1500, deadline=None)
def test_random_statement_text_agrees_with_the_grammar(text):
    assert_agrees(text, "statement")


def test_plain_statements_always_take_the_fast_path():
    """300 seeded plain statements, friendly separators and clauses included."""
    rng = random.Random(1128)
    types = ["BackupJobSession", "Job", "VmRestorePoint", "Repository"]
    conds = ["Result == Failed", "CreationTime >= now-24h", 'JobName == "Backup Job 2"', "Enabled==true",
             "FreeSpace < 100"]

    def cond(depth: int) -> str:
        if depth == 0 or rng.random() < 0.5:
            return rng.choice(conds)
        body = rng.choice([" and ", " or ", ";", ",", " AND "]).join(cond(depth - 1) for _ in range(2))
        return f"({body})" if rng.random() < 0.5 else body

    for _ in range(300):
        parts = [rng.choice(types)]
        if rng.random() < 0.8:
            parts.append("where " + cond(2))
        if rng.random() < 0.5:
            parts.append("order by CreationTime" + rng.choice(["", " asc", " desc"]))
        if rng.random() < 0.5:
            parts.append(f"limit {rng.randint(1, 500)}")
        if rng.random() < 0.2:
            parts.append(f"page {rng.randint(1, 9)}")
        if rng.random() < 0.2:
            parts.append("format " + rng.choice(["Entities", "references"]))
        text = " ".join(parts)
        assert assert_agrees(text, "statement"), f"the fast path declined {text!r}"


def test_parse_statement_uses_the_fast_path_result():
    text = "BackupJobSession where Result == Failed and CreationTime >= now-24h order by CreationTime desc limit 50"
    exactly_equal(parse_statement(text), lark_tree(text, "statement"))


# ---- quote_depth -------------------------------------------------------------------------------

def reference_depth(text: str) -> tuple[int, int]:
    """The parser's original character-by-character scan."""
    depth = best = 0
    in_q = False
    for ch in text:
        if ch == '"':
            in_q = not in_q
        elif not in_q:
            if ch == "(":
                depth += 1
                best = max(best, depth)
            elif ch == ")":
                depth -= 1
    return best, depth


@given(st.text(alphabet='()"ab ;', max_size=40))
@settings(max_examples=500, deadline=None)
def test_quote_depth_matches_a_character_scan(text):
    assert quote_depth(text) == reference_depth(text)


def test_span_class_is_the_real_one():
    tree = fast_filter("A==1", MAX_INPUT, MAX_DEPTH)
    assert type(tree.span) is Span and type(tree.value.span) is Span
