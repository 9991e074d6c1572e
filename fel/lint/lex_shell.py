"""Lexers for shells: POSIX shells (with heredocs) and PowerShell (with here-strings)."""
from __future__ import annotations

import re

from .candidate import LitBuilder, Quoting, backslash_quoting, doubling_quoting, raw_quoting
from .lex_c import _scan_simple
from .lexbase import Lexer, scan_balanced
from .strscan import StringSpec, backquote, balanced, escape_only, expansion, regex_hole, scan, table_escape

__all__ = ["ShellLexer", "PowerShellLexer", "Heredocs"]

_NAME = re.compile(r"[A-Za-z_]\w*")


class Heredocs(Lexer):
    """Heredoc support: ``pending`` bodies are read line by line after the next newline."""

    def __init__(self, src: str, offset: int = 0) -> None:
        super().__init__(src, offset)
        self.pending: list[tuple[str, bool, bool]] = []  # (delimiter, indented end allowed, interpolating)

    def newline(self, i: int) -> int:
        self.emit("nl", "\n", i, i + 1)
        j = i + 1
        while self.pending:
            delim, indented, interp = self.pending.pop(0)
            while j < self.n:
                stop = self.src.find("\n", j)
                stop = self.n if stop < 0 else stop
                line = self.src[j:stop]
                if (line.strip() if indented else line.rstrip("\r")) in (delim, delim + ";"):
                    j = stop
                    break
                if line.strip():
                    self.body_line(j, stop, interp)
                self.emit("nl", "\n", stop, min(stop + 1, self.n))
                j = stop + 1
        return j

    def body_line(self, start: int, end: int, interp: bool) -> None:
        lead = len(self.src[start:end]) - len(self.src[start:end].lstrip())
        s = start + lead
        if not interp:
            self.verbatim(raw_quoting("heredoc", ""), s, end, s, end)
            return
        scan(self, s, s, _HEREDOC_BODY, limit=end)

    def expansion(self, j: int, end: int) -> int | None:
        """End of a ``$…`` expansion at ``j``, or None."""
        src = self.src
        if src[j] != "$" or j + 1 >= end:
            return None
        nxt = src[j + 1]
        if nxt == "{":
            return min(scan_balanced(src, j + 1, "{", "}"), end)
        if nxt == "(":
            return min(scan_balanced(src, j + 1, "(", ")"), end)
        m = _NAME.match(src, j + 1)
        if m:
            return m.end()
        if nxt.isdigit() or nxt in "@*#?!$-":
            return j + 2
        return None


# ---- POSIX shells ---------------------------------------------------------------------------
_SH_META = " \t\r\n;&|<>()'\"`$\\"
_SH_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_]\w*)\2")


class ShellLexer(Heredocs):
    """Quoted strings, unquoted word chunks and ``$`` expansions; adjacent ones form one word."""

    def line_comment_at(self, i: int) -> str | None:
        if self.src[i] == "#" and (i == 0 or self.src[i - 1] in " \t\n;&|("):
            return "#"
        return None

    def string(self, i: int) -> int | None:
        src, n = self.src, self.n
        ch = src[i]
        if ch == "'":
            stop = src.find("'", i + 1)
            end = n if stop < 0 else stop
            lit = self.verbatim(raw_quoting("sh'", "'", multiline=True), i, min(end + 1, n), i + 1, end)
            lit.fixable = stop >= 0
            return min(end + 1, n)
        if ch == "$" and src.startswith("$'", i):
            return _scan_simple(self, i, "'", backslash_quoting("sh$'", "'"), multiline=True, prefix=1)
        if ch == '"':
            return self._double(i)
        if ch == "$":
            end = self.expansion(i, n)
            if end is not None:
                self.emit("hole", src[i:end], i, end)
                return end
            return None
        if ch == "`":
            stop = src.find("`", i + 1)
            end = n if stop < 0 else stop + 1
            self.emit("hole", src[i:end], i, end)
            return end
        m = _SH_HEREDOC.match(src, i)
        if m:
            self.pending.append((m.group(3), m.group(1) == "-", not m.group(2)))
            self.emit("op", m.group(), i, m.end())
            return m.end()
        if ch not in _SH_META or (ch == "\\" and i + 1 < n and src[i + 1] != "\n"):
            j = i
            b = LitBuilder()
            while j < n:
                c = src[j]
                if c == "\\":
                    if j + 1 < n and src[j + 1] != "\n":
                        b.char(src[j + 1], j, j + 2)
                        j += 2
                        continue
                    break
                if c in _SH_META:
                    break
                b.char(c, j, j + 1)
                j += 1
            self.literal(b, raw_quoting("sh-word", _SH_META + "*?[#~{}"), i, j, i, j)
            return j
        return None

    def _double(self, i: int) -> int:
        return scan(self, i, i + 1, _SH_DOUBLE)


