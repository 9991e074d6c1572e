"""The prompt-toolkit side of completion: wraps :class:`fel.repl.completion.Completion`.

Completion runs in prompt-toolkit's background thread (``ThreadedCompleter``), so a keystroke
never waits for it; each suggestion carries its meta text (a field's kind and doc type, an
enum value's position, an operator's meaning) and a style by kind.
"""
from __future__ import annotations

from typing import Any, Iterator

from .completion import Completion

__all__ = ["make_completer"]


def make_completer(completion: Completion, *, threaded: bool = True) -> Any:
    """A prompt-toolkit completer over ``completion`` (threaded unless asked otherwise)."""
    from prompt_toolkit.completion import Completer, ThreadedCompleter
    from prompt_toolkit.completion import Completion as PtCompletion

    class FelCompleter(Completer):
        def get_completions(self, document, complete_event) -> Iterator[PtCompletion]:
            try:
                found = completion.suggest(document.text, document.cursor_position)
            except Exception:  # noqa: BLE001 - completion must never break typing
                return
            for s in found:
                yield PtCompletion(s.text, start_position=s.start, display=s.display,
                                   display_meta=s.meta, style=f"class:completion.{s.kind}")

    inner = FelCompleter()
    return ThreadedCompleter(inner) if threaded else inner
