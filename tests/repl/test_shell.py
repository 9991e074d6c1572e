"""The REPL engine (Shell) without a terminal: queries, paging, output modes and commands."""
from __future__ import annotations

import csv
import io
import json
import threading
import _thread



def lines_of(out: io.StringIO) -> str:
    return out.getvalue()


def test_query_shows_a_table_with_default_columns_and_a_footer(shell_factory):
    shell, out = shell_factory()
    assert shell.execute("BackupJobSession where Result == Failed limit 3")
    text = lines_of(out)
    header = text.splitlines()[0]
    for col in ("Name", "JobName", "Result", "State", "CreationTime"):
        assert col in header
    assert "Job 0@2025-08-14 12:00" in text
    assert "2025-08-14 12:00:00" in text          # times as UTC without fraction
    assert "(3 rows, page 1 of 3 — \\next, \\all)" in text
    assert "filter=Result%3D%3DFailed" in shell.client.urls[0]


def test_next_prev_and_all_pages(shell_factory):
    shell, out = shell_factory()
    shell.execute("BackupJobSession limit 3")
    shell.execute("\\next")
    assert "page=2" in shell.client.urls[-1] and "pageSize=3" in shell.client.urls[-1]
    assert "(3 rows, page 2 of 3" in lines_of(out)
    shell.execute("\\next")
    assert "(1 row, page 3 of 3)" in lines_of(out)
    shell.execute("\\next")
    assert "already on the last page (3)" in lines_of(out)
    shell.execute("\\prev")
    shell.execute("\\prev")
    shell.execute("\\prev")
    assert "already on the first page" in lines_of(out)
    shell.execute("\\all")
    assert "(7 rows, 1 page)" in lines_of(out) and "pageSize=100" in shell.client.urls[-1]


def test_all_follows_every_page(shell_factory, sessions_of):
    shell, out = shell_factory(sessions_of(250))
    shell.execute("BackupJobSession limit 2")
    shell.execute("\\all")
    assert "(250 rows, 3 pages)" in lines_of(out)
    fetched = shell.client.urls[1:]
    assert len(fetched) == 3 and all("pageSize=100" in u for u in fetched)
    assert "page=2" in fetched[1] and "page=3" in fetched[2]


def test_paging_commands_need_a_query_first(shell_factory):
    shell, out = shell_factory()
    for cmd in ("\\next", "\\prev", "\\all", "\\url", "\\explain"):
        shell.execute(cmd)
    assert lines_of(out).count("no query yet — run one first") == 3
    assert lines_of(out).count("give a query, or run one first") == 2


def test_expanded_json_and_csv_output(shell_factory, tmp_path):
    shell, out = shell_factory()
    shell.execute("\\x on")
    shell.execute("BackupJobSession limit 2")
    assert "-[ RECORD 1 ]" in lines_of(out) and "-[ RECORD 2 ]" in lines_of(out)
    assert "JobName" in lines_of(out) and "| Job 1" in lines_of(out)
    shell.execute("\\x off")
    shell.execute("\\format json")
    start = len(lines_of(out))
    shell.execute("BackupJobSession limit 2")
    body = lines_of(out)[start:]
    data = json.loads(body[: body.rindex("]") + 1])
    assert [d["Result"] for d in data] == ["Success", "Warning"]
    assert data[0]["CreationTimeUTC"] == "2025-08-14T12:00:00Z"
    shell.execute("\\format csv")
    start = len(lines_of(out))
    shell.execute("BackupJobSession limit 2")
    rows = list(csv.reader(io.StringIO(lines_of(out)[start:])))
    assert rows[0][:4] == ["UID", "Name", "Type", "Href"] and len(rows) >= 3
    shell.execute("\\format yaml")
    assert "expected table, json or csv" in lines_of(out)


def test_output_to_a_file(shell_factory, tmp_path):
    shell, out = shell_factory()
    target = tmp_path / "out.txt"
    shell.execute(f"\\o {target}")
    shell.execute("BackupJobSession limit 2")
    assert f"written to {target}" in lines_of(out)
    assert "Job 0@" in target.read_text()
    assert "Job 0@" not in lines_of(out)
    shell.execute("\\o")
    shell.execute("BackupJobSession limit 1")
    assert "Job 0@" in lines_of(out)
    shell.execute(f"\\o {tmp_path}/no/such/dir/x.txt")
    assert "cannot write" in lines_of(out)


