"""Untrusted text made inert for each place it is quoted: logs, terminals, Markdown.

Manifests, rules and configuration come from pull requests (DESIGN.md s.10),
so every formatter quotes them through this module, never on its own:

- `clean`: one line of plain text. Terminal escape sequences (CSI, OSC such
  as hyperlinks and window titles, DCS and the other string controls, 8-bit
  forms included), every other control character and the bidirectional
  controls that reorder what a reader sees (U+202A-U+202E, U+2066-U+2069,
  U+200E, U+200F, U+061C) are removed; line breaks become spaces.
- `log`: `clean`, plus `##[` broken up: the Actions runner reads a
  `##[command]` anywhere in a log line, not only at its start.
- `lead`: for text that starts a log line, which must not look like a
  workflow command (`::name::`, after leading white space, which the runner
  skips).
- `md`, `md_code`, `inline_html`: Markdown (job summary, SARIF help) where
  HTML, Markdown syntax, `@mentions` and bare URLs stay text.
- `inert_json`, `inert_xml`: a whole JSON or XML document with `##[` written
  as a character escape inside its strings: the same data, nothing for the
  runner to read when the document goes to standard output in a CI log.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(
    "\x1b[]PX^_][^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\\\|\x9c)"  # OSC, DCS, SOS, PM, APC with their terminator
    "|[\x90\x98\x9d\x9e\x9f][^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\\\|\x9c)"  # the same, 8-bit introducers
    "|(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, erase
    "|\x1b[ -/]*[0-~]"  # two-character escapes (and an unterminated OSC's introducer)
)
_BREAK = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters left after the above, and the bidirectional marks, embeddings, overrides and isolates."""


def clean(value: object) -> str:
    """One line of text without control characters, terminal escapes or bidirectional controls."""
    text = str(value)
    if text.isprintable():  # the common case, checked in C: nothing below can match
        return text
    text = _ESCAPE.sub("", text)
    text = _BREAK.sub(" ", text)
    return _INVISIBLE.sub("", text)


def log(value: object) -> str:
    """`clean` text for a CI log line: no `##[` for the Actions runner to read as a command."""
    return clean(value).replace("##[", "##\\[")


def lead(text: str, prefix: str) -> str:
    """`text` with `prefix` in front when it would start a log line with a workflow command's `::`."""
    return prefix + text if text.lstrip().startswith("::") else text


def block(text: str) -> str:
    """Several lines of untrusted text for a terminal or CI log (a rule's documentation): each line `log`-ged
    and kept from starting with `::`; the line breaks stay."""
    return "\n".join(lead(log(line), "\\") for line in text.split("\n"))


def inert_json(document: str) -> str:
    """Serialised JSON with `##[` written `##\\u005b`: `#` only occurs inside JSON strings, so the data is unchanged."""
    return document.replace("##[", "##\\u005b") if "##[" in document else document


def inert_xml(document: str) -> str:
    """Serialised XML with `##[` written `##&#91;`: `#` only occurs in text and attribute values here."""
    return document.replace("##[", "##&#91;") if "##[" in document else document


# -- Markdown -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
"""Inline Markdown syntax; the text never starts a line, so `#`, `-` and `+` need no escape."""
_WWW = re.compile(r"(?i)\b(www)\.")
_ZWSP = "\u200b"
"""A zero-width space: it keeps GitHub from linking a URL or notifying an @mention, and shows nothing."""


def md(value: object) -> str:
    """Untrusted text made inert in Markdown: one line, HTML and Markdown syntax escaped, no @mentions, no links.

    Text that would start a line with `::` gets a backslash (`\\:` shows as `:`), in case the Markdown is
    printed to a CI log.
    """
    return lead(_escape(_one_line(value)), "\\")


def md_code(value: object) -> str:
    """Like `md`, but paired backticks stay code spans (rule remediation text quotes manifest keys)."""
    text = _one_line(value)
    parts = text.split("`")
    if len(parts) % 2 == 0 or "##[" in text:  # unbalanced, or a runner command that a code span would keep
        return md(value)
    return lead("".join(f"`{p}`" if i % 2 else _escape(p) for i, p in enumerate(parts) if p or i % 2 == 0), "\\")


def inline_html(value: object) -> str:
    """Untrusted text for HTML blocks inside Markdown (`<summary>`), where Markdown escapes would show."""
    text = _one_line(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    # `##[` anywhere in a line is a runner command when the Markdown goes to a CI log; `&#91;` still shows `[`.
    return _unlinked(text).replace("##[", "##&#91;")


def fence(code: str) -> str:
    """A fenced code block that `code` cannot close: the fence is longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}yaml\n{code}\n{ticks}"


def _one_line(value: object) -> str:
    return " ".join(clean(value).split())


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _unlinked(_MD_SPECIAL.sub(r"\\\1", text))


def _unlinked(text: str) -> str:
    """No autolinks: GitHub links `scheme://...` and `www.` on its own, and notifies `@name`."""
    if "@" in text:
        text = text.replace("@", "@" + _ZWSP)
    if "://" in text:
        text = text.replace("://", ":" + _ZWSP + "//")
    if "." in text:
        text = _WWW.sub(r"\1" + _ZWSP + ".", text)
    return text
