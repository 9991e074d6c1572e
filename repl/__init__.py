"""fel's interactive shell (``fel repl``): a prompt-toolkit REPL for Enterprise Manager queries.

Installed as ``fel.repl`` (the wheel maps the top-level ``repl/`` directory there). Modules:

* :mod:`.lexing`     — access to fel's Lark grammar: token streams with error recovery
* :mod:`.completion` — pure completion logic (text, cursor) → suggestions
* :mod:`.completer`  — the prompt-toolkit adapter (threaded, fuzzy, with meta text)
* :mod:`.highlight`  — token classification, the prompt-toolkit lexer, the Pygments lexers
* :mod:`.toolbar`    — live validation and compiled-URL preview for the bottom toolbar
* :mod:`.commands`   — backslash commands (``\\d``, ``\\x``, ``\\format`` …)
* :mod:`.render`     — tables, expanded records, JSON and CSV output
* :mod:`.history`    — history file in the XDG data directory that never stores secrets
* :mod:`.app`        — the session loop; :mod:`.demo` — the embedded emulator for ``--demo``

Nothing here is imported by ``import fel``.
"""
