"""The outcome of a run, as every formatter sees it."""

from __future__ import annotations

import datetime as dt
import marshal
import zlib
from collections import Counter
from collections.abc import ItemsView, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from shiftleft.findings import Finding, Severity, Waiver

if TYPE_CHECKING:
    from shiftleft.policy.catalog import Rule


class Packed(Mapping[str, Any]):
    """A manifest's reported sections, kept marshalled until a report reads them.

    A 10,000-service result holds every service's sections for the reports that
    show them; as plain dictionaries that was about 5 KB a service, marshalled
    and compressed about a sixth of it. Read-only: each read unpacks a fresh copy. Values
    marshal cannot hold (none come from YAML or the facts cache) are kept as given.

    Compressed with a preset dictionary, the first value of 256 bytes to 32 KiB this process packed
    (`_SAMPLE`): the manifests of one catalog share their keys and much of their wording, and a few
    hundred bytes compress about twice as well with a sample to refer to (4 MiB less at 10,000
    services, docs/decisions/0026-memory-at-10000-services.md). Each value keeps a reference to its
    dictionary, so one packed in a worker process (`shiftleft.parallel`) unpacks anywhere.

    `compress=False` keeps the marshalled bytes as they are: compressing costs about 25 us a
    manifest (zlib sets up its state on every call), a quarter of the pre-commit hook's work for
    each of 1,000 manifests outside its focus, which are rarely read and never reported.
    """

    __slots__ = ("_data", "_zdict")

    def __init__(self, value: Mapping[str, Any], *, compress: bool = True) -> None:
        plain = dict(value)
        self._zdict = b""
        try:
            packed = marshal.dumps(plain)
        except ValueError:
            self._data: bytes | dict[str, Any] = plain
            return
        if not compress:
            self._data = b"m" + packed
            return
        if not _SAMPLE and _SAMPLE_BYTES[0] <= len(packed) <= _SAMPLE_BYTES[1]:
            _SAMPLE.append(packed)
        if not _SAMPLE:
            self._data = b"z" + zlib.compress(packed, 1)
            return
        self._zdict = _SAMPLE[0]
        packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 8, zlib.Z_DEFAULT_STRATEGY, self._zdict)
        self._data = b"d" + packer.compress(packed) + packer.flush()

    @classmethod
    def marshalled(cls, data: bytes) -> Packed:
        """Uncompressed, from `marshal.dumps` of the sections: the facts cache's bytes (`shiftleft.factcache`),
        read only once its MAC said this user's shiftleft wrote them."""
        packed = cls.__new__(cls)
        packed._zdict = b""
        packed._data = b"m" + data
        return packed

    def unpack(self) -> dict[str, Any]:
        """The sections as plain dictionaries: a fresh copy (the values as given when they could not be packed)."""
        if isinstance(self._data, dict):
            return self._data
        # Only bytes this process marshalled from values in memory, or the facts cache's authenticated bytes.
        kind, data = self._data[:1], self._data[1:]
        if kind == b"d":
            unpacker = zlib.decompressobj(zlib.MAX_WBITS, self._zdict)
            data = unpacker.decompress(data) + unpacker.flush()
        elif kind == b"z":
            data = zlib.decompress(data)
        value: dict[str, Any] = marshal.loads(data)  # noqa: S302
        return value

    def __getitem__(self, key: str) -> Any:
        return self.unpack()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.unpack())

    def __len__(self) -> int:
        return len(self.unpack())

    def items(self) -> ItemsView[str, Any]:
        return self.unpack().items()

    def __repr__(self) -> str:
        return f"Packed({self.unpack()!r})"


_SAMPLE: list[bytes] = []
"""The preset dictionary of this process's compressed `Packed` values: the first value packed whose marshalled
size is within `_SAMPLE_BYTES` (deflate refers back at most 32 KiB)."""
_SAMPLE_BYTES = (256, 32_768)


