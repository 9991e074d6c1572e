"""``/api/query``: parameters, validation, filtering, sorting and paging over the dataset.

Parameter names are matched case-insensitively (``Type=``, ``Filter=`` occur in the wild);
when a parameter is repeated the first one counts; anything else (``&JobType==Backup``, the
``&``-in-filter mistake) is ignored as on a real server. Filters are parsed with
:func:`fel.syntax.parser.parse_filter`, validated (:mod:`.validate`), and evaluated with
:mod:`fel.evaluate`. Results of a (type, filter, sort) are cached, and ``==`` comparisons on
indexed fields narrow the candidates, so paging through a large type stays cheap.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from ..evaluate import EvaluationError, compile_filter, normalizer, parse_literal, sort_key
from ..schema import Kind, QueryType
from ..syntax.ast import And, Comparison, Expr
from .dataset import Dataset
from .model import Entity
from .urls import encode_value
from .validate import QueryProblem, parse_em_filter, validate_params

__all__ = ["QueryEngine", "QueryPage", "QueryProblem", "KNOWN_PARAMS"]

#: The parameters /api/query knows, by lower-case name -> canonical spelling.
KNOWN_PARAMS = {p.lower(): p for p in ("type", "format", "filter", "sortAsc", "sortDesc", "pageSize", "page")}
_INDEXED = (Kind.STRING, Kind.ENUM, Kind.UID, Kind.BOOLEAN, Kind.REFERENCE)


@dataclass(frozen=True, slots=True)
class QueryPage:
    qtype: QueryType
    entities: list[Entity]
    total: int
    page: int
    page_size: int
    pages: int
    entities_format: bool
    #: (Rel, href below /api/) of the PagingInfo links.
    links: list[tuple[str, str]]


class QueryEngine:
    """Answers /api/query over a dataset (thread-safe)."""

    def __init__(self, dataset: Dataset, *, default_page_size: int = 100, link_style: str = "v13",
                 case_sensitive: bool = False, cache_size: int = 512,
                 validator: Callable[[str, list[tuple[str, str]]], None] | None = None) -> None:
        self.dataset = dataset
        self.default_page_size = default_page_size
        self.link_style = link_style
        self.case_sensitive = case_sensitive
        self.validator = validator
        self._cache: OrderedDict[tuple, list[Entity]] = OrderedDict()
        self._cache_size = cache_size
        self._indexes: dict[tuple[str, str], dict] = {}
        self._lock = threading.Lock()

    # ---- the public entry point ------------------------------------------------------------
    def run(self, raw_query: str, params: list[tuple[str, str]]) -> QueryPage:
        """One query. ``params`` are the decoded pairs of ``raw_query``. Raises QueryProblem."""
        chosen: dict[str, str] = {}
        for name, value in params:
            canon = KNOWN_PARAMS.get(name.strip().lower())
            if canon and canon not in chosen:
                chosen[canon] = value
        if self.validator is not None:
            self.validator(raw_query, params)
        qtype, fmt, size, page = validate_params(chosen, self.default_page_size)
        sort = chosen.get("sortAsc"), chosen.get("sortDesc")
        field_name, descending = (sort[0], False) if sort[0] is not None else (sort[1], True)
        if field_name is not None:
            field_name = field_name.strip()
            if qtype.field(field_name) is None:
                raise QueryProblem(f"cannot sort by '{field_name}': it is not a field of {qtype.name}")
        matches = self._matches(qtype, chosen.get("filter"), field_name, descending)
        total = len(matches)
        pages = -(-total // size)
        start = (page - 1) * size
        entities_format = fmt == "entities" or qtype.reference_type is None
        return QueryPage(qtype, matches[start:start + size], total, page, size, pages, entities_format,
                         self._paging_links(params, page, size, pages))

    # ---- filtering, sorting ----------------------------------------------------------------
    def _matches(self, qtype: QueryType, filter_text: str | None, sort_field: str | None, desc: bool) -> list[Entity]:
        ftext = (filter_text or "").strip()
        key = (qtype.name, ftext, (sort_field or "").lower(), desc)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        expr = parse_em_filter(ftext) if ftext else None
        try:
            predicate = compile_filter(expr, qtype, case_sensitive=self.case_sensitive)
        except EvaluationError as exc:
            raise QueryProblem(exc.message) from None
        candidates = self._candidates(qtype, expr)
        found = [e for e in candidates if predicate(e.fields)]
        if sort_field:
            found.sort(key=lambda e, k=sort_key(sort_field, qtype, case_sensitive=self.case_sensitive): k(e.fields),
                       reverse=desc)
        with self._lock:
            self._cache[key] = found
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return found

    def _candidates(self, qtype: QueryType, expr: Expr | None) -> list[Entity]:
        """All entities, or fewer when an ``==`` on an indexed field must hold."""
        everything = self.dataset.entities(qtype.name)
        terms = [expr] if isinstance(expr, Comparison) else list(expr.operands) if isinstance(expr, And) else []
        best = everything
        for term in terms:
            if not isinstance(term, Comparison) or term.op != "==":
                continue
            field = qtype.field(term.field.text)
            if field is None or field.kind not in _INDEXED:
                continue
            index = self._index(qtype, field.name)
            literal = parse_literal(field, term.value, case_sensitive=self.case_sensitive)
            bucket = index.get(literal, [])
            if len(bucket) < len(best):
                best = bucket
        return best

    def _index(self, qtype: QueryType, field_name: str) -> dict:
        key = (qtype.name, field_name)
        index = self._indexes.get(key)
        if index is None:
            norm = normalizer(qtype.field(field_name), case_sensitive=self.case_sensitive)
            index = {}
            for e in self.dataset.entities(qtype.name):
                v = e.fields.get(field_name)
                if v is not None:
                    index.setdefault(norm(v), []).append(e)
            self._indexes[key] = index
        return index

    # ---- PagingInfo links ------------------------------------------------------------------
    def _paging_links(self, params: list[tuple[str, str]], page: int, size: int, pages: int) -> list[tuple[str, str]]:
        """Links that repeat the query's known parameters as given (values re-encoded), with
        ``pageSize`` and ``page`` set (appended when the query had none)."""
        kept: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name, value in params:
            canon = KNOWN_PARAMS.get(name.strip().lower())
            if canon is None or canon in seen:
                continue
            seen.add(canon)
            kept.append((canon, value))
        if "pageSize" not in seen:
            kept.append(("pageSize", str(size)))
        if "page" not in seen:
            kept.append(("page", "1"))
        last = max(1, pages)

        def href(n: int) -> str:
            parts = []
            for name, value in kept:
                if name == "page":
                    value = str(n)
                elif name == "pageSize":
                    value = str(size)
                parts.append(f"{name}={encode_value(value, self.link_style)}")
            return "query?" + "&".join(parts)

        links = [("First", href(1))]
        if page > 1:
            links.append(("Previous", href(min(page - 1, last))))
        if page < pages:
            links.append(("Next", href(page + 1)))
        links.append(("Last", href(last)))
        return links
