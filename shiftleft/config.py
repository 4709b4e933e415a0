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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from shiftleft.errors import ConfigError
from shiftleft.findings import Severity
from shiftleft.paths import confine, explain, inside, real_folder

if TYPE_CHECKING:
    import tomllib

DEFAULT_MANIFESTS = ("**/shiftleft.yaml",)
_ID = re.compile(r"[A-Z]{2,8}[0-9]{3}\Z")


class Unowned(NamedTuple):
    """The `[unowned]` table: globs (relative to the repository root) of the files that mark a deployable no
    manifest may leave unclaimed (`shiftleft.unowned`); an empty list switches that kind off."""

    kubernetes: tuple[str, ...] = ("**/*.yaml", "**/*.yml")
    """YAML files whose documents may be Kubernetes workloads."""
    terraform: tuple[str, ...] = ("**/*.tf",)
    """Terraform files: each folder holding one is a Terraform root."""
    python: tuple[str, ...] = ("**/__init__.py", "**/pyproject.toml", "**/setup.py")
    """A package's `__init__.py`, a project's `pyproject.toml` or `setup.py`."""
    exclude: tuple[str, ...] = ("**/tests/**", "**/test/**")
    """Files never looked at (test fixtures are not deployables)."""


class Config(NamedTuple):
    """Effective configuration, built by `create` from the checked settings. `origin` maps each key to where its
    value came from."""

    manifests: tuple[str, ...]
    """Globs of manifest files, relative to the working folder."""
    exclude: tuple[str, ...]
    """Globs of manifest files to skip."""
    rules: tuple[Path, ...]
    """Extra rule folders, absolute."""
    tiers: Path | None
    """Tier policy override, absolute; None means the shipped table."""
    fail_on: Severity
    """The lowest severity that fails the gate."""
    severity: dict[str, Severity]
    """Rule id to the severity that replaces the rule's own."""
    disable: tuple[str, ...]
    """Rule ids that do not run."""
    max_manifest_bytes: int
    """The largest manifest read."""
    org: dict[str, Any]
    """Organisation settings, visible to rules as `org`."""
    catalogs: tuple[Path, ...]
    """Exported service catalogs of other repositories (absolute): their services resolve as dependencies."""
    waivers: Path | None
    """The central waiver file, absolute; None means `shiftleft-waivers.yaml` at the repository root (read when it
    exists)."""
    inline_waivers: str
    """The highest severity `spec.waivers` may accept, or "off"."""
    evidence: bool | None
    """Run checkov and bandit; None: on when CI=true or GITHUB_ACTIONS=true (`--evidence` overrides)."""
    evidence_timeout: float
    """Seconds each scanner may run before it counts as failed."""
    unowned: Unowned
    """What counts as a deployable that some manifest must claim (`shiftleft.unowned`)."""
    file: Path | None
    """The configuration file read, if any."""
    origin: dict[str, str]
    """Setting to where its value came from; a setting not named is "default"."""
    root: Path | None
    """The repository root every path the file names must stay inside (also rule files in its rule folders);
    None for a trusted file from the command line outside the repository, or no file."""

    @classmethod
    def create(
        cls, values: dict[str, Any], *, file: Path | None = None, root: Path | None = None, origin: dict[str, str]
    ) -> Config:
        """The record from checked settings: every setting not in `values` takes its default from `SETTINGS`."""
        settings = {s.key: values[s.key] if s.key in values else s.default for s in SETTINGS}
        return cls(**settings, file=file, origin=origin, root=root)

    def source(self, key: str) -> str:
        return self.origin.get(key, "default")


def defaults() -> Config:
    """The configuration when there is no file."""
    return Config.create({}, origin={})


class _Context(NamedTuple):
    """What a setting's check needs besides the value."""

    fail: Callable[[str], ConfigError]
    """The error for this setting, at its line: `key: message`."""
    fail_in: Callable[[str, str], ConfigError]
    """The error for a key inside this setting's table, at that key's line: `key.sub: message`."""
    located: Callable[[str], Path]
    """A path relative to the file's folder, absolute; confined to the repository unless the file is trusted."""


