"""The REPL fanning out: ``\\connect`` with several profiles or globs, rows with a profile
column, one line per failed server, and the toolbar's server count — against in-process
emulators and one dead port."""
from __future__ import annotations

import io
import json
import re
import socket

import pytest

from fel.client import Client
from fel.client import fleet as fleet_module
from fel.repl.app import Shell
from fel.repl.fanout import is_fleet_request
from fel.repl.toolbar import Status, toolbar_fragments

PASSWORD = "repl-fleet-pw"
FAST = {"retries": 1, "backoff": 0.001, "backoff_max": 0.01}


@pytest.fixture(scope="module")
def urls():
    from fel.emulator import Emulator

    ems = {"eu-1": Emulator(seed=1, users={"ops": PASSWORD}),
           "eu-2": Emulator(seed=2, users={"ops": PASSWORD}, latency_ms=10)}
    for em in ems.values():
        em.start()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    s.close()
    found = {name: em.url for name, em in ems.items()}
    found["eu-dead"] = f"http://127.0.0.1:{dead}/api/"
    yield found
    for em in ems.values():
        em.stop()


@pytest.fixture
def shell(urls, tmp_path, monkeypatch):
    (tmp_path / "fel").mkdir()
    lines = []
    for name, url in urls.items():
        lines += [f"[profiles.{name}]", f'url = "{url}"', 'user = "ops"', 'password_env = "REPL_FLEET_PW"', ""]
    (tmp_path / "fel" / "config.toml").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("FEL_CONFIG", raising=False)
    monkeypatch.setenv("REPL_FLEET_PW", PASSWORD)
    monkeypatch.setattr(fleet_module, "_make_client",
                        lambda s: Client(s.url, s.user, s.password, **{**dict(s.options), **FAST}))
    sh = Shell(out=io.StringIO(), color=False, width=lambda: 200)
    yield sh
    sh.close()


def _lines(sh: Shell) -> list[str]:
    return sh.out.getvalue().splitlines()


def test_connect_with_a_glob_fans_out_and_the_table_has_a_profile_column(shell, urls):
    shell.execute("\\connect eu-*")
    out = shell.out.getvalue()
    assert "not connected: eu-dead: connection refused" in out
    assert "connected to 2 of 3 servers (eu-1, eu-2)" in out
    assert shell.connection_label == "2 of 3 servers"
    shell.out.seek(0)
    shell.out.truncate()
    shell.execute("Repository limit 2")
    lines = _lines(shell)
    assert lines[0].startswith("eu-dead: connection refused")          # the failed server, one line
    header = [c.strip() for c in lines[1].split("|")]
    assert header[0] == "profile" and "Name" in header
    rows = [line.split("|")[0].strip() for line in lines[3:7]]
    assert sorted(rows) == ["eu-1", "eu-1", "eu-2", "eu-2"]
    assert lines[7].startswith("(4 rows from 2 of 3 servers, page 1 of ")
    # the same rows, one server at a time
    for name in ("eu-1", "eu-2"):
        with Client(urls[name], "ops", PASSWORD) as client:
            names = [e.name for e in client.query("Repository limit 2")]
        assert [line.split("|")[1].strip() for line in lines[3:7] if line.startswith(f" {name} ")] == names


def test_json_rows_carry_the_profile_and_all_pages_fan_out(shell, urls):
    shell.execute("\\connect eu-1 eu-2")                  # two profile names: a fan-out, not URL USER
    assert shell.connection_label == "2 servers"
    shell.settings.format = "json"
    shell.execute("Repository limit 3")
    text = shell.out.getvalue()
    records = json.loads(text[text.index("["):text.rindex("]") + 1])
    assert [r["profile"] for r in records].count("eu-1") == 3 and list(records[0])[0] == "profile"
    shell.settings.format = "table"
    shell.execute("\\all")
    expected = 0
    for name in ("eu-1", "eu-2"):
        with Client(urls[name], "ops", PASSWORD) as client:
            expected += len(client.query("Repository", all=True).list())
    assert f"({expected} rows from 2 servers, " in shell.out.getvalue()


