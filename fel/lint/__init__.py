"""``fel lint``: find, explain and fix mistakes in EM queries stored in scripts and files.

Library use::

    from fel.lint import lint_text, fix_text
    result = lint_text(source, path="check_veeam.ps1")   # LintResult(diagnostics in file coordinates)
    fixed, remaining, n = fix_text(source, path="check_veeam.ps1")

Modules: ``extract`` (string literals per language, with ``lexbase``/``lex_c``/``lex_script``/
``lex_data``, ``assemble`` and ``candidate``), ``classify`` (which strings are EM URLs),
``rules_url`` (FEL403+ rules), ``engine`` (one text), ``fixes``, ``noqa``, ``config``,
``sources`` (files and .gitignore), ``output`` (formats), ``docgen`` (docs/rules.md).
"""
from __future__ import annotations

from .config import ConfigError, Settings, load_config
from .engine import LintResult, lint_text
from .fixes import fix_text

__all__ = ["lint_text", "fix_text", "LintResult", "Settings", "load_config", "ConfigError"]