def test_invalid_line_prints_the_caret_diagnostic_and_is_offered_again(shell_factory):
    shell, out = shell_factory()
    assert shell.execute("BackupJobSession where Resutl == Failed")
    text = lines_of(out)
    assert "error[FEL101] `Resutl` is not a field of BackupJobSession" in text
    assert "^^^^^^" in text and "did you mean `Result`?" in text
    assert "Traceback" not in text
    assert shell.retry_text == "BackupJobSession where Resutl == Failed"
    assert shell.client.urls == []


def test_pasted_em_url_runs(shell_factory):
    shell, out = shell_factory()
    shell.execute("https://em.example.com:9398/api/query?type=BackupJobSession&format=Entities"
                  "&filter=Result%3D%3DWarning&pageSize=2&page=1")
    assert "(2 rows, page 1 of 4" in lines_of(out)
    assert "filter=Result%3D%3DWarning" in shell.client.urls[-1]


def test_describe_types_help_and_unknown_things(shell_factory):
    shell, out = shell_factory()
    shell.execute("\\d BackupJobSession")
    text = lines_of(out)
    assert "Success, Warning, Failed" in text and "IsRetry" in text and "datetime" in text
    shell.execute("\\d JobSession")
    assert "did you mean BackupJobSession" in lines_of(out)
    shell.execute("\\types")
    assert "WanAccelerator" in lines_of(out)
    shell.execute("\\help")
    assert "\\explain" in lines_of(out) and "Ctrl-R" in lines_of(out)
    shell.execute("\\nxt")
    assert "unknown command \\nxt — did you mean \\next" in lines_of(out)


def test_url_and_explain(shell_factory):
    shell, out = shell_factory()
    shell.execute("\\url Job where Platform == vmware limit 5")
    assert "type=Job&format=Entities&filter=Platform%3D%3DVMware&pageSize=5&page=1" in lines_of(out)
    shell.execute("BackupJobSession limit 3")
    shell.execute("\\next")
    shell.execute("\\url")
    assert lines_of(out).rstrip().endswith("pageSize=3&page=2")
    shell.execute("\\explain Job where not (Name == a or Name == b)")
    text = lines_of(out)
    assert "filter     : Name!=a;Name!=b" in text and "└─ not" in text


def test_columns_timing_and_toggles(shell_factory):
    shell, out = shell_factory()
    shell.execute("\\cols")
    assert "run a query first" in lines_of(out)
    shell.execute("BackupJobSession limit 1")
    shell.execute("\\cols jobname result")
    assert "BackupJobSession columns: JobName, Result" in lines_of(out)
    start = len(lines_of(out))
    shell.execute("\\timing on")
    shell.execute("BackupJobSession limit 1")
    shown = lines_of(out)[start:]
    assert shown.splitlines()[1].split("|")[0].strip() == "JobName" and "Time:" in shown
    shell.execute("\\cols Reslt")
    assert "not fields of BackupJobSession: Reslt (did you mean Result?)" in lines_of(out)
    shell.execute("\\timing maybe")
    assert "expected on or off" in lines_of(out)


def test_not_connected_shows_the_request_instead(shell_factory):
    shell, out = shell_factory(connected=False)
    shell.execute("Job limit 1")
    assert "not connected" in lines_of(out) and "type=Job&format=Entities&pageSize=1&page=1" in lines_of(out)


def test_ctrl_c_cancels_a_running_query_and_the_shell_goes_on(shell_factory):
    shell, out = shell_factory(delay=2.0)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    try:
        shell.execute("BackupJobSession limit 2")
    finally:
        timer.cancel()
    assert "cancelled" in lines_of(out)
    shell.client.delay = 0
    assert shell.execute("\\d Job")
    assert "Platform" in lines_of(out)


def test_quit_and_close(shell_factory):
    shell, out = shell_factory()
    assert shell.execute("\\q") is False
    assert shell.execute("quit") is False
    shell.close()
    assert shell.client.closed


def test_completion_learns_from_results(shell_factory):
    from fel.repl.completion import Completion

    shell, out = shell_factory()
    shell.completion = Completion()
    shell.execute("BackupJobSession limit 5")
    texts = [s.text for s in shell.completion.suggest("BackupJobSession where JobName == ")]
    assert texts == ['"Job 0"', '"Job 1"', '"Job 2"']


def test_a_query_after_a_cancelled_one_waits_for_the_client(shell_factory):
    shell, out = shell_factory(delay=0.6)
    timer = threading.Timer(0.1, _thread.interrupt_main)
    timer.start()
    try:
        shell.execute("BackupJobSession limit 2")
    finally:
        timer.cancel()
    shell.client.delay = 0
    shell.execute("BackupJobSession limit 2")
    text = lines_of(out)
    assert "cancelled" in text and "waiting for the cancelled request to finish" in text
    assert "(2 rows, page 1 of 4" in text
