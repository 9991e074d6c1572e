"""The lookup service from fel's side: Client.lookup, `fel lookup` and the REPL's \\lookup, each
against the emulator; parameters checked before anything is sent, with did-you-mean."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from fel.client import Client
from fel.client.lookup import LOOKUP_TYPES, HierarchyItem, InvalidLookup, check_lookup, decode_items, lookup_href
from fel.emulator import lookup as emulator_lookup


@pytest.fixture(scope="module")
def root(dataset):
    """The vCenter of the server that runs "Backup Job 2" (dbserver01 …)."""
    server = dataset.find("Job", Name="Backup Job 2")[0].parent("BackupServer")
    return next(r for r in dataset.children(server, "HierarchyRoot") if r.fields["HostType"] == "VC")


@pytest.fixture(params=["xml", "json"])
def client(request, emulator):
    with Client(emulator.url, *emulator.credentials, wire=request.param) as c:
        yield c


def test_client_lookup_finds_the_vm(client, root):
    items = client.lookup(host=root.uid, name="DBServer01", type="vm")
    assert len(items) == 1 and isinstance(items[0], HierarchyItem)
    assert (items[0].object_name, items[0].object_type) == ("dbserver01", "Vm")
    assert items[0].object_ref.startswith(f"urn:VMware:Vm:{root.id}.")
    hosts = client.lookup(host=root.id, name="esx*", type="Host")  # a bare GUID works too
    assert [h.object_type for h in hosts] == ["Host", "Host"]
    assert client.lookup(host=root.uid, name="no such vm", type="Vm") == []


def test_a_name_with_spaces_is_encoded(client, dataset):
    roots = [r for r in dataset.entities("HierarchyRoot") if r.fields["HostType"] != "ESXi"]
    found = [i for r in roots for i in client.lookup(host=r.uid, name="jump host 1", type="Vm")]
    assert [i.object_name for i in found] == ["jump host 1"]
    signs = [i for r in roots for i in client.lookup(host=r.uid, name="proxy&cache", type="Vm")]
    assert [i.object_name for i in signs] == ["proxy&cache"]


@pytest.mark.parametrize("host,name,type_,words", [
    ("", "x", "Vm", "host is missing"),
    ("urn:veeam:Job:0a6262a1-8add-49c5-85ea-0b1ba9361a3b", "x", "Vm", "is a Job UID"),
    ("srv01", "x", "Vm", "not a GUID"),
    ("urn:veeam:HierarchyRoot:0a6262a1-8add-49c5-85ea-0b1ba9361a3b", " ", "Vm", "name is missing"),
    ("0a6262a1-8add-49c5-85ea-0b1ba9361a3b", "x", "VirtualMachine", "did you mean Vm"),
    ("0a6262a1-8add-49c5-85ea-0b1ba9361a3b", "x", "Datastor", "did you mean Datastore"),
    ("0a6262a1-8add-49c5-85ea-0b1ba9361a3b", "x", "", "type is missing"),
])
def test_check_lookup_names_the_bad_parameter(host, name, type_, words):
    with pytest.raises(InvalidLookup) as info:
        check_lookup(host, name, type_)
    assert words in str(info.value) and info.value.exit_code == 1


def test_invalid_lookups_send_nothing():
    class Boom:
        def request(self, *a, **k):  # pragma: no cover - must not be reached
            raise AssertionError("sent")

    with pytest.raises(InvalidLookup):
        Client.lookup(Boom(), host="nope", name="x", type="Vm")  # type: ignore[arg-type]


def test_lookup_href_encodes_and_canonicalises():
    href = lookup_href("0A6262A1-8ADD-49C5-85EA-0B1BA9361A3B", "web & db 01", "VM")
    assert href == ("lookup?host=urn:veeam:HierarchyRoot:0a6262a1-8add-49c5-85ea-0b1ba9361a3b"
                    "&name=web%20%26%20db%2001&type=Vm")


def test_decode_items_reads_veeams_documented_shape():
    body = (b'<HierarchyItems xmlns="http://www.veeam.com/ent/v1.0"><HierarchyItem Type="HierarchyItem">'
            b"<ObjectRef>urn:VMware:Vm:1.vm-1</ObjectRef><ObjectType>Vm</ObjectType><ObjectName>DC</ObjectName>"
            b"</HierarchyItem></HierarchyItems>")
    assert decode_items(body, "application/xml") == [HierarchyItem("urn:VMware:Vm:1.vm-1", "Vm", "DC")]
    camel = b'{"hierarchyItems": [{"objectRef": "urn:HyperV:Vm:1.2", "objectType": "Vm", "objectName": "dns"}]}'
    assert decode_items(camel, "application/json") == [HierarchyItem("urn:HyperV:Vm:1.2", "Vm", "dns")]


def test_client_and_emulator_know_the_same_object_types():
    assert LOOKUP_TYPES == emulator_lookup.LOOKUP_TYPES


def _fel(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "fel", *args], capture_output=True, text=True, env=env, timeout=60)


def test_fel_lookup_command(emulator, root):
    conn = ["--url", emulator.url, "--user", emulator.credentials[0], "--password-env", "FEL_LOOKUP_PW"]
    env = {"FEL_LOOKUP_PW": emulator.credentials[1]}
    ok = _fel("lookup", root.uid, "dbserver01", *conn, "-o", "jsonl", env_extra=env)
    assert ok.returncode == 0, ok.stderr
    assert '"ObjectName": "dbserver01"' in ok.stdout and '"ObjectType": "Vm"' in ok.stdout
    table = _fel("lookup", root.uid, "esx*", "--type", "host", *conn, env_extra=env)
    assert table.returncode == 0 and table.stdout.splitlines()[0].split() == ["ObjectName", "ObjectType", "ObjectRef"]
    bad = _fel("lookup", root.uid, "x", "--type", "Datastor", *conn, env_extra=env)
    assert bad.returncode == 1 and "did you mean Datastore" in bad.stderr and not bad.stdout
    missing = _fel("lookup", "urn:veeam:HierarchyRoot:00000000-0000-0000-0000-000000000000", "x", *conn,
                   env_extra=env)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    none = _fel("lookup", root.uid, "nothing-here", *conn, env_extra=env)
    assert none.returncode == 0 and "no Vm named 'nothing-here'" in none.stderr


def test_repl_lookup_command(emulator, root):
    from fel.repl.app import Shell
    from fel.repl.connect import open_connection

    os.environ["FEL_LOOKUP_PW"] = emulator.credentials[1]
    conn = open_connection(url=emulator.url, user=emulator.credentials[0], password_env="FEL_LOOKUP_PW")
    try:
        shell = Shell(out=io.StringIO(), color=False, connection=conn, width=lambda: 200)
        shell.execute(f"\\lookup {root.uid} 'DBSERVER01'")
        shell.execute(f"\\lookup {root.uid} x VirtualMachine")
        shell.execute("\\lookup onlyonearg")
        text = shell.out.getvalue()
    finally:
        conn.close()
        os.environ.pop("FEL_LOOKUP_PW", None)
    assert "dbserver01" in text and f"urn:VMware:Vm:{root.id}." in text
    assert "did you mean Vm" in text
    assert "usage: \\lookup HOST NAME [TYPE]" in text


def test_the_way_to_a_hierarchy_root_uid_that_the_usage_gives_works(emulator, root):
    """The default tables of HierarchyRoot show its UniqueId (a GUID the lookup service refuses),
    not its UID; the usage of \\lookup and of fel lookup say how to list the UIDs, and that works."""
    from fel.repl.app import Shell
    from fel.repl.connect import open_connection

    conn = ["--url", emulator.url, "--user", emulator.credentials[0], "--password-env", "FEL_LOOKUP_PW"]
    env = {"FEL_LOOKUP_PW": emulator.credentials[1]}
    assert "-o csv --fields Name,HostType,UID" in " ".join(_fel("lookup", "--help").stdout.split())
    listed = _fel("run", *conn, "-o", "csv", "--fields", "Name,HostType,UID", "HierarchyRoot", "--all", env_extra=env)
    assert listed.returncode == 0 and root.uid in listed.stdout
    os.environ["FEL_LOOKUP_PW"] = emulator.credentials[1]
    c = open_connection(url=emulator.url, user=emulator.credentials[0], password_env="FEL_LOOKUP_PW")
    try:
        shell = Shell(out=io.StringIO(), color=False, connection=c, width=lambda: 200)
        shell.execute("\\lookup onlyonearg")
        usage = shell.out.getvalue()
        shell.execute(f'HierarchyRoot where Name == "{root.fields["Name"]}"')
        shell.execute("\\cols Name HostType UID")
        shell.execute(f'HierarchyRoot where Name == "{root.fields["Name"]}"')
        listed = shell.out.getvalue()[len(usage):]
        first, again = listed.split("HierarchyRoot columns: Name, HostType, UID")
    finally:
        c.close()
        os.environ.pop("FEL_LOOKUP_PW", None)
    assert "not its UniqueId" in usage and "then `\\cols Name HostType UID` and run it again" in usage
    assert root.uid not in first and root.fields["UniqueId"] in first  # why the usage says it
    assert root.uid in again and root.fields["UniqueId"] not in again
