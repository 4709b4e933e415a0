"""How the GitHub Actions runner reads workflow commands from a step's output, for the tests.

A model of actions/runner's `ActionCommand.TryParseV2` / `TryParse` and
`ActionCommandManager.TryProcessCommand`, which decide what a log line does:

- The output is read line by line (.NET `ReadLine`: LF, CR or CR LF end a line).
- `::name props::data` is a command when the line, after leading white space
  is trimmed, starts with `::` and `name` is a registered command.
- `##[name props]data` is a command when `##[` appears anywhere in the line.
- After `::stop-commands::TOKEN` nothing is processed until a command named
  TOKEN (`::TOKEN::`); names compare case-insensitively.

A test passes shiftleft's real output through `commands()` and asserts the
exact list of commands the runner would act on.
"""

from __future__ import annotations

import re
from typing import NamedTuple

REGISTERED = frozenset(
    {"stop-commands", "set-env", "set-output", "save-state", "add-mask", "add-path", "add-matcher",
     "remove-matcher", "warning", "error", "notice", "debug", "group", "endgroup", "echo"}
)  # fmt: skip
_LINES = re.compile(r"\r\n|\r|\n")


class Command(NamedTuple):
    name: str
    properties: dict[str, str]
    data: str


def commands(output: str) -> list[Command]:
    """The commands the runner would act on, in order, for this step output (stdout or stderr)."""
    acted: list[Command] = []
    stop_token: str | None = None
    for line in _LINES.split(output):
        names = REGISTERED | ({stop_token.lower()} if stop_token else set())
        command = _v2(line, names) or _v1(line, names)
        if command is None:
            continue
        if stop_token is not None:
            if command.name.lower() == stop_token.lower():
                stop_token = None
            continue
        if command.name.lower() == "stop-commands":
            stop_token = command.data
            continue
        acted.append(command)
    return acted


def _v2(line: str, names: frozenset[str] | set[str]) -> Command | None:
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    name, _, props = info.partition(" ")
    if name.lower() not in names:
        return None
    properties = {}
    for pair in props.strip().split(","):
        key, sep, value = pair.partition("=")
        if sep and key and value:
            properties[key] = _unescape(value, {"%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ",", "%25": "%"})
    return Command(name, properties, _unescape(message[end + 2 :], {"%0D": "\r", "%0A": "\n", "%25": "%"}))


def _v1(line: str, names: frozenset[str] | set[str]) -> Command | None:
    start = line.find("##[")
    if start < 0:
        return None
    end = line.find("]", start)
    if end < 0:
        return None
    name, _, _props = line[start + 3 : end].partition(" ")
    if name.lower() not in names:
        return None
    return Command(name, {}, line[end + 1 :])


def _unescape(text: str, mapping: dict[str, str]) -> str:
    for escaped, plain in mapping.items():  # the runner's order: the `%25` mapping last
        text = text.replace(escaped, plain)
    return text
