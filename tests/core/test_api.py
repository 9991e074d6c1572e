"""The public library API: names, laziness, errors."""
from __future__ import annotations

import subprocess
import sys

import pytest

import fel


def test_public_names():
    for name in ("parse", "check", "compile", "compile_params", "compile_query", "explain", "Query",
                 "Diagnostic", "Severity", "FelError", "load_schema", "CompiledQuery"):
        assert getattr(fel, name) is not None
    with pytest.raises(AttributeError):
        fel.nope  # noqa: B018


def test_fel_check_does_not_load_client_repl_or_emulator():
    code = ("import sys, fel; fel.check('type=Job'); fel.compile('Job'); "
            "print([m for m in ('lxml', 'requests', 'prompt_toolkit', 'fel.client', 'fel.emulator', 'fel.repl') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_parse_forms():
    for text in ("BackupJobSession where Result == Failed", "type=BackupJobSession&filter=Result==Failed",
                 "https://em:9398/api/query?type=BackupJobSession&filter=Result==Failed",
                 "/api/query?type=BackupJobSession&filter=Result%3D%3DFailed"):
        q = fel.parse(text)
        assert q.type.text == "BackupJobSession"
        assert q.filter.field.text == "Result" and q.filter.value.text == "Failed"
    q = fel.parse("Result==Failed", type="BackupJobSession")
    assert q.origin == "filter" and q.type.text == "BackupJobSession"


def test_parse_raises_with_diagnostics():
    with pytest.raises(fel.FelError) as e:
        fel.parse("BackupJobSession where (Result == Failed")
    assert e.value.diagnostics[0].code == "FEL008"
    assert "1:24" in str(e.value)


def test_compile_raises_with_diagnostics_and_renders():
    with pytest.raises(fel.FelError) as e:
        fel.compile("type=Job&filter=Platform==vCloud&JobType==Backup")
    assert [d.code for d in e.value.errors] == ["FEL003"]
    assert "^" in e.value.render()


def test_compile_params_and_clock(now):
    params = fel.compile_params("BackupJobSession where CreationTime >= now-1d limit 10", now=now)
    assert params == [("type", "BackupJobSession"), ("filter", 'CreationTime>="2026-11-27T12:00:00Z"'),
                      ("pageSize", "10"), ("page", "1")]


def test_url_limit_does_not_invent_page():
    assert fel.compile_params("type=Job&pageSize=10") == [("type", "Job"), ("pageSize", "10")]


def test_canonical_parameter_order():
    url = fel.compile("/api/query?page=2&pageSize=5&sortDesc=name&filter=name==x&format=entities&type=job")
    assert url.split("?", 1)[1] == "type=Job&format=Entities&filter=Name%3D%3Dx&sortDesc=Name&pageSize=5&page=2"


def test_check_type_error_for_non_str():
    with pytest.raises(TypeError):
        fel.check(None)  # type: ignore[arg-type]


def test_input_size_and_depth_bounded():
    deep = "(" * 200 + "Result==Failed" + ")" * 200
    assert [d.code for d in fel.check(deep, type="BackupJobSession")] == ["FEL009"]
    huge = "BackupJobSession where " + " or ".join(["Result == Failed"] * 5000)
    assert [d.code for d in fel.check(huge)] == ["FEL009"]


def test_em_version_string_forms():
    assert not [d for d in fel.check("NasJob", em_version="10") if d.is_error]
    assert [d.code for d in fel.check("NasJob", em_version="v1_4")] == ["FEL104"]
    assert [d.code for d in fel.check("Job", em_version="nope")] == ["FEL001"]


def test_compile_base_comes_from_a_full_input_url_only():
    assert fel.compile("/api/query?type=Job") == "https://localhost:9398/api/query?type=Job"
    assert fel.compile("query?type=Job") == "https://localhost:9398/api/query?type=Job"
    assert fel.compile("https://em:9398/api//query?type=Job") == "https://em:9398/api/query?type=Job"
    assert fel.compile("https://em:9398/api/query?type=Job", base="https://x:1/api") == "https://x:1/api/query?type=Job"