class Setting(NamedTuple):
    """One row of the configuration table: the key, how its value is checked and converted, its default."""

    key: str
    check: Callable[[Any, _Context], Any]
    """Raises `context.fail(...)` or returns the value the record holds."""
    default: Any


def _strings(value: Any, context: _Context) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise context.fail("must be a list of strings")
    return tuple(value)


def _globs(value: Any, context: _Context) -> tuple[str, ...]:
    globs = _strings(value, context)
    if not globs:
        raise context.fail("must name at least one glob")
    return globs


def _rule_ids(value: Any, context: _Context) -> tuple[str, ...]:
    ids = _strings(value, context)
    for v in ids:
        if not _ID.match(v):
            raise context.fail(f"{v!r} is not a rule id like SL301")
    return ids


def _existing(kind: str, usage: str, test: Callable[[Path], bool]) -> Callable[[Any, _Context], tuple[Path, ...]]:
    """A check for a list of paths that must exist: rule folders (`is_dir`), catalog files (`is_file`)."""

    def check(value: Any, context: _Context) -> tuple[Path, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise context.fail(f"must be a list of {usage}")
        paths = []
        for v in value:
            path = context.located(v)
            if not test(path):
                raise context.fail(f"{kind} {v!r} does not exist")
            paths.append(path)
        return tuple(paths)

    return check


def _tiers(value: Any, context: _Context) -> Path:
    if not isinstance(value, str) or not value:
        raise context.fail("must be the path of a tier policy file")
    tiers = context.located(value)
    if not tiers.is_file():
        raise context.fail(f"tier policy {value!r} does not exist")
    return tiers


def _severity(value: Any, context: _Context) -> Severity:
    if not isinstance(value, str):
        raise context.fail("must be a severity name")
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise context.fail(str(e)) from None


def _overrides(value: Any, context: _Context) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise context.fail('must be a table of rule id to severity, like {SL301 = "medium"}')
    overrides = {}
    for rule, sev in value.items():
        if not _ID.match(rule):
            raise context.fail(f"{rule!r} is not a rule id like SL301")
        overrides[rule] = _severity(sev, context)
    return overrides


def _manifest_bytes(value: Any, context: _Context) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1024 <= value <= 64 * 1024 * 1024:
        raise context.fail("must be a whole number of bytes between 1024 and 67108864")
    return value


def _org(value: Any, context: _Context) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise context.fail("must be a table of organisation settings")
    plain: dict[str, Any] = _plain(value)
    return plain


def _waivers(value: Any, context: _Context) -> Path:
    if not isinstance(value, str) or not value:
        raise context.fail("must be the path of the waiver file, relative to this configuration file")
    return context.located(value)


def _inline_waivers(value: Any, context: _Context) -> str:
    if value != "off":
        _severity(value, context)
    return str(value)


def _evidence(value: Any, context: _Context) -> bool:
    if not isinstance(value, bool):
        raise context.fail("must be true or false (default: on when CI=true or GITHUB_ACTIONS=true)")
    return value


def _timeout(value: Any, context: _Context) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 10 <= value <= 7200:
        raise context.fail("must be a number of seconds between 10 and 7200")
    return float(value)


def _unowned(value: Any, context: _Context) -> Unowned:
    if not isinstance(value, dict):
        raise context.fail("must be a table: kubernetes, terraform, python and exclude, each a list of globs")
    known = Unowned._fields
    for key, globs in value.items():
        if key not in known:
            raise context.fail_in(key, f"unknown key (known: {', '.join(known)})")
        if not isinstance(globs, list) or not all(isinstance(g, str) and g for g in globs):
            raise context.fail_in(key, "must be a list of globs ([] switches this kind off)")
    return Unowned(**{key: tuple(globs) for key, globs in value.items()})


SETTINGS: tuple[Setting, ...] = (
    Setting("manifests", _globs, DEFAULT_MANIFESTS),
    Setting("exclude", _strings, ()),
    Setting("rules", _existing("rule folder", "folders", Path.is_dir), ()),
    Setting("tiers", _tiers, None),
    Setting("fail_on", _severity, Severity.HIGH),
    Setting("severity", _overrides, {}),
    Setting("disable", _rule_ids, ()),
    Setting("max_manifest_bytes", _manifest_bytes, 1024 * 1024),
    Setting("org", _org, {}),
    Setting(
        "catalogs", _existing("catalog file", "catalog files (written by `shiftleft catalog export`)", Path.is_file), ()
    ),
    Setting("waivers", _waivers, None),
    Setting("inline_waivers", _inline_waivers, "medium"),
    Setting("evidence", _evidence, None),
    Setting("evidence_timeout", _timeout, 600.0),
    Setting("unowned", _unowned, Unowned()),
)
"""Every setting a configuration file may hold, in the order `shiftleft config` and error messages list them.
A new setting is one row here and one field of `Config`."""

_BY_KEY = {s.key: s for s in SETTINGS}


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
    if path is None:
        return defaults()
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
    section = table(data, path.name)
    if path.name == "pyproject.toml":
        label = f"{shown} [tool.shiftleft]"
        if section is None:
            return defaults()
    else:
        label = shown
    if not isinstance(section, dict):
        raise ConfigError("[tool.shiftleft] must be a table", file=shown)
    return _apply(section, path, root, label, text, shown)


def table(data: dict[str, Any], name: str) -> Any:
    """Where the configuration is in the parsed TOML of the file `name`: the `[tool.shiftleft]` table of a
    `pyproject.toml` (None when it has none; `tool = 1` is no table, so none either), else the whole file."""
    if os.path.basename(name) != "pyproject.toml":
        return data
    tool = data.get("tool", {})
    return tool.get("shiftleft") if isinstance(tool, dict) else None


def _apply(section: dict[str, Any], path: Path, root: Path | None, label: str, text: str, shown: str) -> Config:
    """Check every setting of the file's table against `SETTINGS`, in the file's order; the first bad one raises."""
    base = Path(os.path.realpath(path.parent))
    values: dict[str, Any] = {}
    for key, value in section.items():
        setting = _BY_KEY.get(key)
        if setting is None:
            raise _unknown(key, label, text, shown)

        def fail(message: str, key: str = key) -> ConfigError:
            return ConfigError(f"{key}: {message}", file=shown, line=_line_of(text, key))

        def fail_in(sub: str, message: str, key: str = key) -> ConfigError:
            return ConfigError(f"{key}.{sub}: {message}", file=shown, line=_line_in(text, key, sub))

        def located(value: str, fail: Callable[[str], ConfigError] = fail) -> Path:
            if root is not None:
                problem, _exists = confine(real_folder(str(base)), os.path.realpath(root), value)
                if problem is not None:
                    raise fail(explain(value, problem, "the configuration file's folder"))
            return (base / value).resolve()

        values[key] = setting.check(value, _Context(fail, fail_in, located))
    return Config.create(values, file=path, root=root, origin=dict.fromkeys(values, label))


def _unknown(key: str, label: str, text: str, shown: str) -> ConfigError:
    import difflib

    keys = [s.key for s in SETTINGS]
    close = difflib.get_close_matches(key, keys, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    if key == "tool" and label == shown:
        hint = " (in .shiftleft.toml the settings are at the top level: drop the [tool.shiftleft] header)"
    return ConfigError(f"unknown setting {key!r}{hint}; known: {', '.join(keys)}", file=shown, line=_line_of(text, key))


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
    # `key = ...`, `"key" = ...`, a `[key]` table or a dotted `[key.sub]` table header (also under tool.shiftleft).
    k = re.escape(key)
    # Blanks, not \s: `^\s*` would start on an empty line above the key and name that line.
    pattern = re.compile(rf"^[ \t]*(?:(?:{k}|\"{k}\")[ \t]*[=.]|\[(?:tool\.shiftleft\.)?{k}[\].])", re.M)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _line_in(text: str, key: str, sub: str) -> int:
    """The line of `sub = ...` inside the table `key` (its header's line when not found there)."""
    start = _line_of(text, key)
    lines = text.splitlines()
    if not start or not lines[start - 1].lstrip().startswith("["):
        return start  # an inline table or dotted keys: one line, or not found
    pattern = re.compile(rf"\s*(?:{re.escape(sub)}|\"{re.escape(sub)}\")\s*=")
    for number in range(start, len(lines)):
        if lines[number].lstrip().startswith("["):
            break
        if pattern.match(lines[number]):
            return number + 1
    return start


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
