"""``fel run``: validation, output formats, offline mode, exit codes, and no secret anywhere."""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fel.cli import main
from fel.emulator import Emulator

from client_kit import FIXTURES, MiniEM, Resp, error_xml

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 8, 16, 12, 0, tzinfo=timezone.utc)
SESSIONS_131 = str(FIXTURES / "query-entities-backupjobsession-13.1.xml")
SESSIONS_95 = str(FIXTURES / "query-entities-backupjobsession-9.5u4.json")
PASSWORD = "Tr0ub4dor&3-not-in-logs"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def em():
    with Emulator(seed=1, now=NOW, users={"auditor": PASSWORD}) as server:
        yield server


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("FEL_TEST_PW", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no stray user config
    monkeypatch.delenv("FEL_PROFILE", raising=False)
    monkeypatch.delenv("FEL_CONFIG", raising=False)
    return tmp_path


# -- offline ---------------------------------------------------------------------------------
def test_offline_filters_sorts_and_prints_jsonl(capsys, env):
    code, out, err = run(capsys, "run", "--offline", SESSIONS_131, "-o", "jsonl",
                         "BackupJobSession where Result in (Failed, Success) order by CreationTime")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["Name"] for r in rows] == ["Backup Job 2@2025-08-15 20:00:24.003406",
                                         "Periodic Backup Copy Job\\Backup Job 1@2025-08-16 05:17:38.22142"]
    assert list(rows[0])[:4] == ["UID", "Name", "Type", "Href"]
    assert rows[1]["CreationTimeUTC"] == "2025-08-16T05:17:38.22142Z" and rows[1]["IsRetry"] is True


@pytest.mark.parametrize("query, names", [
    ("BackupJobSession where Result == Failed", ["Periodic Backup Copy Job\\Backup Job 1@2025-08-16 05:17:38.22142"]),
    ("type=BackupJobSession&filter=JobName==\"Backup Job 2\"", ["Backup Job 2@2025-08-15 20:00:24.003406"]),
    ("BackupJobSession where CreationTime > \"2025-08-16T00:00:00Z\"", ["Periodic Backup Copy Job\\Backup Job 1@2025-08-16 05:17:38.22142"]),
    ("BackupJobSession where BackupServerName == \"enterprisevbr01.tech.local\" order by Name desc limit 1",
     ["Periodic Backup Copy Job\\Backup Job 1@2025-08-16 05:17:38.22142"]),
    ("BackupJobSession where Result == Warning", []),
])
def test_offline_golden(capsys, env, query, names):
    code, out, err = run(capsys, "run", "--offline", SESSIONS_131, "-o", "json", query)
    assert code == 0, err
    assert [r["Name"] for r in json.loads(out)] == names


def test_offline_json_file_csv_and_fields(capsys, env):
    code, out, err = run(capsys, "run", "--offline", SESSIONS_95, "-o", "csv", "--fields",
                         "Name,CreationTime,Result,link:Up:BackupServerReference@Name", "type=BackupJobSession")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["Name", "CreationTime", "Result", "link:Up:BackupServerReference@Name"],
                    ["Vrfpoller Servers ECS_Ter@2019-07-01 04:00:16", "2019-07-01T04:00:16Z", "Failed", "192.168.16.21"]]


def test_offline_table(capsys, env):
    code, out, _ = run(capsys, "run", "--offline", SESSIONS_131, "--fields", "JobName,Result", "BackupJobSession")
    assert code == 0
    assert out.splitlines() == [
        "JobName                                Result",
        "-------------------------------------  -------",
        "Periodic Backup Copy Job\\Backup Job 1  Failed",
        "Backup Job 2                           Success",
    ]


def test_offline_notes_entities_of_another_type(capsys, env):
    code, out, err = run(capsys, "run", "--offline", SESSIONS_131, "-o", "jsonl", "Job")
    assert code == 0 and out == "" and "2 saved entities of another type than Job left out" in err


