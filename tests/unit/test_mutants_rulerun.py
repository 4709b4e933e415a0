"""The rule runner's surviving mutants (docs/mutation.md): exact findings through `engine.evaluate`.

A group whose batch fails is judged rule by rule; an `each:` group over many items is judged a chunk of
items at a time, or item by item when a rule reads `index`, within the cost bounds of DESIGN.md section 10.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from shiftleft.engine import evaluate
from shiftleft.policy import cel, celcost
from tests.unit.test_engine import MANIFEST, _catalog, _load, _settings, _tiers, rule
from tests.unit.test_mutants_engine import other


def _findings(tmp_path: Path, text: str, *rules: tuple[str, str]) -> list[tuple[str, str, str, str]]:
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], _catalog(tmp_path, *rules), _tiers(), _settings())
    return [(f.rule, str(f.location), f.location.path, f.message) for f in result.findings]


def test_when_the_batch_fails_each_rule_is_judged_on_its_own(tmp_path: Path) -> None:
    """ACME101's error fails the group's one program; every other rule still gets its own answer."""
    at_rto = "location: spec.continuity.rto\n"
    found = _findings(
        tmp_path,
        MANIFEST,
        rule("fails", "assert: spec.security.internet_facing\nmessage: x"),
        other("ACME102", "when-fails", "when: spec.nope == 1\nassert: 'false'\n" + at_rto + "message: x"),
        other("ACME103", "when-false", "when: spec.tier == 4\nassert: 'false'\nmessage: x"),
        other("ACME104", "when-not-bool", "when: spec.tier\nassert: 'false'\nmessage: x"),
        other("ACME105", "not-bool", "when: spec.tier == 1\nassert: spec.continuity.rto\n" + at_rto + "message: x"),
        other("ACME106", "is-false", "assert: spec.tier == 2\n" + at_rto + "message: 'tier {{ spec.tier }}'"),
        other("ACME107", "is-true", "assert: spec.tier == 1\nmessage: x"),
        other("ACME108", "false-unless", "assert: spec.tier == 2\nmessage: 'plain'"),
    )
    assert found == [
        ("ACME101", "svc/shiftleft.yaml:1:1", "", 'ACME101 could not be evaluated: Key not found in map : "security"'),
        ("ACME108", "svc/shiftleft.yaml:1:1", "", "plain"),
        ("ACME102", "svc/shiftleft.yaml:9:10", "spec.continuity.rto",
         'ACME102 could not be evaluated (when): Key not found in map : "nope"'),
        ("ACME105", "svc/shiftleft.yaml:9:10", "spec.continuity.rto",
         "ACME105 assert must be true or false, not '7200s'"),
        ("ACME106", "svc/shiftleft.yaml:9:10", "spec.continuity.rto", "tier 1"),
    ]  # fmt: skip


DEPENDENCY = "    - {service: dep-%d, hard: false, fallback: %s}\n"


def _many(count: int, fallback: str = "cached", odd: dict[int, str] | None = None) -> str:
    lines = "".join(DEPENDENCY % (i, (odd or {}).get(i, fallback)) for i in range(count))
    return MANIFEST.split("  dependencies:\n")[0] + "  dependencies:\n" + lines


@pytest.mark.parametrize("count", [5, 70, 130])
def test_every_item_of_a_long_list_is_judged_in_chunks(tmp_path: Path, count: int) -> None:
    """Items 1 and the last two fail; the others pass, whichever chunk of 64 they are in."""
    bad = {1: "none", count - 2: "none", count - 1: "TBD"}
    found = _findings(
        tmp_path,
        _many(count, odd=bad),
        rule("fallback", "each: spec.dependencies\nassert: item.fallback == 'cached'\nmessage: '{{ item.fallback }}'"),
    )
    assert found == [
        ("ACME101", f"svc/shiftleft.yaml:{11 + i}:7", f"spec.dependencies[{i}]", bad[i]) for i in sorted(bad)
    ]


def test_an_item_that_fails_to_evaluate_is_found_item_by_item(tmp_path: Path) -> None:
    text = _many(70).replace("{service: dep-66, hard: false, fallback: cached}", "{service: dep-66, hard: false}")
    found = _findings(
        tmp_path,
        text,
        rule("fallback", "each: spec.dependencies\nassert: item.fallback == 'cached'\nmessage: x"),
        other("ACME102", "named", "each: spec.dependencies\nassert: item.service != 'dep-3'\nmessage: '{{ item }}'"),
    )
    assert found == [
        ("ACME102", "svc/shiftleft.yaml:14:7", "spec.dependencies[3]",
         "{'service': 'dep-3', 'hard': False, 'fallback': 'cached'}"),
        ("ACME101", "svc/shiftleft.yaml:77:7", "spec.dependencies[66]",
         "ACME101 could not be evaluated: Key not found in map : \"fallback\""),
    ]  # fmt: skip


INDEXED = "each: spec.dependencies\nassert: index >= 0 && has(spec.continuity.rto)\nmessage: x"


def _refused(tmp_path: Path, count: int, body: str = INDEXED) -> list[tuple[str, str, str, str]]:
    return _findings(tmp_path, _many(count), rule("per-item", body))


def test_a_group_read_item_by_item_is_refused_over_the_limit_in_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that reads `index` is judged once per item, each time with the sections its group reads (the
    RTO, the tier, the organisation's settings): over the limit for all items together, it is refused."""
    monkeypatch.setattr(celcost, "LIMIT", 1)
    assert _refused(tmp_path, 16) == []  # a few items: never refused
    (finding,) = _refused(tmp_path, 17)
    m = re.fullmatch(
        r"ACME101 could not be evaluated: its rules read ([0-9,]+) bytes of the manifest and graph facts for each "
        r"of the 17 items of spec\.dependencies, over the limit of 1 in all",
        finding[3],
    )
    assert m is not None, finding
    assert finding[:3] == ("ACME101", "svc/shiftleft.yaml:10:3", "spec.dependencies")
    per_item = int(m.group(1).replace(",", ""))
    assert 1_000 < per_item < 5_000  # the sections it reads (the tier row is most of it), not the 17 dependencies
    monkeypatch.setattr(celcost, "LIMIT", 17 * per_item)
    assert _refused(tmp_path, 17) == []  # exactly at the limit
    monkeypatch.setattr(celcost, "LIMIT", 17 * per_item - 1)
    assert [f[3].split(":")[0] for f in _refused(tmp_path, 17)] == ["ACME101 could not be evaluated"]
    # Judged item by item, each item with its own index.
    at_two = "each: spec.dependencies\nassert: index != 2\nmessage: 'item {{ index }}'"
    assert _findings(tmp_path / "at-two", _many(3), rule("at-two", at_two)) == [
        ("ACME101", "svc/shiftleft.yaml:13:7", "spec.dependencies[2]", "item 2")
    ]
    # Reading the whole spec reads every dependency for every item.
    (whole,) = _refused(tmp_path, 17, INDEXED.replace("has(spec.continuity.rto)", "size(spec) > 0"))
    assert int(whole[3].split(" read ")[1].split(" ")[0].replace(",", "")) > per_item + 17 * 40


