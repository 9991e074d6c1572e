"""``fel schema`` — the query types, or one type's fields."""
from __future__ import annotations

import json
import sys


def configure(parser) -> None:
    parser.add_argument("type", nargs="?", metavar="TYPE", help="a query type (case-insensitive)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--em-version", metavar="V", help="only the types available in this EM version")


def _field_dict(f) -> dict:
    return {"name": f.name, "doc_type": f.doc_type, "kind": f.kind.value, "enum": list(f.enum),
            "description": f.description, "since": f.since, "undocumented": f.undocumented,
            "element": f.element, "urn_types": list(f.urn_types), "ordered": f.ordered,
            "sort_only": f.sort_only, "filter_since": f.filter_since, "enum_since": dict(f.enum_since),
            "enum_spellings": dict(f.enum_spellings)}


def run(args) -> int:
    from fel.schema import load_schema, parse_version, suggest

    schema = load_schema()
    version = None
    if args.em_version:
        try:
            version = parse_version(args.em_version)
        except ValueError as err:
            print(f"fel schema: error: --em-version: {err}", file=sys.stderr)
            return 2
    if args.type is None:
        types = schema.types_in(version) if version else schema.types
        if args.format == "json":
            print(json.dumps([{"name": t.name, "since": t.since, "fields": len(t.fields),
                               "result_container": t.result_container} for t in types], indent=2))
        else:
            width = max(len(t.name) for t in types)
            for t in types:
                print(f"{t.name:<{width}}  since {t.since:<6} {len(t.fields):>3} fields")
        return 0
    qtype = schema.type(args.type)
    if qtype is None:
        sugg = suggest(args.type, schema.type_names)
        hint = f"; did you mean {' or '.join(sugg)}?" if sugg else "; `fel schema` lists the types"
        print(f"fel schema: error: `{args.type}` is not a query type{hint}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps({"name": qtype.name, "since": qtype.since, "result_container": qtype.result_container,
                          "entity_element": qtype.entity_element, "entities_container": qtype.entities_container,
                          "fields": [_field_dict(f) for f in qtype.fields]}, indent=2, ensure_ascii=False))
        return 0
    print(f"{qtype.name} (since EM {qtype.since}; results under {qtype.result_container})")
    width = max(len(f.name) for f in qtype.fields)
    for f in qtype.fields:
        extra = ""
        if f.enum:
            since = dict(f.enum_since)
            extra = "  " + " | ".join(v + (f" ({since[v]}+)" if v in since else "") for v in f.enum)
        if f.undocumented:
            extra += "  (undocumented)"
        if f.sort_only:
            extra += "  (sort only)"
        elif f.filter_since:
            extra += f"  (filter from {f.filter_since}; sort only before)"
        print(f"  {f.name:<{width}}  {f.kind.value:<9} {f.doc_type:<10}{extra}")
    return 0
