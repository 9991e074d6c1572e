"""A bounded fuzz campaign over fel's checker and compiler (issue #14).

    python tests/fuzz/fuzz_core.py [--minutes 60] [--seed N] [--failures FILE]

Three kinds of input, round-robin until the time is up:

* generated queries (tests/core/invariant_kit.py): statements, bare filters and URLs from the
  schema with nasty values; each must satisfy the compile invariant — if ``fel.check`` reports
  no error, ``fel.compile`` gives a URL that checks clean and compiles to itself;
* mutations of the seed corpus (our golden inputs, Veeam's doc queries, real-world queries):
  characters inserted, deleted, repeated, percent-encoded; the same invariant, plus: check
  never raises and every span and fix lies inside the input;
* random text (any code point, including lone surrogates and control characters).

Then time against size: for each input shape, ``fel.check`` at 1, 4, 16 and 64 KB (no cache);
the ratio of time per character at the largest size to the smallest flags super-linear
behaviour (above 3).

Prints the figures (inputs tried, failures by kind, throughput, curves); exits 1 if anything
failed. docs/reliability.md quotes one run.
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.core.invariant_kit import invariant_failure, make_case  # noqa: E402

import fel  # noqa: E402
import fel.api  # noqa: E402
from fel.api import read_and_check  # noqa: E402
from fel.syntax.parser import MAX_INPUT  # noqa: E402

SPECIAL = list('=!<>;,()"&#%+ \t\n\x00\x7f\x85\u00a0\u2028\ud800\udcff\u201c\u201d\u0665\uff11é😀\\\'\u017f\u212a\u0130') + [
    "%00", "%D9%A5", "%22", "%26", "%3B", "&amp;", " and ", " or ", " not ", " in (", "now-999999w", "==", "?", "//", "now-5\u017f", "http\u017f://"]


def seed_corpus() -> list[tuple[str, str | None]]:
    seeds: list[tuple[str, str | None]] = []
    golden = ROOT / "tests" / "core" / "golden" / "inputs.txt"
    for line in golden.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" in line:
            type_name, text = line.split("\t", 1)
            seeds.append((text, type_name))
        else:
            seeds.append((line, None))
    shared = ROOT / "tests" / "fixtures" / "shared"
    doc = shared / "doc-queries-13.txt"
    if doc.exists():
        seeds += [(line, None) for line in doc.read_text(encoding="utf-8").splitlines() if line.strip()]
    real = shared / "realworld-dev.jsonl"
    if real.exists():
        for line in real.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                seeds += [(row[k], None) for k in ("raw", "normalized") if row.get(k)]
    return seeds


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        at = rng.randint(0, len(text))
        if op < 0.35:
            text = text[:at] + rng.choice(SPECIAL) + text[at:]
        elif op < 0.55 and text:
            end = min(len(text), at + rng.randint(1, 5))
            text = text[:at] + text[end:]
        elif op < 0.7 and text:
            end = min(len(text), at + rng.randint(1, 8))
            text = text[:at] + text[at:end] * rng.randint(2, 40) + text[end:]
        elif op < 0.85 and text:
            end = min(len(text), at + rng.randint(1, 8))
            text = text[:at] + quote(text[at:end], safe="", errors="surrogatepass") + text[end:]
        else:
            text = text[:at] + chr(rng.randint(0, 0x10FFFF)) + text[at:]
    return text[:MAX_INPUT + 100]


def random_text(rng: random.Random) -> str:
    n = rng.randint(0, 80)
    if rng.random() < 0.5:
        return "".join(rng.choice(SPECIAL + list("abcJobNameResult0123")) for _ in range(n))
    return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(n))


SHAPES = {
    "unclosed-and": lambda n: 'Job where Name=="' + "=" * n + '" and',
    "unquoted-separator": lambda n: "type=Job&filter=Name==" + "a" * n + ",b",
    "operators-in-value": lambda n: "type=Job&filter=Name==a" + "=" * n + ",b",
    "long-quoted-value": lambda n: 'Job where Name == "' + "x" * n + '"',
    "many-conditions": lambda n: "type=Job&filter=" + ";".join(["Name==a"] * (n // 8)),
    "in-list": lambda n: "Job where Name in (" + ",".join(["a"] * (n // 2)) + ")",
    "nested-parens": lambda n: "type=Job&filter=" + "(" * 60 + "Name==" + "a" * n + ")" * 60,
    "encoded-value": lambda n: "type=Job&filter=Name==%22" + "%C3%A9" * (n // 6) + "%22",
    "surrogates": lambda n: 'Job where Name == "' + "\ud800" * n + '"',
    "control-chars": lambda n: 'Job where Name == "' + "\x01" * n + '"',
    "hashes": lambda n: "https://em:9398/api/query?type=Job&filter=Name==" + "#" * n,
    "ampersands": lambda n: "type=Job&filter=Name==a" + "&" * n,
}


def clear_caches() -> None:
    clear = getattr(fel.api, "clear_caches", None)
    if clear is not None:
        clear()
        return
    for name in ("_cache", "_compiled", "_checked", "_urls"):
        cache = getattr(fel.api, name, None)
        if cache is not None:
            cache.clear()


def curves(limit_s: float) -> list[tuple[str, list[tuple[int, float]], float]]:
    sizes = [1024, 4096, 16384, MAX_INPUT - 200]
    out = []
    deadline = time.perf_counter() + limit_s
    clear_caches()  # what the campaign kept alive would slow the garbage collector
    for name, make in SHAPES.items():
        points = []
        for n in sizes:
            text = make(n)[:MAX_INPUT]
            best = float("inf")
            gc.collect()
            for _ in range(5):
                t = time.perf_counter()
                read_and_check(text)
                best = min(best, time.perf_counter() - t)
            points.append((len(text), best))
        ratio = (points[-1][1] / points[-1][0]) / max(points[0][1] / points[0][0], 1e-12)
        out.append((name, points, ratio))
        if time.perf_counter() > deadline:
            break
    return out


def robustness_failure(text: str, type_name: str | None) -> str | None:
    try:
        diags = fel.check(text, type=type_name)
    except Exception as exc:  # noqa: BLE001
        return f"check raised {type(exc).__name__}: {exc}"
    for d in diags:
        if not (0 <= d.span.start <= d.span.end <= len(text)):
            return f"{d.code} span {d.span} outside the input"
        if d.fix is not None and not (0 <= d.fix.span.start <= d.fix.span.end <= len(text)):
            return f"{d.code} fix span {d.fix.span} outside the input"
    return invariant_failure(text, type_name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=1.0, help="time budget (default 1)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    ap.add_argument("--failures", type=Path, default=None, help="write failing inputs as JSON lines here")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    budget = args.minutes * 60
    curve_budget = min(60.0, budget * 0.2)
    start = time.perf_counter()
    stop = start + budget - curve_budget
    seeds = seed_corpus()
    tried: Counter[str] = Counter()
    clean: Counter[str] = Counter()
    failures: list[dict] = []
    kinds: Counter[str] = Counter()
    slowest = (0.0, "")
    fel.check("Job")  # build the grammar outside the measurements
    while time.perf_counter() < stop:
        for source in ("generated", "mutated", "random"):
            if source == "generated":
                text, type_name = make_case(rng)
            elif source == "mutated":
                base, type_name = rng.choice(seeds)
                text = mutate(rng, base)
            else:
                text, type_name = random_text(rng), rng.choice([None, None, "BackupJobSession", "Job"])
            t = time.perf_counter()
            problem = robustness_failure(text, type_name)
            took = time.perf_counter() - t
            if took > slowest[0]:
                slowest = (took, text[:80])
            tried[source] += 1
            if problem is None:
                if not any(d.is_error for d in fel.check(text, type=type_name)):
                    clean[source] += 1
                continue
            kinds[problem.split(":")[0][:60]] += 1
            if len(failures) < 1000:
                failures.append({"source": source, "type": type_name, "text": text, "problem": problem})
    elapsed = time.perf_counter() - start
    total = sum(tried.values())
    print(f"fel fuzz_core  seed={seed}  {elapsed:.0f} s  python {sys.version.split()[0]}")
    print(f"inputs tried: {total:,} ({total / max(elapsed, 1e-9):,.0f}/s)")
    for source in ("generated", "mutated", "random"):
        print(f"  {source:<10} {tried[source]:>9,}  checked clean and compiled: {clean[source]:,}")
    print(f"failures: {len(failures) if len(failures) < 1000 else '1000+'}")
    for kind, n in kinds.most_common(10):
        print(f"  {n:>6}  {kind}")
    for f in failures[:5]:
        print(f"  e.g. {f['text'][:100]!r} (type={f['type']}): {f['problem'][:160]}")
    print(f"slowest single input: {slowest[0] * 1000:.1f} ms ({slowest[1]!r})")
    remaining = max(5.0, start + budget - time.perf_counter())
    print("time against size (fel.check, uncached; best of 5):")
    print(f"  {'shape':<20}" + "".join(f"{'%d KB' % round(n / 1024):>10}" for n in (1024, 4096, 16384, 65336))
          + "   ms/KB ratio (64 KB / 1 KB)")
    superlinear = []
    for name, points, ratio in curves(remaining):
        cells = "".join(f"{ms * 1000:>8.2f}ms" for _, ms in points)
        print(f"  {name:<20}{cells}   {ratio:>5.2f}")
        if ratio > 3:
            superlinear.append(name)
    if superlinear:
        print(f"super-linear: {', '.join(superlinear)}")
    if args.failures and failures:
        with args.failures.open("w", encoding="utf-8") as fh:
            for f in failures:
                fh.write(json.dumps(f, ensure_ascii=True) + "\n")
        print(f"failing inputs written to {args.failures}")
    return 1 if failures or superlinear else 0


if __name__ == "__main__":
    sys.exit(main())
