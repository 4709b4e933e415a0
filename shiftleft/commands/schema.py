"""`shiftleft schema`: print the manifest JSON Schema (for editors and other validators)."""

from __future__ import annotations

import argparse
import sys

from shiftleft.manifest.schema import schema_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    sys.stdout.write(schema_text())
    return 0
