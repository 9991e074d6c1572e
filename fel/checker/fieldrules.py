"""What EM allows a field and its values to do: sort-only fields (FEL108) and enum values
gated by EM version (FEL109).

Kept apart from :mod:`fel.checker.filters` because both depend on facts the schema carries per
field (``sort_only``, ``filter_since``, ``enum_since``) rather than on the value's form.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic, make
from ..schema import QueryType, parse_version
from ..schema.versions import EmVersion
from ..syntax.ast import Comparison, Expr, Membership, walk

__all__ = ["check_field_rules"]


def check_field_rules(expr: Expr, qtype: QueryType | None, em_version: EmVersion | None,
                      out: list[Diagnostic]) -> None:
    """FEL108 for a filter on a field EM only sorts on; FEL109 for an enum value newer than
    ``em_version`` (no version: no FEL109). Unknown fields are FEL101's business."""
    if qtype is None or (em_version is None and not _has_sort_only(qtype)):
        return  # nothing to find: without a version only sort-only fields are reported
    for node in walk(expr):
        if isinstance(node, Comparison):
            values = (node.value,)
        elif isinstance(node, Membership):
            values = node.values
        else:
            continue
        field = qtype.field(node.field.text)
        if field is None:
            continue
        if not field.filterable_in(em_version):
            if field.sort_only:
                message = f"{qtype.name} can be sorted by {field.name} but not filtered on it"
            else:
                message = (f"in Enterprise Manager {em_version}, {qtype.name} can be sorted by {field.name} "
                           f"but not filtered on it (filtering came in {field.filter_since})")
            out.append(make("FEL108", node.field.span, message,
                            hint=f"sort with sortAsc={field.name} (`order by {field.name}`) and filter on another field"))
        if em_version is None or not field.enum_since:
            continue
        for value in values:
            since = field.value_since(value.text)
            if since is not None and parse_version(since) > em_version:
                out.append(make("FEL109", value.span,
                                f"`{field.canonical_enum(value.text)}` is not a {field.name} value in Enterprise "
                                f"Manager {em_version} (it appeared in {since})",
                                hint=f"values in {em_version}: " + ", ".join(
                                    v for v in field.enum if (field.value_since(v) is None
                                                              or parse_version(field.value_since(v)) <= em_version))))


#: Per query type name: (the type, whether any of its fields is sort-only).
_SORT_ONLY: dict[str, tuple[QueryType, bool]] = {}


def _has_sort_only(qtype: QueryType) -> bool:
    """Whether a field of ``qtype`` is sort-only (a table built on first use per type)."""
    known = _SORT_ONLY.get(qtype.name)
    if known is None or known[0] is not qtype:  # another schema object: decide again
        known = _SORT_ONLY[qtype.name] = (qtype, any(f.sort_only for f in qtype.fields))
    return known[1]