def test_a_group_judged_a_chunk_at_a_time_is_not_refused_for_what_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without `index`, the group is one evaluation per chunk of items: the per-item bound does not apply."""
    monkeypatch.setattr(celcost, "LIMIT", 1)
    body = "each: spec.dependencies\nassert: has(spec.continuity.rto) && item.fallback != 'x'\nmessage: x"
    assert _refused(tmp_path, 17, body) == []
    # Two rules, one program: the second fails on item 16 only.
    second = other("ACME102", "last", "each: spec.dependencies\nassert: item.service != 'dep-16'\nmessage: last")
    assert _findings(tmp_path / "two", _many(17), rule("first", body), second) == [
        ("ACME102", "svc/shiftleft.yaml:27:7", "spec.dependencies[16]", "last")
    ]


def test_a_message_over_the_template_caps_is_the_rules_evaluation_error_at_its_location(tmp_path: Path) -> None:
    """One batch for the four rules: the first holds, the others are judged each on its own result."""
    found = _findings(
        tmp_path,
        MANIFEST,
        rule("holds", "assert: spec.tier == 1\nmessage: x"),
        other("ACME102", "long", "assert: 'false'\nlocation: metadata.name\nmessage: '{{ metadata.name * 200000 }}'"),
        other("ACME103", "short", "assert: 'false'\nlocation: spec.tier\nmessage: '{{ metadata.name * 2 }}'"),
        other("ACME104", "not-bool", "assert: spec.continuity.rto\nlocation: spec.continuity\nmessage: x"),
    )
    assert found == [
        ("ACME102", "svc/shiftleft.yaml:4:9", "metadata.name",
         "ACME102 could not be evaluated (message): a value of the message grows past 10,000 characters"),
        ("ACME103", "svc/shiftleft.yaml:7:9", "spec.tier", "checkoutcheckout"),
        ("ACME104", "svc/shiftleft.yaml:8:3", "spec.continuity", "ACME104 assert must be true or false, not '7200s'"),
    ]  # fmt: skip


COSTLY = "each: spec.dependencies\nassert: size(item.fallback + metadata.description) > 0\nmessage: x"
OVER = re.compile(
    r"ACME101 could not be evaluated: its estimated cost on this manifest \(([0-9,]+)\) is over the limit of "
    r"([0-9,]+) \(comprehensions or concatenation over large values\)"
)


def _costs(tmp_path: Path, fallbacks: list[str], description: str = "short") -> list[tuple[str, str, int]]:
    """(location, path, estimated cost) of each refused item."""
    text = MANIFEST.split("  dependencies:\n")[0] + "  dependencies:\n"
    text = text.replace("metadata:\n", f"metadata:\n  description: {description}\n")
    text += "".join(DEPENDENCY % (i, f) for i, f in enumerate(fallbacks))
    out = []
    for finding in _findings(tmp_path, text, rule("concat", COSTLY)):
        m = OVER.fullmatch(finding[3])
        assert m is not None and finding[0] == "ACME101", finding
        out.append((finding[1], finding[2], int(m.group(1).replace(",", ""))))
    return out


def test_a_costly_each_rule_is_estimated_once_for_all_its_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`item` may be any of the items, and the rule runs once per item: the estimate is the largest item's
    cost times the number of items, and over the limit every item is that rule's evaluation error."""
    monkeypatch.setattr(celcost, "LIMIT", 1)
    long, short = "x" * 1000, "short"
    ((_, _, one_long),) = _costs(tmp_path, [long])
    ((_, _, one_short),) = _costs(tmp_path, [short])
    ((_, _, long_description),) = _costs(tmp_path, [short], long)
    assert one_long > one_short + 900  # the cost follows the item's size
    assert long_description > one_short + 900  # and the size of the sections it reads
    three = _costs(tmp_path, [short, long, short])
    assert three == [(f"svc/shiftleft.yaml:{12 + i}:7", f"spec.dependencies[{i}]", 3 * one_long) for i in range(3)]
    monkeypatch.setattr(celcost, "LIMIT", 3 * one_long)
    assert _costs(tmp_path, [short, long, short]) == []  # at the limit: evaluated, and it holds
    monkeypatch.setattr(celcost, "LIMIT", 3 * one_long - 1)
    assert len(_costs(tmp_path, [short, long, short])) == 3


