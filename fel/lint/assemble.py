"""From tokens to candidates: concatenation chains and parameter groups.

* A *chain* is literals joined by the language's concatenation (``'a' + x + 'b'``, PHP/Perl
  ``.``, Python's adjacent literals, shell words made of touching parts). Operands that are not
  literals become holes.
* A *parameter group* is a dict, hash, argument list or ``url.Values`` that spells the query
  one parameter at a time (``{'type': 'Job', 'filter': …}``, ``.Add("type", "Job")``,
  ``'type=Job', 'filter=…'``). It is linted as the query string the HTTP library will build.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..span import Span
from .candidate import HOLE, Candidate, CandidateBuilder, Literal
from .languages import Language
from .lexbase import Tok

__all__ = ["assemble", "Chain"]

_QUERY_KEYS = {"type", "format", "filter", "sortasc", "sortdesc", "pagesize", "page"}
_LOOKUP_ONLY = {"host", "hierarchyref", "hierachyref"}
_KEYS = _QUERY_KEYS | _LOOKUP_ONLY | {"name"}
_KV_SEPS = {":", ",", "=>", "=", ":=", "->"}  # `->`: Scala's Map("type" -> "Job")
#: Word separators between a key and its value: Kotlin's mapOf("type" to "Job").
_KV_WORDS = {"to"}
_INT = re.compile(r"\d+")
_OPEN, _CLOSE = "([{", ")]}"
_EM_OP = re.compile(r"[A-Za-z]\w*\s*(==|!=|>=|<=|<|>)")
_LIST_ITEM = re.compile(r"(?i)^(type|format|filter|sortasc|sortdesc|pagesize|page)=")
#: Characters an HTTP library percent-encodes in a parameter value (they are not separators).
_ENCODE = {"%": "%25", "&": "%26", "+": "%2B", "#": "%23"}


@dataclass(slots=True)
class Chain:
    """Literals and holes (as file spans) joined by concatenation; tokens ``first``..``last``."""

    parts: list  # Literal | Span
    first: int
    last: int

    @property
    def only_literal(self) -> Literal | None:
        if len(self.parts) == 1 and isinstance(self.parts[0], Literal) and not self.parts[0].holes:
            return self.parts[0]
        return None

    def text(self) -> str:
        return "".join(p.text if isinstance(p, Literal) else HOLE for p in self.parts)

    def span(self) -> Span:
        spans = [p.span if isinstance(p, Literal) else p for p in self.parts]
        return Span(min(s.start for s in spans), max(s.end for s in spans))

    def candidate(self, origin: str = "literal") -> Candidate:
        b = CandidateBuilder()
        for p in self.parts:
            if isinstance(p, Literal):
                b.literal(p)
            else:
                b.hole(p)
        return b.build(origin)


def _expression_end(items: list, m: int, stops=()) -> int:
    """Where the expression starting at ``items[m]`` ends: at a newline, an unmatched closing
    bracket, or ``,``, ``;`` or one of ``stops`` outside brackets (other items are inside it)."""
    n, depth = len(items), 0
    while m < n:
        it = items[m]
        if isinstance(it, Tok):
            if it.kind == "nl" and depth == 0:
                break
            if it.kind == "op":
                if it.text in _OPEN:
                    depth += 1
                elif it.text in _CLOSE:
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and (it.text in (",", ";") or it.text in stops):
                    break
        m += 1
    return m


def _chain(toks: list[Tok], i: int, lang: Language) -> tuple[Chain, int]:
    n = len(toks)
    parts: list = []
    if i > 0 and toks[i - 1].kind == "op" and toks[i - 1].text in lang.concat:
        parts.append(Span(toks[i - 1].start, toks[i - 1].end))
    first = toks[i]
    parts.append(first.lit if first.kind == "str" and first.lit is not None else Span(first.start, first.end))
    j = i + 1
    while j < n:
        t = toks[j]
        if lang.adjacent == "touch":
            if t.kind in ("str", "hole") and t.start == toks[j - 1].end:
                parts.append(t.lit if t.kind == "str" and t.lit is not None else Span(t.start, t.end))
                j += 1
                continue
            break
        if lang.adjacent == "space":
            k = j
            while k < n and toks[k].kind == "nl":
                k += 1
            if k < n and toks[k].kind == "str" and toks[k].lit is not None:
                parts.append(toks[k].lit)
                j = k + 1
                continue
        k = j
        while k < n and toks[k].kind == "nl":
            k += 1
        if k < n and toks[k].kind == "op" and toks[k].text in lang.concat:
            k += 1
            while k < n and toks[k].kind == "nl":
                k += 1
            if k >= n:
                break
            nxt = toks[k + 1] if k + 1 < n else None
            called = nxt is not None and nxt.kind == "op" and nxt.start == toks[k].end and (
                nxt.text in ("(", "[") or (nxt.text == "." and "." not in lang.concat))
            if toks[k].kind == "str" and toks[k].lit is not None and not called:
                parts.append(toks[k].lit)
                j = k + 1
                continue
            m = _expression_end(toks, k, lang.concat)
            if m == k:
                break
            parts.append(Span(toks[k].start, toks[m - 1].end))
            j = m
            continue
        break
    return Chain(parts, i, j - 1), j


def assemble(toks: list[Tok], lang: Language, origin: str = "literal") -> list[Candidate]:
    """Every candidate of one token stream: parameter groups first, then remaining chains."""
    items: list = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if t.kind == "str" or (t.kind == "hole" and lang.adjacent == "touch"):
            chain, i = _chain(toks, i, lang)
            items.append(chain)
        else:
            items.append(t)
            i += 1
    out: list[Candidate] = []
    used: set[int] = set()
    for group in _kv_groups(items, lang.name == "python") + _list_groups(items):
        if used.isdisjoint(group.members):
            cand = group.candidate()
            if cand is not None:
                out.append(cand)
                used.update(group.members)
    for idx, item in enumerate(items):
        if isinstance(item, Chain) and idx not in used and any(isinstance(p, Literal) for p in item.parts):
            out.append(item.candidate(origin))
    return out


# ---- parameter groups -------------------------------------------------------------------------
@dataclass(slots=True)
class _Number:
    """An integer literal as a parameter value (``pageSize: 5``): sent as its digits."""

    text: str
    span: Span


@dataclass(slots=True)
class _Group:
    pairs: list  # (key text, key Literal|None, key span, sep span, value Chain|Span)
    members: set[int]
    listed: bool = False  # 'name=value' list items rather than key/value pairs

    def candidate(self) -> Candidate | None:
        keys = {k.lower() for k, *_ in self.pairs}
        values = {k.lower(): v for k, _, _, _, v in self.pairs}
        if len(self.pairs) < 2:
            return None
        endpoint = "lookup" if keys & _LOOKUP_ONLY else "query"
        if endpoint == "query":
            if "name" in keys or not keys & {"type", "filter"}:
                return None
            if not (_type_ok(values.get("type"), self.listed) or _filter_ok(values.get("filter"))):
                return None
            if len(keys & (_QUERY_KEYS - {"type", "page", "pagesize"})) == 0:
                return None
        elif "type" not in keys:
            return None
        b = CandidateBuilder()
        for idx, (key, klit, kspan, sspan, value) in enumerate(self.pairs):
            if idx:
                b.glue("&", kspan)
            if self.listed:
                _add_chain(b, value, encode=False)
                continue
            if klit is not None:
                b.literal(klit)
            else:
                b.glue(key, kspan)
            b.glue("=", sspan)
            if isinstance(value, Chain):
                _add_chain(b, value, encode=True)
            elif isinstance(value, _Number):
                b.glue(value.text, value.span)
            else:
                b.hole(value)
        cand = b.build("params")
        cand.endpoint = endpoint
        return cand


def _add_chain(b: CandidateBuilder, chain: Chain, encode: bool) -> None:
    for p in chain.parts:
        if not isinstance(p, Literal):
            b.hole(p)
        elif encode and any(c in p.text for c in _ENCODE):
            b.literal(p, encode=_ENCODE)
        else:
            b.literal(p)


def _type_ok(value, listed: bool = False) -> bool:
    if not isinstance(value, Chain):
        return value is not None  # a variable: could be anything, trust the other keys
    lit = value.only_literal
    if lit is None:
        return True
    text = lit.text.strip()
    if listed:
        text = text.partition("=")[2]
    from ..schema import load_schema
    if load_schema().type(text) is not None:
        return True
    from .evidence import near_em_type
    return near_em_type(text)  # a typo of an EM type (`Jbo`) is still an EM query


def _filter_ok(value) -> bool:
    return isinstance(value, Chain) and bool(_EM_OP.search(value.text()))


def _key(item) -> tuple[str, Literal | None, Span] | None:
    if isinstance(item, Chain):
        lit = item.only_literal
        if lit is not None and lit.text.strip().lower() in _KEYS:
            return lit.text.strip(), lit, lit.span
        return None
    if isinstance(item, Tok) and item.kind == "word" and item.text.lower() in _KEYS:
        return item.text, None, Span(item.start, item.end)
    return None


def _value(items: list, j: int) -> tuple[object, int] | None:
    """The value item at ``j`` (a chain, or other tokens as a hole) and the index after it."""
    n = len(items)
    while j < n and isinstance(items[j], Tok) and items[j].kind == "op" and items[j].text in "{[":
        j += 1
    if j >= n:
        return None
    if isinstance(items[j], Chain):
        return items[j], j + 1
    it = items[j]
    if isinstance(it, Tok) and it.kind == "word" and _INT.fullmatch(it.text):
        nxt = items[j + 1] if j + 1 < n else None
        if nxt is None or (isinstance(nxt, Tok) and (nxt.kind == "nl" or (nxt.kind == "op" and nxt.text in ",;)]}"))):
            return _Number(it.text, Span(it.start, it.end)), j + 1
    m = _expression_end(items, j)
    if m == j:
        return None
    first, last = items[j], items[m - 1]
    s = first.span().start if isinstance(first, Chain) else first.start
    e = last.span().end if isinstance(last, Chain) else last.end
    return Span(s, e), m


def _is_sep(item) -> bool:
    return isinstance(item, Tok) and ((item.kind == "op" and item.text in _KV_SEPS)
                                      or (item.kind == "word" and item.text in _KV_WORDS))


#: Type names that follow `name:` in annotations (`page: int`, `type: string`), not values.
_TYPE_WORDS = frozenset({"str", "int", "float", "bool", "bytes", "dict", "list", "tuple", "set", "optional", "union",
                         "any", "none", "literal", "string", "number", "boolean", "object", "unknown", "never"})


def _annotation(items: list, value, strict: bool) -> bool:
    """Whether ``name: value`` reads as a type annotation rather than a map entry: in Python any
    non-literal value does (its dicts quote their keys); elsewhere a type name does."""
    if isinstance(value, (Chain, _Number)):
        return False
    if strict:
        return True
    first = next((it for it in items if isinstance(it, Tok) and it.start == value.start), None)
    return first is None or first.kind != "word" or first.text.lower() in _TYPE_WORDS


def _kv_groups(items: list, strict: bool = True) -> list[_Group]:
    groups: list[_Group] = []
    i, n = 0, len(items)
    while i < n:
        k = _key(items[i])
        sep = items[i + 1] if i + 1 < n else None
        if k is None or not _is_sep(sep):
            i += 1
            continue
        group = _Group([], set())
        j = i
        while j < n:
            k = _key(items[j])
            sep = items[j + 1] if j + 1 < n else None
            if k is None or not _is_sep(sep):
                break
            got = _value(items, j + 2)
            if got is None:
                break
            value, after = got
            if k[1] is None and sep.text == ":" and _annotation(items[j + 2:after], value, strict):
                break  # ``page: int`` is an annotation, not a map entry
            group.pairs.append((k[0], k[1], k[2], Span(sep.start, sep.end), value))
            group.members.update(range(j, after))
            # filler between pairs: punctuation, newlines, a call name (``qget.Add``)
            f, lines, filler = after, 0, 0
            while f < n and filler < 8 and _key(items[f]) is None and isinstance(items[f], Tok) \
                    and items[f].kind in ("op", "nl", "word") and items[f].text not in ("}", "]", "="):
                lines += items[f].kind == "nl"
                filler += 1
                f += 1
            if lines > 3 or f >= n or _key(items[f]) is None:
                j = after
                break
            j = f
        groups.append(group)
        i = max(j, i + 1)
    return groups


def _list_groups(items: list) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for idx, item in enumerate(items):
        if isinstance(item, Chain):
            first = item.parts[0]
            m = _LIST_ITEM.match(first.text.lstrip()) if isinstance(first, Literal) else None
            if m:
                if current is None:
                    current = _Group([], set(), listed=True)
                    groups.append(current)
                span = item.span()
                current.pairs.append((m.group(1), None, Span(span.start, span.start), span, item))
                current.members.add(idx)
                continue
        elif isinstance(item, Tok) and (item.kind == "nl" or (item.kind == "op" and item.text in ",;")):
            continue
        current = None
    return [g for g in groups if len(g.pairs) >= 2]
