"""Syntax highlighting from fel's grammar: one classifier, two front-ends.

:func:`classify` turns text into ``(start, end, class)`` spans using the Lark token stream of
:func:`fel.repl.lexing.scan` (never a second grammar). Classes: ``type``, ``field``,
``keyword``, ``operator``, ``separator``, ``paren``, ``string``, ``value``, ``time``,
``number``, ``format``, ``command``, ``param``, ``url``, ``punct``, ``text`` and ``error``
(mistake tokens such as ``=``, ``&&``, curly quotes, and where parsing stopped).

Front-ends: :class:`FelLexer` and :class:`EmFilterLexer` for Pygments (registered as the
``fel`` and ``em-filter`` lexers through the ``pygments.lexers`` entry point), and
:func:`prompt_lexer` for prompt-toolkit.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pygments.lexer import Lexer as _PygmentsLexer
from pygments.token import (Error, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            Whitespace)

from .lexing import scan
from .multiline import continues, join_continuations

__all__ = ["classify", "fragments", "FelLexer", "EmFilterLexer", "prompt_lexer", "STYLE_RULES"]

_KEYWORDS = {"WHERE", "ORDER", "BY", "ASC", "DESC", "LIMIT", "PAGE", "FORMAT", "AND", "OR", "NOT", "IN"}
_OPS = {"EQ", "NE", "LT", "LE", "GT", "GE"}
_MISTAKES = {"BAD_EQ", "BAD_AND", "BAD_OR", "BAD_STRING", "ERROR"}
_TIME = re.compile(r"^(?:now|today)(?:[+-]\d{1,6}[smhdw])?$", re.IGNORECASE)
_URL_START = re.compile(r"^\s*(?:https?://|/|[\w.~-]*query(?:%3f|\?)|querysvc)", re.IGNORECASE)
_QS_START = re.compile(r"^\s*\??(?:type|format|filter|sortasc|sortdesc|pagesize|page)=(?!=)", re.IGNORECASE)
_QUERY_COMMANDS = {"\\url", "\\explain", "\\run"}

#: prompt-toolkit style rules for the classes (``class:fel.<class>``).
STYLE_RULES = {
    "fel.type": "#5fafff bold",
    "fel.field": "#87d7ff",
    "fel.keyword": "#d787ff bold",
    "fel.operator": "#ffaf00",
    "fel.separator": "#ffaf00 bold",
    "fel.paren": "#bcbcbc",
    "fel.string": "#87d787",
    "fel.value": "#afd787",
    "fel.time": "#87d7af italic",
    "fel.number": "#d7af87",
    "fel.format": "#afd787",
    "fel.command": "#d787ff bold",
    "fel.param": "#87afd7",
    "fel.url": "#808080",
    "fel.punct": "#808080",
    "fel.text": "",
    "fel.error": "#ff5f5f underline",
}


def _classify_tokens(text: str, start: str, offset: int, out: list[tuple[int, int, str]]) -> None:
    toks = scan(text, start)
    first_name = start == "statement"
    for i, t in enumerate(toks):
        nxt = toks[i + 1].type if i + 1 < len(toks) else None
        prev = toks[i - 1].type if i > 0 else None
        if t.type == "STRING_OPEN":
            cls = "string"
        elif t.bad and t.end == len(text) and t.type in ("NAME", "BARE", "INT"):
            cls = "text"  # a word still being typed (perhaps a keyword): not an error yet
        elif t.end == len(text) and t.type in ("BAD_EQ", "ERROR") and t.text in ("=", "!", "<", ">"):
            cls = "operator"  # `=` on its way to `==`, `!` to `!=`
        elif t.bad or t.type in _MISTAKES:
            cls = "error"
        elif t.type in _KEYWORDS:
            cls = "keyword"
        elif t.type in _OPS:
            cls = "operator"
        elif t.type in ("SEMI", "COMMA"):
            cls = "separator"
        elif t.type in ("LPAR", "RPAR"):
            cls = "paren"
        elif t.type == "STRING":
            cls = "string"
        elif t.type == "INT":
            cls = "number"
        elif t.type == "NAME":
            if first_name and i == 0:
                cls = "type"
            elif prev == "FORMAT":
                cls = "format"
            else:
                cls = "field"
        elif t.type == "BARE":
            if _TIME.match(t.text):
                cls = "time"
            elif nxt in _OPS or nxt in ("IN", "BAD_EQ"):
                cls = "field"  # after an error the basic lexer reads names as values
            else:
                cls = "value"
        else:
            cls = "text"
        out.append((offset + t.start, offset + t.end, cls))


def _classify_url(text: str, out: list[tuple[int, int, str]]) -> None:
    q = text.find("?")
    qs_from = q + 1 if q >= 0 else len(text) - len(text.lstrip())
    if q >= 0:
        out.append((0, q, "url"))
        out.append((q, q + 1, "punct"))
    pos = qs_from
    for part in text[qs_from:].split("&"):
        name, eq, value = part.partition("=")
        out.append((pos, pos + len(name), "param"))
        if eq:
            vstart = pos + len(name) + 1
            out.append((vstart - 1, vstart, "punct"))
            low = name.strip().lower()
            if low == "filter" and "%" not in value and "+" not in value and value:
                _classify_tokens(value, "filter", vstart, out)
            elif low == "type":
                out.append((vstart, vstart + len(value), "type"))
            else:
                out.append((vstart, vstart + len(value), "value"))
        pos += len(part)
        if pos < len(text):
            out.append((pos, pos + 1, "separator"))
        pos += 1


@lru_cache(maxsize=256)
def classify(text: str, start: str = "statement") -> tuple[tuple[int, int, str], ...]:
    """Classified spans of ``text`` (REPL input: a statement, a URL, or a backslash command;
    with ``start="filter"``: a raw EM filter). Whitespace is not covered."""
    out: list[tuple[int, int, str]] = []
    if start == "statement":
        lead = len(text) - len(text.lstrip())
        body = text[lead:]
        if body.startswith("\\"):
            name = body.split(None, 1)[0]
            out.append((lead, lead + len(name), "command"))
            rest_at = lead + len(name)
            rest = text[rest_at:]
            if name in _QUERY_COMMANDS and rest.strip():
                for s, e, c in classify(rest):
                    out.append((rest_at + s, rest_at + e, c))
            elif name == "\\d" and rest.strip():
                arg_at = rest_at + len(rest) - len(rest.lstrip())
                out.append((arg_at, len(text.rstrip()), "type"))
            elif rest.strip():
                arg_at = rest_at + len(rest) - len(rest.lstrip())
                out.append((arg_at, len(text.rstrip()), "value"))
            return tuple(out)
        if _URL_START.match(text) or _QS_START.match(text):
            _classify_url(text, out)
            return tuple(out)
        text = join_continuations(text)
    _classify_tokens(text, start, 0, out)
    return tuple(out)


def fragments(text: str, start: str = "statement") -> list[tuple[str, str]]:
    """``(class, text)`` pieces covering all of ``text`` (unclassified pieces get ``""``)."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    for s, e, cls in sorted(classify(text, start)):
        if s < pos:
            continue
        if s > pos:
            pieces.append(("", text[pos:s]))
        pieces.append((cls, text[s:e]))
        pos = e
    if pos < len(text):
        pieces.append(("", text[pos:]))
    return pieces


