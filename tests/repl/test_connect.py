"""Connections against the real emulator (in-process, free loopback port): demo, URL + user
with the password from an environment variable or a prompt, profiles, and the CLI in batch mode."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fel.repl.app import Shell
from fel.repl.connect import connect_from_args, demo_connector, label_for, open_connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def emulator():
    from fel.emulator import Emulator

    em = Emulator(seed=3, port=0)
    em.start()
    yield em
    em.stop()


def test_label():
    assert label_for("https://em.example.com:9398/api/", "CORP\\svc") == "CORP\\svc@em.example.com:9398"
    assert label_for("http://127.0.0.1:5000/api/", None, " (demo)") == "127.0.0.1:5000 (demo)"


def test_url_user_and_password_env(emulator, monkeypatch):
    user, password = emulator.credentials
    monkeypatch.setenv("FEL_TEST_PW", password)
    conn = open_connection(url=emulator.url, user=user, password_env="FEL_TEST_PW")
    try:
        assert conn.client.logged_on and conn.label.startswith(f"{user}@127.0.0.1:")
        shell = Shell(out=io.StringIO(), color=False, connection=conn, width=lambda: 200)
        shell.execute("Repository limit 2")
        assert "(2 rows, page 1 of" in shell.out.getvalue()
    finally:
        conn.close()
    assert not conn.client.logged_on


def test_connect_command_prompts_for_the_password_and_never_takes_it_inline(emulator):
    user, password = emulator.credentials
    asked = []
    shell = Shell(out=io.StringIO(), color=False, password_prompt=lambda msg: asked.append(msg) or password)
    shell.execute(f"\\connect {emulator.url} {user} {password}")
    assert "never a password" in shell.out.getvalue() and not asked
    shell.execute(f"\\connect {emulator.url} {user}")
    assert asked and asked[0].startswith(f"Password for {user}")
    assert f"connected to {user}@127.0.0.1" in shell.out.getvalue()
    shell.execute(f"\\connect {emulator.url} nobody")
    assert "could not connect: " in shell.out.getvalue() and "'nobody'" in shell.out.getvalue()
    shell.execute("Job limit 1")                      # the first connection is still in use
    assert "(1 row, page 1 of" in shell.out.getvalue()
    shell.close()


def test_profiles_from_the_config_file(emulator, monkeypatch, tmp_path):
    user, password = emulator.credentials
    (tmp_path / "fel").mkdir()
    (tmp_path / "fel" / "config.toml").write_text(
        f'[profiles.lab]\nurl = "{emulator.url}"\nuser = "{user}"\npassword_env = "LAB_PW"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("FEL_CONFIG", raising=False)
    monkeypatch.setenv("LAB_PW", password)
    conn = connect_from_args(["lab"])
    assert conn is not None and conn.client.logged_on
    conn.close()
    assert connect_from_args([]) is None
    with pytest.raises(Exception, match="no profile 'nope'"):
        connect_from_args(["nope"])


def test_demo_connector_starts_and_stops_its_emulator():
    conn = demo_connector(seed=2)()
    try:
        assert conn.label.endswith("(demo)") and conn.client.logged_on
    finally:
        conn.close()


def _run_cli(args, stdin: str, env_extra: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", **env_extra)
    return subprocess.run([sys.executable, "-m", "fel", "repl", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=60, cwd=str(ROOT))


def test_cli_batch_mode_with_url_user_and_password_env(emulator):
    user, password = emulator.credentials
    proc = _run_cli(["--url", emulator.url, "--user", user, "--password-env", "PW"],
                    "BackupJobSession where Result == Failed limit 2\n\\q\n", {"PW": password})
    assert proc.returncode == 0, proc.stderr
    assert "(2 rows, page 1 of" in proc.stdout
    assert password not in proc.stdout + proc.stderr


def test_cli_usage_errors_exit_2(emulator):
    proc = _run_cli(["--user", "x"], "", {})
    assert proc.returncode == 2 and "--user needs --url" in proc.stderr
    proc = _run_cli(["--url", emulator.url, "--user", "demo", "--password-env", "UNSET_VAR_FOR_TEST"], "", {})
    assert proc.returncode == 2 and "UNSET_VAR_FOR_TEST" in proc.stderr
    proc = _run_cli(["--demo", "--url", emulator.url], "", {})
    assert proc.returncode == 2


def test_cli_demo_batch_reports_a_bad_line_with_exit_1():
    proc = _run_cli(["--demo"], "Job where Nme == x\nJob limit 1\n", {})
    assert proc.returncode == 1
    assert "error[FEL101]" in proc.stdout and "(1 row, page 1 of" in proc.stdout


def test_cli_batch_exits_1_when_the_server_cannot_be_reached(refused_port):
    proc = _run_cli(["--url", f"https://127.0.0.1:{refused_port}/api/", "--user", "u", "--password-env", "PW"],
                    "type=Job\n", {"PW": "secret-pw"})
    assert proc.returncode == 1
    assert "connection refused" in proc.stdout + proc.stderr
    assert "secret-pw" not in proc.stdout + proc.stderr
