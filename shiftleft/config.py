"""Configuration: `[tool.shiftleft]` in pyproject.toml, or `.shiftleft.toml`.

The file is looked for in the working directory and its parents up to the
repository root (the first folder with `.git`). `.shiftleft.toml` wins over
pyproject.toml when both exist. Every value remembers where it came from, for
`shiftleft config`.

A configuration file in the repository comes from pull requests like the
manifests (DESIGN.md section 10): the paths it names (`rules`, `tiers`,
`catalogs`) must resolve inside the repository root (`shiftleft.paths`), and
the file itself must not be a symlink that leads out of it. A file the caller
names on the command line outside the repository is trusted: its paths may
point anywhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shiftleft.errors import ConfigError
from shiftleft.findings import Severity
from shiftleft.paths import confine, explain, inside, real_folder

if TYPE_CHECKING:
    import tomllib

DEFAULT_MANIFESTS = ("**/shiftleft.yaml",)
_ID = re.compile(r"[A-Z]{2,8}[0-9]{3}\Z")


class Config:
    """Effective configuration. `origin` maps each key to where its value came from.

    - `rules`: extra rule folders, absolute.
    - `tiers`: tier policy override, absolute; None means the shipped table.
    - `catalogs`: exported service catalogs of other repositories (absolute):
      their services resolve as dependencies.
    - `file`: the configuration file read, if any.
    - `root`: the repository root every path the file names must stay inside
      (also rule files in its rule folders); None for a trusted file from the
      command line outside the repository, or no file.
    - `waivers`: the central waiver file, absolute; None means `shiftleft-waivers.yaml` at the
      repository root (read when it exists).
    - `inline_waivers`: the highest severity `spec.waivers` may accept, or "off".
    """

    __slots__ = (
        "catalogs",
        "disable",
        "evidence",
        "evidence_timeout",
        "exclude",
        "fail_on",
        "file",
        "inline_waivers",
        "manifests",
        "max_manifest_bytes",
        "org",
        "origin",
        "root",
        "rules",
        "severity",
        "tiers",
        "waivers",
    )  # fmt: skip

    def __init__(
        self,
        manifests: tuple[str, ...] = DEFAULT_MANIFESTS,
        exclude: tuple[str, ...] = (),
        rules: tuple[Path, ...] = (),
        tiers: Path | None = None,
        fail_on: Severity = Severity.HIGH,
        severity: dict[str, Severity] | None = None,
        disable: tuple[str, ...] = (),
        max_manifest_bytes: int = 1024 * 1024,
        org: dict[str, Any] | None = None,
        catalogs: tuple[Path, ...] = (),
        file: Path | None = None,
        origin: dict[str, str] | None = None,
        root: Path | None = None,
        waivers: Path | None = None,
        inline_waivers: str = "medium",
        evidence: bool | None = None,
        evidence_timeout: float = 600.0,
    ) -> None:
        self.manifests = manifests
        self.exclude = exclude
        self.rules = rules
        self.tiers = tiers
        self.fail_on = fail_on
        self.severity: dict[str, Severity] = {} if severity is None else severity
        self.disable = disable
        self.max_manifest_bytes = max_manifest_bytes
        self.org: dict[str, Any] = {} if org is None else org
        self.catalogs = catalogs
        self.file = file
        self.origin: dict[str, str] = {} if origin is None else origin
        self.root = root
        self.waivers = waivers
        self.inline_waivers = inline_waivers
        self.evidence = evidence
        """Run checkov and bandit; None: on when CI=true or GITHUB_ACTIONS=true (`--evidence` overrides)."""
        self.evidence_timeout = evidence_timeout
        """Seconds each scanner may run before it counts as failed."""

    _FIELDS = (
        "manifests", "exclude", "rules", "tiers", "fail_on", "severity", "disable", "max_manifest_bytes", "org",
        "catalogs", "file", "origin", "root", "waivers", "inline_waivers", "evidence", "evidence_timeout",
    )  # fmt: skip
    """Constructor order, for the repr and equality."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"Config({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def source(self, key: str) -> str:
        return self.origin.get(key, "default")


_KEYS = (
    "manifests", "exclude", "rules", "tiers", "fail_on", "severity", "disable", "max_manifest_bytes", "org", "catalogs",
    "waivers", "inline_waivers", "evidence", "evidence_timeout",
)  # fmt: skip


def find(start: Path) -> Path | None:
    """The configuration file that applies to `start`, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        # A symlink is returned unread: `load` refuses it if it leads outside the repository.
        dotfile = folder / ".shiftleft.toml"
        if dotfile.is_file() or dotfile.is_symlink():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_symlink() or (pyproject.is_file() and _has_section(pyproject)):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _has_section(pyproject: Path) -> bool:
    try:
        return "[tool.shiftleft" in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def load(path: Path | None, display: str | None = None, *, root: Path | None = None) -> Config:
    """Read a configuration file (None: all defaults). Raises ConfigError.

    `root`: the repository the file belongs to; the file and every path it
    names must resolve inside it. None trusts the file (the caller named it).
    """
    config = Config()
    if path is None:
        return config
    shown = display or str(path)
    if root is not None and not inside(os.path.realpath(path), os.path.realpath(root)):
        raise ConfigError("the configuration file is a symlink that leads outside the repository; it was not read",
                          file=shown)  # fmt: skip
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read configuration: {e.strerror or e}", file=shown) from None
    import tomllib  # only when a configuration file is read: it costs milliseconds to import

    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError("configuration is not valid UTF-8", file=shown) from None
    except tomllib.TOMLDecodeError as e:
        raise _toml_error(e, shown) from None
    except RecursionError:  # tomllib recurses per nested inline table or array
        line, col = _deepest(text)
        raise ConfigError("invalid TOML: tables or arrays nested too deeply", file=shown, line=line, col=col) from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("shiftleft")
        label = f"{shown} [tool.shiftleft]"
        if section is None:
            return config
    else:
        section = data
        label = shown
    if not isinstance(section, dict):
        raise ConfigError("[tool.shiftleft] must be a table", file=shown)
    config.file = path
    config.root = root
    _apply(config, section, Path(os.path.realpath(path.parent)), label, text, shown)
    return config


def _apply(config: Config, section: dict[str, Any], base: Path, label: str, text: str, shown: str) -> None:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{key}: {message}", file=shown, line=_line_of(text, key))

    def located(key: str, value: str) -> Path:
        """`value` relative to the file's folder; confined to the repository unless the file is trusted."""
        if config.root is not None:
            problem, _exists = confine(real_folder(str(base)), os.path.realpath(config.root), value)
            if problem is not None:
                raise fail(key, explain(value, problem, "the configuration file's folder"))
        return (base / value).resolve()

    for key, value in section.items():
        if key not in _KEYS:
            import difflib

            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if key == "tool" and label == shown:
                hint = " (in .shiftleft.toml the settings are at the top level: drop the [tool.shiftleft] header)"
            raise ConfigError(
                f"unknown setting {key!r}{hint}; known: {', '.join(_KEYS)}", file=shown, line=_line_of(text, key)
            )
        if key in ("manifests", "exclude", "disable"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise fail(key, "must be a list of strings")
            if key == "disable":
                for v in value:
                    if not _ID.match(v):
                        raise fail(key, f"{v!r} is not a rule id like SL301")
            if key == "manifests" and not value:
                raise fail(key, "must name at least one glob")
            setattr(config, key, tuple(value))
        elif key == "rules":
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise fail(key, "must be a list of folders")
            folders = []
            for v in value:
                folder = located(key, v)
                if not folder.is_dir():
                    raise fail(key, f"rule folder {v!r} does not exist")
                folders.append(folder)
            config.rules = tuple(folders)
        elif key == "tiers":
            if not isinstance(value, str) or not value:
                raise fail(key, "must be the path of a tier policy file")
            tiers = located(key, value)
            if not tiers.is_file():
                raise fail(key, f"tier policy {value!r} does not exist")
            config.tiers = tiers
        elif key == "fail_on":
            config.fail_on = _severity(value, lambda m, k=key: fail(k, m))
        elif key == "severity":
            if not isinstance(value, dict):
                raise fail(key, 'must be a table of rule id to severity, like {SL301 = "medium"}')
            overrides = {}
            for rule, sev in value.items():
                if not _ID.match(rule):
                    raise fail(key, f"{rule!r} is not a rule id like SL301")
                overrides[rule] = _severity(sev, lambda m, k=key: fail(k, m))
            config.severity = overrides
        elif key == "max_manifest_bytes":
            if not isinstance(value, int) or isinstance(value, bool) or not 1024 <= value <= 64 * 1024 * 1024:
                raise fail(key, "must be a whole number of bytes between 1024 and 67108864")
            config.max_manifest_bytes = value
        elif key == "org":
            if not isinstance(value, dict):
                raise fail(key, "must be a table of organisation settings")
            config.org = _plain(value)
        elif key == "evidence":
            if not isinstance(value, bool):
                raise fail(key, "must be true or false (default: on when CI=true or GITHUB_ACTIONS=true)")
            config.evidence = value
        elif key == "evidence_timeout":
            if not isinstance(value, int | float) or isinstance(value, bool) or not 10 <= value <= 7200:
                raise fail(key, "must be a number of seconds between 10 and 7200")
            config.evidence_timeout = float(value)
        elif key == "catalogs":
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise fail(key, "must be a list of catalog files (written by `shiftleft catalog export`)")
            files = []
            for v in value:
                catalog = located(key, v)
                if not catalog.is_file():
                    raise fail(key, f"catalog file {v!r} does not exist")
                files.append(catalog)
            config.catalogs = tuple(files)
        elif key in ("waivers", "inline_waivers"):
            _governance(config, key, value, lambda v, k=key: located(k, v), lambda m, k=key: fail(k, m))
        config.origin[key] = label


def _governance(config: Config, key: str, value: Any, located: Any, fail: Any) -> None:
    """`waivers` (the central waiver file, inside the repository) and `inline_waivers` (a severity or "off")."""
    if key == "inline_waivers":
        if value != "off":
            _severity(value, fail)
        config.inline_waivers = str(value)
        return
    if not isinstance(value, str) or not value:
        raise fail("must be the path of the waiver file, relative to this configuration file")
    config.waivers = located(value)


def _severity(value: Any, fail: Any) -> Severity:
    if not isinstance(value, str):
        raise fail("must be a severity name")
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise fail(str(e)) from None


def _plain(value: Any) -> Any:
    """TOML dates and times become ISO strings; CEL takes plain values only."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _line_of(text: str, key: str) -> int:
    # `key = ...`, `"key" = ...`, a `[key]` table or a dotted `[key.sub]` table header.
    pattern = re.compile(rf"^\s*(?:(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=|\[{re.escape(key)}[\].])", re.M)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _toml_error(e: tomllib.TOMLDecodeError, shown: str) -> ConfigError:
    message = str(e)
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if m:
        message = message[: m.start()].strip()
        return ConfigError(f"invalid TOML: {message}", file=shown, line=int(m.group(1)), col=int(m.group(2)))
    return ConfigError(f"invalid TOML: {message}", file=shown)


def _deepest(text: str, limit: int = 100) -> tuple[int, int]:
    """Line and column where `{` / `[` nesting first passes `limit` (brackets in strings count too: a hint)."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char in "{[") - (char in "}]")
        if depth > limit:
            return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)
    return 1, 1
