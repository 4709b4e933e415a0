"""Output that a pull request cannot forge: the shared escaping helpers, exact strings, and every
formatter fed hostile names, paths, messages and rules (DESIGN.md s.10).

The `github` and `text` outputs go through a model of the Actions runner's
command parser (tests/actions_runner.py): the commands it would act on are
asserted exactly.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # parses only what the formatter under test wrote
from pathlib import Path

import pytest

from shiftleft import formatters
from shiftleft.findings import Finding, Location, Severity
from shiftleft.formatters import github, sarif
from shiftleft.formatters.safe import clean, fence, inline_html, lead, log, md, md_code
from shiftleft.policy.catalog import Reference, Rule
from shiftleft.results import RunResult, ServiceResult
from tests import actions_runner
from tests.formatters import results as fixture
from tests.helpers import NOW, good_manifest, run_cli, write

ESC = "\x1b"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# -- the helpers, exact ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain café 🚀 text", "plain café 🚀 text"),
        ("👩\u200d💻 keeps its joiner", "👩\u200d💻 keeps its joiner"),
        (f"a{ESC}[31mred{ESC}[0m b", "ared b"),  # SGR colours
        (f"x{ESC}[2J{ESC}[1;1H{ESC}[?25ly", "xy"),  # erase screen, move cursor, hide cursor
        (f"{ESC}]8;;https://evil.example{ESC}\\click{ESC}]8;;{ESC}\\", "click"),  # OSC 8 hyperlink
        (f"t{ESC}]0;window title\x07u", "tu"),  # OSC title, BEL-terminated
        (f"a{ESC}]0;unterminated", "a0;unterminated"),  # no terminator: only the introducer goes
        (f"a{ESC}P1$r{ESC}\\b", "ab"),  # DCS
        ("a\x9b2Jb\x9d0;t\x9cc", "abc"),  # 8-bit CSI and OSC
        (f"a{ESC}cb{ESC}(Bc", "abc"),  # RIS, charset selection
        ("a\x00b\x07c\x08d\x7fe\x9ff", "abcdef"),  # C0, DEL, C1
        ("one\r\ntwo\rthree\nfour\u2028five\u2029six\x85seven\vfor\ftab\tend", "one two three four five six seven for tab end"),
        (f"evil{BIDI}txt.exe", "eviltxt.exe"),
        ("user\u202egnp.exe", "usergnp.exe"),
    ],
)  # fmt: skip
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_is_linear_on_a_large_hostile_value() -> None:
    import time

    value = (f"{ESC}]" + "x" * 1000) * 2000 + f"{ESC}[" * 100_000 + "\u202e" * 100_000
    start = time.perf_counter()
    out = clean(value)
    assert time.perf_counter() - start < 2.0
    assert ESC not in out and "\u202e" not in out and out.startswith("x" * 1000)


def test_log_breaks_legacy_commands_anywhere() -> None:
    assert log("owner ##[error]forged ##[add-mask]x") == "owner ##\\[error]forged ##\\[add-mask]x"
    assert log(f"##{ESC}[0m[warning]w") == "##\\[warning]w"  # an escape removed cannot rejoin `##[`


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("::error::x", "./::error::x"),
        ("  ::warning::x", "./  ::warning::x"),
        ("\u3000::notice::x", "./\u3000::notice::x"),  # the runner trims Unicode white space too
        ("a::error::x", "a::error::x"),
        (":single", ":single"),
    ],
)  # fmt: skip
def test_lead(raw: str, expected: str) -> None:
    assert lead(raw, "./") == expected


def test_markdown_escaping_exact() -> None:
    raw = "see https://evil.example/x?a=1 or WWW.evil.example, <https://a.b> @team <b>x</b> [l](u) *e* |p|"
    assert md(raw) == (
        "see https:\u200b//evil.example/x?a=1 or WWW\u200b.evil.example, &lt;https:\u200b//a.b&gt; @\u200bteam "
        "&lt;b&gt;x&lt;/b&gt; \\[l\\](u) \\*e\\* \\|p\\|"
    )
    assert md(f"a{ESC}[31m\u202eb\nc") == "ab c"
    assert md_code("set `spec.tier` to https://x") == "set `spec.tier` to https:\u200b//x"
    assert md_code("odd ` tick") == "odd \\` tick"
    assert inline_html('<img src=x> "q" @me www.x.example mailto:a@b.example') == (
        "&lt;img src=x&gt; &quot;q&quot; @\u200bme www\u200b.x.example mailto:a@\u200bb.example"
    )


def test_fence_cannot_be_closed_by_the_code() -> None:
    assert fence("a: 1") == "```yaml\na: 1\n```"
    assert (
        fence("a: |\n  ```\n  ````\n![x](https://evil)") == "`````yaml\na: |\n  ```\n  ````\n![x](https://evil)\n`````"
    )


# -- every formatter on hostile input --------------------------------------------------------------

FORGED_FOLDER = "::error file=README.md,line=1::forged"
HOSTILE_FILE = f"{FORGED_FOLDER}/shiftleft.yaml"
STOP_FILE = "::stop-commands::x/shiftleft.yaml"
HOSTILE_MESSAGE = (
    f"owner {ESC}[2J{ESC}]0;pwned\x07 ##[add-mask]secret\n::warning::second line {BIDI}"
    "https://evil.example @everyone <b>x</b>"
)


def hostile() -> RunResult:
    rule = fixture.SL301
    findings = (
        Finding(rule.id, rule.name, rule.severity, rule.category, "::warning::svc",
                Location(HOSTILE_FILE, 3, 5, "spec.continuity.rto"), HOSTILE_MESSAGE, rule.remediation),
        Finding(rule.id, rule.name, rule.severity, rule.category, "stop",
                Location(STOP_FILE, 4, 1, "spec.continuity.rto"), "ok %0A %3A", rule.remediation),
    )  # fmt: skip
    services = (
        ServiceResult("::warning::svc", HOSTILE_FILE, 1, True, findings[:1], {"metadata": {"name": "::warning::svc"}}),
        ServiceResult("stop", STOP_FILE, 1, True, findings[1:], {"metadata": {"name": "stop"}}),
    )  # fmt: skip
    return fixture.run_result(services)


def render(name: str, result: RunResult, verbosity: int = 1) -> str:
    return formatters.get(name)(result, formatters.Options(verbosity=verbosity))


def test_github_acts_only_on_its_own_annotations() -> None:
    out = render("github", hostile())
    acted = actions_runner.commands(out)
    assert acted == [
        actions_runner.Command(
            "error",
            {"file": HOSTILE_FILE, "line": "3", "col": "5", "title": "SL301 rto-within-tier"},
            "owner  ##[add-mask]secret ::warning::second line https://evil.example @everyone <b>x</b> "
            "[high, service ::warning::svc]",
        ),
        actions_runner.Command(
            "error",
            {"file": STOP_FILE, "line": "4", "col": "1", "title": "SL301 rto-within-tier"},
            "ok %0A %3A [high, service stop]",
        ),
    ]
    assert ESC not in out and not set(BIDI) & set(out)
    # Every line outside the guard is one of the annotations above.
    lines = out.splitlines()
    token = next(line for line in lines if line.startswith("::stop-commands::")).removeprefix("::stop-commands::")
    opened = lines.index(f"::stop-commands::{token}")
    assert lines[opened + 1 :].index(f"::{token}::") == len(lines) - opened - 2
    assert all(re.match(r"::error file=", line) for line in lines[:opened])


def test_github_beyond_the_annotation_limit_acts_on_nothing_else() -> None:
    base = hostile()
    many = tuple(base.findings[0]._replace(location=Location(HOSTILE_FILE, i + 1, 1, "")) for i in range(30))
    result = fixture.run_result((base.services[0]._replace(findings=many),))
    acted = actions_runner.commands(render("github", result))
    assert [c.name for c in acted] == ["error"] * github.LIMIT + ["notice"]
    assert {c.properties["file"] for c in acted[:-1]} == {HOSTILE_FILE}


def test_text_acts_on_nothing_and_quotes_inert_lines() -> None:
    out = render("text", hostile())
    assert actions_runner.commands(out) == []
    assert out.splitlines()[:2] == [
        f"service ::warning::svc (tier 1, {HOSTILE_FILE}): 1 finding",
        f"./{HOSTILE_FILE}:3:5: HIGH SL301 rto-within-tier owner  ##\\[add-mask]secret ::warning::second line "
        "https://evil.example @everyone <b>x</b>",
    ]
    assert ESC not in out and not set(BIDI) & set(out)


def test_markdown_has_no_links_mentions_html_or_escapes() -> None:
    out = render("markdown", hostile())
    assert "https://evil.example" not in out and "https:\u200b//evil.example" in out
    assert "@everyone" not in out and "<b>" not in out
    assert ESC not in out and not set(BIDI) & set(out)


def hostile_rule() -> Rule:
    return Rule(
        id="ORG101", name="evil-help", severity=Severity.HIGH, category="security",
        summary="Read **this** <img src=https://evil.example/pixel> @security-team",
        rationale="See https://evil.example and [a link](https://evil.example) \u202eevil",
        remediation="Run `rm -rf /` then visit www.evil.example <script>x</script>",
        file="rules/org.yaml",
        references=(Reference("<b>fw</b>", "[c](https://evil.example)"),),
        examples={"fail": "a: |\n  ```\n  ![x](https://evil.example/i.png)\n", "pass": "a: 1\n"},
    )  # fmt: skip


def everything() -> RunResult:
    """The hostile result plus a passing service named like a command and a hostile rule in the catalog."""
    base = hostile()
    passing = ServiceResult("::error::pass", "::error::pass/shiftleft.yaml", 2, True, (), {"metadata": {}})
    rule = hostile_rule()._replace(remediation="Run `##[error]x` and ##[add-mask]y")
    findings = tuple(f._replace(remediation=rule.remediation) for f in base.findings)
    services = tuple(s._replace(findings=tuple(f for f in findings if f.service == s.name)) for s in base.services)
    return fixture.run_result((*services, passing))._replace(catalog=(*fixture.CATALOG, rule))


@pytest.mark.parametrize("name", formatters.NAMES)
def test_no_format_hands_the_runner_a_command_from_the_input(name: str) -> None:
    """Any format may go to standard output in a CI log: only `github` issues commands, and only its own."""
    out = render(name, everything())
    acted = actions_runner.commands(out)
    if name == "github":
        assert [(c.name, c.properties["file"]) for c in acted] == [("error", HOSTILE_FILE), ("error", STOP_FILE)]
    else:
        assert acted == []
    assert ESC not in out


def test_markdown_line_cannot_start_a_command() -> None:
    assert md("::error::x") == "\\::error::x"
    assert md_code("::warning:: use `a`") == "\\::warning:: use `a`"
    assert md_code("run `##[error]x`") == "run \\`##\\[error\\]x\\`"
    assert "\n\\::error::pass\n" in render("markdown", everything())


def test_sarif_help_markdown_is_escaped() -> None:
    result = fixture.run_result()._replace(catalog=(hostile_rule(),))
    descriptor = sarif.log(result, automation_id="a/b")["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["id"] == "ORG101"
    assert descriptor["help"]["markdown"] == (
        "**Read \\*\\*this\\*\\* &lt;img src=https:\u200b//evil.example/pixel&gt; @\u200bsecurity-team**\n\n"
        "See https:\u200b//evil.example and \\[a link\\](https:\u200b//evil.example) evil\n\n"
        "## How to fix\n\n"
        "Run `rm -rf /` then visit www\u200b.evil.example &lt;script&gt;x&lt;/script&gt;\n\n"
        "## References\n\n- &lt;b&gt;fw&lt;/b&gt;: \\[c\\](https:\u200b//evil.example)\n\n"
        "## Failing example\n\n````yaml\na: |\n  ```\n  ![x](https://evil.example/i.png)\n````\n\n"
        "## Passing example\n\n```yaml\na: 1\n```\n"
    )


def test_junit_and_html_keep_hostile_text_as_text() -> None:
    result = hostile()
    root = ET.fromstring(render("junit", result))  # noqa: S314 - our own output
    failures = [f.get("message", "") + (f.text or "") for f in root.iter("failure")]
    assert any("::warning::second line" in f for f in failures)
    assert all("\x1b" not in f for f in failures)
    page = render("html", result)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert ESC not in page and not set(BIDI) & set(page)
    assert 'href="https://evil' not in page


def test_json_keeps_values_exact() -> None:
    """JSON is data for programs: values are kept as they are (escaped by JSON), not cleaned."""
    data = json.loads(render("json", hostile()))
    messages = [f["message"] for f in data["findings"]]
    assert HOSTILE_MESSAGE in messages


def test_error_messages_are_one_inert_line(tmp_path: Path, capsys, monkeypatch) -> None:
    write(tmp_path, "services/a/shiftleft.yaml", good_manifest("a", 1))
    run = run_cli(["check", "--now", f"2026\n::error::x{ESC}[31m##[add-mask]y"], capsys, monkeypatch, tmp_path)
    assert run.code == 2
    assert run.err == (
        "shiftleft: error: --now: '2026\\n::error::x\\x1b[31m##\\[add-mask]y' is not a date (YYYY-MM-DD) "
        "or an RFC 3339 timestamp\n"
    )
    assert actions_runner.commands(run.err) == []
    # A message that quotes input verbatim (a key from a file, say) is cleaned the same way.
    from shiftleft.error_handler import guarded
    from shiftleft.errors import ConfigError

    def fail() -> int:
        raise ConfigError(f"tier 'a\n::add-mask::b{ESC}[8m\u202e' is not a number")

    assert guarded(fail, []) == 2
    err = capsys.readouterr().err
    assert err == "shiftleft: error: tier 'a ::add-mask::b' is not a number\n"
    assert actions_runner.commands(err) == []


def test_check_writes_github_outputs(tmp_path: Path, capsys, monkeypatch) -> None:
    write(tmp_path, "services/a/shiftleft.yaml", good_manifest("a", 1))
    outputs = tmp_path / "out" / "github_output"
    outputs.parent.mkdir()
    outputs.write_text("earlier=1\n", encoding="utf-8")
    args = ["check", "--now", NOW, "--format", "sarif=r.sarif", "--format", "text", "--github-output", str(outputs)]
    run = run_cli(args, capsys, monkeypatch, tmp_path)
    assert run.code == 0
    lines = outputs.read_text(encoding="utf-8").splitlines()
    assert lines[:8] == ["earlier=1", "passed=true", "findings=0", "critical=0", "high=0", "medium=0", "low=0",
                         "info=0"]  # fmt: skip
    delimiter = lines[8].removeprefix("sarif-file<<")
    assert lines[9:] == [str(tmp_path / "r.sarif"), delimiter]
