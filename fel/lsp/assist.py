"""Completion and hover inside EM queries stored in source code (no pygls here).

The query under the cursor is found with the linter's extraction (:func:`fel.lint.extract.extract`):
the string literal, concatenation or parameter group that holds the cursor, with its text as the
program sees it (escapes decoded) and a per-character map back to the file. The text before the
cursor goes to the REPL's completer (:class:`fel.repl.completion.Completion`); each suggestion's
replacement is mapped back into the file and written the way the literal needs it (quotes and
backslashes escaped by the literal's quoting, ``%``-encoded inside a percent-encoded value).
Hover names the type or field under the cursor with what the REPL's ``\\d`` shows.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import quote

from ..lint.candidate import Candidate
from ..span import Span

__all__ = ["QueryAt", "query_at", "complete", "hover", "Edit", "Item"]

#: Where a query string starts inside a longer text (after a base URL, a hole, a path).
_QUERY_START = re.compile(r"(?i)query(?:\?|%3f)")
#: A text that is a query string from its start (``type=…``, ``?filter=…``).
_QS = re.compile(r"(?i)^\s*\??(?:type|format|filter|sortasc|sortdesc|pagesize|page)=")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_TYPE_PARAM = re.compile(r"(?i)(?:^|[?&])type=([A-Za-z]\w*)")


@dataclass(frozen=True, slots=True)
class QueryAt:
    """The query text around the cursor: ``cand.text[start:]`` is the query, ``index`` the cursor
    in ``cand.text``, ``statement`` whether it is a fel statement (plain query files)."""

    cand: Candidate
    start: int
    index: int
    statement: bool

    @property
    def before(self) -> str:
        return self.cand.text[self.start:self.index]

    @property
    def text(self) -> str:
        return self.cand.text[self.start:]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the file text ``span`` with ``text``."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """A completion: what the list shows, what it inserts, where."""

    label: str
    detail: str
    kind: str
    edit: Edit
    sort: int


def _cursor_in(cand: Candidate, offset: int) -> int | None:
    """The index in ``cand.text`` of the file offset ``offset``, when the cursor is inside one of
    the candidate's literals (their delimiters excluded), else None."""
    if cand.base is not None:
        end = cand.base + len(cand.text)
        return offset - cand.base if cand.base <= offset <= end else None
    inside = any(lit.content.start <= offset <= lit.content.end for lit in cand.literals)
    if not inside:
        return None
    return bisect_right(cand.ends, offset) if cand.ends else 0


def query_at(text: str, offset: int, language: str) -> QueryAt | None:
    """The EM query (URL, query string, or a plain file's statement) holding ``offset``, if any."""
    from ..lint.extract import extract

    if language == "plain":
        return _plain_line_at(text, offset)
    best: QueryAt | None = None
    for cand in extract(text, language):
        idx = _cursor_in(cand, offset)
        if idx is None:
            continue
        before = cand.text[:idx]
        found = None
        for m in _QUERY_START.finditer(before):
            found = m.start()
        if found is not None:
            at = QueryAt(cand, found, idx, False)
        elif _QS.match(cand.text):
            at = QueryAt(cand, len(cand.text) - len(cand.text.lstrip()), idx, False)
        else:
            continue
        if best is None or len(cand.text) < len(best.cand.text):
            best = at  # the innermost (a literal inside a concatenation)
    return best


#: Files longer than this are searched for the query under the cursor in a window of lines around
#: it (a string literal rarely spans more), so completion stays fast in a large file.
WINDOW_CHARS = 20_000
WINDOW_LINES = (40, 10)


def window(text: str, offset: int) -> tuple[str, int]:
    """The part of ``text`` searched for the query at ``offset``, and where it starts."""
    if len(text) <= WINDOW_CHARS:
        return text, 0
    start = offset
    for _ in range(WINDOW_LINES[0]):
        k = text.rfind("\n", 0, start)
        if k < 0:
            start = -1
            break
        start = k
    start += 1  # the line after the newline found (0 at the top of the file)
    end = offset
    for _ in range(WINDOW_LINES[1]):
        k = text.find("\n", end)
        if k < 0:
            end = len(text)
            break
        end = k + 1
    return text[start:end], start


def _shifted(span: Span, by: int) -> Span:
    return Span(span.start + by, span.end + by) if by else span


