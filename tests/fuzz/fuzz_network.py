"""A bounded fault and attack campaign over fel's network side: the client and the emulator.

    python tests/fuzz/fuzz_network.py [--minutes 60] [--seed N] [--flood 2000] [--failures FILE]

Round-robin until the time is up (everything on 127.0.0.1):

* **hostile servers** — a random mode of tests/client/hostile_modes.py (trickles, hangs, broken
  HTTP, bombs, lying bodies, endless paging, echoed credentials) with random client settings;
  the fetch must end with the typed error the catalogue names (or a clean, capped result),
  within its deadline (a call may take at most ``(retries + 1) × deadline`` plus a second),
  with no secret in the message;
* **faulted fetches** — the emulator with injected 503s and dropped connections and a short
  session-idle limit, sessions expiring mid-fetch, XML or JSON: every entity exactly once;
* **malformed requests** — random requests through ``EmulatorApp.handle`` and raw, often
  broken requests over a socket (tests/emulator/request_fuzz.py): always a proper answer,
  never an exception or a 5xx; the emulator keeps answering.

Once each: a flood of ``--flood`` idle connections (an ordinary query must still answer), the
time to decode an element with 37.5k … 300k attributes (the time ratio per doubling of the
size: 2 is linear, 4 quadratic), and how close to its deadline a trickled response ends.

Prints the figures; exits 1 if anything failed. docs/reliability.md quotes one run.
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "client"))
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

import requests  # noqa: E402

import fel.client.errors as errors  # noqa: E402
from fel.client import Client  # noqa: E402
from fel.client.decode import decode_page  # noqa: E402
from fel.client.transport import Transport, TransportPolicy  # noqa: E402
from fel.emulator import Emulator  # noqa: E402
from fel.emulator.app import EmulatorApp  # noqa: E402

from hostile_kit import HostileServer  # noqa: E402
from hostile_modes import EXPECTED, MODES, SLOW_WORK  # noqa: E402
from emkit import app_token  # noqa: E402
from request_fuzz import ALLOWED, check_answer, idle_connections, random_request, raw_request, send_raw  # noqa: E402

PASSWORD = "fuzz-p4ss:w/rd+é"
SECRETS = (PASSWORD, base64.b64encode(f"u:{PASSWORD}".encode()).decode(), "dG9rZW4tMTIzNDU2Nzg5")


class Campaign:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tried: Counter[str] = Counter()
        self.failures: list[dict] = []
        self.outcomes: dict[str, Counter[str]] = defaultdict(Counter)
        self.worst_overrun = 0.0  # the most a fetch that timed out took beyond its deadline
        self.times: dict[str, list[float]] = defaultdict(list)

    def fail(self, part: str, **detail: object) -> None:
        self.failures.append({"part": part, **{k: str(v)[:500] for k, v in detail.items()}})

    # -- the client against hostile servers ----------------------------------------------------
    def hostile(self) -> None:
        name = self.rng.choice(sorted(MODES))
        seed = self.rng.randrange(1 << 30)
        deadline = self.rng.choice((0.3, 0.6, 1.0))
        retries = self.rng.choice((0, 1, 3))
        max_pages = self.rng.choice((5, 40))
        sub = random.Random(seed)
        self.tried["hostile"] += 1
        started = time.monotonic()
        with HostileServer(lambda conn: MODES[name](conn, sub)) as server:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with Client(server.url, "u", PASSWORD, timeout=(2.0, 0.5), retries=retries, backoff=0.01,
                                backoff_max=0.05, deadline=deadline, max_pages=max_pages,
                                wire=self.rng.choice(("xml", "json"))) as c:
                        n = len(c.query("type=Job&pageSize=1", all=True).list())
                outcome = "ok"
                if n == 0 or n > max_pages:
                    self.fail("hostile", mode=name, seed=seed, problem=f"{n} entities")
            except errors.ClientError as exc:
                outcome = type(exc).__name__
                expected = EXPECTED[name]
                slow = isinstance(exc, errors.TimedOut) and name in SLOW_WORK  # heavy work, short deadline
                if not slow and (expected == "ok" or not isinstance(exc, getattr(errors, expected))):
                    self.fail("hostile", mode=name, seed=seed, problem=f"expected {expected}, got {outcome}: {exc}")
                text = f"{exc} {exc!r}"
                if any(s in text for s in SECRETS):
                    self.fail("hostile", mode=name, seed=seed, problem="a secret in the message")
            except Exception as exc:  # noqa: BLE001 - the finding
                outcome = f"!{type(exc).__name__}"
                self.fail("hostile", mode=name, seed=seed, problem=f"{type(exc).__name__}: {exc}")
        took = time.monotonic() - started
        # each call (logon, a page, logout) ends within its deadline, retries included
        bound = (max_pages + 2) * deadline + 2.0
        if took > bound:
            self.fail("hostile", mode=name, seed=seed, problem=f"took {took:.1f} s (bound {bound:.1f} s)")
        if outcome == "TimedOut":
            self.worst_overrun = max(self.worst_overrun, took - deadline)
        self.outcomes[name][outcome] += 1
        self.times["hostile"].append(took)

    # -- the client against the emulator with faults -------------------------------------------
    def faulted(self) -> None:
        seed = self.rng.randrange(1 << 30)
        wire = self.rng.choice(("xml", "json"))
        error_rate = self.rng.choice((0.1, 0.3))
        page_size = self.rng.choice((7, 25, 60))
        self.tried["faulted"] += 1
        started = time.monotonic()
        with Emulator(seed=seed % 1000, error_rate=error_rate, session_idle=self.rng.choice((0.2, 1.0, 900))) as em:
            expected = em.dataset.count("BackupJobSession")
            user, password = em.credentials
            try:
                with Client(em.url, user, password, wire=wire, retries=10, backoff=0.001, backoff_max=0.01) as c:
                    uids = [e.uid for e in c.query(f"type=BackupJobSession&format=Entities&pageSize={page_size}",
                                                   all=True)]
                if len(uids) != expected or len(set(uids)) != expected:
                    self.fail("faulted", seed=seed, problem=f"{len(uids)} entities, {len(set(uids))} distinct,"
                                                            f" expected {expected}")
            except errors.ClientError as exc:
                # ten retries in a row can all meet a fault; that is the only acceptable error
                if not isinstance(exc, (errors.ApiError, errors.ConnectFailed)) or "503" not in str(exc) and \
                        "dropped" not in str(exc):
                    self.fail("faulted", seed=seed, problem=f"{type(exc).__name__}: {exc}")
                self.outcomes["faulted"][type(exc).__name__] += 1
            except Exception as exc:  # noqa: BLE001
                self.fail("faulted", seed=seed, problem=f"{type(exc).__name__}: {exc}")
        self.times["faulted"].append(time.monotonic() - started)

    # -- malformed requests to the emulator --------------------------------------------------
    def malformed(self, app: EmulatorApp, token: str, em: Emulator, em_token: str) -> None:
        for _ in range(200):
            self.tried["app-requests"] += 1
            method, target, headers = random_request(self.rng, token)
            try:
                r = app.handle(method, target, headers, b"")
            except Exception as exc:  # noqa: BLE001
                self.fail("app-request", method=method, target=target, headers=headers, problem=repr(exc))
                continue
            problem = check_answer(r.status, r.body)
            if problem:
                self.fail("app-request", method=method, target=target, headers=headers, problem=problem)
        for _ in range(10):
            self.tried["raw-requests"] += 1
            data = raw_request(self.rng, em_token)
            try:
                answer = send_raw(em.port, data)
            except OSError as exc:
                self.fail("raw-request", request=data[:300], problem=repr(exc))
                continue
            if answer.startswith(b"HTTP/"):
                status = int(answer.split(b" ", 2)[1])
                if status not in ALLOWED:
                    self.fail("raw-request", request=data[:300], problem=f"status {status}")
        try:
            ok = requests.get(em.url, timeout=30).status_code == 200
        except requests.RequestException as exc:
            ok = False
            self.fail("raw-request", problem=f"the emulator stopped answering: {exc}")
        if not ok:
            self.fail("raw-request", problem="the emulator root did not answer 200")


# -- once-only measurements --------------------------------------------------------------------
def flood(n: int) -> dict:
    """``n`` idle connections from another process, then an ordinary query."""
    with Emulator(seed=1) as em, idle_connections(em.port, n) as proc:
        started = time.monotonic()
        during = requests.get(em.url, timeout=120).status_code
        during_s = time.monotonic() - started
        proc.stdout.readline()
        opened_s = time.monotonic() - started
        started = time.monotonic()
        s = requests.Session()
        s.post(em.url + "sessionMngr/?v=latest", auth=em.credentials, timeout=120)
        after = s.get(em.url + "query?type=Job&format=Entities&pageSize=5", timeout=120).status_code
        after_s = time.monotonic() - started
        server = em._server
        return {"idle_connections": n, "answer_during_flood": during, "seconds_during": round(during_s, 3),
                "seconds_to_open_all": round(opened_s, 1), "query_with_all_open": after,
                "seconds_with_all_open": round(after_s, 3), "open_at_most": server.max_connections,
                "evicted": server.evicted}


def attribute_curve() -> dict:
    """Best of three decodes of one entity with n attributes, n doubling up to 300,000."""
    ns = "http://www.veeam.com/ent/v1.0"

    def body(n: int) -> bytes:
        attrs = " ".join(f'a{i}="v{i}"' for i in range(n))
        return f'<QueryResult xmlns="{ns}"><Refs><Ref Type="JobReference" Name="w" {attrs}/></Refs></QueryResult>'.encode()

    decode_page(body(10), "application/xml").entities[0].attributes  # warm-up: schema, parser
    seconds: dict[int, float] = {}
    for n in (37_500, 75_000, 150_000, 300_000):
        data, best = body(n), float("inf")
        for _ in range(3):
            started = time.perf_counter()
            assert len(decode_page(data, "application/xml", max_body=None).entities[0].attributes) == n + 2
            best = min(best, time.perf_counter() - started)
        seconds[n] = best
    sizes = sorted(seconds)
    return {"seconds": {k: round(v, 4) for k, v in seconds.items()},
            # time ratio for each doubling of the size: 2 is linear, 4 quadratic
            "doubling_ratios": [round(seconds[b] / seconds[a], 2) for a, b in zip(sizes, sizes[1:])]}


def deadline_accuracy() -> dict:
    body = b"<" * 10_000

    def trickle(conn):
        if conn.read_request():
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 10000\r\n\r\n")
            conn.trickle(body, 0.02)

    out = {}
    for deadline in (0.5, 1.0, 2.0):
        with HostileServer(trickle) as server:
            t = Transport(TransportPolicy(timeout=(5, 5), retries=0, deadline=deadline))
            started = time.monotonic()
            try:
                t.request("GET", server.url)
                out[deadline] = "no error"
            except errors.TimedOut:
                out[deadline] = round(time.monotonic() - started, 3)
            t.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=1.0, help="time budget for the round-robin (default 1)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    ap.add_argument("--flood", type=int, default=2000, help="idle connections for the flood (default 2000; 0: skip)")
    ap.add_argument("--failures", type=Path, default=None, help="write failures as JSON lines here")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"fuzz_network: seed {seed}, {args.minutes:g} min", flush=True)
    campaign = Campaign(seed)
    figures: dict = {"seed": seed}
    figures["attributes"] = attribute_curve()
    figures["deadline_seconds"] = deadline_accuracy()
    if args.flood:
        figures["flood"] = flood(args.flood)
    app = EmulatorApp()
    token = app_token(app)
    end = time.monotonic() + args.minutes * 60
    with Emulator(seed=3, idle_timeout=2) as em:
        s = requests.Session()
        em_token = s.post(em.url + "sessionMngr/?v=latest", auth=em.credentials, timeout=30).headers["X-RestSvcSessionId"]
        rounds = 0
        while time.monotonic() < end:
            campaign.hostile()
            campaign.malformed(app, token, em, em_token)
            if rounds % 4 == 0:
                campaign.faulted()
            rounds += 1
    figures["tried"] = dict(campaign.tried)
    figures["failures"] = len(campaign.failures)
    figures["hostile_outcomes"] = {k: dict(v) for k, v in sorted(campaign.outcomes.items())}
    figures["timed_out_fetch_worst_seconds_past_its_deadline"] = round(campaign.worst_overrun, 3)
    for part, times in campaign.times.items():
        times.sort()
        figures[f"{part}_seconds_median_max"] = [round(times[len(times) // 2], 3), round(times[-1], 3)]
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    for f in campaign.failures[:20]:
        print("FAILURE", json.dumps(f, ensure_ascii=False))
    if args.failures and campaign.failures:
        args.failures.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in campaign.failures),
                                 encoding="utf-8")
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