def test_toolbar_shows_how_many_servers_are_connected(shell):
    shell.execute("\\connect eu-?")
    frags = toolbar_fragments(Status("empty"), width=120, connection=shell.connection_label, mode="table")
    assert "2 servers" in "".join(text for _, text in frags)
    shell.close()
    assert shell.connection_label == "not connected"


def test_no_server_answering_is_an_error_and_keeps_the_old_connection(shell):
    shell.execute("\\connect eu-1 eu-2")
    shell.execute("\\connect eu-dead*")
    assert "could not connect: none of the 1 servers answered the logon: eu-dead: " in shell.out.getvalue()
    assert shell.connection_label == "2 servers"


@pytest.mark.parametrize("words, fleet", [
    (["eu-*"], True),
    (["eu-1", "eu-2"], True),
    (["eu-1"], False),                                    # one profile: a plain connection
    (["em.example.com", "ops"], False),                   # URL USER
    (["https://em:9398/api/", "ops"], False),
    (["https://em/api/query?type=Job", "ops", "pa*ss"], False),  # a URL: never globbed
])
def test_what_connect_arguments_mean(shell, words, fleet):
    assert is_fleet_request(words) is fleet


def test_a_password_after_a_url_is_still_refused(shell, urls):
    shell.execute(f"\\connect {urls['eu-1']} ops {PASSWORD}")
    assert "never a password" in shell.out.getvalue()


def test_fel_repl_profile_glob_fans_out_in_batch_mode(shell, monkeypatch, capsys):
    from fel.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("Repository limit 1\n"))
    code = main(["repl", "--profile", "eu-*"])
    out = capsys.readouterr().out
    assert code == 1  # eu-dead's failure is an error line, so the batch exits 1
    assert "eu-dead: connection refused" in out and "(2 rows from 2 of 3 servers" in out
    assert sorted(line.split("|")[0].strip() for line in out.splitlines() if line.startswith(" eu-")) == ["eu-1", "eu-2"]
    monkeypatch.setattr("sys.stdin", io.StringIO("Repository limit 1\n"))
    assert main(["repl", "--profile", "nowhere-*"]) == 2
    assert "no profile matches 'nowhere-*'" in capsys.readouterr().err


def test_url_shows_the_request_each_server_gets(shell, urls):
    shell.execute("\\connect eu-1 eu-2")
    shell.out.seek(0)
    shell.out.truncate()
    shell.execute("\\url Job where Platform == VMware limit 3")
    query = "query?type=Job&format=Entities&filter=Platform%3D%3DVMware&pageSize=3&page=1"
    assert _lines(shell) == [f"{name}: {urls[name]}{query}" for name in ("eu-1", "eu-2")]


def test_all_draws_the_fleet_progress_on_stderr_only(shell, urls, capsys):
    shell.execute("\\connect eu-1 eu-2")
    shell.execute("Repository limit 1")
    capsys.readouterr()
    shell.out.seek(0)
    shell.out.truncate()
    shell.execute("\\all")
    err = capsys.readouterr().err
    expected = 0
    for name in ("eu-1", "eu-2"):
        with Client(urls[name], "ops", PASSWORD) as client:
            expected += len(client.query("Repository", all=True).list())
    drawn = [part for part in err.split("\r") if part.strip()]
    assert drawn and all(re.fullmatch(r"\[[█·]{30}\] servers [0-2]/2 done · [\d,]+ rows", line) for line in drawn)
    assert drawn[-1] == f"[{'█' * 30}] servers 2/2 done · {expected:,} rows"  # the last line drawn: all done
    assert err.endswith("\r") and err.split("\r")[-2].strip() == ""           # then cleared
    assert "servers 2/2 done" not in shell.out.getvalue()                     # stderr only
    assert f"({expected} rows from 2 servers, " in shell.out.getvalue()


