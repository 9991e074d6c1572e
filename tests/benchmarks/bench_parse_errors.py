"""Benchmark: time of ``fel.check`` against input size on the parser's error path and other
long inputs (issue #14: a backtracking regex made it quadratic).

    python tests/benchmarks/bench_parse_errors.py [--repeat 3]

Prints one row per (shape, size): the best of ``--repeat`` wall times and the time per KB.
Linear behaviour shows as a flat ms/KB column. docs/reliability.md quotes one run.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import fel  # noqa: E402
from fel.syntax.parser import MAX_INPUT  # noqa: E402

SHAPES = {
    "unclosed-and": lambda n: 'Job where Name=="' + "=" * n + '" and',
    "unquoted-separator": lambda n: "type=Job&filter=Name==" + "a" * n + ",b",
    "operators-in-value": lambda n: "type=Job&filter=Name==a" + "=" * n + ",b",
    "long-quoted-value": lambda n: 'Job where Name == "' + "x" * n + '"',
    "many-conditions": lambda n: "type=Job&filter=" + ";".join(["Name==a"] * (n // 8)),
    "encoded-value": lambda n: "type=Job&filter=Name==%22" + "%C3%A9" * (n // 6) + "%22",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sizes = [1024, 4096, 16384, MAX_INPUT - 64]
    fel.check("Job")  # build the grammar first
    print(f"{'shape':<20} {'chars':>7} {'ms':>9} {'ms/KB':>7}")
    for name, make in SHAPES.items():
        for n in sizes:
            text = make(n)[:MAX_INPUT]
            best = float("inf")
            for _ in range(args.repeat):
                from fel.api import read_and_check  # uncached, as fel lint calls it
                t = time.perf_counter()
                read_and_check(text)
                best = min(best, time.perf_counter() - t)
            print(f"{name:<20} {len(text):>7} {best * 1000:>9.2f} {best * 1000 / (len(text) / 1024):>7.3f}")


if __name__ == "__main__":
    main()
