"""Backslash commands: ``\\help``, ``\\types``, ``\\d``, ``\\x``, ``\\format``, ``\\o``,
``\\timing``, ``\\pager``, ``\\cols``, ``\\url``, ``\\explain``, ``\\next``, ``\\prev``,
``\\all``, ``\\connect``, ``\\lookup``, ``\\q``.

Each handler takes the :class:`fel.repl.app.Shell` and the argument text, and returns False
to end the session. :data:`COMMAND_SPECS` also drives completion (``args`` says what the
argument is: ``type``, ``query``, ``choice:a|b``, ``file``, ``fields``, ``connect`` or nothing).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["CommandSpec", "COMMAND_SPECS", "ALIASES", "dispatch", "describe_type", "list_types", "help_text"]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    args: str = ""


_SPECS = [
    CommandSpec("\\help", "\\help", "list commands and keys"),
    CommandSpec("\\types", "\\types", "list the query types"),
    CommandSpec("\\d", "\\d TYPE", "describe a type: fields, kinds, enum values", "type"),
    CommandSpec("\\x", "\\x [on|off|auto]", "expanded records (one field per line)", "choice:on|off|auto"),
    CommandSpec("\\format", "\\format table|json|csv", "output format", "choice:table|json|csv"),
    CommandSpec("\\cols", "\\cols [FIELD …|default|all]", "table columns for the current type", "fields"),
    CommandSpec("\\o", "\\o [FILE]", "send results to FILE (no FILE: back to the screen)", "file"),
    CommandSpec("\\timing", "\\timing [on|off]", "show how long each query takes", "choice:on|off"),
    CommandSpec("\\pager", "\\pager [on|off]", "page long output ($PAGER, else less)", "choice:on|off"),
    CommandSpec("\\url", "\\url [QUERY]", "the request URL of QUERY or of the last query", "query"),
    CommandSpec("\\explain", "\\explain [QUERY]", "syntax tree, canonical filter and URL", "query"),
    CommandSpec("\\next", "\\next", "next page of the last query"),
    CommandSpec("\\prev", "\\prev", "previous page of the last query"),
    CommandSpec("\\all", "\\all", "every page of the last query (with a progress bar)"),
    CommandSpec("\\lookup", "\\lookup HOST NAME [TYPE]", "find an object by name under a HierarchyRoot (TYPE: Vm by default)"),
    CommandSpec("\\connect", "\\connect [PROFILE | URL USER]", "connect to Enterprise Manager (password prompted)", "connect"),
    CommandSpec("\\q", "\\q", "quit (also Ctrl-D)"),
]
COMMAND_SPECS: dict[str, CommandSpec] = {s.name: s for s in _SPECS}
ALIASES = {"\\?": "\\help", "\\h": "\\help", "\\dt": "\\types", "\\quit": "\\q", "\\c": "\\connect",
           "\\e": "\\explain", "\\n": "\\next", "\\p": "\\prev", "\\T": "\\format", "\\describe": "\\d"}

KEYS = [
    ("Tab / Shift-Tab", "open the completion menu, move through it"),
    ("→ or Ctrl-E", "accept the grey auto-suggestion from history"),
    ("Enter", "run the line (continues it when a `(` or `\"` is open or it ends with `\\`)"),
    ("Alt-Enter", "insert a newline"),
    ("Ctrl-R", "search history"),
    ("Ctrl-X Ctrl-E", "edit the line in $EDITOR"),
    ("F3", "show the request URL of the current line"),
    ("Ctrl-C", "clear the line; cancel a running query"),
    ("Ctrl-D", "quit (on an empty line)"),
]


def help_text(color: bool = False, width: int | None = None) -> str:
    """The ``\\help`` text for a terminal ``width`` columns wide: descriptions are wrapped to
    fit, never cut."""
    from .render import display_width, grid

    def table(headers: list[str], rows: list[list[str]]) -> str:
        first = max(display_width(r[0]) for r in [headers, *rows])
        room = max(30, (width or 100) - first - 7)
        return grid(headers, rows, color=color, max_cell=room, width=width, wrap=(1,))

    cmds = table(["command", "what it does"], [[s.usage, s.summary] for s in _SPECS])
    keys = table(["key", "what it does"], [list(k) for k in KEYS])
    return ("Type a query and press Enter, e.g.\n"
            "  BackupJobSession where Result == Failed and CreationTime >= now-24h order by CreationTime desc limit 20\n"
            "EM URLs and query strings work too (paste them). Tab completes types, fields, operators and values.\n\n"
            f"{cmds}\n\n{keys}")


def list_types(schema, color: bool = False) -> str:
    from .render import grid

    rows = [[t.name, str(len(t.fields)), t.since, t.result_container] for t in schema.types]
    return grid(["type", "fields", "since EM", "results under"], rows, color=color)


def field_values(qtype, f) -> str:
    """What a field takes, as ``\\d`` lists it (enum members, URN forms, time shortcuts)."""
    if f.enum:
        return ", ".join(f.enum)
    if f.kind.value == "uid":
        return ", ".join(f"urn:veeam:{t}:…" for t in (f.urn_types or (qtype.name,)))
    if f.kind.value == "boolean":
        return "true, false"
    if f.kind.value == "datetime":
        return 'now, today, now-24h, "YYYY-MM-DDTHH:MM:SSZ"'
    return ""


def describe_type(qtype, color: bool = False, width: int | None = None) -> str:
    from .render import grid

    rows = []
    for f in qtype.fields:
        notes = f.description + (" (undocumented)" if f.undocumented else "")
        rows.append([f.name, f.kind.value, f.doc_type, field_values(qtype, f), notes])
    head = (f"{qtype.name} — EM {qtype.since}+, results under {qtype.result_container}"
            + (f", references {qtype.reference_type}" if qtype.reference_type else ""))
    return head + "\n" + grid(["field", "kind", "doc type", "values", "description"], rows, color=color,
                              max_cell=48, width=width, wrap=(3, 4))


# ---- handlers ------------------------------------------------------------------------------------
def _on_off(shell, arg: str, attr: str, label: str) -> None:
    value = arg.strip().lower()
    current = getattr(shell.settings, attr)
    if value in ("", "toggle"):
        new = not current
    elif value in ("on", "true", "yes", "1"):
        new = True
    elif value in ("off", "false", "no", "0"):
        new = False
    else:
        shell.error(f"{label}: expected on or off, not {arg.strip()!r}")
        return
    setattr(shell.settings, attr, new)
    shell.info(f"{label} is {'on' if new else 'off'}")


def _help(shell, arg: str) -> None:
    shell.show(help_text(shell.color, shell.width()))


def _types(shell, arg: str) -> None:
    shell.show(list_types(shell.schema, shell.color))


def _describe(shell, arg: str) -> None:
    name = arg.strip()
    if not name:
        shell.show(list_types(shell.schema, shell.color))
        return
    qtype = shell.schema.type(name)
    if qtype is None:
        from fel.schema import suggest

        close = suggest(name, shell.schema.type_names)
        shell.error(f"`{name}` is not a query type" + (f" — did you mean {', '.join(close)}?" if close else "")
                    + " (\\types lists them)")
        return
    shell.show(describe_type(qtype, shell.color, shell.width()))


def _expanded(shell, arg: str) -> None:
    value = arg.strip().lower()
    modes = {"on": "on", "off": "off", "auto": "auto", "": None}
    if value not in modes:
        shell.error(f"\\x: expected on, off or auto, not {arg.strip()!r}")
        return
    new = modes[value] or ("off" if shell.settings.expanded == "on" else "on")
    shell.settings.expanded = new
    shell.info(f"expanded display is {new}")


def _format(shell, arg: str) -> None:
    value = arg.strip().lower()
    if not value:
        shell.info(f"output format is {shell.settings.format} (table, json or csv)")
        return
    if value not in ("table", "json", "csv"):
        shell.error(f"\\format: expected table, json or csv, not {arg.strip()!r}")
        return
    shell.settings.format = value
    shell.info(f"output format is {value}")


def _output(shell, arg: str) -> None:
    path = arg.strip()
    if not path:
        if shell.settings.output:
            shell.info(f"results go to the screen again (were going to {shell.settings.output})")
        shell.settings.output = None
        return
    import os

    path = os.path.expanduser(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        shell.error(f"\\o: cannot write {path}: {exc.strerror or exc}")
        return
    shell.settings.output = path
    shell.info(f"results go to {path} (\\o alone to stop)")


def _cols(shell, arg: str) -> None:
    qtype = shell.current_type()
    if qtype is None:
        shell.error("\\cols: run a query first, or start the line with a type: \\cols needs to know the type")
        return
    words = arg.replace(",", " ").split()
    from .render import all_columns, columns_named, default_columns

    if not words:
        cols = shell.columns_for(qtype)
        shell.info(f"{qtype.name} columns: {', '.join(c.header for c in cols)}")
        return
    if words == ["default"]:
        shell.settings.columns.pop(qtype.name, None)
        cols = default_columns(qtype)
    elif words == ["all"]:
        cols = all_columns(qtype)
        shell.settings.columns[qtype.name] = cols
    else:
        cols, missing = columns_named(qtype, words)
        if missing:
            from fel.schema import suggest

            hints = []
            for m in missing:
                close = suggest(m, qtype.field_names)
                hints.append(f"{m} (did you mean {' or '.join(close)}?)" if close else m)
            shell.error(f"\\cols: not fields of {qtype.name}: {'; '.join(hints)} (\\d {qtype.name} lists its fields)")
            return
        shell.settings.columns[qtype.name] = cols
    shell.info(f"{qtype.name} columns: {', '.join(c.header for c in cols)}")


def _url(shell, arg: str) -> None:
    shell.show_url(arg.strip())


def _explain(shell, arg: str) -> None:
    shell.explain(arg.strip())


def _next(shell, arg: str) -> None:
    shell.page_step(+1)


def _prev(shell, arg: str) -> None:
    shell.page_step(-1)


def _all(shell, arg: str) -> None:
    shell.fetch_all()


def _connect(shell, arg: str) -> None:
    shell.connect_command(arg.strip())


def _lookup(shell, arg: str) -> None:
    """``\\lookup HOST NAME [TYPE]``: EM's lookup service (checked first, like a query)."""
    import shlex

    from fel.client.errors import ClientError
    from fel.client.lookup import InvalidLookup, check_lookup, format_table

    try:
        words = shlex.split(arg, posix=True)
    except ValueError as exc:
        shell.error(f"\\lookup: {exc}")
        return
    if len(words) not in (2, 3):
        shell.error("\\lookup: usage: \\lookup HOST NAME [TYPE] — HOST a HierarchyRoot UID, not its UniqueId"
                    " (run `HierarchyRoot`, then `\\cols Name HostType UID` and run it again), NAME with * and ? wildcards,"
                    " TYPE Vm by default")
        return
    host, name, kind = words[0], words[1], (words[2] if len(words) == 3 else "Vm")
    try:
        check_lookup(host, name, kind)
        conn = shell.wait_connected()
        if conn is None:
            shell.error("not connected — use \\connect, or start with `fel repl --demo`")
            return
        run = getattr(conn.client, "lookup", None)
        if run is None:
            shell.error("\\lookup: asks one server; connected to several, \\connect to one of them first")
            return
        items = run(host=host, name=name, type=kind)
    except InvalidLookup as exc:
        shell.error(f"\\{exc}")
        return
    except ClientError as exc:
        shell.error(f"\\lookup: {exc}")
        return
    if items:
        shell.show(format_table(items))
    else:
        shell.info(f"no {kind} named {name!r} under {host}")