def test_a_costly_rule_is_refused_alone_and_the_rest_of_its_group_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(celcost, "LIMIT", 1)
    found = _findings(
        tmp_path,
        MANIFEST,
        rule("twice", "assert: size(spec.continuity.rto + spec.continuity.rto) > 100\nlocation: spec.continuity.rto\n"
             "message: x"),
        other("ACME102", "fails", "assert: spec.tier == 2\nlocation: spec.tier\nmessage: 'tier {{ spec.tier }}'"),
        other("ACME103", "holds", "assert: spec.tier == 1\nmessage: x"),
        other("ACME104", "when-false", "when: spec.tier == 2\nassert: 'false'\nmessage: x"),
    )  # fmt: skip
    assert [f[:3] for f in found] == [
        ("ACME102", "svc/shiftleft.yaml:7:9", "spec.tier"),
        ("ACME101", "svc/shiftleft.yaml:9:10", "spec.continuity.rto"),
    ]
    assert found[0][3] == "tier 1"
    over = OVER.fullmatch(found[1][3])
    assert over is not None and over.group(2) == "1", found[1]
    # Under the limit the same rule runs, and fails on its own: "7200s7200s" is 10 characters.
    monkeypatch.setattr(celcost, "LIMIT", 10**9)
    twice = "assert: size(spec.continuity.rto + spec.continuity.rto) > 100\nmessage: short"
    assert _findings(tmp_path / "alone", MANIFEST, rule("twice", twice)) == [
        ("ACME101", "svc/shiftleft.yaml:1:1", "", "short")
    ]


