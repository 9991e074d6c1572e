"""``fel lint`` settings: ``[tool.fel.lint]`` in ``pyproject.toml``, overridden by the command line.

Keys (all optional)::

    [tool.fel.lint]
    select = ["ALL"]                 # codes, prefixes (FEL1, FEL30) or rule names
    ignore = ["FEL306"]
    per-file-ignores = { "legacy/*.ps1" = ["FEL404"], "docs/**" = ["FEL105"] }
    em-version = "12"
    fail-level = "info"              # error | warning | info: lowest severity that fails
    exclude = ["vendor/**"]          # globs, relative to the directory of pyproject.toml
    extend-include = ["*.txt"]       # more files to pick up when walking directories
    comments = true                  # also lint URLs and code in comments
    assume-em = false                # every /api/query here is Enterprise Manager's (no evidence needed)

The file is found by walking up from the common directory of the linted paths (then the
current directory) to the first ``pyproject.toml`` that has a ``[tool.fel.lint]`` table.
"""
from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field

from .. import codes
from ..diagnostics import Severity

__all__ = ["ConfigError", "Settings", "find_config", "load_config", "resolve_selectors", "KEYS"]

KEYS = {"select", "ignore", "per-file-ignores", "em-version", "fail-level", "exclude", "extend-include", "comments",
        "assume-em"}


class ConfigError(ValueError):
    """A usage or configuration error (exit code 2)."""


@dataclass(slots=True)
class Settings:
    select: frozenset[str] = field(default_factory=frozenset)   # enabled codes
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    em_version: str | None = None
    fail_level: Severity = Severity.INFO
    exclude: tuple[str, ...] = ()
    extend_include: tuple[str, ...] = ()
    comments: bool = True
    root: str = "."            # directory globs are relative to
    config_path: str | None = None
    #: Every `/api/query` is EM's: skip the evidence rules of :mod:`fel.lint.evidence`.
    assume_em: bool = False

    def enabled_for(self, path: str | None) -> frozenset[str]:
        """The codes enabled for ``path`` (after per-file ignores)."""
        if not path or not self.per_file_ignores:
            return self.select
        rel = _rel(path, self.root)
        off: set[str] = set()
        for pattern, ignored in self.per_file_ignores:
            if glob_match(pattern, rel):
                off |= ignored
        return self.select - off if off else self.select


