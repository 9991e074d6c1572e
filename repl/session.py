"""The prompt-toolkit loop: the prompt, key bindings, toolbar and styles around a :class:`Shell`.

Startup is kept short: only prompt-toolkit is imported before the first prompt; the grammar,
the schema and the API are warmed up, and the connection opened, in background threads
started right after the first render.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from .app import Shell

__all__ = ["build_session", "run_loop", "key_bindings", "STYLE"]

STYLE = {
    "prompt": "bold #5fafff",
    "prompt.cont": "#808080",
    "bottom-toolbar": "noreverse bg:#262626 #bcbcbc",
    "toolbar": "bg:#262626 #bcbcbc",
    "toolbar.ok": "bg:#262626 #87d787",
    "toolbar.warning": "bg:#262626 #ffd75f",
    "toolbar.incomplete": "bg:#262626 #8a8a8a",
    "toolbar.error": "bg:#262626 #ff5f5f",
    "toolbar.info": "bg:#3a3a3a #d0d0d0",
    "completion-menu.completion": "bg:#303030 #d0d0d0",
    "completion-menu.completion.current": "bg:#5f87af #ffffff",
    "completion-menu.meta.completion": "bg:#262626 #8a8a8a",
    "completion-menu.meta.completion.current": "bg:#5f87af #eeeeee",
    "auto-suggestion": "#606060",
}


def _warm_up() -> None:
    """Import and build what the first keystrokes need (grammar, schema, API)."""
    try:
        from fel.api import check

        from .highlight import classify
        from .lexing import analyze

        check("BackupJobSession where Result == Failed")
        classify("BackupJobSession where Result == Failed")
        analyze("BackupJobSession where ")
    except Exception:  # noqa: BLE001 - warming up is only an optimisation
        pass


def key_bindings(shell: Shell) -> Any:
    """Enter runs or continues; Alt-Enter inserts a newline; F3 shows the URL of the line."""
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.filters import completion_is_selected, has_completions, is_searching
    from prompt_toolkit.key_binding import KeyBindings

    from .multiline import continues

    kb = KeyBindings()

    @kb.add("enter", filter=has_completions & completion_is_selected & ~is_searching)
    def _take_completion(event) -> None:
        buf = event.current_buffer
        buf.complete_state = None  # keep the chosen completion, close the menu

    @kb.add("enter", filter=~(has_completions & completion_is_selected) & ~is_searching)
    def _enter(event) -> None:
        buf = event.current_buffer
        if buf.document.is_cursor_at_the_end and continues(buf.text):
            buf.insert_text("\n")
        else:
            buf.validate_and_handle()

    @kb.add("escape", "enter", filter=~is_searching)
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    @kb.add("f3")
    def _show_url(event) -> None:
        text = event.current_buffer.text
        if text.strip():
            run_in_terminal(lambda: shell.show_url(text))

    return kb


def build_session(shell: Shell, *, history: Any = None, input: Any = None, output: Any = None,
                  threaded: bool = True, toolbar: bool = True) -> Any:
    """A configured PromptSession for ``shell``."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.shortcuts import CompleteStyle
    from prompt_toolkit.styles import Style

    from .completer import make_completer
    from .completion import Completion
    from .highlight import STYLE_RULES, prompt_lexer
    from .history import SafeFileHistory

    if shell.completion is None:
        shell.completion = Completion()
    shell.completion.current_type = lambda: (lambda t: t.name if t is not None else None)(shell.current_type())
    style = Style.from_dict({**STYLE_RULES, **STYLE})
    session: Any = None

    def bottom_toolbar():
        from .toolbar import status, toolbar_fragments

        text = session.default_buffer.text if session is not None else ""
        st = status(text, base=shell.base)
        width = session.app.output.get_size().columns if session is not None else 80
        mode = shell.settings.format + (" \\x" if shell.settings.expanded == "on" else "")
        return toolbar_fragments(st, width=width, connection=shell.connection_label, mode=mode)

    session = PromptSession(
        message=[("class:prompt", "fel> ")],
        prompt_continuation=lambda width, line_number, wrap_count: [("class:prompt.cont", "...> ".rjust(width))],
        lexer=prompt_lexer(),
        completer=make_completer(shell.completion, threaded=threaded),
        complete_while_typing=True,
        complete_style=CompleteStyle.COLUMN,
        auto_suggest=AutoSuggestFromHistory(),
        history=history if history is not None else SafeFileHistory(),
        bottom_toolbar=bottom_toolbar if toolbar else None,
        style=style,
        include_default_pygments_style=False,
        multiline=True,
        key_bindings=key_bindings(shell),
        enable_open_in_editor=True,
        enable_history_search=False,
        input=input,
        output=output,
    )
    return session


def _start_background(shell: Shell, after: Callable[[], None] | None) -> None:
    def run() -> None:
        _warm_up()
        if after is not None:
            after()

    threading.Thread(target=run, name="fel-warm-up", daemon=True).start()


def _redraw(app: Any) -> None:
    """Redraw the prompt from another thread, if it is still on screen."""
    try:
        if app.is_running:
            app.invalidate()
    except RuntimeError:  # the prompt ended between the check and the redraw
        pass


def run_loop(shell: Shell, session: Any, *, on_first_prompt: Callable[[], None] | None = None) -> int:
    """Prompt, run, repeat until ``\\q`` or Ctrl-D. Returns the exit code."""
    started = {"done": False}

    def first_render(_app) -> None:
        if not started["done"]:
            started["done"] = True
            _start_background(shell, lambda: _redraw(session.app))
            shell.start_connecting()
            if on_first_prompt is not None:
                on_first_prompt()

    session.app.after_render += first_render
    pending: list[str] = []
    lock = threading.Lock()

    def announce(message: str) -> None:
        """Print ``message`` above the prompt (from the connecting thread)."""
        app = session.app
        loop = getattr(app, "loop", None)
        if app.is_running and loop is not None:
            def show() -> None:
                from prompt_toolkit.application import run_in_terminal
                from prompt_toolkit.application.current import set_app

                with set_app(app):
                    run_in_terminal(lambda: shell.info(message))

            loop.call_soon_threadsafe(show)
        else:
            with lock:
                pending.append(message)

    shell.on_connect_done = announce
    default = ""
    try:
        while True:
            with lock:
                for message in pending:
                    shell.info(message)
                pending.clear()
            try:
                line = session.prompt(default=default)
            except KeyboardInterrupt:
                default = ""
                continue
            except EOFError:
                break
            default = ""
            try:
                keep_going = shell.execute(line)
            except KeyboardInterrupt:
                shell.error("cancelled")
                continue
            except Exception as exc:  # noqa: BLE001 - the REPL must survive any one line
                shell.error(f"internal error: {exc.__class__.__name__}: {exc} — please report it")
                continue
            if shell.retry_text is not None:
                default, shell.retry_text = shell.retry_text, None
            if not keep_going:
                break
    finally:
        shell.close()
    return 0
