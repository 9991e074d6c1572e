"""Name pools for the emulator's dataset, and the values Veeam's doc examples ask for.

Names are realistic and deliberately awkward: spaces, double quotes, ``&``, ``;``, ``,``,
``+``, ``%``, a backslash and non-ASCII letters all occur, so that quoting and URL encoding
are exercised by every client that talks to the emulator.
"""
from __future__ import annotations

__all__ = ["SERVERS", "DOC_JOBS", "AWKWARD_JOBS", "JOB_STEMS", "VM_NAMES", "REPOSITORIES",
           "TENANTS", "DOC_VMS"]

#: Backup servers: (name, fixed GUID or None, version). The first three GUIDs and names are
#: the ones Veeam's 13.x examples filter on (doc-queries-13.txt); enterprisevbr01 is the
#: server of the 13.1 QueryResult example.
SERVERS = (
    ("enterprise06.tech.local", "7445e6ce-86f5-4171-b909-dac209c66563", "13.0.1.1071"),
    ("172.24.31.67", "ca19249e-e638-421a-ab22-68cb89b9009a", "12.3.1.1139"),
    ("backupsrv29.tech.local", None, "11.0.0.837"),
    ("enterprisevbr01.tech.local", "a0c8ea55-8bd4-49fe-9095-927d7bddddc3", "13.0.1.1071"),
)
#: Further servers when the dataset is scaled up.
EXTRA_SERVER_PATTERN = "vbr{:02d}.branch.tech.local"

#: Jobs named by the doc examples: (name, server index, fixed GUID or None, platform, VMs).
DOC_JOBS = (
    ("Exchange Backup", 0, None, "VMware", ("exch01", "exch02", "dc01")),
    ("Backup Job 2", 3, "0a6262a1-8add-49c5-85ea-0b1ba9361a3b", "VMware", ("dbserver01", "web01", "apache01")),
    ("Backup Job 5", 0, None, "VMware", ("ubuntu88", "sql01", "sql02")),
    ("SQL Backup", 0, None, "VMware", ("sql01", "sql02")),
    ("Fileserver Backup", 1, None, "HyperV", ("filesrv01", "filesrv03")),
    ("Oracle Backup", 2, None, "VMware", ("oracle", "oracle-dg")),
)

#: Names that exercise quoting and encoding.
AWKWARD_JOBS = (
    'File Server "Legal"',
    "Sales & Marketing",
    "HR; Payroll",
    "Web, Mail and DNS",
    "C++ Build Servers",
    "100% Uptime Tier",
    "Sauvegarde données",
    "Übersicht Büro",
    "バックアップ 東京",
    "Периодическое копирование",
)

#: Stems for the generated job names (combined with a number).
JOB_STEMS = ("Backup Job", "Daily VMs", "Tier-1 Apps", "Dev Cluster", "DMZ Servers", "Branch Office",
             "Infrastructure", "Web Farm", "Databases", "Citrix VDI")

#: VM names. The doc examples need dbserver01, ubuntu88, apache02, filesrv03, virt03-ubuntu01.
DOC_VMS = ("dbserver01", "ubuntu88", "apache02", "filesrv03", "virt03-ubuntu01")
VM_NAMES = DOC_VMS + (
    "dc01", "dc02", "exch01", "exch02", "sql01", "sql02", "web01", "web02", "apache01", "nginx-lb",
    "oracle", "oracle-dg", "filesrv01", "filesrv02", "jump host 1", "vm-ümlaut", "k8s-node-01",
    "k8s-node-02", "k8s-node-03", "gitlab", "jenkins", "sharepoint", "crm-app", "erp-db", "print01",
    "wsus", "sccm", "radius", "proxy&cache", "ldap;replica",
)

#: Repositories per server: (name, capacity GiB, free GiB). "Backup Repository 1" is the one
#: the Replica example filters on; two are under 100 GiB free (the Repository example).
REPOSITORIES = (
    ("Default Backup Repository", 2048, 1536),
    ("Backup Repository 1", 8192, 2311),
    ("Backup Repository 2", 4096, 61),
    ("Scale-out Repo, Tier 2", 16384, 9000),
    ("Offsite \"Cold\" Storage", 1024, 12),
)

#: Cloud Connect tenants: (name, fixed GUID or None, tenant type).
TENANTS = (
    ("ABC Company", "e38a8692-6816-443e-9052-7fa71ee7fd65", "ActiveDirectory"),
    ("Contoso Ltd.", None, "Standalone"),
    ("Fabrikam & Sons", None, "vCD"),
    ("Müller GmbH", None, "Standalone"),
)
