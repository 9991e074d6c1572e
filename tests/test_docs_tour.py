"""The README's tour, replayed: every ``$ fel …`` command whose output the README shows is run
from the repository root (the files it names ship under docs/examples/) and its output compared
line for line with the README.

Two things differ from run to run and are handled, not skipped: ``now-24h`` compiles to a
timestamp that is checked to be 24 hours before the time of the run, and ``fel serve --port 0``
picks a free port, which replaces the README's port in the commands that follow it.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TIMEOUT = 60


@dataclass
class Step:
    line: int           # README line of the `$` prompt
    command: str        # as written, continuation lines joined
    output: list[str]   # the lines the README shows


def tour_steps(text: str) -> list[Step]:
    """The `$ …` commands of the README's ```console blocks, with the output shown under each."""
    steps: list[Step] = []
    in_console = False
    pending: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            in_console = line.strip() == "```console" and not in_console
            pending = []
            continue
        if not in_console:
            continue
        if pending:  # continuation of a command ending in a backslash
            pending.append(line.strip())
            if not line.rstrip().endswith("\\"):
                steps[-1].command = " ".join(p.rstrip("\\").strip() for p in pending)
                pending = []
            continue
        if line.startswith("$ "):
            steps.append(Step(n, line[2:], []))
            if line.rstrip().endswith("\\"):
                pending = [line[2:]]
        elif steps:
            steps[-1].output.append(line)
    return steps


STEPS = tour_steps(README.read_text(encoding="utf-8"))


def test_the_tour_is_read():
    # A parser that finds nothing would make every replay below vacuous.
    commands = [s.command.split("#")[0].split() for s in STEPS]
    assert len(STEPS) >= 5, STEPS
    assert all(s.output for s in STEPS), [s.command for s in STEPS if not s.output]
    assert any("fel" in c and "lint" in c for c in commands)
    assert any("serve" in c for c in commands)


def test_the_tour_names_only_files_that_ship():
    for step in STEPS:
        for word in shlex.split(step.command, comments=True):
            if word.endswith((".py", ".ps1", ".sh", ".txt", ".yaml", ".json")) and "://" not in word:
                assert (ROOT / word).is_file(), f"README line {step.line}: {word} is not in the repository"


def _argv(command: str, port: str | None) -> tuple[dict[str, str], list[str]]:
    words = shlex.split(command, comments=True)
    env = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[0] == "fel", f"not a fel command: {command}"
    if port is not None:
        words = [re.sub(r"(//127\.0\.0\.1:)\d+", rf"\g<1>{port}", w) for w in words]
    return env, [sys.executable, "-m", "fel", *words[1:]]


_STAMP = re.compile(r"%22(\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ)%22")


def _normalise_now(text: str, started: datetime | None = None) -> str:
    """Replace a compiled `now-24h` by a marker (after checking, for a run started at `started`,
    that it is 24 h before then, to the hour)."""
    def one(match: re.Match) -> str:
        if started is not None:
            stamp = datetime.strptime(unquote(match.group(1)), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            assert abs(stamp - (started - timedelta(hours=24))) <= timedelta(hours=1), stamp
        return "%22<now-24h>%22"
    return _STAMP.sub(one, text)


def _clean(lines) -> list[str]:
    return [line.rstrip() for line in lines]


@pytest.fixture(scope="module")
def served():
    """`fel serve --port 0` as the tour starts it: its stdout lines and the port it chose."""
    step = next(s for s in STEPS if "serve" in shlex.split(s.command, comments=True))
    _, argv = _argv(step.command.replace("&", ""), None)
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        shown = [proc.stdout.readline().rstrip("\n") for _ in step.output]
        yield step, shown
    finally:
        proc.terminate()
        proc.communicate(timeout=TIMEOUT)


@pytest.mark.e2e
def test_serve_prints_what_the_tour_shows(served):
    step, shown = served
    url = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/api/", shown[0])
    assert url, shown
    assert shown == [re.sub(r":\d+/", f":{url.group(1)}/", line) for line in _clean(step.output)]


@pytest.mark.e2e
@pytest.mark.parametrize("step", [s for s in STEPS if "serve" not in s.command.split("#")[0].split()],
                         ids=lambda s: f"README:{s.line}")
def test_tour_command_output(step: Step, request):
    port = None
    if "127.0.0.1:" in step.command:
        _, shown = request.getfixturevalue("served")
        port = re.search(r":(\d+)/", shown[0]).group(1)
    env, argv = _argv(step.command, port)
    started = datetime.now(timezone.utc)
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env})
    assert "Traceback" not in done.stderr, done.stderr
    got = _normalise_now(done.stdout, started).splitlines()
    want = _normalise_now("\n".join(step.output)).splitlines()
    assert _clean(got) == _clean(want), f"README line {step.line}: {step.command}\nstderr: {done.stderr}"


