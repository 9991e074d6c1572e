"""The catalogue of diagnostic codes shared by ``fel check``, the REPL and ``fel lint``.

Codes are stable: a code is never reused for another meaning. Renamed rules keep their old
names in ``aliases``. Ranges:

* FEL0xx — syntax and input form
* FEL1xx — names: types, fields, parameters
* FEL2xx — values
* FEL3xx — query structure and parameters
* FEL4xx — URLs and endpoints (mostly met by ``fel lint``)
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rule", "RULES", "rule", "by_name"]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str  # default severity: error | warning | info
    summary: str
    rationale: str = ""
    bad: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    fixable: bool = False
    aliases: tuple[str, ...] = ()


_RULES = [
    # ---- FEL0xx: syntax and input form --------------------------------------------------
    Rule("FEL001", "syntax-error", "error", "The text does not follow EM filter or fel statement syntax.",
         "EM answers a malformed filter with an error or, worse, silently ignores part of it.",
         ("Result==", "BackupJobSession where Result Failed"), ("Result==Failed",)),
    Rule("FEL002", "typographic-quotes", "error", "Curly quotes are not EM quotes.",
         "Some Veeam doc pages print values in typographic quotes (“…”); EM only knows the plain "
         "double quote, so the quotes become part of the value and nothing matches.",
         ("Name==\u201cExchange Backup\u201d",), ('Name=="Exchange Backup"',), True),
    Rule("FEL003", "ampersand-in-filter", "error", "`&` ends the filter; the rest is silently dropped.",
         "In a URL, `&` separates parameters. `filter=A==1&B==2` sends the filter `A==1` and a stray "
         "parameter `B` that EM ignores, so the second condition never applies. EM's AND is `;`. "
         "Veeam's own Job example has this bug.",
         ("type=Job&filter=Platform==vCloud&JobType==Backup&pageSize=100",), ("type=Job&filter=Platform==vCloud;JobType==Backup&pageSize=100",), True),
    Rule("FEL004", "word-operator", "error", "`AND`, `&&`, `OR` or `||` is not EM syntax.",
         "EM filters join conditions with `;` (AND) and `,` (OR). Words and C-style operators are "
         "read as part of a value or rejected. (In a fel statement, `and`/`or` are fine.)",
         ("Result==Failed AND State==Stopped", "Result==Failed && State==Stopped"), ("Result==Failed;State==Stopped",), True),
    Rule("FEL005", "single-equals", "error", "`=` is not an EM comparison; use `==`.",
         "EM's equality operator is `==`; a single `=` is rejected.", ("Result=Failed",), ("Result==Failed",), True),
    Rule("FEL006", "unquoted-space", "error", "An unquoted value contains spaces.",
         "EM drops unquoted spaces, so `JobName==Backup Job 2` looks for `BackupJob2`. Quote values "
         "that contain spaces.", ("JobName==Backup Job 2",), ('JobName=="Backup Job 2"',), True),
    Rule("FEL007", "unterminated-string", "error", "A double-quoted value is not closed.",
         "", ('Name=="Backup',), ('Name=="Backup"',)),
    Rule("FEL008", "unbalanced-parentheses", "error", "Parentheses do not balance.",
         "", ("(Result==Failed", "Result==Failed)"), ("(Result==Failed)",)),
    Rule("FEL009", "input-too-large", "error", "The input exceeds fel's size or nesting limits.",
         "fel bounds input length and nesting depth; EM itself runs behind HTTP.sys, whose request "
         "line limit is about 16 KB."),
    Rule("FEL010", "empty-filter", "warning", "The filter is empty.",
         "An empty `filter=` matches everything; it is usually a template whose value was never "
         "filled in.", ("type=Repository&filter=&pageSize=100",), ("type=Repository&pageSize=100",), True),
    Rule("FEL011", "fel-syntax-in-em-filter", "error",
         "fel's friendly syntax (`and`, `or`, `not`, `in`) cannot travel to EM as is.",
         "A raw EM filter only knows `;`, `,`, parentheses and comparisons. Write the statement "
         "form (`<Type> where …`) to use fel's friendly syntax; it is lowered to EM syntax.",
         ("Result in (Failed, Warning)",), ("Result==Failed,Result==Warning",), True),
    Rule("FEL012", "single-quotes", "error", "Single quotes are not EM quotes.",
         "EM keeps single quotes as part of the value (and drops unquoted spaces), so the value never "
         "matches. Use double quotes.",
         ("Name=='Backup Job 1'",), ('Name=="Backup Job 1"',), True),
    Rule("FEL013", "unquoted-separator", "error", "A value contains a separator and is not quoted.",
         "`;`, `,` and parentheses end an unquoted value: the rest is read as another condition.",
         ("Name==a,b",), ('Name=="a,b"',)),
    Rule("FEL014", "invalid-unicode", "error", "The text holds a lone surrogate, which is not a Unicode character.",
         "A URL carries UTF-8, and a lone surrogate (U+D800–U+DFFF: half of a UTF-16 pair, or a byte "
         "that was not UTF-8 on the command line) has no UTF-8 form, so the query cannot be sent. Write "
         "the character itself."),
    # ---- FEL1xx: names ----------------------------------------------------------------------
    Rule("FEL101", "unknown-field", "error", "The field is not a filter/sort field of the query type.",
         "EM rejects unknown fields. Field lists differ per type: see `fel schema <Type>`.",
         ("type=BackupJobSession&filter=Status==Failed&pageSize=100",), ("type=BackupJobSession&filter=Result==Failed&pageSize=100",)),
    Rule("FEL102", "unknown-type", "error", "The query type is not one of EM's query types.",
         "", ("type=JobSession&pageSize=100",), ("type=BackupJobSession&pageSize=100",)),
    Rule("FEL103", "missing-type", "error", "The query has no `type`.",
         "`type` is required by `/api/query`.", ("/api/query?filter=Result==Failed&pageSize=100",), ("/api/query?type=BackupJobSession&filter=Result==Failed&pageSize=100",)),
    Rule("FEL104", "type-not-in-version", "error", "The query type does not exist in the chosen EM version.",
         "Types were added over time (NasJob in 10, Cdp* in 11); an older server rejects them.",
         ("type=NasJob&pageSize=100  (checked with --em-version 9.5u4)",), ("type=Job&pageSize=100  (checked with --em-version 9.5u4)",)),
    Rule("FEL105", "non-canonical-case", "info", "A name is not written in its documented case.",
         "EM matches names case-insensitively; the documented spelling reads better and is what fel emits.",
         ("type=backupjobsession&filter=result==Failed&pageSize=100",), ("type=BackupJobSession&filter=Result==Failed&pageSize=100",), True),
    Rule("FEL106", "undocumented-field", "info", "The field works on real servers but is not in Veeam's field table.",
         "fel accepts it; other tools and future EM versions may not.", ('type=VmRestorePoint&filter=HierarchyObjRef=="urn:VMware:Vm:…"&pageSize=100',)),
    Rule("FEL107", "unknown-parameter", "warning", "EM ignores this parameter.",
         "`/api/query` knows type, format, filter, sortAsc, sortDesc, pageSize and page; anything else "
         "is silently ignored.", ("type=Job&sort=Name&pageSize=100",), ("type=Job&sortAsc=Name&pageSize=100",)),
    Rule("FEL108", "sort-only-field", "error", "The field can be sorted on but not filtered on.",
         "Veeam's tables mark some fields sortable but not filterable: Task's TaskUid (which EM's own "
         "/querySvc links sort by) and, before EM 11, all of Task's fields. Sort on them; filter on another field.",
         ("type=Task&filter=TaskUid==task-1&pageSize=100",), ("type=Task&sortAsc=TaskUid&pageSize=100",)),
    Rule("FEL109", "value-not-in-version", "warning", "The enum value does not exist in the chosen EM version.",
         "Value lists grew over time (Job's JobType had no ImmediateBackupCopy in 9.5, BackupJobSession's no "
         "NasBackup before 10); an older server has no such value and the condition matches nothing.",
         ("type=BackupJobSession&filter=JobType==NasBackup&pageSize=100  (checked with --em-version 9.5u4)",),
         ("type=BackupJobSession&filter=JobType==Backup&pageSize=100  (checked with --em-version 9.5u4)",)),
    # ---- FEL2xx: values -----------------------------------------------------------------------
    Rule("FEL201", "invalid-datetime", "error", "The value is not a date and time EM understands.",
         "DateTime fields take UTC values like `\"2025-08-15T06:00:00Z\"`.",
         ('CreationTime>="yesterday"',), ('CreationTime>="2025-08-15T06:00:00Z"',)),
    Rule("FEL202", "datetime-not-utc", "warning", "A DateTime value is not marked as UTC.",
         "EM documents DateTime filters as UTC only. A value without `Z` (or with an offset or a space "
         "for `T`) is read by the server in its own way; write it in UTC with `Z`.",
         ('CreationTime>="2025-08-15 06:00:00"', "CreationTime>=2024-05-01T10:00:00"),
         ('CreationTime>="2025-08-15T06:00:00Z"',), True),
    Rule("FEL203", "invalid-uid", "error", "The value is not a UID (`urn:veeam:<Type>:<guid>` or a GUID).",
         "", ("JobUid==1234",), ("JobUid==urn:veeam:Job:dce85686-59c8-42c4-8766-f1c00a5b8067",)),
    Rule("FEL204", "bare-guid", "info", "A bare GUID where a `urn:veeam:` UID fits.",
         "EM's UID fields hold `urn:veeam:<Type>:<guid>`; bare GUIDs work in Veeam's own examples, "
         "but the URN says what the GUID is.",
         ("JobUid==f7d731be-53f7-40ca-9c45-cbdaf29e2d99",), ("JobUid==urn:veeam:Job:f7d731be-53f7-40ca-9c45-cbdaf29e2d99",)),
    Rule("FEL205", "uid-type-mismatch", "warning", "The UID names a type that does not fit the field.",
         "", ("JobUid==urn:veeam:Repository:dce85686-59c8-42c4-8766-f1c00a5b8067",), ("JobUid==urn:veeam:Job:dce85686-59c8-42c4-8766-f1c00a5b8067",)),
    Rule("FEL206", "invalid-number", "error", "The value is not a number.",
         "", ("FreeSpace<100GB",), ("FreeSpace<107374182400",)),
    Rule("FEL207", "invalid-boolean", "error", "The value is not `true` or `false`.",
         "", ("IsRetry==yes",), ("IsRetry==true",)),
    Rule("FEL208", "unknown-enum-value", "error", "The value is not one of the field's documented values.",
         "Enum fields compare against a fixed list; anything else matches nothing.",
         ("Result==Error",), ("Result==Failed",)),
    Rule("FEL209", "enum-case", "info", "An enum value is not written in its documented case.",
         "EM matches enum values case-insensitively; the documented spelling is canonical.",
         ("Result==failed",), ("Result==Failed",), True),
    Rule("FEL210", "ordered-comparison", "warning", "`<`, `<=`, `>`, `>=` on a field without an order.",
         "Booleans, UIDs and references have no meaningful order.", ("IsRetry>false",), ("IsRetry==true",)),
    Rule("FEL211", "datetime-unquoted", "info", "A DateTime value is not quoted.",
         "Veeam's examples quote DateTime values; fel emits them quoted.",
         ("CreationTime>=2025-08-15T06:00:00Z",), ('CreationTime>="2025-08-15T06:00:00Z"',), True),
    Rule("FEL212", "time-expression-on-non-datetime", "warning",
         "`now`/`today` is compared with a field that is not a DateTime; it stays a literal string.",
         "", ("Job where Name == now",), ('Job where Name == "now"', "BackupJobSession where CreationTime >= now-24h")),
    Rule("FEL213", "time-out-of-range", "error", "A time value reaches more than 1000 years from now.",
         "`now`/`today` plus or minus an offset must stay a date EM can hold (years 0001–9999) whatever "
         "the clock says; fel accepts offsets of up to 1000 years.",
         ("BackupJobSession where CreationTime >= now-999999w",), ("BackupJobSession where CreationTime >= now-52w",)),
    Rule("FEL214", "control-character", "warning", "A value holds a control character (such as NUL, tab or newline).",
         "No name EM stores holds one, and HTTP.sys, in front of EM, rejects URLs whose escapes decode "
         "to U+0000–U+001F or U+007F–U+009F unless AllowRestrictedChars is set: the query fails or "
         "matches nothing.",
         ("type=Job&filter=Name==%22Backup%00Job%22&pageSize=100",),
         ("type=Job&filter=Name==%22Backup%20Job%22&pageSize=100",)),
    # ---- FEL3xx: structure and parameters ---------------------------------------------------
    Rule("FEL301", "mixed-and-or", "warning", "`;` and `,` are mixed without parentheses.",
         "EM does not document whether `;` or `,` binds tighter. fel reads AND first (as FIQL does), "
         "but parentheses make the meaning certain on every server.",
         ("Result==Failed;JobName==a,JobName==b",), ("Result==Failed;(JobName==a,JobName==b)",), True),
    Rule("FEL302", "duplicate-parameter", "warning", "A parameter is given more than once.",
         "Which one EM uses is undocumented.", ("type=Job&sortAsc=Name&sortAsc=JobType&pageSize=100",), ("type=Job&sortAsc=Name&pageSize=100",)),
    Rule("FEL303", "invalid-format", "error", "`format` must be `Entities` or `References`.",
         "", ("type=Job&format=Entity&pageSize=100",), ("type=Job&format=Entities&pageSize=100",), True),
    Rule("FEL304", "invalid-page-size", "error", "`pageSize` must be a whole number above 0.",
         "", ("type=Job&pageSize=0",), ("type=Job&pageSize=100",)),
    Rule("FEL305", "invalid-page", "error", "`page` must be a whole number from 1.",
         "", ("type=Job&pageSize=100&page=0",), ("type=Job&pageSize=100&page=1",)),
    Rule("FEL306", "missing-page-size", "info", "No `pageSize`: EM returns at most 100 results.",
         "Real servers answer PageSize=100 when pageSize is omitted, so an unpaged query silently "
         "stops at 100 rows. Set pageSize and follow the PagingInfo links (or use `fel run --all`).",
         ("type=BackupJobSession&format=Entities",), ("type=BackupJobSession&format=Entities&pageSize=500&page=1",)),
    Rule("FEL307", "conflicting-sort", "warning", "Both `sortAsc` and `sortDesc` are given.",
         "EM takes one sort field; which wins is undocumented.", ("type=Job&sortAsc=Name&sortDesc=Name&pageSize=100",)),
    Rule("FEL308", "page-without-page-size", "warning", "`page` without `pageSize`.",
         "Pages are counted in units of pageSize; without it the server's default (100) applies.",
         ("type=Job&page=2",), ("type=Job&pageSize=100&page=2",)),
    # ---- FEL4xx: URLs and endpoints ---------------------------------------------------------
    Rule("FEL401", "not-a-query-url", "error", "The URL does not call `/api/query`.",
         "`fel check` and `fel compile` take `/api/query` URLs, query strings and fel statements.",
         ("https://em:9398/api/jobs",), ("https://em:9398/api/query?type=Job&pageSize=100",)),
    Rule("FEL402", "encoded-query", "error", "The whole query is percent-encoded (into the path, or as one parameter).",
         "`query%3Ftype%3DJob` asks for a resource literally called `query?type=Job`, which does not "
         "exist; `query?type%3DJob%26pageSize%3D5` sends one parameter with a strange name and no "
         "`type`. Only parameter values should be encoded.",
         ("https://em:9398/api/query%3Ftype%3DJob%26pageSize%3D100", "/api/query?type%3DJob%26pageSize%3D5"),
         ("https://em:9398/api/query?type=Job&pageSize=100",), True, aliases=("encoded-query-in-path",)),
    # Endpoint rules met in stored scripts; implemented by fel.lint.rules_url.
    Rule("FEL403", "vbr-port", "error", "Port 9419 belongs to the Veeam Backup & Replication REST API, not to Enterprise Manager.",
         "Enterprise Manager listens on 9398 (HTTPS). 9419 is the VBR server's own REST API, which has a "
         "different URL scheme (`/api/v1/…`, OAuth2 tokens) and no `/api/query`: every EM call sent there "
         "fails with 404 or 401. Public monitoring plugins have been pointed at 9419 by mistake.",
         ("https://em.example.local:9419/api/query?type=Job&pageSize=100",), ("https://em.example.local:9398/api/query?type=Job&pageSize=100",), True),
    Rule("FEL404", "plain-http-port", "warning", "Plain HTTP on port 9399 was only served by EM 9.x.",
         "Enterprise Manager 9.x also answered plain HTTP on 9399; from version 10 only HTTPS on 9398 "
         "remains. Besides breaking on upgrade, plain HTTP sends the password and session token in clear "
         "text. (Not reported with `--em-version` below 10.)",
         ("http://em.example.local:9399/api/sessionMngr/?v=v1_2",), ("https://em.example.local:9398/api/sessionMngr/?v=latest",), True),
    Rule("FEL405", "http-on-https-port", "error", "Port 9398 speaks HTTPS only.",
         "`http://…:9398` opens a plain connection to a TLS port; EM answers nothing useful. (Not "
         "reported for loopback hosts: fel's emulator and local test rigs serve plain HTTP there.)",
         ("http://em.example.local:9398/api/query?type=Job&pageSize=100",), ("https://em.example.local:9398/api/query?type=Job&pageSize=100",), True),
    Rule("FEL406", "service-root-with-parameters", "error", "`/querySvc` and `/lookupSvc` take no parameters.",
         "`/api/querySvc` and `/api/lookupSvc` are the service roots: they return links and ignore any "
         "parameters, so `querySvc?type=Job` never runs the query. Queries go to `/api/query`, lookups to "
         "`/api/lookup`.",
         ("https://em:9398/api/querySvc?type=Job&format=Entities",), ("https://em:9398/api/query?type=Job&format=Entities&pageSize=100",), True),
    Rule("FEL407", "unknown-lookup-parameter", "warning", "The lookup service does not know this parameter.",
         "`/api/lookup` takes `host`, `name`, `type` and `hierarchyRef`; anything else is silently ignored, "
         "so a misspelt `hierachyRef` makes the lookup return something other than what was asked for.",
         ("/api/lookup?host=urn:veeam:HierarchyRoot:…&hierachyRef=urn:VMware:Vm:…",),
         ("/api/lookup?host=urn:veeam:HierarchyRoot:…&hierarchyRef=urn:VMware:Vm:…",), True),
    Rule("FEL408", "quoted-lookup-value", "warning", "Lookup parameter values are plain values, not quoted.",
         "Double quotes are filter syntax of `/api/query`. In a lookup parameter they become part of the "
         "value, so `hierarchyRef=\"urn:…\"` matches nothing.",
         ('/api/lookup?hierarchyRef="urn:VMware:Vm:7a0e2232-1b2c-4d5e-8f90-a1b2c3d4e5f6.vm-42"',),
         ("/api/lookup?hierarchyRef=urn:VMware:Vm:7a0e2232-1b2c-4d5e-8f90-a1b2c3d4e5f6.vm-42",), True),
    Rule("FEL409", "lookup-host-bare-guid", "warning", "The lookup `host` is a HierarchyRoot UID, not a bare GUID.",
         "Veeam documents `host=urn:veeam:HierarchyRoot:<guid>`; a bare GUID is not a UID the lookup "
         "service knows.",
         ("/api/lookup?type=Vm&host=6bb9e181-2368-4d3c-a6d3-b632934a10b3&name=web01",),
         ("/api/lookup?type=Vm&host=urn:veeam:HierarchyRoot:6bb9e181-2368-4d3c-a6d3-b632934a10b3&name=web01",), True),
    Rule("FEL410", "double-slash", "info", "The path has an empty segment (`//`).",
         "`…/api//sessionMngr` usually comes from a base URL that already ends in `/`. EM tolerates it "
         "today; proxies and other servers may not, and it hides which part builds the URL.",
         ("https://em:9398/api//sessionMngr/?v=latest",), ("https://em:9398/api/sessionMngr/?v=latest",), True),
    Rule("FEL411", "collection-scan", "info", "The whole collection is fetched in entity form; a query can filter on the server.",
         "`/api/backupSessions?format=Entity` returns every session EM keeps (with ~1000 VMs the "
         "task-session variant took hours in a public Grafana exporter) and filtering happens in the "
         "script. `/api/query?type=BackupJobSession&filter=CreationTime>=\"…Z\"&pageSize=…` lets EM do the "
         "filtering and paging.",
         ("https://em:9398/api/backupSessions?format=Entity",),
         ('https://em:9398/api/query?type=BackupJobSession&format=Entities&filter=CreationTime>="2025-08-15T00:00:00Z"&pageSize=500',)),
    Rule("FEL412", "not-an-em-query", "info", "An `/api/query` URL that nothing marks as Enterprise Manager's; not checked.",
         "Other products have `/api/query?type=…` too (VMware Cloud Director's typed queries: `orgVdc`, `vApp`, "
         "`vm` …). `fel lint` checks such a URL only when the text or the file shows it is EM's: an EM query type "
         "(or a near miss of one), EM's ports 9398/9399, `X-RestSvcSessionId`, `sessionMngr`. Given once per file "
         "when the type is unknown and nothing points either way; an EM port or header in the file makes it an "
         "EM query (and an unknown type then FEL102).",
         ("https://portal.example.com/api/query?type=widgetReport",), ("https://em.example.local:9398/api/query?type=Job&pageSize=100",)),
    Rule("FEL413", "malformed-url", "error", "The URL's host, port or path is malformed, or a `#` cuts it.",
         "A host in brackets that is not an IPv6 address, a character no host name has, a port that is "
         "not a number from 1 to 65535, whitespace, a control character or `\\` in the path: clients "
         "refuse such a URL, rewrite it or send it elsewhere. A raw `#` starts the fragment, which never "
         "reaches the server: what follows it is dropped.",
         ("https://[em:9398/api/query?type=Job&pageSize=100", "https://em:9398/api#/query?type=Job&pageSize=100"),
         ("https://em:9398/api/query?type=Job&pageSize=100",)),
    Rule("FEL414", "url-too-long", "warning", "The compiled request line is longer than EM's HTTP stack accepts by default.",
         "EM runs behind HTTP.sys, which by default accepts at most 16,384 bytes for the request line "
         "and headers together (MaxRequestBytes; MaxFieldLength for the request line alone) and "
         "answers longer requests with 400. fel warns when the request line of the compiled query, with "
         "512 bytes left for headers, is over that limit: split the query (fewer values per `in`) or "
         "filter on fewer names."),
    Rule("FEL490", "unused-noqa", "warning", "A `fel: noqa` comment suppresses nothing.",
         "Suppressions that no longer match a finding hide nothing and mislead readers; an unknown code "
         "in one is a typo. Remove the code (or the whole comment).",
         ("'https://em:9398/api/query?type=Job&pageSize=100'  # fel: noqa: FEL306",), ("'https://em:9398/api/query?type=Job'  # fel: noqa: FEL306",)),
    Rule("FEL491", "unreadable-path", "error", "A path given to `fel lint` could not be read as text.",
         "A file or folder that cannot be opened, or a file named explicitly that is binary or too large, is "
         "reported (exit code 2) rather than skipped: a CI gate must not pass without reading what it was given. "
         "Exclude the path (`exclude` in `[tool.fel.lint]`) to leave it out on purpose.",
         ("fel lint build/app.exe",), ("fel lint scripts/",)),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}
_BY_NAME: dict[str, Rule] = {}
for _r in _RULES:
    _BY_NAME[_r.name] = _r
    for _a in _r.aliases:
        _BY_NAME[_a] = _r


def rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (``FEL101``, case-insensitive) or name (``unknown-field``)."""
    key = code_or_name.strip()
    return RULES.get(key.upper()) or _BY_NAME.get(key.lower())


def by_name(name: str) -> Rule | None:
    return _BY_NAME.get(name)


def register(new_rule: Rule) -> None:
    """Add a rule (used by ``fel.lint`` for its URL-level rules). Codes must be unique."""
    if new_rule.code in RULES:
        raise ValueError(f"duplicate rule code {new_rule.code}")
    RULES[new_rule.code] = new_rule
    _BY_NAME[new_rule.name] = new_rule
    for a in new_rule.aliases:
        _BY_NAME[a] = new_rule
