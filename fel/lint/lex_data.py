"""Lexers for data and documents: YAML, Markdown (JSON uses the JavaScript lexer).

They return *segments*: ``(language, Lexed)`` pairs, because a YAML value may hold a line of
JavaScript (``'/query?…"' + datestart + '"'`` in exporter configs) and a Markdown fence holds
code of the language its info string names.
"""
from __future__ import annotations

import re
from typing import Callable

from ..span import Span
from .candidate import LitBuilder, backslash_quoting, doubling_quoting, raw_quoting
from .lex_c import decode_backslash
from .lexbase import Comment, Lexed, Tok, mark_placeholders, plain_literal

__all__ = ["lex_yaml", "lex_markdown", "Segments"]

Segments = list[tuple[str, Lexed]]

_YAML_KEY = re.compile(r"""(?:-[ \t]+)*(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}\[\],&*!|>%@`-][^#]*?|-[^\s][^#]*?)[ \t]*:(?=[ \t]|$)""")
_YAML_DASH = re.compile(r"(?:-[ \t]+)+")
_YAML_PLAIN = raw_quoting("yaml-plain", "#\n\r")
_CODE_HINT = re.compile(r"""['"][^'"]*['"]\s*[+.]|[+.]\s*['"]""")


def _comment_start(line: str, start: int) -> int:
    """Index of a YAML comment (``#`` at the start or after a blank, outside quotes) or len."""
    in_s = in_d = False
    for k in range(start, len(line)):
        ch = line[k]
        if ch == "'" and not in_d:
            in_s = not in_s
        elif ch == '"' and not in_s:
            in_d = not in_d
        elif ch == "#" and not in_s and not in_d and (k == 0 or line[k - 1] in " \t"):
            return k
    return len(line)


def lex_yaml(src: str, sub: Callable[[str, str, int], Segments]) -> Segments:
    """YAML scalars as literals; values that are code (quoted strings joined by ``+``) are lexed
    as JavaScript. ``sub(language, text, offset)`` lexes a region in another language."""
    out = Lexed()
    segs: Segments = [("yaml", out)]
    pos = 0
    block_indent: int | None = None
    for line in src.splitlines(keepends=True):
        ls = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        indent = len(body) - len(body.lstrip(" "))
        stripped = body.strip()
        if block_indent is not None:
            if not stripped or indent > block_indent:
                if stripped:
                    _value(body, ls, indent, len(body), out, segs, sub, block=True)
                out.toks.append(Tok("nl", "\n", ls + len(body), ls + len(body) + 1))
                continue
            block_indent = None
        if not stripped or stripped.startswith("---") or stripped.startswith("..."):
            continue
        if stripped.startswith("#"):
            out.comments.append(Comment(body[indent + 1:], ls + indent + 1))
            continue
        m = _YAML_KEY.match(body, indent)
        vstart = m.end() if m else (_YAML_DASH.match(body, indent).end() if _YAML_DASH.match(body, indent) else indent)
        while vstart < len(body) and body[vstart] in " \t":
            vstart += 1
        cpos = _comment_start(body, vstart)
        if cpos < len(body):
            out.comments.append(Comment(body[cpos + 1:], ls + cpos + 1))
        vend = len(body[:cpos].rstrip())
        if vstart >= vend:
            continue
        if body[vstart] in "|>" and re.fullmatch(r"[|>][-+0-9]*", body[vstart:vend]):
            block_indent = indent
            continue
        _value(body, ls, vstart, vend, out, segs, sub, block=False)
        out.toks.append(Tok("nl", "\n", ls + len(body), ls + len(body) + 1))
    return segs


def _value(body: str, ls: int, vs: int, ve: int, out: Lexed, segs: Segments,
           sub: Callable[[str, str, int], Segments], block: bool) -> None:
    if block:
        vs = len(body) - len(body.lstrip())
    text = body[vs:ve]
    if _CODE_HINT.search(text):
        segs.extend(sub("javascript", text, ls + vs))
        return
    if not block and text[0] in "'\"" and len(text) > 1 and text[-1] == text[0]:
        q = text[0]
        b = LitBuilder()
        j = vs + 1
        while j < ve - 1:
            ch = body[j]
            if q == "'" and body.startswith("''", j):
                b.char("'", ls + j, ls + j + 2)
                j += 2
                continue
            if q == '"' and ch == "\\":
                sub_b = LitBuilder()
                k = decode_backslash(body, j, sub_b)
                for c, s, e in zip("".join(sub_b.chars), sub_b.starts, sub_b.ends):
                    b.char(c, ls + s, ls + e)
                j = k
                continue
            b.char(ch, ls + j, ls + j + 1)
            j += 1
        quoting = doubling_quoting("yaml'", "'") if q == "'" else backslash_quoting('yaml"', '"')
        lit = b.build(quoting, Span(ls + vs, ls + ve), Span(ls + vs + 1, ls + ve - 1))
        out.toks.append(Tok("str", text, ls + vs, ls + ve, mark_placeholders(lit)))
        return
    lit = plain_literal(text, ls + vs, _YAML_PLAIN)
    out.toks.append(Tok("str", text, ls + vs, ls + ve, lit))


# ---- Markdown --------------------------------------------------------------------------------
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)")
_INLINE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_MD_CODE = raw_quoting("md`", "`")
#: Where a URL starts in prose (markup may sit in front of it or inside it).
_MD_URL = re.compile(r"(?i)https?://|(?<![\w.%/-])/?api/\w|(?<![\w.%/-])/?query(?:svc)?\?[A-Za-z*_`]")
_MD_OPEN_Q, _MD_CLOSE_Q = '"\u201c\u201e', '"\u201d'
_MD_TRAIL = ".,;:!?)]}"


