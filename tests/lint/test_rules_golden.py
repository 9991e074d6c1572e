"""Golden table per rule: inputs that must trigger it and inputs that must not."""
from __future__ import annotations

import pytest

from fel import codes

from .conftest import item_source, lint, load_golden

TABLE = {k: v for k, v in load_golden("rules.json").items() if not k.startswith("_")}


#: Codes about paths rather than text; tests/lint/test_cli.py covers them.
CLI_ONLY = {"FEL491"}


def test_every_catalogue_code_has_golden_cases():
    missing = sorted(set(codes.RULES) - set(TABLE) - CLI_ONLY)
    assert not missing, f"codes without golden cases: {missing}"
    for code, spec in TABLE.items():
        assert code in codes.RULES, f"golden table names unknown code {code}"
        assert spec["trigger"] and spec["clean"], code


CASES = [(code, kind, i, item) for code, spec in TABLE.items()
         for kind in ("trigger", "clean") for i, item in enumerate(spec[kind])]


@pytest.mark.parametrize("code,kind,i,item", CASES, ids=[f"{c}-{k}-{i}" for c, k, i, _ in CASES])
def test_rule_golden(code, kind, i, item):
    file, source, kw = item_source(item)
    found = [d.code for d in lint(source, file, **kw)]
    if kind == "trigger":
        assert code in found, f"{code} not reported for {source!r}: {found}"
    else:
        assert code not in found, f"{code} wrongly reported for {source!r}: {found}"


@pytest.mark.parametrize("code", sorted(TABLE))
def test_reported_severity_is_the_catalogued_one(code):
    rule = codes.RULES[code]
    for item in TABLE[code]["trigger"]:
        file, source, kw = item_source(item)
        for d in lint(source, file, **kw):
            if d.code == code:
                assert d.severity.value == rule.severity
                assert d.name == rule.name
