"""Benchmark: `fel lint` throughput on a plain file of N queries (default 100 000), and on a
Python source file, against `fel.check` on the same queries measured in the same run.

    python tests/benchmarks/bench_lint.py [--queries 100000] [--distinct 1000] [--profile]

Prints queries/s for: lint of the plain file (all queries distinct: every check is a cache
miss), lint of a file where queries repeat (``--distinct`` smaller), lint of a Python file
holding the same queries in string literals, and the reference: `fel.check` called on each
query, and the plain-file lint with the checker stubbed out (the linter's own cost). Ratios
are lint time / check time (1.0 would mean the linter adds nothing). With
``--profile`` the top functions of the plain-file run are printed (where the time goes).
Target (issue 6): >= 20 000 queries/s for the plain file.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TEMPLATES = [
    'https://em{h}.example.local:9398/api/query?type=BackupJobSession&format=Entities&filter=JobName=="Backup Job {i}";Result==Failed&pageSize=100',
    '/api/query?type=Job&filter=JobType==Backup;Platform==VMware;Name=="job-{i}"&pageSize={p}&page=1',
    'query?type=BackupTaskSession&format=entities&filter=creationtime>="2025-08-{d:02d}T06:00:00Z";vmdisplayname==srv{i}',
    'type=VmRestorePoint&filter=VmDisplayName=="vm{i}";CreationTime>="2025-08-{d:02d} 12:00:00"&sortDesc=CreationTime&pageSize=1',
    'https://em:9398/api/query?type=Repository&format=Entities&filter=FreeSpace<{i}00000000&pageSize=50',
    'BackupJobSession where Result == Failed and JobName == "nightly {i}" order by CreationTime desc limit {p}',
    'https://em:9398/api/query?type=Job&filter=Platform==vCloud&JobType==Backup&sortAsc=name&pageSize={p}',
    '/api/query?type=BackupJobSession&filter=JobUid==urn:veeam:Job:{g}&sortDesc=CreationTime&pageSize=1',
]


def make_queries(n: int, distinct: int, seed: int = 6) -> list[str]:
    rnd = random.Random(seed)
    base = []
    for k in range(distinct):
        t = TEMPLATES[k % len(TEMPLATES)]
        g = "%08x-%04x-4%03x-8%03x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(12),
                                             rnd.getrandbits(12), rnd.getrandbits(48))
        base.append(t.format(i=k, h=k % 7, p=10 + k % 500, d=1 + k % 28, g=g))
    return [base[k % distinct] for k in range(n)]


def run_lint(text: str, path: str):
    from fel.lint import lint_text
    t0 = time.perf_counter()
    result = lint_text(text, path=path)
    return time.perf_counter() - t0, len(result.diagnostics)


def run_lint_alone(text: str, path: str) -> float:
    """Lint with the checker stubbed out: what the linter itself costs (reading lines,
    classifying, URL rules, mapping findings)."""
    from fel.lint import engine
    real = engine._check
    engine._check = lambda text, em_version: []
    try:
        return run_lint(text, path)[0]
    finally:
        engine._check = real


def run_check(queries: list[str]) -> float:
    from fel.api import check
    t0 = time.perf_counter()
    for q in queries:
        check(q)
    return time.perf_counter() - t0


def fresh_cache() -> None:
    from fel import api
    api.clear_caches()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--distinct", type=int, default=1_000, help="distinct queries in the repeating file")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    n = args.queries

    import fel  # noqa: F401
    import fel.lint  # noqa: F401
    from fel.api import check
    check("type=Job")  # load grammar, schema

    unique = make_queries(n, n)
    plain = "\n".join(unique) + "\n"
    fresh_cache()
    t_check = run_check(unique)
    fresh_cache()
    t_lint, found = run_lint(plain, "bench.queries")
    t_alone = run_lint_alone(plain, "bench.queries")
    repeating = make_queries(n, args.distinct)
    fresh_cache()
    t_check_rep = run_check(repeating)
    fresh_cache()
    t_lint_rep, _ = run_lint("\n".join(repeating) + "\n", "bench.queries")
    m = min(n, 20_000)
    py_src = "".join(f"q{k} = base + {unique[k]!r}\n" for k in range(m))
    fresh_cache()
    t_check_py = run_check(unique[:m])
    fresh_cache()
    t_py, _ = run_lint(py_src, "bench.py")

    print(f"queries: {n} (plain file {len(plain) / 1e6:.1f} MB), findings: {found}")
    print(f"{'case':<44}{'queries/s':>12}{'vs fel.check':>14}")
    print(f"{'fel.check, all distinct (reference)':<44}{n / t_check:>12,.0f}{1.0:>14.2f}")
    print(f"{'fel lint plain file, all distinct':<44}{n / t_lint:>12,.0f}{t_lint / t_check:>14.2f}")
    print(f"{'  the same, fel.check stubbed (linter alone)':<44}{n / t_alone:>12,.0f}{t_alone / t_check:>14.2f}")
    print(f"{'fel.check, ' + str(args.distinct) + ' distinct repeated (reference)':<44}{n / t_check_rep:>12,.0f}{1.0:>14.2f}")
    print(f"{'fel lint plain file, repeated':<44}{n / t_lint_rep:>12,.0f}{t_lint_rep / t_check_rep:>14.2f}")
    print(f"{'fel lint Python file (' + str(m) + ' literals)':<44}{m / t_py:>12,.0f}{t_py / t_check_py:>14.2f}")

    if args.profile:
        import cProfile
        import pstats
        fresh_cache()
        prof = cProfile.Profile()
        prof.enable()
        run_lint("\n".join(unique[:20_000]) + "\n", "bench.queries")
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(18)


if __name__ == "__main__":
    main()
