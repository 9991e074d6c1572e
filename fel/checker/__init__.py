"""fel's checker: schema validation of a read query, producing diagnostics.

``check_reading`` takes what :func:`fel.syntax.reader.read` produced (:func:`fel.api.read_and_check`
reads and checks in one go). It never raises for any input.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from ..diagnostics import Diagnostic, Fix, make, sort_diagnostics
from ..schema import load_schema, parse_version
from ..schema.versions import EmVersion
from ..syntax.reader import Reading
from .fieldrules import check_field_rules
from .filters import check_filter
from .params import check_params, resolve_type
from .urlshape import check_unicode, check_url_shape

__all__ = ["check_reading", "resolve_version"]

_QUERY_PATH = re.compile(r"(?:^|/)query/?$", re.IGNORECASE | re.ASCII)


def resolve_version(em_version: str | EmVersion | None) -> EmVersion | None:
    if em_version is None or isinstance(em_version, EmVersion):
        return em_version
    return parse_version(em_version)


def check_reading(reading: Reading, *, em_version: str | EmVersion | None = None) -> list[Diagnostic]:
    out = list(reading.diagnostics)
    if not reading.source.isascii():
        check_unicode(reading.source, out)
    query = reading.query
    if query is None:
        return sort_diagnostics(out)
    version = resolve_version(em_version)
    schema = load_schema()
    if reading.form == "url":
        check_url_shape(reading, out)
        if _check_endpoint(reading, out):
            return sort_diagnostics(out)  # not a query URL: its parameters mean something else
    qtype = resolve_type(query, schema, version, reading.source, out)
    check_params(query, qtype, reading.source, out)
    if query.filter is not None:
        out.extend(check_filter(query.filter, qtype, reading.source, em_mode=reading.form != "statement"))
        check_field_rules(query.filter, qtype, version, out)
    return sort_diagnostics(out) if out else out


def _check_endpoint(reading: Reading, out: list[Diagnostic]) -> bool:
    """Endpoint diagnostics; True when the URL is not a query URL at all."""
    parts = reading.url
    if parts is None:
        return False
    if parts.encoded_in_path is not None:
        span = parts.encoded_in_path
        raw = reading.source[span.start:span.end]
        fix = Fix(span, unquote(raw), "decode the query part")
        into_path = raw[:3].lower() == "%3f"
        message = ("the whole query is percent-encoded into the path; EM sees no parameters" if into_path
                   else "the query string is percent-encoded as a whole; EM sees one unknown parameter")
        out.append(make("FEL402", span, message,
                        hint="only parameter values may be encoded: …/query?type=…&filter=…", fix=fix))
    if (parts.path or parts.base) and not _QUERY_PATH.search(parts.path.rstrip()):
        message = (f"`{parts.path}` is not the query endpoint `/api/query`" if parts.path
                   else "the URL has no path; the query endpoint is `/api/query`")
        out.append(make("FEL401", parts.path_span, message,
                        hint="fel checks /api/query URLs; `fel lint` also knows other EM endpoints"))
        return True
    return False
