"""Pure completion logic: ``suggest(text, cursor)`` → ranked :class:`Suggestion` list.

Which *kind* of thing may come next is decided by the grammar: the text before the word being
typed is fed to Lark's interactive parser (:func:`fel.repl.lexing.analyze`) and its accepted
terminals are mapped to candidates — ``NAME`` at the start means a query type, after
``where``/``and``/``(`` a field of the current type, after ``order by`` a sortable field, after
``format`` a format; an operator terminal means the operators valid for the field's kind; a
value terminal means the field's values (enum members in documented order, ``true``/``false``,
time shortcuts and an ISO template for DateTime, ``urn:veeam:<Type>:`` for UIDs). The schema
supplies the names. Matching is fuzzy (:mod:`fel.repl.fuzzy`).

Also handled: pasted EM URLs and query strings (parameter names, ``type=``, ``format=``,
``sortAsc=``, and the raw EM filter after ``filter=``) and backslash commands.
Nothing here imports prompt-toolkit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping, Sequence

from . import fuzzy
from .lexing import OPERATOR_TERMINALS, Tok, analyze
from .multiline import join_continuations

__all__ = ["Suggestion", "suggest", "Completion", "split_prefix", "join_continuations",
           "DATETIME_SHORTCUTS", "FORMATS", "OUTPUT_FORMATS"]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Insert ``text`` in place of the ``-start`` characters before the cursor."""

    text: str
    start: int
    display: str
    meta: str = ""
    kind: str = ""