def test_fleet_status_counts_failed_servers():
    from types import SimpleNamespace

    from fel.repl.fanout import fleet_status

    result = SimpleNamespace(server_count=4, done=3, failures=["eu-dead: connection refused"], rows=12345)
    assert fleet_status(result, width=8) == "[██████··] servers 3/4 done, 1 failed · 12,345 rows"


def test_a_closed_progress_bar_stops_the_fan_out_for_good():
    """What Ctrl-C during a fan-out ``\\all`` does: the shell closes the bar (as for one
    server); the fetch still running in its worker raises at its next page, and every
    server's job is stopped instead of fetching its remaining pages. Event-driven, no sleeps."""
    import threading

    from fel.client.entity import Entity
    from fel.client.fanout import FleetResult, ServerResult
    from fel.repl.fanout import FleetSession
    from fel.repl.results import Progress, ProgressClosed

    names = ("eu-1", "eu-2")
    gate, drawn = threading.Event(), threading.Event()
    emitted = {name: 0 for name in names}
    stopped: list[str] = []

    def job(name):
        def run(emit):
            for i in range(100):
                if i == 1:
                    gate.wait(20)  # the rest of the pages come after the bar is closed
                if not emit([Entity({"Name": f"{name}-{i}", "Type": "Job"}, {})]):
                    stopped.append(name)
                    return ServerResult(name, rows=i)
                emitted[name] += 1
            return ServerResult(name, rows=100)
        return run

    class FakeFleet:
        def query(self, compiled, **_):
            return FleetResult([(n, job(n)) for n in names], parallel=2)

    buf = io.StringIO()
    bar = Progress(buf)

    def update(result, event):
        bar.update(result, event)
        drawn.set()

    stream = FleetSession(FakeFleet()).query(None, all=True, on_page=update)
    box = {}

    def fetch():
        try:
            box["rows"] = list(stream)
        except BaseException as exc:  # noqa: BLE001 - inspected below
            box["error"] = exc

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    assert drawn.wait(20) and "servers 0/2 done · 1 rows" in buf.getvalue()
    bar.done()                                          # what Ctrl-C does (on_cancel)
    shown = buf.getvalue()
    gate.set()
    worker.join(20)
    for thread in stream._threads:                     # the fan-out's workers
        thread.join(20)
    assert not worker.is_alive() and isinstance(box.get("error"), ProgressClosed)
    assert buf.getvalue() == shown                      # nothing drawn after the bar was closed
    assert sorted(stopped) == list(names)               # every server's job was told to stop …
    assert all(n < 100 for n in emitted.values())       # … long before its last page


@pytest.mark.parametrize("argv, servers, code", [
    (["--profile", "eu-1", "--profile", "eu-2"], "2 servers", 0),            # repeated, as for `fel run`
    (["-p", "eu-1", "-p", "eu-?"], "2 servers", 0),                          # a name and a glob, selected once each
    (["--profile", "eu-1", "--profile", "eu-*"], "2 of 3 servers", 1),       # eu-dead's error line: exit 1
])
def test_fel_repl_profile_is_repeatable(shell, monkeypatch, capsys, argv, servers, code):
    from fel.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("Repository limit 1\n"))
    assert main(["repl", *argv]) == code
    out = capsys.readouterr().out
    assert f"(2 rows from {servers}" in out
    assert sorted(line.split("|")[0].strip() for line in out.splitlines() if line.startswith(" eu-")) == ["eu-1", "eu-2"]


def test_fel_repl_one_profile_is_one_server_and_several_refuse_url(shell, urls, monkeypatch, capsys):
    from fel.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("Repository limit 1\n"))
    assert main(["repl", "--profile", "eu-1"]) == 0
    out = capsys.readouterr().out
    assert "(1 row" in out and " profile " not in out                    # no fan-out, no profile column
    monkeypatch.setattr("sys.stdin", io.StringIO("Repository limit 1\n"))
    assert main(["repl", "--profile", "eu-1", "--profile", "eu-2", "--url", urls["eu-1"]]) == 2
    assert "--url names one server" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("Repository limit 1\n"))
    assert main(["repl", "--profile", "eu-1", "--profile", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err
