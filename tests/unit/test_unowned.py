"""The finder of deployables no manifest claims (shiftleft.unowned, shiftleft.workloads): exact files and lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shiftleft import config as config_mod
from shiftleft import unowned, workloads
from shiftleft.manifest.model import Manifest


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def claims(root: Path, manifests: dict[str, dict[str, list[str]]]) -> unowned.Claims:
    """`{"svc/shiftleft.yaml": {"code": [...], "infrastructure": [...]}}`."""
    out = unowned.Claims()
    for name, paths in manifests.items():
        file = root / name
        out.add(Manifest(file=file, display=name, root=root, raw={"spec": {"paths": paths}}))
    return out


def found(root: Path, owned: unowned.Claims, config: config_mod.Config | None = None,
          files: list[str] | None = None) -> list[tuple[str, str, int]]:  # fmt: skip
    finder = unowned.Finder(config or config_mod.defaults(), root)
    deployables = finder.look(files) if files is not None else finder.walk(root)
    return sorted((rule, where.file, where.line) for rule, where, _m in unowned.judge(deployables, owned, root))


def with_unowned(**values: list[str]) -> config_mod.Config:
    scope = config_mod.Unowned()._replace(**{k: tuple(v) for k, v in values.items()})
    return config_mod.defaults()._replace(unowned=scope)


DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
MULTI = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"


def test_each_kind_unclaimed_is_one_finding_at_its_line(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "deploy/web.yaml": DEPLOYMENT,
        "deploy/all.yaml": MULTI,
        "infra/b.tf": "resource \"x\" \"b\" {}\n",
        "infra/a.tf": "resource \"x\" \"a\" {}\n",
        "lib/pkg/__init__.py": "",
        "lib/pkg/sub/__init__.py": "",  # a subpackage belongs to its top package: no finding of its own
        "tools/pyproject.toml": "[project]\nname = 'tools'\n",
        "notes/config.yaml": "kind: ConfigMap\n",
    })  # fmt: skip
    assert found(root, claims(root, {})) == [
        ("SL822", "deploy/all.yaml", 6),
        ("SL822", "deploy/web.yaml", 2),
        ("SL823", "infra/a.tf", 1),
        ("SL824", "lib/pkg/__init__.py", 1),
        ("SL824", "tools/pyproject.toml", 1),
    ]


def test_claimed_deployables_are_not_findings(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "svc/shiftleft.yaml": "",
        "svc/k8s/web.yaml": DEPLOYMENT,
        "shared/k8s/svc/job.yaml": MULTI,
        "svc/infra/main.tf": "",
        "svc/src/svc/__init__.py": "",
        "svc/pyproject.toml": "[build-system]\nrequires = []\n",  # holds the claimed src: claimed
    })  # fmt: skip
    owned = claims(root, {"svc/shiftleft.yaml": {"code": ["src"], "infrastructure": ["k8s", "infra",
                                                                                    "../shared/k8s/svc"]}})
    assert found(root, owned) == []


def test_kubernetes_must_be_under_infrastructure_and_python_under_code(tmp_path: Path) -> None:
    root = repo(tmp_path, {"svc/src/web.yaml": DEPLOYMENT, "svc/k8s/app/__init__.py": ""})
    owned = claims(root, {"svc/shiftleft.yaml": {"code": ["src"], "infrastructure": ["k8s"]}})
    assert found(root, owned) == [("SL822", "svc/src/web.yaml", 2), ("SL824", "svc/k8s/app/__init__.py", 1)]


def test_a_terraform_root_partly_claimed_points_at_its_first_unclaimed_file(tmp_path: Path) -> None:
    root = repo(tmp_path, {"infra/a.tf": "", "infra/b.tf": "", "infra/c.tf": ""})
    owned = claims(root, {"svc/shiftleft.yaml": {"infrastructure": ["../infra/a.tf"]}})
    assert found(root, owned) == [("SL823", "infra/b.tf", 1)]


def test_a_path_that_leaves_the_repository_claims_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path, {"infra/main.tf": ""})
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "svc-link")
    declared = ["../svc-link", "../../elsewhere", str(root / "infra"), "~/infra"]  # each refused, as SL008 does
    assert found(root, claims(root, {"svc/shiftleft.yaml": {"infrastructure": declared}})) == [
        ("SL823", "infra/main.tf", 1)
    ]
    assert found(root, claims(root, {"svc/shiftleft.yaml": {"infrastructure": ["../svc/../infra"]}})) == []


def test_what_is_a_python_project(tmp_path: Path) -> None:
    root = repo(tmp_path, {"pyproject.toml": "[project]\nname = 'monorepo'\n", "x/setup.py": "",
                           "z/pyproject.toml": "[tool.ruff]\nline-length = 120\n",
                           "y/pyproject.toml": "[tool.poetry]\nname = 'y'\n"})  # fmt: skip
    assert found(root, claims(root, {})) == [("SL824", "x/setup.py", 1), ("SL824", "y/pyproject.toml", 1)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("items:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\nkind: List\n", 3),  # inside a List
        ('kind: "Deploym\\x65nt"\n', 1),  # an escape cannot hide the kind
        ("base: &b\n  kind: StatefulSet\n<<: *b\n", 2),  # a merge key brings the kind in
        ("{apiVersion: apps/v1, kind: DaemonSet}\n", 1),
        ("apiVersion: apps/v1\nkind: ReplicaSet\n---\n", 2),
    ],
)
def test_workload_forms(tmp_path: Path, text: str, line: int) -> None:
    root = repo(tmp_path, {"k.yaml": text})
    assert found(root, claims(root, {})) == [("SL822", "k.yaml", line)]


def test_a_reference_to_a_workload_is_not_one(tmp_path: Path) -> None:
    hpa = "kind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: web\n"
    root = repo(tmp_path, {"hpa.yaml": hpa, "list.yml": "kind: Deployment\n"})
    assert found(root, claims(root, {})) == [("SL822", "list.yml", 1)]


def test_broken_yaml_is_reported_when_a_top_level_kind_line_names_a_workload(tmp_path: Path) -> None:
    helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: [\n"
    root = repo(tmp_path, {"chart/templates/deploy.yaml": helm, "docs/broken.yaml": "a: [\n  b: Deployment\n"})
    owned = claims(root, {})
    assert found(root, owned) == [("SL822", "chart/templates/deploy.yaml", 2)]
    message = unowned.judge(unowned.Finder(config_mod.defaults(), root).walk(root), owned, root)[0][2]
    assert message.startswith("Deployment (the file is not valid YAML: invalid YAML: ")


def test_files_yaml_cannot_decode_or_too_large_are_searched_line_by_line(tmp_path: Path) -> None:
    root = repo(tmp_path, {})
    (root / "latin1.yaml").write_bytes(b"# caf\xe9\nkind: CronJob\n")
    (root / "utf16.yaml").write_bytes("apiVersion: v1\nkind: Pod\n".encode("utf-16"))
    big = "apiVersion: apps/v1\n" + "# padding\n" * (workloads.MAX_BYTES // 10) + "kind: StatefulSet\n"
    (root / "big.yaml").write_text(big, encoding="utf-8")
    assert found(root, claims(root, {})) == [
        ("SL822", "big.yaml", big.count("\n")),
        ("SL822", "latin1.yaml", 2),
        ("SL822", "utf16.yaml", 2),
    ]


def test_skipped_folders_excludes_and_switched_off_kinds(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "node_modules/x/d.yaml": DEPLOYMENT, ".venv/lib/p/__init__.py": "", ".terraform/m/main.tf": "",
        "svc/tests/fixtures/d.yaml": DEPLOYMENT, "svc/tests/__init__.py": "",  # default unowned.exclude
        "legacy/main.tf": "", "web/d.yaml": DEPLOYMENT, "lib/p/__init__.py": "",
    })  # fmt: skip
    assert found(root, claims(root, {})) == [
        ("SL822", "web/d.yaml", 2), ("SL823", "legacy/main.tf", 1), ("SL824", "lib/p/__init__.py", 1),
    ]  # fmt: skip
    config = with_unowned(exclude=["legacy/**"], kubernetes=[], python=["services/**/__init__.py"])
    assert found(root, claims(root, {}), config) == []
    config = config_mod.defaults()._replace(exclude=("web/*.yaml",))  # manifest excludes apply too
    assert [f[1] for f in found(root, claims(root, {}), config)] == ["legacy/main.tf", "lib/p/__init__.py"]


def test_symlinks_follow_the_repository_rules(tmp_path: Path) -> None:
    root = repo(tmp_path, {"real/d.yaml": DEPLOYMENT})
    outside = tmp_path / "outside.yaml"
    outside.write_text(DEPLOYMENT, encoding="utf-8")
    os.symlink(root / "real", root / "linked")  # a symlinked folder is not entered: its target is judged
    (root / "out").mkdir()
    os.symlink(outside, root / "out" / "d.yaml")  # leads out of the repository: not read
    (root / "in").mkdir()
    os.symlink(root / "real" / "d.yaml", root / "in" / "d.yaml")  # judged where the link is
    assert found(root, claims(root, {})) == [("SL822", "in/d.yaml", 2), ("SL822", "real/d.yaml", 2)]


def test_changed_files_are_judged_alone(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "deploy/web.yaml": DEPLOYMENT, "deploy/other.yaml": DEPLOYMENT,
        "infra/a.tf": "", "infra/b.tf": "", "lib/p/__init__.py": "", "lib/p/sub/__init__.py": "",
        "lib/p/sub/mod.py": "", "scripts/run.py": "", "README.md": "",
    })  # fmt: skip
    owned = claims(root, {})
    assert found(root, owned, files=["deploy/web.yaml"]) == [("SL822", "deploy/web.yaml", 2)]
    assert found(root, owned, files=["infra/b.tf"]) == [("SL823", "infra/a.tf", 1)]  # the root is the folder
    assert found(root, owned, files=["lib/p/sub/mod.py"]) == [("SL824", "lib/p/__init__.py", 1)]
    assert found(root, owned, files=["scripts/run.py", "README.md", "gone.yaml"]) == []


def test_workload_names_and_positions(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("---\napiVersion: apps/v1\n  # c\nkind:   Deployment\nmetadata: {name: api}\n", encoding="utf-8")
    assert workloads.read(str(path), "w.yaml") == ([workloads.Workload("Deployment", "api", 4, 1)], "")
    path.write_text("kind: Deployment\nmetadata: {name: [x]}\n", encoding="utf-8")
    assert workloads.read(str(path), "w.yaml") == ([workloads.Workload("Deployment", "", 1, 1)], "")


def test_an_unreadable_file_is_not_a_crash(tmp_path: Path) -> None:
    found_, problem = workloads.read(str(tmp_path / "missing.yaml"), "missing.yaml")
    assert found_ == [] and problem.startswith("cannot be read: ")


def test_rules_join_the_catalog_for_the_kinds_looked_for_with_configured_severity() -> None:
    from shiftleft.findings import Location, Severity
    from shiftleft.policy.catalog import load, shipped_folder
    from tests.formatters import results as fixture

    catalog = load([shipped_folder()])
    result = fixture.run_result()
    found = [("SL823", Location("infra/main.tf", 1, 1), "m"), ("SL822", Location("d.yaml", 2, 1), "m")]
    out = unowned.apply(result, found, catalog, {"SL823": Severity.MEDIUM}, {"SL824"},
                        config_mod.Unowned(kubernetes=()))  # fmt: skip
    assert [r.id for r in out.catalog[len(result.catalog) :]] == ["SL823"]
    assert [(f.rule, f.service, f.severity) for f in out.unowned] == [("SL823", "", Severity.MEDIUM)]
    assert len(out.findings) == len(result.findings) + 1


def test_the_walk_reads_discoverys_listing_instead_of_the_folders(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """One walk per run: with discovery's listing the finder lists no folder again and finds the same
    deployables, symlinks, packages, skipped folders and excludes included; a folder the listing lacks (an
    unreadable one, or a walk from a symlinked path) is listed as before."""
    from shiftleft import discover

    root = repo(tmp_path, {
        "deploy/web.yaml": DEPLOYMENT, "infra/a.tf": "", "lib/pkg/__init__.py": "", "lib/pkg/sub/__init__.py": "",
        "tools/pyproject.toml": "[project]\nname = 'tools'\n", "node_modules/x/d.yaml": DEPLOYMENT,
        "svc/tests/fixtures/d.yaml": DEPLOYMENT, "real/d.yaml": DEPLOYMENT,
    })  # fmt: skip
    os.symlink(root / "real", root / "linked")
    (root / "in").mkdir()
    os.symlink(root / "real" / "d.yaml", root / "in" / "d.yaml")
    expected = found(root, claims(root, {}))
    assert [f[1] for f in expected] == [
        "deploy/web.yaml", "in/d.yaml", "real/d.yaml", "infra/a.tf", "lib/pkg/__init__.py", "tools/pyproject.toml",
    ]  # fmt: skip
    listing: dict[str, list[os.DirEntry[str]]] = {}
    config = config_mod.defaults()
    discover.discover([str(root)], config.manifests, config.exclude, root, listing=listing)
    listed = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real_scandir(path))
    finder = unowned.Finder(config, root)
    deployables = list(finder.walk(root, listing))
    assert listed == []
    got = sorted((rule, where.file, where.line) for rule, where, _m in unowned.judge(deployables, claims(root, {}), root))
    assert got == expected
    del listing[str(root / "lib" / "pkg")]  # not listed by discovery: the finder lists it itself
    assert sorted(d.file for d in finder.walk(root, listing) if d.kind == "python") == [
        str(root / "lib" / "pkg" / "__init__.py"), str(root / "tools" / "pyproject.toml")
    ]
    assert listed == [str(root / "lib" / "pkg")]


def test_manifests_discovery_found_are_not_read_as_workloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A manifest is one `kind: Service` document: the finder does not open the manifests it is given. One that
    hides a workload is an invalid manifest instead (SL011, critical: tests/e2e/evidence/test_unowned.py)."""
    root = repo(tmp_path, {"svc/shiftleft.yaml": DEPLOYMENT, "svc/deploy.yaml": DEPLOYMENT})
    read: list[str] = []
    real_read = workloads.read
    monkeypatch.setattr(workloads, "read", lambda path, name: read.append(name) or real_read(path, name))
    manifest = str(root / "svc" / "shiftleft.yaml")
    finder = unowned.Finder(config_mod.defaults(), root, frozenset({manifest}))
    assert [(d.file, d.line) for d in finder.walk(root)] == [(str(root / "svc" / "deploy.yaml"), 2)]
    assert read == ["deploy.yaml"]
    assert [d.file for d in finder.look(["svc/shiftleft.yaml", "svc/deploy.yaml"])] == [str(root / "svc" / "deploy.yaml")]
    assert sorted(d.file for d in unowned.Finder(config_mod.defaults(), root).walk(root)) == [
        str(root / "svc" / "deploy.yaml"), manifest,
    ]  # fmt: skip
