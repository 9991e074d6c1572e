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

