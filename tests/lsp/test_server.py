"""``fel lsp`` end to end over JSON-RPC: in-process (the server in a thread, talking over OS
pipes) and as a real subprocess on stdio. initialize → didOpen → publishDiagnostics →
codeAction → completion → hover → didChange (incremental) → shutdown/exit."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from .conftest import SAMPLES
from .rpc import RpcClient

PS1 = (SAMPLES / "Get-FailedJobs.ps1").read_text(encoding="utf-8")
URI = "file:///work/scripts/Get-FailedJobs.ps1"


def _conversation(client: RpcClient) -> None:
    init = client.initialize()
    caps = init["capabilities"]
    assert caps["textDocumentSync"]["change"] == 2  # incremental
    assert "=" in caps["completionProvider"]["triggerCharacters"]
    assert caps["hoverProvider"]
    assert "source.fixAll.fel" in caps["codeActionProvider"]["codeActionKinds"]

    client.open(URI, PS1, "powershell")
    diags = client.diagnostics(URI, 1)
    assert [d["code"] for d in diags] == ["FEL003"]
    (d,) = diags
    line = PS1.splitlines()[3]
    amp = line.index("&JobType")
    assert d["range"]["start"] == {"line": 3, "character": amp}  # ASCII before it on that line
    assert d["severity"] == 1 and d["source"] == "fel"

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": URI}, "range": d["range"], "context": {"diagnostics": [d]}})
    kinds = sorted(a["kind"] for a in actions)
    assert kinds == ["quickfix", "source.fixAll.fel"]
    quick = next(a for a in actions if a["kind"] == "quickfix")
    (edit,) = quick["edit"]["changes"][URI]
    assert edit["newText"] == ";" and edit["range"] == d["range"]

    # completion after `Result==` on line 4 (0-based 3)
    col = line.index("Result==") + len("Result==")
    completion = client.request("textDocument/completion", {
        "textDocument": {"uri": URI}, "position": {"line": 3, "character": col}})
    labels = [i["label"] for i in completion["items"]]
    assert "Failed" in labels and "Success" in labels

    hover = client.request("textDocument/hover", {
        "textDocument": {"uri": URI}, "position": {"line": 3, "character": line.index("JobType") + 2}})
    assert "BackupJobSession.JobType" in hover["contents"]["value"]

    # an incremental edit on the emoji line: replace `&JobType` by `;JobType` (ranges in UTF-16)
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": URI, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 3, "character": amp},
                                      "end": {"line": 3, "character": amp + 1}}, "text": ";"}]})
    assert client.diagnostics(URI, 2) == []

    # a line with an astral character before the mistake: positions count UTF-16 units
    text = 'q = "😀"; u = "query?type=Job&filter=Platform==vCloud&JobType==Backup&pageSize=5"\n'
    uri2 = "file:///work/scripts/emoji.py"
    client.open(uri2, text, "python")
    (d2,) = client.diagnostics(uri2, 1)
    assert d2["range"]["start"]["character"] == text.index("&JobType") + 1

    client.notify("textDocument/didClose", {"textDocument": {"uri": uri2}})
    assert client.diagnostics(uri2) == []
    client.shutdown()


def _in_process():
    from fel.lsp.server import build_server

    to_server_r, to_server_w = os.pipe()
    to_client_r, to_client_w = os.pipe()
    server = build_server(debounce=0.05)
    thread = threading.Thread(
        target=server.start_io, args=(os.fdopen(to_server_r, "rb"), os.fdopen(to_client_w, "wb")), daemon=True)
    thread.start()
    return server, thread, RpcClient(os.fdopen(to_client_r, "rb"), os.fdopen(to_server_w, "wb"))


def test_workspace_configuration_and_exclude(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fel.lint]\nignore = ["FEL306"]\nexclude = ["vendor/**"]\n', encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    src = 'u = "https://em:9398/api/query?type=Job&filter=Platform==vCloud&JobType==Backup"\n'
    server, thread, client = _in_process()
    client.initialize(tmp_path.as_uri())
    mine, theirs = (tmp_path / "check.py").as_uri(), (tmp_path / "vendor" / "lib.py").as_uri()
    client.open(mine, src, "python")
    assert [d["code"] for d in client.diagnostics(mine, 1)] == ["FEL003"]  # FEL306 ignored by config
    client.open(theirs, src, "python")
    assert client.diagnostics(theirs, 1) == []  # excluded, as fel lint skips it
    client.shutdown()
    thread.join(timeout=60)


def test_in_process_over_pipes():
    server, thread, client = _in_process()
    _conversation(client)
    thread.join(timeout=60)
    assert not thread.is_alive()
    # open, then one debounced re-lint of the changed document; the other one was linted once
    assert server.lint_runs == {URI: 2, "file:///work/scripts/emoji.py": 1}


@pytest.mark.e2e
def test_fel_lsp_over_real_stdio(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "fel", "lsp", "--debounce", "0.05"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        client = RpcClient(proc.stdout, proc.stdin)
        _conversation(client)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert b"Traceback" not in proc.stderr.read()


def test_bad_debounce_is_a_usage_error():
    out = subprocess.run([sys.executable, "-m", "fel", "lsp", "--debounce", "-1"], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and "--debounce" in out.stderr
