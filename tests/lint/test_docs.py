"""docs/rules.md is generated from the catalogue and kept up to date; the pre-commit hook is sound."""
from __future__ import annotations

from pathlib import Path

from fel import codes
from fel.lint import docgen

ROOT = Path(__file__).resolve().parents[2]


def test_rules_md_is_up_to_date():
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == docgen.render_rules(), "run `python -m fel.lint.docgen` to regenerate docs/rules.md"


def test_docgen_check_mode(tmp_path, capsys):
    out = tmp_path / "rules.md"
    assert docgen.main(["--check", "--output", str(out)]) == 1
    assert docgen.main(["--output", str(out)]) == 0
    assert docgen.main(["--check", "--output", str(out)]) == 0


def test_rules_md_has_every_rule_with_examples():
    text = docgen.render_rules()
    for rule in codes.RULES.values():
        assert f"### {rule.code} `{rule.name}`" in text
        for example in rule.bad + rule.good:
            assert example in text


def _hooks(text: str) -> list[dict]:
    """The flat ``- id: …`` mappings of a pre-commit hooks file (no YAML library needed)."""
    hooks: list[dict] = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("- "):
            hooks.append({})
            line = "  " + line[2:]
        key, _, value = line.strip().partition(":")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            value = [v.strip() for v in value[1:-1].split(",")]
        hooks[-1][key] = value
    return hooks


def test_pre_commit_hook():
    hooks = _hooks((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    lint = next(h for h in hooks if h["id"] == "fel-lint")
    assert lint["entry"] == "fel lint" and lint["language"] == "python"
    assert {"python", "powershell", "shell", "yaml", "json", "markdown"} <= set(lint["types_or"])
    import re
    files = re.compile(lint["files"])
    for name in ("a.py", "b.ps1", "c.sh", "d.yaml", "e.json", "f.md", "g.queries", "h.go", "i.cs", "j.groovy",
                 "k.kt", "l.scala", "ci/Jenkinsfile"):
        assert files.search(name), name
    assert {"groovy", "kotlin", "scala"} <= set(lint["types_or"])
