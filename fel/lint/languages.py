"""Which language a file is in, and what its lexer and concatenation operators are."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .lex_c import CLikeLexer, CSharpLexer, DartLexer, GoLexer, GroovyLexer, JsLexer, PythonLexer
from .lex_script import PerlLexer, PhpLexer, RubyLexer
from .lex_shell import PowerShellLexer, ShellLexer
from .lexbase import Lexer

__all__ = ["Language", "LANGUAGES", "EXTENSIONS", "language_for", "fence_language", "SOURCE_EXTENSIONS",
           "sniff_language", "FILE_NAMES"]


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    lexer: type[Lexer] | None
    #: Operators that join strings (``+``, PHP/Perl ``.``).
    concat: tuple[str, ...] = ("+",)
    #: ``"space"``: adjacent literals join (Python); ``"touch"``: touching words join (shell).
    adjacent: str = ""


LANGUAGES: dict[str, Language] = {
    "python": Language("python", PythonLexer, ("+",), "space"),
    "javascript": Language("javascript", JsLexer),
    "json": Language("json", JsLexer, ()),
    "go": Language("go", GoLexer),
    "csharp": Language("csharp", CSharpLexer),
    "clike": Language("clike", CLikeLexer),
    "kotlin": Language("kotlin", CLikeLexer),
    "scala": Language("scala", CLikeLexer),
    "groovy": Language("groovy", GroovyLexer),
    "dart": Language("dart", DartLexer, ("+",), "space"),
    "shell": Language("shell", ShellLexer, (), "touch"),
    "powershell": Language("powershell", PowerShellLexer),
    "perl": Language("perl", PerlLexer, (".",)),
    "php": Language("php", PhpLexer, (".",)),
    "ruby": Language("ruby", RubyLexer, ("+",), "space"),
    "yaml": Language("yaml", None, ("+",)),
    "markdown": Language("markdown", None, ()),
    "plain": Language("plain", None, ()),
}

EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyw": "python", ".pyi": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "javascript", ".tsx": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".json": "json", ".jsonc": "javascript",
    ".go": "go", ".cs": "csharp", ".dart": "dart",
    ".java": "clike", ".kt": "kotlin", ".kts": "kotlin", ".swift": "clike", ".rs": "clike",
    ".scala": "scala", ".sc": "scala", ".groovy": "groovy", ".gvy": "groovy", ".gradle": "groovy", ".c": "clike", ".h": "clike", ".cpp": "clike", ".hpp": "clike", ".cc": "clike",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ksh": "shell",
    ".ps1": "powershell", ".psm1": "powershell", ".psd1": "powershell",
    ".pl": "perl", ".pm": "perl", ".t": "perl",
    ".php": "php", ".rb": "ruby",
    ".yaml": "yaml", ".yml": "yaml",
    ".md": "markdown", ".markdown": "markdown",
    ".txt": "plain", ".queries": "plain", ".fel": "plain",
}

#: Extensions picked up when walking directories (plain ``.txt`` only when named explicitly).
SOURCE_EXTENSIONS = frozenset(e for e in EXTENSIONS if e != ".txt")

_FENCES = {
    "py": "python", "python": "python", "python3": "python", "js": "javascript", "javascript": "javascript",
    "ts": "javascript", "typescript": "javascript", "json": "json", "go": "go", "golang": "go",
    "cs": "csharp", "csharp": "csharp", "c#": "csharp", "java": "clike", "kotlin": "kotlin", "kt": "kotlin",
    "scala": "scala", "groovy": "groovy", "dart": "dart",
    "sh": "shell", "bash": "shell", "shell": "shell", "zsh": "shell", "console": "shell",
    "ps1": "powershell", "powershell": "powershell", "pwsh": "powershell", "posh": "powershell",
    "perl": "perl", "pl": "perl", "php": "php", "ruby": "ruby", "rb": "ruby", "yaml": "yaml", "yml": "yaml",
}

#: Files known by name (no extension), lower-case; picked up when walking directories too.
FILE_NAMES = {"jenkinsfile": "groovy"}
_NAMES = FILE_NAMES

_SHEBANG = {"python": "python", "bash": "shell", "sh": "shell", "zsh": "shell", "pwsh": "powershell",
            "perl": "perl", "php": "php", "ruby": "ruby", "node": "javascript",
            "groovy": "groovy"}


def fence_language(info: str) -> str | None:
    """The language of a Markdown fence info string (``python``, ``ps1`` …), or None."""
    return _FENCES.get(info.strip().lower())


def language_for(path: str | None, first_line: str = "") -> str:
    """The language of ``path`` by extension (or shebang); ``plain`` when unknown."""
    if path:
        ext = os.path.splitext(path)[1].lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
        if os.path.basename(path).lower() in _NAMES:
            return _NAMES[os.path.basename(path).lower()]
    if first_line.startswith("#!"):
        words = first_line[2:].replace("/", " ").split()
        for w in reversed(words):
            base = w.rstrip("0123456789.")
            if base in _SHEBANG:
                return _SHEBANG[base]
    return "plain"


# ---- standard input: the language from the content ---------------------------------------------
_QUERY_LINE = re.compile(r"(?i)^(?:https?://\S+|/?api/\S*|/?query(?:svc)?\?\S*|\??(?:type|filter|format|pagesize|"
                         r"sortasc|sortdesc|page)=\S*|[A-Za-z]\w*\s+where\b.*|[A-Z]\w*(?:\s+(?:limit|order|format)\b.*)?)$")
#: (language, pattern): each distinct match is one point for the language.
_SNIFF = (
    ("powershell", r"(?im)\b(?:Invoke-RestMethod|Invoke-WebRequest|Write-(?:Host|Output)|ConvertTo-Json|Get-\w+|"
                   r"New-Object|Set-StrictMode)\b|^\s*param\s*\(|@\{|\$\w+\s*=\s*@?[\"'(\[{]|\[(?:string|int|xml)\]\$"),
    ("python", r"(?m)^\s*(?:import \w+|from [\w.]+ import |def \w+\(.*\):|class \w+.*:|if __name__ ==)|\bprint\(|\bf\""),
    ("shell", r"(?m)^\s*(?:curl|wget|echo|export|jq|set -\w+)\b|^\s*\w+=[\"'$]|\$\(|\bfi$|\bdone$|\$\{?\w+\}?/"),
    ("javascript", r"(?m)\b(?:const|let|var) \w+ =|=>|\brequire\(|\bawait fetch\(|\bconsole\.log\(|\bmodule\.exports\b"),
    ("php", r"<\?php|\$\w+->\w+|\bcurl_setopt\("),
    ("ruby", r"(?m)^\s*(?:require ['\"]|def \w+$|end$|puts )|\bdo \|\w+\||:\w+ =>|^\w+ = \w+\.get\("),
    ("kotlin", r"(?m)\bval \w+(?:: \w+)? = |\bfun \w+\(|\b(?:hashM|m)apOf\(|^import [\w.]+$"),
    ("scala", r"(?m)\bval \w+ = |\bobject \w+|\bMap\(\"|\bdef \w+\(.*\): \w+ ="),
    ("go", r"(?m)^package \w+$|^func \w+\(|:= "),
    ("csharp", r"(?m)^using System|\bnamespace \w+|\bvar \w+ = new |\bawait \w+\.GetAsync\("),
    ("groovy", r"(?m)^\s*def \w+ = |\bnew URL\(|\bJsonSlurper\b|\bpipeline \{"),
    ("perl", r"(?m)^use (?:strict|warnings|LWP)|\bmy \$\w+"),
    ("yaml", r"(?m)^[\w-]+:\s*$|^\s*- [\w-]+:\s"),
    ("markdown", r"(?m)^#{1,6} \w|^```|^\s*[*-] \S.*`"),
)
_SNIFF_RE = tuple((lang, re.compile(p)) for lang, p in _SNIFF)


def sniff_language(text: str) -> str | None:
    """The language of text without a file name (``fel lint -``): ``plain`` when every line is
    a query (or a ``#`` comment), a shebang's language, else the language with the most
    telltale constructs; None when nothing tells."""
    lines = [ln.strip() for ln in text.splitlines()]
    body = [ln for ln in lines if ln and not ln.startswith("#")]
    if not body and not text.strip():
        return "plain"
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if first.startswith("#!"):
        by_bang = language_for(None, first)
        if by_bang != "plain":
            return by_bang
    if body and all(_QUERY_LINE.match(ln) for ln in body):
        return "plain"
    sample = text[:65536]
    scores = {lang: len(set(rx.findall(sample))) for lang, rx in _SNIFF_RE}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None
