"""Load benchmark for ``fel serve``: N concurrent clients, a realistic query mix, big dataset.

Run on demand (not collected by pytest)::

    python tests/benchmarks/bench_emulator_load.py            # 20 clients, 5,000 queries, --scale 36
    python tests/benchmarks/bench_emulator_load.py --clients 4 --queries 500 --scale 2

The emulator runs in its own process (``python -m fel serve``) so the clients' threads do not
share its interpreter lock. Each client logs on once and keeps its connection alive. The query
mix is the six everyday queries of REFERENCE §8 (latest session of a job, sessions of the last
24 h, failed sessions, running sessions, jobs by type/platform, restore points of a VM,
repository capacity) plus deep paging through all job sessions.

Reported: errors (must be 0), p50/p99 latency and queries per second under load, the cost of
a filter nobody asked before that no index narrows (a full scan), and — as
references measured in the same run — one client sending the same mix sequentially, and the
trivial ``GET /api/``; the ratios against them are what to compare between machines.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)


def start_server(scale: float, seed: int) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "fel", "serve", "--port", "0", "--scale", str(scale),
                             "--seed", str(seed), "--now", NOW.strftime("%Y-%m-%dT%H:%M:%SZ")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        raise SystemExit("fel serve did not start")
    return proc, url


def logon(url: str) -> requests.Session:
    s = requests.Session()
    r = s.post(url + "sessionMngr/?v=latest", auth=("demo", "demo"))
    r.raise_for_status()
    s.headers["X-RestSvcSessionId"] = r.headers["X-RestSvcSessionId"]
    return s


def discover(s: requests.Session, url: str) -> tuple[list[str], list[str], int]:
    """Job and VM names to query for, and the number of job sessions (from the server)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    jobs = [r.get("Name") for r in etree.fromstring(
        s.get(url + "query?type=Job&filter=JobType==Backup&pageSize=2000").content, parser).iter("{*}Ref")]
    vms = sorted({r.findtext("{*}Name") for r in etree.fromstring(
        s.get(url + "query?type=ObjectInJob&format=Entities&pageSize=3000").content, parser).iter("{*}ObjectInJob")})
    info = etree.fromstring(s.get(url + "query?type=BackupJobSession&pageSize=1").content, parser).find("{*}PagingInfo")
    return jobs, vms, int(info.get("PagesCount"))


