"""One behaviour for the same input in the library, ``fel run``, ``fel compile`` and the REPL:
the format asked for when a query names none, filter field names on entities, the base URL."""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

import fel
from fel.baseurl import BaseURLError, normalize_base
from fel.cli import main
from fel.client import Client, ConfigError
from fel.client.decode import decode_page
from fel.client.entity import to_jsonable
from fel.client.offline import record_of
from fel.emulator import Emulator

from client_kit import FIXTURES

NOW = datetime(2025, 8, 16, 12, 0, tzinfo=timezone.utc)
PASSWORD = "one-rule-pw"
QUERY = "BackupJobSession where Result == Failed limit 3"


@pytest.fixture(scope="module")
def em():
    with Emulator(seed=3, now=NOW, users={"ann": PASSWORD}) as server:
        yield server


# -- the format: Entities unless the text names one --------------------------------------------
def test_client_query_without_a_format_returns_entities_with_fields(em):
    with Client(em.url, "ann", PASSWORD) as c:
        got = list(c.query(QUERY))
        assert len(got) == 3 and all(e.kind == "entity" and e.fields for e in got)
        assert all(e.get("Result") == "Failed" for e in got)
        assert "format=Entities" in c.query_url(QUERY)
        refs = list(c.query(QUERY + " format references"))
        assert [e.kind for e in refs] == ["reference"] * 3
        assert "format=References" in c.query_url(QUERY, format="references")


def test_the_compiler_still_emits_only_what_the_text_says():
    assert "format" not in dict(fel.compile_params(QUERY))
    assert "format=" not in fel.compile(QUERY)


def test_client_fel_run_and_repl_send_the_same_format(em, capsys, monkeypatch):
    from fel.repl.app import with_repl_defaults

    with Client(em.url, "ann", PASSWORD) as c:
        library = [e.uid for e in c.query(QUERY)]
        sent = c.query_url(QUERY)
    assert with_repl_defaults(fel.compile_query(QUERY, base=em.url)).url() == sent
    monkeypatch.setenv("FEL_ONE_RULE_PW", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent-fel-config")
    code = main(["run", "--url", em.url, "--user", "ann", "--password-env", "FEL_ONE_RULE_PW", "-o", "jsonl", QUERY])
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["UID"] for r in rows] == library
    assert all("Result" in r for r in rows)  # entities, not references


# -- filter field names on entities: one mapping -----------------------------------------------
@pytest.fixture(scope="module")
def sessions():
    body = (FIXTURES / "query-entities-backupjobsession-13.1.xml").read_bytes()
    return decode_page(body, "application/xml").entities


def test_entity_get_maps_filter_field_names_through_the_schema(sessions):
    e = sessions[0]
    assert "CreationTime" not in e.fields and e.get("CreationTimeUTC") is not None
    assert e.get("CreationTime") == e["CreationTimeUTC"] == e["creationtime"]
    assert "CreationTime" in e
    assert e.get("BackupServerName") == e.get("link:Up:BackupServerReference@Name") is not None
    assert e.get("NoSuchField", "dflt") == "dflt"
    with pytest.raises(KeyError):
        e["NoSuchField"]


def test_fel_run_fields_offline_and_the_repl_use_the_same_mapping(sessions):
    from fel.client.output import make_writer
    from fel.repl.render import columns_named

    qtype = fel.load_schema().type("BackupJobSession")
    (column,), missing = columns_named(qtype, ["CreationTime"])
    assert not missing
    buf = io.StringIO()
    writer = make_writer(buf, "jsonl", "CreationTime")
    writer.write(sessions)
    writer.close()
    run_values = [json.loads(line)["CreationTime"] for line in buf.getvalue().splitlines()]
    for e, from_run in zip(sessions, run_values, strict=True):
        library = e.get("CreationTime")
        assert e.get(column.path) == library  # the REPL's column
        assert record_of(e, qtype)["CreationTime"] == library  # offline evaluation
        assert from_run == to_jsonable(library) and from_run.startswith("2025-08-")


