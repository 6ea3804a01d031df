"""Exceptions raised by blocsim (pure Python, so they can carry diagnostics)."""
from __future__ import annotations

from typing import List, NamedTuple


class Diagnostic(NamedTuple):
    """One problem in an input file: ``file:line:col: key: message``."""

    file: str
    line: int
    column: int
    key: str
    message: str


class ConfigError(ValueError):
    """Invalid input (scenario, sweep, override). ``str(e)`` is exactly what
    ``blocsim validate`` prints: one ``file:line:col: key: message`` line per
    problem; ``e.diagnostics`` lists them as :class:`Diagnostic` tuples."""

    def __init__(self, message: str, diagnostics=()):
        super().__init__(message)
        self.diagnostics: List[Diagnostic] = [Diagnostic(*d) for d in diagnostics]


class RunError(RuntimeError):
    """A failure while running or writing (I/O, an invariant violated)."""