# Docs stand on what ships: no page points users at material that only this repository's
# surroundings have (the maintainers' reference notes, the shared doc extracts), and the README
# sends no user to the maintainers' schema generator, which needs those extracts.
# docs/schema/ is generated from the schema data: its notes must stand on their own too.
NOT_SHIPPED = re.compile(r"REFERENCE\.md|REFERENCE §|\.\./shared\b|shared/em/")
MAINTAINERS_ONLY = re.compile(r"fel\.schema\.generate")


@pytest.mark.parametrize("page", [README, *sorted((ROOT / "docs").glob("*.md")),
                                  *sorted((ROOT / "docs" / "schema").glob("*.md"))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_cite_only_what_ships(page: Path):
    pattern = NOT_SHIPPED if page != README else re.compile(f"{NOT_SHIPPED.pattern}|{MAINTAINERS_ONLY.pattern}")
    hits = [f"{page.name}:{n}: {line.strip()}" for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]
    assert not hits, hits


def test_not_shipped_patterns_see_the_old_wording():
    assert NOT_SHIPPED.search("where REFERENCE.md records a decision")
    assert NOT_SHIPPED.search("3. `;` binds tighter than `,` (REFERENCE §2).")
    assert MAINTAINERS_ONLY.search("re-checked by `python -m fel.schema.generate --check`")


EXAMPLES = ROOT / "docs" / "examples"


def test_readme_library_example_is_the_shipped_script():
    """The README's client snippet is the core of docs/examples/working_sessions.py, line for line."""
    readme = README.read_text(encoding="utf-8")
    script = (EXAMPLES / "working_sessions.py").read_text(encoding="utf-8")
    for line in ('em.query("BackupJobSession where State == Working format entities", all=True)',
                 'print(session.name, session.fields["Progress"])'):
        assert line in readme and line in script, line
    assert "docs/examples/working_sessions.py" in readme


@pytest.mark.e2e
def test_working_sessions_script_against_the_emulator():
    from fel.client import Client
    from fel.emulator import Emulator

    now = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
    with Emulator(port=0, seed=1, now=now) as em:
        with Client(em.url, "demo", password="demo") as client:
            expected = [f"{s.name} {s.fields['Progress']}"
                        for s in client.query("BackupJobSession where State == Working format entities", all=True)]
        done = subprocess.run([sys.executable, str(EXAMPLES / "working_sessions.py"), em.url, "demo"],
                              capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "EM_PASSWORD": "demo"})
    assert done.returncode == 0, done.stderr
    assert expected and done.stdout.splitlines() == expected


def test_working_sessions_script_without_arguments_explains_itself():
    done = subprocess.run([sys.executable, str(EXAMPLES / "working_sessions.py")], capture_output=True, text=True,
                          timeout=TIMEOUT, env={k: v for k, v in os.environ.items() if k != "EM_PASSWORD"})
    assert done.returncode == 2 and "EM_PASSWORD=" in done.stderr and "Traceback" not in done.stderr
