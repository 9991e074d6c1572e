"""Lexers for shells: POSIX shells (with heredocs) and PowerShell (with here-strings)."""
from __future__ import annotations

import re

from .candidate import LitBuilder, Quoting, backslash_quoting, doubling_quoting, raw_quoting
from .lex_c import _scan_simple
from .lexbase import Lexer, scan_balanced

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
        b = LitBuilder()
        j = s
        while j < end:
            ch = self.src[j]
            if ch == "\\" and j + 1 < end and self.src[j + 1] in "$`\\@":
                b.char(self.src[j + 1], j, j + 2)
                j += 2
                continue
            hole = self.expansion(j, end)
            if hole is not None:
                b.hole(j, hole)
                j = hole
                continue
            b.char(ch, j, j + 1)
            j += 1
        self.literal(b, backslash_quoting("heredoc", "$`@"), s, end, s, end)

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
        src, n = self.src, self.n
        b = LitBuilder()
        j = i + 1
        while j < n:
            ch = src[j]
            if ch == '"':
                self.literal(b, backslash_quoting('sh"', '"$`'), i, j + 1, i + 1, j)
                return j + 1
            if ch == "\\" and j + 1 < n and src[j + 1] in '$`"\\\n':
                if src[j + 1] != "\n":
                    b.char(src[j + 1], j, j + 2)
                j += 2
                continue
            if ch == "$":
                end = self.expansion(j, n)
                if end is not None:
                    b.hole(j, end)
                    j = end
                    continue
            if ch == "`":
                stop = src.find("`", j + 1)
                end = n if stop < 0 else stop + 1
                b.hole(j, end)
                j = end
                continue
            b.char(ch, j, j + 1)
            j += 1
        lit = self.literal(b, backslash_quoting('sh"', '"$`'), i, j, i + 1, j)
        lit.fixable = False
        return j


# ---- PowerShell --------------------------------------------------------------------------------
_PS_ESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "e": "\x1b"}


def _ps_double_escape(text: str) -> str | None:
    if "\n" in text or "\r" in text:
        return None
    return text.replace("`", "``").replace("$", "`$").replace('"', '""')


#: PowerShell ``"…"``: quotes doubled (the common style), ``$`` and backticks escaped with a backtick.
_PS_DOUBLE = Quoting('ps"', _ps_double_escape)
_PS_VAR = re.compile(r"\$(?:[A-Za-z_]\w*:)?[A-Za-z_?^$]\w*")


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
        src, n = self.src, self.n
        b = LitBuilder()
        j = i + 1
        while j < n:
            if src[j] == "'":
                if src.startswith("''", j):
                    b.char("'", j, j + 2)
                    j += 2
                    continue
                self.literal(b, doubling_quoting("ps'", "'", multiline=True), i, j + 1, i + 1, j)
                return j + 1
            b.char(src[j], j, j + 1)
            j += 1
        lit = self.literal(b, doubling_quoting("ps'", "'"), i, j, i + 1, j)
        lit.fixable = False
        return j

    def _double(self, i: int, j: int, close: str, end_marker: str) -> int:
        """A ``"…"`` string or (``end_marker='\\n"@'``) a here-string body starting at ``j``."""
        src, n = self.src, self.n
        b = LitBuilder()
        cstart = j
        here = end_marker != '"'
        quoting = _PS_DOUBLE if not here else backslash_quoting('ps@"', "$", escape_char="`")
        while j < n:
            if src.startswith(end_marker, j):
                if not here and src.startswith('""', j):
                    b.char('"', j, j + 2)
                    j += 2
                    continue
                stop = j + len(end_marker)
                self.literal(b, quoting, i, stop, cstart, j)
                return stop
            ch = src[j]
            if ch == "`" and j + 1 < n:
                nxt = src[j + 1]
                b.char(_PS_ESC.get(nxt, nxt), j, j + 2)
                j += 2
                continue
            if ch == "$" and j + 1 < n:
                if src[j + 1] == "(":
                    end = scan_balanced(src, j + 1, "(", ")")
                    b.hole(j, end)
                    j = end
                    continue
                if src[j + 1] == "{":
                    end = scan_balanced(src, j + 1, "{", "}")
                    b.hole(j, end)
                    j = end
                    continue
                m = _PS_VAR.match(src, j)
                if m:
                    b.hole(j, m.end())
                    j = m.end()
                    continue
            b.char(ch, j, j + 1)
            j += 1
        lit = self.literal(b, quoting, i, j, cstart, j)
        lit.fixable = False
        return j

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
