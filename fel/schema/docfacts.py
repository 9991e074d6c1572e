"""Facts from Veeam's EM REST doc pages, and their automatic comparison with fel's schema.

``fel/schema/data/docfacts.json`` holds what fel derived from a public markdown dump of
Veeam's documentation sources (github.com/comnam90/veeam-docs-vbr-dump, folder
``docs/em_rest``): for each ``GET /query?type=<Type>`` page the type, its fields with their
doc types, the documented enum values and, where a legacy table says so, which fields can be
sorted but not filtered; and the list of types on ``query_type``. Only our derived tables
are kept in the repository, never the pages.

Run from the repository root::

    python -m fel.schema.docfacts --check            # stored facts vs the shipped schema
    python -m fel.schema.docfacts --dump PATH        # re-derive from a local copy of the dump,
                                                     # compare with the stored facts
    python -m fel.schema.docfacts --dump PATH --write  # ... and rewrite the stored facts

``--dump`` takes either a checkout of the dump or a bare git directory of it (read with
``git show``). Exit status: 0 no difference, 1 differences, 2 bad arguments.

Every place where fel knowingly differs from the pages is in ``KNOWN_DIFFERENCES`` below,
each with its reason; anything else the comparison finds is a difference to resolve.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "docfacts.json"
PAGES = "docs/em_rest"

#: (type, field or None, what) -> reason. ``what`` is the difference kind reported by
#: :func:`compare`: ``doc_type``, ``enum``, ``missing-field``, ``extra-field``, ``missing-type``,
#: ``extra-type``, ``sort_only``.
KNOWN_DIFFERENCES: dict[tuple[str, str | None, str], str] = {
    ("Job", "Platform", "enum"):
        "The page spells `Hyperv`; entities carry `HyperV`. EM matches enum values case-insensitively, "
        "so fel keeps `HyperV` and accepts `Hyperv` silently (docs/language.md).",
    ("Task", "TaskUid", "extra-field"):
        "Sort-only: 9.x tables list TaskUid (sortable, not filterable) and EM's own /querySvc "
        "links sort Task by it; the 13.x page lists only TaskId.",
    ("ExternalRepository", None, "extra-type"):
        "No query page; EM 13.1's /querySvc lists it (REFERENCE §6). Fields are fel's decision.",
}


# ----------------------------------------------------------------------------------------
# Deriving facts from the pages
# ----------------------------------------------------------------------------------------

_TITLE = re.compile(r'^title:\s*"GET /query\?type=([A-Za-z]+)"', re.MULTILINE)
_VERSION = re.compile(r'^product_version:\s*"([^"]+)"', re.MULTILINE)
_LISTED = re.compile(r"^\*\s*\[([A-Za-z]+)\]\(", re.MULTILINE)
_TABLE_HEADINGS = ("Optional Parameters", "Query Parameters")
_ITEM = re.compile(r"(?:^|\s)\*\s+([A-Za-z][A-Za-z0-9_]*)")
_POSSIBLE = re.compile(r"Possible values?:")
_LIST_START = re.compile(r":(?=\s+\*\s)")
_WORD = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\.?\s*$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _parameter_table(text: str) -> list[list[str]] | None:
    """Rows of the first ``| Parameter | Type | …`` table after a parameters heading."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() in _TABLE_HEADINGS), None)
    if start is None:
        return None
    rows: list[list[str]] = []
    header: list[str] | None = None
    for line in lines[start + 1:]:
        if not line.startswith("|"):
            if header is not None:
                break
            continue
        cells = _cells(line)
        if header is None:
            if cells and cells[0] == "Parameter":
                header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        rows.append(cells)
    if header is None:
        return None
    return [header, *rows]


def enum_values(description: str) -> list[str]:
    """Documented values: the ``* Value`` items of a description ("Possible values:   * A * B",
    "status:   * A * B"), or the single word after "Possible value(s):" ("Possible value:
    FailoverPlan.")."""
    m = _POSSIBLE.search(description) or _LIST_START.search(description)
    if m is None:
        return []
    tail = description[m.end():]
    items = [i.group(1) for i in _ITEM.finditer(tail)]
    if items or m.re is _LIST_START:
        return items
    word = _WORD.match(tail)
    return [word.group(1)] if word else []


