"""Decoding throughput and memory of fel.client: 100k entities across 100 pages.

Run on demand (not collected by pytest)::

    python tests/benchmarks/bench_decode.py [--pages 100] [--per-page 1000] [--repeat 7] [--layout em|compact]

Reports, for XML and for JSON bodies of the same entities:

* throughput as a ratio of the raw parser on the same bytes — ``lxml.etree.fromstring`` for
  XML (the target is >= 50 %), ``json.loads`` for JSON — for decoding alone (entities are
  decoded lazily, on first access), for decoding plus every value of every entity's fields
  (then also its attributes), and for decoding everything; a round is the reference over all
  pages, then fel over all pages; rounds alternate ``--repeat`` times and the fastest round of
  each is compared (the median of the per-round ratios is shown beside it);
* entities per second;
* peak traced memory (tracemalloc) while streaming all pages one at a time, and while keeping
  every entity, next to the size of one page and of all pages.

XML pages are laid out as Enterprise Manager writes them (``--layout em``: indented, five links
per session, as in Veeam's QueryResult examples and real 13.x answers; ``em-crlf``: the same
with Windows line ends) or on one line (``--layout compact``). Indentation makes the reference parse slower (whitespace nodes) while
fel's work per entity stays the same, so the ratios are higher on EM's layout.

Rounds, not pages, alternate: when the reference and fel alternated page by page, the
reference's time depended on the allocator and cache state fel's previous page left (the same
``fromstring`` loop took 0.11 s in one row and 0.17 s in the next), and the ratios swung by
ten points and more. Over whole rounds the reference stays within a few per cent.
"""
from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lxml import etree  # noqa: E402

from fel.client.decode import decode_page  # noqa: E402

NS = "http://www.veeam.com/ent/v1.0"
BASE = "https://enterpriseem02.tech.local:9398/api"


def entity(i: int) -> tuple[str, dict]:
    g = uuid.UUID(int=i * 7919 + 13)
    job = uuid.UUID(int=i % 97 + 1)
    name = f"Backup Job {i % 97}@2025-08-15 20:{i % 60:02d}:24.003406"
    when = f"2025-08-{1 + i % 28:02d}T20:{i % 60:02d}:24.003406Z"
    end = f"2025-08-{1 + i % 28:02d}T21:{i % 60:02d}:13.487602Z"
    result = ("Success", "Warning", "Failed")[i % 3]
    xml = (
        f'<BackupJobSession Href="{BASE}/backupSessions/{g}?format=Entity" Type="BackupJobSession" Name="{name}"'
        f' UID="urn:veeam:BackupJobSession:{g}"><Links>'
        f'<Link Href="{BASE}/backupServers/a0c8ea55-8bd4-49fe-9095-927d7bddddc3" Name="vbr01.tech.local" Type="BackupServerReference" Rel="Up" />'
        f'<Link Href="{BASE}/jobs/{job}" Name="Backup Job {i % 97}" Type="JobReference" Rel="Up" />'
        f'<Link Href="{BASE}/backupSessions/{g}" Name="{name}" Type="BackupJobSessionReference" Rel="Alternate" />'
        f'<Link Href="{BASE}/backupSessions/{g}/taskSessions" Type="BackupTaskSessionReferenceList" Rel="Down" />'
        f"</Links><JobUid>urn:veeam:Job:{job}</JobUid><JobName>Backup Job {i % 97}</JobName><JobType>Backup</JobType>"
        f"<CreationTimeUTC>{when}</CreationTimeUTC><EndTimeUTC>{end}</EndTimeUTC><State>Stopped</State>"
        f"<Result>{result}</Result><Progress>100</Progress><IsRetry>{'true' if i % 5 == 0 else 'false'}</IsRetry>"
        "</BackupJobSession>"
    )
    js = {
        "Href": f"{BASE}/backupSessions/{g}?format=Entity", "Type": "BackupJobSession", "Name": name,
        "UID": f"urn:veeam:BackupJobSession:{g}",
        "Links": [
            {"Href": f"{BASE}/backupServers/a0c8ea55-8bd4-49fe-9095-927d7bddddc3", "Name": "vbr01.tech.local", "Type": "BackupServerReference", "Rel": "Up"},
            {"Href": f"{BASE}/jobs/{job}", "Name": f"Backup Job {i % 97}", "Type": "JobReference", "Rel": "Up"},
            {"Href": f"{BASE}/backupSessions/{g}", "Name": name, "Type": "BackupJobSessionReference", "Rel": "Alternate"},
            {"Href": f"{BASE}/backupSessions/{g}/taskSessions", "Type": "BackupTaskSessionReferenceList", "Rel": "Down"},
        ],
        "JobUid": f"urn:veeam:Job:{job}", "JobName": f"Backup Job {i % 97}", "JobType": "Backup",
        "CreationTimeUTC": when, "EndTimeUTC": end, "State": "Stopped", "Result": result, "Progress": 100,
        "IsRetry": i % 5 == 0,
    }
    return xml, js


