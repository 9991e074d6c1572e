"""A pager for long output: ``$FEL_PAGER``, else ``$PAGER``, else ``less -SRFX``.

``less -S`` keeps wide tables unwrapped (scroll sideways), ``-R`` passes colours, ``-F`` quits
at once when the text fits one screen and ``-X`` leaves it on the screen afterwards.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess

__all__ = ["pager_command", "page"]


def pager_command() -> list[str] | None:
    """The pager to run, or None when there is none."""
    raw = os.environ.get("FEL_PAGER") or os.environ.get("PAGER") or "less -SRFX"
    try:
        argv = shlex.split(raw)
    except ValueError:
        return None
    if not argv or shutil.which(argv[0]) is None:
        return None
    return argv


def page(text: str, *, color: bool = False) -> bool:
    """Show ``text`` through the pager; False when no pager could run (the caller prints)."""
    argv = pager_command()
    if argv is None:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "-SRFX")
    env.setdefault("LESSSECURE", "1")  # no shell escapes or file opening from inside less
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode("utf-8", "replace") + (b"" if text.endswith("\n") else b"\n"))
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the user quit the pager early
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager while it runs
            continue
    return True
