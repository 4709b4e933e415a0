"""Command line: `main(argv) -> int` builds the parser and dispatches to a command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from shiftleft import __version__
from shiftleft.error_handler import guarded
from shiftleft.errors import UsageError

COMMANDS = {
    "check": "evaluate manifests against the policy (the default command)",
    "schema": "print the manifest JSON Schema",
    "config": "show the effective configuration and where each value comes from",
}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every error is one line through one handler."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _command(name: str) -> ModuleType:
    if name == "check":
        from shiftleft.commands import check

        return check
    if name == "schema":
        from shiftleft.commands import schema

        return schema
    from shiftleft.commands import config

    return config


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="shiftleft",
        description="Check service manifests (shiftleft.yaml) against continuity, availability, security "
        "and compliance policy before they merge.",
        epilog="exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error, "
        "3 internal error",
    )
    parser.add_argument("--version", action="version", version=f"shiftleft {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        _command(name).add_arguments(command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `check` is the default command: `shiftleft examples/shop` means `shiftleft check examples/shop`.
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "check")
    return guarded(lambda: _dispatch(args_list), args_list)


def _dispatch(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    result: int = _command(args.command).run(args)
    return result
