"""Fan-out (fel.client.fleet, fel.client.fanout, `fel run` with several profiles) against
several in-process emulators: different seeds, one slow, one flaky, one that fails every
query, one dead port. Counts are compared with the same servers queried one by one."""
from __future__ import annotations

import csv
import io
import json
import socket
import threading
from collections import Counter
from datetime import datetime, timezone

import pytest

import fel
from fel.cli import main
from fel.client import Client, ConfigError
from fel.client import fleet as fleet_module
from fel.client.config import Profile, select_profiles
from fel.client.fanout import Batch, FleetResult, Row, ServerResult
from fel.client.fleet import Fleet, Server, merge_key, servers_from_profiles
from fel.client.fleet_output import make_fleet_writer
from fel.emulator import Emulator

NOW = datetime(2025, 8, 16, 12, 0, tzinfo=timezone.utc)
PASSWORD = "fleet-Pw-0815"
FAST = {"retries": 6, "backoff": 0.001, "backoff_max": 0.01}   # retry quickly; never wait in tests
QUERY = "BackupJobSession where Result == Failed order by CreationTime desc"
OK = ("eu-1", "eu-2", "eu-flaky")
FAILING = ("us-down", "zz-dead")


def _dead_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def ems():
    servers = {
        "eu-1": Emulator(seed=1, now=NOW, users={"auditor": PASSWORD}),
        "eu-2": Emulator(seed=2, now=NOW, users={"auditor": PASSWORD}, latency_ms=15),
        "eu-flaky": Emulator(seed=3, now=NOW, users={"auditor": PASSWORD}, error_rate=0.25),
        "us-down": Emulator(seed=4, now=NOW, users={"auditor": PASSWORD}, error_rate=1.0),
    }
    for em in servers.values():
        em.start()
    urls = {name: em.url for name, em in servers.items()}
    urls["zz-dead"] = f"http://127.0.0.1:{_dead_port()}/api/"
    yield urls
    for em in servers.values():
        em.stop()


@pytest.fixture(scope="module")
def one_by_one(ems):
    """Failed sessions per server, each server queried alone with a plain Client."""
    counts = {}
    for name in OK:
        with Client(ems[name], "auditor", PASSWORD, **FAST) as client:
            counts[name] = len(client.query(QUERY, all=True).list())
    assert all(counts.values()) and len(set(counts.values())) > 1  # different estates
    return counts


def _servers(ems, names=OK + FAILING):
    return [Server(n, ems[n], "auditor", PASSWORD, FAST) for n in names]


# -- the library -----------------------------------------------------------------------------
def test_counts_equal_one_by_one_every_row_names_its_server_and_failures_are_values(ems, one_by_one):
    with Fleet(_servers(ems)) as fleet:
        result = fleet.query(QUERY, all=True)
        rows = list(result)
    counts = Counter(profile for profile, _ in rows)
    assert dict(counts) == one_by_one
    assert all(isinstance(r, Row) and r.entity.type == "BackupJobSession" and r.get("Result") == "Failed"
               for r in rows)
    assert sorted(f.profile for f in result.failures) == sorted(FAILING)
    reasons = {f.profile: f.reason for f in result.failures}
    assert "refused" in reasons["zz-dead"] and "\n" not in reasons["zz-dead"]
    assert "503" in reasons["us-down"] or "dropped" in reasons["us-down"]
    assert PASSWORD not in " ".join(reasons.values())
    assert set(result.servers) == set(OK + FAILING) and not result.ok
    assert {n: result.servers[n].rows for n in OK} == one_by_one
    assert all(result.servers[n].ok and not result.servers[n].more for n in OK)