# -- the base URL: one normaliser ---------------------------------------------------------------
BASES = [
    ("em", "https://em:9398/api/"),
    ("em.example.com", "https://em.example.com:9398/api/"),
    ("em:9399", "https://em:9399/api/"),
    ("https://em:9398", "https://em:9398/api/"),
    ("https://em:9398/api", "https://em:9398/api/"),
    ("https://em:9398/api/query?type=Job", "https://em:9398/api/"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/"),
    ("https://proxy/em/api/", "https://proxy/em/api/"),
    ("https://[::1]:9398", "https://[::1]:9398/api/"),
    ("  HTTPS://EM:9398/API  ", "https://EM:9398/api/"),
    ("em:", "https://em:9398/api/"),
    ("https://em:/api/", "https://em/api/"),
]


@pytest.mark.parametrize("given, expected", BASES)
def test_one_base_normaliser_for_compile_run_and_the_client(capsys, given, expected):
    from fel.client.session import normalize_base as client_normalize

    assert normalize_base(given) == client_normalize(given) == expected
    assert fel.compile("Job", base=given) == expected + "query?type=Job"
    assert main(["compile", "--base", given, "Job"]) == 0
    assert capsys.readouterr().out == expected + "query?type=Job\n"
    assert Client(given, "u", "p").base == expected


BAD_BASES = ["", "   ", "ftp://x", "https://", "https://h:99999", "https://[:9398/api/", "not a url",
             "https://em:port/api", "https://user:hunter2@em:9398/api/"]


@pytest.mark.parametrize("bad", BAD_BASES)
def test_a_malformed_base_is_a_clear_usage_error(capsys, monkeypatch, bad):
    with pytest.raises(BaseURLError):
        normalize_base(bad)
    with pytest.raises(ConfigError):
        Client(bad, "u", "p")
    with pytest.raises(ValueError):
        fel.compile("Job", base=bad)
    for cmd in (["compile", "--base", bad, "Job"], ["explain", "--base", bad, "Job"]):
        code = main(cmd)
        err = capsys.readouterr().err
        assert code == 2 and "--base" in err and "Traceback" not in err and "hunter2" not in err
    monkeypatch.setenv("FEL_ONE_RULE_PW", "pw")
    code = main(["run", "--url", bad, "--user", "u", "--password-env", "FEL_ONE_RULE_PW", "Job"])
    err = capsys.readouterr().err
    assert code == 2 and "fel run: error:" in err and "Traceback" not in err and "hunter2" not in err


def test_a_bad_base_names_what_is_wrong():
    with pytest.raises(BaseURLError, match="Invalid IPv6"):
        normalize_base("https://[:9398/api/")
    with pytest.raises(BaseURLError, match="not a valid host name"):
        normalize_base("not a url")


# -- fel compile shows warnings; fel explain --tree is the REPL's \explain -----------------------
def test_fel_compile_prints_warnings_on_stderr_and_the_url_on_stdout(capsys):
    text = "type=Job&filter=Name==a;Name==b,Name==c"
    assert main(["compile", text]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("https://localhost:9398/api/query?type=Job&filter=") and out.count("\n") == 1
    assert "warning[FEL301]" in err and "^" in err
    assert main(["compile", "Job where Name == a"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("text", ["Job where not (Name == a or Name == b) order by Name desc limit 5",
                                  "type=BackupJobSession&filter=Result==Failed;JobName==x",
                                  "Job where Nmae == a"])
def test_fel_explain_tree_prints_what_the_repl_explain_shows(capsys, text):
    from fel.repl.app import Shell

    code = main(["explain", "--tree", text])
    cli = capsys.readouterr().out
    buf = io.StringIO()
    shell = Shell(out=buf, color=False)
    shell.execute("\\explain " + text)
    assert cli.rstrip("\n") == buf.getvalue().rstrip("\n")
    assert code == (1 if "Nmae" in text else 0)
    if "Nmae" not in text:
        assert "tree       :\n  query " in cli and "dataclass" not in cli and "Comparison(" not in cli


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(max_size=40),
    st.builds(lambda scheme, host, rest: scheme + host + rest,
              st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://", "https://u:p@"]),
              st.text(alphabet="em.-_[]:1239 %@/?#\u00e9\u6771", max_size=20),
              st.text(alphabet="/api?=&:9#[]x", max_size=15)),
))
def test_normalize_base_answers_a_root_or_a_base_url_error_for_any_text(text):
    try:
        root = normalize_base(text)
    except BaseURLError as exc:
        assert str(exc)
        return
    assert root.startswith(("http://", "https://")) and root.endswith("/api/")
    assert normalize_base(root) == root  # idempotent
