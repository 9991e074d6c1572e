"""Finding the strings of a file that may hold EM queries.

``extract(text, language)`` returns :class:`~fel.lint.candidate.Candidate` objects: string
literals and concatenations, parameter groups, URLs in comments and prose. Which of them are
EM queries is decided later (:mod:`fel.lint.classify`); extraction only has to be complete,
position-exact and robust (it never raises on any text).
"""
from __future__ import annotations

import re
from typing import Iterator

from .assemble import assemble
from .candidate import Candidate, PLAIN
from .languages import LANGUAGES, fence_language
from .lex_data import Segments, lex_markdown, lex_yaml
from .lexbase import Comment, Lexed, plain_literal

__all__ = ["extract", "lex", "find_urls", "plain_lines", "iter_plain_lines"]

#: Where a URL or query starts in free text (comments, prose).
_URL_ANCHOR = re.compile(
    r"(?i)https?://[\w\[$%{]"
    r"|(?<![\w.%/-])/?api/\w"
    r"|(?<![\w.%/-])/?(?:query|querysvc|lookupsvc|lookup|sessionmngr)(?:\?|%3f)[A-Za-z]")
_STOP = set(" \t\r\n'`<>|")
_TRAIL = ".,;:!?)]}"


def lex(text: str, language: str, offset: int = 0, depth: int = 0) -> Segments:
    """Lex ``text`` (at ``offset`` in the file) into ``(language, Lexed)`` segments."""

    def sub(lang: str, region: str, at: int) -> Segments:
        if depth > 2:
            return []
        return lex(region, lang, at + offset, depth + 1)

    if language == "yaml":
        if offset:
            return _shift(lex_yaml(text, sub), offset)
        return lex_yaml(text, sub)
    if language == "markdown":
        segs = lex_markdown(text, sub, fence_language)
        return _shift(segs, offset) if offset else segs
    spec = LANGUAGES.get(language)
    if spec is None or spec.lexer is None:
        return [(language, Lexed())]
    return [(language, spec.lexer(text, offset).run())]


def _shift(segs: Segments, offset: int) -> Segments:
    """YAML and Markdown lexers work at offset 0; move their own tokens (not sub-segments, which
    were lexed with absolute offsets already) to ``offset``."""
    from .candidate import Literal
    lang, own = segs[0]
    for t in own.toks:
        t.start += offset
        t.end += offset
        if isinstance(t.lit, Literal):
            lit = t.lit
            lit.starts = [s + offset for s in lit.starts]
            lit.ends = [e + offset for e in lit.ends]
            lit.span = lit.span.shift(offset)
            lit.content = lit.content.shift(offset)
            lit.line_end += offset
    for c in own.comments:
        c.start += offset
    return segs


def find_urls(text: str, start: int, skip: list[tuple[int, int]] = ()) -> list[Candidate]:
    """URLs and ``query?…`` strings in free text (``start`` is the text's file offset)."""
    out: list[Candidate] = []
    pos = 0
    while True:
        m = _URL_ANCHOR.search(text, pos)
        if m is None:
            break
        s = m.start()
        quoted = s > 0 and text[s - 1] == '"'
        e, in_q = s, False
        while e < len(text):
            ch = text[e]
            if ch == '"':
                if quoted:
                    break
                in_q = not in_q
            elif ch in "\u201c\u201e" and not in_q:  # a typographic quote around a value with spaces:
                in_q = True                           # read on to its end, as `fel check` does
            elif ch == "\u201d" and in_q:
                in_q = False
            elif ch in _STOP and not in_q:
                break
            e += 1
        while e > s and text[e - 1] in _TRAIL and not (text[e - 1] == ")" and text[s:e].count("(") >= text[s:e].count(")")):
            e -= 1
        pos = max(e, s + 1)
        a, b = start + s, start + e
        if any(a < k2 and b > k1 for k1, k2 in skip):
            continue
        lit = plain_literal(text[s:e], a, PLAIN)
        cand = Candidate(lit.text, None, lit.starts, lit.ends, [0] * len(lit.text), [lit], list(lit.holes), PLAIN,
                         "comment", (a,))
        for h in lit.holes:
            for j in range(h.start, h.end):
                cand.owner[j] = -1
        out.append(cand)
    return out


def _comment_candidates(comments: list[Comment], language: str, depth: int) -> list[Candidate]:
    out: list[Candidate] = []
    spec = LANGUAGES.get(language)
    for c in comments:
        if not any(k in c.text.lower() for k in ("api", "query", "lookup", "sessionmngr", "http")):
            continue
        skip: list[tuple[int, int]] = []
        if c.code and depth == 0 and spec is not None and spec.lexer is not None and any(q in c.text for q in "'\""):
            lexed = spec.lexer(c.text, c.start).run()
            for cand in assemble(lexed.toks, spec, origin="comment"):
                out.append(cand)
            skip = [(t.start, t.end) for t in lexed.toks if t.kind == "str"]
        out.extend(find_urls(c.text, c.start, skip))
    return out


def extract(text: str, language: str, *, comments: bool = True,
            comment_spans: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """Every candidate string of a source file in ``language`` (never raises). When
    ``comment_spans`` is given, the file spans of its comments are appended to it (where
    ``fel: noqa`` directives count)."""
    if language == "plain":
        return plain_lines(text, comment_spans)
    try:
        segs = lex(text, language)
    except RecursionError:  # pragma: no cover - pathological nesting
        return []
    out: list[Candidate] = []
    for lang, lexed in segs:
        spec = LANGUAGES.get(lang) or LANGUAGES["plain"]
        out.extend(assemble(lexed.toks, spec))
        if comment_spans is not None:
            comment_spans.extend((c.start, c.start + len(c.text)) for c in lexed.comments if c.code)
        if comments:
            out.extend(_comment_candidates(lexed.comments, lang, 0))
    out.sort(key=lambda c: c.file_span_start())
    return out


def plain_lines(text: str, comment_spans: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """One candidate per non-blank, non-comment line (``#`` at the start, or after a blank
    outside double quotes)."""
    return list(iter_plain_lines(text, comment_spans))


def iter_plain_lines(text: str, comment_spans: list[tuple[int, int]] | None = None) -> Iterator[Candidate]:
    """:func:`plain_lines` one at a time (``comment_spans`` grows as lines are read)."""
    pos = 0
    for line in text.splitlines(keepends=True):
        start = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        if not stripped or stripped[0] == "#":
            if stripped and comment_spans is not None:
                comment_spans.append((start, start + len(body)))
            continue
        lead = len(body) - len(stripped)
        end = _line_comment(body) if "#" in body else len(body)
        if end < len(body) and comment_spans is not None:
            comment_spans.append((start + end, start + len(body)))
        content = body[lead:end].rstrip()
        if not content:
            continue
        # A plain line maps to the file by a constant shift: no per-character tables.
        yield Candidate(content, start + lead, (), (), (), (), (), PLAIN, "line", (start,))


def _line_comment(body: str) -> int:
    if "#" not in body:
        return len(body)
    in_q = False
    for k, ch in enumerate(body):
        if ch == '"':
            in_q = not in_q
        elif ch == "#" and not in_q and k > 0 and body[k - 1] in " \t":
            return k
    return len(body)