def em_layout(body: bytes) -> bytes:
    """``body`` as Enterprise Manager writes it (Veeam's QueryResult examples and real 13.x
    answers): no XML declaration, every element on its own line indented by four spaces, and each
    session's ``Stop`` action link after its ``Down`` link."""
    root = etree.fromstring(body)
    for links in root.iter(f"{{{NS}}}Links"):
        down = [l for l in links if l.get("Rel") == "Down" and "/taskSessions" in (l.get("Href") or "")]
        for link in down:
            etree.SubElement(links, f"{{{NS}}}Link", Href=link.get("Href").rsplit("/", 1)[0] + "?action=stop",
                             Rel="Stop")
    etree.indent(root, space="    ")
    return etree.tostring(root, encoding="utf-8", xml_declaration=False)


def pages(n_pages: int, per_page: int, layout: str = "em") -> tuple[list[bytes], list[bytes]]:
    """``n_pages`` XML and JSON QueryResult bodies; ``layout``: "em" (indented as EM writes them),
    "em-crlf" (the same with CRLF line ends) or "compact" (one line, four links per session)."""
    xml_pages, json_pages = [], []
    for p in range(n_pages):
        items = [entity(p * per_page + k) for k in range(per_page)]
        nxt = f"{BASE}/query?type=BackupJobSession&amp;format=Entities&amp;pageSize={per_page}&amp;page={p + 2}"
        xml_pages.append((
            f'<?xml version="1.0" encoding="utf-8"?><QueryResult xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="{NS}"><Entities><BackupJobSessions>'
            + "".join(x for x, _ in items)
            + f'</BackupJobSessions></Entities><PagingInfo PageNum="{p + 1}" PageSize="{per_page}" PagesCount="{n_pages}">'
            f'<Links><Link Rel="Next" Href="{nxt}" /></Links></PagingInfo></QueryResult>'
        ).encode())
        if layout.startswith("em"):
            xml_pages[-1] = em_layout(xml_pages[-1])
        if layout == "em-crlf":
            xml_pages[-1] = xml_pages[-1].replace(b"\n", b"\r\n")
        json_pages.append(json.dumps({
            "Entities": {"BackupJobSessions": {"BackupJobSessions": [j for _, j in items]}},
            "PagingInfo": {"PageNum": p + 1, "PageSize": per_page, "PagesCount": n_pages,
                           "Links": [{"Rel": "Next", "Href": nxt.replace("&amp;", "&")}]},
        }).encode())
    return xml_pages, json_pages


def paired(ref: Callable[[bytes], object], fel: Callable[[bytes], object], pages_: list[bytes],
           repeat: int) -> tuple[float, float, float, float]:
    """(fastest reference round, fastest fel round, their ratio, median of per-round ratios) in
    seconds; a round is one of the two over every page, and rounds alternate."""
    refs, fels = [], []
    for _ in range(repeat):
        for fn, times in ((ref, refs), (fel, fels)):
            gc.collect()
            t = time.perf_counter()
            for b in pages_:
                fn(b)
            times.append(time.perf_counter() - t)
    per_round = sorted(r / f for r, f in zip(refs, fels))
    return min(refs), min(fels), min(refs) / min(fels), per_round[len(per_round) // 2]


def traced_peak(fn: Callable[[], object]) -> int:
    """Peak of Python allocations (tracemalloc) while ``fn`` runs; lxml's C memory is not traced."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _status(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def rss_growth(scenario: str, n_pages: int, per_page: int, layout: str) -> int | None:
    """Peak RSS growth of ``scenario`` in a fresh process (Linux; None elsewhere), so that
    lxml's C allocations count too."""
    out = subprocess.run([sys.executable, __file__, "--rss-child", scenario, "--pages", str(n_pages),
                          "--per-page", str(per_page), "--layout", layout], capture_output=True, text=True)
    try:
        return int(out.stdout.strip())
    except ValueError:
        return None


def _rss_child(scenario: str, n_pages: int, per_page: int, layout: str) -> None:
    xml_pages, json_pages = pages(n_pages, per_page, layout)
    label, mode = scenario.split("-", 1)
    data, ct = (xml_pages, "application/xml") if label == "xml" else (json_pages, "application/json")
    decode_page(data[0], ct)
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM)
    except OSError:
        print("")
        return
    base = _status("VmRSS")
    SCENARIOS[mode](data, ct)()
    peak = _status("VmHWM")
    print("" if base is None or peak is None else peak - base)


