"""Generate ``fel/schema/data/{types,examples}.json`` from the shared Veeam doc extracts.

Run from the repository root::

    python -m fel.schema.generate [--shared ../shared] [--check] [--write-test-fixture]

Only this script reads ``<shared>/em/schemas/<Type>.json``; the installed package reads the
generated JSON. Every hand decision is a plain table in :mod:`fel.schema.decisions`, each
entry citing the schema note (``<Type>.json`` "notes") or REFERENCE.md section it comes from.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from lxml import etree

from . import additions
from .decisions import (DOC_TYPE_KINDS, DOC_TYPE_NOTES, ELEMENT_MAP, ENUM_FIXES, EXAMPLE_FIXES,
                        EXAMPLE_XML_FIXES, GENERIC_NOTE_PREFIXES, GENERIC_RENAMES, KIND_FIXES, LINK_TYPES,
                        NEW_TYPES_SINCE, OLDEST_LIST, RESOURCES_TYPES, UID_VARIANTS, UNDOCUMENTED, URN_OVERRIDES,
                        URN_STEMS, VERSION_ALIASES)
from .model import Kind
from .versions import parse_version

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent / "data"
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "schema" / "field-index.json"

# ----------------------------------------------------------------------------------------
# Building
# ----------------------------------------------------------------------------------------

_SENTENCE_RE = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=\.)\s+(?=[A-Z0-9<'\"]|entity_example_xml )")
_UID_SUFFIX_RE = re.compile(r"(Uid|UId|UID|Id|ID)$")
_URN_RE = re.compile(r"^urn:veeam:([^:]+):")


def split_notes(text: str) -> list[str]:
    """Type-specific note sentences, without the generic provenance text."""
    text = text.split(" | General:")[0]
    out: list[str] = []
    for part in text.split(" | "):
        for sentence in _SENTENCE_RE.split(part.strip()):
            sentence = sentence.strip()
            if sentence and not sentence.startswith(GENERIC_NOTE_PREFIXES):
                out.append(sentence)
    return out


def _version(label: str) -> str:
    return VERSION_ALIASES.get(label, label)


def type_since(doc: dict) -> str:
    """REFERENCE §6: new types get their release; the rest the earliest version seen, capped at 9.5u4."""
    if doc["type"] in NEW_TYPES_SINCE:
        return NEW_TYPES_SINCE[doc["type"]]
    earliest = min((_version(v) for v in doc["versions_seen"]), key=parse_version)
    return earliest if parse_version(earliest) <= parse_version(OLDEST_LIST) else OLDEST_LIST


def _parse(xml: str | None) -> etree._Element | None:
    if not xml:
        return None
    try:
        return etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None


def _roots(doc: dict) -> list[etree._Element]:
    entity = doc.get(EXAMPLE_XML_FIXES.get(doc["type"], "entity_example_xml"))
    return [r for r in (_parse(entity), _parse(doc.get("query_example_entity_xml"))) if r is not None]


def _links(roots: list[etree._Element]) -> list[tuple[str, str]]:
    """(Rel, Type) of the entity's own Links/Link elements, in document order."""
    seen: list[tuple[str, str]] = []
    for root in roots:
        for links in root:
            if isinstance(links.tag, str) and etree.QName(links).localname == "Links":
                for link in links:
                    pair = (link.get("Rel") or "", link.get("Type") or "")
                    if pair not in seen:
                        seen.append(pair)
    return seen


def _entity_shape(doc: dict, roots: list[etree._Element]) -> tuple[list[str], list[str]]:
    """Entity attributes and elements: entity_representation (minus Links), plus whatever the
    13.1 query example entity adds (VmRestorePoint notes: VmDisplayName, <VmName>)."""
    rep = doc["entity_representation"]
    attrs = list(rep.get("attributes") or [])
    elems = [e for e in rep.get("elements") or [] if e != "Links" and not e.startswith("Links/")]
    query_root = _parse(doc.get("query_example_entity_xml"))
    if query_root is not None:
        attrs += [a for a in query_root.attrib if not a.startswith("{") and a not in attrs]

        def walk(el: etree._Element, prefix: str) -> None:
            for child in el:
                if not isinstance(child.tag, str) or etree.QName(child).localname == "Links":
                    continue
                path = prefix + etree.QName(child).localname
                if path not in elems:
                    elems.append(path)
                walk(child, path + "/")
        walk(query_root, "")
    return attrs, elems


def _uid_prefix(roots: list[etree._Element]) -> str | None:
    for root in roots:
        m = _URN_RE.match(root.get("UID") or "")
        if m:
            return f"urn:veeam:{m.group(1)}:"
    return None


