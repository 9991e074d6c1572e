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
import sys

from .connection import add_connection_arguments, client_from_args

PROG = "fel lookup"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit codes: 0 ok; 1 a lookup that cannot be right, or one EM refused; 2 usage or configuration; "
                     "3 connection, TLS, authentication or server errors. Passwords as for fel run "
                     "(--password-env VAR, the profile, the keyring or a prompt).")
    parser.add_argument("host", metavar="HOST", help="the hierarchy root to search: urn:veeam:HierarchyRoot:<GUID> "
                                                     "or its GUID; not the root's UniqueId (`fel run -o csv --fields Name,HostType,UID "
                                                     "HierarchyRoot` lists them)")
    parser.add_argument("name", metavar="NAME", help="the object's name (any case; * and ? are wildcards)")
    parser.add_argument("--type", "-t", dest="object_type", default="Vm", metavar="T",
                        help="object type: Vm (default), Host, Cluster, Datastore, ResourcePool, Folder, Vapp …")
    add_connection_arguments(parser)
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
    from fel.client.config import load_profile

    profile = load_profile(args.profile, path=args.config)
    client, _ = client_from_args(args, profile, args.url or profile.url, PROG)
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

