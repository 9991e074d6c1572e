"""``\\explain``: the report of :mod:`fel.outline` (the syntax tree as an indented outline,
the canonical statement, the EM filter and the URL, with any diagnostics under them) — the
same renderer ``fel explain --tree`` uses — for a line that may continue over several."""
from __future__ import annotations

from .multiline import join_continuations

__all__ = ["explain_text"]


def explain_text(text: str, *, color: bool = False, base: str | None = None) -> str:
    """The ``\\explain`` report for ``text``."""
    from fel.outline import explain_text as report

    return report(join_continuations(text.strip("\n")), base=base, color=color)
