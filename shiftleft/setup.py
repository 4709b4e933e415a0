"""Everything a command needs before it evaluates: configuration, tier policy, catalog.

Shared by `check`, `config` and (later) `rules`, so that all of them see the
same effective policy.
"""

from __future__ import annotations

import os
from pathlib import Path

from shiftleft import config as config_mod
from shiftleft.discover import display_path, repo_root
from shiftleft.errors import ConfigError
from shiftleft.paths import inside
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod


class Policy:
    __slots__ = ("catalog", "config", "rule_folders", "tiers")

    def __init__(
        self,
        config: config_mod.Config,
        tiers: tiers_mod.TierPolicy,
        catalog: catalog_mod.Catalog,
        rule_folders: list[tuple[Path, str]],
    ) -> None:
        self.config = config
        self.tiers = tiers
        self.catalog = catalog
        self.rule_folders = rule_folders

    def __repr__(self) -> str:
        return (
            f"Policy(config={self.config!r}, tiers={self.tiers!r}, catalog={self.catalog!r}, "
            f"rule_folders={self.rule_folders!r})"
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable (decision 0022)


def load_config(explicit: str | None, cwd: Path) -> config_mod.Config:
    """The configuration for a run in `cwd`: `explicit` (--config), or the one `config.find` finds.

    A file inside the repository is confined to it (see `shiftleft.config`);
    one the command line names outside the repository is trusted.
    """
    if explicit is not None:
        path = (cwd / explicit).absolute()
        if not path.is_file():
            raise ConfigError(f"configuration file not found: {explicit}")
        checkout = os.path.realpath(repo_root(cwd.resolve()) or cwd)
        named = os.path.join(os.path.realpath(path.parent), path.name)  # the name as given, symlink not followed
        return config_mod.load(path, explicit, root=Path(checkout) if inside(named, checkout) else None)
    found = config_mod.find(cwd)
    if found is None:
        return config_mod.load(None)
    root = repo_root(found.parent.resolve()) or found.parent.resolve()
    return config_mod.load(found, display_path(found, cwd), root=root)


def load_policy(config: config_mod.Config, cwd: Path) -> Policy:
    shipped, shipped_display = catalog_mod.shipped_folder()
    if config.tiers is not None:
        tiers = tiers_mod.load(config.tiers, display_path(config.tiers, cwd))
    else:
        tiers = tiers_mod.load(shipped / "tiers.yaml", f"{shipped_display}/tiers.yaml")
    folders = [(shipped, shipped_display)] + [(f, display_path(f, cwd)) for f in config.rules]
    catalog = catalog_mod.load(folders, confine_to=config.root)
    for key, ids in (("severity", list(config.severity)), ("disable", list(config.disable))):
        for rule_id in ids:
            if catalog.get(rule_id) is None:
                raise ConfigError(
                    f"{key}: no rule {rule_id} in the catalog",
                    file=display_path(config.file, cwd) if config.file else None,
                )
    return Policy(config, tiers, catalog, folders)
