"""Benchmark: REPL startup to first prompt, and per-keystroke costs on a 200-character line.

    python tests/benchmarks/bench_repl.py [--runs 7]

1. Startup: ``fel repl --demo`` in a real pseudo-terminal (pexpect, PROMPT_TOOLKIT_NO_CPR=1,
   temporary XDG directories) until the prompt ``fel>`` is drawn; also until the REPL
   announces the demo connection (emulator started, logged on). Reference: ``python -c pass`` in the same terminal.
2. Keystrokes: type a 200-character statement one character at a time and time, per
   keystroke, the completion (``Completion.suggest``: what the background thread does), the
   highlighting (``fragments``: done on the UI thread) and the toolbar status (``status``).
   Reference: one plain Lark parse of the whole line, measured in the same run.

Budgets (issue 5): first prompt <= 250 ms; completion <= 1 ms p99 per keystroke.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LINE = ('BackupJobSession where Result == Failed and CreationTime >= now-24h and (JobName == "Backup Job 2" '
        'or JobType == BackupCopy) and IsRetry == false and State != Working order by CreationTime desc limit 50')


def _spawn_until(args: list[str], pattern: str, then: str | None = None) -> tuple[float, float | None]:
    import pexpect

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", XDG_DATA_HOME=f"{tmp}/d", XDG_CONFIG_HOME=f"{tmp}/c",
                   TERM="xterm", PYTHONPATH=str(ROOT))
        start = time.perf_counter()
        child = pexpect.spawn(args[0], args[1:], env=env, cwd=tmp, dimensions=(40, 160), encoding="utf-8", timeout=30)
        child.expect(pattern)
        first = time.perf_counter() - start
        second = None
        if then:
            child.expect(then)
            second = time.perf_counter() - start
        child.terminate(force=True)
        return first, second


def bench_startup(runs: int) -> None:
    ref = [_spawn_until([sys.executable, "-c", "print('fel> ')"], "fel> ")[0] for _ in range(runs)]
    prompt, ready = [], []
    for _ in range(runs):
        a, b = _spawn_until([sys.executable, "-m", "fel", "repl", "--demo"], "fel> ", "connected to")
        prompt.append(a)
        ready.append(b or 0.0)
    r, p, d = statistics.median(ref), statistics.median(prompt), statistics.median(ready)
    print(f"startup  python -c pass (reference)     median {r * 1000:7.1f} ms")
    print(f"startup  fel repl --demo: first prompt   median {p * 1000:7.1f} ms  ({p / r:4.1f}x reference)"
          f"  min {min(prompt) * 1000:.1f} ms  budget 250 ms: {'ok' if p <= 0.25 else 'OVER'}")
    print(f"startup  fel repl --demo: demo connected median {d * 1000:7.1f} ms  ({d / r:4.1f}x reference)")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[k]


def bench_keystrokes(runs: int) -> None:
    from datetime import datetime, timezone

    from fel.repl import highlight, lexing
    from fel.repl.completion import Completion
    from fel.repl.lexing import get_parser
    from fel.repl.toolbar import status

    parser = get_parser()
    now = datetime(2025, 8, 15, tzinfo=timezone.utc)
    ref = []
    for _ in range(200):
        t0 = time.perf_counter()
        parser.parse(LINE, start="statement")
        ref.append(time.perf_counter() - t0)
    ref_ms = statistics.median(ref) * 1000
    timings: dict[str, list[float]] = {"completion": [], "highlight": [], "toolbar": []}
    for _ in range(runs):
        lexing.scan.cache_clear()
        lexing.analyze.cache_clear()
        highlight.classify.cache_clear()
        import fel.api as api

        api.clear_caches()
        comp = Completion(now=lambda: now)
        for end in range(1, len(LINE) + 1):
            text = LINE[:end]
            t0 = time.perf_counter()
            comp.suggest(text)
            t1 = time.perf_counter()
            highlight.fragments(text)
            t2 = time.perf_counter()
            status(text, now=now)
            t3 = time.perf_counter()
            timings["completion"].append(t1 - t0)
            timings["highlight"].append(t2 - t1)
            timings["toolbar"].append(t3 - t2)
    print(f"keys     line of {len(LINE)} characters, typed {runs}x; reference: one Lark parse of the line "
          f"{ref_ms:.3f} ms")
    for name, values in timings.items():
        ms = [v * 1000 for v in values]
        p50, p99, worst = statistics.median(ms), _percentile(ms, 0.99), max(ms)
        budget = f"  budget 1 ms p99: {'ok' if p99 <= 1.0 else 'OVER'}" if name == "completion" else ""
        print(f"keys     {name:<10} p50 {p50:6.3f} ms  p99 {p99:6.3f} ms  max {worst:6.3f} ms"
              f"  (p99 = {p99 / ref_ms:4.2f}x reference){budget}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--skip-startup", action="store_true")
    args = ap.parse_args()
    if not args.skip_startup:
        bench_startup(args.runs)
    bench_keystrokes(args.runs)


if __name__ == "__main__":
    main()
