"""The table-driven literal scanner: each kind of literal decodes as its language does.

Golden table: (file, source, the first literal's decoded text with holes as FELHOLE, fixable).
"""
from __future__ import annotations

import pytest

from fel.lint.extract import lex
from fel.lint.languages import language_for

H = "FELHOLE"
CASES = [
    ("x.py", "u = 'a\\tb\\x41\\u00e9'", "a\tbA\u00e9", True),
    ("x.py", "u = r'a\\'b'", "a\\'b", True),
    ("x.py", "u = f'{{a b}} {y!r} z'", "{a b} " + H + " z", True),
    ("x.py", "u = '''a\nb'''", "a\nb", True),
    ("x.py", "u = 'open\nx = 1", "open", False),
    ("x.js", "u = `a${b + `c`}d`", "a" + H + "d", True),
    ("x.js", 'u = "\\ud83d\\ude00"', "\U0001F600", True),
    ("x.cs", 'u = @"a""b{c d}"', 'a"b{c d}', True),
    ("x.cs", 'u = $@"a{{{c}}}"', "a{" + H + "}", True),
    ("x.cs", 'u = $"a{c,5}"', "a" + H, True),
    ("x.dart", "u = 'a$b ${c.d}e'", "a" + H + " " + H + "e", True),
    ("x.groovy", 'u = "a${b}c$d"', "a" + H + "c" + H, True),
    ("x.groovy", "u = 'a${b}'", "a" + H, True),
    ("x.pl", 'my $u = "a$h{x}->[1] @list\\n";', "a" + H + " " + H + "\n", True),
    ("x.pl", "my $u = q{a{b c}\\}d};", "a{b c}}d", True),
    ("x.pl", "my $u = qq(a(b)$x);", "a(b)" + H, True),
    ("x.php", '$u = "a{$b->c}d${e}f$g->h[1]i";', "a" + H + "d" + H + "f" + H + "i", True),
    ("x.sh", 'u="a\\$b$c\\\nd`e`f"', "a$b" + H + "d" + H + "f", True),
    ("x.sh", "cat <<EOF\na \\$ b $c\nEOF\n", "a $ b " + H, True),
    ("x.ps1", "$u = 'it''s'", "it's", True),
    ("x.ps1", '$u = "a""b`t$($x.y)${z}$env:HOME"', 'a"b\t' + H + H + H, True),
    ("x.ps1", '$u = @"\nline `$ x $y\n"@', "line $ x " + H, True),
    ("x.ps1", "$u = 'open", "open", False),
]


@pytest.mark.parametrize("file,source,text,fixable", CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_first_literal(file, source, text, fixable):
    segs = lex(source, language_for(file))
    lits = [t.lit for _, lexed in segs for t in lexed.toks if t.kind == "str" and t.lit is not None]
    lit = max(lits, key=lambda lit: len(lit.text))
    assert lit.text == text
    assert lit.fixable is fixable
    assert len(lit.starts) == len(lit.ends) == len(lit.text)
    for s, e in zip(lit.starts, lit.ends):
        assert 0 <= s <= e <= len(source)
