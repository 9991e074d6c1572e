"""Code for other products is not Enterprise Manager's: `fel lint` stays silent on it.

``nonem/`` holds realistic files written for these tests, modelled on public VMware Cloud
Director scripts (PowerShell, Python, JavaScript, shell, Ansible, Groovy, Kotlin, Markdown)
and on clients of other products whose URLs carry ``?type=`` or ``filter=`` (Kibana, NetBox,
InfluxDB, Prometheus, GitHub, Graph, Cloudflare, Grafana, ServiceNow, Loki…). None may get an
error or a warning; at most one FEL412 info per file, where nothing tells either way.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import lint

NONEM = Path(__file__).parent / "nonem"
FILES = sorted(p for p in NONEM.iterdir() if p.is_file())


def test_the_corpus_is_there():
    assert len(FILES) >= 10
    assert {p.suffix for p in FILES} >= {".ps1", ".py", ".js", ".sh", ".yml", ".md", ".groovy", ".kt", ".ts"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_finding_on_non_em_code(path):
    diags = lint(path.read_text(encoding="utf-8"), path.name)
    assert [d for d in diags if d.code != "FEL412"] == [], [(d.code, d.message) for d in diags]
    assert len([d for d in diags if d.code == "FEL412"]) <= 1


def test_ambiguous_file_gets_one_info():
    diags = lint((NONEM / "other_products.ts").read_text(encoding="utf-8"), "other_products.ts")
    assert [d.code for d in diags] == ["FEL412"]
    assert "assetSummary" in diags[0].message


# Each vCD signal alone (a header, a media type, the logon path, a record format, a vCD type, a
# packaged query) makes an unknown type silent; each EM signal makes it FEL102.
VCD_SIGNALS = [
    "h = {'x-vcloud-authorization': t}\n",
    "h = {'Accept': 'application/*+xml;version=33.0'}\n",
    "h = {'Accept': 'application/vnd.vmware.vcloud.session+xml'}\n",
    "s.post(base + '/api/sessions')\n",
    "s.post(base + '/cloudapi/1.0.0/sessions')\n",
]
EM_SIGNALS = [
    "h = {'X-RestSvcSessionId': t}\n",
    "s.post('https://em.example.local:9398/api/sessionMngr/?v=latest')\n",
    "s.post(base + '/api/logonSessions')\n",
    "root = s.get(base + '/api/querySvc')\n",
    "host = 'urn:veeam:HierarchyRoot:6bb9e181-2368-4d3c-a6d3-b632934a10b3'\n",
]


@pytest.mark.parametrize("signal", VCD_SIGNALS)
def test_vcd_signal_silences_unknown_types(signal):
    src = signal + "r = s.get(base + '/api/query?type=widgetReport&filter=name==x')\n"
    assert lint(src, "x.py") == []


@pytest.mark.parametrize("signal", EM_SIGNALS)
def test_em_signal_makes_unknown_types_errors(signal):
    src = signal + "r = s.get(base + '/api/query?type=widgetReport&filter=name==x&pageSize=5')\n"
    assert "FEL102" in [d.code for d in lint(src, "x.py")]


@pytest.mark.parametrize("url", [
    "https://vcd.example.com/api/query?type=orgVdc&format=records",
    "/api/query?type=vm&filter=name==web*",
    "/api/query?type=adminVApp",
    "/api/query?type=task&filter=status==running",
    "/api/query?type=Job&format=records",          # an EM name, but vCD's record format
    "/api/vApps/query?format=records&filter=status==8",
    "/api/admin/vms/query?filter=name==web*",
    "http://influx.example.com:8086/query?db=telegraf&q=SHOW+MEASUREMENTS",
])
def test_vcd_and_other_products_urls_alone(url):
    assert lint(f"u = '{url}'\n", "x.py") == []


@pytest.mark.parametrize("url,code", [
    ("https://em.example.local:9398/api/query?type=orgVdc&pageSize=5", "FEL102"),   # EM's port wins
    ("/api/query?type=Jobb&pageSize=5", "FEL102"),                                  # a near miss of Job
    ("/api/query?type=JobSession&pageSize=5", "FEL102"),                            # a stem of BackupJobSession
    ("/api/query?type=Job&filter=Nmae==x&pageSize=5", "FEL101"),                    # an EM type: checked
    ("/api/query?filter=Name==x&pageSize=5", "FEL103"),                             # no type, nothing against
    ("/api/query?type=Sessions&filter=Result==Failed&pageSize=5", "FEL102"),        # EM's fields, as EM spells them
    ("type=Sessions&filter=JobName==x;Result==Failed&pageSize=5", "FEL102"),        # the same in a bare query string
])
def test_em_queries_stay_checked(url, code):
    assert code in [d.code for d in lint(f"u = '{url}'\n", "x.py")]


def test_camel_case_fields_are_no_em_evidence():
    assert [d.code for d in lint("u = '/api/query?type=widgetReport&filter=name==x'\n", "x.py")] == ["FEL412"]


def test_plain_query_lists_are_always_em():
    assert [d.code for d in lint("/api/query?type=orgVdc&pageSize=5\n")] == ["FEL102"]


# ---- properties: evidence only ever moves a verdict its own way ------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

_TYPES = ["Job", "BackupJobSession", "task", "Task", "vm", "orgVdc", "adminVApp", "Jobb", "widgetReport",
          "JobSession", "FELHOLE", "vAppRestorePoint"]
_urls = st.builds(
    lambda origin, path, typ, fmt, extra: origin + path + "?" + "&".join(
        p for p in (f"type={typ}" if typ else "", f"format={fmt}" if fmt else "", extra) if p),
    st.sampled_from(["", "https://em.example.local:9398", "https://vcd.example.com", "http://host:8086"]),
    st.sampled_from(["/api/query", "/query", "/api/vApps/query"]),
    st.sampled_from(_TYPES + [""]),
    st.sampled_from(["", "Entities", "records", "references"]),
    st.sampled_from(["", "pageSize=5", "filter=name==x", "db=x&q=y"]),
)


def _found(source: str) -> set[str]:
    return {d.code for d in lint(source, "x.py") if d.code != "FEL412"}


@settings(max_examples=150, deadline=None)
@given(url=_urls)
def test_an_em_signal_never_hides_a_finding(url):
    src = f"r = s.get('{url}')\n".replace("FELHOLE", "' + t + '")
    assert _found(src) <= _found("h = {'X-RestSvcSessionId': sid}\n" + src)


@settings(max_examples=150, deadline=None)
@given(url=_urls)
def test_a_vcd_signal_never_adds_a_finding(url):
    src = f"r = s.get('{url}')\n".replace("FELHOLE", "' + t + '")
    assert _found("h = {'x-vcloud-authorization': tok}\n" + src) <= _found(src)


def test_assume_em_setting_checks_everything(tmp_path):
    from fel.lint.config import load_config
    from fel.lint.engine import lint_text
    src = "h = {'x-vcloud-authorization': t}\nr = s.get(base + '/api/query?type=orgVdc&format=records')\n"
    (tmp_path / "pyproject.toml").write_text("[tool.fel.lint]\nassume-em = true\n", encoding="utf-8")
    settings = load_config(str(tmp_path / "pyproject.toml"))
    assert settings.assume_em is True
    codes = {d.code for d in lint_text(src, path="x.py", settings=settings).diagnostics}
    assert {"FEL102", "FEL303"} <= codes
    assert lint(src, "x.py") == []  # the default: vCD's, silent


def test_assume_em_must_be_a_boolean(tmp_path):
    from fel.lint.config import ConfigError, load_config
    (tmp_path / "pyproject.toml").write_text('[tool.fel.lint]\nassume-em = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="assume-em must be true or false"):
        load_config(str(tmp_path / "pyproject.toml"))
