"""The policy of `check --base REF`: configuration, rule folders, tiers, catalogs and waivers as of REF.

The pull request controls every file of the checkout, so none of the policy
is read from it. The configuration that applies to the working folder at REF
(`.shiftleft.toml`, or `pyproject.toml` with `[tool.shiftleft]`, in the folder
or above up to the repository root), and every file it names, are copied out
of git into a private temporary folder with the same layout; the usual
loaders then read them from there, so the base policy is checked exactly as
strictly as a working-tree one. Paths the configuration names must stay
inside the repository; a symlink or submodule in the policy is an error, and
so is a path git itself refuses (a `.git` part). The copy is a private folder
`$TMPDIR/shiftleft-base-*`, removed when the run ends.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from shiftleft import config as config_mod
from shiftleft.errors import ConfigError
from shiftleft.governance import gitread
from shiftleft.governance.waivers import DEFAULT_FILE

_PATH_KEYS = ("rules", "tiers", "catalogs", "waivers")


class Base(NamedTuple):
    """The base commit's policy, materialised."""

    ref: str
    commit: str
    root: Path
    """The repository root (the working tree's)."""
    folder: Path
    """The temporary copy of the policy files, laid out like the repository."""
    cwd: Path
    """The working folder's place inside `folder`."""
    config: config_mod.Config
    config_path: str
    """The configuration file at REF, relative to the root; empty when there is none."""


def load(ref: str, explicit: str | None, cwd: Path, folder: Path) -> Base:
    """Read REF's policy into `folder` (an empty temporary folder the caller removes)."""
    root = gitread.toplevel(cwd)
    commit = gitread.resolve(ref, root)
    here = _relative(cwd.resolve(), root)
    config_path = _config_path(commit, root, here, explicit, cwd)
    if config_path:
        text = _copy(commit, root, config_path, folder, "configuration")
        section = _section(text, config_path)
        base_dir = os.path.dirname(config_path)
        for key in _PATH_KEYS:
            value = section.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item:
                    _copy_tree(commit, root, _inside(base_dir, item, key, f"{ref}:{config_path}"), folder)
    if gitread.show(commit, DEFAULT_FILE, root) is not None:
        _copy(commit, root, DEFAULT_FILE, folder, "waiver file")
    base_cwd = folder / here if here else folder
    base_cwd.mkdir(parents=True, exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)  # the copy's repository root, where configuration lookup stops
    if config_path:
        config = config_mod.load(folder / config_path, f"{ref}:{config_path}", root=folder)
    else:
        config = config_mod.defaults()
    return Base(ref, commit, root, folder, base_cwd, config, config_path)


def temporary() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="shiftleft-base-")


def _relative(path: Path, root: Path, what: str = "the working folder") -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        raise ConfigError(f"--base: {what} {path} is not inside the repository {root}") from None
    return "" if rel == "." else rel


def _config_path(commit: str, root: Path, here: str, explicit: str | None, cwd: Path) -> str:
    if explicit is not None:
        wanted = (cwd / explicit).absolute()
        rel = _relative(Path(os.path.normpath(wanted)), root, "the configuration file")
        if gitread.show(commit, rel, root) is None:
            raise ConfigError(f"--base: configuration file {rel} does not exist at the base commit")
        return rel
    parts = here.split("/") if here else []
    for depth in range(len(parts), -1, -1):
        folder = "/".join(parts[:depth])
        for name in (".shiftleft.toml", "pyproject.toml"):
            path = f"{folder}/{name}" if folder else name
            data = gitread.show(commit, path, root)
            if data is None:
                continue
            if name == ".shiftleft.toml" or b"[tool.shiftleft" in data:
                return path
    return ""


def _section(text: bytes, shown: str) -> dict[str, Any]:
    """The configuration table, only to learn which paths to copy; `config.load` judges it afterwards."""
    import tomllib

    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # config.load reports it with line and column
    section = config_mod.table(data, shown)  # the table `config.load` reads
    return section if isinstance(section, dict) else {}


def _inside(base_dir: str, value: str, key: str, shown: str) -> str:
    if os.path.isabs(value) or value.startswith("~"):
        raise ConfigError(f"{key}: {value!r} is absolute; write it relative to the configuration file", file=shown)
    joined = os.path.normpath(os.path.join(base_dir, value)).replace(os.sep, "/")
    if joined == ".." or joined.startswith("../"):
        raise ConfigError(f"{key}: {value!r} points outside the repository", file=shown)
    return "" if joined == "." else joined


def _copy_tree(commit: str, root: Path, prefix: str, folder: Path) -> None:
    for entry in gitread.files(commit, root, prefix):
        if entry.path != prefix and not entry.path.startswith(prefix.rstrip("/") + "/") and prefix:
            continue
        kind = {gitread.SYMLINK: "symlink", gitread.SUBMODULE: "submodule"}.get(entry.mode)
        if kind:
            raise ConfigError(f"--base: {entry.path} is a {kind} at the base commit; policy files must be plain files")
        _copy(commit, root, entry.path, folder, "policy file")


def _copy(commit: str, root: Path, path: str, folder: Path, what: str) -> bytes:
    if ".git" in path.lower().split("/"):  # git refuses such a path (any case); `.git` marks the copy's root
        raise ConfigError(f"--base: {path} at the base commit is a .git path, which git refuses to check out")
    data = gitread.show(commit, path, root)
    if data is None:
        raise ConfigError(f"--base: {what} {path} cannot be read at the base commit")
    target = folder / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as e:  # a name longer than the file system allows, say
        raise ConfigError(f"--base: {path} at the base commit cannot be copied: {e.strerror or e}") from None
    return data
