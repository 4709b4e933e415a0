"""`results.Packed`: a manifest's sections kept marshalled, compressed or not, read back as written."""

from __future__ import annotations

import marshal
import pickle
import zlib

import pytest

from shiftleft import results
from shiftleft.results import Packed

SECTIONS = {"metadata": {"name": "billing", "owner": "team-a"}, "spec": {"tier": 1, "paths": {"code": ["src"]}}}


@pytest.fixture(autouse=True)
def _no_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a fresh process does: no preset dictionary yet."""
    monkeypatch.setattr(results, "_SAMPLE", [])


def _manifest(n: int) -> dict[str, object]:
    """Sections as a generated catalog has them: the same keys and much of the same wording in every service."""
    return {
        "metadata": {"name": f"svc-{n:05}", "owner": f"team-{n % 7}", "description": f"Service {n} of the catalog"},
        "spec": {
            "tier": 1 + n % 3, "lifecycle": "production", "continuity": {"rto": "4h", "rpo": "1h"},
            "availability": {"slo": 99.9, "window": "30d"}, "data": {"classification": "internal"},
            "dependencies": [{"service": f"svc-{(n + k) % 50:05}", "hard": k == 0, "fallback": "cache"} for k in (1, 2)],
        },
    }  # fmt: skip


@pytest.mark.parametrize("compress", [True, False])
def test_packed_sections_read_back_as_written(compress: bool) -> None:
    packed = Packed(SECTIONS, compress=compress)
    assert packed.unpack() == SECTIONS and packed.unpack() is not packed.unpack()  # a fresh copy each time
    assert (dict(packed.items()), len(packed), packed["spec"]) == (SECTIONS, 2, SECTIONS["spec"])
    data = packed._data
    assert isinstance(data, bytes) and data[:1] == (b"z" if compress else b"m")  # too small to be the dictionary
    assert marshal.loads(zlib.decompress(data[1:]) if compress else data[1:]) == SECTIONS  # noqa: S302  # our bytes


def test_values_marshal_cannot_hold_are_kept_as_given() -> None:
    odd = {"spec": {"when": object()}}
    assert Packed(odd).unpack() is not None and Packed(odd, compress=False).unpack()["spec"] is odd["spec"]


def test_the_first_sizeable_value_is_the_dictionary_of_the_next_ones_which_pack_smaller() -> None:
    """Decision 0026: a catalog's manifests look alike; with the first as a preset dictionary the next pack in
    about half the bytes of plain zlib (a regression to plain zlib costs 4 MiB at 10,000 services)."""
    first, second = _manifest(1), _manifest(2)
    a, b = Packed(first), Packed(second)
    assert [marshal.loads(v) for v in results._SAMPLE] == [first]  # noqa: S302  # the first of 256 bytes or more
    assert (a._data[:1], b._data[:1]) == (b"d", b"d") and a._zdict is b._zdict is results._SAMPLE[0]
    plain = len(zlib.compress(marshal.dumps(second), 1))
    assert isinstance(b._data, bytes) and len(b._data) < 0.7 * plain
    assert (a.unpack(), b.unpack()) == (first, second)


def test_a_value_packed_in_a_worker_unpacks_in_the_parent_with_its_own_dictionary() -> None:
    Packed(_manifest(1))
    sent = pickle.dumps(Packed(_manifest(2)), pickle.HIGHEST_PROTOCOL)
    results._SAMPLE[:] = [marshal.dumps(_manifest(40))]  # the parent packed another manifest first
    received = pickle.loads(sent)  # noqa: S301  # our own bytes
    assert received.unpack() == _manifest(2) and marshal.loads(received._zdict) == _manifest(1)  # noqa: S302


def test_a_large_first_value_is_not_the_dictionary() -> None:
    huge = {"spec": {"description": "x" * 40_000}}
    assert Packed(huge)._data[:1] == b"z" and results._SAMPLE == []
    assert Packed(_manifest(3))._data[:1] == b"d" and Packed(huge).unpack() == huge
