"""The client against fel's emulator (in-process, port 0): logon/logout, every doc example,
XML = JSON, long paging, faults (errors, dropped connections, expiring sessions), TLS."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone
from pathlib import Path

import pytest

import fel
from fel.client import Client
from fel.client.errors import AuthFailed, QueryRejected, TlsFailed
from fel.diagnostics import FelError
from fel.emulator import Emulator

DOC_QUERIES = Path(__file__).parent.parent / "fixtures" / "shared" / "doc-queries-13.txt"
NOW = datetime(2025, 8, 16, 12, 0, tzinfo=timezone.utc)


def doc_queries() -> list[str]:
    lines = DOC_QUERIES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def servers():
    """Three emulators over one dataset: XML/PascalCase JSON, camelCase JSON with BOM, v12 links."""
    with Emulator(seed=1, now=NOW) as a, Emulator(seed=1, now=NOW, json_case="camel", bom=True) as b, \
            Emulator(seed=1, now=NOW, link_style="v12") as c:
        yield {"pascal": a, "camel": b, "v12": c}


def client(em: Emulator, **kw) -> Client:
    user, password = em.credentials
    return Client(em.url, user, password, **kw)


def test_logon_and_logout(servers):
    em = servers["pascal"]
    before = len(em.app.sessions)
    c = client(em)
    info = c.logon()
    assert len(em.app.sessions) == before + 1
    assert info.user_name.endswith("\\demo") and em.app.sessions.by_id(info.session_id) is not None
    c.close()
    assert len(em.app.sessions) == before and em.app.sessions.by_id(info.session_id) is None


def test_wrong_password_against_the_emulator(servers):
    em = servers["pascal"]
    with pytest.raises(AuthFailed, match="wrong user name or password"):
        Client(em.url, "demo", "not-the-password").logon()


@pytest.fixture(scope="module")
def clients(servers):
    made = {"xml": client(servers["pascal"]), "json": client(servers["pascal"], wire="json"),
            "camel": client(servers["camel"], wire="json"), "v12": client(servers["v12"])}
    yield made
    for c in made.values():
        c.close()


def portable(entities, c: Client) -> list[str]:
    """Entities as JSON with the server's own origin blanked (each emulator has its port)."""
    import json

    origin = c.base[: -len("/api/")]
    return [json.dumps(e.to_dict(links=True)).replace(origin, "ORIGIN") for e in entities]


VALID = [q for q in doc_queries() if not any(d.is_error for d in fel.check(q))]
INVALID = [q for q in doc_queries() if q not in VALID]


@pytest.mark.parametrize("query", VALID)
def test_every_doc_example_runs_and_xml_equals_json(clients, query):
    compiled = fel.compile_query(query)
    qtype = fel.load_schema().type(compiled.type)
    results = {}
    for name, c in clients.items():
        stream = c.query(query, warn=False)
        results[name] = list(stream)
        assert stream.pages_fetched == 1
    xml = results["xml"]
    assert results["json"] == xml  # same server, other wire format: equal entity lists
    for other in ("camel", "v12"):  # other servers (ports) over the same data
        assert portable(results[other], clients[other]) == portable(xml, clients["xml"])
    if compiled.format == "References" and qtype.reference_type:  # the client asks for Entities otherwise
        expected_kind = "reference"
    else:  # types without references (Task...) answer with their resources in any format
        expected_kind = "resource" if qtype.result_container == "Resources" else "entity"
    assert all(e.kind == expected_kind for e in xml)
    assert len({e.type for e in xml}) <= 1
    if compiled.page_size is not None:
        assert len(xml) <= compiled.page_size


@pytest.mark.parametrize("query", INVALID)
def test_doc_examples_with_known_defects_are_refused_before_sending(clients, query):
    c = clients["xml"]
    with pytest.raises(FelError):
        c.query(query)


def test_a_long_fetch_returns_every_entity_exactly_once(servers, clients):
    em = servers["pascal"]
    total = em.dataset.count("BackupJobSession")
    stream = clients["xml"].query("type=BackupJobSession&format=Entities&sortAsc=CreationTime&pageSize=50", all=True)
    uids = [e.uid for e in stream]
    assert stream.pages_fetched >= 50 and stream.pages_fetched == stream.pages_count
    assert len(uids) == total and len(set(uids)) == total
    json_uids = [e.uid for e in clients["camel"].query("type=BackupJobSession&format=References&sortAsc=CreationTime&pageSize=50", all=True)]
    assert json_uids == uids


