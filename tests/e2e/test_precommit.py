"""The pre-commit hooks end to end, with the real pre-commit, as a user installs them.

The hook repository is a snapshot of this working tree committed into a fresh
git repository (a `git clone` would miss uncommitted work). A second
repository uses it through a `repo:` entry, installs the git hook and commits:
a bad manifest is blocked with file:line and rule, the fixed one passes, a
changed rule file re-checks every service, and an empty file list is a clean
run. pre-commit builds the hook's environment with pip, which needs the
package index for the dependencies; that happens once per module (~1 min).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.helpers import NOW, ROOT, write
from tests.unit.commands.test_init import fill

IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "*.egg-info", ".venv", "venv",
    "build", "dist", ".tox", ".nox",
)  # fmt: skip
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main"]  # fmt: skip

RULE = """\
id: ACME101
name: owner-is-a-team
severity: high
category: people
summary: The owner is a team (team-...)
assert: metadata.owner.startsWith('team-')
location: metadata.owner
message: "owner {{ metadata.owner }} is not a team"
rationale: Accountability sits with teams, which outlive people.
remediation: Set `metadata.owner` to the accountable team, `team-<name>`.
examples:
  fail: |
    apiVersion: shiftleft/v1
    kind: Service
    metadata: {name: a, owner: jane}
    spec: {tier: 4}
  pass: |
    apiVersion: shiftleft/v1
    kind: Service
    metadata: {name: a, owner: team-a}
    spec: {tier: 4}
"""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=check, timeout=60)


def pre_commit_bin() -> str:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert found, "pre-commit is not installed: pip install -e '.[test]'"
    return found


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree, committed into a fresh repository: (path, commit)."""
    repo = tmp_path_factory.mktemp("hook-repo") / "shiftleft"
    shutil.copytree(ROOT, repo, ignore=IGNORE, symlinks=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module, so the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


class Project:
    """A user's repository with two services (b depends on a) and the hook installed."""

    def __init__(self, path: Path, hook_repo: tuple[Path, str], home: Path) -> None:
        self.path = path
        # Own cache folder: shiftleft's compiled-catalog cache must not leak in from other installs.
        cache = home.parent / "xdg-cache"
        self.env = {
            **os.environ,
            "PRE_COMMIT_HOME": str(home),
            "PRE_COMMIT_COLOR": "never",
            "XDG_CACHE_HOME": str(cache),
        }
        self.env.pop("GITHUB_ACTIONS", None)  # plain text output, as on a laptop
        path.mkdir(parents=True)
        git(path, "init", "-q")
        for name, tier in (("a", 2), ("b", 3)):
            (path / "services" / name).mkdir(parents=True)
            self.shiftleft("init", f"services/{name}", "--tier", str(tier))
            manifest = path / "services" / name / "shiftleft.yaml"
            fill(manifest, NOW)
            text = manifest.read_text(encoding="utf-8").replace("owner: team\n", "owner: team-" + name + "\n")
            if name == "b":
                text = re.sub(r"(?m)^  dependencies: \[\].*$", "  dependencies:\n    - {service: a, hard: true}", text)
            manifest.write_text(text, encoding="utf-8")
        repo, rev = hook_repo
        write(path, ".pre-commit-config.yaml", f"""\
            repos:
              - repo: {repo}
                rev: {rev}
                hooks:
                  - id: shiftleft
                    args: [--verbose, --now, "{NOW}"]
                  - id: shiftleft-rules-test
                    args: [--now, "{NOW}"]
                  - id: shiftleft
                    alias: shiftleft-always
                    always_run: true
                    stages: [manual]
            """)  # fmt: skip
        write(path, "README.md", "# shop\n")
        installed = self.pre_commit("install")
        assert installed.returncode == 0, installed.stdout + installed.stderr

    def shiftleft(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "shiftleft", *args], cwd=self.path, capture_output=True,
                              text=True, check=True, timeout=60)  # fmt: skip

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([pre_commit_bin(), *args], cwd=self.path, env=self.env, capture_output=True,
                              text=True, timeout=900, check=False)  # fmt: skip

    def commit(self, message: str, *paths: str) -> subprocess.CompletedProcess[str]:
        git(self.path, "add", *(paths or ("-A",)))
        return subprocess.run([*GIT, "commit", "-m", message], cwd=self.path, env=self.env, capture_output=True,
                              text=True, timeout=900, check=False)  # fmt: skip


