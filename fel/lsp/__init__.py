"""``fel lsp``: EM query diagnostics, quick fixes, completion and hover in any editor.

A language server over stdio (pygls + lsprotocol). It adds no second implementation: findings
are :func:`fel.lint.lint_text`'s (same codes, severities, messages, ranges, ``noqa`` and
``[tool.fel.lint]``), fixes are the linter's safe fixes, completion is the REPL's completer fed
the query text under the cursor, and hover shows what the REPL's ``\\d`` shows.

Modules: ``positions`` (file offsets ↔ LSP UTF-16 positions), ``analysis`` (diagnostics and
code actions, pure), ``assist`` (completion and hover, pure), ``server`` (the pygls wiring:
incremental sync, debounced re-linting off the event loop). Only ``server`` imports pygls.
"""
