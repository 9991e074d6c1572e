"""Lexers for Perl, PHP and Ruby."""
from __future__ import annotations

import re

from .candidate import LitBuilder, Quoting, backslash_quoting, raw_quoting
from .lex_c import _scan_simple, decode_backslash
from .lex_shell import Heredocs
from .lexbase import scan_balanced

__all__ = ["PerlLexer", "PhpLexer", "RubyLexer"]

# ---- Perl ----------------------------------------------------------------------------------------
_PL_VAR = re.compile(r"[$@](?:\{[^}\n]*\}|[A-Za-z_]\w*(?:::\w+)*)(?:(?:->)?(?:\[[^\]\n]*\]|\{[^}\n]*\}))*")
_PL_Q = re.compile(r"\b(qq|q|qw|qr|m|s|tr|y)\s*([^\w\s])")
_PL_HEREDOC = re.compile(r"<<(~?)(?:\"([A-Za-z_]\w*)\"|'([A-Za-z_]\w*)'|([A-Za-z_]\w*))")
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


class PerlLexer(Heredocs):
    def line_comment_at(self, i: int) -> str | None:
        if self.src[i] == "#" and not (i > 0 and self.src[i - 1] == "$"):
            return "#"
        return None

    def special(self, i: int) -> int | None:
        src = self.src
        if src[i] == "=" and (i == 0 or src[i - 1] == "\n") and i + 1 < self.n and src[i + 1].isalpha():
            m = re.compile(r"^=cut\b.*$", re.MULTILINE).search(src, i)
            return self.n if m is None else m.end()
        if src[i] == "/" and self._regex_context():
            return self._skip_delimited(i, "/", 1)
        return None

    def _regex_context(self) -> bool:
        prev = next((t for t in reversed(self.out.toks) if t.kind != "nl"), None)
        return prev is not None and ((prev.kind == "op" and prev.text in ("=~", "!~", "(", ",")) or
                                     (prev.kind == "word" and prev.text in ("split", "grep", "if", "unless")))

    def _skip_delimited(self, i: int, open_: str, parts: int) -> int:
        """Skip a regex-like construct whose first delimiter is at ``i`` (``parts`` bodies)."""
        src, n = self.src, self.n
        j = i
        if open_ in _PAIRS:
            for k in range(parts):
                j = scan_balanced(src, j, open_, _PAIRS[open_], quotes="")
                if k + 1 < parts:
                    while j < n and src[j] in " \t\r\n":
                        j += 1
                    if j >= n or src[j] not in _PAIRS:
                        break
                    open_ = src[j]
        else:
            j, seen = i + 1, 0
            while j < n and seen < parts:
                c = src[j]
                if c == "\\":
                    j += 2
                    continue
                if c == "\n":
                    break
                if c == open_:
                    seen += 1
                j += 1
        while j < n and src[j].isalpha():
            j += 1
        j = min(j, n)
        self.emit("word", src[i:j], i, j)
        return j

    def string(self, i: int) -> int | None:
        src = self.src
        ch = src[i]
        if ch == "'":
            return _scan_simple(self, i, "'", backslash_quoting("pl'", "'"), escapes=False, multiline=True)
        if ch == '"':
            return self._interp(i, i + 1, '"', backslash_quoting('pl"', '"$@'))
        if ch == "<" and src.startswith("<<", i):
            m = _PL_HEREDOC.match(src, i)
            if m:
                name = m.group(2) or m.group(3) or m.group(4)
                self.pending.append((name, bool(m.group(1)), m.group(3) is None))
                self.emit("op", m.group(), i, m.end())
                return m.end()
        if ch.isalpha() and not (i > 0 and (src[i - 1].isalnum() or src[i - 1] in "_$@%&>-")):
            m = _PL_Q.match(src, i)
            if m:
                op, delim = m.group(1), m.group(2)
                if op in ("q", "qq"):
                    close = _PAIRS.get(delim, delim)
                    quoting = raw_quoting("pl-q", delim + close + "\\", multiline=True)
                    if op == "q":
                        return self._delimited(i, m.end(), close, quoting, interp=False, open_=delim)
                    return self._delimited(i, m.end(), close, quoting, interp=True, open_=delim)
                parts = 2 if op in ("s", "tr", "y") else 1
                return self._skip_delimited(m.end() - 1, delim, parts) if delim not in "=,;)" else None
        return None

    def _delimited(self, i: int, j: int, close: str, quoting: Quoting, interp: bool, open_: str) -> int:
        if interp:
            return self._interp(i, j, close, quoting, open_)
        src, n = self.src, self.n
        b = LitBuilder()
        cstart, depth = j, 0
        while j < n:
            ch = src[j]
            if ch == open_ and open_ != close:
                depth += 1
            elif ch == close:
                if depth == 0:
                    self.literal(b, quoting, i, j + 1, cstart, j)
                    return j + 1
                depth -= 1
            if ch == "\\" and j + 1 < n and src[j + 1] in (close, "\\", open_):
                b.char(src[j + 1], j, j + 2)
                j += 2
                continue
            b.char(ch, j, j + 1)
            j += 1
        self.literal(b, quoting, i, j, cstart, j).fixable = False
        return j

    def _interp(self, i: int, j: int, close: str, quoting: Quoting, open_: str = "") -> int:
        src, n = self.src, self.n
        b = LitBuilder()
        cstart, depth = j, 0
        while j < n:
            ch = src[j]
            if open_ and ch == open_ and open_ != close:
                depth += 1
            elif ch == close:
                if depth == 0:
                    self.literal(b, quoting, i, j + 1, cstart, j)
                    return j + 1
                depth -= 1
            if ch == "\\":
                j = decode_backslash(src, j, b, keep_unknown=False)
                continue
            if ch in "$@":
                m = _PL_VAR.match(src, j)
                if m and m.end() > j + 1:
                    b.hole(j, m.end())
                    j = m.end()
                    continue
            b.char(ch, j, j + 1)
            j += 1
        self.literal(b, quoting, i, j, cstart, j).fixable = False
        return j


