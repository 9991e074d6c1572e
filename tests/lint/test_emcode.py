"""Real-world-shaped EM clients: every finding where it belongs, and nothing else.

``emcode/`` holds files written for these tests, modelled on public scripts that talk to
Enterprise Manager (monitoring collectors in Groovy, Jenkins pipelines, Kotlin/Scala/C#/Dart/
Ruby clients, Markdown notes); ``golden/emcode.json`` lists the findings expected in each, as
``line:column CODE``. They exercise map literals in Groovy/Kotlin/Scala, integer values in
Ruby hashes, Markdown emphasis and inline code inside prose URLs, and typographic quotes.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import lint, load_golden, position

EMCODE = Path(__file__).parent / "emcode"
GOLDEN = {k: v for k, v in load_golden("emcode.json").items() if not k.startswith("_")}


def test_golden_names_every_file():
    assert sorted(GOLDEN) == sorted(p.name for p in EMCODE.iterdir())


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_findings(name):
    src = (EMCODE / name).read_text(encoding="utf-8")
    found = ["%d:%d %s" % (*position(src, d.span.start), d.code) for d in lint(src, name)]
    assert found == GOLDEN[name]


def _codes(source: str, file: str) -> list[str]:
    return [d.code for d in lint(source, file)]


# ---- map literals ------------------------------------------------------------------------------
@pytest.mark.parametrize("file,source", [
    ("a.groovy", "def query = [type: 'HierarchyRoot', filter: \"Name==\\\"${name}\\\"\", format: \"Entities\", pageSize: '1']\n"),
    ("a.groovy", "def q = ['type': 'Job', 'format': 'Entities', 'pageSize': 10]\n"),
    ("a.kt", "val p = mapOf(\"type\" to \"Job\", \"format\" to \"Entities\", \"pageSize\" to 10)\n"),
    ("a.scala", "val p = Map(\"type\" -> \"Job\", \"format\" -> \"Entities\", \"pageSize\" -> 10)\n"),
    ("a.rb", "conn.get('/api/query', { type: 'BackupJobSession', format: 'Entities', pageSize: 5 })\n"),
    ("a.rb", "conn.get('/api/query', { :type => 'Job', :format => 'Entities', :pageSize => 1000 })\n"),
    ("a.py", "requests.get(u, params={'type': 'Job', 'format': 'Entities', 'pageSize': 100})\n"),
    ("a.js", "axios.get(u, { params: { type: 'Job', format: 'Entities', pageSize: 100 } });\n"),
])
def test_maps_are_assembled_with_their_numbers(file, source):
    assert _codes(source, file) == []


@pytest.mark.parametrize("file,source,code", [
    ("a.groovy", "def q = [type: 'Jbo', format: 'Entities', pageSize: 10]\n", "FEL102"),
    ("a.groovy", "def q = [type: 'Job', format: 'Entities']\n", "FEL306"),
    ("a.kt", "val p = mapOf(\"type\" to \"Job\", \"format\" to \"Entitys\", \"pageSize\" to 10)\n", "FEL303"),
    ("a.scala", "val p = Map(\"type\" -> \"Job\", \"filter\" -> \"Nmae==x\", \"pageSize\" -> 10)\n", "FEL101"),
    ("a.rb", "conn.get('/api/query', { type: 'Job', format: 'Entities', pageSize: 0 })\n", "FEL3"),
])
def test_maps_are_checked(file, source, code):
    assert any(c.startswith(code) for c in _codes(source, file)), _codes(source, file)


def test_two_maps_are_two_queries():
    src = ('val a = mapOf("type" to "Job", "format" to "Entities", "pageSize" to "5")\n'
           'val b = hashMapOf("type" to "Repository", "format" to "Entities", "pageSize" to 50)\n')
    assert _codes(src, "a.kt") == []


# ---- Markdown: read as rendered, positions in the file -----------------------------------------
def test_issue_example_reads_as_rendered():
    src = "Use /api/query?**type=BackupJobSession**&format=Entities&**filter=JobType==NasBackup**&pageSize=5 here.\n"
    assert _codes(src, "a.md") == []


@pytest.mark.parametrize("source,code,text", [
    ("See /api/query?**type=Jobb**&pageSize=5.\n", "FEL102", "Jobb"),
    ("See `/api/query?type=Job`&**filter=Nmae==x**&pageSize=5.\n", "FEL101", "Nmae"),
    ("See *https://em.example.local:9419/api/query?type=Job&pageSize=5*.\n", "FEL403", "9419"),
    ("See https://em:9398/api/query?type=Job&filter=Name==\u201cExchange Backup\u201d&pageSize=10 now.\n", "FEL002",
     "\u201cExchange Backup\u201d"),
])
def test_markdown_findings_point_into_the_file(source, code, text):
    diags = [d for d in lint(source, "a.md") if d.code == code]
    assert len(diags) == 1
    assert source[diags[0].span.start:diags[0].span.end] == text


def test_prose_typographic_quote_matches_fel_check():
    import fel
    url = "https://em:9398/api/query?type=Job&filter=Name==\u201cExchange Backup\u201d&pageSize=10"
    checked = [d.code for d in fel.check(url)]
    assert _codes(f"Copied from a post: {url} - broken.\n", "a.md") == checked == ["FEL002"]


def test_whole_inline_code_and_plain_emphasis_unchanged():
    assert _codes("Call `/api/query?type=Jobb&pageSize=5` and **bold** text.\n", "a.md") == ["FEL102"]
    assert _codes("Snake_case_words and *emphasis* near /api/query?type=Job&pageSize=5.\n", "a.md") == []


def test_url_inside_a_longer_inline_code_span_is_code():
    src = "`GET https://em:9398/api/query?type=Jobb&pageSize=5` with the session header.\n"
    diags = lint(src, "a.md")
    assert [d.code for d in diags] == ["FEL102"]
    assert src[diags[0].span.start:diags[0].span.end] == "Jobb"


def test_prose_url_in_a_json_string_is_not_a_query():
    # Veeam doc links with a sentence after them, as stored in a JSON notes field
    src = '{"11": "https://helpcenter.example.com/em_rest/get_sessions.html (see GET /query?type=BackupJobSession)"}\n'
    assert _codes(src, "a.json") == []


@pytest.mark.parametrize("file,source", [
    ("a.groovy", "def q = [type: queryType, filter: 'Result==Failed&State==Stopped', format: 'Entities', pageSize: size]\n"),
    ("a.rb", "resp = conn.get('query', type: kind, format: 'Entities', filter: 'JobName==x&Result==Failed', pageSize: 5)\n"),
    ("a.js", "axios.get(u, { params: { type: t, format: 'Entities', filter: 'Result==Failed&State==Stopped', pageSize: 50 } });\n"),
])
def test_maps_with_variable_values_are_assembled(file, source):
    assert _codes(source, file) == ["FEL004"]  # the `&` inside the filter value (sent encoded)


@pytest.mark.parametrize("file,source", [
    ("a.ts", "function get(type: string, filter: string, pageSize: number) { return fetch(u); }\n"),
    ("a.py", "def get(type: str, filter: str, page: int = 1):\n    pass\n"),
    ("a.py", "def get(type: Optional[str] = None, format: str = 'Entities'):\n    pass\n"),
])
def test_annotations_are_not_maps(file, source):
    assert _codes(source, file) == []
