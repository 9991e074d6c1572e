"""Lexers for Python and the C family (JavaScript/TypeScript, Go, C#, Java, Kotlin, Scala, Dart, Groovy…)."""
from __future__ import annotations

import re

from .candidate import LitBuilder, Quoting, backslash_quoting, doubling_quoting, raw_quoting
from .lexbase import Lexer, scan_balanced

__all__ = ["PythonLexer", "JsLexer", "GoLexer", "CSharpLexer", "CLikeLexer", "DartLexer", "GroovyLexer",
           "decode_backslash"]

_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "\\": "\\", "'": "'", '"': '"', "`": "`", "$": "$", "/": "/", "?": "?", "{": "{", "}": "}"}
_DOLLAR_NAME = re.compile(r"\$[A-Za-z_]\w*")
_LOW_SURROGATE = re.compile(r"\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)
_HEX = re.compile(r"x([0-9A-Fa-f]{2})|u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([0-7]{1,3})")


def decode_backslash(src: str, i: int, b: LitBuilder, keep_unknown: bool = True) -> int:
    """Decode the escape at ``src[i] == '\\\\'`` into ``b``; return the index after it."""
    n = len(src)
    if i + 1 >= n:
        b.char("\\", i, i + 1)
        return i + 1
    nxt = src[i + 1]
    if nxt == "\n":  # line continuation
        return i + 2
    if nxt == "\r" and src.startswith("\r\n", i + 1):
        return i + 3
    m = _HEX.match(src, i + 1)
    if m:
        code = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        if m.group(3) is not None and 0xD800 <= int(code, 16) <= 0xDBFF:
            low = _LOW_SURROGATE.match(src, m.end())
            if low is not None:  # a UTF-16 pair (JS, Java, C#, JSON): one character
                pair = 0x10000 + ((int(code, 16) - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
                b.char(chr(pair), i, low.end())
                return low.end()
        if code is not None:
            try:
                b.char(chr(int(code, 16)), i, m.end())
            except (ValueError, OverflowError):
                b.char("\ufffd", i, m.end())
            return m.end()
        octal = m.group(5)
        b.char(chr(int(octal, 8)), i, m.end())
        return m.end()
    if nxt in _SIMPLE:
        b.char(_SIMPLE[nxt], i, i + 2)
        return i + 2
    if keep_unknown:
        b.char("\\", i, i + 1)
        b.char(nxt, i + 1, i + 2)
    else:
        b.char(nxt, i, i + 2)
    return i + 2


_SPECIALS: dict[tuple[str, str], "re.Pattern[str]"] = {}


def _specials(quote: str, interp: str) -> "re.Pattern[str]":
    key = (quote, interp)
    pat = _SPECIALS.get(key)
    if pat is None:
        chars = quote + "\n\\" + ("{}" if interp == "{" else "$" if interp.startswith("$") else "")
        pat = _SPECIALS[key] = re.compile("[" + re.escape(chars) + "]")
    return pat


def _scan_simple(lx: Lexer, i: int, quote: str, quoting: Quoting, *, escapes: bool = True,
                 multiline: bool = False, interp: str = "", prefix: int = 0) -> int:
    """A literal opened by ``quote`` at ``i + prefix``. ``interp`` selects interpolation:
    ``"{"`` (f-strings, C# ``$"…"``), ``"${"`` (JS templates, Kotlin/Dart), ``"$"`` (Dart/Kotlin
    ``$name`` too)."""
    src, n = lx.src, lx.n
    start = i
    j = i + prefix + len(quote)
    b = LitBuilder()
    cstart = j
    special = _specials(quote[0], interp)
    while j < n:
        m = special.search(src, j)
        stop = n if m is None else m.start()
        if stop > j:  # a run of ordinary characters
            b.run(src[j:stop], j)
            j = stop
            if j >= n:
                break
        if src.startswith(quote, j):
            lit_end = j + len(quote)
            lx.literal(b, quoting, start, lit_end, cstart, j)
            return lit_end
        ch = src[j]
        if ch == "\n" and not multiline:
            break
        if ch == "\\" and escapes:
            j = decode_backslash(src, j, b)
            continue
        if ch == "\\" and not escapes and j + 1 < n and src[j + 1] == quote[0] and len(quote) == 1:
            # raw strings: a backslash still protects the quote from ending the literal
            b.char("\\", j, j + 1)
            b.char(quote, j + 1, j + 2)
            j += 2
            continue
        if interp == "{" and ch in "{}":
            if src.startswith(ch * 2, j):
                b.char(ch, j, j + 2)
                j += 2
                continue
            if ch == "{":
                end = scan_balanced(src, j, "{", "}")
                b.hole(j, end)
                j = end
                continue
        if interp.startswith("$") and ch == "$" and j + 1 < n:
            if src[j + 1] == "{":
                end = scan_balanced(src, j + 1, "{", "}")
                b.hole(j, end)
                j = end
                continue
            if interp == "$":
                m = _DOLLAR_NAME.match(src, j)
                if m:
                    b.hole(j, m.end())
                    j = m.end()
                    continue
        b.char(ch, j, j + 1)
        j += 1
    # unterminated: the literal runs to the end of the line (or file)
    lx.literal(b, quoting, start, j, cstart, j)
    lit = lx.out.toks[-1].lit
    if lit is not None:
        lit.fixable = False
    return j


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
            m = re.compile(r"'(?:\\.[^']*|[^'\\\n])'").match(self.src, i)
            if m:
                self.emit("word", m.group(), i, m.end())
                return m.end()
        return None


# ---- C# --------------------------------------------------------------------------------------
_CS_PREFIX = re.compile(r'(\$@|@\$|\$|@)?("""|")')


class CSharpLexer(Lexer):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def string(self, i: int) -> int | None:
        src = self.src
        if src[i] == "'":
            m = re.compile(r"'(?:\\.[^']*|[^'\\\n])'").match(src, i)
            if m:
                self.emit("word", m.group(), i, m.end())
                return m.end()
            return None
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
        src, n = self.src, self.n
        j = i + plen + 1
        b = LitBuilder()
        cstart = j
        while j < n:
            ch = src[j]
            if ch == '"':
                if src.startswith('""', j):
                    b.char('"', j, j + 2)
                    j += 2
                    continue
                self.literal(b, doubling_quoting("cs@", '"', "{}" if interp else "", multiline=True),
                             i, j + 1, cstart, j)
                return j + 1
            if interp and ch == "{":
                if src.startswith("{{", j):
                    b.char("{", j, j + 2)
                    j += 2
                    continue
                end = scan_balanced(src, j, "{", "}")
                b.hole(j, end)
                j = end
                continue
            b.char(ch, j, j + 1)
            j += 1
        lit = self.literal(b, doubling_quoting("cs@", '"'), i, j, cstart, j)
        lit.fixable = False
        return j


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
            m = re.compile(r"'(?:\\.[^']*|[^'\\\n])'").match(src, i)
            if m:
                self.emit("word", m.group(), i, m.end())
                return m.end()
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
