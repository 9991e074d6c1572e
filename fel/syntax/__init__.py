"""fel's syntax layer: the AST, the Lark parser and the input-form readers (URL, statement,
filter). Depends only on :mod:`fel.span`, :mod:`fel.codes` and :mod:`fel.diagnostics`."""
