"""`check --changed` (the shiftleft-evidence hook): a changed infrastructure or code file is a change
to the service that owns it, by folder or through `spec.paths` (a shared kubernetes-manifests/ folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shiftleft import changes
from tests.e2e.evidence import repo
from tests.e2e.evidence.test_scanners import check


@pytest.fixture
def root(tmp_path: Path) -> Path:
    made = repo.write(tmp_path / "repo", hostile=False)
    (made / "docs").mkdir()
    (made / "docs" / "notes.yaml").write_text("owner: nobody\n", encoding="utf-8")
    return made


@pytest.mark.parametrize(
    ("changed", "owners"),
    [
        (["k8s/vault/deployment.yaml"], {"services/vault/shiftleft.yaml"}),  # through ../../k8s/vault
        (["services/ledger/infra/main.tf"], {"services/ledger/shiftleft.yaml"}),  # in the service's folder
        (["services/vault/src/vault/app.py", "k8s/vault/shadow.yaml"], {"services/vault/shiftleft.yaml"}),
        (
            ["k8s/vault/deployment.yaml", "services/ledger/src/ledger/total.py"],
            {"services/vault/shiftleft.yaml", "services/ledger/shiftleft.yaml"},
        ),
    ],
)
def test_changed_files_select_their_owners(root: Path, changed: list[str], owners: set[str]) -> None:
    selection = changes.selection(changed, config_file=None, cwd=root)
    assert selection is not None and not selection.everything
    assert selection.owners == owners


def test_a_file_no_service_owns_selects_nothing(root: Path) -> None:
    assert changes.selection(["docs/notes.yaml"], config_file=None, cwd=root) is None


def test_changed_shared_file_checks_its_service(root: Path) -> None:
    code, err = check(root, "--changed", "k8s/vault/deployment.yaml", "--no-evidence", "--format", "json=out.json")
    report = (root / "out.json").read_text(encoding="utf-8")
    assert code == 1 and err == ""
    assert '"name": "vault"' in report and '"name": "ledger"' not in report