@pytest.mark.parametrize("body, words", [
    (b"<!DOCTYPE x [<!ENTITY a 'b'>]><QueryResult/>", "DOCTYPE"),
    (b"{\"Refs\": ", "malformed JSON"),
    (b"garbage, not a saved result\n", "neither XML nor JSON"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "neither XML nor JSON"),
])
def test_offline_bad_files(capsys, env, tmp_path, body, words):
    f = tmp_path / "saved"
    f.write_bytes(body)
    code, _, err = run(capsys, "run", "--offline", str(f), "Job")
    assert code == 2 and words in err and "Traceback" not in err and str(f) in err  # usage, as docs/client.md says


def test_offline_missing_file(capsys, env, tmp_path):
    code, _, err = run(capsys, "run", "--offline", str(tmp_path / "nope.xml"), "Job")
    assert code == 2 and "cannot read" in err


# -- validation and usage --------------------------------------------------------------------
def test_errors_in_the_query_are_shown_and_nothing_is_sent(capsys, env, em):
    code, out, err = run(capsys, "run", "--url", em.url, "--user", "auditor", "--password-env", "FEL_TEST_PW",
                         "Job where Platfrom == VMware")
    assert code == 1 and out == ""
    assert "FEL101" in err and "Platform" in err and "^" in err
    assert len(em.app.sessions) == 0


@pytest.mark.parametrize("argv, words", [
    (["Job"], "no server"),
    (["--url", "https://em:9398", "Job"], "no user name"),
    (["--url", "https://em:9398", "--user", "u", "--password-env", "FEL_NOT_SET", "Job"], "FEL_NOT_SET"),
    (["--profile", "nope", "Job"], "no profile 'nope'"),
    (["--url", "ftp://em", "--user", "u", "Job"], "not an http(s) URL"),
    (["--url", "not a url", "--user", "u", "--password-env", "FEL_TEST_PW", "Job"], "not a valid host name"),
    (["--url", "https://[:9398/api/", "--user", "u", "--password-env", "FEL_TEST_PW", "Job"], "Invalid IPv6"),
    (["--url", "https://em:9398", "--user", "u", "--password-env", "FEL_TEST_PW", "--ca-bundle", "/nonexistent/ca.pem",
      "Job"], "/nonexistent/ca.pem: no such file"),
])
def test_configuration_problems_exit_2(capsys, env, argv, words):
    code, out, err = run(capsys, "run", *argv)
    assert code == 2 and words in err and out == ""