def _plain_line_at(text: str, offset: int) -> QueryAt | None:
    """In a plain query list every line is a query: the line holding ``offset``, blanks after its
    text included (where the next word is typed), unless it is a ``#`` comment."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start:len(text) if end < 0 else end].rstrip("\r")
    lead = len(line) - len(line.lstrip())
    if not line.strip() or line.lstrip().startswith("#") or offset - start < lead:
        return None
    cand = Candidate(line[lead:], base=start + lead, origin="line")
    statement = not _QS.match(cand.text) and not _QUERY_START.search(cand.text)
    found = None
    for m in _QUERY_START.finditer(cand.text[:offset - start - lead]):
        found = m.start()
    return QueryAt(cand, found or 0, min(offset - start - lead, len(cand.text)), statement)


# ---- completion ---------------------------------------------------------------------------------
_COMPLETER = None


def _completer():
    global _COMPLETER
    if _COMPLETER is None:
        from fel.repl.completion import Completion

        _COMPLETER = Completion()
    return _COMPLETER


def complete(text: str, offset: int, language: str, limit: int = 200) -> list[Item]:
    """Completions at ``offset`` of a document, as file edits (empty outside EM queries)."""
    part, shift = window(text, offset)
    at = query_at(part, offset - shift, language)
    if at is None:
        return []
    before = at.before
    encoded_from = None
    if not at.statement:
        # A percent-encoded filter value: complete its decoded text, write the suggestion encoded.
        m = re.search(r"(?i)(?:^|[?&])filter=([^&]*)$", before)
        if m and "%" in m.group(1):
            from ..syntax.urlinput import decode

            dec = decode(m.group(1))
            encoded_from = (m.start(1), dec, len(m.group(1)))
            before = before[:m.start(1)] + dec.text
    suggestions = _completer().suggest(before)
    out: list[Item] = []
    cand = at.cand
    for rank, s in enumerate(suggestions[:limit]):
        n = -s.start
        insert = s.text
        if encoded_from is not None:
            value_at, dec, raw_len = encoded_from
            first = len(dec.text) - n  # the first decoded character replaced
            if first < 0:
                continue
            a = at.start + value_at + (dec.starts[first] if first < len(dec.text) else raw_len)
            insert = quote(insert, safe="")
        else:
            a = at.index - n
        target = cand.fix_target(Span(a, at.index))
        if target is None:
            continue
        span, quoting = target
        written = quoting.escape(insert)
        if written is None:
            continue
        out.append(Item(s.display, s.meta, s.kind, Edit(_shifted(span, shift), written), rank))
    return out


# ---- hover --------------------------------------------------------------------------------------
def _query_type(at: QueryAt, schema):
    """The query type the text names: ``type=…`` or a statement's first word."""
    body = at.text
    if at.statement:
        m = _WORD.match(body.lstrip())
        return schema.type(m.group(0)) if m else None
    m = _TYPE_PARAM.search(body[body.find("?") + 1:] if "?" in body else body)
    return schema.type(m.group(1)) if m else None


def field_markdown(qtype, fld) -> str:
    """A field as the REPL's ``\\d`` describes it: kind, doc type, values, versions, the doc line."""
    from fel.repl.commands import field_values

    lines = [f"**{qtype.name}.{fld.name}** — {fld.kind.value} ({fld.doc_type})"]
    values = field_values(qtype, fld)
    if values:
        lines.append(f"values: {values}")
    lines.append(f"EM {fld.since or qtype.since}+")
    if fld.description:
        lines.append(fld.description + (" (undocumented)" if fld.undocumented else ""))
    return "\n\n".join(lines)


def hover(text: str, offset: int, language: str) -> tuple[str, Span] | None:
    """Markdown about the type or field under ``offset`` and the file span it covers, or None."""
    part, shift = window(text, offset)
    at = query_at(part, offset - shift, language)
    if at is None:
        return None
    cand, idx = at.cand, at.index
    word = None
    for m in _WORD.finditer(cand.text, at.start):
        if m.start() <= idx <= m.end():
            word = m
            break
        if m.start() > idx:
            break
    if word is None:
        return None
    schema = _completer().schema
    name = word.group(0)
    span = _shifted(cand.file_span(Span(word.start(), word.end())), shift)
    qtype = _query_type(at, schema)
    if qtype is not None:
        fld = qtype.field(name)
        if fld is not None:
            return field_markdown(qtype, fld), span
    named = schema.type(name)
    if named is not None:
        from fel.repl.commands import describe_type

        return "```\n" + describe_type(named, color=False, width=100) + "\n```", span
    return None
