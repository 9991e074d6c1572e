"""Is this `/api/query` Enterprise Manager's? Deciding from evidence in the text and the file.

Other products answer ``GET /api/query?type=…`` too — VMware Cloud Director (vCD) has typed
queries with camelCase type names (``orgVdc``, ``vApp``, ``vm``, ``adminVApp`` …), the
``x-vcloud-authorization`` header and ``/api/sessions`` logons — and many APIs take ``type=``
or ``filter=`` parameters. A linter that reports errors on them gets switched off, so a query
is checked as EM's only on evidence:

* **the query itself**: an EM query type (any case) or a near miss of one (``Jobb``); an EM
  port (9398, 9399, or 9419 which is a mistake for EM) on the URL; its parameters being EM's;
  a filter on EM field names spelt EM's way (``Result==Failed``; vCD's are camelCase);
* **the file**: ``X-RestSvcSessionId``, ``sessionMngr``/``logonSessions``, ``querySvc``/
  ``lookupSvc``, ``:9398``/``:9399``, ``urn:veeam:``;
* against it: a vCD type name (case-sensitive), ``format=records``/``idrecords``, vCD headers
  and media types, ``/api/sessions``, ``/cloudapi/`` in the file.

:func:`judge` returns ``"em"`` (lint it), ``"foreign"`` (another product's: silent) or
``"ambiguous"`` (an unknown type on an ``/api/query`` URL with no evidence either way: the
engine reports FEL412 once per file and checks nothing else).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .candidate import HOLE, Candidate
from .classify import EM_PORTS, Target

__all__ = ["Evidence", "file_evidence", "judge", "near_em_type", "VCD_TYPES", "NO_EVIDENCE", "ASSUMED_EM"]

#: Typed-query names of VMware Cloud Director's `/api/query` (vCloud API reference, "Query types").
VCD_TYPES = frozenset("""
aclRule adminAllocatedExternalAddress adminApiDefinition adminCatalog adminCatalogItem adminDisk
adminEvent adminEventCBM adminFileDescriptor adminGroup adminMedia adminOrgNetwork adminOrgVdc
adminOrgVdcStorageProfile adminOrgVdcTemplate adminProviderVdcStorageProfile adminRole adminService
adminShadowVM adminTask adminUser adminVApp adminVAppNetwork adminVAppTemplate adminVM
adminVdcStorageProfile adminVmDiskRelation allocatedExternalAddress apiDefinition apiFilter
blockingTask catalog catalogItem cell condition datastore datastoreProviderVdcRelation disk
dvSwitch edgeGateway event externalLocalization externalNetwork fileDescriptor fromCloudTunnel
group host media networkPool organization orgNetwork orgVdc orgVdcGateway orgVdcNetwork
orgVdcResourcePoolRelation orgVdcStorageProfile orgVdcTemplate portgroup providerVdc
providerVdcResourcePoolRelation providerVdcStorageProfile resourceClass resourceClassAction
resourcePool resourcePoolVmList right role service serviceLink serviceResource siteAssociation
strandedItem strandedUser task toCloudTunnel user vApp vAppNetwork vAppOrgNetworkRelation
vAppOrgVdcNetworkRelation vAppTemplate vm vmDiskRelation vmGroupVms vmGroups vmWareTools
vmWareToolsUpgradeTask virtualCenter
""".split())

_EM_PARAMS = frozenset({"type", "filter", "format", "sortasc", "sortdesc", "pagesize", "page"})
#: vCD's record formats (EM knows only Entities and References).
_FOREIGN_FORMATS = frozenset({"records", "idrecords"})

_EM_FILE = re.compile(r"(?i)x-restsvcsessionid|sessionmngr|logonsessions|querysvc|lookupsvc|:939[89](?!\d)"
                      r"|urn:veeam:")
_FOREIGN_FILE = re.compile(r"(?i)x-vcloud-authorization|vnd\.vmware\.vcloud|application/\*\+xml\s*;\s*version="
                           r"|/api/sessions(?![\w-])|/cloudapi/|x-vmware-vcloud")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a whole file says about itself: EM signals, and other products' (the first one
    found, for messages)."""

    em: bool = False
    foreign: str | None = None
    #: ``assume-em`` in the configuration: every query is EM's, whatever the evidence.
    assumed: bool = False


