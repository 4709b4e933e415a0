"""The exception hierarchy. Every error a user can cause is a ShiftleftError.

Each one prints as a single line (`file:line:col: message`) and maps to an exit
code in `shiftleft.main`; anything else is a bug (exit 3, with a crash log).
"""

from __future__ import annotations

from pathlib import Path


class ShiftleftError(Exception):
    """Root of every error the user can fix."""

    exit_code = 2

    def __init__(self, message: str, *, file: Path | str | None = None, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.col = col

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class UsageError(ShiftleftError):
    """Bad command-line arguments."""


class ConfigError(ShiftleftError):
    """Bad configuration (pyproject.toml, .shiftleft.toml, tier policy)."""


class RuleError(ShiftleftError):
    """A rule file that does not parse, validate or compile."""


class ManifestError(ShiftleftError):
    """A manifest that cannot be read. Recorded as an SL0xx finding, never raised to main."""

    def __init__(self, rule: str, message: str, *, file: Path | str | None = None, line: int = 0, col: int = 0) -> None:
        super().__init__(message, file=file, line=line, col=col)
        self.rule = rule


class TooCostly(Exception):
    """A rule message went over a cap while rendering (raised by `policy.sandbox`, reported by the engine as the
    rule's evaluation error). Defined here, a leaf module, so that `policy.messages` and `policy.sandbox` import it
    without importing each other (and the hook's simple messages never import jinja2)."""
