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

import os  # noqa: E402

# FEL_BENCH_ROOT: measure another checkout of fel (e.g. `git archive <commit>` unpacked).
ROOT = Path(os.environ.get("FEL_BENCH_ROOT") or Path(__file__).resolve().parents[2])
sys.path.insert(0, str(ROOT))

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
    if hasattr(api, "clear_caches"):
        api.clear_caches()
    else:  # a checkout from before the result caches (FEL_BENCH_ROOT)
        api._cache.clear()


def peak_rss_mb(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of ``cmd``, output discarded; measured in a fresh child so
    that RUSAGE_CHILDREN holds this command only."""
    probe = ("import resource, subprocess, sys, time; t0 = time.perf_counter(); "
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)")
    import subprocess
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def cli_runs(plain: str, n: int) -> None:
    """`fel lint --format F DIR` on the plain file's queries split into 10 files (one file
    may hold at most 8 MB), as a user runs it; the exit status must be 1 (findings)."""
    import tempfile
    lines = plain.splitlines(keepends=True)
    per = -(-len(lines) // 10)
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(10):
            (Path(tmp) / f"bench{k}.queries").write_text("".join(lines[k * per:(k + 1) * per]), encoding="utf-8")
        print(f"{'fel lint command (10 files), --format':<44}{'queries/s':>12}{'peak RSS MB':>14}")
        for fmt in ("concise", "json", "sarif"):
            wall, rss, code = peak_rss_mb([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                                           "from fel.cli import main; sys.exit(main())", "lint", "--isolated",
                                           "--format", fmt, tmp])
            note = "" if code == 1 else f"   (exit status {code}: not a full run)"
            print(f"{'  ' + fmt:<44}{n / wall:>12,.0f}{rss:>14.0f}{note}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--distinct", type=int, default=1_000, help="distinct queries in the repeating file")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--cli", action="store_true",
                    help="also run `fel lint` as a command on the plain file: wall time and peak RSS per format")
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

    if args.cli:
        cli_runs(plain, n)

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
