"""Access to fel's one grammar for the REPL: token streams and "what may come next".

Everything here is driven by the Lark LALR parser that :mod:`fel.syntax.parser` builds from
``grammar/fel.lark`` — the REPL never carries a second grammar. Two services:

* :func:`scan` — the token stream of any text (valid or not) for highlighting: tokens are read
  with Lark's contextual lexer while the parser accepts them; from the first error on, the
  rest is read with the grammar's basic lexer, so every character gets a class.
* :func:`analyze` — feed the tokens of a (valid) prefix into Lark's interactive parser and
  report which terminals it accepts next (``InteractiveParser.accepts()``), cached per prefix.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Tok", "Context", "get_parser", "scan", "analyze", "OPERATOR_TERMINALS", "KEYWORD_TERMINALS"]

OPERATOR_TERMINALS = frozenset({"EQ", "NE", "LT", "LE", "GT", "GE"})
KEYWORD_TERMINALS = frozenset({"WHERE", "ORDER", "BY", "ASC", "DESC", "LIMIT", "PAGE", "FORMAT",
                               "AND", "OR", "NOT", "IN"})


@dataclass(frozen=True, slots=True)
class Tok:
    """A token: its Lark terminal name (or ``ERROR``), offsets and text. ``bad`` marks the
    token at which the parser gave up (it is still classified by its terminal)."""

    type: str
    start: int
    end: int
    text: str
    bad: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    """What the parser knows after reading a prefix: its tokens and the accepted terminals.

    ``ok`` is False when the prefix itself does not parse (then ``accepts`` is empty).
    """

    tokens: tuple[Tok, ...]
    accepts: frozenset[str]
    ok: bool = True


def get_parser() -> Any:
    """The shared Lark LALR parser (built from Lark's cache on first use)."""
    from fel.syntax.parser import get_parser as core_parser

    return core_parser()


def _tok(t: Any, bad: bool = False) -> Tok:
    return Tok(t.type, t.start_pos, t.end_pos, str(t), bad)


def _tail(text: str, pos: int, out: list[Tok]) -> None:
    """Read ``text[pos:]`` with the grammar's basic lexer (no parser), recovering from
    characters no terminal matches by marking them ``ERROR``."""
    from lark.exceptions import UnexpectedInput

    lark = get_parser()
    guard = 0
    while pos < len(text) and guard < 10_000:
        guard += 1
        chunk = text[pos:]
        try:
            for t in lark.lex(chunk):
                out.append(Tok(t.type, pos + t.start_pos, pos + t.end_pos, str(t)))
            return
        except UnexpectedInput as err:
            at = pos + (getattr(err, "pos_in_stream", None) or 0)
            # tokens before the failing character were appended already by the loop above
            out.append(Tok("ERROR", at, at + 1, text[at:at + 1], True))
            pos = at + 1


@lru_cache(maxsize=512)
def scan(text: str, start: str = "statement") -> tuple[Tok, ...]:
    """All tokens of ``text`` (whitespace omitted), for highlighting. Never raises."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    out: list[Tok] = []
    try:
        ip = get_parser().parse_interactive(text, start=start)
        for t in ip.iter_parse():  # yields each token just before feeding it
            out.append(_tok(t))
        return tuple(out)
    except UnexpectedToken as err:
        tok = err.token
        if out and out[-1].start == tok.start_pos and out[-1].type == tok.type:
            out[-1] = _tok(tok, bad=True)
            resume = tok.end_pos
        elif tok.type == "$END":
            return tuple(out)
        else:  # the contextual lexer met a terminal this state does not allow
            out.append(_tok(tok, bad=True))
            resume = tok.end_pos
    except UnexpectedCharacters as err:
        resume = err.pos_in_stream
        if text[resume:resume + 1] == '"' and '"' not in text[resume + 1:]:
            # a quoted value still being typed (or never closed): one token to the end
            out.append(Tok("STRING_OPEN", resume, len(text), text[resume:], True))
            return tuple(out)
    except UnexpectedInput:  # pragma: no cover - other Lark errors
        resume = out[-1].end if out else 0
    except RecursionError:  # pragma: no cover - absurd nesting
        return (Tok("ERROR", 0, len(text), text, True),)
    _tail(text, resume, out)
    return tuple(out)


@lru_cache(maxsize=1024)
def analyze(context: str, start: str = "statement") -> Context:
    """Feed all tokens of ``context`` to the parser; report the terminals accepted next."""
    from lark.exceptions import UnexpectedInput

    try:
        ip = get_parser().parse_interactive(context, start=start)
        tokens = tuple(_tok(t) for t in ip.iter_parse())
        accepts = frozenset(ip.accepts())
    except (UnexpectedInput, RecursionError):
        return Context((), frozenset(), False)
    return Context(tokens, accepts)
