"""Hostile configuration, rule files, tier policies, waiver files and report injection (see corpus.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import NOW
from tests.hostile.corpus import MANIFEST, Case, base, edit

M = MANIFEST
T = ".shiftleft.toml"
W = "shiftleft-waivers.yaml"
RULE = """\
id: ACME901
name: hostile
severity: high
category: continuity
summary: a rule from the pull request
assert: {check}
location: metadata.name
message: {message}
rationale: r
remediation: r
"""


def rule(check: str = "true", message: str = "'m'", **extra: str) -> dict[str, str]:
    text = RULE.format(check=check, message=message) + "".join(f"{k}: {v}\n" for k, v in extra.items())
    return {T: 'rules = ["org"]\n', "org/ACME901-hostile.yaml": text}


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    "b{0}: &b{0} [{1}]\n".format(i, ", ".join(["*a" if i == 0 else f"*b{i - 1}"] * 10)) for i in range(8)
)
"""Ten to the ninth values once every alias is expanded."""
TIERS = 'tiers = "org/tiers.yaml"\n'

CONFIG = [
    Case("toml-syntax-error", "config", {T: "fail_on = \n"}, 2),
    Case("toml-unknown-key", "config", {T: 'fail_onn = "low"\n'}, 2),
    Case("toml-fail-on-bad", "config", {T: 'fail_on = "blocker"\n'}, 2),
    Case("toml-disable-a-string", "config", {T: 'disable = "SL301"\n'}, 2),
    Case("toml-timeout-nan", "config", {T: "evidence_timeout = nan\n"}, 2),
    Case("toml-timeout-inf", "config", {T: "evidence_timeout = inf\n"}, 2),
    Case("toml-timeout-negative", "config", {T: "evidence_timeout = -5\n"}, 2),
    Case("toml-max-bytes-huge", "config", {T: "max_manifest_bytes = 9223372036854775807\n"}, 2),
    Case("toml-max-bytes-zero", "config", {T: "max_manifest_bytes = 0\n"}, 2),
    Case("toml-manifest-glob-escape", "config", {T: 'manifests = ["../**/shiftleft.yaml"]\n'}, 2),
    Case("toml-manifest-glob-absolute", "config", {T: 'manifests = ["/etc/**"]\n'}, 2),
    Case("toml-huge-array", "config", {T: "disable = [" + ", ".join(['"SL301"'] * 200_000) + "]\n"}, 0),
    Case("toml-deep-inline-tables", "config", {T: "org = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"}, 2),
    Case("toml-binary", "config", {T: b"\xff\xfe\x00\x01"}, 2),
    Case("tiers-unknown-key", "config", {T: TIERS, "org/tiers.yaml": "tiers:\n  1: {max_rtoo: 1h}\n"}, 2),
    Case("tiers-bad-duration", "config", {T: TIERS, "org/tiers.yaml": "tiers:\n  1: {name: x, max_rto: fast}\n"}, 2),
    Case("tiers-alias-bomb", "config", {T: TIERS, "org/tiers.yaml": BOMB}, 2),
    Case("tiers-not-a-mapping", "config", {T: TIERS, "org/tiers.yaml": "- 1\n- 2\n"}, 2),
]

RULES = [
    Case("rule-cel-syntax", "rules", rule("spec.tier >"), 2),
    Case("rule-cel-unknown-variable", "rules", rule("secrets.token == ''"), 2),
    Case("rule-cel-unknown-function", "rules", rule("system('id') == 0"), 2),
    Case("rule-jinja-syntax", "rules", rule(message='"{{ spec.tier "'), 2),
    Case(
        "rule-jinja-sandbox-escape",
        "rules",
        rule("false", message='"{{ metadata.__class__.__mro__[1].__subclasses__() }}"'),
        1,
    ),
    Case("rule-jinja-import", "rules", rule("false", message="\"{% import 'os' as os %}{{ os }}\""), 1),
    Case("rule-unknown-key", "rules", rule(run="rm -rf /"), 2),
    Case(
        "rule-id-not-filename",
        "rules",
        {T: 'rules = ["org"]\n', "org/ACME902-other.yaml": RULE.format(check="true", message="'m'")},
        2,
    ),
    Case(
        "rule-severity-bad",
        "rules",
        {
            T: 'rules = ["org"]\n',
            "org/ACME901-hostile.yaml": RULE.format(check="true", message="'m'").replace("high", "apocalyptic"),
        },
        2,
    ),
    Case("rule-huge-file", "rules", rule(rationale="x" * 2_000_000), 2),
    Case(
        "rule-tag-python",
        "rules",
        {
            T: 'rules = ["org"]\n',
            "org/ACME901-hostile.yaml": RULE.format(check="true", message="'m'").replace(
                "summary: a rule", "summary: !!python/object/apply:os.system [id]\n#"
            ),
        },
        2,
    ),
    Case(
        "rule-shadows-shipped-id",
        "rules",
        {
            T: 'rules = ["org"]\n',
            "org/SL301-rto-within-tier.yaml": RULE.format(check="true", message="'m'").replace("ACME901", "SL301"),
        },
        2,
    ),
]

WAIVER = "  - {{rule: SL324, service: svc, reason: r, approved_by: board, ticket: RISK-1, expires: {expires}}}\n"
GAME_DAY_OLD = {M: edit("game_day: 2026-06-01", "game_day: 2025-01-01")}

WAIVERS = [
    Case("waiver-far-future", "waivers", {**GAME_DAY_OLD, W: "waivers:\n" + WAIVER.format(expires="9999-12-31")}, 1),
    Case("waiver-year-10000", "waivers", {**GAME_DAY_OLD, W: "waivers:\n" + WAIVER.format(expires="10000-01-01")}, 1),
    Case("waiver-not-a-mapping", "waivers", {W: "- rule: SL301\n"}, 1),
    Case("waiver-waivers-a-string", "waivers", {W: "waivers: all\n"}, 1),
    Case(
        "waiver-duplicate-key",
        "waivers",
        {
            W: "waivers:\n  - {rule: SL324, rule: SL301, service: svc, reason: r, approved_by: b, ticket: T,"
            " expires: 2027-01-01}\n"
        },
        1,
    ),
    Case("waiver-alias-bomb", "waivers", {W: BOMB + "waivers: []\n"}, 1),
    Case("waiver-invalid-utf8", "waivers", {W: b"waivers:\n  - {rule: SL3\xff01}\n"}, 1),
    Case(
        "waiver-wildcard-rule",
        "waivers",
        {**GAME_DAY_OLD, W: "waivers:\n" + WAIVER.format(expires="2027-01-01").replace("SL324", "'*'")},
        1,
    ),
    Case(
        "waiver-terminal-escape-reason",
        "waivers",
        {
            **GAME_DAY_OLD,
            W: "waivers:\n"
            + WAIVER.format(expires="2027-01-01").replace("reason: r", 'reason: "\\e[2J\\e]0;pwned\\a ok"'),
        },
        0,
    ),
    Case("waiver-symlink-outside", "waivers", {}, 1, setup=lambda repo: (repo / W).symlink_to("/etc/passwd")),
]


def _sarif_valid(repo: Path) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(json.loads((repo / "out.sarif").read_text(encoding="utf-8")), schema)


def _html_inert(repo: Path) -> None:
    page = (repo / "out.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _markdown_inert(repo: Path) -> None:
    text = (repo / "out.md").read_text(encoding="utf-8")
    for raw in ("[x](https://evil.example)", "@admin", "<img src=x>"):
        assert raw not in text, raw
    assert "unknown key" in text


def _junit_parses(repo: Path) -> None:
    from xml.etree import ElementTree

    tree = ElementTree.parse(repo / "out.xml")  # noqa: S314  # the report shiftleft just wrote
    failures = [f.get("message", "") + (f.text or "") for f in tree.iter("failure")]
    assert any(']]></failure><x a="' in f for f in failures), failures
    assert not list(tree.iter("x"))


def only(fmt: str) -> tuple[str, ...]:
    return ("check", ".", "--now", NOW, "-q", "--format", fmt)


def also(fmt: str) -> tuple[str, ...]:
    """The text lines on stdout, and `fmt` (`name=file`) written for `then` to read."""
    return (*only("text"), "--format", fmt)


ESC_KEY = "x\\e[31m::error file=a::forged"
REPORT = [
    Case("key-with-escapes-text", "report", {M: edit("  tier: 1\n", f'  tier: 1\n  "{ESC_KEY}": 1\n')}, 1),
    Case(
        "key-with-escapes-github",
        "report",
        {M: edit("  tier: 1\n", f'  tier: 1\n  "{ESC_KEY}": 1\n')},
        1,
        cmd=only("github"),
    ),
    Case(
        "newline-command-github",
        "report",
        {M: edit("  tier: 1\n", '  tier: 1\n  "a\\n::add-mask::x\\n::error::forged": 1\n')},
        1,
        cmd=only("github"),
    ),
    Case(
        "html-injection",
        "report",
        {M: edit("  tier: 1\n", '  tier: 1\n  "<script>alert(1)</script>": 1\n')},
        1,
        cmd=also("html=out.html"),
        then=_html_inert,
    ),
    Case(
        "markdown-injection",
        "report",
        {M: edit("  tier: 1\n", '  tier: 1\n  "[x](https://evil.example) @admin <img src=x>": 1\n')},
        1,
        cmd=also("markdown=out.md"),
        then=_markdown_inert,
    ),
    Case(
        "sarif-injection",
        "report",
        {M: edit("  tier: 1\n", '  tier: 1\n  "\\u202e\\x1b]8;;http://evil\\x07[x](y)": 1\n')},
        1,
        cmd=also("sarif=out.sarif"),
        then=_sarif_valid,
    ),
    Case(
        "junit-injection",
        "report",
        {M: edit("  tier: 1\n", '  tier: 1\n  "]]></failure><x a=\\"": 1\n')},
        1,
        cmd=also("junit=out.xml"),
        then=_junit_parses,
    ),
    Case(
        "markdown-to-the-log-runner-command-in-a-name",
        "report",
        {M: base().replace("name: svc,", 'name: "##[set-output name=a]b",', 1)},
        1,
        cmd=only("markdown"),
    ),
    Case("bidi-in-a-message", "report", {M: edit("  tier: 1\n", '  tier: 1\n  "ab\\u202ecd\\u2066": 1\n')}, 1),
]

CASES = [*CONFIG, *RULES, *WAIVERS, *REPORT]
