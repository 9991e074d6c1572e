"""Benchmark: fel check+compile per filter, cold (a text never seen before) and warm (cached),
against fiql-parser's parse of the same filters converted to FIQL, measured in the same run.

    python tests/benchmarks/bench_core.py [--repeat 7] [--number 2000] [--no-startup]

Cold texts are unique (``<filter>;Name!=x<n>``, an OR filter parenthesised first), so no cache can answer them; fiql-parser
parses the very same texts. Rounds of fel and fiql-parser alternate, and each ratio is the
median of the per-round ratios, so load from other processes affects both sides alike.
Also measured: the parse alone (fast path, and the Lark grammar for comparison), statements,
``import fel`` and the first ``fel check`` wall time (against ``python -c pass``).
Needs ``pip install '.[bench]'`` (fiql-parser). docs/performance.md explains the figures.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
# FEL_BENCH_ROOT: measure another checkout of fel (e.g. `git archive <commit>` unpacked) with this script.
ROOT = Path(os.environ.get("FEL_BENCH_ROOT") or ROOT)
sys.path.insert(0, str(ROOT))

FILTERS = [
    ("BackupJobSession", 'Result==Failed;JobName=="Backup Job 2"'),
    ("BackupJobSession", 'Result==Failed;CreationTime>="2025-08-15T06:00:00Z";CreationTime<="2025-08-16T13:00:00Z"'),
    ("Job", "(JobType==Replica;ScheduleConfigured==false),(JobType==Backup;ScheduleConfigured==true)"),
    ("Repository", "FreeSpace<107374182400"),
    ("BackupTaskSession", "Result==Failed;VmDisplayName==dbserver01"),
    ("VmRestorePoint", 'VmDisplayName=="Q02MON001";CreationTime>="2018-01-24T12:00:00Z"'),
    ("CloudGateway", 'BackupServerName=="172.24.31.67";Enabled==true'),
    ("BackupFile", 'BackupUid=="urn:veeam:Backup:39cb6675-8930-436a-8ac3-8a4ae6195cb1";FileType==vbk'),
]
STATEMENT = 'BackupJobSession where Result == Failed and JobName == "Backup Job {n}" order by CreationTime desc limit 50'
FIRST_CHECK = "BackupJobSession where Result == Failed"
FIRST_CHECK_GRAMMAR = "BackupJobSession where Result = Failed"  # a mistake: the Lark grammar answers


def to_fiql(em_filter: str) -> str:
    """EM filter → FIQL (same operators; quoted values percent-encoded as FIQL wants)."""
    out = re.sub(r'"((?:[^"]|"")*)"', lambda m: quote(m.group(1).replace('""', '"'), safe=""), em_filter)
    return out.replace("<=", "=le=").replace(">=", "=ge=").replace("<", "=lt=").replace(">", "=gt=")


def cold_items(count: int, start: int) -> list[tuple[str, str]]:
    """``count`` unique (type, filter) pairs: each benchmark filter plus a unique comparison."""
    out = []
    for i in range(count):
        qtype, flt = FILTERS[i % len(FILTERS)]
        if "," in flt:  # `a,b;Name!=x` would mix `,` and `;` without parentheses (FEL301)
            flt = f"({flt})"
        out.append((qtype, f"{flt};Name!=x{start + i}"))
    return out


def one_round(fn, items) -> float:
    """µs per call of ``fn(item)`` over ``items``."""
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - t0) / len(items) * 1e6


def paired(fel_fn, fel_items, ref_fn, ref_items, repeat: int) -> tuple[float, float, float]:
    """Alternating rounds; (median fel µs, median reference µs, median of per-round ratios)."""
    fel_runs, ref_runs, ratios = [], [], []
    for r in range(repeat):
        ref = one_round(ref_fn, ref_items[r])
        mine = one_round(fel_fn, fel_items[r])
        fel_runs.append(mine)
        ref_runs.append(ref)
        ratios.append(mine / ref)
    return statistics.median(fel_runs), statistics.median(ref_runs), statistics.median(ratios)


def wall_ms(cmd: list[str], env: dict | None = None, runs: int = 9) -> float:
    """Median wall time of ``cmd`` in ms (after one unmeasured run)."""
    subprocess.run(cmd, check=False, capture_output=True, cwd=ROOT, env=env)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True, cwd=ROOT, env=env)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def startup(label: str, env: dict | None) -> None:
    py = wall_ms([sys.executable, "-c", "pass"], env)
    imp = wall_ms([sys.executable, "-c", "import fel"], env)
    imp_api = wall_ms([sys.executable, "-c", "import fel.api"], env)
    first = wall_ms([sys.executable, "-m", "fel", "check", FIRST_CHECK], env)
    grammar = wall_ms([sys.executable, "-m", "fel", "check", FIRST_CHECK_GRAMMAR], env)
    print(f"start-up, {label}:")
    print(f"  python -c pass                     {py:8.1f} ms")
    print(f"  python -c 'import fel'             {imp:8.1f} ms   (+{imp - py:.1f} ms, {imp / py:.2f}× bare Python)")
    print(f"  python -c 'import fel.api'         {imp_api:8.1f} ms   (+{imp_api - py:.1f} ms, {imp_api / py:.2f}× bare Python)")
    print(f"  fel check, first result (CLI)      {first:8.1f} ms   (+{first - py:.1f} ms, {first / py:.2f}× bare Python)")
    print(f"  … input with a mistake (grammar)   {grammar:8.1f} ms   (+{grammar - py:.1f} ms, {grammar / py:.2f}× bare Python)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--number", type=int, default=2000)
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up wall-time measurements")
    args = ap.parse_args()
    n, repeat = args.number, args.repeat

    import fiql_parser

    import fel
    from fel.syntax.parser import _parse, parse_filter, parse_statement

    fel.check("type=Job")  # load the schema once; the grammar is built only if something needs it
    _parse("A==1", "filter")  # build the Lark parser once for the grammar-only line
    fiql = fiql_parser.parse_str_to_expression

    # Cold: unique texts, a fresh batch per round (and a warm-up batch first).
    batches = [cold_items(n, (r + 1) * n) for r in range(repeat + 1)]
    fiql_batches = [[to_fiql(f) for _, f in batch] for batch in batches]
    for t, f in batches[0]:
        fel.compile_query(f, type=t)
    for f in fiql_batches[0]:
        fiql(f)
    cold, cold_ref, cold_ratio = paired(lambda it: fel.compile_query(it[1], type=it[0]), batches[1:],
                                        fiql, fiql_batches[1:], repeat)
    filters_only = [[f for _, f in batch] for batch in batches[1:]]
    parse_fast, _, parse_ratio = paired(parse_filter, filters_only, fiql, fiql_batches[1:], repeat)
    lark_runs = max(1, repeat // 2)
    short = [batch[: max(1, n // 4)] for batch in filters_only]
    short_fiql = [batch[: max(1, n // 4)] for batch in fiql_batches[1:]]
    parse_lark, _, lark_ratio = paired(lambda f: _parse(f, "filter"), short, fiql, short_fiql, lark_runs)
    statements = [[STATEMENT.format(n=(r + 1) * n + i) for i in range(n)] for r in range(repeat + 1)]
    for s in statements[0]:
        fel.compile_query(s)
    stmt, _, stmt_ratio = paired(fel.compile_query, statements[1:], fiql, fiql_batches[1:], repeat)
    stmt_parse, _, stmt_parse_ratio = paired(parse_statement, statements[1:], fiql, fiql_batches[1:], repeat)

    # Cold fel.check of the bare filter (the first figure) and cold fel.compile of the
    # query string as it sits in scripts: type=T&filter=<percent-encoded filter>.
    check_cold, _, check_cold_ratio = paired(lambda it: fel.check(it[1], type=it[0]), batches[1:],
                                             fiql, fiql_batches[1:], repeat)
    encoded = [[f"type={t}&filter={quote(f, safe='')}" for t, f in batch] for batch in batches]
    for q in encoded[0]:
        fel.compile(q)
    enc, _, enc_ratio = paired(fel.compile, encoded[1:], fiql, fiql_batches[1:], repeat)

    # Warm: the same eight texts again and again (answered by the caches).
    warm_items = [FILTERS * (n // len(FILTERS) * 5)] * repeat
    for t, f in FILTERS:
        fel.compile_query(f, type=t)
    warm, warm_ref, warm_ratio = paired(lambda it: fel.compile_query(it[1], type=it[0]), warm_items,
                                        fiql, [[to_fiql(f) for _, f in FILTERS] * (n // len(FILTERS))] * repeat,
                                        repeat)
    compile_warm, _, compile_warm_ratio = paired(lambda it: fel.compile(it[1], type=it[0]), warm_items,
                                                 fiql, [[to_fiql(f) for _, f in FILTERS] * (n // len(FILTERS))] * repeat,
                                                 repeat)
    check_warm, _, check_warm_ratio = paired(lambda it: fel.check(it[1], type=it[0]), warm_items,
                                             fiql, [[to_fiql(f) for _, f in FILTERS] * (n // len(FILTERS))] * repeat,
                                             repeat)

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"lark {__import__('lark').__version__}; {repeat} rounds x {n} calls; medians")
    print(f"fiql-parser parse (reference)        {cold_ref:8.2f} µs/filter   1.00×")
    print(f"fel check+compile, cold              {cold:8.2f} µs/filter   {cold_ratio:5.2f}× fiql-parser")
    print(f"fel check, cold                      {check_cold:8.2f} µs/filter   {check_cold_ratio:5.2f}× fiql-parser")
    print(f"fel.compile, percent-encoded query string, cold {enc:8.2f} µs   {enc_ratio:5.2f}× fiql-parser")
    print(f"fel.compile (URL string), warm       {compile_warm:8.2f} µs/filter   {1 / compile_warm_ratio:5.1f}× faster than fiql-parser")
    print(f"fel check+compile, warm              {warm:8.2f} µs/filter   {1 / warm_ratio:5.1f}× faster than fiql-parser")
    print(f"fel check, warm                      {check_warm:8.2f} µs/filter   {1 / check_warm_ratio:5.1f}× faster than fiql-parser")
    print(f"  fel parse only, fast path          {parse_fast:8.2f} µs/filter   {parse_ratio:5.2f}× fiql-parser")
    print(f"  fel parse only, Lark grammar       {parse_lark:8.2f} µs/filter   {lark_ratio:5.2f}× fiql-parser")
    print(f"  fel statement check+compile, cold  {stmt:8.2f} µs/query    {stmt_ratio:5.2f}× fiql-parser's filter parse")
    print(f"  fel statement parse only, cold     {stmt_parse:8.2f} µs/query    {stmt_parse_ratio:5.2f}× fiql-parser's filter parse")

    if args.no_startup:
        return
    startup("as this environment runs Python" + (" (PYTHONDONTWRITEBYTECODE: sources compiled on every start)"
                                                  if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""), None)
    with tempfile.TemporaryDirectory() as cache:  # .pyc files as an installed package has them
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        startup("with a bytecode cache (as installed)", env)


if __name__ == "__main__":
    main()
