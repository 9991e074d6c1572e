"""Lexers for Python and the C family (JavaScript/TypeScript, Go, C#, Java, Kotlin, Scala, Dart, Groovy…)."""
from __future__ import annotations

import re

from .candidate import Quoting, backslash_quoting, doubling_quoting, raw_quoting
from .lexbase import Lexer
from .strscan import Handler, StringSpec, backslash, balanced, decode_backslash, doubled, raw_quote, regex_hole, scan

__all__ = ["PythonLexer", "JsLexer", "GoLexer", "CSharpLexer", "CLikeLexer", "DartLexer", "GroovyLexer",
           "decode_backslash"]

_DOLLAR_NAME = re.compile(r"\$[A-Za-z_]\w*")
_CHAR_LITERAL = re.compile(r"'(?:\\.[^']*|[^'\\\n])'")


def _char_literal(lexer: Lexer, i: int) -> int | None:
    """A character literal (``'a'``, ``'\\n'``) at ``i`` as one word; None if there is none."""
    m = _CHAR_LITERAL.match(lexer.src, i)
    if m is None:
        return None
    lexer.emit("word", m.group(), i, m.end())
    return m.end()


_SIMPLE_SPECS: dict[tuple, StringSpec] = {}


def _simple_spec(quote: str, quoting: Quoting, escapes: bool, multiline: bool, interp: str) -> StringSpec:
    key = (quote, quoting, escapes, multiline, interp)
    spec = _SIMPLE_SPECS.get(key)
    if spec is None:
        handlers: dict[str, tuple[Handler, ...]] = {}
        if escapes:
            handlers["\\"] = (backslash(),)
        elif len(quote) == 1:
            handlers["\\"] = (raw_quote(quote),)
        if interp == "{":
            handlers["{"] = (doubled("{"), balanced("{", "{", "}"))
            handlers["}"] = (doubled("}"),)
        elif interp.startswith("$"):
            dollar: tuple[Handler, ...] = (balanced("${", "{", "}", 1),)
            if interp == "$":
                dollar += (regex_hole(_DOLLAR_NAME),)
            handlers["$"] = dollar
        spec = StringSpec(quote, quoting, handlers, multiline=multiline)
        if len(_SIMPLE_SPECS) < 1024:
            _SIMPLE_SPECS[key] = spec
    return spec


def _scan_simple(lx: Lexer, i: int, quote: str, quoting: Quoting, *, escapes: bool = True,
                 multiline: bool = False, interp: str = "", prefix: int = 0) -> int:
    """A literal opened by ``quote`` at ``i + prefix``. ``interp`` selects interpolation:
    ``"{"`` (f-strings, C# ``$"…"``), ``"${"`` (JS templates, Kotlin/Dart), ``"$"`` (Dart/Kotlin
    ``$name`` too)."""
    spec = _simple_spec(quote, quoting, escapes, multiline, interp)
    return scan(lx, i, i + prefix + len(quote), spec)


# ---- Python -------------------------------------------------------------------------------
_PY_PREFIX = re.compile(r"(?i)(rb|br|fr|rf|[rbuf])?('''|\"\"\"|'|\")")


class PythonLexer(Lexer):
    line_comments = ("#",)

    def string(self, i: int) -> int | None:
        if i > 0 and (self.src[i - 1].isalnum() or self.src[i - 1] == "_"):
            return None
        m = _PY_PREFIX.match(self.src, i)
        if not m:
            return None
        prefix = (m.group(1) or "").lower()
        quote = m.group(2)
        raw = "r" in prefix
        fstr = "f" in prefix
        triple = len(quote) == 3
        q = quote[0]
        if raw:
            quoting = raw_quoting(f"python-raw{q}", q + "\\", multiline=triple)
        elif fstr:
            quoting = backslash_quoting(f"python-f{q}", q, {"{": "{{", "}": "}}"})
        else:
            quoting = backslash_quoting(f"python{q}", q)
        return _scan_simple(self, i, quote, quoting, escapes=not raw, multiline=triple,
                            interp="{" if fstr else "", prefix=len(m.group(1) or ""))


# ---- JavaScript / TypeScript --------------------------------------------------------------
_REGEX_PREV = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_KW = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await"}


class JsLexer(Lexer):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def string(self, i: int) -> int | None:
        ch = self.src[i]
        if ch in "'\"":
            return _scan_simple(self, i, ch, backslash_quoting(f"js{ch}", ch))
        if ch == "`":
            return _scan_simple(self, i, "`", backslash_quoting("js`", "`", {"${": "\\${"}), multiline=True,
                                interp="${")
        return None

    def special(self, i: int) -> int | None:
        if self.src[i] != "/" or self.src.startswith("//", i) or self.src.startswith("/*", i):
            return None
        toks = self.out.toks
        prev = next((t for t in reversed(toks) if t.kind != "nl"), None)
        if prev is not None and not (prev.kind == "op" and prev.text[-1] in _REGEX_PREV) \
                and not (prev.kind == "word" and prev.text in _REGEX_KW):
            return None
        # a regex literal: skip to the closing slash on this line
        j, n, in_class = i + 1, self.n, False
        while j < n and self.src[j] != "\n":
            c = self.src[j]
            if c == "\\":
                j += 2
                continue
            if c == "[":
                in_class = True
            elif c == "]":
                in_class = False
            elif c == "/" and not in_class:
                j += 1
                while j < n and self.src[j].isalpha():
                    j += 1
                self.emit("word", self.src[i:j], i, j)
                return j
            j += 1
        return None  # not a regex after all: treat as an operator