def _spellings(doc: dict, roots: list[etree._Element]) -> list[str]:
    """Other spellings of the type name seen in the docs (request, Type attribute, Ref type)."""
    name, seen = doc["type"], []
    m = re.search(r"[?&]type=([A-Za-z]+)", (doc.get("query_example") or {}).get("request", ""))
    candidates = [m.group(1)] if m else []
    candidates += [r.get("Type") or "" for r in roots]
    candidates.append((doc.get("reference_type") or "").removesuffix("Reference"))
    for c in candidates:
        if c != name and c.lower() == name.lower() and c not in seen:
            seen.append(c)
    return seen


def _element(tname: str, fname: str, attrs: list[str], elems: list[str],
             links: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """Where the value of a filter field sits in an entity (see model.Field.element)."""
    if (tname, fname) in ELEMENT_MAP:
        return ELEMENT_MAP[(tname, fname)]
    top = {e.lower(): e for e in elems if "/" not in e}
    for target in GENERIC_RENAMES.get(fname, ()):
        if target.lower() in top:
            return top[target.lower()], None
    for a in attrs:
        if a.lower() == fname.lower() and a not in ("Type", "Href"):
            return "@" + a, None
    if fname.lower() in top:
        return top[fname.lower()], None
    m = re.match(r"(.+?)(Uid|UId|UID|Id|Name)$", fname)
    if m:
        stem, part = m.group(1), "Name" if m.group(2) == "Name" else "UID"
        wanted = LINK_TYPES.get(stem, (stem + "Reference", stem))
        for want in wanted:
            for rel, ltype in links:
                if ltype == want and rel in ("Up", "Related"):
                    return f"link:{rel}:{ltype}@{part}", None
    return None, None


def _urn_types(tname: str, fname: str, uid_prefix: str | None) -> list[str]:
    if (tname, fname) in URN_OVERRIDES:
        return list(URN_OVERRIDES[(tname, fname)])
    stem = _UID_SUFFIX_RE.sub("", fname)
    if not stem:
        if uid_prefix is None:
            raise ValueError(f"{tname}.{fname}: identity uid field but entities carry no URN")
        return [uid_prefix.split(":")[2], *UID_VARIANTS.get(tname, ())]
    if stem not in URN_STEMS:
        raise ValueError(f"{tname}.{fname}: no URN_STEMS entry for stem {stem!r}")
    return list(URN_STEMS[stem])


def build_field(tname: str, f: dict, attrs: list[str], elems: list[str],
                links: list[tuple[str, str]], uid_prefix: str | None) -> dict[str, Any]:
    """One documented field, with the hand decisions applied."""
    doc_type, fname = f["type"], f["name"]
    if doc_type not in DOC_TYPE_KINDS:
        raise ValueError(f"{tname}.{fname}: unknown doc type {doc_type!r}")
    kind = DOC_TYPE_KINDS[doc_type]
    enum = list(f.get("enum") or [])
    notes = [DOC_TYPE_NOTES[doc_type]] if doc_type in DOC_TYPE_NOTES else []
    if kind is Kind.STRING and enum:
        kind = Kind.ENUM
    if (tname, fname) in KIND_FIXES:
        kind, note = KIND_FIXES[(tname, fname)]
        notes.append(note)
    elif kind is Kind.BOOLEAN and {v.lower() for v in enum} - {"true", "false"}:
        raise ValueError(f"{tname}.{fname}: Boolean with values {enum}; add a KIND_FIXES entry")
    if (tname, fname) in ENUM_FIXES:
        values, note = ENUM_FIXES[(tname, fname)]
        enum = list(values)
        notes.append(note)
    example = f.get("example")
    if (tname, fname) in EXAMPLE_FIXES:
        example, note = EXAMPLE_FIXES[(tname, fname)]
        notes.append(note)
    element, element_note = _element(tname, fname, attrs, elems, links)
    if element_note:
        notes.append(element_note)
    out: dict[str, Any] = {"name": fname, "doc_type": doc_type, "kind": kind.value,
                           "description": f.get("description") or ""}
    if kind is not Kind.BOOLEAN and enum:
        out["enum"] = enum
    out.update({"since": _version(f["since"]) if f.get("since") else None, "undocumented": False,
                "element": element,
                "urn_types": _urn_types(tname, fname, uid_prefix) if kind is Kind.UID else [],
                "example": example, "note": " ".join(notes) or None})
    return out


def build_type(doc: dict) -> dict[str, Any]:
    """One query type's record for types.json."""
    name = doc["type"]
    roots = _roots(doc)
    attrs, elems = _entity_shape(doc, roots)
    links = _links(roots)
    prefix = _uid_prefix(roots)
    fields = [build_field(name, f, attrs, elems, links, prefix) for f in doc["fields"]]
    for extra in UNDOCUMENTED.get(name, []):
        fields.append({"name": extra["name"], "doc_type": extra["doc_type"], "kind": extra["kind"],
                       "description": extra["description"], "since": None, "undocumented": True,
                       "element": extra["element"], "urn_types": [], "example": extra["example"],
                       "note": extra["note"]})
    return {"name": name, "since": type_since(doc), "spellings": _spellings(doc, roots),
            "collection_resource": doc.get("collection_resource"),
            "reference_type": doc.get("reference_type"), "entity_element": doc.get("entity_element"),
            "entities_container": doc.get("entities_container"),
            "result_container": "Resources" if name in RESOURCES_TYPES else "Entities",
            "resource_root_element": doc.get("resource_root_element"),
            "entity_attributes": attrs, "entity_elements": elems, "uid_prefix": prefix,
            "doc_notes": split_notes(doc.get("notes") or ""), "fields": fields}


def load_shared(shared: Path) -> list[dict]:
    """The 48 shared schema files, sorted by type name case-insensitively."""
    files = sorted((shared / "em" / "schemas").glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no schema files under {shared / 'em' / 'schemas'}")
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    return sorted(docs, key=lambda d: d["type"].lower())


def build(shared: Path) -> tuple[dict, dict, list]:
    """(types.json data, examples.json data, test field index) built from ``shared``."""
    docs = load_shared(shared)
    types = sorted([build_type(d) for d in docs] + additions.extra_types(), key=lambda t: t["name"].lower())
    additions.apply(types)
    documented = sum(1 for t in types for f in t["fields"] if not f["undocumented"])
    meta = {"generated_by": "fel.schema.generate",
            "source": "Veeam EM docs via shared/em/schemas, fel.schema.additions and data/docfacts.json",
            "field_count": sum(len(t["fields"]) for t in types), "documented_field_count": documented}
    examples = {d["type"]: {"entity_example_xml": d.get(EXAMPLE_XML_FIXES.get(d["type"], "entity_example_xml")),
                            "query_example_entity_xml": d.get("query_example_entity_xml"),
                            "query_example": d.get("query_example")} for d in docs}
    examples = {k: v for k, v in sorted({**examples, **additions.extra_examples()}.items(), key=lambda kv: kv[0].lower())}
    index = [{"type": d["type"], "field": f["name"], "doc_type": f["type"], "enum": f.get("enum") or []}
             for d in docs for f in d["fields"]]
    return {"meta": meta, "types": types}, examples, index


# ----------------------------------------------------------------------------------------
# Writing and checking
# ----------------------------------------------------------------------------------------

def dumps(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Field-for-field differences between two JSON values (types and fields keyed by name)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(f"{path}/{key}: only in committed file")
            elif key not in old:
                out.append(f"{path}/{key}: missing from committed file")
            else:
                out += diff(old[key], new[key], f"{path}/{key}")
        return out
    named = (isinstance(old, list) and isinstance(new, list) and old + new
             and all(isinstance(x, dict) and "name" in x for x in old + new))
    if named:
        return diff({x["name"]: x for x in old}, {x["name"]: x for x in new}, path) + (
            [f"{path}: order differs"] if [x["name"] for x in old] != [x["name"] for x in new]
            and {x["name"] for x in old} == {x["name"] for x in new} else [])
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in diff(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: committed {_short(old)} != generated {_short(new)}"]


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...(truncated)"


def _targets(shared: Path) -> list[tuple[Path, Any]]:
    types, examples, index = build(shared)
    return [(DATA_DIR / "types.json", types), (DATA_DIR / "examples.json", examples), (FIXTURE, index)]


def check(shared: Path) -> list[str]:
    """Differences between the committed files and a fresh generation (empty when equal)."""
    problems: list[str] = []
    for path, data in _targets(shared):
        label = path.relative_to(REPO_ROOT).as_posix()
        if not path.exists():
            problems.append(f"{label}: missing")
            continue
        text = path.read_text(encoding="utf-8")
        found = [f"{label} {d}" for d in diff(json.loads(text), data)]
        if not found and text != dumps(data):
            found.append(f"{label}: formatting differs (regenerate)")
        problems += found
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fel.schema.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared",
                        help="the shared folder; relative paths are taken from the repository root (default: ../shared)")
    parser.add_argument("--check", action="store_true", help="compare with the committed files; exit 1 on any difference")
    parser.add_argument("--write-test-fixture", action="store_true", help=f"also write {FIXTURE.relative_to(REPO_ROOT)}")
    args = parser.parse_args(argv)
    shared = args.shared if args.shared.is_absolute() else (REPO_ROOT / args.shared)
    if not (shared / "em" / "schemas").is_dir():
        print(f"error: {shared / 'em' / 'schemas'} not found (use --shared)", file=sys.stderr)
        return 2
    if args.check:
        problems = check(shared)
        for p in problems:
            print(p)
        print(f"{len(problems)} difference(s)" if problems else "schema data is up to date")
        return 1 if problems else 0
    for path, data in _targets(shared):
        if path == FIXTURE and not args.write_test_fixture:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(data), encoding="utf-8")
        print(f"wrote {path.relative_to(REPO_ROOT).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