def test_order_holds_per_server_and_merge_sort_gives_one_order(ems, one_by_one):
    fleet = Fleet(_servers(ems, OK))
    plain = list(fleet.query(QUERY, all=True))
    merged = list(fleet.query(QUERY, all=True, merge_sort=True))
    assert Counter(r.profile for r in merged) == Counter(r.profile for r in plain) == Counter(one_by_one)
    for name in OK:  # EM's order holds within each server
        times = [r.get("CreationTime") for r in plain if r.profile == name]
        assert times == sorted(times, reverse=True)
    times = [r.get("CreationTime") for r in merged]
    assert times == sorted(times, reverse=True)
    assert len({r.profile for r in merged[:50]}) > 1  # really interleaved, not one server after another
    with pytest.raises(ValueError, match="order by"):
        fleet.query("BackupJobSession", merge_sort=True)


def test_limit_and_page_apply_per_server(ems):
    fleet = Fleet(_servers(ems, OK))
    assert Counter(r.profile for r in fleet.query("Job", limit=3)) == {n: 3 for n in OK}
    first = fleet.query("Job limit 2")
    assert Counter(r.profile for r in first) == {n: 2 for n in OK} and first.more and first.pages_count
    second = [r.entity.uid for r in fleet.query("Job limit 2", page=2)]
    assert len(second) == 6 and not set(second) & {r.entity.uid for r in fleet.query("Job limit 2")}


def test_a_bad_query_fails_once_before_any_request():
    made = []
    fleet = Fleet([Server("a", "http://127.0.0.1:9/api/"), Server("b", "http://127.0.0.1:9/api/")],
                  client_factory=lambda server: made.append(server))
    with pytest.raises(fel.FelError) as info:
        fleet.query("BackupJobSession where Reslt == Failed")
    assert info.value.diagnostics[0].code and not made


# -- the pool, with stand-in clients -----------------------------------------------------------
class _Page:
    def __init__(self, entities, num, count):
        self.entities, self.page_num, self.pages_count = entities, num, count


class _Stream:
    def __init__(self, pages, before_page=None):
        self._pages, self._before = pages, before_page
        self.entities_yielded, self.pages_count, self.truncated, self.more = 0, len(pages), False, False

    def pages(self):
        for page in self._pages:
            if self._before:
                self._before()
            yield page


class _FakeClient:
    def __init__(self, pages, before_page=None, log=None):
        self.pages, self.before, self.log = pages, before_page, log if log is not None else []
        self.logged_on = False

    def query(self, compiled, **kw):
        return _Stream(self.pages, self.before)

    def close(self):
        self.log.append("closed")


def _entities(n, prefix="e"):
    from fel.client.entity import Entity

    return [Entity({"Name": f"{prefix}{i}", "Type": "Job"}, {"JobType": "Backup"}) for i in range(n)]


def test_servers_are_queried_at_once_up_to_the_pool_size():
    lock = threading.Lock()
    running = {"now": 0, "most": 0}
    barrier = threading.Barrier(3, timeout=20)

    def factory(server):
        def before():
            with lock:
                running["now"] += 1
                running["most"] = max(running["most"], running["now"])
            if server.profile in ("s0", "s1", "s2"):
                barrier.wait()  # passes only when three servers are in flight together
            with lock:
                running["now"] -= 1
        return _FakeClient([_Page(_entities(2), 1, 1)], before)

    servers = [Server(f"s{i}", "http://127.0.0.1:9/api/") for i in range(7)]
    result = Fleet(servers, parallel=3, client_factory=factory).query("Job")
    rows = list(result)
    assert len(rows) == 14 and result.ok and running["most"] == 3


