"""fel's public functions (re-exported from :mod:`fel`).

Every function takes any input form: a fel statement, a full EM URL, ``/api/query?…``,
``query?…``, a bare query string, or — with ``type=`` — a bare EM filter.
"""
from __future__ import annotations

from datetime import datetime
from threading import Lock

from .baseurl import normalize_base
from .checker import check_reading, resolve_version
from .compiler import Clock, CompiledQuery, compile_checked
from .compiler import REQUEST_LINE_LIMIT, SHORT_ENOUGH as _SHORT_ENOUGH
from .diagnostics import Diagnostic, FelError, Severity, make, sort_diagnostics
from .quickpath import quick
from .span import Span
from .syntax.ast import Query
from .syntax.reader import Reading, read

__all__ = ["parse", "check", "compile", "compile_query", "compile_params", "explain", "analyse", "read_and_check",
           "check_once"]

_CACHE_SIZE = 512
_lock = Lock()
# The caches keep results, never trees: a syntax tree with its spans is a few dozen objects per
# comparison, and 512 of them kept alive slowed every cold call and the garbage collector.
# Reads are lock-free (a dict lookup is atomic), and so are writes while a cache has room;
# evicting (oldest entry first) holds _lock. Each is bounded: racing writers can overshoot the
# bound by at most one entry each.
#: check() diagnostics by (text, type, em_version).
_checked: dict[tuple, tuple[Diagnostic, ...]] = {}
#: compile_query results by (text, type, em_version, base, now).
_compiled: dict[tuple, CompiledQuery] = {}
#: compile() URL strings by the same key (``CompiledQuery.url`` re-encodes on every call).
_urls: dict[tuple, str] = {}


def _remember(cache: dict, key: tuple, value) -> None:
    if len(cache) < _CACHE_SIZE:
        cache[key] = value  # one atomic dict operation: no lock needed
        return
    with _lock:
        if len(cache) >= _CACHE_SIZE:
            del cache[next(iter(cache))]  # oldest first
        cache[key] = value


def clear_caches() -> None:
    """Forget every cached result (benchmarks and long-running tools that want a clean start)."""
    with _lock:
        _checked.clear()
        _compiled.clear()
        _urls.clear()


def _lookup(cache: dict, key: tuple):
    try:
        return cache.get(key)
    except TypeError:  # unhashable argument: the full path names the problem
        return None


def analyse(text: str, *, type: str | None = None, em_version: str | None = None) -> tuple[Reading, list[Diagnostic]]:
    """Read and check ``text``: the reading (tree) and its diagnostics.

    Not cached (trees are not kept); :func:`check` and :func:`compile_query` cache their results.
    Never raises for a ``str``: a bad ``em_version`` becomes a diagnostic too.
    """
    if not isinstance(text, str):
        raise TypeError(f"fel expects a str, not {text.__class__.__name__}")
    return read_and_check(text, type=type, em_version=em_version)


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
    key = (text, type, em_version)
    try:
        hit = _checked.get(key)
    except TypeError:  # unhashable argument: the full path names the problem
        hit = None
    if hit is None:
        q = quick(text, type, em_version)
        hit = q[0] if q is not None else tuple(analyse(text, type=type, em_version=em_version)[1])
        _remember(_checked, key, hit)
    return list(hit)


def check_once(text: str, *, type: str | None = None, em_version: str | None = None) -> list[Diagnostic]:
    """:func:`check` without its cache, for callers that see each text once (``fel lint``)."""
    return list(_diagnostics(text, type, em_version))


def _diagnostics(text: str, type: str | None, em_version: str | None) -> tuple[Diagnostic, ...]:
    """The quick path's answer for clean input (fel.quickpath), else the full path's."""
    q = quick(text, type, em_version)
    if q is not None:
        return q[0]
    return tuple(analyse(text, type=type, em_version=em_version)[1])


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
    hit = _lookup(_compiled, key)
    if hit is not None:
        return hit
    return _compile(key)[0]


def _compile(key: tuple, keep: bool = True) -> tuple[CompiledQuery, bool]:
    """(compiled query, whether it may be cached) for a key of :data:`_compiled`; the result is
    remembered when it may be (and ``keep``)."""
    text, type, em_version, base, now = key
    q = quick(text, type, em_version, diagnostics=False)
    if q is not None:  # clean input: no tree; time values (the clock) are never taken
        result = q[1]
        if base is not None:
            result = CompiledQuery(result.type, result.format, result.filter, result.sort, result.page_size,
                                   result.page, base)
        if keep:
            _remember(_compiled, key, result)
        return result, True
    reading, diags = analyse(text, type=type, em_version=em_version)
    if reading.query is None or any(d.severity is Severity.ERROR for d in diags):
        raise FelError(diags, text)
    clock = now or Clock()
    try:
        result = compile_checked(reading.query, base=base, now=clock)
    except FelError as err:  # a time value out of range at the given `now` (FEL213)
        raise FelError([*diags, *err.diagnostics], text) from None
    cacheable = clock is now or not clock.read
    if cacheable and keep:
        _remember(_compiled, key, result)
    return result, cacheable


def compile(text: str, *, base: str | None = None, now: datetime | None = None,
            type: str | None = None, em_version: str | None = None) -> str:
    """The canonical ``/api/query`` URL for ``text``; raises :class:`FelError` on errors.
    Memoised like :func:`compile_query` (the URL string itself is kept)."""
    if base is not None:
        base = normalize_base(base)
    key = (text, type, em_version, base, now)
    try:
        hit = _urls.get(key)
    except TypeError:  # unhashable argument: the full path names the problem
        hit = key = None
    if hit is not None:
        return hit
    if key is None:
        return compile_query(text, base=base, now=now, type=type, em_version=em_version).url()
    compiled = _compiled.get(key)
    cacheable = compiled is not None
    if compiled is None:
        compiled, cacheable = _compile(key, keep=False)  # the URL is kept instead
    url = compiled.url()
    if cacheable:
        _remember(_urls, key, url)
    return url


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
