"""The files each scanner is given: listed by shiftleft, confined to the repository, charts found, unreadable YAML
and JSON refused before checkov skips them silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shiftleft.evidence import files
from shiftleft.evidence.model import Problem


def tree(root: Path, *rels: str) -> None:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("a: 1\n", encoding="utf-8")


def test_listed_walks_folders_in_order_skips_caches_and_refuses_what_leaves_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    svc = root / "svc"
    tree(
        root,
        "svc/infra/b.tf",
        "svc/infra/a.yaml",
        "svc/infra/z/c.yml",
        "svc/infra/notes.md",
        "svc/infra/Chart.yaml",
        "svc/infra/.terraform/m.tf",
        "svc/infra/node_modules/n.json",
        "svc/infra/.git/g.tf",
        "svc/infra/.venv/v.tf",
        "svc/infra/.tox/t.tf",
        "svc/infra/__pycache__/p.tf",
        "svc/one.tf",
        "other/o.tf",
        "svc/infra/Kustomization",
    )
    (tmp_path / "outside.tf").write_text("x", encoding="utf-8")
    real = os.path.realpath(svc)
    out, refused = files.listed(
        svc,
        root,
        ["infra", "one.tf", "infra/a.yaml", "../../outside.tf", "/etc", "absent"],
        files.INFRASTRUCTURE,
        ("Kustomization",),
    )
    assert out == [
        f"{real}/infra/Chart.yaml",
        f"{real}/infra/Kustomization",
        f"{real}/infra/a.yaml",
        f"{real}/infra/b.tf",
        f"{real}/infra/z/c.yml",
        f"{real}/one.tf",
    ]
    assert refused == ["../../outside.tf", "/etc"]
    assert files.listed(svc, root, [], files.CODE) == ([], [])
    assert files.listed(svc, root, ["absent", "../../outside.tf", "one.tf"], files.INFRASTRUCTURE) == (
        [f"{real}/one.tf"],
        ["../../outside.tf"],
    )  # neither a missing nor a refused path ends the list


def test_symlinks_are_followed_only_for_files_inside_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    tree(root, "svc/src/app.py", "lib/shared.py", "lib/deep/x.py")
    (tmp_path / "secret.py").write_text("x", encoding="utf-8")
    src = root / "svc/src"
    (src / "shared.py").symlink_to(root / "lib/shared.py")
    (src / "secret.py").symlink_to(tmp_path / "secret.py")
    (src / "dangling.py").symlink_to(root / "lib/absent.py")
    (src / "folder").symlink_to(root / "lib/deep", target_is_directory=True)
    out, _ = files.listed(root / "svc", root, ["src"], files.CODE)
    real = os.path.realpath(root)
    assert out == [f"{real}/lib/shared.py", f"{real}/svc/src/app.py"]


def test_a_repository_whose_name_prefixes_another_does_not_admit_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    tree(root, "svc/src/app.py")
    tree(tmp_path, "repo-evil/x.py")
    (root / "svc/src/x.py").symlink_to(tmp_path / "repo-evil/x.py")
    out, _ = files.listed(root / "svc", root, ["src"], files.CODE)
    assert out == [f"{os.path.realpath(root)}/svc/src/app.py"]


def test_a_folder_that_cannot_be_listed_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    tree(root, "svc/a.py", "svc/locked/b.py")
    gone = root / "svc/locked"
    assert list(files._walk(str(tmp_path / "absent"), str(root), files.CODE, ())) == []
    assert sorted(files._walk(str(root / "svc"), str(root), files.CODE, ())) == [
        str(root / "svc/a.py"),
        str(gone / "b.py"),
    ]


def test_unrendered_finds_charts_kustomizations_and_the_chart_of_listed_templates(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    tree(
        root,
        "c/Chart.yaml",
        "c/templates/d.yaml",
        "c/templates/sub/e.yaml",
        "k/kustomization.yml",
        "n/templates/x.yaml",
        "deep/Chart.yaml",
        "deep/templates/inner/Chart.yaml",
        "deep/templates/inner/templates/y.yaml",
    )
    (tmp_path / "Chart.yaml").write_text("x", encoding="utf-8")
    r = str(root)
    paths = [
        f"{r}/c/templates/d.yaml",
        f"{r}/c/templates/sub/e.yaml",
        f"{r}/k/kustomization.yml",
        f"{r}/n/templates/x.yaml",
        f"{r}/deep/templates/inner/templates/y.yaml",
        f"{r}/Kustomization",
        f"{r}/templates.yaml",
    ]
    assert files.unrendered(paths, root) == [
        f"{r}/Kustomization",
        f"{r}/c/Chart.yaml",
        f"{r}/deep/templates/inner/Chart.yaml",
        f"{r}/k/kustomization.yml",
    ]
    assert files.unrendered([f"{r}/templates/x.yaml"], root) == []  # the chart would be the repository's parent's
    assert files.unrendered(["/templates/x.yaml"], Path("/")) == []
    assert files.kind("/r/c/Chart.yaml") == "Helm chart"
    assert files.kind("/r/k/kustomization.yaml") == "Kustomize build"
    assert files.kind("/r/k/Kustomization") == "Kustomize build"


def test_unrendered_finds_a_chart_at_the_root_of_the_file_system() -> None:
    found = files.unrendered(["/templates/x.yaml"], Path("/"))
    assert found == (["/Chart.yaml"] if os.path.isfile("/Chart.yaml") else [])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "bad.yaml",
            b"a: [1,\n",
            "does not parse as YAML at line 2, column 1 (did not find expected node content); "
            "checkov skips it silently",
        ),
        (
            "bad.yml",
            b"a: b: c\n",
            "does not parse as YAML at line 1, column 5 (mapping values are not allowed in this context); "
            "checkov skips it silently",
        ),
        ("bad.json", b'{"a": }', "is not valid JSON (Expecting value: line 1 column 7 (char 6)); checkov skips it"),
        ("latin.yaml", b"a: \xe9\n", "is not UTF-8; checkov cannot read it"),
    ],
)
def test_a_yaml_or_json_file_that_does_not_parse_is_a_problem(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert files.unreadable(str(path)) == Problem("checkov", str(path), message)


def test_files_that_parse_or_are_not_checked_here_are_no_problem(tmp_path: Path) -> None:
    tree(tmp_path, "ok.yaml", "templates/t.yaml")
    (tmp_path / "cfn.yaml").write_text("R: !Ref X\n---\nb: 2\n", encoding="utf-8")
    (tmp_path / "ok.json").write_text('{"a": 1}', encoding="utf-8")
    (tmp_path / "bad.tf").write_text("resource {", encoding="utf-8")
    (tmp_path / "templates/t.yaml").write_text("{{ .Values }}: [", encoding="utf-8")
    for name in ("ok.yaml", "cfn.yaml", "ok.json", "bad.tf", "templates/t.yaml"):
        assert files.unreadable(str(tmp_path / name)) is None, name


def test_a_file_too_large_or_unreadable_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (files.MAX_BYTES + 1))
    assert files.unreadable(str(big)) == Problem("checkov", str(big), "larger than 8 MiB; not scanned")
    edge = tmp_path / "edge.json"
    edge.write_bytes(b"1" + b" " * (files.MAX_BYTES - 1))
    assert files.unreadable(str(edge)) is None
    missing = tmp_path / "missing.yaml"
    assert files.unreadable(str(missing)) == Problem(
        "checkov", str(missing), "cannot be read: No such file or directory"
    )

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("refused")

    (tmp_path / "ok.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setattr("builtins.open", refuse)
    assert files.unreadable(str(tmp_path / "ok.yaml")) == Problem(
        "checkov", str(tmp_path / "ok.yaml"), "cannot be read: refused"
    )


def test_a_yaml_error_without_a_mark_or_problem_is_still_located_as_far_as_known(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import yaml

    def compose_all(text: str, Loader: object) -> object:
        raise yaml.YAMLError("no details")

    monkeypatch.setattr(yaml, "compose_all", compose_all)
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert files.unreadable(str(path)) == Problem(
        "checkov", str(path), "does not parse as YAML (invalid YAML); checkov skips it silently"
    )


def test_without_libyaml_the_pure_python_loader_judges_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: [1,\n")
    problem = files.unreadable(str(path))
    assert problem is not None and problem.message.startswith("does not parse as YAML at line 2, column 1 (")
    (tmp_path / "ok.yaml").write_text("a: !Ref b\n", encoding="utf-8")
    assert files.unreadable(str(tmp_path / "ok.yaml")) is None


def test_a_repository_whose_name_ends_in_a_space_keeps_its_symlinked_files_and_charts(tmp_path: Path) -> None:
    """The confinement prefix is the real root plus one separator: nothing else is stripped from its end."""
    root = tmp_path / "repo "
    tree(root, "svc/src/app.py", "lib/shared.py", "c/Chart.yaml", "c/templates/d.yaml", "c/templates/sub/e.yaml")
    (root / "svc/src/shared.py").symlink_to(root / "lib/shared.py")
    out, _ = files.listed(root / "svc", root, ["src"], files.CODE)
    real = os.path.realpath(root)
    assert out == [f"{real}/lib/shared.py", f"{real}/svc/src/app.py"]
    r = str(root)  # each template alone finds its chart: directly under templates/, and deeper
    assert files.unrendered([f"{r}/c/templates/d.yaml"], root) == [f"{r}/c/Chart.yaml"]
    assert files.unrendered([f"{r}/c/templates/sub/e.yaml"], root) == [f"{r}/c/Chart.yaml"]


def test_the_walk_goes_on_after_a_folder_it_cannot_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    tree(root, "svc/a.py", "svc/locked/b.py", "svc/z/c.py")
    scandir = os.scandir

    def refusing(path: str):  # root reads any folder, so a refusal is simulated
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(files.os, "scandir", refusing)
    walked = list(files._walk(str(root / "svc"), str(root), files.CODE, ()))
    assert sorted(walked) == [str(root / "svc/a.py"), str(root / "svc/z/c.py")]