NO_EVIDENCE = Evidence()
ASSUMED_EM = Evidence(em=True, assumed=True)


def file_evidence(source: str) -> Evidence:
    """The file-level signals in ``source`` (two regex scans)."""
    em = _EM_FILE.search(source) is not None
    m = _FOREIGN_FILE.search(source)
    return Evidence(em, m.group() if m else None)


def _typo_distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (3 when clearly further)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def near_em_type(value: str) -> bool:
    """Whether ``value`` is close to an EM type name: a typo or a stem of one."""
    from ..schema import load_schema
    low = value.lower()
    for name in load_schema().type_names:
        other = name.lower()
        if abs(len(other) - len(low)) <= 3 and SequenceMatcher(None, low, other).ratio() >= 0.85:
            return True
        if len(low) >= 3 and _typo_distance(low, other) <= (1 if len(low) < 8 else 2):
            return True
        if len(low) >= 5 and (other.endswith(low) or other.startswith(low) or low.endswith(other)
                              or low.startswith(other)):
            return True  # `JobSession` (BackupJobSession), `RestorePoints`
    return False


_FILTER_FIELD = re.compile(r"([A-Za-z]\w*)\s*(?:==|!=|>=|<=|<|>|%3[dD]%3[dD])")
_EM_FIELDS: set[str] = set()


def _em_filter(value: str) -> bool:
    """Whether a filter compares EM field names, spelt as EM spells them (``Result==Failed``,
    ``JobName==…``; vCD's fields are camelCase: ``name==…``, ``isVAppTemplate==…``)."""
    fields = _FILTER_FIELD.findall(value)
    if not fields:
        return False
    if not _EM_FIELDS:
        from ..schema import load_schema
        _EM_FIELDS.update(name for t in load_schema() for name in t.field_names)
    return all(f in _EM_FIELDS for f in fields)


def _packaged_query(path: str) -> bool:
    """``/api/vApps/query``, ``/api/admin/vms/query``: vCD's packaged queries. EM's query
    endpoint is ``/api/query`` (or ``query`` after a base URL)."""
    segs = [s for s in path.replace(HOLE, "").split("/") if s]
    if len(segs) < 2 or segs[-1].lower() != "query":
        return False
    return segs[-2].lower() != "api"


def judge(text: str, t: Target, cand: Candidate, ev: Evidence) -> str:
    """``"em"``, ``"foreign"`` or ``"ambiguous"`` for a ``query`` target of ``cand``."""
    if cand.origin == "line" or ev.assumed:
        return "em"  # a line of a query list, or `assume-em`: the user says it is EM's
    if t.port is not None and text[t.port.start:t.port.end] in EM_PORTS:
        return "em"
    if _packaged_query(text[t.path.start:t.path.end]):
        return "foreign"
    params = t.params(text)
    names = {n.strip().lower() for n, _, _, _ in params}
    values = {n.strip().lower(): v for n, v, _, _ in params}
    if names and not names & _EM_PARAMS and not ev.em:
        return "foreign"  # `/query?db=…&q=…` (InfluxDB) and the like
    foreign_url = values.get("format", "").strip().lower() in _FOREIGN_FORMATS
    against = (ev.foreign is not None or foreign_url) and not ev.em
    if "type" not in values:
        return "foreign" if against else "em"
    value = values["type"].strip()
    if HOLE in value:
        return "foreign" if against else "em"
    if value in VCD_TYPES:
        return "foreign"
    from ..schema import load_schema
    if load_schema().type(value) is not None:
        return "foreign" if foreign_url and not ev.em else "em"
    if ev.em or _em_filter(values.get("filter", "")):
        return "em"
    if against:
        return "foreign"
    if near_em_type(value):
        return "em"
    # An unknown type and nothing either way: only an `/api/query`-shaped URL is worth a word.
    return "ambiguous" if t.path.end > t.path.start else "foreign"