#: What a suggestion is, with its meta text (for a field: its kind and doc type).
FORMATS = ("Entities", "References")
OUTPUT_FORMATS = ("table", "json", "csv")
DATETIME_SHORTCUTS = (
    ("now", "the current time (UTC)"),
    ("today", "00:00 UTC today"),
    ("now-24h", "24 hours ago"),
    ("now-7d", "7 days ago"),
    ("today-1d", "00:00 UTC yesterday"),
)
_KEYWORDS = {
    "WHERE": ("where", "filter the entities"),
    "ORDER": ("order by", "sort by a field"),
    "BY": ("by", "sort by a field"),
    "ASC": ("asc", "ascending (sortAsc)"),
    "DESC": ("desc", "descending (sortDesc)"),
    "LIMIT": ("limit", "page size (pageSize)"),
    "PAGE": ("page", "page number, from 1"),
    "FORMAT": ("format", "Entities or References"),
    "AND": ("and", "both conditions (EM `;`)"),
    "OR": ("or", "either condition (EM `,`)"),
    "IN": ("in", "one of a list of values"),
}
_KEYWORD_ORDER = ("AND", "OR", "ASC", "DESC", "WHERE", "ORDER", "BY", "LIMIT", "PAGE", "FORMAT", "IN")
_CLAUSES = {"WHERE", "ORDER", "LIMIT", "PAGE", "FORMAT"}
_OP_TEXT = {"EQ": "==", "NE": "!=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}
_OP_META = {"==": "equals", "!=": "differs from", "<": "less than", "<=": "at most",
            ">": "greater than", ">=": "at least"}
_OP_ORDER = ("EQ", "NE", "LT", "LE", "GT", "GE")
_VALUE_TERMINALS = {"STRING", "BARE"}
_EXPR_OPENERS = {"WHERE", "AND", "OR", "SEMI", "COMMA", "LPAR", "NOT", "BAD_AND", "BAD_OR"}
_BARE_CHARS = re.compile(r'[^\s;,()"=!<>&|\u201c\u201d\u201e\u201f\u2033]*$')
_OP_CHARS = re.compile(r"[=!<>]+$")
_SAFE_BARE = re.compile(r"[A-Za-z0-9_.:-]+")
_COMPLETE_OPS = {"==", "!=", "<=", ">=", "<", ">"}
_PAGE_SIZES = (("10", ""), ("50", ""), ("100", "EM's default page size"), ("1000", ""))
_PARAMS = (("type", "query type (required)"), ("filter", "EM filter"), ("format", "Entities or References"),
           ("sortAsc", "sort ascending by a field"), ("sortDesc", "sort descending by a field"),
           ("pageSize", "entities per page"), ("page", "page number, from 1"))
_URL_START = re.compile(r"^\s*(?:https?://|/|[\w.~-]*query(?:%3f|\?)|querysvc)", re.IGNORECASE)
_QS_START = re.compile(r"^\s*\??(?:type|format|filter|sortasc|sortdesc|pagesize|page)=(?!=)", re.IGNORECASE)


class Completion:
    """Completion with state: the schema, a clock and how often names were used.

    ``boost`` counts names the user ran (types and fields); equally good matches are ordered
    by it. ``values`` maps ``(Type, Field)`` to values seen in results, offered for string
    fields.
    """

    def __init__(self, schema=None, *, now: Callable[[], datetime] | None = None,
                 commands: Mapping[str, tuple[str, str]] | None = None) -> None:
        self._schema = schema
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.boost: dict[str, int] = {}
        self.values: dict[tuple[str, str], list[str]] = {}
        self._commands = commands
        #: the type that argument-less contexts (``\\cols``) refer to, e.g. the last query's
        self.current_type: Callable[[], str | None] = lambda: None

    @property
    def schema(self):
        if self._schema is None:
            from fel.schema import load_schema

            self._schema = load_schema()
        return self._schema

    @property
    def commands(self) -> Mapping[str, tuple[str, str]]:
        if self._commands is None:
            from .commands import COMMAND_SPECS

            self._commands = {name: (spec.args, spec.summary) for name, spec in COMMAND_SPECS.items()}
        return self._commands

    # ---- recording ----------------------------------------------------------------------
    def record(self, names: Sequence[str]) -> None:
        """Count names (types, fields) the user ran, for ranking."""
        for n in names:
            self.boost[n] = self.boost.get(n, 0) + 1

    def remember_values(self, type_name: str, field: str, values: Sequence[str], limit: int = 50) -> None:
        known = self.values.setdefault((type_name, field), [])
        for v in values:
            if v and v not in known and len(known) < limit:
                known.append(v)

    # ---- entry point ----------------------------------------------------------------------
    def suggest(self, text: str, cursor: int | None = None) -> list[Suggestion]:
        """Suggestions for the word before ``cursor`` (default: the end of ``text``)."""
        before = text[: len(text) if cursor is None else max(0, min(cursor, len(text)))]
        stripped = before.lstrip()
        if stripped.startswith("\\"):
            return self._command(before)
        if _URL_START.match(before) or _QS_START.match(before):
            return self._url(before)
        return self._grammar(join_continuations(before), "statement")

    # ---- the grammar-driven part -------------------------------------------------------------
    def _grammar(self, before: str, start: str, type_name: str | None = None) -> list[Suggestion]:
        prefix, op_prefix = split_prefix(before)
        context = before[: len(before) - len(prefix)]
        ctx = analyze(context, start)
        if not ctx.ok:
            return []
        tokens = ctx.tokens
        accepts = ctx.accepts
        last = tokens[-1] if tokens else None
        if start == "statement" and tokens and tokens[0].type == "NAME":
            type_name = tokens[0].text
        qtype = self.schema.type(type_name) if type_name else None
        out: list[Suggestion] = []

        if op_prefix:
            out += self._operators(prefix, accepts, _field_before(tokens, len(tokens)), qtype)
            if prefix in _COMPLETE_OPS:  # `Result==` or `Size>`: also offer the values
                ctx2 = analyze(before, start)
                if ctx2.ok:
                    field = _current_field(ctx2.tokens)
                    out += self._values("", ctx2.accepts, ctx2.tokens, field, qtype, raw=start == "filter")
            return out

        if "NAME" in accepts:
            if last is None:  # the start of a statement names a type; of a filter, a field
                out += self._types(prefix) if start == "statement" else self._fields(prefix, qtype)
            elif last.type == "FORMAT":
                out += _plain(prefix, FORMATS, "format", "response format")
            elif last.type == "BY" or last.type in _EXPR_OPENERS:
                out += self._fields(prefix, qtype)
        if accepts & OPERATOR_TERMINALS and last is not None and last.type == "NAME":
            out += self._operators(prefix, accepts, last.text, qtype)
        if accepts & _VALUE_TERMINALS and not (last is not None and last.type in ("BARE", "STRING", "BAD_STRING")):
            out += self._values(prefix, accepts, tokens, _current_field(tokens), qtype, raw=start == "filter")
        if "INT" in accepts:
            out += [Suggestion(n, -len(prefix), n, meta, "number") for n, meta in _PAGE_SIZES
                    if n.startswith(prefix)]
        if start == "statement":
            out += self._keywords(prefix, accepts, tokens)
        return out

    def _types(self, prefix: str) -> list[Suggestion]:
        names = self.schema.type_names
        order = fuzzy.rank(prefix, names, boost=self.boost)
        out = []
        for i in order:
            t = self.schema.type(names[i])
            meta = f"query type, {len(t.fields)} fields" if t is not None else "query type"
            out.append(Suggestion(names[i], -len(prefix), names[i], meta, "type"))
        return out

    def _fields(self, prefix: str, qtype) -> list[Suggestion]:
        if qtype is None:
            return []
        fields = qtype.fields
        names = [f.name for f in fields]
        out = []
        for i in fuzzy.rank(prefix, names, boost=self.boost):
            f = fields[i]
            meta = f.kind.value if f.kind.value.lower() == f.doc_type.lower() else f"{f.kind.value} ({f.doc_type})"
            if f.undocumented:
                meta += ", undocumented"
            out.append(Suggestion(f.name, -len(prefix), f.name, meta, "field"))
        return out

    def _operators(self, prefix: str, accepts: frozenset, field_name: str | None, qtype) -> list[Suggestion]:
        field = qtype.field(field_name) if (qtype is not None and field_name) else None
        out = []
        for term in _OP_ORDER:
            if term not in accepts:
                continue
            op = _OP_TEXT[term]
            if field is not None and not field.ordered and term not in ("EQ", "NE"):
                continue
            if prefix and (not op.startswith(prefix) or op == prefix):
                continue
            meta = _OP_META[op]
            if field is not None and field.kind.value == "enum" and term not in ("EQ", "NE"):
                meta += " (by documented order)"
            out.append(Suggestion(op, -len(prefix), op, meta, "operator"))
        if not prefix:
            if "IN" in accepts:
                out.append(Suggestion("in", 0, "in", "one of a list of values", "keyword"))
            if "NOT" in accepts:
                out.append(Suggestion("not in", 0, "not in", "none of a list of values", "keyword"))
        elif prefix.isalpha():
            for term, text, meta in (("IN", "in", "one of a list of values"), ("NOT", "not in", "none of a list of values")):
                if term in accepts and text.startswith(prefix.lower()):
                    out.append(Suggestion(text, -len(prefix), text, meta, "keyword"))
        return out

    def _values(self, prefix: str, accepts: frozenset, tokens: Sequence[Tok], field_name: str | None,
                qtype, raw: bool = False) -> list[Suggestion]:
        """Values for ``field_name``; ``raw``: in an EM filter, where EM takes no fel time values
        (``now-24h`` would be FEL011), so times are offered written out."""
        field = qtype.field(field_name) if (qtype is not None and field_name) else None
        if field is None:
            return []
        quoted = prefix.startswith('"')
        needle = prefix[1:] if quoted else prefix
        kind = field.kind.value
        items: list[tuple[str, str, str]] = []  # (insert, display, meta)
        if kind == "enum":
            items = [(v, v, f"{field.name} value {i + 1}/{len(field.enum)}") for i, v in enumerate(field.enum)]
        elif kind == "boolean":
            items = [("true", "true", "boolean"), ("false", "false", "boolean")]
        elif kind == "datetime":
            now = self.now().astimezone(timezone.utc)
            midnight = now.strftime('"%Y-%m-%dT00:00:00Z"')
            if raw:
                items = [(now.strftime('"%Y-%m-%dT%H:%M:%SZ"'), "now, written out", "the current time (UTC)"),
                         ((now - timedelta(hours=24)).strftime('"%Y-%m-%dT%H:%M:%SZ"'), "now-24h, written out",
                          "24 hours ago (UTC)")]
            else:
                items = [(t, t, meta) for t, meta in DATETIME_SHORTCUTS]
            items.append((midnight, '"YYYY-MM-DDTHH:MM:SSZ"', "ISO 8601 UTC timestamp"))
        elif kind == "uid":
            types = field.urn_types or ((qtype.name,) if field.name.lower() == "uid" else ())
            items = [(f"urn:veeam:{t}:", f"urn:veeam:{t}:", "UID prefix; then the GUID") for t in types]
        elif kind == "string":
            items = [(_quote_if_needed(v), v, f"seen in {qtype.name} results")
                     for v in self.values.get((qtype.name, field.name), ())]
        displays = [d.strip('"') for _, d, _ in items]
        out = []
        for i in fuzzy.rank(needle, displays):
            insert, display, meta = items[i]
            if quoted and not insert.startswith('"'):
                insert = '"' + insert.replace('"', '""') + '"'
            out.append(Suggestion(insert, -len(prefix), display, meta, "value"))
        return out

    def _keywords(self, prefix: str, accepts: frozenset, tokens: Sequence[Tok]) -> list[Suggestion]:
        used = {t.type for t in tokens if t.type in _CLAUSES}
        out = []
        after_not = bool(tokens) and tokens[-1].type == "NOT"
        cands = [t for t in _KEYWORD_ORDER if t in accepts and t not in used and (t != "IN" or after_not)]
        if "NOT" in accepts and (not tokens or tokens[-1].type != "NAME"):
            cands.append("NOT")
        words = [(_KEYWORDS[t] if t != "NOT" else ("not", "negate a condition")) for t in cands]
        for i in fuzzy.rank(prefix, [w for w, _ in words], loose=False):
            w, meta = words[i]
            out.append(Suggestion(w, -len(prefix), w, meta, "keyword"))
        return out

    # ---- URLs and query strings ------------------------------------------------------------
    def _url(self, before: str) -> list[Suggestion]:
        q = before.find("?")
        query = before[q + 1:] if q >= 0 else before.lstrip()
        if q < 0 and not _QS_START.match(before):
            return []
        parts = query.split("&")
        seg = parts[-1]
        params = {}
        for p in parts[:-1]:
            name, _, value = p.partition("=")
            params[name.lower()] = value
        if "=" not in seg:
            names = [n for n, _ in _PARAMS]
            return [Suggestion(names[i], -len(seg), names[i], _PARAMS[i][1], "param")
                    for i in fuzzy.rank(seg, names, loose=False)]
        name, _, value = seg.partition("=")
        name = name.lower()
        qtype = self.schema.type(params.get("type", "")) if params.get("type") else None
        if name == "type":
            return self._types(value)
        if name == "format":
            return _plain(value, FORMATS, "format", "response format")
        if name in ("sortasc", "sortdesc"):
            return self._fields(value, qtype)
        if name == "pagesize":
            return [Suggestion(n, -len(value), n, meta, "number") for n, meta in _PAGE_SIZES if n.startswith(value)]
        if name == "filter" and "%" not in value and "+" not in value:
            return self._grammar(value, "filter", qtype.name if qtype else None)
        return []

    # ---- backslash commands ------------------------------------------------------------------
    def _command(self, before: str) -> list[Suggestion]:
        body = before.lstrip()
        name, sep, rest = body.partition(" ")
        if not sep:
            names = list(self.commands)
            return [Suggestion(names[i], -len(name), names[i], self.commands[names[i]][1], "command")
                    for i in fuzzy.rank(name, names, loose=False)]
        spec = self.commands.get(name)
        if spec is None:
            return []
        kind = spec[0]
        arg = rest.lstrip()
        if kind == "type":
            return self._types(arg)
        if kind == "query":
            return self._grammar(join_continuations(arg), "statement") if not (
                _URL_START.match(arg) or _QS_START.match(arg)) else self._url(arg)
        if kind.startswith("choice:"):
            return _plain(arg, tuple(kind[7:].split("|")), "option", "")
        if kind == "fields":
            word = re.split(r"[\s,]", arg)[-1]
            name = self.current_type()
            qtype = self.schema.type(name) if name else None
            found = self._fields(word, qtype) if qtype is not None else []
            if qtype is not None and word == arg:
                found += _plain(word, ("default", "all"), "option", "")
            return found
        return []


def _plain(prefix: str, words: Sequence[str], kind: str, meta: str) -> list[Suggestion]:
    return [Suggestion(words[i], -len(prefix), words[i], meta, kind) for i in fuzzy.rank(prefix, words)]


def _quote_if_needed(value: str) -> str:
    return value if _SAFE_BARE.fullmatch(value) else '"' + value.replace('"', '""') + '"'


def _field_before(tokens: Sequence[Tok], end: int) -> str | None:
    return tokens[end - 1].text if end > 0 and tokens[end - 1].type == "NAME" else None


def _current_field(tokens: Sequence[Tok]) -> str | None:
    """The field whose value is being written: the NAME before the latest operator or ``in``."""
    for i in range(len(tokens) - 1, 0, -1):
        t = tokens[i]
        if t.type in OPERATOR_TERMINALS or t.type in ("BAD_EQ", "IN"):
            j = i - 1
            if t.type == "IN" and tokens[j].type == "NOT":
                j -= 1
            return tokens[j].text if j >= 0 and tokens[j].type == "NAME" else None
    return None


def split_prefix(before: str) -> tuple[str, bool]:
    """The part of ``before`` being typed: an open quoted value, operator characters, or a
    run of bare-value characters. Returns (prefix, is_operator)."""
    in_quote = False
    quote_at = -1
    for i, ch in enumerate(before):
        if ch == '"':
            in_quote = not in_quote
            if in_quote:
                quote_at = i
    if in_quote:
        return before[quote_at:], False
    m = _OP_CHARS.search(before)
    if m:
        return m.group(0), True
    m = _BARE_CHARS.search(before)
    return (m.group(0) if m else ""), False


_DEFAULT: Completion | None = None


def suggest(text: str, cursor: int | None = None) -> list[Suggestion]:
    """Suggestions with the shipped schema and the real clock (see :class:`Completion`)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Completion()
    return _DEFAULT.suggest(text, cursor)
