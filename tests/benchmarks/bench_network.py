"""Growth curves of the network side (run on demand, not collected by pytest)::

    python tests/benchmarks/bench_network.py [--repeat 3] [--flood 0]

* **attributes** — decoding one entity with n attributes, n doubling from 5,000: fel's decoder
  next to lxml's ``el.items()`` (what the decoder called before: lxml looks each value up by
  name, so it is quadratic). The time ratio per doubling is about 2 for linear code and 4 for
  quadratic; ``items()`` stops being measured once it takes more than 5 s.
* **flood** (``--flood N``) — N idle connections opened from another process against the
  emulator, then the time an ordinary query takes to answer.

Best of ``--repeat`` runs; figures in docs/reliability.md.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulator"))  # request_fuzz

from lxml import etree  # noqa: E402

from fel.client.decode import decode_page  # noqa: E402

NS = "http://www.veeam.com/ent/v1.0"


def body(n: int) -> bytes:
    attrs = " ".join(f'a{i}="v{i}"' for i in range(n))
    return f'<QueryResult xmlns="{NS}"><Refs><Ref Type="JobReference" Name="w" {attrs}/></Refs></QueryResult>'.encode()


def best(fn, repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - started)
    return out


def attributes(repeat: int) -> None:
    decode_page(body(10), "application/xml").entities[0].attributes  # warm-up
    print(f"{'attributes':>10} {'fel decode':>11} {'ratio':>6} {'lxml items()':>13} {'ratio':>6}")
    prev_fel = prev_items = None
    items_done = False
    n = 5_000
    while n <= 320_000:
        data = body(n)
        t_fel = best(lambda: decode_page(data, "application/xml", max_body=None).entities[0].attributes, repeat)
        t_items = None
        if not items_done:
            el = etree.fromstring(data)[0][0]
            t_items = best(lambda: dict(el.items()), 1)
            items_done = t_items > 5
        r_fel = f"{t_fel / prev_fel:6.2f}" if prev_fel else " " * 6
        r_items = f"{t_items / prev_items:6.2f}" if prev_items and t_items else " " * 6
        items_text = f"{t_items:12.3f}s" if t_items is not None else f"{'-':>13}"
        print(f"{n:>10} {t_fel:10.3f}s {r_fel} {items_text} {r_items}")
        prev_fel, prev_items = t_fel, t_items
        n *= 2


def flood(n: int) -> None:
    import requests

    from fel.emulator import Emulator
    from request_fuzz import idle_connections

    with Emulator(seed=1) as em, idle_connections(em.port, n) as proc:
        proc.stdout.readline()
        started = time.perf_counter()
        status = requests.get(em.url, timeout=120).status_code
        print(f"{n} idle connections open: GET /api/ -> {status} in {time.perf_counter() - started:.3f} s"
              f" ({em._server.open_connections} served at once, {em._server.evicted} closed to make room)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--flood", type=int, default=0, help="idle connections for the flood figure (0: skip)")
    args = ap.parse_args(argv)
    attributes(args.repeat)
    if args.flood:
        flood(args.flood)
    return 0


if __name__ == "__main__":
    sys.exit(main())