#: A heredoc line that expands ``$…``: only ``\$``, ``\```, ``\\`` and ``\@`` are escapes.
_HEREDOC_BODY = StringSpec(None, backslash_quoting("heredoc", "$`@"),
                           {"\\": (escape_only("$`\\@"),), "$": (expansion,)}, multiline=True)
#: ``"…"``: a backslash escapes only ``$ ` " \`` and a newline (which it removes).
_SH_DOUBLE = StringSpec('"', backslash_quoting('sh"', '"$`'),
                        {"\\": (escape_only('$`"\\\n', dropped="\n"),), "$": (expansion,), "`": (backquote,)},
                        multiline=True)


# ---- PowerShell --------------------------------------------------------------------------------
_PS_ESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "e": "\x1b"}


def _ps_double_escape(text: str) -> str | None:
    if "\n" in text or "\r" in text:
        return None
    return text.replace("`", "``").replace("$", "`$").replace('"', '""')


#: PowerShell ``"…"``: quotes doubled (the common style), ``$`` and backticks escaped with a backtick.
_PS_DOUBLE = Quoting('ps"', _ps_double_escape)
_PS_VAR = re.compile(r"\$(?:[A-Za-z_]\w*:)?[A-Za-z_?^$]\w*")
_PS_DOLLAR = (balanced("$(", "(", ")", 1), balanced("${", "{", "}", 1), regex_hole(_PS_VAR))
_PS_SINGLE = StringSpec("'", doubling_quoting("ps'", "'", multiline=True), doubled=True, multiline=True,
                        unterminated=doubling_quoting("ps'", "'"))
_PS_DOUBLE_SPEC = StringSpec('"', _PS_DOUBLE, {"`": (table_escape(_PS_ESC),), "$": _PS_DOLLAR}, doubled=True,
                             multiline=True)
_PS_HERE_SPEC = StringSpec('\n"@', backslash_quoting('ps@"', "$", escape_char="`"),
                           {"`": (table_escape(_PS_ESC),), "$": _PS_DOLLAR}, multiline=True)


class PowerShellLexer(Lexer):
    line_comments = ("#",)
    block_comments = (("<#", "#>"),)

    def string(self, i: int) -> int | None:
        src = self.src
        if src.startswith("@'", i) or src.startswith('@"', i):
            return self._here(i)
        ch = src[i]
        if ch == "'":
            return self._single(i)
        if ch == '"':
            return self._double(i, i + 1, '"', '"')
        return None

    def _single(self, i: int) -> int:
        return scan(self, i, i + 1, _PS_SINGLE)

    def _double(self, i: int, j: int, close: str, end_marker: str) -> int:
        """A ``"…"`` string or (``end_marker='\\n"@'``) a here-string body starting at ``j``."""
        return scan(self, i, j, _PS_DOUBLE_SPEC if end_marker == '"' else _PS_HERE_SPEC)

    def _here(self, i: int) -> int:
        src, n = self.src, self.n
        q = src[i + 1]
        nl = src.find("\n", i)
        if nl < 0:
            return n
        body = nl + 1
        marker = "\n" + q + "@"
        if q == '"':
            return self._double(i, body, q, marker)
        stop = src.find(marker, body)
        end = n if stop < 0 else stop
        lit = self.verbatim(raw_quoting("ps@'", "", multiline=True), i, n if stop < 0 else stop + 3, body, end)
        lit.fixable = stop >= 0
        return n if stop < 0 else stop + 3
