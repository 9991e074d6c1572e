"""fel.evaluate: filter semantics over records (golden table, errors, sorting, properties)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from fel.evaluate import (EvaluationError, compile_filter, evaluate, parse_datetime, select, sort_key,
                          uid_key)
from fel.schema import load_schema
from fel.syntax.parser import parse_filter

UTC = timezone.utc
SCHEMA = load_schema()
GUID = "dce85686-59c8-42c4-8766-f1c00a5b8067"

SESSION = {
    "Name": "Backup Job 2@2025-08-15 20:00:24", "JobName": "Backup Job 2", "Result": "Warning",
    "State": "Stopped", "JobType": "Backup", "IsRetry": False,
    "CreationTime": datetime(2025, 8, 15, 20, 0, 24, 3406, tzinfo=UTC),
    "EndTime": datetime(2025, 8, 15, 20, 4, 13, tzinfo=UTC),
    "JobUid": f"urn:veeam:Job:{GUID}", "BackupServerName": "enterprise06.tech.local",
}
REPO = {"Name": 'Offsite "Cold" Storage', "FreeSpace": 12 * 2**30, "Capacity": 1024 * 2**30}
FILE = {"Name": "a.vbk", "CompressRatio": 1.5, "FileType": "vbk", "BackupSize": 100}
POINT = {"HierarchyObjRef": "urn:VMware:Vm:B5A60ACE.vm-31017", "VmName": "dbserver01"}

# (type, filter, record, expected)
GOLDEN = [
    # enums: case-insensitive, ordered by documented position (Success < Warning < Failed)
    ("BackupJobSession", "Result==Warning", SESSION, True),
    ("BackupJobSession", "result==warning", SESSION, True),
    ("BackupJobSession", 'Result=="WARNING"', SESSION, True),
    ("BackupJobSession", "Result>Success", SESSION, True),
    ("BackupJobSession", "Result>Warning", SESSION, False),
    ("BackupJobSession", "Result>=Warning", SESSION, True),
    ("BackupJobSession", "Result<Failed", SESSION, True),
    ("BackupJobSession", "Result!=Failed", SESSION, True),
    # strings: case-insensitive by default; quoting; unquoted spaces are dropped (EM)
    ("BackupJobSession", 'JobName=="backup job 2"', SESSION, True),
    ("BackupJobSession", 'JobName=="Backup Job 3"', SESSION, False),
    ("BackupJobSession", "JobName==Backup Job 2", SESSION, False),
    ("BackupJobSession", "JOBNAME!=x", SESSION, True),
    ("BackupJobSession", 'JobName>"Backup Job 1"', SESSION, True),
    ("Repository", 'Name=="Offsite ""Cold"" Storage"', REPO, True),
    # typographic quotes are part of the value on EM: nothing matches
    ("BackupJobSession", "JobName==\u201cBackup Job 2\u201d", SESSION, False),
    # booleans in any case, quoted or not
    ("BackupJobSession", "IsRetry==false", SESSION, True),
    ("BackupJobSession", "IsRetry==FALSE", SESSION, True),
    ("BackupJobSession", 'IsRetry=="True"', SESSION, False),
    # DateTime in UTC: date only is midnight, fractions, Z, offsets, no Z, space for T
    ("BackupJobSession", 'CreationTime>="2025-08-15"', SESSION, True),
    ("BackupJobSession", 'CreationTime<"2025-08-16"', SESSION, True),
    ("BackupJobSession", 'CreationTime>="2025-08-15T20:00:24Z"', SESSION, True),
    ("BackupJobSession", 'CreationTime>"2025-08-15T20:00:24.003406Z"', SESSION, False),
    ("BackupJobSession", 'CreationTime>"2025-08-15T20:00:24.0034059Z"', SESSION, True),
    ("BackupJobSession", 'CreationTime=="2025-08-15T20:00:24.003406Z"', SESSION, True),
    ("BackupJobSession", 'CreationTime>="2025-08-15T22:00:00+02:00"', SESSION, True),
    ("BackupJobSession", 'CreationTime>="2025-08-15 20:00:00"', SESSION, True),
    ("BackupJobSession", "CreationTime<2025-08-15T21:00:00Z", SESSION, True),
    ("BackupJobSession", 'EndTime<="2025-08-15T20:04:13Z"', SESSION, True),
    # UID: URN and bare GUID match each other, GUID case-insensitive
    ("BackupJobSession", f"JobUid=={GUID}", SESSION, True),
    ("BackupJobSession", f"JobUid=={GUID.upper()}", SESSION, True),
    ("BackupJobSession", f'JobUid=="urn:veeam:Job:{GUID}"', SESSION, True),
    ("BackupJobSession", f"JobUid==urn:veeam:Job:{GUID.replace('d', 'e')}", SESSION, False),
    ("BackupJobSession", f"JobUid!={GUID}", SESSION, False),
    # numbers compare numerically
    ("Repository", "FreeSpace<107374182400", REPO, True),
    ("Repository", "FreeSpace>=12884901888", REPO, True),
    ("Repository", "Capacity<=+1099511627776", REPO, True),
    ("BackupFile", "CompressRatio>1.25", FILE, True),
    ("BackupFile", "CompressRatio==1.5", FILE, True),
    ("BackupFile", "CompressRatio<1", FILE, False),
    ("BackupFile", "BackupSize==100", FILE, True),
    # references: case-insensitive equality
    ("VmRestorePoint", 'HierarchyObjRef=="urn:vmware:vm:b5a60ace.vm-31017"', POINT, True),
    # missing values match only !=
    ("BackupJobSession", "BackupServerUid==7445e6ce-86f5-4171-b909-dac209c66563", SESSION, False),
    ("BackupJobSession", "BackupServerUid!=7445e6ce-86f5-4171-b909-dac209c66563", SESSION, True),
    ("BackupJobSession", 'CreationTime>="2020-01-01"', {}, False),
    # AND, OR, grouping (AND binds tighter)
    ("BackupJobSession", "Result==Warning;State==Stopped", SESSION, True),
    ("BackupJobSession", "Result==Failed;State==Stopped", SESSION, False),
    ("BackupJobSession", "Result==Failed,State==Stopped", SESSION, True),
    ("BackupJobSession", "Result==Failed,Result==Success;State==Stopped", SESSION, False),
    ("BackupJobSession", "(Result==Failed,Result==Warning);State==Stopped", SESSION, True),
    ("BackupJobSession", "(Result==Warning)", SESSION, True),
    # fel's friendly layer, for completeness
    ("BackupJobSession", "Result in (Failed, Warning)", SESSION, True),
    ("BackupJobSession", "Result not in (Failed, Warning)", SESSION, False),
    ("BackupJobSession", "not Result == Failed", SESSION, True),
    ("BackupJobSession", "not (Result == Warning or Result == Failed)", SESSION, False),
]


@pytest.mark.parametrize("type_name,text,record,expected", GOLDEN, ids=[g[1] for g in GOLDEN])
def test_golden(type_name, text, record, expected):
    assert evaluate(parse_filter(text), SCHEMA.type(type_name), record) is expected


def test_case_sensitive_strings_are_a_parameter():
    qtype = SCHEMA.type("BackupJobSession")
    expr = parse_filter('JobName=="backup job 2"')
    assert evaluate(expr, qtype, SESSION) is True
    assert evaluate(expr, qtype, SESSION, case_sensitive=True) is False
    # enums and field names stay case-insensitive either way
    assert evaluate(parse_filter("result==warning"), qtype, SESSION, case_sensitive=True) is True


def test_no_filter_matches_everything():
    assert compile_filter(None, SCHEMA.type("Job"))({}) is True


def test_record_values_may_be_strings_or_naive():
    qtype = SCHEMA.type("BackupJobSession")
    record = {"CreationTime": "2025-08-15T20:00:24Z", "EndTime": datetime(2025, 8, 15, 20, 4),
              "IsRetry": "True", "Result": "failed"}
    assert evaluate(parse_filter('CreationTime>="2025-08-15";EndTime<"2025-08-15T20:05:00Z"'), qtype, record)
    assert evaluate(parse_filter("IsRetry==true;Result==Failed"), qtype, record)


@pytest.mark.parametrize("type_name,text,name", [
    ("BackupJobSession", "Status==Failed", "unknown-field"),
    ("BackupJobSession", "Result==Error", "unknown-enum-value"),
    ("BackupJobSession", "IsRetry==yes", "invalid-boolean"),
    ("BackupJobSession", 'CreationTime>="yesterday"', "invalid-datetime"),
    ("BackupJobSession", 'CreationTime>="2025-13-01"', "invalid-datetime"),
    ("BackupJobSession", "JobUid==1234", "invalid-uid"),
    ("Repository", "FreeSpace<100GB", "invalid-number"),
    ("Repository", "FreeSpace<1.5", "invalid-number"),
    ("BackupFile", "CompressRatio>high", "invalid-number"),
    ("BackupJobSession", "Result=Failed", "single-equals"),
    ("BackupJobSession", "Result in (Failed, Bogus)", "unknown-enum-value"),
])
def test_errors_name_the_problem(type_name, text, name):
    with pytest.raises(EvaluationError) as info:
        compile_filter(parse_filter(text), SCHEMA.type(type_name))
    assert info.value.name == name
    assert info.value.span.end > info.value.span.start


def test_unknown_field_message_names_field_and_type():
    with pytest.raises(EvaluationError, match="'Status' is not a field of BackupJobSession"):
        compile_filter(parse_filter("Status==Failed"), SCHEMA.type("BackupJobSession"))


def test_parse_datetime_forms():
    assert parse_datetime("2021-06-15") == datetime(2021, 6, 15, tzinfo=UTC)
    assert parse_datetime("2025-08-16T05:17:38.2214267Z") == datetime(2025, 8, 16, 5, 17, 38, 221426, tzinfo=UTC)
    assert parse_datetime("2025-08-16T07:00:00+02:00") == datetime(2025, 8, 16, 5, tzinfo=UTC)
    assert parse_datetime("2025-08-16 05:00") == datetime(2025, 8, 16, 5, tzinfo=UTC)
    for bad in ("", "yesterday", "2025-02-30", "16/08/2025", "2025-08-16T25:00:00Z"):
        assert parse_datetime(bad) is None


def test_uid_key():
    assert uid_key(f"urn:veeam:Job:{GUID.upper()}") == GUID
    assert uid_key("{" + GUID + "}") == GUID


def test_sort_key_orders_enums_by_position_and_missing_first():
    qtype = SCHEMA.type("BackupJobSession")
    records = [{"Result": "Failed"}, {"Result": "Success"}, {}, {"Result": "Warning"}]
    ordered = sorted(records, key=sort_key("result", qtype))
    assert [r.get("Result") for r in ordered] == [None, "Success", "Warning", "Failed"]
    names = [{"Name": "b"}, {"Name": "A"}, {"Name": "c"}]
    assert [r["Name"] for r in sorted(names, key=sort_key("Name", qtype))] == ["A", "b", "c"]
    assert [r["Name"] for r in sorted(names, key=sort_key("Name", qtype, case_sensitive=True))] == ["A", "b", "c"]
    with pytest.raises(EvaluationError):
        sort_key("Bogus", qtype)


def test_select_keeps_order():
    qtype = SCHEMA.type("BackupJobSession")
    records = [{"Result": r} for r in ("Failed", "Success", "Warning", "Failed")]
    assert select(records, parse_filter("Result>Success"), qtype) == [records[0], records[2], records[3]]


# ---- properties ---------------------------------------------------------------------------

RESULTS = ("Success", "Warning", "Failed")
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))


@settings(max_examples=200, deadline=None)
@given(value=st.sampled_from(RESULTS), literal=st.sampled_from(RESULTS),
       op=st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), case=st.sampled_from([str.lower, str.upper, str]))
def test_enum_comparisons_follow_documented_order(value, literal, op, case):
    expected = eval(f"{RESULTS.index(value)} {op} {RESULTS.index(literal)}")  # noqa: S307 - ints only
    got = evaluate(parse_filter(f"{case('Result')}{op}{case(literal)}"), SCHEMA.type("BackupJobSession"),
                   {"Result": value})
    assert got is expected


@settings(max_examples=200, deadline=None)
@given(value=times, literal=times, op=st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
def test_datetime_comparisons_are_utc_instants(value, literal, op):
    text = literal.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    expected = {"==": value == literal, "!=": value != literal, "<": value < literal,
                "<=": value <= literal, ">": value > literal, ">=": value >= literal}[op]
    # the same instant written with a +02:00 offset means the same thing
    shifted = (literal + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "+02:00"
    qtype = SCHEMA.type("BackupJobSession")
    for lit in (text, shifted):
        assert evaluate(parse_filter(f'CreationTime{op}"{lit}"'), qtype, {"CreationTime": value}) is expected


@settings(max_examples=100, deadline=None)
@given(guid=st.uuids(), upper=st.booleans(), urn=st.booleans())
def test_uid_matches_bare_and_urn_forms(guid, upper, urn):
    text = str(guid).upper() if upper else str(guid)
    literal = f'"urn:veeam:Job:{text}"' if urn else text
    qtype = SCHEMA.type("BackupJobSession")
    assert evaluate(parse_filter(f"JobUid=={literal}"), qtype, {"JobUid": f"urn:veeam:Job:{guid}"})
    assert evaluate(parse_filter(f"JobUid=={literal}"), qtype, {"JobUid": str(guid)})