# ---- Go -------------------------------------------------------------------------------------
class GoLexer(Lexer):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def string(self, i: int) -> int | None:
        ch = self.src[i]
        if ch == '"':
            return _scan_simple(self, i, '"', backslash_quoting('go"', '"'))
        if ch == "`":
            return _scan_simple(self, i, "`", raw_quoting("go`", "`", multiline=True), escapes=False,
                                multiline=True)
        if ch == "'":
            return _char_literal(self, i)
        return None


# ---- C# --------------------------------------------------------------------------------------
_CS_PREFIX = re.compile(r'(\$@|@\$|\$|@)?("""|")')


class CSharpLexer(Lexer):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def string(self, i: int) -> int | None:
        src = self.src
        if src[i] == "'":
            return _char_literal(self, i)
        m = _CS_PREFIX.match(src, i)
        if not m or (i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")):
            return None
        prefix = m.group(1) or ""
        quote = m.group(2)
        interp = "{" if "$" in prefix else ""
        if quote == '"""':
            return _scan_simple(self, i, '"""', raw_quoting("cs-raw", '"', multiline=True), escapes=False,
                                multiline=True, interp=interp, prefix=len(prefix))
        if "@" in prefix:
            return self._verbatim(i, len(prefix), interp)
        extra = {"{": "{{", "}": "}}"} if interp else None
        return _scan_simple(self, i, '"', backslash_quoting("cs" + prefix, '"', extra), interp=interp,
                            prefix=len(prefix))

    def _verbatim(self, i: int, plen: int, interp: str) -> int:
        spec = _CS_VERBATIM_INTERP if interp else _CS_VERBATIM
        return scan(self, i, i + plen + 1, spec)


_CS_VERBATIM = StringSpec('"', doubling_quoting("cs@", '"', "", multiline=True), doubled=True, multiline=True,
                          unterminated=doubling_quoting("cs@", '"'))
_CS_VERBATIM_INTERP = StringSpec('"', doubling_quoting("cs@", '"', "{}", multiline=True),
                                 {"{": (doubled("{"), balanced("{", "{", "}")), "}": (doubled("}"),)},
                                 doubled=True, multiline=True,
                                 unterminated=doubling_quoting("cs@", '"'))


# ---- Java, Kotlin, Swift, Rust, C, C++ ------------------------------------------------------
class CLikeLexer(Lexer):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)
    #: Kotlin and Swift interpolate ``$x``/``${x}``/``\\(x)``: conservative holes for ``$``.
    interp = "${"

    def string(self, i: int) -> int | None:
        src = self.src
        if src.startswith('"""', i):
            return _scan_simple(self, i, '"""', backslash_quoting('c"""', ""), multiline=True, interp=self.interp)
        if src[i] == '"':
            return _scan_simple(self, i, '"', backslash_quoting('c"', '"', {"$": "\\$"}), interp=self.interp)
        if src[i] == "'":
            return _char_literal(self, i)
        return None


class DartLexer(Lexer):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def string(self, i: int) -> int | None:
        src = self.src
        raw = src[i] == "r" and i + 1 < self.n and src[i + 1] in "'\"" and not (i > 0 and src[i - 1].isalnum())
        j = i + 1 if raw else i
        if j >= self.n or src[j] not in "'\"":
            return None
        quote = src[j:j + 3] if src.startswith(src[j] * 3, j) else src[j]
        q = quote[0]
        if raw:
            return _scan_simple(self, i, quote, raw_quoting("dart-raw", q + "$", multiline=len(quote) == 3),
                                escapes=False, multiline=len(quote) == 3, prefix=1)
        return _scan_simple(self, i, quote, backslash_quoting("dart" + q, q + "$"), multiline=len(quote) == 3,
                            interp="$")


# ---- Groovy -----------------------------------------------------------------------------------
class GroovyLexer(Lexer):
    """Groovy (Jenkins pipelines, Gradle scripts): ``'…'`` and ``'''…'''`` are plain strings,
    ``"…"`` and ``\"\"\"…\"\"\"`` GStrings with ``$x``/``${…}`` holes; slashy strings (``/…/``,
    regexes) are skipped like JavaScript's regex literals."""

    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def string(self, i: int) -> int | None:
        src = self.src
        for quote in ("'''", '"""', "'", '"'):
            if src.startswith(quote, i):
                q = quote[0]
                triple = len(quote) == 3
                if q == "'":
                    return _scan_simple(self, i, quote, backslash_quoting(f"groovy{quote}", q + "$"),
                                        multiline=triple)
                return _scan_simple(self, i, quote, backslash_quoting(f"groovy{quote}", q + "$"),
                                    multiline=triple, interp="$")
        return None

    special = JsLexer.special