def _truthy(cell: str) -> bool:
    return cell.strip().lower() == "true"


def facts_of_page(text: str) -> dict[str, Any] | None:
    """The facts of one ``get_query_<type>`` page, or None when it is not a query page."""
    m = _TITLE.search(text)
    table = _parameter_table(text)
    if m is None or table is None:
        return None
    header, rows = table[0], table[1:]
    legacy = len(header) >= 5  # "Can Be Used for Filtering | Can Be Used for Sorting"
    fields = []
    for cells in rows:
        if len(cells) < 3 or not cells[0]:
            continue
        f: dict[str, Any] = {"name": cells[0], "doc_type": cells[1]}
        values = enum_values(cells[2])
        if values:
            f["enum"] = values
        if legacy and len(cells) >= 5 and not _truthy(cells[3]) and _truthy(cells[4]):
            f["sort_only"] = True
        fields.append(f)
    version = _VERSION.search(text)
    return {"type": m.group(1), "version": version.group(1) if version else None, "fields": fields}


class _Pages:
    """Reads pages from a checkout (``<dump>/docs/em_rest``) or a bare git directory."""

    def __init__(self, dump: Path) -> None:
        self.dump = dump
        self.folder = dump / PAGES
        self.git = not self.folder.is_dir()
        if self.git and not (dump / "HEAD").is_file():
            raise FileNotFoundError(f"{dump}: neither a checkout with {PAGES}/ nor a git directory")

    def names(self) -> list[str]:
        if not self.git:
            return sorted(p.name for p in self.folder.glob("*.md"))
        out = subprocess.run(["git", "--git-dir", str(self.dump), "ls-tree", "--name-only", "HEAD", PAGES + "/"],
                             check=True, capture_output=True, text=True).stdout
        return sorted(line.rsplit("/", 1)[-1] for line in out.splitlines() if line.endswith(".md"))

    def read(self, name: str) -> str:
        if not self.git:
            return (self.folder / name).read_text(encoding="utf-8")
        return subprocess.run(["git", "--git-dir", str(self.dump), "show", f"HEAD:{PAGES}/{name}"],
                              check=True, capture_output=True, text=True, encoding="utf-8").stdout


def derive(dump: Path) -> dict[str, Any]:
    """Facts from every query page of a local copy of the dump."""
    pages = _Pages(dump)
    names = pages.names()
    types: dict[str, Any] = {}
    for name in names:
        if not name.startswith("get_query_"):
            continue
        facts = facts_of_page(pages.read(name))
        if facts is not None:
            facts["page"] = name
            types[facts.pop("type")] = facts
    listed = _LISTED.findall(pages.read("query_type.md")) if "query_type.md" in names else []
    return {"source": "github.com/comnam90/veeam-docs-vbr-dump " + PAGES,
            "listed_types": listed,
            "types": {k: types[k] for k in sorted(types, key=str.lower)}}


# ----------------------------------------------------------------------------------------
# Comparing facts with the schema
# ----------------------------------------------------------------------------------------

def load_facts(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or DATA).read_text(encoding="utf-8"))