def _quit(shell, arg: str) -> bool:
    return False


HANDLERS: dict[str, Callable[[Any, str], Any]] = {
    "\\help": _help, "\\types": _types, "\\d": _describe, "\\x": _expanded, "\\format": _format,
    "\\cols": _cols, "\\o": _output, "\\url": _url, "\\explain": _explain, "\\next": _next,
    "\\prev": _prev, "\\all": _all, "\\connect": _connect, "\\lookup": _lookup, "\\q": _quit,
    "\\timing": lambda shell, arg: _on_off(shell, arg, "timing", "timing"),
    "\\pager": lambda shell, arg: _on_off(shell, arg, "pager", "pager"),
}


def dispatch(shell, line: str) -> bool:
    """Run one backslash command line; False ends the session."""
    body = line.strip()
    name, _, arg = body.partition(" ")
    if "\n" in name:
        name, _, rest = name.partition("\n")
        arg = rest + " " + arg
    name = ALIASES.get(name, name)
    handler = HANDLERS.get(name)
    if handler is None:
        from fel.schema import suggest

        close = suggest(name, list(COMMAND_SPECS), n=2)
        shell.error(f"unknown command {name}" + (f" — did you mean {' or '.join(close)}?" if close else "")
                    + " (\\help lists the commands)")
        return True
    return handler(shell, arg) is not False
