"""The rule catalog: rule files (one YAML file per rule) read, checked and compiled.

A rule file holds its identity, its logic and its documentation together
(DESIGN.md section 3). Rule files are untrusted input like manifests: they are
read with the same safe loader, unknown keys are errors, and every problem is
a RuleError naming the file, line and column.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from shiftleft.errors import RuleError
from shiftleft.findings import Severity
from shiftleft.manifest import yamlsafe
from shiftleft.paths import inside, printable
from shiftleft.policy.cel import CelError, Program, compile_expression
from shiftleft.vocabulary import CATEGORIES, Category

ID = re.compile(r"[A-Z]{2,8}[0-9]{3}\Z")
NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
PATH = re.compile(r"(?:spec|metadata|graph)(?:\.[a-z_][a-z0-9_]*|\[(?:[0-9]+|\{index\})\])*\Z")

FRAMEWORKS = {
    "nist-800-53": "NIST SP 800-53 Rev. 5",
    "iso-27001": "ISO/IEC 27001:2022",
    "soc2": "SOC 2 Trust Services Criteria",
    "pci-dss": "PCI DSS v4.0",
    "iso-22301": "ISO 22301:2019",
    "dora": "EU DORA (Regulation 2022/2554)",
    "gdpr": "GDPR",
    "hipaa": "HIPAA Security Rule",
    "itil": "ITIL 4",
    "sre": "Google SRE",
}

_REQUIRED = ("id", "name", "severity", "category", "summary", "rationale", "remediation")
_OPTIONAL = ("when", "assert", "each", "location", "message", "references", "examples", "builtin", "evidence")


class Reference(NamedTuple):
    framework: str
    control: str


class Rule(NamedTuple):
    """One rule, compiled."""

    id: str
    name: str
    severity: Severity
    category: str
    summary: str
    rationale: str
    remediation: str
    file: str
    """Rule file as shown to the user."""
    message: str = ""
    location: str = ""
    when: Program | None = None
    check: Program | None = None
    """The `assert:` expression."""
    each: tuple[str | int, ...] | None = None
    references: tuple[Reference, ...] = ()
    examples: Mapping[str, str] = MappingProxyType({})
    """`pass` and `fail` manifest snippets."""
    examples_now: str = ""
    """Date (YYYY-MM-DD) the examples are evaluated as of; empty means the run's date."""
    examples_org: Mapping[str, Any] = MappingProxyType({})
    """Organisation settings (`org`) the examples are evaluated with."""
    builtin: bool = False
    """Emitted by the loader (SL0xx) or the engine, not by a CEL expression."""
    evidence: Mapping[str, Any] = MappingProxyType({})
    """An evidence rule's `evidence:` block (see `shiftleft.policy.evidencespec`); empty for a CEL rule."""

    @property
    def frameworks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.framework for r in self.references))


class Catalog:
    __slots__ = ("by_id", "rules")

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.by_id = {r.id: r for r in self.rules}

    def __repr__(self) -> str:
        return f"Catalog(rules={self.rules!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog) or other.__class__ is not self.__class__:
            return NotImplemented
        return self.rules == other.rules

    __hash__ = None  # type: ignore[assignment]  # mutable (decision 0022)

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)


def rule_files(folder: Path) -> list[Path]:
    """Rule files in a folder: every .yaml below it but the tier table and fixtures."""
    out = []
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder).parts
        if path.name == "tiers.yaml" or "fixtures" in rel[:-1] or any(p.startswith(".") for p in rel):
            continue
        out.append(path)
    return out


def load(folders: Sequence[tuple[Path, str]], *, confine_to: Path | None = None) -> Catalog:
    """Load every rule of the given (folder, display name) pairs; ids must be unique.

    `confine_to`: every rule file outside the shipped catalog must resolve
    inside this folder (the repository); one that is a symlink leading out of
    it is refused unread.

    Compiled catalogs are cached (see `shiftleft.policy.cache`): an unchanged
    set of rule files costs a stat per file instead of a parse and a compile.
    """
    from shiftleft.policy import cache

    files: list[tuple[Path, str]] = []
    root_real = os.path.realpath(confine_to) if confine_to is not None else None
    for folder, display in folders:
        if not folder.is_dir():
            raise RuleError(f"rule folder {display} does not exist")
        shipped = folder == shipped_folder()[0]
        for path in rule_files(folder):
            shown = printable(f"{display.rstrip('/')}/{path.relative_to(folder).as_posix()}")
            if root_real is not None and not shipped and not inside(os.path.realpath(path), root_real):
                raise RuleError("the rule file is a symlink that leads outside the repository; it was not read",
                                file=shown)  # fmt: skip
            files.append((path, shown))
    cache_key = cache.key(files)
    memo_key = (str(cache.directory()), cache_key)
    known = _LOADED.get(memo_key) if cache.enabled() else None
    if known is not None:
        return Catalog(list(known))
    cached = cache.read(cache_key, _cached_rule)
    if cached is not None:
        _remember(memo_key, cached)
        return Catalog(cached)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path, shown in files:
        rule = load_rule(path, shown)
        if rule.id in seen:
            raise RuleError(f"rule id {rule.id} is already defined in {seen[rule.id]}", file=shown, line=1, col=1)
        seen[rule.id] = shown
        rules.append(rule)
    rules.sort(key=lambda r: r.id)
    cache.write(cache_key, rules)
    if cache.enabled():
        _remember(memo_key, rules)
    return Catalog(rules)


