"""fel's public functions (re-exported from :mod:`fel`).

Every function takes any input form: a fel statement, a full EM URL, ``/api/query?…``,
``query?…``, a bare query string, or — with ``type=`` — a bare EM filter.
"""
from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from threading import Lock

from .baseurl import normalize_base
from .checker import check_reading, resolve_version
from .compiler import Clock, CompiledQuery, compile_checked
from .diagnostics import Diagnostic, FelError, Severity, make, sort_diagnostics
from .span import Span
from .syntax.ast import Query
from .syntax.reader import Reading, read

__all__ = ["parse", "check", "compile", "compile_query", "compile_params", "explain", "analyse", "read_and_check"]

_CACHE_SIZE = 512
_cache: "OrderedDict[tuple, tuple[Reading, list[Diagnostic]]]" = OrderedDict()
_lock = Lock()
#: compile_query results by (text, type, em_version, base, now); bounded, oldest evicted first.
_compiled: dict[tuple, CompiledQuery] = {}


def analyse(text: str, *, type: str | None = None, em_version: str | None = None) -> tuple[Reading, list[Diagnostic]]:
    """Read and check ``text``; results are cached (the REPL re-checks on every keystroke).

    Never raises for a ``str``: a bad ``em_version`` becomes a diagnostic too.
    """
    if not isinstance(text, str):
        raise TypeError(f"fel expects a str, not {text.__class__.__name__}")
    key = (text, type, em_version)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = read_and_check(text, type=type, em_version=em_version)
    with _lock:
        _cache[key] = result
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def read_and_check(text: str, *, type: str | None = None,
                   em_version: str | None = None) -> tuple[Reading, list[Diagnostic]]:
    """:func:`analyse` without its cache, for callers that see each text once (``fel lint``
    remembers its own results): nothing is kept alive after the call."""
    try:
        version = resolve_version(em_version)
        bad_version = None
    except ValueError as err:
        version, bad_version = None, make("FEL001", Span(0, 0), f"--em-version: {err}")
    reading = read(text, type=type)
    diags = check_reading(reading, em_version=version)
    if len(text) > _SHORT_ENOUGH and reading.query is not None:
        too_long = _request_line_problem(reading, diags)
        if too_long is not None:
            diags = sort_diagnostics([*diags, too_long])
    if bad_version is not None:
        diags = [bad_version, *diags]
    return reading, diags


#: HTTP.sys's default limit on the request line and headers together (MaxRequestBytes), less
#: what the client's headers take (FEL414).
REQUEST_LINE_LIMIT = 16384 - 512
#: Compiled request-line characters per input character, at most: an `in` list of one-character
#: values repeats the field name (24 characters at most) per value; tests/core/test_url_length.py
#: checks the figure against every field of the schema. Shorter input cannot reach the limit.
_EXPANSION = 20
_SHORT_ENOUGH = (REQUEST_LINE_LIMIT - 64) // _EXPANSION


def _request_line_problem(reading: Reading, diags: list[Diagnostic]) -> Diagnostic | None:
    """FEL414 when the compiled query's request line is longer than EM's HTTP stack takes."""
    if any(d.severity is Severity.ERROR for d in diags):
        return None
    try:
        url = compile_checked(reading.query).url()
    except FelError:
        return None
    target = url[url.find("/", url.find("//") + 2):] if "//" in url else url
    size = len(f"GET {target} HTTP/1.1\r\n".encode("utf-8", "backslashreplace"))
    if size <= REQUEST_LINE_LIMIT:
        return None
    source = reading.source
    lead = len(source) - len(source.lstrip())
    return make("FEL414", Span(lead, len(source.rstrip())),
                f"the compiled request line is {size:,} bytes; EM's HTTP stack (HTTP.sys) takes 16,384 for the "
                "request line and headers together by default and answers longer requests with 400",
                hint="split the query: fewer values per `in`, or several queries")


def parse(text: str, *, type: str | None = None) -> Query:
    """The :class:`~fel.syntax.ast.Query` for ``text``; raises :class:`FelError` on syntax errors."""
    reading = read(text, type=type)
    errors = [d for d in reading.diagnostics if d.severity is Severity.ERROR]
    if reading.query is None or errors:
        raise FelError(reading.diagnostics, text)
    return reading.query


def check(text: str, *, type: str | None = None, em_version: str | None = None) -> list[Diagnostic]:
    """Every diagnostic for ``text`` (errors, warnings, infos), in source order."""
    return list(analyse(text, type=type, em_version=em_version)[1])


def compile_query(text: str, *, base: str | None = None, now: datetime | None = None,
                  type: str | None = None, em_version: str | None = None) -> CompiledQuery:
    """The canonical :class:`~fel.compiler.CompiledQuery`; raises :class:`FelError` on errors.

    ``base`` is the API root, normalised as ``fel run --url`` is (``em`` →
    ``https://em:9398/api/``, :func:`fel.baseurl.normalize_base`; a malformed one raises
    :class:`fel.baseurl.BaseURLError`, a ``ValueError``); default: the input URL's own, else
    ``https://localhost:9398/api/``.
    Results are cached by all arguments, except when the query reads the clock (``now``
    left to default and a time value such as ``now-24h``).
    """
    if base is not None:
        base = normalize_base(base)
    key = (text, type, em_version, base, now)
    try:
        hit = _compiled.get(key)  # lock-free: a dict lookup is atomic; writers hold _lock
    except TypeError:  # unhashable argument: analyse() names the problem
        hit = None
    if hit is not None:
        return hit
    reading, diags = analyse(text, type=type, em_version=em_version)
    if reading.query is None or any(d.severity is Severity.ERROR for d in diags):
        raise FelError(diags, text)
    clock = now or Clock()
    try:
        result = compile_checked(reading.query, base=base, now=clock)
    except FelError as err:  # a time value out of range at the given `now` (FEL213)
        raise FelError([*diags, *err.diagnostics], text) from None
    if clock is now or not clock.read:
        with _lock:
            if len(_compiled) >= _CACHE_SIZE:
                del _compiled[next(iter(_compiled))]  # oldest first
            _compiled[key] = result
    return result


def compile(text: str, *, base: str | None = None, now: datetime | None = None,
            type: str | None = None, em_version: str | None = None) -> str:
    """The canonical ``/api/query`` URL for ``text``; raises :class:`FelError` on errors."""
    return compile_query(text, base=base, now=now, type=type, em_version=em_version).url()


def compile_params(text: str, *, now: datetime | None = None, type: str | None = None,
                   em_version: str | None = None) -> list[tuple[str, str]]:
    """The canonical, decoded ``(name, value)`` parameters in canonical order."""
    return compile_query(text, now=now, type=type, em_version=em_version).params


def explain(text: str, *, base: str | None = None, now: datetime | None = None, type: str | None = None) -> dict:
    """What fel makes of ``text``: input form, statement form, canonical filter, URL, diagnostics."""
    from .syntax.printer import print_statement

    reading, diags = analyse(text, type=type)
    out: dict = {"form": reading.form, "diagnostics": diags, "tree": reading.query}
    if reading.query is not None:
        out["statement"] = print_statement(reading.query)
    try:
        compiled = compile_query(text, base=base, now=now, type=type)
    except FelError:
        compiled = None
    out["compiled"] = compiled
    out["filter"] = compiled.filter if compiled else None
    out["url"] = compiled.url() if compiled else None
    return out