def test_a_rule_refused_for_its_cost_is_never_evaluated_not_even_in_its_groups_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group's batch holds every rule's expression: run despite a refusal, it would evaluate the costly one
    (with cel-map's expression that is a `std::bad_alloc`, tests/e2e/test_cost_attacks.py)."""
    monkeypatch.setattr(celcost, "LIMIT", 1)
    ran: list[str] = []
    run = cel.Program.run

    def spy(self: cel.Program, activation: Any) -> tuple[Any, str | None]:
        ran.append(self.source)
        return run(self, activation)

    monkeypatch.setattr(cel.Program, "run", spy)
    found = _findings(
        tmp_path,
        MANIFEST,
        rule("twice", "assert: size(spec.continuity.rto + spec.continuity.rto) > 100\nmessage: x"),
        other("ACME102", "fails", "assert: spec.tier == 2\nmessage: tier"),
    )
    assert [(f[0], f[3].split(":")[0]) for f in found] == [
        ("ACME101", "ACME101 could not be evaluated"),
        ("ACME102", "tier"),
    ]
    assert ran == ["spec.tier == 2"]


def test_every_group_of_a_manifest_is_judged_whatever_the_groups_before_it_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups in catalog order: one without `each`, one over an absent list, one refused for what it reads per
    item, then one more; outside `each:`, `item` is null and `index` 0."""
    monkeypatch.setattr(celcost, "LIMIT", 1)
    text = _many(17).replace("  tier: 1\n", "  tier: 1\n  availability: {regions: [eu-west1, us-east1]}\n")
    found = _findings(
        tmp_path,
        text,
        rule(
            "plain",
            "assert: index == 0 && item == null && spec.tier == 2\nmessage: 'tier {{ spec.tier }} {{ tier.name }}'",
        ),
        other("ACME102", "absent", "each: spec.suppliers\nassert: 'false'\nmessage: never"),
        other("ACME103", "per-item", INDEXED),
        other(
            "ACME104", "regions", "each: spec.availability.regions\nassert: item != 'us-east1'\nmessage: '{{ item }}'"
        ),
        other("ACME105", "outside", "assert: index == 0 && item == null\nmessage: 'index {{ index }}'"),
    )
    assert [f[:3] for f in found] == [
        ("ACME101", "svc/shiftleft.yaml:1:1", ""),
        ("ACME104", "svc/shiftleft.yaml:8:38", "spec.availability.regions[1]"),
        ("ACME103", "svc/shiftleft.yaml:11:3", "spec.dependencies"),
    ]
    assert [found[0][3], found[1][3], found[2][3].split(":")[0]] == [
        "tier 1 mission-critical", "us-east1", "ACME103 could not be evaluated"
    ]  # fmt: skip


def test_messages_of_each_items_show_the_values_as_written(tmp_path: Path) -> None:
    promised = "{service: dep-1, hard: false, fallback: queued, promise: {tier: 3, rto: 4h}}"
    text = _many(3).replace("{service: dep-1, hard: false, fallback: cached}", promised)
    body = "assert: '!has(item.promise)'\nmessage: '{{ item.service }} promised {{ item.promise.rto }}'"
    for name, each in [
        ("whole", "each: spec.dependencies\n"),
        ("per-item", "each: spec.dependencies\nwhen: index >= 0\n"),
    ]:
        assert _findings(tmp_path / name, text, rule(name, each + body)) == [
            ("ACME101", "svc/shiftleft.yaml:12:7", "spec.dependencies[1]", "dep-1 promised 4h")
        ], name


def test_a_costly_rule_outside_each_is_estimated_for_one_evaluation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same expression costs as much once outside `each:` as over a list of one item."""
    monkeypatch.setattr(celcost, "LIMIT", 1)
    concat = "assert: size(metadata.description + metadata.description) > 0\nmessage: x"
    text = _many(1).replace("metadata:\n", "metadata:\n  description: a description of some length\n")
    found = _findings(
        tmp_path, text, rule("once", concat), other("ACME102", "per-item", "each: spec.dependencies\n" + concat)
    )
    cost = re.compile(r"ACME10[12] could not be evaluated: its estimated cost on this manifest \(([0-9,]+)\) is over")
    costs = {rule_id: cost.match(message).group(1) for rule_id, _, _, message in found}  # type: ignore[union-attr]
    assert [f[:3] for f in found] == [
        ("ACME101", "svc/shiftleft.yaml:1:1", ""),
        ("ACME102", "svc/shiftleft.yaml:12:7", "spec.dependencies[0]"),
    ]
    assert costs["ACME101"] == costs["ACME102"]
