"""Benchmark: `fel lsp` diagnostics latency after an edit of a 5,000-line file.

    python tests/benchmarks/bench_lsp.py [--lines 5000] [--edits 20]

A Python file of ``--lines`` lines (an EM query every few lines, in string literals, the rest
ordinary code) is opened in an in-process server (talking JSON-RPC over OS pipes, debounce 0).
Each edit changes one character of one query (making or mending a mistake) as an incremental
``didChange``; the time from sending it to receiving the ``publishDiagnostics`` of that
version is measured. The reference, measured in the same run on the same texts: calling
``fel.lint.lint_text`` directly (what the server must do at least). Also timed: a completion
request in the middle of the file. Prints medians and the ratio server / direct lint.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "lsp"))

QUERIES = [
    'r = s.get(EM + "query?type=BackupJobSession&filter=Result==Failed;JobName==\\"nightly {i}\\"&pageSize=50")',
    'r = s.get(EM + "query?type=Job&filter=JobType==Backup;Platform==VMware&pageSize={p}&page=1")',
    'r = s.get(f"{{EM}}query?type=VmRestorePoint&filter=VmName==\\"vm{i}\\"&sortDesc=CreationTime&pageSize=1")',
    'r = s.get(EM + "query?type=Repository&format=Entities&filter=FreeSpace<{i}00000000&pageSize=50")',
]


def make_file(lines: int) -> str:
    out = ['"""A long monitoring script (benchmark input)."""', "import requests", 'EM = "https://em:9398/api/"',
           "s = requests.Session()"]
    i = 0
    while len(out) < lines:
        i += 1
        out.append(f"def check_{i}(s):  # 東京 {i}")
        out.append("    " + QUERIES[i % len(QUERIES)].format(i=i, p=10 + i % 90))
        out.append("    if r.status_code != 200:")
        out.append(f"        raise RuntimeError('check {i} failed')")
        out.append("    return r.json()")
    return "\n".join(out[:lines]) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=20)
    args = ap.parse_args()

    from fel.lint import lint_text
    from fel.lsp.server import build_server
    from rpc import RpcClient

    text = make_file(args.lines)
    lines = text.split("\n")
    targets = [n for n, line in enumerate(lines) if "Result==Failed;" in line]
    targets = targets[len(targets) // 2:][:args.edits]

    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    server = build_server(debounce=0.0)
    threading.Thread(target=server.start_io, args=(os.fdopen(r1, "rb"), os.fdopen(w2, "wb")), daemon=True).start()
    client = RpcClient(os.fdopen(r2, "rb"), os.fdopen(w1, "wb"))
    client.initialize()
    uri = "file:///bench/monitor.py"
    t0 = time.perf_counter()
    client.open(uri, text, "python")
    client.diagnostics(uri, 1)
    first = time.perf_counter() - t0

    server_times, direct_times = [], []
    current = text
    for k, n in enumerate(targets):
        line = lines[n]
        col = line.index(";JobName")
        new_char = "&" if k % 2 == 0 else ";"
        version = k + 2
        t0 = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": n, "character": col},
                                          "end": {"line": n, "character": col + 1}}, "text": new_char}]})
        client.diagnostics(uri, version)
        server_times.append(time.perf_counter() - t0)
        lines[n] = line[:col] + new_char + line[col + 1:]
        current = "\n".join(lines)
        t0 = time.perf_counter()
        lint_text(current, path="monitor.py")
        direct_times.append(time.perf_counter() - t0)

    mid = targets[0]
    col = lines[mid].index("Result==") + len("Result==")
    comp = []
    for _ in range(10):
        t0 = time.perf_counter()
        client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                   "position": {"line": mid, "character": col}})
        comp.append(time.perf_counter() - t0)
    client.shutdown()

    s_med, d_med = statistics.median(server_times), statistics.median(direct_times)
    print(f"file: {args.lines} lines, {len(text):,} characters, {sum('query?' in l for l in lines)} queries")
    print(f"open → first diagnostics: {first * 1000:.0f} ms")
    print(f"edit → diagnostics (median of {len(server_times)}): {s_med * 1000:.1f} ms")
    print(f"reference, lint_text on the same text (median): {d_med * 1000:.1f} ms")
    print(f"ratio server / direct lint: {s_med / d_med:.2f}")
    print(f"completion in the middle of the file (median of 10): {statistics.median(comp) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
