"""Every rule's documented examples (fel.codes, shown by `fel rule` and docs/rules.md) do what
they say: each "triggers on" example raises its rule's code and no other, each "write instead"
example is clean.

How an example is read, as a user would try it:
* a bare EM filter (no type) is checked against the first query type that has its fields
  (BackupJobSession, Job, Repository, then the rest in schema order);
* ``  (checked with --em-version X)`` after an example sets the EM version;
* endpoint rules that only `fel lint` reports (stored URLs, noqa comments) are linted in a small
  Python script: the example as a string literal, or as the line itself when it is code;
* `fel lint PATH` examples are run with the `fel lint` command on such paths.
"""
from __future__ import annotations

import json
import re

import pytest

import fel
from fel import codes
from fel.cli import main as fel_main
from fel.lint.engine import lint_text
from fel.schema import load_schema

_TYPES = list(load_schema().type_names)
PREFERRED = ["BackupJobSession", "Job", "Repository"] + [t for t in _TYPES if t not in {"BackupJobSession", "Job", "Repository"}]
VERSION_NOTE = re.compile(r"\s+\(checked with --em-version (\S+)\)$")
#: Reported by `fel lint` only (they need a stored URL's surroundings or a comment).
LINT_ONLY = {f"FEL{n}" for n in range(403, 413)} | {"FEL490"}
#: Rules whose triggering input cannot be printed in a catalogue; each says why.
NO_BAD_EXAMPLE = {
    "FEL009": "input over fel's size or nesting limit: too long to print",
    "FEL014": "a lone surrogate has no printable form",
    "FEL414": "a request line over 16 KB: too long to print",
}


def _bare_filter(text: str) -> bool:
    return not any(mark in text for mark in ("type=", " where ", "/", "?"))


def codes_for(code: str, example: str, tmp_path) -> list[str]:
    text, em_version = example, None
    note = VERSION_NOTE.search(text)
    if note:
        text, em_version = text[:note.start()], note.group(1)
    if text.startswith("fel lint "):
        return _lint_command(text, tmp_path)
    if code in LINT_ONLY:
        source = text if "# fel:" in text else f"url = {text!r}"
        return [d.code for d in lint_text(source + "\n", path="script.py").diagnostics]
    if _bare_filter(text):
        for name in PREFERRED:
            found = fel.check(text, type=name, em_version=em_version)
            if "FEL101" not in {d.code for d in found}:
                return [d.code for d in found]
        pytest.fail(f"no query type has the fields of {text!r}")
    return [d.code for d in fel.check(text, em_version=em_version)]


def _lint_command(command: str, tmp_path) -> list[str]:
    """`fel lint PATH`: PATH made as its name suggests (binary .exe, a folder of clean scripts)."""
    (path,) = command.split()[2:]
    target = tmp_path / path
    if path.endswith("/"):
        target.mkdir(parents=True)
        (target / "report.py").write_text('URL = "https://em:9398/api/query?type=Job&pageSize=100"\n',
                                          encoding="utf-8")
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64)
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        fel_main(["lint", "--format", "json", str(target)])
    data = json.loads(out.getvalue() or "[]")
    findings = data if isinstance(data, list) else data.get("findings", data.get("diagnostics", []))
    # A path that cannot be linted may be reported on stderr rather than as a finding.
    return [f["code"] for f in findings] + re.findall(r"\bFEL\d{3}\b", err.getvalue())


#: Documented behaviour that fel does not have yet: the example fails today, and the strict
#: xfail fails the suite as soon as it passes, so that the entry is removed then.
NOT_YET: dict[tuple[str, str], str] = {}


def _case(code: str, kind: str, example: str):
    reason = NOT_YET.get((code, example))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(code, kind, example, marks=marks, id=f"{code}-{kind}-{example[:40]}")


EXAMPLES = [_case(r.code, kind, ex) for r in codes.RULES.values()
            for kind, examples in (("bad", r.bad), ("good", r.good)) for ex in examples]


def test_not_yet_lists_only_documented_examples():
    documented = {(r.code, ex) for r in codes.RULES.values() for ex in r.bad + r.good}
    assert set(NOT_YET) <= documented, set(NOT_YET) - documented


@pytest.mark.parametrize(("code", "kind", "example"), EXAMPLES)
def test_rule_example(code, kind, example, tmp_path):
    found = codes_for(code, example, tmp_path)
    if kind == "bad":
        assert found and set(found) == {code}, f"{code} triggers on {example!r}: got {found}"
    else:
        assert found == [], f"{code}'s 'write instead' {example!r} is not clean: {found}"


def test_every_rule_shows_what_triggers_it():
    without = {r.code for r in codes.RULES.values() if not r.bad}
    assert without == set(NO_BAD_EXAMPLE), without ^ set(NO_BAD_EXAMPLE)


def test_the_reading_of_examples_can_fail(tmp_path):
    # The harness itself: a wrong expectation is seen as wrong.
    assert codes_for("FEL208", "Result==Error", tmp_path) == ["FEL208"]
    assert codes_for("FEL306", "type=Job", tmp_path) == ["FEL306"]
    assert codes_for("FEL403", "https://em.example.local:9419/api/query?type=Job&pageSize=100", tmp_path) == ["FEL403"]
    assert codes_for("FEL104", "type=NasJob&pageSize=100  (checked with --em-version 9.5u4)", tmp_path) == ["FEL104"]
    assert codes_for("FEL104", "type=NasJob&pageSize=100", tmp_path) == []
