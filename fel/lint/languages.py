"""Which language a file is in, and what its lexer and concatenation operators are."""
from __future__ import annotations

import os
from dataclasses import dataclass

from .lex_c import CLikeLexer, CSharpLexer, DartLexer, GoLexer, GroovyLexer, JsLexer, PythonLexer
from .lex_script import PerlLexer, PhpLexer, RubyLexer
from .lex_shell import PowerShellLexer, ShellLexer
from .lexbase import Lexer

__all__ = ["Language", "LANGUAGES", "EXTENSIONS", "language_for", "fence_language", "SOURCE_EXTENSIONS"]


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

#: Files known by name (no extension).
_NAMES = {"jenkinsfile": "groovy"}

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
