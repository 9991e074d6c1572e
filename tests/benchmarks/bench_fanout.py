"""Fan-out benchmark: one query across many emulated Enterprise Managers.

Run on demand (not collected by pytest)::

    python tests/benchmarks/bench_fanout.py                       # 50 servers × 2,000 entities, 50 ms latency
    python tests/benchmarks/bench_fanout.py --servers 10 --entities 500 --latency 20

Every server is a :class:`fel.emulator.Emulator` on its own port, all hosted by one child
process (so that the servers' work does not share the client's interpreter lock), sharing one
generated estate (built once) and each adding ``--latency`` ms to every answer. Each server is asked for its first ``--entities`` BackupJobSessions in EM's default
pages of 100 (20 requests for 2,000), and the rows are written as jsonl to a null sink, as
``fel run -o jsonl`` would.

Reported:

* wall time of one server alone (the slowest of three runs) and of the whole fleet, with
  the pool at ``--parallel`` and at the default; the fleet's time divided by the one
  server's is what to compare between machines (the sum over servers would be
  ``--servers`` times one server);
* the client process's CPU time beside the wall time: on a small machine the fleet is
  bound by CPU (decoding 100,000 entities, and the child rendering them), not by the pool;
* peak memory of the client (tracemalloc, in a separate run because tracing slows everything) of
  streaming the fleet's rows with 1/5 and with all of the servers — it must not grow with
  servers × rows — and, for scale, of collecting every row in a list.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fel.client.fanout import Batch  # noqa: E402
from fel.client.fleet import DEFAULT_PARALLEL, Fleet, Server  # noqa: E402
from fel.client.fleet_output import make_fleet_writer  # noqa: E402
from fel.emulator import Emulator  # noqa: E402
from fel.emulator.dataset import Dataset  # noqa: E402

NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
QUERY = "BackupJobSession order by CreationTime desc"


class _Null(io.TextIOBase):
    def write(self, s: str) -> int:
        return len(s)


def _stream(servers: list[Server], parallel: int, entities: int, *, keep: bool = False) -> tuple[float, float, int, int]:
    """(wall seconds, client CPU seconds, rows, failed servers) of one fan-out, rows written as
    jsonl to nowhere."""
    started, cpu = time.perf_counter(), time.process_time()
    result = Fleet(servers, parallel=parallel).query(QUERY, limit=entities)
    kept = []
    writer = make_fleet_writer(_Null(), "jsonl")
    for batch in (e for e in result.events() if isinstance(e, Batch)):
        writer.write(batch.rows)
        if keep:
            kept.extend(batch.rows)
    writer.close()
    return time.perf_counter() - started, time.process_time() - cpu, result.rows, len(result.failures)


def serve(count: int, latency: float) -> int:
    """The child: ``count`` emulators; prints their URLs and credentials, stops at stdin's end."""
    dataset = Dataset(seed=1, now=NOW)
    ems = [Emulator(dataset=dataset, latency_ms=latency, seed=i + 1).start() for i in range(count)]
    user, password = ems[0].credentials
    print(json.dumps({"urls": [em.url for em in ems], "user": user, "password": password}), flush=True)
    sys.stdin.read()
    for em in ems:
        em.stop()
    return 0


def _peak(servers: list[Server], parallel: int, entities: int, keep: bool = False) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    _stream(servers, parallel, entities, keep=keep)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--servers", type=int, default=50)
    ap.add_argument("--entities", type=int, default=2000, help="entities per server (at most 3443 at scale 1)")
    ap.add_argument("--latency", type=float, default=50.0, help="ms added to every answer")
    ap.add_argument("--parallel", type=int, default=None, help="pool size (default: one thread per server)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child
    args = ap.parse_args()
    if args.serve:
        return serve(args.servers, args.latency)
    parallel = args.parallel or args.servers
    child = subprocess.Popen([sys.executable, __file__, "--serve", "--servers", str(args.servers),
                              "--latency", str(args.latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        hosted = json.loads(child.stdout.readline())
        servers = [Server(f"em-{i:02d}", url, hosted["user"], hosted["password"])
                   for i, url in enumerate(hosted["urls"])]
        _stream(servers[:1], 1, args.entities)  # build the estate and warm the caches
        for s in servers:  # every server's query cache, so no server pays the first evaluation
            _stream([s], 1, 100)
        one = max(_stream(servers[:1], 1, args.entities)[0] for _ in range(3))
        print(f"{args.servers} servers × {args.entities} entities, {args.latency:g} ms latency per request, "
              f"pages of 100 ({-(-args.entities // 100)} requests per server)")
        print(f"one server alone (slowest of 3):        {one:7.2f} s")
        for label, n in ((f"parallel {parallel}", parallel), (f"parallel {DEFAULT_PARALLEL} (default)", DEFAULT_PARALLEL)):
            wall, cpu, rows, failed = _stream(servers, n, args.entities)
            print(f"fleet, {label:<24}        {wall:7.2f} s  = {wall / one:5.2f} × one server"
                  f"  (client CPU {cpu:.2f} s; {rows:,} rows, {failed} failed; the sum would be {args.servers} ×)")
        few = max(1, args.servers // 5)
        for label, subset, keep in ((f"{few} servers, streamed", servers[:few], False),
                                    (f"{args.servers} servers, streamed", servers, False),
                                    (f"{args.servers} servers, every row kept", servers, True)):
            peak = _peak(subset, parallel, args.entities, keep)
            print(f"peak memory, {label:<32} {peak / 2**20:7.1f} MiB")
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
