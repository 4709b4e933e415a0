"""action.yml, run the way a GitHub runner runs a composite action, plus zizmor and actionlint.

Each `run:` step is executed with bash (`-eo pipefail`, as `shell: bash` does)
in the workspace, with its own GITHUB_OUTPUT file, the job's
GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH at this checkout and the inputs as
INPUT_* variables. The step's `env:` mapping is resolved here, the only place
expressions may appear: `${{ inputs.x }}` and `${{ steps.y.outputs.z }}`.
The `uses:` step (actions/setup-python) is replaced by this interpreter.
Installing the package into the action's virtual environment needs the
package index for the dependencies; it runs once per module (~30 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_init import fill

ROOT = Path(__file__).resolve().parent.parent
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

    def run_step(self, step: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
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


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Runs the setup and install steps once; later runners reuse the install step's outputs."""
    tmp = tmp_path_factory.mktemp("action-install")
    runner = Runner(tmp, defaults())
    for step in action()["runs"]["steps"]:
        if step["id"] == "python":
            runner.outputs["python"] = {"python-path": sys.executable}
        elif step["id"] == "install":
            proc = runner.run_step(step, ROOT)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            break
    assert Path(runner.outputs["install"]["python"]).is_file()
    # The action's environment is its own: not this interpreter.
    assert Path(runner.outputs["install"]["python"]).parent != Path(sys.executable).parent
    return runner.outputs["install"]


def run_check(tmp: Path, installed: dict[str, str], cwd: Path = ROOT, **inputs: str) -> tuple[Runner, Any]:
    runner = Runner(tmp, defaults(**inputs))
    runner.outputs["install"] = installed
    step = next(s for s in action()["runs"]["steps"] if s["id"] == "check")
    return runner, runner.run_step(step, cwd)


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
        "working-directory", "paths", "config", "fail-on", "sarif-file", "html-file", "summary",
        "extra-args", "python-version", "base",
    }  # fmt: skip


def test_shop_fails_with_annotations_summary_sarif_and_outputs(tmp_path: Path, installed: dict[str, str]) -> None:
    runner, proc = run_check(tmp_path, installed, paths="examples/shop", **{"extra-args": f"--now {NOW}"})
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
    # Annotations: workflow commands on stdout, one per finding, pointing at manifest lines.
    annotations = [line for line in proc.stdout.splitlines() if re.match(r"::(error|warning|notice) ", line)]
    assert len(annotations) == report["run"]["findings"] or len(annotations) >= 10
    assert any("file=examples/shop/services/checkout/shiftleft.yaml,line=" in a for a in annotations)
    # The human-readable text is fenced off from command processing.
    stop = re.search(r"^::stop-commands::([0-9a-f]{32})$", proc.stdout, re.M)
    assert stop and f"\n::{stop.group(1)}::" in proc.stdout
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
           "extra-args": f"--now {NOW}"},
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
        **{"fail-on": "critical", "extra-args": f"--now {NOW}"},
    )  # fmt: skip
    out = runner.action_outputs()
    expected = "0" if out["critical"] == "0" else "1"
    assert out["exit-code"] == expected and str(proc.returncode) == expected
    assert out["passed"] == ("true" if expected == "0" else "false")


def test_inputs_are_data_not_code(tmp_path: Path, installed: dict[str, str]) -> None:
    marker = tmp_path / "pwned"
    evil = f'examples/shop";touch {marker};echo "$(touch {marker})'
    runner, proc = run_check(tmp_path, installed, paths=evil, **{"extra-args": f"--now {NOW} `touch {marker}`"})
    assert not marker.exists()
    out = runner.action_outputs()
    assert proc.returncode == 2 and out["exit-code"] == "2" and out["passed"] == "false"
    assert "error" in proc.stderr


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
