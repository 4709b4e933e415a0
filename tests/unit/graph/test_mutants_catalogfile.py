"""Exported catalogs written and read back, exactly: what surviving mutants of catalogfile.py showed untested."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from shiftleft.errors import ConfigError
from shiftleft.graph.catalogfile import entries, export, load
from shiftleft.graph.nodes import Link, Node, Target

MIB_64 = 64 * 1024 * 1024


def test_export_writes_each_service_as_declared_in_name_order() -> None:
    raws: list[dict[str, Any]] = [
        {"metadata": {"name": "zeta", "owner": "team-z"},
         "spec": {"tier": 0, "availability": {"slo": 99.99}, "continuity": {"rto": "10m", "rpo": "1m"},
                  "dependencies": [{"service": "alpha"}, {"service": "beta", "hard": False, "fallback": "cache"},
                                   {"service": "gamma", "hard": True, "fallback": "none"}],
                  "suppliers": [{"name": "cloud", "sla": {"availability": 99.95, "rto": "1h"}},
                                {"name": "mail", "hard": False, "fallback": {"kind": "queue", "provides": "retry"},
                                 "sla": {}}]}},
        {"metadata": {"name": "alpha"}, "spec": {"tier": 3}},
        {},
    ]  # fmt: skip
    assert export(raws) == {
        "shiftleft_catalog": 1,
        "generated_by": "shiftleft",
        "services": [
            {"name": None, "tier": None, "dependencies": [], "suppliers": []},  # str(None) sorts as "None"
            {"name": "alpha", "tier": 3, "dependencies": [], "suppliers": []},
            {"name": "zeta", "tier": 0, "slo": 99.99, "rto": "10m", "rpo": "1m", "owner": "team-z",
             "dependencies": [{"service": "alpha", "hard": True, "fallback": False},
                              {"service": "beta", "hard": False, "fallback": True},
                              {"service": "gamma", "hard": True, "fallback": False}],
             "suppliers": [{"name": "cloud", "hard": True, "fallback": False,
                            "sla": {"availability": 99.95, "rto": "1h"}},
                           {"name": "mail", "hard": False, "fallback": True}]},
        ],
    }  # fmt: skip


def test_export_copies_an_sla_rather_than_sharing_it() -> None:
    sla = {"availability": 99.9}
    out = export([{"metadata": {"name": "a"}, "spec": {"suppliers": [{"name": "s", "sla": sla}]}}])
    written = out["services"][0]["suppliers"][0]["sla"]
    assert written == sla and written is not sla


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "c.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def error(path: Path) -> tuple[str, str | None, int, int]:
    with pytest.raises(ConfigError) as caught:
        load(path, "shown.json")
    return str(caught.value), caught.value.file, caught.value.line, caught.value.col


V1 = '{"shiftleft_catalog": 1, "services": '


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"\xff{}", "shown.json: catalog is not valid UTF-8"),
        ("[]", "shown.json: not a shiftleft catalog (no shiftleft_catalog version); "
               "write one with `shiftleft catalog export`"),
        ('{"services": []}', "shown.json: not a shiftleft catalog (no shiftleft_catalog version); "
                             "write one with `shiftleft catalog export`"),
        ('{"shiftleft_catalog": "1"}',
         "shown.json: catalog version '1' is not supported (this shiftleft reads version 1)"),
        ('{"shiftleft_catalog": 2, "services": []}',
         "shown.json: catalog version 2 is not supported (this shiftleft reads version 1)"),
        ('{"shiftleft_catalog": 1}', "shown.json: catalog: services must be a list"),
        (V1 + '{"name": "a"}}', "shown.json: catalog: services must be a list"),
        (V1 + '[{"name": "a"}, {"name": "b"}, {"name": "a"}]}',
         "shown.json: catalog: services[2]: service 'a' is listed twice"),
    ],
)  # fmt: skip
def test_a_bad_catalog_file_is_one_configuration_error_naming_the_file(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    assert error(write(tmp_path, text)) == (message, "shown.json", 0, 0)


def test_a_catalog_that_is_not_json_names_the_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "shiftleft_catalog": }\n')
    assert error(path) == ("shown.json:2:24: catalog is not JSON: Expecting value", "shown.json", 2, 24)


def test_a_catalog_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    assert error(tmp_path / "absent.json") == (
        "shown.json: cannot read catalog: No such file or directory", "shown.json", 0, 0)  # fmt: skip
    assert error(tmp_path) == ("shown.json: cannot read catalog: Is a directory", "shown.json", 0, 0)


def test_a_catalog_file_of_up_to_64_mib_is_read_and_a_larger_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    with open(path, "wb") as f:  # sparse: NUL bytes, valid UTF-8 and not JSON
        f.truncate(MIB_64)
    assert os.path.getsize(path) == MIB_64
    assert error(path)[0] == "shown.json:1:1: catalog is not JSON: Expecting value"
    os.truncate(path, MIB_64 + 1)
    assert error(path) == ("shown.json: catalog file is larger than 64 MiB", "shown.json", 0, 0)


def test_a_good_catalog_file_reads_as_imported_nodes(tmp_path: Path) -> None:
    path = write(tmp_path, V1 + '[{"name": "b", "tier": 0, "slo": "99.9%", "rto": "1h", "rpo": "5m", "owner": "t"},'
                                ' {"name": "a"}]}')  # fmt: skip
    assert load(path, "shown.json") == [
        Node("b", 0, Target(99.9, "99.9%"), Target(3600, "1h"), Target(300, "5m"), "t", local=False),
        Node("a", None, None, None, None, None, local=False),
    ]


def test_an_entry_reads_its_links_with_their_defaults() -> None:
    [node] = entries([{
        "name": "a-1", "tier": 2,
        "dependencies": [{"service": "b"}, {"service": "c", "hard": False, "fallback": True}],
        "suppliers": [{"name": "cloud", "hard": True, "fallback": "yes",
                       "sla": {"availability": 99.95, "rto": "2h", "rpo": "15m"}},
                      {"name": "mail"}],
    }])  # fmt: skip
    assert node == Node(
        "a-1", 2, None, None, None, None,
        (Link("b", True, False), Link("c", False, True)),
        (Link("cloud", True, True, Target(99.95, "99.95"), Target(7200, "2h"), Target(900, "15m")),
         Link("mail", True, False)),
        local=False,
    )  # fmt: skip
    assert node.valid and not node.promised
    assert [n.tier for n in entries([{"name": "z", "tier": 0}, {"name": "y", "tier": None}])] == [0, None]


NAME_63 = "a" + "-" * 61 + "b"


def test_a_service_name_is_an_rfc_1123_label() -> None:
    for name in ("a", "0", "a-b", NAME_63):
        assert entries([{"name": name}])[0].name == name
    for name in ("A", "-a", "a-", "a_b", NAME_63 + "c", "", "a\n"):
        with pytest.raises(ValueError) as caught:
            entries([{"name": name}])
        assert str(caught.value) == f"services[0].name must be a service name (RFC 1123 label), not {name!r}"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("a", "services[1] must be an object with name, tier, slo, rto, rpo, ..."),
        ({"name": "b", "zeta": 1, "beta": 2}, "services[1]: unknown key 'beta'"),
        ({"name": 5}, "services[1].name must be a service name (RFC 1123 label), not 5"),
        ({"tier": 1}, "services[1].name must be a service name (RFC 1123 label), not None"),
        ({"name": "b", "tier": "1"}, "services[1].tier must be a whole number, not '1'"),
        ({"name": "b", "tier": True}, "services[1].tier must be a whole number, not True"),
        ({"name": "b", "tier": -1}, "services[1].tier must be a whole number, not -1"),
        ({"name": "b", "tier": 1.0}, "services[1].tier must be a whole number, not 1.0"),
        ({"name": "b", "owner": 7}, "services[1].owner must be a string"),
        ({"name": "b", "slo": "high"},
         "services[1]: 'high' is not a percentage; write a number like 99.9 or a string like 5%"),
        ({"name": "b", "rto": "soon"}, "services[1]: 'soon' is not a duration; write a number and a unit ms, s, m, "
                                       "h, d or w (for example 4h or 1h30m)"),
        ({"name": "b", "rpo": "later"}, "services[1]: 'later' is not a duration; write a number and a unit ms, s, "
                                        "m, h, d or w (for example 4h or 1h30m)"),
        ({"name": "b", "dependencies": {}}, "services[1].dependencies must be a list"),
        ({"name": "b", "suppliers": "cloud"}, "services[1].suppliers must be a list"),
        ({"name": "b", "dependencies": [{"service": "c"}, {"name": "c"}]},
         "services[1].dependencies[1] must be an object with a 'service'"),
        ({"name": "b", "suppliers": [{"name": "c"}, "d"]}, "services[1].suppliers[1] must be an object with a 'name'"),
        ({"name": "b", "suppliers": [{"name": 3}]}, "services[1].suppliers[0] must be an object with a 'name'"),
        ({"name": "b", "dependencies": [{"service": "c", "hard": "yes"}]},
         "services[1].dependencies[0].hard must be true or false"),
        ({"name": "b", "suppliers": [{"name": "c", "sla": [99.9]}]}, "services[1].suppliers[0].sla must be an object"),
        ({"name": "b", "suppliers": [{"name": "c", "sla": {"availability": True}}]},
         "services[1].suppliers[0]: True is not a percentage"),
        ({"name": "b", "suppliers": [{"name": "c", "sla": {"rto": "x"}}]},
         "services[1].suppliers[0]: 'x' is not a duration; write a number and a unit ms, s, m, h, d or w "
         "(for example 4h or 1h30m)"),
        ({"name": "b", "suppliers": [{"name": "c", "sla": {"rpo": "y"}}]},
         "services[1].suppliers[0]: 'y' is not a duration; write a number and a unit ms, s, m, h, d or w "
         "(for example 4h or 1h30m)"),
    ],
)  # fmt: skip
def test_a_bad_entry_is_named_by_its_place(entry: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        entries([{"name": "a"}, entry])
    assert str(caught.value) == message