def scenario_stream(pages_: list[bytes], ct: str) -> Callable[[], None]:
    """Decode every page and materialise every entity, one page at a time."""
    def run() -> None:
        n = 0
        for b in pages_:
            for e in decode_page(b, ct).entities:
                e.materialize()
                n += 1
        assert n == len(pages_) * len(decode_page(pages_[0], ct).entities)
    return run


def scenario_keep(pages_: list[bytes], ct: str) -> Callable[[], None]:
    """Decode and materialise everything and keep every entity."""
    def run() -> None:
        kept = []
        for b in pages_:
            kept.extend(e.materialize() for e in decode_page(b, ct).entities)
        assert kept
    return run


SCENARIOS = {"stream": scenario_stream, "keep": scenario_keep}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--per-page", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--layout", choices=("em", "em-crlf", "compact"), default="em",
                    help="XML as EM writes it (indented, five links per session; default), the same with CRLF"
                         " line ends, or on one line")
    ap.add_argument("--rss-child", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.rss_child:
        _rss_child(a.rss_child, a.pages, a.per_page, a.layout)
        return 0
    xml_pages, json_pages = pages(a.pages, a.per_page, a.layout)
    total = a.pages * a.per_page
    decode_page(xml_pages[0], "application/xml")  # warm caches (schema, tag names)
    decode_page(json_pages[0], "application/json")

    def raw_xml(b: bytes) -> None:
        etree.fromstring(b)

    def raw_json(b: bytes) -> None:
        json.loads(b)

    def lazy(ct: str) -> Callable[[bytes], None]:
        return lambda b: decode_page(b, ct)

    def with_fields(ct: str) -> Callable[[bytes], None]:
        def run(b: bytes) -> None:
            for e in decode_page(b, ct).entities:
                for _ in e.fields.values():  # every value read
                    pass
        return run

    def with_fields_and_attributes(ct: str) -> Callable[[bytes], None]:
        def run(b: bytes) -> None:
            for e in decode_page(b, ct).entities:
                for _ in e.fields.values():
                    pass
                for _ in e.attributes.values():
                    pass
        return run

    def everything(ct: str) -> Callable[[bytes], None]:
        def run(b: bytes) -> None:
            for e in decode_page(b, ct).entities:
                e.materialize()
        return run

    print(f"fel.client decode benchmark: {total:,} entities in {a.pages} pages"
          f" ({sum(map(len, xml_pages)) / 1e6:.1f} MB XML, {sum(map(len, json_pages)) / 1e6:.1f} MB JSON),"
          f" Python {sys.version.split()[0]}, lxml {'.'.join(map(str, etree.LXML_VERSION[:3]))},"
          f" fastest of {a.repeat} rounds")
    print(f"XML layout: {a.layout}; rounds of the reference and of fel over all pages alternate; fastest rounds compared")
    print(f"{'what':44} {'reference':>10} {'fel':>8} {'ratio':>6} {'(median)':>9} {'entities/s':>11}")
    rows = [
        ("XML: decode_page (entities decoded lazily)", raw_xml, lazy("application/xml"), xml_pages),
        ("XML: decode_page + every entity's fields", raw_xml, with_fields("application/xml"), xml_pages),
        ("XML: … + every entity's attributes", raw_xml, with_fields_and_attributes("application/xml"), xml_pages),
        ("XML: decode_page + fields + links (all)", raw_xml, everything("application/xml"), xml_pages),
        ("JSON: decode_page (entities decoded lazily)", raw_json, lazy("application/json"), json_pages),
        ("JSON: decode_page + everything", raw_json, everything("application/json"), json_pages),
    ]
    for label, ref, fn, pages_ in rows:
        t_ref, t_fel, ratio, median = paired(ref, fn, pages_, a.repeat)
        print(f"{label:44} {t_ref:9.3f}s {t_fel:7.3f}s {ratio:6.0%} {median:9.0%} {total / t_fel:11,.0f}")
    print("reference: lxml.etree.fromstring (XML) or json.loads (JSON) on the same bytes;"
          " ratio = reference time / fel time (target for XML decoding: >= 50 %)")
    print()
    print(f"memory (one page is {len(xml_pages[0]) / 1e6:.2f} MB XML):")
    print(f"{'what':44} {'tracemalloc peak':>17} {'RSS growth':>11}")
    for label, ct, pages_ in (("xml", "application/xml", xml_pages), ("json", "application/json", json_pages)):
        for mode, text in (("stream", "stream all pages, materialise, drop"), ("keep", "keep every entity")):
            tp = traced_peak(SCENARIOS[mode](pages_, ct))
            rss = rss_growth(f"{label}-{mode}", a.pages, a.per_page, a.layout)
            rss_text = "n/a" if rss is None else f"{rss / 1e6:.1f} MB"
            print(f"{label.upper() + ': ' + text:44} {tp / 1e6:14.1f} MB {rss_text:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
