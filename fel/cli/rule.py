"""``fel rule CODE`` — explain a diagnostic code: name, severity, rationale, examples."""
from __future__ import annotations

import argparse
import json
import sys

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", metavar="CODE", help="a code (FEL101) or rule name (unknown-field)")
    parser.add_argument("--all", action="store_true", help="list every rule")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")


def _text(rule) -> str:
    lines = [f"{rule.code} {rule.name} ({rule.severity}{', fixable' if rule.fixable else ''})", "",
             rule.summary]
    if rule.rationale:
        import textwrap
        lines += [""] + textwrap.wrap(rule.rationale, 88)
    if rule.bad:
        lines += ["", "Triggers on:"] + [f"  {b}" for b in rule.bad]
    if rule.good:
        lines += ["", "Write instead:"] + [f"  {g}" for g in rule.good]
    if rule.aliases:
        lines += ["", "Also known as: " + ", ".join(rule.aliases)]
    return "\n".join(lines)


def _as_dict(rule) -> dict:
    return {"code": rule.code, "name": rule.name, "severity": rule.severity, "summary": rule.summary,
            "rationale": rule.rationale, "bad": list(rule.bad), "good": list(rule.good),
            "fixable": rule.fixable, "aliases": list(rule.aliases)}


def run(args: argparse.Namespace) -> int:
    from fel import codes
    from fel.lint.docgen import render_rule

    if args.all or not args.code:
        rules = sorted(codes.RULES.values(), key=lambda r: r.code)
        if args.format == "json":
            print(json.dumps([_as_dict(r) for r in rules], indent=2, ensure_ascii=False))
        elif args.format == "markdown":
            print("\n".join(render_rule(r) for r in rules))
        else:
            width = max(len(r.name) for r in rules)
            for r in rules:
                print(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}")
        return 0 if (args.all or args.code is None) else 2
    rule = codes.rule(args.code)
    if rule is None:
        from fel.schema import suggest
        names = list(codes.RULES) + [r.name for r in codes.RULES.values()]
        guess = suggest(args.code, names, 1)
        hint = f"; did you mean {guess[0]}?" if guess else ""
        print(f"fel rule: error: unknown rule `{args.code}`{hint} (see `fel rule --all`)", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(_as_dict(rule), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(render_rule(rule, "#"))
    else:
        print(_text(rule))
    return 0
