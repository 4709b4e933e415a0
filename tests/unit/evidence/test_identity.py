"""A scanner's identity (version, RECORD digest) is read from its installation, and keys the evidence cache."""

from __future__ import annotations

import os
from pathlib import Path

from shiftleft.evidence import cache, identity


def install(prefix: Path, name: str, version: str, record: str = "bandit/__init__.py,sha256=abc,10\n") -> Path:
    """A venv-shaped installation: bin/<name> whose shebang names bin/python, and the dist-info beside it."""
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    python = prefix / "bin" / "python"
    if not python.exists():
        python.symlink_to(os.path.realpath(os.sys.executable))
    script = prefix / "bin" / name
    script.write_text(f"#!{python}\nimport sys\nfrom {name}.cli.main import main\nsys.exit(main())\n")
    script.chmod(0o755)
    packages = prefix / "lib" / "python3.11" / "site-packages"
    for old in packages.glob(f"{name}-*.dist-info") if packages.exists() else ():
        for f in old.iterdir():
            f.unlink()
        old.rmdir()
    info = packages / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "RECORD").write_text(record)
    return script


def test_the_version_comes_from_the_dist_info_the_shebang_leads_to(tmp_path: Path) -> None:
    script = install(tmp_path / "venv", "bandit", "1.9.4")
    assert identity.of("bandit", str(script)).version == "1.9.4"


def test_the_interpreter_named_by_the_shebang_is_searched_too(tmp_path: Path) -> None:
    install(tmp_path / "venv", "bandit", "1.9.4")
    elsewhere = tmp_path / "bin" / "bandit"  # a console script copied out of its environment (pipx, ~/.local)
    elsewhere.parent.mkdir()
    elsewhere.write_text(f"#!{tmp_path / 'venv' / 'bin' / 'python'}\nimport bandit\n")
    assert identity.of("bandit", str(elsewhere)).version == "1.9.4"


def test_a_changed_version_or_record_changes_the_identity_and_the_cache_key(tmp_path: Path) -> None:
    script = install(tmp_path / "venv", "bandit", "1.9.4")
    source = tmp_path / "app.py"
    source.write_text("x = 1\n")
    args = ["-f", "json"]
    first = identity.of("bandit", str(script))
    key = cache.key("bandit", identity.of("bandit", str(script)), args, [str(source)])
    assert (
        cache.key("bandit", identity.of("bandit", str(script)), args, [str(source)]) == key
    )  # stable while nothing changes
    install(tmp_path / "venv", "bandit", "1.9.5")
    upgraded = identity.of("bandit", str(script))
    assert upgraded.version == "1.9.5" and upgraded.digest != first.digest
    assert cache.key("bandit", identity.of("bandit", str(script)), args, [str(source)]) != key
    install(tmp_path / "venv", "bandit", "1.9.5", record="bandit/__init__.py,sha256=patched,10\n")
    patched = identity.of("bandit", str(script))
    assert patched.version == "1.9.5" and patched.digest != upgraded.digest


def test_without_a_dist_info_the_script_itself_is_the_identity(tmp_path: Path) -> None:
    script = tmp_path / "checkov"
    script.write_text("#!/bin/sh\necho 1\n")
    script.chmod(0o755)
    first = identity.of("checkov", str(script))
    assert first.version == ""
    script.write_text("#!/bin/sh\necho 2\n")
    os.utime(script, ns=(1, 1))
    assert identity.of("checkov", str(script)).digest != first.digest
