"""action.yml, run the way a GitHub runner runs a composite action, plus zizmor and actionlint.

Each `run:` step is executed with bash (`-eo pipefail`, as `shell: bash` does)
in the workspace, with its own GITHUB_OUTPUT file, the job's
GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH at this checkout and the inputs as
INPUT_* variables. The step's `env:` mapping is resolved here, the only place
expressions may appear: `${{ inputs.x }}` and `${{ steps.y.outputs.z }}`.
The `uses:` step (actions/setup-python) is replaced by this interpreter.
Installing the package into the action's virtual environment needs the
package index for the dependencies; it runs once per module (~30 s), in a
hostile checkout (below) as the runner's working directory.

The hostile checkout is what a pull request can send: modules that shadow
shiftleft, pip, venv, json, secrets and yaml (each leaves a marker file when
imported), folders named like workflow commands (`::error ...::`,
`::stop-commands::x`) holding manifests, and a repository rule that quotes a
manifest value full of terminal escapes, bidirectional overrides, a line
break, `##[add-mask]`, a URL and an @mention. The step's output goes through a
model of the runner's command parser (tests/actions_runner.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import actions_runner
from tests.helpers import ROOT, good_manifest, write
from tests.unit.commands.test_init import fill

ACTION = ROOT / "action.yml"
WORKFLOWS = ROOT / ".github" / "workflows"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
NOW = "2026-11-25"
BASH = shutil.which("bash") or "/bin/bash"


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


@dataclass
class Runner:
    """The state of one job: where files go, and every step's outputs so far."""

    tmp: Path
    inputs: dict[str, str]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def summary(self) -> Path:
        return self.tmp / "step_summary.md"

    def resolve(self, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            expr = m.group(1)
            if expr.startswith("inputs."):
                return self.inputs[expr.removeprefix("inputs.")]
            if expr == "github.event.pull_request.base.sha":
                return ""  # not a pull_request event
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
            assert step, f"unexpected expression in env: {expr}"
            return self.outputs.get(step.group(1), {}).get(step.group(2), "")

        return EXPR.sub(one, text)

    def run_step(self, step: dict[str, Any], cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
        script = step["run"]
        assert "${{" not in script, f"step {step.get('name')!r}: expression inside run:"
        assert step.get("shell") == "bash"
        output = self.tmp / f"output-{step['id']}"
        output.write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
        env.update(
            GITHUB_ACTIONS="true",
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(self.summary),
            GITHUB_ACTION_PATH=str(ROOT),
            GITHUB_WORKSPACE=str(cwd),
            RUNNER_TEMP=str(self.tmp / "runner-temp"),
            XDG_CACHE_HOME=str(self.tmp / "xdg-cache"),  # a runner starts with no shiftleft cache
        )
        env.update({f"INPUT_{k.upper()}": v for k, v in self.inputs.items()})
        env.update({k: self.resolve(str(v)) for k, v in (step.get("env") or {}).items()})
        env.update(extra_env)
        (self.tmp / "runner-temp").mkdir(exist_ok=True)
        proc = subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        self.outputs[step["id"]] = parse_output_file(output.read_text(encoding="utf-8"))
        return proc

    def action_outputs(self) -> dict[str, str]:
        return {k: self.resolve(v["value"]) for k, v in action()["outputs"].items()}


def parse_output_file(text: str) -> dict[str, str]:
    """`name=value` lines and `name<<DELIM` heredocs, as the runner reads $GITHUB_OUTPUT."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value = []
            for inner in lines:
                if inner == delim:
                    break
                value.append(inner)
            out[name] = "\n".join(value)
        elif line:
            name, _, value = line.partition("=")
            out[name] = value
    return out


def defaults(**overrides: str) -> dict[str, str]:
    values = {k: str(v.get("default", "")) for k, v in action()["inputs"].items()}
    values.update(overrides)
    return values


PLANTED = (
    "shiftleft/__init__.py", "shiftleft/__main__.py", "pip/__init__.py", "pip/__main__.py",
    "venv/__init__.py", "venv/__main__.py", "ensurepip/__init__.py", "ensurepip/__main__.py",
    "secrets.py", "json.py", "yaml.py", "jinja2/__init__.py", "sitecustomize.py", "usercustomize.py",
)  # fmt: skip
"""Modules a pull request adds to shadow what the Action imports; each one leaves a marker when imported."""
FORGED = "::error file=README.md,line=1::forged"
STOPPER = "::stop-commands::x"
HOSTILE_DESCRIPTION = "pay\\e[2J\\e]0;pwned\\a \\u202eevil\\n::warning::x ##[add-mask]y https://evil.example @everyone"  # YAML double-quoted escapes: ESC sequences, BEL, RIGHT-TO-LEFT OVERRIDE, a line break
ORG_RULE = """\
id: ACME101
name: described
severity: medium
category: people
summary: The description is reviewed
assert: "!has(metadata.description)"
location: metadata.description
message: "description to review: {{ metadata.description }}"
rationale: Descriptions are reviewed by the architecture board.
remediation: Ask the board.
"""


@dataclass
class Hostile:
    root: Path
    markers: Path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    return make_hostile(tmp_path_factory.mktemp("checkout"), tmp_path_factory.mktemp("markers"))


def make_hostile(root: Path, markers: Path) -> Hostile:
    """The checkout a hostile pull request sends (see the module docstring); `markers` is outside it."""
    (root / ".git").mkdir()
    for rel in PLANTED:
        code = f"open({str(markers / rel.replace('/', '.'))!r}, 'w').close()\n"
        if rel.endswith("__main__.py"):
            code += "raise SystemExit(0)  # the gate passes\n"
        write(root, rel, code)
    forged = good_manifest("forged", 1).replace("rto: 30m", "rto: 2h")
    forged = forged.replace("owner: team-forged,", f'owner: team-forged, description: "{HOSTILE_DESCRIPTION}",')
    write(root, f"{FORGED}/shiftleft.yaml", forged)
    write(root, f"{STOPPER}/shiftleft.yaml", good_manifest("stopper", 2).replace("slo: 99.95", "slo: 99.0"))
    # The planted packages (shiftleft/, pip/, jinja2/, ...) are Python packages no manifest claims: SL824 findings
    # of no service (tests/e2e/evidence/test_unowned.py). This test counts the manifests' findings, so the kind is off.
    write(root, ".shiftleft.toml", 'rules = ["policy"]\n\n[unowned]\npython = []\n')
    write(root, "policy/ACME101-described.yaml", ORG_RULE)
    return Hostile(root, markers)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, hostile: Hostile) -> dict[str, str]:
    """Runs the setup and install steps once, in the hostile checkout; later runners reuse the outputs."""
    tmp = tmp_path_factory.mktemp("action-install")
    runner = Runner(tmp, defaults())
    for step in action()["runs"]["steps"]:
        if step["id"] == "python":
            runner.outputs["python"] = {"python-path": sys.executable}
        elif step["id"] == "install":
            proc = runner.run_step(step, hostile.root, PYTHONPATH=str(hostile.root))
            assert proc.returncode == 0, proc.stdout + proc.stderr
            break
    assert sorted(p.name for p in hostile.markers.iterdir()) == []  # no planted module ran
    assert Path(runner.outputs["install"]["python"]).is_file()
    # The action's environment is its own: not this interpreter.
    assert Path(runner.outputs["install"]["python"]).parent != Path(sys.executable).parent
    return runner.outputs["install"]


def run_check(
    tmp: Path, installed: dict[str, str], cwd: Path = ROOT, env: dict[str, str] | None = None, **inputs: str
) -> tuple[Runner, Any]:
    # Evidence (checkov) is tested once below on its own; the other runs judge the manifests only.
    runner = Runner(tmp, defaults(**{"evidence": "false", **inputs}))
    runner.outputs["install"] = installed
    step = next(s for s in action()["runs"]["steps"] if s["id"] == "check")
    return runner, runner.run_step(step, cwd, **(env or {}))


def test_steps_are_pinned_and_take_inputs_through_env_only() -> None:
    steps = action()["runs"]["steps"]
    assert [s["id"] for s in steps] == ["python", "install", "check"]
    for step in steps:
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), step["uses"]
        else:
            assert "${{" not in step["run"]
    raw = ACTION.read_text(encoding="utf-8")
    assert "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0" in raw
    assert set(action()["inputs"]) == {
        "working-directory", "paths", "config", "fail-on", "sarif-file", "html-file", "summary", "now",
        "extra-args", "python-version", "base", "evidence",
    }  # fmt: skip


def test_shop_fails_with_annotations_summary_sarif_and_outputs(tmp_path: Path, installed: dict[str, str]) -> None:
    runner, proc = run_check(tmp_path, installed, paths="examples/shop", now=NOW)
    out = runner.action_outputs()
    assert proc.returncode == 1, proc.stderr
    assert out["exit-code"] == "1"
    assert out["passed"] == "false"
    counts = {s: int(out[s]) for s in ("critical", "high", "medium", "low", "info")}
    assert int(out["findings"]) == sum(counts.values()) > 0
    # Same numbers as the CLI's own JSON for the same run.
    report = json.loads(Path(out["json-file"]).read_text(encoding="utf-8"))
    assert report["run"]["counts"] == counts
    assert report["run"]["passed"] is False
    # Annotations: the commands the runner acts on, at most 10 of each kind, then one notice for the rest.
    acted = actions_runner.commands(proc.stdout)
    # A waived finding (the shop's SL315 on search) is a notice whatever its severity.
    level = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
    kinds = dict(Counter("notice" if f["waiver"] else level[f["severity"]] for f in report["findings"]))
    assert kinds["notice"] == 1
    annotated = {k: min(n, 10) for k, n in kinds.items() if n}
    hidden = sum(kinds.values()) - sum(annotated.values())
    assert Counter(c.name for c in acted if "file" in c.properties) == annotated
    notices = [c.data for c in acted if "file" not in c.properties]
    assert notices == ([f"{sum(kinds.values())} findings, {hidden} not annotated: GitHub shows at most 10 error "
                        "and 10 warning annotations per step. All findings are in the log below, the job summary "
                        "and the SARIF report."] if hidden else [])  # fmt: skip
    assert any(c.properties.get("file") == "examples/shop/services/checkout/shiftleft.yaml" for c in acted)
    assert actions_runner.commands(proc.stderr) == []
    # Every finding is in the log, in the human-readable report fenced off from command processing.
    stop = re.search(r"^::stop-commands::([0-9a-f]{32})$", proc.stdout, re.M)
    assert stop and proc.stdout.endswith(f"\n::{stop.group(1)}::\n")
    assert proc.stdout.count(" SL") >= sum(kinds.values())
    # Job summary: the Markdown report.
    summary = runner.summary.read_text(encoding="utf-8")
    assert "shiftleft" in summary and "checkout" in summary
    assert summary == Path(out["markdown-file"]).read_text(encoding="utf-8")
    # SARIF 2.1.0 with the same results, relative URIs.
    sarif = json.loads(Path(out["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert len(results) == report["run"]["findings"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "examples/shop/services/checkout/shiftleft.yaml" in uris
    assert all(not u.startswith("/") for u in uris)
    # HTML report, self-contained.
    html = Path(out["html-file"]).read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    for name in ("sarif-file", "html-file", "json-file", "markdown-file"):
        assert Path(out[name]).is_absolute() and Path(out[name]).parent == tmp_path / "runner-temp" / "shiftleft"


def test_compliant_service_passes_with_chosen_files_and_no_summary(tmp_path: Path, installed: dict[str, str]) -> None:
    """A workspace with one service scaffolded by `shiftleft init` and filled in: the gate passes."""
    workspace = tmp_path / "workspace"
    (workspace / ".git").mkdir(parents=True)
    (workspace / "services" / "billing").mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "shiftleft", "init", "services/billing", "--tier", "1"],
                   cwd=workspace, check=True, capture_output=True)  # fmt: skip
    fill(workspace / "services" / "billing" / "shiftleft.yaml", NOW)
    runner, proc = run_check(
        tmp_path, installed, workspace,
        **{"working-directory": "services", "paths": "billing\n", "summary": "false",
           "sarif-file": str(tmp_path / "out" / "a.sarif"), "html-file": "../report.html",
           "now": NOW},
    )  # fmt: skip
    out = runner.action_outputs()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out["exit-code"], out["passed"], out["findings"]) == ("0", "true", "0")
    assert out["sarif-file"] == str(tmp_path / "out" / "a.sarif")
    # Relative output names are relative to the working directory.
    assert out["html-file"] == str(workspace / "services" / "../report.html")
    assert (workspace / "report.html").is_file()
    assert not runner.summary.exists()
    sarif = json.loads(Path(out["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []


def test_fail_on_input_decides_the_exit_code(tmp_path: Path, installed: dict[str, str]) -> None:
    runner, proc = run_check(
        tmp_path, installed, paths="examples/shop/services/checkout",
        **{"fail-on": "critical", "now": NOW},
    )  # fmt: skip
    out = runner.action_outputs()
    expected = "0" if out["critical"] == "0" else "1"
    assert out["exit-code"] == expected and str(proc.returncode) == expected
    assert out["passed"] == ("true" if expected == "0" else "false")


def test_inputs_are_data_not_code(tmp_path: Path, installed: dict[str, str]) -> None:
    marker = tmp_path / "pwned"
    evil = f'examples/shop";touch {marker};echo "$(touch {marker})'
    runner, proc = run_check(tmp_path, installed, paths=evil, now=f"{NOW} `touch {marker}`")
    assert not marker.exists()
    out = runner.action_outputs()
    assert proc.returncode == 2 and out["exit-code"] == "2" and out["passed"] == "false"
    assert proc.stderr.startswith("shiftleft: error: --now: ")


def test_option_like_inputs_stay_values(tmp_path: Path, installed: dict[str, str]) -> None:
    """A value that starts with a dash is the option's value, never another option."""
    runner, proc = run_check(tmp_path, installed, paths="--fail-on critical", **{"fail-on": "--format=html=/x"})
    assert proc.returncode == 2
    assert proc.stderr.startswith("shiftleft: error: --fail-on: ")
    assert runner.action_outputs()["exit-code"] == "2"


def test_extra_args_is_refused_not_ignored(tmp_path: Path, installed: dict[str, str]) -> None:
    runner, proc = run_check(tmp_path, installed, paths="examples/shop", **{"extra-args": "--fail-on critical"})
    out = runner.action_outputs()
    assert (proc.returncode, out["exit-code"], out["passed"], out["findings"]) == (2, "2", "false", "")
    assert proc.stderr == (
        "shiftleft: error: the extra-args input was removed; use the now, fail-on and config inputs\n"
    )
    assert proc.stdout == "" and not (tmp_path / "runner-temp" / "shiftleft" / "shiftleft.sarif").exists()


def test_hostile_checkout_cannot_take_over_the_run(tmp_path: Path, installed: dict[str, str],
                                                   hostile: Hostile) -> None:  # fmt: skip
    """No planted code runs, the gate fails with the real findings, and no output line is a forged command."""
    runner, proc = run_check(
        tmp_path, installed, hostile.root, now=NOW,
        env={"PYTHONPATH": str(hostile.root), "PYTHONSTARTUP": str(hostile.root / "json.py")},
    )  # fmt: skip
    assert sorted(p.name for p in hostile.markers.iterdir()) == []
    # The compiled-rule cache is the job's own folder under RUNNER_TEMP, not the XDG_CACHE_HOME it was given.
    assert any((tmp_path / "runner-temp" / "shiftleft-cache" / "shiftleft").iterdir())
    assert not (tmp_path / "xdg-cache").exists()
    out = runner.action_outputs()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (out["exit-code"], out["passed"], out["findings"]) == ("1", "false", "3")
    assert (out["critical"], out["high"], out["medium"], out["low"], out["info"]) == ("0", "2", "1", "0", "0")
    # Exactly the outputs the action declares: a path or value cannot add one.
    assert set(runner.outputs["check"]) == {
        "passed", "findings", "critical", "high", "medium", "low", "info", "exit-code",
        "json-file", "markdown-file", "sarif-file", "html-file",
    }  # fmt: skip
    report = json.loads(Path(out["json-file"]).read_text(encoding="utf-8"))
    found = [(f["rule"], f["location"]["file"], f["location"]["line"]) for f in report["findings"]]
    assert found == [
        ("ACME101", f"{FORGED}/shiftleft.yaml", 3),
        ("SL301", f"{FORGED}/shiftleft.yaml", 13),
        ("SL202", f"{STOPPER}/shiftleft.yaml", 8),
    ]
    # The runner acts on shiftleft's three annotations and nothing else, on either stream.
    acted = actions_runner.commands(proc.stdout)
    assert [(c.name, c.properties["file"], c.properties["line"], c.properties["title"]) for c in acted] == [
        ("warning", f"{FORGED}/shiftleft.yaml", "3", "ACME101 described"),
        ("error", f"{FORGED}/shiftleft.yaml", "13", "SL301 rto-within-tier"),
        ("error", f"{STOPPER}/shiftleft.yaml", "8", "SL202 slo-at-tier-floor"),
    ]
    assert acted[0].data == (
        "description to review: pay evil ::warning::x ##[add-mask]y https://evil.example @everyone "
        "[medium, service forged]"
    )
    assert actions_runner.commands(proc.stderr) == []
    # Every line is an annotation, a guard line, or inside the guard; the report lists all three findings.
    lines = proc.stdout.splitlines()
    token = lines[3].removeprefix("::stop-commands::")
    assert re.fullmatch("[0-9a-f]{32}", token) and lines[-1] == f"::{token}::"
    assert all(line.startswith(("::warning file=", "::error file=")) for line in lines[:3])
    assert lines[4:7] == [
        f"forged (tier 1, {FORGED}/shiftleft.yaml): 2 findings",
        f"./{FORGED}/shiftleft.yaml:3:59: MEDIUM ACME101 described description to review: pay evil "
        "::warning::x ##\\[add-mask]y https://evil.example @everyone",
        f"./{FORGED}/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 2h exceeds the tier 1 "
        "(mission-critical) ceiling of 1h",
    ]
    # No terminal escapes, control characters or bidirectional overrides reach the log or the summary.
    summary = runner.summary.read_text(encoding="utf-8")
    for text in (proc.stdout, proc.stderr, summary):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert "https://evil.example" not in summary and "@everyone" not in summary
    sarif = json.loads(Path(out["sarif-file"]).read_text(encoding="utf-8"))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert uris[0] == "%3A%3Aerror%20file%3DREADME.md%2Cline%3D1%3A%3Aforged/shiftleft.yaml"


def test_usage_error_still_sets_outputs(tmp_path: Path, installed: dict[str, str]) -> None:
    runner, proc = run_check(tmp_path, installed, paths="examples/shop", **{"fail-on": "severe"})
    out = runner.action_outputs()
    assert proc.returncode == 2
    assert (out["exit-code"], out["passed"], out["findings"]) == ("2", "false", "")
    assert "--fail-on" in proc.stderr


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_zizmor_finds_nothing() -> None:
    targets = [str(ACTION), str(ROOT / ".pre-commit-hooks.yaml"), *map(str, sorted(WORKFLOWS.glob("*.yml")))]
    proc = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", "--format", "plain", *targets],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


def test_actionlint_finds_nothing() -> None:
    workflows = sorted(map(str, WORKFLOWS.glob("*.yml")))
    assert workflows
    proc = subprocess.run(
        [_tool("actionlint"), "-no-color", *workflows],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_documented_workflow_is_valid_and_pinned(tmp_path: Path) -> None:
    """The example in docs/github-actions.md passes actionlint and zizmor too."""
    doc = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    workflows = [b for b in blocks if b.startswith("name:")]
    assert workflows
    for i, block in enumerate(workflows):
        uses = re.findall(r"uses:\s*(\S+)", block)
        assert uses and all(SHA_PIN.match(u) for u in uses if not u.startswith("./")), uses
        folder = tmp_path / str(i) / ".github" / "workflows"
        folder.mkdir(parents=True)
        path = folder / "shiftleft.yml"
        path.write_text(block, encoding="utf-8")
        lint = subprocess.run([_tool("actionlint"), "-no-color", str(path)], cwd=tmp_path / str(i),
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert lint.returncode == 0, lint.stdout + lint.stderr
        audit = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(path)],
                               capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert audit.returncode == 0, audit.stdout + audit.stderr


def test_a_base_that_is_not_a_revision_is_a_usage_error(tmp_path: Path, installed: dict[str, str]) -> None:
    runner, proc = run_check(tmp_path, installed, paths="examples/shop", base="--upload-pack=touch x")
    out = runner.action_outputs()
    assert proc.returncode == 2
    assert (out["exit-code"], out["passed"]) == ("2", "false")
    assert "shiftleft: error: --base: '--upload-pack=touch x' is not a git revision" in proc.stderr


def test_evidence_is_on_by_default_with_the_scanners_installed(tmp_path: Path, installed: dict[str, str]) -> None:
    """The default install brings checkov and bandit, and the check passes --evidence: a pull request's own
    configuration (`evidence = false`) cannot switch the scanners off."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, ".shiftleft.toml", "evidence = false\n")
    text = good_manifest("vault", 3).replace("\n  tier: 3\n", "\n  tier: 3\n  paths: {infrastructure: [infra]}\n")
    assert "paths: {infrastructure: [infra]}" in text and "at_rest: true" in text
    write(repo, "vault/shiftleft.yaml", text)
    write(repo, "vault/infra/main.tf", 'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n'
          '  size = 10\n  encrypted = false\n}\n')  # fmt: skip
    runner, proc = run_check(tmp_path, installed, cwd=repo, evidence="true", now="2026-11-25")
    assert "evidence:" in proc.stdout, proc.stdout + proc.stderr
    assert "SL801" not in proc.stdout  # the scanners are there
    assert (
        "vault/infra/main.tf:1: HIGH SL810 encryption-at-rest-evidence the manifest declares encryption at rest, "
        "but checkov CKV_AWS_3 (Ensure all data stored in the EBS is securely encrypted) fails on aws_ebs_volume.data"
        in proc.stdout
    ), proc.stdout
    assert runner.action_outputs()["exit-code"] == "1"


def test_a_bad_evidence_input_stops_the_install(tmp_path: Path) -> None:
    runner = Runner(tmp_path, defaults(evidence="maybe"))
    runner.outputs["python"] = {"python-path": sys.executable}
    step = next(s for s in action()["runs"]["steps"] if s["id"] == "install")
    proc = runner.run_step(step, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("shiftleft: error: the evidence input must be true or false")