def test_a_slow_server_does_not_hold_back_the_others():
    """The slowest server is in flight the whole time the others run: every server waits at
    a barrier until all seven are in flight together, and the slow one is then held on an
    event that is set only after every other server has finished and its rows have been
    read — which would time out (and fail the servers) if the pool queried the servers one
    after another. No timing is measured."""
    fast = [f"fast-{i}" for i in range(6)]
    lock = threading.Lock()
    flight = {"now": 0, "most": 0}
    barrier, release = threading.Barrier(len(fast) + 1, timeout=20), threading.Event()

    def job(name):
        def run(emit):
            with lock:
                flight["now"] += 1
                flight["most"] = max(flight["most"], flight["now"])
            try:
                barrier.wait()  # passes only when all seven servers are in flight together
                if name == "slow" and not release.wait(20):  # only if the others could not run beside it
                    raise TimeoutError("the other servers never finished while this one was in flight")
                emit(_entities(3, prefix=name))
                return ServerResult(name, rows=3)
            finally:
                with lock:
                    flight["now"] -= 1
        return run

    result = FleetResult([("slow", job("slow"))] + [(n, job(n)) for n in fast], parallel=len(fast) + 1)
    finished: list[str] = []
    rows_before_slow = 0
    for event in result.events():
        if isinstance(event, ServerResult):
            finished.append(event.profile)
            if set(finished) == set(fast):
                rows_before_slow = result.rows
                release.set()  # every fast server is done while the slow one still waits
    assert result.ok, result.failures
    assert finished[-1] == "slow" and sorted(finished[:-1]) == fast
    assert rows_before_slow == 3 * len(fast) and result.rows == 3 * (len(fast) + 1)
    assert flight["most"] == len(fast) + 1  # all seven in flight together


def test_pages_stream_through_a_bounded_queue_and_leaving_early_stops_the_workers():
    fetched = Counter()
    log: list[str] = []

    def factory(server):
        return _FakeClient([_Page(_entities(5), i + 1, 500) for i in range(500)],
                           lambda: fetched.update([server.profile]), log)

    servers = [Server(f"s{i}", "http://127.0.0.1:9/api/") for i in range(4)]
    result = Fleet(servers, parallel=2, client_factory=factory).query("Job", all=True)
    events = result.events()
    first = next(events)
    assert isinstance(first, Batch) and len(first.rows) == 5
    threading.Event().wait(0.3)  # give the workers every chance to run ahead
    # at most: the queue (2 * parallel, min 4), one page per blocked worker, the one read
    assert sum(fetched.values()) <= 4 + 2 + 1
    events.close()  # leaving the loop early
    assert log.count("closed") == 2 and set(fetched) <= {"s0", "s1"}  # the others never started


def test_a_job_that_raises_is_that_servers_failure():
    def boom(emit):
        raise RuntimeError("disk on fire")

    def fine(emit):
        emit(_entities(3))
        return ServerResult("fine", rows=3)

    result = FleetResult([("bad", boom), ("fine", fine)], parallel=2)
    assert [r.profile for r in result] == ["fine"] * 3
    assert [str(f) for f in result.failures] == ["bad: RuntimeError: disk on fire"]


def test_row_reads_like_its_entity_and_names_its_profile():
    entity = _entities(1)[0]
    row = Row("eu-1", entity)
    profile, same = row
    assert (profile, same) == ("eu-1", entity)
    assert row.get("profile") == "eu-1" and row.get("Name") == "e0" and row.name == "e0" and row.type == "Job"
    assert list(row.to_dict()) == ["profile", "Name", "Type", "JobType"]


def test_merge_key_orders_like_the_emulator():
    compiled = fel.compile_query("BackupJobSession order by Result")
    key, descending = merge_key(compiled)
    from fel.client.entity import Entity

    ents = [Entity({}, {"Result": r}) for r in ("Warning", "Failed", "Success", None)]
    assert [e.get("Result") for e in sorted(ents, key=key)] == [None, "Success", "Warning", "Failed"]
    assert descending is False
    with pytest.raises(ValueError):
        merge_key(fel.compile_query("Job"))