_LOADED: dict[tuple[str, str], tuple[Rule, ...]] = {}
"""Catalogs this process has compiled or read, by cache folder and key (which covers every rule file's size, mtime
and inode): a process that loads the same rule files again (`rules test`, a test suite) skips the cache file."""


def _remember(key: tuple[str, str], rules: Sequence[Rule]) -> None:
    if len(_LOADED) >= 8:  # a few catalogs at a time: the memo must not grow with a long-lived caller
        _LOADED.clear()
    _LOADED[key] = tuple(rules)


def _cached_rule(**fields: Any) -> Rule:
    """A rule from its cache record, which holds references as [framework, control] pairs."""
    references = tuple(Reference(framework, control) for framework, control in fields.pop("references"))
    return Rule(**fields, references=references)


def load_rule(path: Path, display: str) -> Rule:
    text, data = yamlsafe.load_policy_file(path, display, RuleError)
    return _Reader(text, display).read(data, path)


class _Reader:
    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display

    def fail(self, message: str, *where: str | int, key: bool = False) -> RuleError:
        line, col = yamlsafe.locate(self.text, where, key=key)
        return RuleError(message, file=self.display, line=line, col=col)

    def text_field(self, data: dict[str, Any], name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{name} must be a non-empty string", name)
        return value.strip()

    def expression(self, data: dict[str, Any], name: str) -> Program | None:
        if name not in data:
            return None
        source = data[name]
        if isinstance(source, bool):
            source = "true" if source else "false"
        if not isinstance(source, str) or not source.strip():
            raise self.fail(f"{name} must be a CEL expression (a string)", name)
        try:
            return compile_expression(source)
        except CelError as e:
            line, col = yamlsafe.locate(self.text, (name,))
            if "\n" not in source.strip():
                col += e.column - 1
            message = f"{name}: CEL does not compile: {e.message}"
            raise RuleError(message, file=self.display, line=line, col=col) from None

    def read(self, data: Any, path: Path) -> Rule:
        if not isinstance(data, dict):
            raise self.fail("a rule file is a mapping with id, name, severity, category, summary, ...")
        for key in data:
            if key not in _REQUIRED and key not in _OPTIONAL and not key.startswith("x-"):
                raise self.fail(f"unknown key {key!r} in rule file", key, key=True)
        for key in _REQUIRED:
            if key not in data:
                raise self.fail(f"missing required key {key!r}")
        rule_id = self.text_field(data, "id")
        if not ID.match(rule_id):
            raise self.fail(f"id {rule_id!r} must be 2-8 capital letters and 3 digits, like SL301", "id")
        name = self.text_field(data, "name")
        if not NAME.match(name):
            raise self.fail(f"name {name!r} must be lower-case words joined by '-', like rto-within-tier", "name")
        if path.stem != f"{rule_id}-{name}":
            raise self.fail(f"file name must be {rule_id}-{name}.yaml to match the id and name", "id")
        try:
            severity = Severity.parse(str(data["severity"]))
        except ValueError as e:
            raise self.fail(str(e), "severity") from None
        category = self.text_field(data, "category")
        if category not in CATEGORIES:
            raise self.fail(f"category {category!r} must be one of {', '.join(CATEGORIES)}", "category")
        if rule_id.startswith("SL") and rule_id[2] != Category(category).digit:
            group = f"SL{rule_id[2]}xx"
            raise self.fail(f"{rule_id} is in the {group} group, which is not category {category!r}", "category")
        builtin = data.get("builtin", False)
        if not isinstance(builtin, bool):
            raise self.fail("builtin must be true or false", "builtin")
        check = self.expression(data, "assert")
        evidence = self.evidence(data, check is not None or builtin)
        if not builtin and check is None and not evidence:
            raise self.fail("missing required key 'assert' (the CEL condition a compliant manifest meets)")
        if builtin and (check is not None or "when" in data or "each" in data):
            raise self.fail("a builtin rule has no when, assert or each", "builtin")
        message = data.get("message", "")
        if not builtin and (not isinstance(message, str) or not message.strip()):
            raise self.fail("message must be a non-empty string (a template shown with each finding)", "message")
        if isinstance(message, str):
            from shiftleft.policy import messages

            problem = messages.check_template(message)
            if problem:
                raise self.fail(f"message: {problem}", "message")
        each = None
        if "each" in data:
            each_text = data["each"]
            if not isinstance(each_text, str) or not PATH.match(each_text) or "{index}" in each_text:
                raise self.fail("each must be a manifest path to a list, like spec.dependencies", "each")
            each = parse_path(each_text)
        location = data.get("location", "")
        if not isinstance(location, str) or (location and not PATH.match(location)):
            raise self.fail(
                "location must be a manifest path like spec.continuity.rto "
                "(inside each: spec.dependencies[{index}].service)",
                "location",
            )
        if "{index}" in location and each is None:
            raise self.fail("location uses {index} but the rule has no each", "location")
        return Rule(
            id=rule_id,
            name=name,
            severity=severity,
            category=category,
            summary=self.text_field(data, "summary"),
            rationale=self.text_field(data, "rationale"),
            remediation=self.text_field(data, "remediation"),
            file=self.display,
            message=message.strip() if isinstance(message, str) else "",
            location=location,
            when=self.expression(data, "when"),
            check=check,
            each=each,
            references=self.references(data.get("references", [])),
            examples=self.examples(data.get("examples", {})),
            examples_now=self.examples_now(data.get("examples", {})),
            examples_org=self.examples_org(data.get("examples", {})),
            builtin=builtin,
            evidence=evidence,
        )

    def evidence(self, data: dict[str, Any], has_assert: bool) -> dict[str, Any]:
        """An evidence rule's block: instead of `assert:`, with a `when:` (the claim) and a `location:`."""
        if "evidence" not in data:
            return {}
        from shiftleft.policy import evidencespec as spec

        if has_assert:
            raise self.fail("an evidence rule has no assert (and is not builtin): the scanners judge it", "evidence")
        if "when" not in data or not data.get("location") or "each" in data:
            raise self.fail("an evidence rule needs when (who makes the claim) and location (the claim), no each",
                            "evidence")  # fmt: skip
        return spec.validate(data["evidence"], self.fail)

    def references(self, refs: Any) -> tuple[Reference, ...]:
        if not isinstance(refs, list):
            raise self.fail("references must be a list of {framework, control}", "references")
        out = []
        for i, ref in enumerate(refs):
            if not isinstance(ref, dict) or set(ref) != {"framework", "control"}:
                raise self.fail("each reference is {framework: ..., control: ...}", "references", i)
            framework, control = ref["framework"], ref["control"]
            if framework not in FRAMEWORKS:
                raise self.fail(
                    f"unknown framework {framework!r}; known: {', '.join(FRAMEWORKS)}", "references", i, "framework"
                )
            if not isinstance(control, str | int | float) or isinstance(control, bool) or str(control) == "":
                raise self.fail('control must be a string such as CP-2 or "8.4"', "references", i, "control")
            out.append(Reference(framework, str(control)))
        return tuple(out)

    def examples(self, examples: Any) -> dict[str, str]:
        if not isinstance(examples, dict) or not set(examples) <= {"pass", "fail", "now", "org"}:
            raise self.fail("examples must be a mapping of pass, fail (manifest snippets), now and org", "examples")
        out = {}
        for key in ("pass", "fail"):
            if key in examples:
                if not isinstance(examples[key], str):
                    raise self.fail(f"examples.{key} must be a YAML snippet (use a | block)", "examples", key)
                out[key] = examples[key]
        return out

    def examples_now(self, examples: dict[str, Any]) -> str:
        value = examples.get("now", "")
        text = value.isoformat() if hasattr(value, "isoformat") else value
        if not isinstance(text, str) or (text and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)):
            raise self.fail("examples.now must be a date, YYYY-MM-DD", "examples", "now")
        return text

    def examples_org(self, examples: dict[str, Any]) -> dict[str, Any]:
        value = examples.get("org", {})
        if not isinstance(value, dict):
            raise self.fail("examples.org must be a mapping of organisation settings", "examples", "org")
        return value


@functools.lru_cache(maxsize=8192)
def parse_path(text: str, index: int | None = None) -> tuple[str | int, ...]:
    """`spec.dependencies[2].service` -> ("spec", "dependencies", 2, "service")."""
    if index is not None:
        text = text.replace("{index}", str(index))
    out: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


def shipped_folder() -> tuple[Path, str]:
    """The default catalog: packaged as shiftleft/_catalog, or rules/ in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_catalog"
    if packaged.is_dir():
        return packaged, "<shiftleft>/rules"
    return here.parent / "rules", "<shiftleft>/rules"
