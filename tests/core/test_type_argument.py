"""A type given beside a bare filter (`fel check --type T`, ``fel.check(text, type=T)``) is not
part of the text: a wrong one is FEL102 with a did-you-mean, but no fix that would write the
suggestion into the filter (at 0:0 it turned ``Name==x`` into ``JobName==x``)."""
from __future__ import annotations

import pytest

import fel
from fel.cli import main
from fel.diagnostics import apply_fixes


@pytest.mark.parametrize("text", ["Name==x", "Platform==VMware;Name==\"a b\""])
def test_a_wrong_type_argument_has_a_hint_but_no_fix_into_the_text(text):
    (diag,) = [d for d in fel.check(text, type="Jobb") if d.code == "FEL102"]
    assert diag.fix is None and "`Job`" in (diag.hint or "")
    assert "the type given for the bare filter" in diag.message
    assert apply_fixes(text, [diag], safe_only=False) == text


def test_a_wrong_type_in_the_text_keeps_its_fix():
    text = "type=Jobb&filter=Name==x"
    (diag,) = [d for d in fel.check(text) if d.code == "FEL102"]
    assert diag.message == "`Jobb` is not a query type"
    assert apply_fixes(text, [diag], safe_only=False) == "type=Job&filter=Name==x"


def test_cli_says_which_type(capsys):
    assert main(["check", "--type", "Jobb", "Name==x"]) == 1
    out, _ = capsys.readouterr()
    assert "`Jobb` (the type given for the bare filter) is not a query type" in out and "= fix:" not in out


def test_unknown_type_hint_names_the_command_in_both_places():
    import fel

    (d,) = [d for d in fel.check("Xyzzy") if d.code == "FEL102"]
    assert "`fel schema`" in d.hint and "`\\types` in the REPL" in d.hint


def test_version_message_says_what_is_accepted():
    import pytest

    from fel.schema.versions import parse_version

    with pytest.raises(ValueError, match="9.0 or newer"):
        parse_version("8.0")
    assert str(parse_version("14")) and parse_version("14") > parse_version("13.1")


def test_a_name_with_non_ascii_letters_is_named_whole():
    """`Jöb` used to be reported at `ö` ("expected `where` …, found `öb`"): the whole word is the
    problem, in statements and raw filters alike; a quoted or bare value may hold such letters."""
    import fel

    for text, word in (("Jöb", "Jöb"), ("Job where Nämé == x", "Nämé"), ("type=Job&filter=Nämé==x&pageSize=5", "Nämé"),
                       ("Job where Name == x and Stätus == y", "Stätus")):
        errors = [d for d in fel.check(text) if d.is_error]
        assert len(errors) == 1 and errors[0].code == "FEL001", (text, errors)
        d = errors[0]
        assert text[d.span.start:d.span.end] == word and "ASCII" in d.message
    assert not [d for d in fel.check('Job where Name == Zürich and Description == "Ünïcode"') if d.is_error]