class ServiceResult(NamedTuple):
    name: str
    file: str
    """Manifest path as displayed."""
    tier: int | None
    """Declared tier, None when the manifest could not be read."""
    valid: bool
    """False when the manifest had SL0xx problems and its rules were not evaluated."""
    findings: tuple[Finding, ...]
    raw: Mapping[str, Any] = MappingProxyType({})
    """The manifest as written (empty when it could not be read), for reports."""
    waivers_at: tuple[tuple[int, int], ...] | None = None
    """Line and column of each `spec.waivers` entry, found while the loader's node tree was at hand; () when the
    manifest declares none; None when not known (a service read from a result file, or evaluated only as a
    dependent of the focus): `governance.apply` then reads the manifest again to place its waivers."""


class PolicyChange(NamedTuple):
    """One edit of the policy between the base and the working tree (`check --base`)."""

    loosening: bool
    """True when the edit lets more through (listed first)."""
    text: str
    """What changed, e.g. `fail_on high -> critical`."""
    source: str = ""
    """The policy file it was read from."""


class Change(NamedTuple):
    """A finding that differs from a previous run (`report --compare`)."""

    kind: str
    """new, fixed, waived (accepted since) or expired (accepted before, failing again)."""
    rule: str
    service: str
    message: str
    frameworks: tuple[str, ...]
    """Frameworks the rule's controls belong to."""


class Comparison(NamedTuple):
    """What changed since a previous run's JSON report."""

    previous: str
    """The previous report, as named on the command line, and its date."""
    changes: tuple[Change, ...]

    def count(self, kind: str, service: str | None = None, framework: str | None = None) -> int:
        return sum(
            1 for c in self.changes
            if c.kind == kind and (service is None or c.service == service)
            and (framework is None or framework in c.frameworks)
        )  # fmt: skip


class RunResult(NamedTuple):
    services: tuple[ServiceResult, ...]
    findings: tuple[Finding, ...]
    """All findings, sorted by file, line, column and rule."""
    fail_on: Severity
    now: dt.datetime
    rules: int
    """Number of rules evaluated."""
    tiers: Mapping[int, Mapping[str, Any]] = MappingProxyType({})
    """The tier policy's rows as written (`max_rto: 1h`, ...), by tier number, for reports."""
    catalog: tuple[Rule, ...] = ()
    """The catalog's rules minus disabled ones (builtins included), for their docs in reports."""
    waivers: tuple[Waiver, ...] = ()
    """Every waiver declared (central file and inline), valid or not, for the waiver inventory."""
    policy_changes: tuple[PolicyChange, ...] = ()
    """With `check --base`: how the pull request edits the policy, loosenings first."""
    comparison: Comparison | None = None
    """With `report --compare`: what is new, fixed, waived and expired since a previous run."""
    claims: tuple[Any, ...] = ()
    """With evidence on: a `shiftleft.evidence.model.ClaimStatus` per claim evidence judged."""
    evidence: bool = False
    """Whether evidence ran (checkov and bandit judged the claims)."""
    shard: tuple[int, int] | None = None
    """`check --shard K/N`: (K, N), this run reports only shard K's services; None: every service."""
    unowned: tuple[Finding, ...] = ()
    """Findings of no service (service ""): deployables no manifest claims (SL822-SL824), sorted by file and
    line. They are also in `findings`; reports that group by service show them as a group of their own."""

    @property
    def failing(self) -> tuple[Finding, ...]:
        """Findings at or above the fail-on threshold that no waiver or baseline accepts."""
        return tuple(f for f in self.findings if f.blocks(self.fail_on))

    @property
    def waived(self) -> tuple[Finding, ...]:
        """Findings a waiver or the baseline accepts."""
        return tuple(f for f in self.findings if f.waiver is not None)

    @property
    def passed(self) -> bool:
        return not self.failing

    def counts(self) -> dict[Severity, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s: counter.get(s, 0) for s in Severity}