def compare(facts: dict[str, Any], schema_data: dict[str, Any], *,
            known: dict[tuple[str, str | None, str], str] = KNOWN_DIFFERENCES) -> list[str]:
    """Differences between the doc facts and fel's schema data (``types.json``), except the
    known ones. Each is one line naming the type, the field and what differs."""
    out: list[str] = []
    hits: set[tuple[str, str | None, str]] = set()

    def report(tname: str, fname: str | None, what: str, text: str) -> None:
        if (tname, fname, what) in known:
            hits.add((tname, fname, what))
        else:
            out.append(f"{tname}{'.' + fname if fname else ''}: {text} [{what}]")

    ours = {t["name"]: t for t in schema_data["types"]}
    ours_lower = {n.lower(): t for n, t in ours.items()}
    for listed in facts.get("listed_types", []):
        if listed.lower() not in ours_lower:
            report(listed, None, "missing-type", "listed on query_type but not in fel's schema")
    for tname, page in facts["types"].items():
        t = ours_lower.get(tname.lower())
        if t is None:
            report(tname, None, "missing-type", f"has a query page ({page.get('page')}) but is not in fel's schema")
            continue
        fields = {f["name"].lower(): f for f in t["fields"]}
        page_names = {f["name"].lower() for f in page["fields"]}
        for pf in page["fields"]:
            f = fields.get(pf["name"].lower())
            if f is None:
                report(t["name"], pf["name"], "missing-field", "on the page, not in fel's schema")
                continue
            if f["doc_type"] != pf["doc_type"]:
                report(t["name"], f["name"], "doc_type", f"page types it {pf['doc_type']}, fel {f['doc_type']}")
            if f["kind"] != "boolean" and pf.get("enum") and pf["enum"] != f.get("enum"):
                report(t["name"], f["name"], "enum", f"page lists {pf['enum']}, fel {f.get('enum')}")
            if bool(pf.get("sort_only")) != bool(f.get("sort_only")):
                report(t["name"], f["name"], "sort_only",
                       f"page says sort-only={bool(pf.get('sort_only'))}, fel {bool(f.get('sort_only'))}")
        for f in t["fields"]:
            if f["name"].lower() not in page_names and not f.get("undocumented"):
                report(t["name"], f["name"], "extra-field", "in fel's schema as documented, not on the page")
    pages_lower = {n.lower() for n in facts["types"]} | {n.lower() for n in facts.get("listed_types", [])}
    for name, t in ours.items():
        if name.lower() not in pages_lower:
            report(name, None, "extra-type", "in fel's schema, neither listed nor with a query page")
    for tname, fname, what in known:
        if (tname, fname, what) not in hits:
            out.append(f"{tname}{'.' + fname if fname else ''}: the known difference is gone; "
                       f"drop it from KNOWN_DIFFERENCES [stale-{what}]")
    return out


def check(facts_path: Path | None = None) -> list[str]:
    """Stored facts against the schema data shipped with fel."""
    data = json.loads((Path(__file__).resolve().parent / "data" / "types.json").read_text(encoding="utf-8"))
    return compare(load_facts(facts_path), data)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fel.schema.docfacts", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the stored doc facts with fel's schema")
    parser.add_argument("--dump", type=Path, help="a local copy of the doc dump (checkout or git directory): "
                        "re-derive the facts and compare them with the stored ones")
    parser.add_argument("--write", action="store_true", help="with --dump: rewrite the stored facts")
    args = parser.parse_args(argv)
    if not args.check and args.dump is None:
        parser.print_usage(sys.stderr)
        print("error: give --check, --dump PATH, or both", file=sys.stderr)
        return 2
    status = 0
    if args.dump is not None:
        try:
            fresh = derive(args.dump)
        except (FileNotFoundError, subprocess.CalledProcessError, OSError) as exc:
            print(f"error: cannot read the dump at {args.dump}: {exc}", file=sys.stderr)
            return 2
        if not fresh["types"]:
            print(f"error: no query pages under {args.dump}", file=sys.stderr)
            return 2
        if args.write:
            DATA.write_text(dumps(fresh), encoding="utf-8")
            print(f"wrote {DATA.name} ({len(fresh['types'])} query pages)")
        else:
            stored = load_facts()
            if dumps(stored) != dumps(fresh):
                from .generate import diff
                for line in diff(stored, fresh):
                    print(f"docfacts.json{line}")
                print("the stored doc facts differ from the dump (rerun with --write, then --check)")
                status = 1
            else:
                print(f"stored doc facts match the dump ({len(fresh['types'])} query pages)")
    if args.check:
        problems = check()
        for p in problems:
            print(p)
        print(f"{len(problems)} difference(s) between Veeam's pages and fel's schema" if problems
              else "fel's schema agrees with the doc facts")
        status = status or (1 if problems else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
