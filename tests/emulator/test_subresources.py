"""The last links of Veeam's entity examples (issue #9): a backup's child backups, a tenant's
storage and compute resources and free-license counters, the default job settings of vCloud and
vSphere self-service configs, and a job session's restore point — each written with the Href and
Type of Veeam's example, each answering 200 in XML and JSON with a body of that Type."""
from __future__ import annotations

import json

import pytest

from emkit import NOW, SEED, q, xml

from fel.emulator.dataset import Dataset
from fel.emulator.render import entity_node

JSON = {"Accept": "application/json"}

#: (entity type, link Rel, link Type, Href tail, root element, JSON list key or None, Type attribute)
CASES = [
    ("Backup", "Up", "BackupList", "/childbackups?format=Entity", "Backups", "Backups", None),
    ("CloudTenant", "Down", "CloudTenantResourceList", "/resources", "CloudTenantResources",
     "CloudTenantResources", None),
    ("CloudTenant", "Down", "CloudTenantComputeResourceList", "/computeResources", "CloudTenantComputeResources",
     "CloudTenantComputeResources", None),
    ("CloudTenant", "Related", "FreeLicenseCounters", "/freelicenseCounters", "CloudTenantFreeLicenseCounters",
     None, None),
    ("VCloudOrganizationConfig", "Down", "VCloudOrganizationConfigBackupJobSettings", "/backupJobSettings",
     "VCloudOrganizationConfigBackupJobSettings", None, "VCloudOrganizationConfigBackupJobSettings"),
    ("VsphereSelfServiceConfig", "Down", "VSphereSelfServiceConfigJobSettings", "/backupJobSettings",
     "VSphereSelfServiceConfigJobSettings", None, "VSphereSelfServiceConfigJobSettings"),
]


def _link(ent, base, rel, typ):
    found = [lk for lk in entity_node(ent, base.rstrip("/")).links if lk[0] == rel and lk[1] == typ]
    assert len(found) == 1, (ent.type, rel, typ)
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[c[2] for c in CASES])
def test_the_link_is_written_as_veeam_writes_it_and_answers_with_its_type(api, base, dataset, case):
    type_name, rel, typ, tail, root, json_list, type_attr = case
    ent = dataset.entities(type_name)[0]
    _rel, _typ, href, name = _link(ent, base, rel, typ)
    assert href == base.rstrip("/") + ent.path + tail
    if typ.endswith("JobSettings"):
        assert name == ent.name  # Veeam's example names the config on the link
    elif typ == "FreeLicenseCounters":
        assert name == "FreeLicenseCounters"

    r = api.get(href)
    assert r.status_code == 200, r.text[:300]
    body = xml(r.content)
    assert body.tag == q(root)
    assert body.get("Type") == type_attr
    rj = api.get(href, headers=JSON)
    assert rj.status_code == 200, rj.text[:300]
    obj = json.loads(rj.content.decode("utf-8-sig"))
    if json_list:
        assert obj == {json_list: []}  # the dataset has none: an empty list, as a real server answers
        assert len(body) == 0
    else:
        assert obj.get("Type") == type_attr
        ups = [lk for lk in obj["Links"] if lk["Rel"] == "Up"]
        assert [u["Href"] for u in ups] == [base.rstrip("/") + ent.path]  # back to the entity
        assert body.get("Href") == href == obj["Href"]


def test_free_license_counters_carry_veeams_seven_counters(api, base, dataset):
    tenant = dataset.entities("CloudTenant")[-1]
    obj = json.loads(api.get(f"{base.rstrip('/')}{tenant.path}/freelicenseCounters", headers=JSON).content)
    counters = [k for k in obj if k.endswith("Count")]
    assert counters == ["RentalVMBackupCount", "RentalWorkstationBackupCount", "RentalServerBackupCount",
                        "NewVMBackupCount", "NewWorkstationBackupCount", "NewServerBackupCount", "NewVMReplicaCount"]
    assert all(obj[k] == 0 for k in counters)  # no tenant-side jobs in the dataset


def test_child_backups_without_format_are_an_empty_reference_list(api, base, dataset):
    """Veeam's example of GET /backups/{id}/childbackups answers EntityReferences."""
    backup = dataset.entities("Backup")[0]
    body = xml(api.get(f"{base.rstrip('/')}{backup.path}/childbackups").content)
    assert body.tag == q("EntityReferences") and len(body) == 0


def test_a_job_session_links_to_the_restore_point_it_produced(api, base, dataset):
    sessions = dataset.entities("BackupJobSession")
    with_point = [s for s in sessions if any(lk.rel == "Related" for lk in s.links)]
    assert with_point and len(with_point) < len(sessions)  # failed and old sessions have none
    for s in with_point:
        (rp,) = [lk.target for lk in s.links if lk.rel == "Related"]
        assert rp.type == "RestorePoint"
        assert rp.fields["CreationTime"] == s.fields["EndTime"]
        assert rp.parent("Backup").fields["JobUid"] == s.fields["JobUid"]  # a backup of the session's job
        assert s.fields["Result"] != "Failed"
    s = with_point[0]
    _rel, _typ, href, name = _link(s, base, "Related", "RestorePointReference")
    rp = next(lk.target for lk in s.links if lk.rel == "Related")
    assert name == rp.name
    ref = xml(api.get(href).content)
    assert ref.tag == q("EntityRef") and ref.get("Type") == "RestorePointReference"
    assert api.get(href, headers=JSON).json()["Type"] == "RestorePointReference"


def _session_links(ds: Dataset) -> list[tuple]:
    return [tuple((lk.rel, lk.type, lk.target.path) for lk in s.links) for s in ds.entities("BackupJobSession")]


def test_session_links_do_not_depend_on_which_type_is_asked_for_first():
    sessions_first = Dataset(seed=SEED, now=NOW, scale=0.1)
    points_first = Dataset(seed=SEED, now=NOW, scale=0.1)
    points_first.entities("RestorePoint")
    assert _session_links(points_first) == _session_links(sessions_first)
    assert any(any(lk[0] == "Related" for lk in links) for links in _session_links(sessions_first))
