"""``fel lookup`` — find a virtual infrastructure object with Enterprise Manager's lookup service.

    fel lookup --url https://em:9398 --user 'TECH\\svc' urn:veeam:HierarchyRoot:<GUID> dbserver01 --type Vm

prints the ``HierarchyItems`` EM answers (``ObjectName``, ``ObjectType`` and ``ObjectRef``, the
``HierarchyObjRef`` jobs and restores take). The host, name and type are checked before anything
is sent, with a did-you-mean for the type. Exit codes: 0 ok (also when nothing matches: a note
says so); 1 a lookup that cannot be right (bad host UID, unknown type, no name) or one EM refused;
2 usage or configuration errors; 3 connection, TLS, authentication or server errors.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys

PROG = "fel lookup"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit codes: 0 ok; 1 a lookup that cannot be right, or one EM refused; 2 usage or configuration; "
                     "3 connection, TLS, authentication or server errors. Passwords as for fel run "
                     "(--password-env VAR, the profile, the keyring or a prompt).")
    parser.add_argument("host", metavar="HOST", help="the hierarchy root to search: urn:veeam:HierarchyRoot:<GUID> "
                                                     "or its GUID (query type HierarchyRoot lists them)")
    parser.add_argument("name", metavar="NAME", help="the object's name (any case; * and ? are wildcards)")
    parser.add_argument("--type", "-t", dest="object_type", default="Vm", metavar="T",
                        help="object type: Vm (default), Host, Cluster, Datastore, ResourcePool, Folder, Vapp …")
    conn = parser.add_argument_group("connection")
    conn.add_argument("--profile", "-p", metavar="P", help="profile of the config file ($FEL_PROFILE)")
    conn.add_argument("--config", metavar="FILE", help="config file (default $XDG_CONFIG_HOME/fel/config.toml)")
    conn.add_argument("--url", metavar="URL", help="Enterprise Manager address, e.g. https://em:9398/api/")
    conn.add_argument("--user", "-u", metavar="U", help="user name, e.g. 'DOMAIN\\user'")
    conn.add_argument("--password-env", metavar="VAR", help="environment variable holding the password")
    conn.add_argument("--insecure", "-k", action="store_true", help="do not verify the TLS certificate (warns)")
    conn.add_argument("--ca-bundle", metavar="FILE", help="PEM file of CA certificates to trust")
    conn.add_argument("--timeout", type=float, metavar="S", help="read timeout in seconds (default 60)")
    conn.add_argument("--wire", choices=("xml", "json"), help="response format on the wire (default xml)")
    parser.add_argument("--output", "-o", choices=("table", "json", "jsonl", "csv"), default="table",
                        help="output format (default table)")


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from fel.client.errors import ClientError
    from fel.client.lookup import InvalidLookup, check_lookup

    try:
        check_lookup(args.host, args.name, args.object_type)  # before any connection
        items = _lookup(args)
    except InvalidLookup as exc:
        _error(str(exc))
        return exc.exit_code
    except ClientError as exc:
        _error(str(exc))
        status = getattr(exc, "status", None)
        return 1 if status in (400, 404) else exc.exit_code
    _write(items, args.output)
    if not items:
        print(f"{PROG}: no {args.object_type} named {args.name!r} under {args.host}", file=sys.stderr)
    return 0


def _lookup(args: argparse.Namespace) -> list:
    import warnings

    from fel.client.config import load_profile, resolve_password
    from fel.client.errors import ConfigError
    from fel.client.session import Client, normalize_base

    profile = load_profile(args.profile, path=args.config)
    url, user = args.url or profile.url, args.user or profile.user
    if not url:
        raise ConfigError("no server: give --url URL --user U, or --profile P (see docs/client.md)")
    if not user:
        raise ConfigError("no user name: give --user U or set user in the profile")
    base = normalize_base(url)
    password_env = args.password_env or profile.password_env
    ca_bundle = args.ca_bundle or profile.ca_bundle
    if ca_bundle and not os.path.isfile(ca_bundle):
        raise ConfigError(f"CA bundle {ca_bundle}: no such file (--ca-bundle or ca_bundle in the profile)")
    timeout = profile.timeout or (5.0, 60.0)
    if args.timeout:
        timeout = (min(timeout[0], args.timeout), args.timeout)

    def password() -> str:
        return resolve_password(user=user, base_url=base, password_env=password_env)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = Client(base, user, password, verify=not args.insecure and profile.verify, ca_bundle=ca_bundle,
                        timeout=timeout, wire=args.wire or profile.wire or "xml")
    for w in caught:
        print(f"{PROG}: warning: {w.message}", file=sys.stderr)
    with client:
        return client.lookup(host=args.host, name=args.name, type=args.object_type)


def _write(items: list, output: str) -> None:
    rows = [i.as_dict() for i in items]
    if output == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif output == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=["ObjectName", "ObjectType", "ObjectRef"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    elif rows:
        from fel.client.lookup import format_table

        print(format_table(items))

