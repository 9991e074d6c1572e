"""Lexers for Perl, PHP and Ruby."""
from __future__ import annotations

import re

from .candidate import Quoting, backslash_quoting, raw_quoting
from .lex_c import _scan_simple
from .lex_shell import Heredocs
from .lexbase import scan_balanced
from .strscan import StringSpec, backslash, balanced, escape_only, regex_hole, scan

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
        return scan(self, i, j, _perl_spec(close, quoting, open_, False))

    def _interp(self, i: int, j: int, close: str, quoting: Quoting, open_: str = "") -> int:
        return scan(self, i, j, _perl_spec(close, quoting, open_, True))


_PERL_SPECS: dict[tuple, StringSpec] = {}
_PL_HOLE = regex_hole(_PL_VAR, min_len=2)


def _perl_spec(close: str, quoting: Quoting, open_: str, interp: bool) -> StringSpec:
    """``q…`` (a backslash escapes only the delimiters and itself) or ``"…"``/``qq…`` (C escapes,
    ``$x``/``@x`` holes); a distinct opening delimiter nests."""
    key = (close, quoting, open_, interp)
    spec = _PERL_SPECS.get(key)
    if spec is None:
        if interp:
            handlers = {"\\": (backslash(keep_unknown=False),), "$": (_PL_HOLE,), "@": (_PL_HOLE,)}
        else:
            handlers = {"\\": (escape_only(close + "\\" + open_),)}
        spec = StringSpec(close, quoting, handlers, open=open_, multiline=True)
        if len(_PERL_SPECS) < 256:
            _PERL_SPECS[key] = spec
    return spec


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
        return scan(self, i, i + 1, _PHP_DOUBLE)


#: PHP ``"…"``: C escapes, ``{$…}``, ``${…}`` and ``$name->prop[…]`` holes.
_PHP_DOUBLE = StringSpec('"', backslash_quoting('php"', '"$'),
                         {"\\": (backslash(),), "{": (balanced("{$", "{", "}"),),
                          "$": (balanced("${", "{", "}", 1), regex_hole(_PHP_VAR))}, multiline=True)


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
