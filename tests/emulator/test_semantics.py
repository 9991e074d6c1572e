"""Filter semantics: for generated filters over the schema's fields and the dataset's own values,
the emulator's answer (over HTTP) equals an independent, deliberately simple evaluation written
here over ``dataset.entities(...)``."""
from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from emkit import q, xml
from fel.schema import Kind, load_schema

SCHEMA = load_schema()
UNORDERED = (Kind.BOOLEAN, Kind.UID, Kind.REFERENCE)
OPS = ("==", "!=", "<", "<=", ">", ">=")


# ---- the independent evaluation -------------------------------------------------------------

def _plain(field, value):
    """A record value in comparable form, or None when it has none."""
    if value is None:
        return None
    if field.kind is Kind.ENUM:
        low = [v.lower() for v in field.enum]
        return low.index(value.lower()) if value.lower() in low else None
    if field.kind is Kind.STRING:
        return value.casefold()
    if field.kind is Kind.UID:
        return value.split(":")[-1].lower()
    if field.kind is Kind.REFERENCE:
        return value.lower()
    return value


def _holds(field, op, record_value, literal) -> bool:
    v = _plain(field, record_value)
    if v is None:
        return op == "!="
    return {"==": v == literal, "!=": v != literal, "<": v < literal, "<=": v <= literal,
            ">": v > literal, ">=": v >= literal}[op]


def _expected(entities, terms, joiner):
    def match(e):
        results = [_holds(f, op, e.fields.get(f.name), lit) for f, op, lit, _ in terms]
        return all(results) if joiner == ";" else any(results)
    return [e for e in entities if match(e)]


# ---- generating filters from the dataset --------------------------------------------------

def _literal(draw, field, value):
    """(comparable literal, filter text) for a value of the field, in one of EM's forms."""
    k = field.kind
    if k is Kind.STRING:
        text = draw(st.sampled_from([value, value.upper(), value + "x"]))
        return text.casefold(), '"' + text.replace('"', '""') + '"'
    if k is Kind.ENUM:
        text = draw(st.sampled_from(field.enum))
        return field.enum.index(text), draw(st.sampled_from([text, text.lower(), text.upper()]))
    if k is Kind.BOOLEAN:
        b = draw(st.booleans())
        return b, draw(st.sampled_from([str(b).lower(), str(b), str(b).upper()]))
    if k is Kind.INTEGER:
        n = value + draw(st.sampled_from([0, 0, 1, -1]))
        return n, str(n)
    if k is Kind.DECIMAL:
        x = value + draw(st.sampled_from([0.0, 0.05, -0.05]))
        return float(repr(x)), repr(x)
    if k is Kind.DATETIME:
        if draw(st.booleans()):
            day = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
            return day, f'"{day:%Y-%m-%d}"'
        return value, f'"{value:%Y-%m-%dT%H:%M:%S.%f}Z"'
    if k is Kind.UID:
        guid = value.split(":")[-1]
        text = draw(st.sampled_from([guid, guid.upper(), f"urn:veeam:X:{guid}"]))
        return guid.lower(), f'"{text}"'
    return value.lower(), '"' + value.replace('"', '""') + '"'


@st.composite
def queries(draw, dataset):
    qtype = draw(st.sampled_from(list(SCHEMA)))
    entities = dataset.entities(qtype.name)
    fields = [f for f in qtype.fields if any(e.fields.get(f.name) is not None for e in entities[:400])]
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        field = draw(st.sampled_from(fields))
        sample = [e.fields[field.name] for e in entities[:400] if e.fields.get(field.name) is not None]
        value = draw(st.sampled_from(sample))
        if field.kind is Kind.ENUM and value not in field.enum:
            value = field.enum[0]
        literal, text = _literal(draw, field, value)
        op = draw(st.sampled_from(("==", "!=") if field.kind in UNORDERED else OPS))
        terms.append((field, op, literal, f"{draw(st.sampled_from([field.name, field.name.lower()]))}{op}{text}"))
    joiner = draw(st.sampled_from([";", ","]))
    sort = draw(st.one_of(st.none(), st.sampled_from(fields)))
    return qtype, terms, joiner, sort, draw(st.booleans())


def _ids(root) -> list[str]:
    refs = root.findall(f"{q('Refs')}/{q('Ref')}")
    if refs:
        return [r.get("Href") for r in refs]
    return [e.get("Href") for holder in ("Entities", "Resources") for c in root.findall(q(holder)) for box in c
            for e in box]


def _sort_key(field):
    def key(e):
        v = _plain(field, e.fields.get(field.name))
        return (0,) if v is None else (1, v)
    return key


def test_generated_filters_match_an_independent_evaluation(api, base, dataset):
    dataset.build_all()

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(queries(dataset))
    def check(case):
        qtype, terms, joiner, sort, desc = case
        filt = joiner.join(t[3] for t in terms)
        expected = _expected(dataset.entities(qtype.name), terms, joiner)
        params = {"type": qtype.name, "filter": filt, "pageSize": "1"}
        counted = xml(api.get(base + "query", params=params).content)
        assert counted.tag == q("QueryResult"), (filt, counted.get("Message"))
        assert int(counted.find(q("PagingInfo")).get("PagesCount")) == len(expected), filt
        params["pageSize"] = "40"
        if sort is not None:
            params["sortDesc" if desc else "sortAsc"] = sort.name
            expected = sorted(expected, key=_sort_key(sort), reverse=desc)
        page = xml(api.get(base + "query", params=params).content)
        assert _ids(page) == [base.rstrip("/") + e.path for e in expected[:40]], filt

    check()


def test_grouping_and_precedence(api, base, dataset):
    """AND binds tighter than OR without parentheses; parentheses regroup."""
    sessions = dataset.entities("BackupJobSession")

    def count(filt):
        root = xml(api.get(base + "query", params={"type": "BackupJobSession", "filter": filt, "pageSize": 1}).content)
        return int(root.find(q("PagingInfo")).get("PagesCount"))

    a = lambda e: e.fields["Result"] == "Failed"  # noqa: E731
    b = lambda e: e.fields["IsRetry"]  # noqa: E731
    c = lambda e: e.fields["JobName"] == "Backup Job 2"  # noqa: E731
    assert count('Result==Failed,IsRetry==true;JobName=="Backup Job 2"') == sum(
        1 for e in sessions if a(e) or (b(e) and c(e)))
    assert count('(Result==Failed,IsRetry==true);JobName=="Backup Job 2"') == sum(
        1 for e in sessions if (a(e) or b(e)) and c(e))
