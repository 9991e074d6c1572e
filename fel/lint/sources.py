"""Which files to lint: walking directories (``.gitignore`` respected) and reading files.

Directories yield files with a known source extension (see
:data:`fel.lint.languages.SOURCE_EXTENSIONS`) plus ``extend-include`` globs; ``.git``,
``node_modules``, virtual environments and caches are skipped, and so is whatever a
``.gitignore`` between the repository root and the file excludes. Files named explicitly are
always linted (plain text when the extension is unknown).
"""
from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from typing import Iterator

from .config import Settings, glob_match, glob_regex
from .languages import FILE_NAMES, SOURCE_EXTENSIONS

__all__ = ["iter_files", "GitIgnore", "read_source", "decode_bytes", "write_source", "Source", "SKIP_DIRS",
           "Unreadable", "excluded"]

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", ".venv", "venv", ".env", "env", "__pycache__", ".tox",
    ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".eggs", "__pypackages__",
    ".direnv", "buck-out", ".fel-cache", "site-packages",
})
_MAX_BYTES = 8 * 1024 * 1024


class GitIgnore:
    """The ``.gitignore`` rules of one directory: ``match(rel, is_dir)`` → True (ignored),
    False (re-included by ``!``) or None (no rule applies)."""

    def __init__(self, text: str) -> None:
        self.rules: list[tuple[re.Pattern[str], bool, bool, bool]] = []  # regex, negated, dir_only, anchored
        for raw in text.splitlines():
            line = raw.rstrip()
            if raw.endswith("\\ "):
                line = raw[:-1]
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            if line.startswith("\\"):
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            line = line.lstrip("/")
            self.rules.append((re.compile(glob_regex(line)), negated, dir_only, anchored))

    def match(self, rel: str, is_dir: bool) -> bool | None:
        result = None
        name = rel.rsplit("/", 1)[-1]
        for regex, negated, dir_only, anchored in self.rules:
            if dir_only and not is_dir:
                continue
            if regex.fullmatch(rel if anchored else name):
                result = not negated
        return result


def _repo_root(path: str) -> str | None:
    d = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _load_ignore(directory: str) -> GitIgnore | None:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as fh:
            return GitIgnore(fh.read())
    except OSError:
        return None


def _ignored(stack: list[tuple[str, GitIgnore]], path: str, is_dir: bool) -> bool:
    result = False
    for base, gi in stack:
        rel = os.path.relpath(path, base).replace(os.sep, "/")
        if rel.startswith(".."):
            continue
        m = gi.match(rel, is_dir)
        if m is not None:
            result = m
    return result


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A path that could not be walked or is not a file (``fel lint`` reports FEL491)."""

    path: str
    reason: str


def iter_files(paths: list[str], settings: Settings, report: bool = False) -> Iterator:
    """Files to lint, in a stable order; explicit files first as given. With ``report``,
    folders that cannot be listed and named paths that are neither file nor folder come out
    as :class:`Unreadable` (otherwise they are skipped)."""
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        if not os.path.isdir(p):
            if report and os.path.exists(p):
                yield Unreadable(p, "not a regular file or folder")
            continue
        yield from _walk(p, settings, report)


def excluded(path: str, settings: Settings) -> bool:
    """Whether ``path`` matches an ``exclude`` glob of the configuration."""
    return _excluded(path, settings)


def _excluded(path: str, settings: Settings) -> bool:
    if not settings.exclude:
        return False
    rel = os.path.relpath(os.path.abspath(path), settings.root).replace(os.sep, "/")
    return any(glob_match(g, rel) for g in settings.exclude)


def _walk(top: str, settings: Settings, report: bool = False) -> Iterator:
    root = _repo_root(top)
    stack: list[tuple[str, GitIgnore]] = []
    if root is not None:
        # .gitignore files from the repository root down to the walked directory
        d = os.path.abspath(top)
        chain = []
        while True:
            chain.append(d)
            if d == root:
                break
            d = os.path.dirname(d)
        for directory in reversed(chain[1:]):
            gi = _load_ignore(directory)
            if gi is not None:
                stack.append((directory, gi))
    yield from _walk_dir(os.path.abspath(top), top, stack, settings, root is not None, report)


def _walk_dir(abs_dir: str, shown: str, stack: list, settings: Settings, in_repo: bool,
              report: bool = False) -> Iterator:
    gi = _load_ignore(abs_dir) if in_repo else None
    if gi is not None:
        stack = stack + [(abs_dir, gi)]
    try:
        entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
    except OSError as err:
        if report:
            yield Unreadable(shown, err.strerror or str(err))
        return
    for entry in entries:
        abs_path = entry.path
        shown_path = os.path.join(shown, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError as err:
            if report and not _excluded(abs_path, settings):
                yield Unreadable(shown_path, err.strerror or str(err))
            continue
        if is_dir:
            if entry.name in SKIP_DIRS or _ignored(stack, abs_path, True) or _excluded(abs_path, settings):
                continue
            yield from _walk_dir(abs_path, shown_path, stack, settings, in_repo, report)
        elif is_file:
            ext = os.path.splitext(entry.name)[1].lower()
            wanted = ext in SOURCE_EXTENSIONS or entry.name.lower() in FILE_NAMES \
                or any(glob_match(g, entry.name) for g in settings.extend_include)
            if wanted and not _ignored(stack, abs_path, False) and not _excluded(abs_path, settings):
                yield shown_path


@dataclass(slots=True)
class Source:
    text: str
    encoding: str
    bom: bytes = b""


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def read_source(path: str) -> Source | None:
    """The file's text, or None for binary or oversized files. UTF-8 (a BOM is remembered),
    UTF-16 with a BOM (PowerShell on Windows), else Latin-1 so that any byte round-trips."""
    with open(path, "rb") as fh:
        data = fh.read(_MAX_BYTES + 1)
    return decode_bytes(data)


def decode_bytes(data: bytes) -> Source | None:
    if len(data) > _MAX_BYTES:
        return None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Source(data[len(bom):].decode(encoding), encoding, bom)
            except UnicodeDecodeError:
                return None
    if b"\0" in data[:8192]:
        return None
    try:
        return Source(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return Source(data.decode("latin-1"), "latin-1")


def write_source(path: str, src: Source, text: str) -> None:
    """Write ``text`` back in the encoding (and with the BOM) it was read with."""
    data = src.bom + text.encode(src.encoding, errors="surrogatepass")
    with open(path, "wb") as fh:
        fh.write(data)