# ---- PHP -----------------------------------------------------------------------------------------
_PHP_VAR = re.compile(r"\$[A-Za-z_]\w*(?:->[A-Za-z_]\w*|\[[^\]\n]*\])*")
_PHP_HEREDOC = re.compile(r"<<<[ \t]*(?:\"([A-Za-z_]\w*)\"|'([A-Za-z_]\w*)'|([A-Za-z_]\w*))")


class PhpLexer(Heredocs):
    line_comments = ("//",)
    block_comments = (("/*", "*/"),)

    def line_comment_at(self, i: int) -> str | None:
        if self.src.startswith("//", i):
            return "//"
        if self.src[i] == "#" and not self.src.startswith("#[", i):
            return "#"
        return None

    def string(self, i: int) -> int | None:
        src = self.src
        ch = src[i]
        if ch == "'":
            return _scan_simple(self, i, "'", backslash_quoting("php'", "'"), escapes=False, multiline=True)
        if ch == '"':
            return self._double(i)
        if src.startswith("<<<", i):
            m = _PHP_HEREDOC.match(src, i)
            if m:
                self.pending.append((m.group(1) or m.group(2) or m.group(3), True, m.group(2) is None))
                self.emit("op", m.group(), i, m.end())
                return m.end()
        return None

    def _double(self, i: int) -> int:
        src, n = self.src, self.n
        b = LitBuilder()
        j = i + 1
        quoting = backslash_quoting('php"', '"$')
        while j < n:
            ch = src[j]
            if ch == '"':
                self.literal(b, quoting, i, j + 1, i + 1, j)
                return j + 1
            if ch == "\\":
                j = decode_backslash(src, j, b)
                continue
            if ch == "{" and src.startswith("{$", j):
                end = scan_balanced(src, j, "{", "}")
                b.hole(j, end)
                j = end
                continue
            if ch == "$":
                if src.startswith("${", j):
                    end = scan_balanced(src, j + 1, "{", "}")
                    b.hole(j, end)
                    j = end
                    continue
                m = _PHP_VAR.match(src, j)
                if m:
                    b.hole(j, m.end())
                    j = m.end()
                    continue
            b.char(ch, j, j + 1)
            j += 1
        self.literal(b, quoting, i, j, i + 1, j).fixable = False
        return j


# ---- Ruby ----------------------------------------------------------------------------------------
_RB_HEREDOC = re.compile(r"<<([~-]?)(?:\"([A-Z_]\w*)\"|'([A-Z_]\w*)'|([A-Z_]\w*))")
_RB_PCT = re.compile(r"%([qQ]?)([(\[{<|!/])")


class RubyLexer(Heredocs):
    line_comments = ("#",)

    def special(self, i: int) -> int | None:
        src = self.src
        if src.startswith("=begin", i) and (i == 0 or src[i - 1] == "\n"):
            m = re.compile(r"^=end\b.*$", re.MULTILINE).search(src, i)
            return self.n if m is None else m.end()
        return None

    def string(self, i: int) -> int | None:
        src = self.src
        ch = src[i]
        if ch == "'":
            return _scan_simple(self, i, "'", backslash_quoting("rb'", "'"), escapes=False, multiline=True)
        if ch == '"':
            return _scan_simple(self, i, '"', backslash_quoting('rb"', '"', {"#{": "\\#{"}), multiline=True,
                                interp="")
        if ch == "<" and src.startswith("<<", i):
            m = _RB_HEREDOC.match(src, i)
            if m:
                self.pending.append((m.group(2) or m.group(3) or m.group(4), bool(m.group(1)), m.group(3) is None))
                self.emit("op", m.group(), i, m.end())
                return m.end()
        if ch == "%":
            m = _RB_PCT.match(src, i)
            if m and (i == 0 or not src[i - 1].isalnum()):
                delim = m.group(2)
                close = _PAIRS.get(delim, delim)
                stop = src.find(close, m.end())
                end = self.n if stop < 0 else stop
                self.verbatim(raw_quoting("rb%", delim + close + "\\"), i, min(end + 1, self.n), m.end(), end)
                return min(end + 1, self.n)
        return None