def _rel(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # pragma: no cover - other drive on Windows
        rel = path
    return rel.replace(os.sep, "/")


def glob_regex(pat: str) -> str:
    """A glob as a regular expression: `**` spans directories, `*`/`?` stay within one,
    `[…]` classes (`[!…]` negated) and backslash escapes as in .gitignore."""
    out = ""
    i, n = 0, len(pat)
    while i < n:
        if pat.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pat.startswith("/**", i) and i + 3 == n:
            out += "/.*"
            i += 3
        elif pat.startswith("**", i):
            out += ".*"
            i += 2
        elif pat[i] == "*":
            out += "[^/]*"
            i += 1
        elif pat[i] == "?":
            out += "[^/]"
            i += 1
        elif pat[i] == "[":
            j = pat.find("]", i + 1)
            if j < 0:
                out += re.escape("[")
                i += 1
                continue
            body = pat[i + 1:j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out += "[" + body.replace("\\", "\\\\") + "]"
            i = j + 1
        elif pat[i] == "\\" and i + 1 < n:
            out += re.escape(pat[i + 1])
            i += 2
        else:
            out += re.escape(pat[i])
            i += 1
    return out


def glob_match(pattern: str, rel: str) -> bool:
    """Glob with ``**`` across directories; a pattern without ``/`` matches the file name."""
    pattern = pattern.replace("\\", "/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern:
        return fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern) or fnmatch.fnmatchcase(rel, pattern)
    regex = glob_regex(pattern)
    return re.fullmatch(regex, rel.lstrip("/")) is not None or re.fullmatch(regex + "/.*", rel) is not None


def resolve_selectors(items, where: str) -> set[str]:
    """Codes named by selectors: ``ALL``, codes, prefixes (``FEL1``) or rule names."""
    out: set[str] = set()
    if isinstance(items, str):
        items = [items]
    for raw in items:
        if not isinstance(raw, str):
            raise ConfigError(f"{where}: expected rule codes as strings, got {raw!r}")
        for item in (p.strip() for p in raw.split(",")):
            if not item:
                continue
            if item.upper() == "ALL":
                out |= set(codes.RULES)
                continue
            r = codes.rule(item)
            if r is not None:
                out.add(r.code)
                continue
            matched = {c for c in codes.RULES if c.startswith(item.upper())} if re.fullmatch(r"(?i)FEL\d{0,3}", item) else set()
            if not matched:
                raise ConfigError(f"{where}: unknown rule code or prefix `{item}` (see `fel rule --all`)")
            out |= matched
    return out


def find_config(start_dirs: list[str]) -> str | None:
    """The first ``pyproject.toml`` with a ``[tool.fel.lint]`` table above any of ``start_dirs``."""
    seen: set[str] = set()
    for start in start_dirs:
        d = os.path.abspath(start)
        while d not in seen:
            seen.add(d)
            candidate = os.path.join(d, "pyproject.toml")
            if os.path.isfile(candidate) and _has_table(candidate):
                return candidate
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
    return None


def _has_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return False
    if "fel" not in text:
        return False
    data = _parse(path)
    table = data.get("tool", {}).get("fel", {})
    return isinstance(table, dict) and "lint" in table


def _parse(path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser, from the `tomli` dependency
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read configuration: {err}") from None


def _table(path: str) -> dict:
    data = _parse(path)
    table = data.get("tool", {}).get("fel", {}).get("lint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fel.lint] must be a table")
    return table


def load_config(path: str | None, *, select=None, ignore=None, extend_select=None, em_version=None,
                fail_level=None) -> Settings:
    """Settings from ``path`` (may be None) with command-line overrides applied."""
    table = _table(path) if path else {}
    where = f"{path} [tool.fel.lint]" if path else "configuration"
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KEYS))}")
    enabled = resolve_selectors(table.get("select", ["ALL"]), f"{where} select")
    if select:
        enabled = resolve_selectors(select, "--select")
    if extend_select:
        enabled |= resolve_selectors(extend_select, "--extend-select")
    enabled -= resolve_selectors(table.get("ignore", []), f"{where} ignore")
    if ignore:
        enabled -= resolve_selectors(ignore, "--ignore")
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{where}: per-file-ignores must be a table of glob = [codes]")
    per_file = tuple((str(g), frozenset(resolve_selectors(v, f"{where} per-file-ignores {g!r}"))) for g, v in pfi.items())
    version = em_version or table.get("em-version")
    if version is not None:
        from ..schema import parse_version
        try:
            parse_version(str(version))
        except ValueError as err:
            raise ConfigError(f"{'--em-version' if em_version else where + ' em-version'}: {err}") from None
    level = fail_level or table.get("fail-level", "info")
    try:
        severity = Severity(str(level).lower())
    except ValueError:
        raise ConfigError(f"fail-level must be error, warning or info, not {level!r}") from None
    for key in ("exclude", "extend-include"):
        if not isinstance(table.get(key, []), list):
            raise ConfigError(f"{where}: {key} must be a list of globs")
    comments = table.get("comments", True)
    if not isinstance(comments, bool):
        raise ConfigError(f"{where}: comments must be true or false")
    assume_em = table.get("assume-em", False)
    if not isinstance(assume_em, bool):
        raise ConfigError(f"{where}: assume-em must be true or false")
    return Settings(frozenset(enabled), per_file, str(version) if version is not None else None, severity,
                    tuple(table.get("exclude", [])), tuple(table.get("extend-include", [])), comments,
                    os.path.dirname(os.path.abspath(path)) if path else os.getcwd(), path, assume_em)