# ---- Pygments ------------------------------------------------------------------------------
_PYGMENTS = {
    "type": Name.Class, "field": Name.Attribute, "keyword": Keyword, "operator": Operator,
    "separator": Operator.Word, "paren": Punctuation, "string": String.Double, "value": String,
    "time": String.Other, "number": Number.Integer, "format": Name.Constant, "command": Keyword.Pseudo,
    "param": Name.Variable, "url": Name.Namespace, "punct": Punctuation, "text": Text, "error": Error,
}


class FelLexer(_PygmentsLexer):
    """Pygments lexer for fel statements, EM URLs and REPL commands (driven by fel's grammar)."""

    name = "fel"
    aliases = ["fel"]
    filenames = ["*.fel"]
    mimetypes = ["text/x-fel"]
    _start = "statement"

    def get_tokens_unprocessed(self, text: str):
        pos = 0
        for chunk in _logical_lines(text):
            for cls, piece in fragments(chunk, self._start):
                if cls:
                    yield pos, _PYGMENTS[cls], piece
                else:
                    yield pos, Whitespace if piece.isspace() else Text, piece
                pos += len(piece)


def _logical_lines(text: str) -> list[str]:
    """Split a document into statements: one per line unless the line continues
    (:func:`fel.repl.multiline.continues`). Pieces keep their newlines and concatenate to
    ``text``."""
    out: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        current += line
        if not continues(current):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


class EmFilterLexer(FelLexer):
    """Pygments lexer for raw EM filters (``Result==Failed;JobName=="Backup Job 2"``)."""

    name = "EM filter"
    aliases = ["em-filter", "emfilter"]
    filenames = []
    mimetypes = []
    _start = "filter"


# ---- prompt-toolkit ------------------------------------------------------------------------------
def prompt_lexer():
    """A prompt-toolkit :class:`~prompt_toolkit.lexers.Lexer` over :func:`fragments`."""
    from prompt_toolkit.lexers import Lexer

    class _FelPromptLexer(Lexer):
        def lex_document(self, document):
            text = document.text
            lines: list[list[tuple[str, str]]] = [[]]
            for cls, piece in fragments(text):
                style = f"class:fel.{cls}" if cls else ""
                parts = piece.split("\n")
                for k, part in enumerate(parts):
                    if k:
                        lines.append([])
                    if part:
                        lines[-1].append((style, part))

            def get_line(lineno: int):
                return lines[lineno] if 0 <= lineno < len(lines) else []

            return get_line

    return _FelPromptLexer()