def _md_markup(word: str) -> list[bool]:
    """Which characters of a prose word are Markdown markup rather than URL text: backticks,
    ``**``/``__`` runs, and a single ``*`` at either end or next to ``?``, ``&`` or ``=``."""
    n = len(word)
    mark = [False] * n
    k = 0
    while k < n:
        ch = word[k]
        if ch == "`":
            mark[k] = True
        elif ch in "*_":
            j = k
            while j < n and word[j] == ch:
                j += 1
            run = j - k
            edge = k == 0 or j == n or word[k - 1] in "?&=(" or (j < n and word[j] in "&?)")
            if (run >= 2 and ch == "*") or (run >= 2 and edge) or (run == 1 and ch == "*" and edge) \
                    or (run == 1 and edge and (k == 0 or j == n)):
                for m in range(k, j):
                    mark[m] = True
            k = j
            continue
        k += 1
    return mark


def _md_rendered_urls(body: str, ls: int, out: Lexed) -> str:
    """URLs in a prose line with emphasis or inline code *inside* them (``/api/query?**type=Job**``,
    `` `/api/query?type=Job`&format=Entities``) become one literal of the text as rendered, each
    character mapped to its place in the file. Returns the line with those words blanked."""
    if not any(c in body for c in "*_`") or not _MD_URL.search(body):
        return body
    spans = [(im.start(), im.end()) for im in _INLINE.finditer(body)] if "`" in body else []
    pos = 0
    while True:
        m = _MD_URL.search(body, pos)
        if m is None:
            return body
        s = m.start()
        while s > 0 and not body[s - 1].isspace():
            s -= 1
        e, in_q = m.end(), False
        while e < len(body):
            ch = body[e]
            if ch in _MD_OPEN_Q and not in_q:
                in_q = True
            elif ch in _MD_CLOSE_Q and in_q:
                in_q = False
            elif ch.isspace() and not in_q:
                break
            e += 1
        pos = max(e, m.end())
        word = body[s:e]
        core = word.rstrip(_MD_TRAIL)
        if not any(c in word for c in "*_`") or re.fullmatch(r"\(?(`+)[^`]+\1", core):
            continue  # no markup, or one whole inline code span (read as such)
        code = next(((a, z) for a, z in spans if a <= m.start() < z), None)
        if code is not None and code[0] <= s and s + len(core) <= code[1]:
            continue  # inside an inline code span (`GET https://…`): code, not rendered text
        mark = _md_markup(word)
        b = LitBuilder()
        for k, ch in enumerate(word):
            if not mark[k]:
                b.char(ch, ls + s + k, ls + s + k + 1)
        while b.chars and b.chars[-1] in _MD_TRAIL:
            for lst in (b.chars, b.starts, b.ends):
                lst.pop()
            b._len -= 1
        if not b.chars:
            continue
        lit = b.build(raw_quoting("md-rendered", ""), Span(ls + s, ls + e), Span(ls + s, ls + e))
        lit.fixable = False  # the file text has markup between the characters
        lit = mark_placeholders(lit)
        out.toks.append(Tok("str", word, ls + s, ls + e, lit))
        out.toks.append(Tok("nl", "\n", ls + e, ls + e))
        body = body[:s] + " " * (e - s) + body[e:]


def lex_markdown(src: str, sub: Callable[[str, str, int], Segments], lang_of: Callable[[str], str | None]) -> Segments:
    """Fenced blocks are lexed as their language (unknown: one literal per line); inline code
    spans are literals; prose is kept as comments without code (URLs are found there)."""
    out = Lexed()
    segs: Segments = [("markdown", out)]
    pos = 0
    fence: tuple[str, str | None, int] | None = None  # (marker, language, body start)
    for line in src.splitlines(keepends=True):
        ls = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        if fence is not None:
            marker, lang, bstart = fence
            if body.strip().startswith(marker) and set(body.strip()) <= set(marker[0]):
                if lang is not None:
                    segs.extend(sub(lang, src[bstart:ls], bstart))
                fence = None
            elif lang is None and body.strip():
                lead = len(body) - len(body.lstrip())
                text = body.strip()
                out.toks.append(Tok("str", text, ls + lead, ls + lead + len(text), plain_literal(text, ls + lead)))
                out.toks.append(Tok("nl", "\n", ls + len(body), ls + len(body) + 1))
            continue
        m = _FENCE.match(body)
        if m:
            fence = (m.group(1), lang_of(m.group(2)) if m.group(2) else None, pos)
            continue
        body = _md_rendered_urls(body, ls, out)
        last = 0
        for im in _INLINE.finditer(body):
            if im.start() > last:
                out.comments.append(Comment(body[last:im.start()], ls + last, code=False))
            text = im.group(2)
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            start = ls + im.start(2) + lead
            out.toks.append(Tok("str", text, start, start + len(text), plain_literal(text, start, _MD_CODE)))
            out.toks.append(Tok("nl", "\n", start + len(text), start + len(text)))
            last = im.end()
        if last < len(body):
            out.comments.append(Comment(body[last:], ls + last, code=False))
    if fence is not None and fence[1] is not None:
        segs.extend(sub(fence[1], src[fence[2]:], fence[2]))
    return segs