def test_all_and_limit_are_exclusive(capsys, env):
    with pytest.raises(SystemExit) as info:
        main(["run", "--all", "--limit", "3", "Job"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_connection_problems_exit_3(capsys, env):
    code, _, err = run(capsys, "run", "--url", "http://127.0.0.1:9/api/", "--user", "u", "--password-env",
                       "FEL_TEST_PW", "Job")
    assert code == 3 and err.count("\n") == 1 and "connection refused by 127.0.0.1:9" in err


def test_a_query_the_server_refuses_exits_1(capsys, env, serve):
    mini = MiniEM(password=PASSWORD)

    def app(req):
        if req.route == "/api/query":
            return Resp(400, error_xml("Unknown filter field", 400))
        return mini(req)

    server = serve(app)
    code, _, err = run(capsys, "run", "--url", server.url, "--user", "alice", "--password-env", "FEL_TEST_PW", "Job")
    assert code == 1 and "HTTP 400: Unknown filter field" in err


# -- against the emulator --------------------------------------------------------------------
def live(em, *argv: str) -> list[str]:
    return ["run", "--url", em.url, "--user", "auditor", "--password-env", "FEL_TEST_PW", *argv]


def test_live_jsonl_all_pages(capsys, env, em):
    code, out, err = run(capsys, *live(em, "--all", "-o", "jsonl", "BackupJobSession where Result == Failed limit 40"))
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    expected = len([e for e in em.dataset.entities("BackupJobSession") if e.fields.get("Result") == "Failed"])
    assert len(rows) == expected > 40 and len({r["UID"] for r in rows}) == expected
    assert all(r["Result"] == "Failed" and r["Type"] == "BackupJobSession" for r in rows)
    assert len(em.app.sessions) == 0  # logged out


def test_live_truncation_is_reported(capsys, env, em):
    code, out, err = run(capsys, *live(em, "-o", "jsonl", "type=BackupJobSession&format=Entities"))
    assert code == 0 and len(out.splitlines()) == 100
    assert "no pageSize" in err and "--all" in err


def test_live_limit_and_page(capsys, env, em):
    code, out, _ = run(capsys, *live(em, "--limit", "7", "-o", "jsonl", "BackupJobSession order by CreationTime limit 3"))
    assert code == 0 and len(out.splitlines()) == 7
    code, out2, err = run(capsys, *live(em, "--page", "2", "-o", "jsonl", "BackupJobSession order by CreationTime limit 3"))
    assert code == 0 and out2.splitlines() == out.splitlines()[3:6]
    assert "more pages exist" in err


def test_live_references_when_asked(capsys, env, em):
    code, out, _ = run(capsys, *live(em, "--format", "references", "-o", "json", "BackupServer limit 2"))
    rows = json.loads(out)
    assert code == 0 and len(rows) == 2 and all(r["Type"] == "BackupServerReference" for r in rows)


def test_a_full_url_names_the_server_when_nothing_else_does(capsys, env, em):
    url = em.url + "query?type=BackupServer&format=Entities&pageSize=2"
    code, out, err = run(capsys, "run", "--user", "auditor", "--password-env", "FEL_TEST_PW", "-o", "jsonl", url)
    assert code == 0, err
    assert len(out.splitlines()) == 2


def test_profile_from_the_config_file(capsys, env, em):
    cfg = env / "fel" / "config.toml"
    cfg.parent.mkdir()
    cfg.write_text(f'default_profile = "lab"\n[profiles.lab]\nurl = "{em.url}"\nuser = "auditor"\n'
                   'password_env = "FEL_TEST_PW"\noutput = "csv"\nwire = "json"\n', encoding="utf-8")
    code, out, err = run(capsys, "run", "--fields", "Name,Version", "BackupServer limit 2")
    assert code == 0, err
    assert out.splitlines()[0] == "Name,Version" and len(out.splitlines()) == 3


# -- secrets ---------------------------------------------------------------------------------
def secret_forms(secret: str) -> set[str]:
    from urllib.parse import quote, quote_plus
    import base64

    return {secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(secret.encode()).decode()}


def test_no_secret_in_output_logs_errors_or_argv(env, em):
    tokens: list[str] = []
    create = em.app.sessions.create

    def recording_create(user):
        session = create(user)
        tokens.append(session.token)
        return session

    em.app.sessions.create = recording_create
    try:
        runs = []
        environ = {**os.environ, "FEL_TEST_PW": PASSWORD, "XDG_CONFIG_HOME": str(env),
                   "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        for extra in (["--all", "-o", "jsonl", "BackupJobSession where Result == Failed limit 50"],
                      ["--insecure", "-o", "json", "BackupServer"],
                      ["--page", "999", "Job limit 5"]):
            cmd = [sys.executable, "-m", "fel", *live(em, "--verbose", *extra)]
            assert not any(form in " ".join(cmd) for form in secret_forms(PASSWORD))
            proc = subprocess.run(cmd, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=120)
            runs.append(proc)
        # a failing logon: its error message must not carry the password either
        bad = {**environ, "FEL_TEST_PW": PASSWORD + "-wrong"}
        runs.append(subprocess.run([sys.executable, "-m", "fel", *live(em, "--verbose", "Job")], capture_output=True,
                                   text=True, env=bad, cwd=ROOT, timeout=120))
    finally:
        em.app.sessions.create = create
    assert [p.returncode for p in runs] == [0, 0, 2, 3]  # --page 999 is past the end: a usage error
    assert "DEBUG" in runs[0].stderr or "fel.client" in runs[0].stderr  # logging really was on
    assert "GET " in runs[0].stderr and "/api/query?" in runs[0].stderr
    assert len(tokens) == 3
    captured = "\n".join(p.stdout + p.stderr for p in runs)
    for secret in [PASSWORD, PASSWORD + "-wrong", *tokens]:
        for form in secret_forms(secret):
            assert form not in captured, "a secret leaked into the output"


def test_no_secret_in_log_records_or_exceptions(caplog, em):
    from fel.client import Client
    from fel.client.errors import ApiError

    caplog.set_level(logging.DEBUG)
    texts = []
    with Client(em.url, "auditor", PASSWORD) as c:
        list(c.query("type=BackupServer&pageSize=1", all=True))
        token = c._token
        try:
            c.get("backupServers/00000000-0000-0000-0000-000000000000")
        except ApiError as exc:
            texts += [str(exc), repr(exc), repr(exc.request), exc.server_message]
    try:
        Client(em.url, "auditor", PASSWORD + "x").logon()
    except ApiError as exc:
        texts += [str(exc), repr(exc.request)]
    records = [r.getMessage() for r in caplog.records]
    assert any("/api/query?" in m for m in records)
    blob = "\n".join(records + texts)
    assert len(texts) == 6
    for secret in (PASSWORD, PASSWORD + "x", token):
        for form in secret_forms(secret):
            assert form not in blob


def test_progress_bar_only_on_a_terminal(env, em):
    import pexpect

    environ = {**os.environ, "FEL_TEST_PW": PASSWORD, "XDG_CONFIG_HOME": str(env),
               "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    args = ["-m", "fel", *live(em, "--all", "-o", "jsonl", "BackupJobSession limit 500")]
    child = pexpect.spawn(sys.executable, args, env=environ, cwd=str(ROOT), timeout=60, encoding="utf-8")
    child.expect(r"page \d+/\d+")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    piped = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=environ, cwd=ROOT, timeout=60)
    assert piped.returncode == 0 and "page " not in piped.stderr and len(piped.stdout.splitlines()) > 500


# -- output and messages ---------------------------------------------------------------------
def _jobs_xml(names: list[str]) -> bytes:
    from xml.sax.saxutils import quoteattr

    jobs = "".join(
        f'<Job Href="https://em:9398/api/jobs/{i}" Type="Job" Name={quoteattr(n)} UID="urn:veeam:Job:{i:08d}-0000-0000-0000-000000000000">'
        f"<JobType>Backup</JobType><Platform>VMware</Platform></Job>" for i, n in enumerate(names))
    return ('<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><Jobs>' + jobs
            + "</Jobs></Entities></QueryResult>").encode("utf-8")


def test_table_aligns_wide_characters_as_the_repl_does(capsys, env, tmp_path):
    from fel.client.output import display_width

    saved = tmp_path / "jobs.xml"
    saved.write_bytes(_jobs_xml(["バックアップ 東京", "Backup Job 2", "Sauvegarde e\u0301te\u0301"]))
    code, out, err = run(capsys, "run", "--offline", str(saved), "--fields", "Name,Platform", "Job")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[2].startswith("バックアップ 東京")
    # every row's second column starts at the same terminal column
    starts = {display_width(line[: line.index(word)]) for line, word in zip(lines, ["Platform", "--", "VMware", "VMware", "VMware"])
              if word != "--"}
    assert len(starts) == 1 and starts == {display_width("バックアップ 東京") + 2}


def test_unknown_fields_are_named_with_did_you_mean(capsys, env):
    code, out, err = run(capsys, "run", "--offline", SESSIONS_131, "--fields", "Nope,Name,Reslt,CreationTime",
                         "BackupJobSession")
    assert code == 0
    assert "--fields: Nope is not a field of BackupJobSession" in err and "fel schema BackupJobSession" in err
    assert "--fields: Reslt is not a field of BackupJobSession; its column stays empty — did you mean Result?" in err
    assert "CreationTime" not in err and "Name is not" not in err
    assert out.splitlines()[0].split() == ["Nope", "Name", "Reslt", "CreationTime"]
    assert "2025-08-16 05:17:38" in out  # CreationTime found as CreationTimeUTC


def test_known_fields_give_no_warning(capsys, env):
    code, _, err = run(capsys, "run", "--offline", SESSIONS_131, "--fields",
                       "@UID,JobName,creationtimeutc,link:Up:BackupServerReference@Name,BackupServerName",
                       "BackupJobSession")
    assert code == 0 and err == ""


@pytest.mark.parametrize("argv, code, words", [
    (["--page", "2", "BackupJobSession limit 1"], 0, None),
    (["--page", "3", "BackupJobSession limit 1"], 2, "--page 3 is past the end: the result has 2 pages of 1"),
    (["BackupJobSession limit 1 page 9"], 1, "page 9 of the query is past the end"),
    (["--page", "2", "BackupJobSession"], 2, "--page 2 is past the end: the result has 1 page of 100"),
])
def test_offline_page_past_the_end_is_said(capsys, env, argv, code, words):
    got, out, err = run(capsys, "run", "--offline", SESSIONS_131, "-o", "jsonl", *argv)
    assert got == code, err
    if words is None:
        assert len(out.splitlines()) == 1 and err == ""
    else:
        assert out == "" and words in err


def test_live_page_past_the_end_is_said(capsys, env, em):
    code, out, err = run(capsys, *live(em, "--page", "99999", "-o", "jsonl", "BackupJobSession limit 3"))
    assert code == 2 and out == "" and "--page 99999 is past the end" in err and "pages of 3" in err
    code, out, err = run(capsys, *live(em, "-o", "jsonl", "BackupJobSession limit 3 page 99999"))
    assert code == 1 and out == "" and "page 99999 of the query is past the end" in err
    code, out, err = run(capsys, *live(em, "--page", "2", "-o", "jsonl", "BackupJobSession limit 3"))
    assert code == 0 and len(out.splitlines()) == 3


@pytest.mark.parametrize("output", ["table", "csv", "jsonl", "json"])
def test_live_empty_result_is_said(capsys, env, em, output):
    """An empty answer is never silent: a table or CSV of no rows prints nothing on stdout."""
    code, out, err = run(capsys, *live(em, "-o", output, 'Job where Name == "no such job" limit 5'))
    assert code == 0
    assert out.strip() in ("", "[]")
    assert "no Job matches the query (0 rows)" in err
    code, out, err = run(capsys, *live(em, "-o", output, "Job limit 1"))
    assert code == 0 and out.strip() not in ("", "[]") and "0 rows" not in err


@pytest.mark.parametrize("argv", [
    ["run", "--url", "http://127.0.0.1:9/api/", "--user", "u", "--password", "S3cr3t-xyz", "Job"],
    ["run", "--url", "http://127.0.0.1:9/api/", "--user", "u", "--pass", "S3cr3t-xyz", "Job"],
    ["lookup", "--url", "http://127.0.0.1:9/api/", "--user", "u", "--password=S3cr3t-xyz", "h", "n"],
    ["repl", "--url", "http://127.0.0.1:9/api/", "--user", "u", "--pw", "S3cr3t-xyz"],
])
def test_a_password_on_the_command_line_is_refused_without_echoing_it(capsys, env, argv):
    """argparse took `--password X` as an abbreviation of --password-env and then printed
    "environment variable X … is not set": the password, echoed in an error."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "there is no --password option" in err and "--password-env VAR" in err
    assert "S3cr3t-xyz" not in err