def query_mix(jobs: list[str], vms: list[str], sessions: int, rng: random.Random, n: int) -> list[dict]:
    day = (NOW - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    week = (NOW - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pages = max(1, sessions // 100)

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    kinds = [
        lambda: {"type": "BackupJobSession", "format": "Entities", "sortDesc": "CreationTime", "pageSize": "1",
                 "filter": f"JobName=={quoted(rng.choice(jobs))}"},
        lambda: {"type": "BackupJobSession", "format": "Entities", "filter": f'CreationTime>="{day}"'},
        lambda: {"type": "BackupJobSession", "format": "Entities",
                 "filter": f'Result==Failed;CreationTime>="{week}"', "pageSize": "100"},
        lambda: {"type": "BackupJobSession", "filter": "State==Working"},
        lambda: {"type": "Job", "format": "Entities",
                 "filter": f"JobType==Backup;Platform=={rng.choice(['VMware', 'HyperV', 'vCloud'])}"},
        lambda: {"type": "VmRestorePoint", "format": "Entities", "sortDesc": "CreationTime", "pageSize": "3",
                 "filter": f"VmDisplayName=={quoted(rng.choice(vms))}"},
        lambda: {"type": "Repository", "format": "Entities", "filter": "FreeSpace<107374182400"},
        lambda: {"type": "BackupJobSession", "pageSize": "100", "page": str(rng.randrange(1, pages + 1))},
    ]
    return [rng.choice(kinds)() for _ in range(n)]


def run_clients(url: str, batches: list[list[dict]]) -> tuple[list[float], int, float]:
    """Run each batch in its own thread with its own session; (latencies, errors, wall time)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    sessions = [logon(url) for _ in batches]
    barrier = threading.Barrier(len(batches) + 1)

    def client(s: requests.Session, batch: list[dict]) -> None:
        mine, bad = [], 0
        barrier.wait()
        for params in batch:
            t = time.perf_counter()
            try:
                r = s.get(url + "query", params=params, timeout=60)
                ok = r.status_code == 200 and r.content.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml")
            except requests.RequestException:
                ok = False
            mine.append(time.perf_counter() - t)
            bad += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(s, b)) for s, b in zip(sessions, batches)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--queries", type=int, default=5000)
    ap.add_argument("--scale", type=float, default=36)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    proc, url = start_server(args.scale, args.seed)
    try:
        started = time.perf_counter() - t0
        s = logon(url)
        t1 = time.perf_counter()
        jobs, vms, session_pages = discover(s, url)
        sessions = session_pages  # pageSize=1: PagesCount is the number of sessions
        rng = random.Random(args.seed)
        warm = query_mix(jobs, vms, sessions, rng, 200)
        for params in warm:  # builds the lazily generated types and warms the result cache
            s.get(url + "query", params=params).raise_for_status()
        warmup = time.perf_counter() - t1

        trivial = []
        for _ in range(300):
            t = time.perf_counter()
            s.get(url).raise_for_status()
            trivial.append(time.perf_counter() - t)

        cold = []  # filters nobody asked before, that no index narrows: a full scan of the sessions
        for k in range(20):
            since = (NOW - timedelta(hours=30 + k, minutes=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
            t = time.perf_counter()
            s.get(url + "query", params={"type": "BackupJobSession", "format": "Entities",
                                         "filter": f'EndTime>="{since}";IsRetry==false'}).raise_for_status()
            cold.append(time.perf_counter() - t)

        single_batch = query_mix(jobs, vms, sessions, rng, max(200, args.queries // 10))
        single_lat, single_err, single_wall = run_clients(url, [single_batch])

        mix = query_mix(jobs, vms, sessions, rng, args.queries)
        batches = [mix[i::args.clients] for i in range(args.clients)]
        lat, errors, wall = run_clients(url, batches)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    ms = 1000.0
    figures = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "dataset": {"scale": args.scale, "backup_job_sessions": sessions, "jobs": len(jobs), "vms": len(vms)},
        "startup_s": round(started, 3), "warmup_s": round(warmup, 2),
        "load": {"clients": args.clients, "queries": len(lat), "errors": errors,
                 "p50_ms": round(statistics.median(lat) * ms, 2), "p99_ms": round(pct(lat, 99) * ms, 2),
                 "qps": round(len(lat) / wall, 1)},
        "reference_single_client": {"queries": len(single_lat), "errors": single_err,
                                    "p50_ms": round(statistics.median(single_lat) * ms, 2),
                                    "p99_ms": round(pct(single_lat, 99) * ms, 2),
                                    "qps": round(len(single_lat) / single_wall, 1)},
        "reference_api_root_p50_ms": round(statistics.median(trivial) * ms, 3),
        "cold_full_scan_p50_ms": round(statistics.median(cold) * ms, 1),
    }
    load, ref = figures["load"], figures["reference_single_client"]
    figures["ratios"] = {"qps_load_vs_single": round(load["qps"] / ref["qps"], 2),
                         "p50_load_vs_single": round(load["p50_ms"] / ref["p50_ms"], 1),
                         "p50_single_vs_api_root": round(ref["p50_ms"] / figures["reference_api_root_p50_ms"], 1)}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"dataset: scale {args.scale:g}, {sessions:,} backup job sessions, {len(jobs)} backup jobs; "
              f"server up in {started:.2f} s, warm-up {warmup:.1f} s")
        print(f"load: {args.clients} clients, {load['queries']} queries, {errors} errors, "
              f"p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms, {load['qps']} queries/s")
        print(f"reference, 1 client: p50 {ref['p50_ms']} ms, p99 {ref['p99_ms']} ms, {ref['qps']} queries/s; "
              f"GET /api/ p50 {figures['reference_api_root_p50_ms']} ms")
        print(f"a new, unindexed filter over all job sessions (cold): p50 {figures['cold_full_scan_p50_ms']} ms")
        print(f"ratios: {figures['ratios']}")
    return 1 if errors or single_err else 0


if __name__ == "__main__":
    sys.exit(main())
