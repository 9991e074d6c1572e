"""Fan-out benchmark: one query across many emulated Enterprise Managers.

Run on demand (not collected by pytest)::

    python tests/benchmarks/bench_fanout.py                       # 50 servers × 2,000 entities, 50 ms latency
    python tests/benchmarks/bench_fanout.py --servers 10 --entities 500 --latency 20
    python tests/benchmarks/bench_fanout.py --slow-network           # 15 servers, 300–800 ms each, 20 rows

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

``--slow-network`` measures the other regime, where waiting dominates and the CPU hardly
matters: ``--servers`` (default 15) emulators whose latencies are spread over 300–700 ms,
with one deliberately slowest at 800 ms, each asked for ``--entities`` (default 20) rows in
one page (the emulator delays the query, not the logon or logoff). In one run it
reports each server alone (so the sum over servers, which a shell loop would take), the
slowest server alone, and the fleet — whose wall time should be about the slowest server's.
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


def latencies(count: int, spread: tuple[float, float] = (300.0, 700.0), slowest: float = 800.0) -> list[float]:
    """``--slow-network``: ``count`` latencies in ms, spread evenly over ``spread`` with the
    last one (the deliberately slowest server) at ``slowest``."""
    low, high = spread
    steps = max(1, count - 2)
    return [low + (high - low) * i / steps for i in range(count - 1)] + [slowest]


def serve(count: int, latency: float, slow_network: bool = False) -> int:
    """The child: ``count`` emulators; prints their URLs and credentials, stops at stdin's end."""
    dataset = Dataset(seed=1, now=NOW)
    delays = latencies(count) if slow_network else [latency] * count
    ems = [Emulator(dataset=dataset, latency_ms=ms, seed=i + 1).start() for i, ms in enumerate(delays)]
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
    ap.add_argument("--servers", type=int, default=None, help="servers (default 50; 15 with --slow-network)")
    ap.add_argument("--entities", type=int, default=None,
                    help="entities per server (at most 3443 at scale 1; default 2000, 20 with --slow-network)")
    ap.add_argument("--slow-network", action="store_true",
                    help="latency-dominated: 300–800 ms per server (one slowest), small results")
    ap.add_argument("--latency", type=float, default=50.0, help="ms added to every answer")
    ap.add_argument("--parallel", type=int, default=None, help="pool size (default: one thread per server)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child
    args = ap.parse_args()
    if args.servers is None:
        args.servers = 15 if args.slow_network else 50
    if args.entities is None:
        args.entities = 20 if args.slow_network else 2000
    if args.serve:
        return serve(args.servers, args.latency, args.slow_network)
    parallel = args.parallel or args.servers
    child = subprocess.Popen([sys.executable, __file__, "--serve", "--servers", str(args.servers),
                              "--latency", str(args.latency)] + (["--slow-network"] if args.slow_network else []),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        hosted = json.loads(child.stdout.readline())
        servers = [Server(f"em-{i:02d}", url, hosted["user"], hosted["password"])
                   for i, url in enumerate(hosted["urls"])]
        if args.slow_network:
            slow_network(servers, parallel, args.entities)
            return 0
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


def slow_network(servers: list[Server], parallel: int, entities: int) -> None:
    """Latency-dominated fan-out: each server alone, the slowest alone, the fleet — one run."""
    delays = latencies(len(servers))
    _stream(servers[:1], 1, entities)  # build the estate and warm the caches
    for s in servers:  # every server's query cache
        _stream([s], 1, entities)
    alone = [_stream([s], 1, entities)[0] for s in servers]
    slowest = servers[-1]
    slowest_alone = min(_stream([slowest], 1, entities)[0] for _ in range(3))
    print(f"{len(servers)} servers, latency {delays[0]:g}–{delays[-2]:g} ms and one slowest at {delays[-1]:g} ms"
          f" per query request, {entities} rows each (one page; logon and logoff are not delayed)")
    print(f"each server alone: {min(alone):.2f}–{max(alone):.2f} s; sum over servers {sum(alone):7.2f} s")
    print(f"slowest server alone (best of 3):        {slowest_alone:7.2f} s")
    for run in range(3):
        wall, cpu, rows, failed = _stream(servers, parallel, entities)
        print(f"fleet, parallel {parallel}, run {run + 1}:            {wall:7.2f} s  = {wall / slowest_alone:5.2f} ×"
              f" the slowest alone, {wall / sum(alone):6.1%} of the sum  (client CPU {cpu:.2f} s; {rows:,} rows,"
              f" {failed} failed)")


if __name__ == "__main__":
    sys.exit(main())