# -- profiles ------------------------------------------------------------------------------------
CONFIG = """
[profiles.eu-1]
url = "em-eu1.example.com"
user = 'CORP\\\\svc'
password_env = "PW_EU"
[profiles.eu-2]
url = "https://em-eu2.example.com"
user = 'CORP\\\\svc'
password_env = "PW_EU"
timeout = [3, 30]
[profiles.us-1]
url = "https://em-us1.example.com"
user = "svc"
password_env = "PW_US"
format = "References"
[profiles.lab]
url = "http://127.0.0.1:9/api/"
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.mark.parametrize("patterns, all_profiles, expected", [
    (["eu-*"], False, ["eu-1", "eu-2"]),
    (["us-1", "eu-*"], False, ["us-1", "eu-1", "eu-2"]),
    (["eu-?", "eu-1"], False, ["eu-1", "eu-2"]),
    (["[ul]*"], False, ["us-1", "lab"]),
    ([], True, ["eu-1", "eu-2", "us-1", "lab"]),
    (["lab"], True, ["eu-1", "eu-2", "us-1", "lab"]),
    (["EU-*"], False, None),   # case-sensitive, as profile names are
    (["nope"], False, None),
    ([], False, None),
])
def test_select_profiles(config, patterns, all_profiles, expected):
    if expected is None:
        with pytest.raises(ConfigError) as info:
            select_profiles(patterns, all_profiles=all_profiles, path=config)
        assert "profile" in str(info.value)
        return
    assert [p.name for p in select_profiles(patterns, all_profiles=all_profiles, path=config)] == expected


def test_servers_from_profiles_resolve_passwords_first_and_name_the_bad_profile(config):
    env = {"PW_EU": "eu-secret", "PW_US": "us-secret"}
    servers = servers_from_profiles(select_profiles(["eu-*", "us-1"], path=config), env=env, interactive=False,
                                    wire="json")
    assert [(s.profile, s.url, s.password) for s in servers] == [
        ("eu-1", "https://em-eu1.example.com:9398/api/", "eu-secret"),
        ("eu-2", "https://em-eu2.example.com/api/", "eu-secret"),
        ("us-1", "https://em-us1.example.com/api/", "us-secret")]
    assert servers[1].options == {"verify": True, "timeout": (3.0, 30.0), "wire": "json"}
    assert servers[2].format == "References" and "secret" not in repr(servers)
    with pytest.raises(ConfigError, match="profile 'us-1'.*PW_US"):
        servers_from_profiles(select_profiles(["*"], path=config), env={"PW_EU": "x"}, interactive=False)
    with pytest.raises(ConfigError, match="profile 'lab'.*user"):
        servers_from_profiles([select_profiles(["lab"], path=config)[0]], env=env, interactive=False)
    with pytest.raises(ConfigError, match="profile 'x'.*url"):
        servers_from_profiles([Profile(name="x", user="u")], env=env, interactive=False)
    with pytest.raises(ConfigError, match="share"):
        Fleet([Server("a", "http://h/api/"), Server("a", "http://g/api/")])


# -- output ----------------------------------------------------------------------------------------
def _rows():
    from fel.client.entity import Entity

    a = Entity({"UID": "urn:1", "Name": "Job A", "Type": "Job"}, {"JobType": "Backup", "Platform": "VMware"})
    b = Entity({"UID": "urn:2", "Name": "Job B", "Type": "Job"}, {"JobType": "Replica", "Platform": "HyperV"})
    return [Row("eu-1", a), Row("us-1", b)]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
def test_every_output_format_names_the_profile_first(fmt):
    out = io.StringIO()
    writer = make_fleet_writer(out, fmt)
    writer.write(_rows()[:1])
    writer.write(_rows()[1:])
    writer.close()
    text = out.getvalue()
    if fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines()]
    elif fmt == "json":
        records = json.loads(text)
    elif fmt == "csv":
        records = list(csv.DictReader(io.StringIO(text)))
        assert text.splitlines()[0].split(",")[0] == "profile"
    else:
        lines = text.splitlines()
        assert lines[0].split()[0] == "profile" and lines[2].split()[0] == "eu-1" and lines[3].split()[0] == "us-1"
        return
    assert [r["profile"] for r in records] == ["eu-1", "us-1"] and list(records[0])[0] == "profile"
    assert records[1]["Name"] == "Job B" and records[1]["JobType"] == "Replica"


def test_fields_keep_the_profile_first():
    out = io.StringIO()
    writer = make_fleet_writer(out, "csv", "Name,profile,Platform")
    writer.write(_rows())
    writer.close()
    assert out.getvalue().splitlines() == ["profile,Name,Platform", "eu-1,Job A,VMware", "us-1,Job B,HyperV"]
    empty = io.StringIO()
    make_fleet_writer(empty, "csv", "Name").close()
    assert empty.getvalue() == "profile,Name\n"


# -- fel run -----------------------------------------------------------------------------------------
@pytest.fixture
def cli(ems, tmp_path, monkeypatch, capsys):
    lines = []
    for name, url in ems.items():
        lines += [f"[profiles.{name}]", f'url = "{url}"', 'user = "auditor"', 'password_env = "FLEET_PW"', ""]
    cfg = tmp_path / "fleet.toml"
    cfg.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setenv("FLEET_PW", PASSWORD)
    monkeypatch.delenv("FEL_PROFILE", raising=False)
    monkeypatch.setattr(fleet_module, "_make_client",
                        lambda s: Client(s.url, s.user, s.password, **{**dict(s.options), **FAST}))

    def run(*argv):
        code = main(["run", "--config", str(cfg), *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_cli_all_ok_exit_0_jsonl_rows_carry_their_profile(cli, one_by_one):
    code, out, err = cli("-p", "eu-*", "-o", "jsonl", "--all", QUERY)
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert dict(Counter(r["profile"] for r in rows)) == one_by_one
    assert all(list(r)[0] == "profile" and r["Result"] == "Failed" for r in rows)


def test_cli_partial_failure_exit_3_one_line_per_failed_server(cli, one_by_one):
    code, out, err = cli("--all-profiles", "-o", "csv", "--fields", "Name,Result", "--all", QUERY)
    assert code == 3
    rows = list(csv.DictReader(io.StringIO(out)))
    assert dict(Counter(r["profile"] for r in rows)) == one_by_one
    lines = err.splitlines()
    assert len(lines) == 2 and sorted(line.split(": ")[2] for line in lines) == sorted(FAILING)
    assert all(line.startswith("fel run: error: ") for line in lines) and PASSWORD not in err


def test_cli_table_has_a_profile_first_column_and_merge_sort(cli):
    code, out, err = cli("-p", "eu-1", "-p", "eu-2", "--merge-sort", "--fields", "Name,CreationTime", QUERY + " limit 4")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["profile", "Name", "CreationTime"]
    profiles = [line.split()[0] for line in lines[2:]]
    assert sorted(profiles) == ["eu-1"] * 4 + ["eu-2"] * 4
    stamps = [" ".join(line.split()[-2:]) for line in lines[2:]]
    assert stamps == sorted(stamps, reverse=True)
    assert "more pages exist on eu-1, eu-2" in err


@pytest.mark.parametrize("argv, message", [
    (("-p", "eu-*", "--url", "http://127.0.0.1:9/api/", "Job"), "--url"),
    (("-p", "nowhere-*", "Job"), "no profile matches 'nowhere-*'"),
    (("--all-profiles", "--merge-sort", "Job"), "order by"),
    (("-p", "eu-1", "-p", "eu-2", "--offline", "x.xml", "Job"), "--offline"),
])
def test_cli_usage_errors_exit_2_before_any_request(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and message in err and out == ""
    assert "refused" not in err  # nothing was sent


def test_cli_parallel_must_be_positive(cli):
    with pytest.raises(SystemExit) as info:
        cli("--all-profiles", "--parallel", "0", "Job")
    assert info.value.code == 2


def test_cli_checks_the_query_once_before_any_request(cli):
    code, out, err = cli("--all-profiles", "BackupJobSession where Reslt == Failed")
    assert code == 1 and out == "" and err.count("FEL") >= 1 and "refused" not in err


def test_cli_progress_on_a_terminal_goes_to_stderr_only(cli, monkeypatch, capsys):
    class TtyErr(io.StringIO):
        def isatty(self):
            return True

    fake = TtyErr()
    monkeypatch.setattr("sys.stderr", fake)
    code, out, _ = cli("-p", "eu-*", "-p", "zz-dead", "-o", "jsonl", "Job limit 2")
    assert code == 3 and "servers" not in out
    shown = fake.getvalue()
    assert "servers 4/4 done, 1 failed · 6 rows" in shown and "zz-dead: connection refused" in shown


# -- properties of the engine (stand-in jobs, no network) ----------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

_pages_of_numbers = st.lists(st.lists(st.integers(-50, 50), max_size=6), max_size=5)


def _number_job(name, pages):
    from fel.client.entity import Entity

    def job(emit):
        done = 0
        for page in pages:
            if not emit([Entity({"Name": f"{name}-{v}"}, {"Value": v}) for v in page]):
                break
            done += len(page)
        return ServerResult(name, rows=done, pages=len(pages))
    return job


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _pages_of_numbers, min_size=1),
       st.integers(1, 4), st.booleans())
def test_fanout_keeps_every_row_and_merges_sorted_streams(servers, parallel, descending):
    expected = Counter((name, v) for name, pages in servers.items() for page in pages for v in page)
    plain = FleetResult([(n, _number_job(n, p)) for n, p in servers.items()], parallel=parallel)
    got = [(r.profile, r.get("Value")) for r in plain]
    assert Counter(got) == expected and set(plain.servers) == set(servers) and plain.ok
    for name in servers:  # arrival order keeps each server's own order
        assert [v for p, v in got if p == name] == [v for page in servers[name] for v in page]
    ordered = {n: [sorted(page, reverse=descending) for page in [sorted((v for pg in p for v in pg),
                                                                         reverse=descending)]]
               for n, p in servers.items()}
    merged = FleetResult([(n, _number_job(n, p)) for n, p in ordered.items()], parallel=parallel,
                         merge_key=lambda e: e.get("Value"), merge_reverse=descending)
    values = [(r.profile, r.get("Value")) for r in merged]
    assert Counter(values) == expected
    assert [v for _, v in values] == sorted((v for _, v in values), reverse=descending)


def test_cli_page_cap_and_retries_apply_to_every_server(cli, monkeypatch):
    made = []
    real = fleet_module._make_client

    def recording(server):
        made.append(dict(server.options))
        return real(server)

    monkeypatch.setattr(fleet_module, "_make_client", recording)
    code, out, err = cli("-p", "eu-1", "-p", "eu-2", "--all", "--max-pages", "1", "--retries", "2", "--deadline", "0",
                         "-o", "jsonl", "Job limit 2")
    assert code == 0, err
    assert Counter(json.loads(line)["profile"] for line in out.splitlines()) == {"eu-1": 2, "eu-2": 2}
    assert "page cap stopped the pages of eu-1, eu-2" in err
    assert [(m["max_pages"], m["retries"], m["deadline"]) for m in made] == [(1, 2, None)] * 2


def test_cli_a_glob_in_fel_profile_fans_out(cli, monkeypatch):
    monkeypatch.setenv("FEL_PROFILE", "eu-?")
    code, out, err = cli("-o", "jsonl", "Job limit 1")
    assert code == 0, err
    assert sorted(json.loads(line)["profile"] for line in out.splitlines()) == ["eu-1", "eu-2"]
    code, out, err = cli("-p", "eu-1", "-o", "jsonl", "Job limit 1")  # --profile wins: one server, no profile key
    assert code == 0 and "profile" not in json.loads(out)


def test_cli_an_empty_answer_is_said_naming_the_servers_that_gave_it(cli):
    """A table of no rows prints nothing on stdout: the empty answer is said on stderr."""
    code, out, err = cli("-p", "eu-1", "-p", "eu-2", 'Job where Name == "no such job"')
    assert code == 0 and out == ""
    assert "fel run: no Job matches the query on eu-1, eu-2 (0 rows)" in err
    code, out, err = cli("-p", "eu-1", "-p", "us-down", "-o", "csv", 'Job where Name == "no such job"')
    assert code == 3 and "no Job matches the query on eu-1 (0 rows)" in err and "us-down" in err
    code, out, err = cli("-p", "eu-1", "-p", "eu-2", "Job limit 1")
    assert code == 0 and out and "0 rows" not in err