@pytest.mark.parametrize("follow_links", [True, False])
def test_limit_across_pages(servers, follow_links):
    with client(servers["v12"], follow_links=follow_links) as c:
        got = list(c.query("BackupJobSession where Result == Failed order by CreationTime desc limit 7 format entities", limit=30))
    assert len(got) == 30 and len({e.uid for e in got}) == 30
    times = [e["CreationTimeUTC"] for e in got]
    assert times == sorted(times, reverse=True) and all(e["Result"] == "Failed" for e in got)


def test_a_query_without_pagesize_is_flagged_as_truncated(clients):
    with pytest.warns(fel.client.TruncatedResultWarning):
        stream = clients["xml"].query("type=BackupJobSession")
        assert len(list(stream)) == 100
    assert stream.truncated and stream.more


def test_a_query_the_server_rejects(clients):
    url = clients["xml"].base + "query?type=BackupJobSession&filter=Nope==1"
    with pytest.raises(QueryRejected) as info:
        clients["xml"].get_page(url)
    assert info.value.status == 400 and "Nope" in info.value.server_message and info.value.exit_code == 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("wire", ["xml", "json"])
def test_faults_lose_and_duplicate_nothing(wire):
    clock = Clock()
    with Emulator(seed=7, now=NOW, error_rate=0.3, session_idle=2) as em:
        em.app.sessions.clock = clock
        expected = em.dataset.count("BackupJobSession")

        def idle_now_and_then(stream, page):
            if page.page_num % 9 == 0:
                clock.now += 3  # longer than session_idle: the next call meets a dead session

        user, password = em.credentials
        with Client(em.url, user, password, wire=wire, retries=10, backoff=0.001, backoff_max=0.002) as c:
            stream = c.query("type=BackupJobSession&format=Entities&pageSize=60", all=True, on_page=idle_now_and_then)
            uids = [e.uid for e in stream]
            logons = c.logons
            sent = c.transport.attempts
    assert len(uids) == expected and len(set(uids)) == expected
    assert stream.pages_fetched >= 50
    assert logons >= 6  # sessions did expire and were renewed
    # without faults: one GET per page, one POST per logon, one refused GET per re-logon
    assert sent > stream.pages_fetched + 2 * logons - 1 + 10


def test_tls_emulator_with_its_ca_and_without(tmp_path):
    with Emulator(seed=1, now=NOW, tls=True) as em:
        user, password = em.credentials
        with Client(em.url, user, password, ca_bundle=em.ca_file) as c:
            assert len(list(c.query("type=BackupServer"))) >= 1
        with pytest.raises(TlsFailed, match="not trusted"):
            Client(em.url, user, password, retries=0).logon()


def test_offline_results_match_the_server(servers, clients, tmp_path):
    """A saved XML page evaluated offline gives what the emulator gives for the same query."""
    from fel.client.offline import load_saved, run_offline

    saved = tmp_path / "sessions.xml"
    reply = clients["xml"].request("GET", "query?type=BackupJobSession&format=Entities&pageSize=5000")
    saved.write_bytes(reply.body)
    page = load_saved(saved)
    for query in ("BackupJobSession where Result == Failed and JobName == \"Exchange Backup\" order by CreationTime desc",
                  "BackupJobSession where State != Stopped or IsRetry == true order by Name limit 20",
                  "type=BackupJobSession&filter=CreationTime>=\"2025-08-10T00:00:00Z\";Result>Success&sortAsc=EndTime&pageSize=15&page=2"):
        compiled = fel.compile_query(query, now=NOW)
        offline = run_offline(page.entities, compiled)
        online = list(clients["xml"].query(compiled, format="Entities", all=compiled.page_size is None, warn=False))
        assert [e.uid for e in offline.entities] == [e.uid for e in online], query


def test_iteration_is_lazy_against_a_server(servers):
    with client(servers["pascal"]) as c:
        stream = c.query("type=BackupJobSession&pageSize=10", all=True)
        first = list(itertools.islice(stream, 15))
        assert len(first) == 15 and stream.pages_fetched == 2
