"""``fel lint``: find, explain and fix mistakes in stored Enterprise Manager queries.

Exit codes: 0 nothing at or above ``--fail-level`` (or ``--exit-zero``), 1 findings, 2 usage
or configuration errors (unknown rule codes and missing paths included), a path that could not be
read (FEL491) or an input that could not be linted.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Lint EM queries stored in files: plain query lists (one per line) and the "
                          "string literals of scripts (.py .ps1 .sh .php .js .ts .go .cs .pl .rb .groovy .kt "
                          ".scala .yaml .json .md …). Directories are walked (.gitignore respected). Paths that "
                          "cannot be read are errors (FEL491, exit 2).")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin (language from --stdin-filename, else from the content)")
    parser.add_argument("--format", choices=("full", "concise", "json", "sarif", "github"), default=None,
                        help="output format (default: full; github under GitHub Actions)")
    parser.add_argument("--em-version", metavar="V", help="Enterprise Manager version the queries target (e.g. 12, 9.5u4)")
    parser.add_argument("--select", action="append", metavar="CODES",
                        help="enable only these codes, prefixes (FEL1) or rule names; comma-separated, repeatable")
    parser.add_argument("--extend-select", action="append", metavar="CODES", help="enable these codes in addition")
    parser.add_argument("--ignore", action="append", metavar="CODES", help="disable these codes")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--fail-level", choices=("error", "warning", "info"),
                        help="lowest severity that makes the exit code 1 (default: info, any finding)")
    parser.add_argument("--stdin-filename", metavar="NAME", help="file name for input read from stdin (language, per-file ignores)")
    parser.add_argument("--config", metavar="PYPROJECT", help="read [tool.fel.lint] from this file")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument("--no-comments", action="store_true", help="do not lint URLs and code in comments")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def _err(message: str) -> int:
    _say(f"fel lint: error: {message}")
    return 2


def run(args: argparse.Namespace) -> int:
    from fel.lint import fix_text, lint_text

    from ._common import use_color
    from fel.lint.config import ConfigError, find_config, load_config
    from fel.lint.output import Tally, chunks
    from fel.lint.languages import sniff_language
    from fel.lint.sources import Unreadable, decode_bytes, iter_files, read_source, write_source

    paths = list(args.paths) or ["."]
    missing = [p for p in paths if p != "-" and not os.path.exists(p)]
    if missing:
        return _err(f"no such file or directory: {', '.join(missing)}")
    if paths.count("-") > 1:
        return _err("`-` (stdin) may be given once")
    try:
        config_path = None
        if args.config:
            if not os.path.isfile(args.config):
                return _err(f"--config: no such file: {args.config}")
            config_path = args.config
        elif not args.isolated:
            starts = [os.path.commonpath([os.path.abspath(p) for p in paths if p != "-"])] if any(p != "-" for p in paths) else []
            starts = [s if os.path.isdir(s) else os.path.dirname(s) for s in starts] + [os.getcwd()]
            config_path = find_config(starts)
        settings = load_config(config_path, select=args.select, ignore=args.ignore, extend_select=args.extend_select,
                               em_version=args.em_version, fail_level=args.fail_level)
    except ConfigError as err:
        return _err(str(err))
    if args.no_comments:
        settings.comments = False
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full")
    color = args.color == "always" or (args.color == "auto" and use_color(sys.stdout))

    # Results are streamed to the output as each file is linted (not kept): memory does not
    # grow with the number of findings. stdin comes first, so a fixed stdin text is written
    # before the report (which then goes to stderr).
    state = {"fixed": 0, "broken": False, "linted": 0}  # broken: a path could not be read or linting failed: exit 2
    first: list = []
    fixed_stdin: str | None = None
    for p in paths:
        if p != "-":
            continue
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        src = decode_bytes(data)
        if src is None:
            return _err("stdin does not look like text")
        name = args.stdin_filename
        language = None
        if name is None:
            language = sniff_language(src.text)
            if language is None:
                return _err("cannot tell the language of stdin; name it with --stdin-filename "
                            "(e.g. --stdin-filename script.ps1)")
        try:
            if args.fix:
                new, result, n = fix_text(src.text, path=name, language=language, settings=settings)
                state["fixed"] += n
                fixed_stdin = new
            else:
                result = lint_text(src.text, path=name, language=language, settings=settings)
        except Exception as err:  # one bad input must not hide the others' findings
            _say(f"fel lint: error: internal error while linting stdin: {type(err).__name__}: {err}")
            state["broken"] = True
            continue
        result.path = name or "-"
        state["linted"] += 1
        first.append(result)

    def files():
        yield from first
        first.clear()
        for item in iter_files([p for p in paths if p != "-"], settings, report=True):
            found: list = []
            if isinstance(item, Unreadable):
                if _report_unreadable(item.path, item.reason, settings, found):
                    state["broken"] = True
                yield from found
                continue
            path = item
            try:
                src = read_source(path)
            except OSError as err:
                if _report_unreadable(path, err.strerror or str(err), settings, found):
                    state["broken"] = True
                yield from found
                continue
            if src is None:
                if path in paths and _report_unreadable(path, "binary or too large (over 8 MB) to lint", settings,
                                                        found, "name text files only"):
                    state["broken"] = True
                yield from found
                continue
            try:
                if args.fix:
                    new, result, n = fix_text(src.text, path=path, settings=settings)
                    if n and new != src.text:
                        try:
                            write_source(path, src, new)
                        except (OSError, UnicodeEncodeError) as err:
                            _say(f"fel lint: warning: cannot write fixes to {path}: {err}")
                            result = lint_text(src.text, path=path, settings=settings)
                            n = 0
                    state["fixed"] += n
                else:
                    result = lint_text(src.text, path=path, settings=settings)
            except Exception as err:  # one bad file must never stop the run
                _say(f"fel lint: error: internal error while linting {path}: {type(err).__name__}: {err}")
                state["broken"] = True
                continue
            state["linted"] += 1
            yield result

    stream = sys.stderr if fixed_stdin is not None else sys.stdout
    if fixed_stdin is not None:
        _write(sys.stdout, fixed_stdin)
        sys.stdout.flush()
    tally = Tally()
    controls = fmt not in ("json", "sarif")
    for piece in chunks(files(), fmt, color=color, tally=tally, fixed=lambda: state["fixed"]):
        _write(stream, piece, controls=controls, keep_esc=color)
    if not state["linted"] and not state["broken"]:  # "All checks passed." alone would claim too much
        _say(f"fel lint: warning: no file to lint in {', '.join(paths)} (a directory is searched for source files"
             " and .queries/.fel lists; name other files, such as a .txt, explicitly)")
    if state["broken"]:
        return 2
    if args.exit_zero:
        return 0
    return 1 if tally.fails(settings.fail_level) else 0


def _report_unreadable(path: str, reason: str, settings, results: list, advice: str = "fix its permissions") -> bool:
    """Add FEL491 for ``path`` (unless it is excluded or FEL491 is disabled); True if added."""
    from fel.diagnostics import make
    from fel.lint import LintResult
    from fel.lint.sources import excluded
    from fel.span import Span

    if excluded(path, settings) or "FEL491" not in settings.enabled_for(path):
        return False
    what = "folder" if os.path.isdir(path) else "file"
    diag = make("FEL491", Span(0, 0), f"cannot read this {what}: {reason}",
                hint=f"{advice}, or leave it out with `exclude` in [tool.fel.lint]")
    results.append(LintResult(path, "", [diag], "plain"))
    return True


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]|\r(?!\n)")
_CONTROLS_ESC = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


def _say(message: str) -> None:
    _write(sys.stderr, message + "\n", controls=True)


def _write(stream, text: str, controls: bool = False, keep_esc: bool = False) -> None:
    """Write ``text`` whatever it holds: a lone surrogate (an unpaired ``\\ud83d`` escape in
    the linted source) is written as its escape, and characters the stream cannot encode
    are escaped rather than raising. With ``controls``, control characters quoted from the
    linted files (NUL, a lone CR, terminal escape sequences) are shown as ``\\xNN`` so they
    cannot garble or drive the terminal (ESC is kept when ``keep_esc``: fel's own colours)."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if controls:
        text = (_CONTROLS if keep_esc else _CONTROLS_ESC).sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, errors="backslashreplace").decode(encoding, errors="replace"))