def test_manifest_exists(hook_repo: tuple[Path, str]) -> None:
    repo, _rev = hook_repo
    proc = subprocess.run([pre_commit_bin(), "validate-manifest", str(repo / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_commit_flow(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    project = Project(tmp_path / "shop", hook_repo, pre_commit_home)

    # 1. Clean manifests: the hook passes and the commit lands.
    first = project.commit("two services")
    out = first.stdout + first.stderr
    assert first.returncode == 0, out
    assert re.search(r"shiftleft \(service manifests against policy\)\.+Passed", out), out

    # 2. A bad manifest is blocked, with file:line:col, rule and fix; its dependent b is re-checked.
    manifest = project.path / "services" / "a" / "shiftleft.yaml"
    good = manifest.read_text(encoding="utf-8")
    rto_line = next(i for i, line in enumerate(good.splitlines(), 1) if line.startswith("    rto: "))
    manifest.write_text(good.replace("    rto: 4h ", "    rto: 8h "), encoding="utf-8")
    bad = project.commit("loosen the RTO")
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0, out
    assert re.search(r"shiftleft \(service manifests against policy\)\.+Failed", out), out
    assert f"services/a/shiftleft.yaml:{rto_line}:10: HIGH SL301 rto-within-tier RTO 8h exceeds" in out
    assert "    fix: Lower `spec.continuity.rto`" in out
    assert "b: ok (services/b/shiftleft.yaml)" in out, out  # the dependent, checked too
    assert len(git(project.path, "log", "--oneline").stdout.splitlines()) == 1  # blocked

    # 3. Fixed: the commit lands.
    manifest.write_text(good.replace("owner: team-a", "owner: team-a  # fixed"), encoding="utf-8")
    fixed = project.commit("keep the RTO")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    # 4. A new rule in the organisation's rule folder: every service is checked, although
    #    only the rule file and the configuration are staged.
    write(project.path, ".shiftleft.toml", 'rules = ["policy/rules"]\n')
    write(project.path, "policy/rules/ACME101-owner-is-a-team.yaml", RULE)
    added = project.commit("org rule", ".shiftleft.toml", "policy/rules")
    out = added.stdout + added.stderr
    assert added.returncode == 0, out
    assert re.search(r"shiftleft rules test \(rule examples\)\.+Passed", out), out
    rule = project.path / "policy" / "rules" / "ACME101-owner-is-a-team.yaml"
    rule.write_text(RULE.replace("startsWith('team-')", "startsWith('squad-')"), encoding="utf-8")
    changed = project.commit("teams are squads now", "policy/rules")
    out = changed.stdout + changed.stderr
    assert changed.returncode != 0, out
    for name in ("a", "b"):
        assert f"services/{name}/shiftleft.yaml:" in out and "HIGH ACME101 owner-is-a-team" in out
    assert len(re.findall(r"HIGH ACME101 owner-is-a-team owner team-[ab] is not a team", out)) == 2, out
    # ... and the rule's own examples no longer hold: the rules-test hook says so.
    assert re.search(r"shiftleft rules test \(rule examples\)\.+Failed", out), out
    git(project.path, "checkout", "HEAD", "--", "policy/rules")  # index and work tree

    # 5. Files the hook does not read: skipped. An empty file list (always_run): a clean, quiet run.
    write(project.path, "README.md", "# shop, now with docs\n")
    other = project.commit("docs", "README.md")
    out = other.stdout + other.stderr
    assert other.returncode == 0, out
    assert re.search(r"shiftleft \(service manifests against policy\)\.+\(no files to check\)Skipped", out), out
    empty = project.pre_commit("run", "shiftleft-always", "--hook-stage", "manual", "--verbose")
    out = empty.stdout + empty.stderr
    assert empty.returncode == 0, out
    assert re.search(r"shiftleft \(service manifests against policy\)\.+Passed", out), out
    assert "finding" not in out and "ok:" not in out


def test_empty_file_list_is_a_clean_quiet_run(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "shiftleft", "check", "--changed", "--verbose"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def _estate(root: Path) -> None:
    """a; b depends on a; c depends on nothing; an organisation rule folder and tier policy."""
    (root / ".git").mkdir()
    for name, deps in (("a", ""), ("b", "\n  dependencies:\n    - {service: a, hard: false}"), ("c", "")):
        head = f"apiVersion: shiftleft/v1\nkind: Service\nmetadata: {{name: {name}}}\n"
        write(root, f"services/{name}/shiftleft.yaml", f"{head}spec:\n  tier: 4{deps}\n")
        write(root, f"services/{name}/src/app.py", "")
    write(root, "services/broken/shiftleft.yaml", "metadata: [\n")
    write(root, "policy/rules/README.md", "org rules\n")
    write(root, "policy/rules/ACME101-owner-is-a-team.yaml", RULE)
    write(root, "policy/tiers.yaml", (ROOT / "rules" / "tiers.yaml").read_text(encoding="utf-8"))
    write(root, ".shiftleft.toml", 'rules = ["policy/rules"]\ntiers = "policy/tiers.yaml"\n')
    write(root, "docs/index.md", "")
    write(root, "service-less/pyproject.toml", "[project]\nname = 'x'\n")


def reported(root: Path, *files: str) -> tuple[int, list[str], str]:
    """`shiftleft check --changed FILES -v`: exit code, the services reported, the output."""
    proc = subprocess.run(
        [sys.executable, "-m", "shiftleft", "check", "--changed", *files, "--now", NOW, "-v"],
        cwd=root, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    names = re.findall(r"^(\S+)(?: \(tier [^)]*\): \d+ findings?|: ok \()", proc.stdout, re.M)
    return proc.returncode, names, proc.stdout


EVERYTHING = ["a", "b", "broken", "c"]


@pytest.mark.parametrize(
    ("files", "selected"),
    [
        (["docs/index.md"], None),  # no service owns it
        (["services/gone/shiftleft.yaml"], None),  # deleted: pre-commit may pass it on a rename
        (["services/c/shiftleft.yaml"], ["c"]),
        (["services/c/src/app.py"], ["c"]),  # owned file, no dependents
        (["services/a/src/app.py"], ["a", "b"]),  # b depends on a
        (["services/b/shiftleft.yaml"], ["b"]),  # dependencies are not dependents
        (["services/broken/shiftleft.yaml"], ["broken"]),  # unreadable: reported as SL001
        ([".shiftleft.toml"], EVERYTHING),
        (["policy/rules/ACME101-owner-is-a-team.yaml"], EVERYTHING),
        (["policy/rules/README.md"], None),  # not a rule file
        (["policy/tiers.yaml"], EVERYTHING),
        # A pyproject without [tool.shiftleft] is not configuration, but a project no manifest claims (SL824):
        # judged, no service reported (tests/e2e/evidence/test_unowned.py).
        (["service-less/pyproject.toml"], []),
        (["docs/index.md", "services/c/src/app.py", "services/gone/x.py"], ["c"]),
    ],
)
def test_changed_files_select_services(tmp_path: Path, files: list[str], selected: list[str] | None) -> None:
    _estate(tmp_path)
    code, names, out = reported(tmp_path, *files)
    if selected is None:
        assert (code, out) == (0, "")  # nothing to check: clean and quiet
    else:
        assert names == selected, out
        assert code == 1  # the minimal manifests have findings


def test_shipped_rule_and_pyproject_configuration_select_everything(tmp_path: Path) -> None:
    _estate(tmp_path)
    (tmp_path / ".shiftleft.toml").unlink()
    write(tmp_path, "pyproject.toml", "[tool.shiftleft]\nfail_on = 'high'\n")
    assert reported(tmp_path, "pyproject.toml")[1] == EVERYTHING
    # The catalog the CLI runs with: with a non-editable install that is the installed
    # package's copy, not this checkout's rules/ folder.
    installed = subprocess.run(
        [sys.executable, "-c", "from shiftleft.policy.catalog import shipped_folder; print(shipped_folder()[0])"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    shipped_rule = next(Path(installed).rglob("SL301-*.yaml"))
    assert reported(tmp_path, str(shipped_rule))[1] == EVERYTHING


def test_changed_reports_only_the_selection_but_sees_the_whole_graph(tmp_path: Path) -> None:
    """b's dependency a is outside the selection, yet known: no SL706 unknown-dependency."""
    _estate(tmp_path)
    _code, names, out = reported(tmp_path, "services/b/shiftleft.yaml")
    assert names == ["b"]
    assert "SL706" not in out
    assert "services/broken" not in out and "services/a/" not in out
    alone = subprocess.run(
        [sys.executable, "-m", "shiftleft", "check", "services/b/shiftleft.yaml", "--now", NOW, "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    # Checking the file on its own sees the repository's whole catalog too (issue 12): a is known.
    assert "SL706" not in alone.stdout
    assert "services/b/shiftleft.yaml:" in alone.stdout


EVIDENCE_FILES = {
    # path: whether the shiftleft-evidence hook gets it (pre-commit's own filtering: files, types)
    "services/a/infra/main.tf": True,
    "services/a/infra/prod.tfvars": True,
    "services/a/infra/terragrunt.hcl": True,
    "services/a/k8s/deployment.yaml": True,
    "services/a/k8s/service.yml": True,
    "services/a/cfn/stack.json": True,
    "services/a/src/a/app.py": True,
    "services/a/Dockerfile": True,
    "services/a/docker/api.Dockerfile": True,
    "services/a/Dockerfile.prod": True,
    "services/a/chart/Chart.yaml": True,
    "services/a/chart/templates/_helpers.tpl": True,
    "services/a/overlays/prod/Kustomization": True,
    "services/a/shiftleft.yaml": True,
    "policy/rules/ACME101-owner-is-a-team.yaml": True,
    "README.md": False,
    "services/a/src/a/app.js": False,
    "services/a/docs/diagram.png": False,
    "services/a/Dockerfiles/notes.txt": False,
}


def test_the_evidence_hook_runs_on_infrastructure_and_code_changes(tmp_path: Path, monkeypatch) -> None:
    """The hooks' `files:` and `types:` as pre-commit itself applies them (its Classifier), on real files."""
    from pre_commit import clientlib
    from pre_commit.commands.run import Classifier

    from shiftleft.evidence import files as evidence_files

    hooks = {h["id"]: SimpleNamespace(**h) for h in clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    for path in EVIDENCE_FILES:
        write(tmp_path, path, "x\n")
    monkeypatch.chdir(tmp_path)
    classifier = Classifier.from_config(list(EVIDENCE_FILES), "", "^$")
    evidence = set(classifier.filenames_for_hook(hooks["shiftleft-evidence"]))
    assert {p: p in evidence for p in EVIDENCE_FILES} == EVIDENCE_FILES
    # Whatever the evidence layer reads is among them (a new suffix there must be added to the hook).
    scanned = [f"services/a/x{suffix}" for suffix in (*evidence_files.INFRASTRUCTURE, *evidence_files.CODE)]
    scanned += [f"services/a/x/{name}" for name in evidence_files.RENDERED]
    for path in scanned:
        write(tmp_path, path, "x\n")
    assert set(Classifier.from_config(scanned, "", "^$").filenames_for_hook(hooks["shiftleft-evidence"])) == set(
        scanned
    )
    # The fast hook stays on manifests, configuration and rules.
    fast = set(classifier.filenames_for_hook(hooks["shiftleft"]))
    assert fast == {"services/a/shiftleft.yaml", "policy/rules/ACME101-owner-is-a-team.yaml"}


@pytest.mark.parametrize("changed", ["services/c/Dockerfile", "services/c/chart/templates/_helpers.tpl"])
def test_a_changed_dockerfile_or_template_selects_its_service(tmp_path: Path, changed: str) -> None:
    _estate(tmp_path)
    write(tmp_path, changed, "x\n")
    assert reported(tmp_path, changed)[1] == ["c"]
