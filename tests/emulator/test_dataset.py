"""The dataset: deterministic, complete for all 48 types, consistent links, realistic values."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from emkit import NOW, doc_queries
from fel.emulator.dataset import FAMILIES, Dataset
from fel.emulator.links import DOWN_LINKS
from fel.emulator.render import entity_node
from fel.schema import Kind, load_schema

SCHEMA = load_schema()
#: Fields that are legitimately empty on some entities: NextRun of a disabled job, the
#: vCloud organisation of a non-vCD tenant.
OPTIONAL = {("Job", "NextRun"), ("CloudTenant", "OrganizationReference"),
            # listed on ObjectInAgentBackupJob's page (copied from NasObject's); agent jobs have no file share
            ("ObjectInAgentBackupJob", "FileServerUid"), ("ObjectInAgentBackupJob", "FileServerName")}
NEVER = datetime(1753, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def full(dataset):
    dataset.build_all()
    return dataset


def test_every_type_has_a_family_and_entities(full):
    assert set(FAMILIES) == {t.name for t in SCHEMA}
    for t in SCHEMA:
        assert full.entities(t.name), t.name


@pytest.mark.parametrize("qtype", list(SCHEMA), ids=lambda t: t.name)
def test_every_field_has_a_typed_value(full, qtype):
    py = {Kind.STRING: str, Kind.ENUM: str, Kind.UID: str, Kind.REFERENCE: str, Kind.BOOLEAN: bool,
          Kind.INTEGER: int, Kind.DECIMAL: float, Kind.DATETIME: datetime}
    for ent in full.entities(qtype.name):
        assert set(ent.fields) <= set(qtype.field_names), set(ent.fields) - set(qtype.field_names)
        for f in qtype.fields:
            v = ent.fields.get(f.name)
            if v is None:
                assert (qtype.name, f.name) in OPTIONAL, (qtype.name, f.name)
                continue
            assert isinstance(v, py[f.kind]) and not (f.kind is Kind.INTEGER and isinstance(v, bool)), (f.name, v)
            if f.kind is Kind.ENUM:
                assert v in f.enum or (f.name == "Result" and v == "None"), (f.name, v)
            if f.kind is Kind.DATETIME:
                assert v.tzinfo is not None


@pytest.mark.parametrize("qtype", list(SCHEMA), ids=lambda t: t.name)
def test_link_fields_agree_with_rendered_links(full, qtype):
    """Fields read from links (BackupServerName …) equal the link the entity shows."""
    for ent in full.entities(qtype.name)[:50]:
        links = entity_node(ent, "http://x/api").links
        for f in qtype.fields:
            if not (f.element or "").startswith("link:"):
                continue
            _, rel, rest = f.element.split(":", 2)
            ltype, _, part = rest.partition("@")
            found = [lk for lk in links if lk[0] == rel and lk[1] == ltype]
            assert found, (qtype.name, f.name)
            if part == "Name":
                assert found[0][3] == ent.fields[f.name]
            else:
                assert found[0][2].split("/")[-1].split("?")[0] in ent.fields[f.name]


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = Dataset(seed=3, now=NOW), Dataset(seed=3, now=NOW), Dataset(seed=4, now=NOW)
    # build in different orders: a family never depends on what was asked first
    a.entities("BackupTaskSession")
    b.entities("Job")
    for t in ("BackupJobSession", "BackupTaskSession", "VmRestorePoint", "CloudTenant"):
        assert [(e.id, e.fields) for e in a.entities(t)] == [(e.id, e.fields) for e in b.entities(t)]
    assert [e.id for e in a.entities("BackupJobSession")] != [e.id for e in c.entities("BackupJobSession")]
    # the names Veeam's examples filter on do not depend on the seed
    assert {e.name for e in c.entities("BackupServer")} >= {"enterprise06.tech.local", "172.24.31.67"}


def test_default_estate_and_scale():
    small = Dataset(seed=1, now=NOW)
    n = small.count("BackupJobSession")
    assert 2000 <= n <= 6000
    assert 40 <= small.count("Job") <= 80
    assert small.count("BackupServer") == 4
    big = Dataset(seed=1, now=NOW, scale=3)
    assert big.count("BackupJobSession") > 2.5 * n
    with pytest.raises(ValueError):
        Dataset(scale=0)


def test_times_are_utc_and_not_in_the_future(full):
    for t in ("BackupJobSession", "BackupTaskSession", "RestorePoint", "VmRestorePoint", "CdpReplicaSession",
              "RestoreSession", "CloudFailoverSession"):
        for e in full.entities(t):
            for f, v in e.fields.items():
                if isinstance(v, datetime) and v != NEVER and "Next" not in f:
                    assert v <= NOW, (t, f, v)
    recent = [e for e in full.entities("BackupJobSession") if e.fields["CreationTime"] > NOW - timedelta(days=1)]
    assert len(recent) > 50
    running = [e for e in full.entities("BackupJobSession") if e.fields["State"] == "Working"]
    assert running and all(e.fields["EndTime"] == NEVER for e in running)


def test_results_are_realistic(full):
    sessions = full.entities("BackupJobSession")
    share = {r: sum(1 for s in sessions if s.fields["Result"] == r) / len(sessions) for r in ("Success", "Warning", "Failed")}
    assert share["Success"] > 0.7 and 0.01 < share["Failed"] < 0.15 and share["Warning"] > 0.02
    retries = [s for s in sessions if s.fields["IsRetry"]]
    assert retries


def test_names_exercise_quoting(full):
    names = {e.name for t in ("Job", "Repository", "CloudTenant", "ObjectInJob") for e in full.entities(t)}
    for ch in ' "&;,+%\\':
        assert any(ch in n for n in names), repr(ch)
    assert any(any(ord(c) > 127 for c in n) for n in names)


def test_doc_example_values_exist(full):
    text = "\n".join(doc_queries())
    for needle, type_name, field, value in [
        ("Exchange Backup", "Job", "Name", "Exchange Backup"),
        ("enterprise06.tech.local", "BackupServer", "Name", "enterprise06.tech.local"),
        ("dbserver01", "VmRestorePoint", "VmDisplayName", "dbserver01"),
        ("ABC Company", "CloudTenant", "Name", "ABC Company"),
        ("virt03-ubuntu01", "CdpReplicaTaskSession", "VmDisplayName", "virt03-ubuntu01"),
        ("Backup Repository 1", "Repository", "Name", "Backup Repository 1"),
        ("vApp002", "vAppReplicaPoint", "vAppName", "vApp002"),
    ]:
        assert needle in text
        assert full.find(type_name, **{field: value}), (type_name, field, value)


def test_children_and_resolution(full):
    session = full.entities("BackupJobSession")[0]
    tasks = full.children(session, "BackupTaskSession")
    assert tasks and all(t.fields["JobSessionUid"] == session.uid for t in tasks)
    assert full.resolve(session.path) == ("entity", session)
    assert full.resolve(session.path.upper().replace("BACKUPSESSIONS", "backupsessions")) == ("entity", session)
    kind, (parent, dl) = full.resolve(session.path + "/taskSessions")
    assert (kind, parent, dl.child) == ("list", session, "BackupTaskSession")
    assert full.resolve("/backupServers") == ("collection", "BackupServer")
    assert full.resolve("/backupSessions/nope") is None
    for parent_type, downs in DOWN_LINKS.items():
        parent = full.entities(parent_type)[0]
        for dl in downs:
            assert full.resolve(f"{parent.path}/{dl.segment}") == ("list", (parent, dl))
            for alias in dl.aliases:
                assert full.resolve(f"{parent.path}/{alias}") == ("list", (parent, dl))


@pytest.mark.parametrize("now", [datetime(2025, 1, 1, tzinfo=timezone.utc),            # before the pinned 2025-08 sessions
                                 datetime(2021, 6, 15, 9, 0, 5, tzinfo=timezone.utc),  # during the pinned CDP session
                                 datetime(2026, 3, 1, tzinfo=timezone.utc)])            # a midnight
def test_nothing_in_the_dataset_happens_after_now(now):
    """Every timestamp is at or before ``now``; only ``NextRun`` (a schedule) looks ahead."""
    ds = Dataset(seed=3, now=now, scale=0.1)
    ds.build_all()
    later = {}
    for t in SCHEMA:
        for ent in ds.entities(t.name):
            for key, value in list(ent.fields.items()) + list(ent.extras.items()):
                if isinstance(value, datetime) and value > now and key != "NextRun":
                    later.setdefault((t.name, key), value)
    assert not later
    assert ds.entities("BackupJobSession") and all(s.fields["CreationTime"] <= now for s in ds.entities("BackupJobSession"))
