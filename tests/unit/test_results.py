"""`results.Packed`: a manifest's sections kept marshalled, compressed or not, read back as written."""

from __future__ import annotations

import marshal
import zlib

import pytest

from shiftleft.results import Packed

SECTIONS = {"metadata": {"name": "billing", "owner": "team-a"}, "spec": {"tier": 1, "paths": {"code": ["src"]}}}


@pytest.mark.parametrize("compress", [True, False])
def test_packed_sections_read_back_as_written(compress: bool) -> None:
    packed = Packed(SECTIONS, compress=compress)
    assert packed.unpack() == SECTIONS and packed.unpack() is not packed.unpack()  # a fresh copy each time
    assert (dict(packed.items()), len(packed), packed["spec"]) == (SECTIONS, 2, SECTIONS["spec"])
    data = packed._data
    assert isinstance(data, bytes) and data[:1] == (b"z" if compress else b"m")
    assert marshal.loads(zlib.decompress(data[1:]) if compress else data[1:]) == SECTIONS  # noqa: S302  # our bytes


def test_values_marshal_cannot_hold_are_kept_as_given() -> None:
    odd = {"spec": {"when": object()}}
    assert Packed(odd).unpack() is not None and Packed(odd, compress=False).unpack()["spec"] is odd["spec"]
