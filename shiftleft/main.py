"""Command line: `main(argv) -> int` picks a command and dispatches to it.

Only the chosen command's module is imported, so `shiftleft check` (the
pre-commit hook's path) never pays for report or scaffolding code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from shiftleft import __version__
from shiftleft.error_handler import guarded
from shiftleft.errors import UsageError

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("shiftleft.commands.check", "evaluate manifests against the policy (the default command)"),
    "schema": ("shiftleft.commands.schema", "print the manifest JSON Schema"),
    "config": ("shiftleft.commands.config", "show the effective configuration and where each value comes from"),
    "rules": ("shiftleft.commands.rules", "list, explain and test rules"),
    "report": ("shiftleft.commands.report", "write the portfolio report for architects (HTML or Markdown)"),
    "init": ("shiftleft.commands.init", "scaffold a shiftleft.yaml for a service, by tier"),
    "catalog": ("shiftleft.commands.catalog", "export this repository's service catalog for other repositories"),
    "baseline": ("shiftleft.commands.baseline", "record today's findings so only new ones fail"),
    "merge": ("shiftleft.commands.merge", "combine JSON reports (CI shards, repositories) into one result"),
}
"""Command name: (module with add_arguments(parser) and run(args) -> int, one-line help)."""

EPILOG = "exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error, 3 internal error"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every error is one line through one handler."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _module(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def command_parser(name: str) -> argparse.ArgumentParser:
    help_text = COMMANDS[name][1]
    parser = _Parser(prog=f"shiftleft {name}", description=help_text, epilog=EPILOG)
    _module(name).add_arguments(parser)
    return parser


def _top_help() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = [
        "usage: shiftleft [COMMAND] [OPTIONS] [PATHS...]",
        "",
        "Check service manifests (shiftleft.yaml) against continuity, availability, security and",
        "compliance policy before they merge. Without a command, `check` runs.",
        "",
        "commands:",
        *(f"  {n.ljust(width)}  {h}" for n, (_m, h) in COMMANDS.items()),
        "",
        "`shiftleft COMMAND --help` describes a command's options.",
        EPILOG,
    ]
    return "\n".join(lines) + "\n"


def _refuse_mistyped_command(word: str) -> None:
    """`shiftleft chek` is a typo for `check`, not a path to check: say so rather than "path not found"."""
    if word.startswith("-") or os.path.lexists(word):
        return
    import difflib

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if close:
        known = ", ".join(COMMANDS)
        raise UsageError(f"unknown command {word!r}; did you mean `shiftleft {close[0]}`? (commands: {known})")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    return guarded(lambda: _dispatch(args), args)


def run() -> NoReturn:
    """The command (console script, `python -m shiftleft`): `main`, then exit without the interpreter's teardown.

    Freeing a run's objects one by one at exit took about 15 ms of the pre-commit hook in a 1,000-service
    repository (as mypy, shiftleft exits hard). Every file shiftleft writes is closed by then (`with`
    blocks, temporary folders included); the standard streams are flushed here.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away, or the stream was closed
            code = code or 1
    os._exit(code)


def _dispatch(args: list[str]) -> int:
    if args[:1] in (["-h"], ["--help"], ["help"]):
        sys.stdout.write(_top_help())
        return 0
    if args[:1] == ["--version"]:
        print(f"shiftleft {__version__}")
        return 0
    # `check` is the default command: `shiftleft examples/shop` means `shiftleft check examples/shop`.
    if args and args[0] not in COMMANDS:
        _refuse_mistyped_command(args[0])
    name = args[0] if args and args[0] in COMMANDS else "check"
    rest = args[1:] if args and args[0] in COMMANDS else args
    parsed = command_parser(name).parse_args(rest)
    result: int = _module(name).run(parsed)
    return result
