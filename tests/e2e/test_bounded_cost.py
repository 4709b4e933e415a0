"""Cost caps: the message sandbox, the CEL cost estimate and the run-wide timeout (issue 9, item 5)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from shiftleft.policy import cel, celcost, messages
from tests.helpers import NOW, good_manifest, run_cli, write

CONTEXT = {"metadata": {"name": "victim"}, "spec": {"tier": 1, "regions": ["eu", "us"]}}


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
         "range() is longer than 1,000"),
        ("{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}",
         "the message's loops run more than 10,000 times"),
        ("{{ metadata.name * 200000000 }}", "a value of the message grows past 10,000 characters"),
        ("{% set a = metadata.name * 1000 %}{% set b = a ~ a %}{{ b ~ b }}",
         "a value of the message grows past 10,000 characters"),
        ("{{ metadata.name.ljust(100000000) }}", "a number argument of 100,000,000 is over the limit of 10,000"),
        ("{{ metadata.name | center(100000000) }}", "a number argument of 100,000,000 is over the limit of 10,000"),
        ("{{ (metadata.name * 100) | replace('v', metadata.name * 100) }}",
         "a value of the message grows past 10,000 characters"),
        ("{{ 9 ** 99999999 }}", "a power has more than 4,096 bits"),
        ("{{ '%100000000d' % 1 }}", "messages may not use printf-style % formatting"),
    ],
)  # fmt: skip
def test_message_caps(template: str, error: str) -> None:
    assert messages.check_template(template) is None
    with pytest.raises(messages.TooCostly) as caught:
        messages.render(template, CONTEXT)
    assert str(caught.value) == error


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{% macro m() %}x{% endmacro %}{{ m() }}", "messages may not use macros"),
        ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "messages may not use recursive loops"),
        ("{{ '{:>9}'.format(1) }}", "messages may not use str.format"),
        ("{{ '%s' | format(1) }}", "messages may not use the format filter"),
    ],
)
def test_message_constructs_refused_when_the_rule_loads(template: str, error: str) -> None:
    assert messages.check_template(template) == error


def test_messages_within_the_caps_render_as_before() -> None:
    template = "{% for r in spec.regions %}{{ r | upper }};{% endfor %} {{ metadata.name * 2 }} {{ spec.tier + 1 }}"
    assert messages.render(template, CONTEXT) == "EU;US; victimvictim 2"


def test_long_values_are_not_joined_in_full() -> None:
    text = messages.render("{{ spec.dependencies }}", {"spec": {"dependencies": [f"s{i}" for i in range(100_000)]}})
    assert len(text) == 2000
    assert text.startswith("s0, s1, s2, ")
    assert text.endswith("...")


def estimate(source: str, data: dict[str, object]) -> tuple[bool, float]:
    program = cel.compile_expression(source)
    return program.grows, celcost.Estimate(data).cost(celcost.parse(program.serialize()))


def test_programs_without_comprehension_or_plus_need_no_estimate() -> None:
    program = cel.compile_expression("spec.tier <= 2 && metadata.name != 'x'")
    assert not program.grows
    assert program.too_costly(celcost.Estimate({})) is None


def test_estimate_follows_the_input() -> None:
    small = {"spec": {"suppliers": [{"name": "a", "data_locations": ["eu"]}] * 3}}
    large = {"spec": {"suppliers": [{"name": "a" * 1000, "data_locations": ["eu"] * 100}] * 1000}}
    source = "spec.suppliers.all(s, s.data_locations.all(l, l in ['eu', 'us'] && s.name != ''))"
    grows, cost_small = estimate(source, small)
    assert grows
    _, cost_large = estimate(source, large)
    assert cost_small < 1_000
    assert cost_large > 100 * cost_small
    assert cost_large < celcost.LIMIT  # linear in the input: allowed


def test_quadratic_map_and_concatenation_are_refused() -> None:
    data = {"metadata": {"description": "x" * 100_000}, "spec": {"items": list(range(3000))}}
    program = cel.compile_expression("spec.items.map(i, i).size() > 0")
    assert program.too_costly(celcost.Estimate(data)) == (
        "its estimated cost on this manifest (72,042,016) is over the limit of 20,000,000 "
        "(comprehensions or concatenation over large values)"
    )
    concat = cel.compile_expression("[1, 2, 3].map(i, metadata.description + metadata.description).size() > 0")
    assert concat.too_costly(celcost.Estimate(data)) is None  # 600 kB in all
    nested = cel.compile_expression(
        "spec.items.map(i, [1, 2].map(j, metadata.description + metadata.description)).size() > 0"
    )
    assert nested.too_costly(celcost.Estimate(data)) is not None


def test_timeout_stops_the_run_and_fails_closed(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "svc/shiftleft.yaml", good_manifest("checkout"))
    from shiftleft.manifest import model

    real = model.load

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(60)  # interrupted by the timeout
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model, "load", slow)
    run = run_cli(["check", "--now", NOW, "--timeout", "5"], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.out == ""
    assert run.err == (
        "shiftleft: error: timeout: the run took longer than 5 s and was stopped while checking svc/shiftleft.yaml; "
        "no report was written (raise --timeout or `timeout` in configuration)\n"
    )


def test_timeout_must_be_a_number(tmp_path: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--timeout", "soon"], capsys, monkeypatch, tmp_path)
    assert run.code == 2
    assert run.err == (
        "shiftleft: error: argument --timeout: 'soon' is not a number of seconds (see `shiftleft check --help`)\n"
    )


def test_a_refused_message_construct_is_a_configuration_error_naming_the_rule(tmp_path: Path, capsys,
                                                                              monkeypatch) -> None:  # fmt: skip
    from tests.e2e.test_cost_attacks import attack

    repo = attack(tmp_path, "jinja-repeat")
    rule = repo / "org-rules" / "ACME901-jinja-repeat.yaml"
    text = rule.read_text(encoding="utf-8").replace(
        "message: '{{ metadata.name * 200000000 }}'", "message: '{% macro m() %}x{% endmacro %}{{ m() }}'"
    )
    rule.write_text(text, encoding="utf-8")
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err == "shiftleft: error: org-rules/ACME901-jinja-repeat.yaml:10:10: message: messages may not use macros\n"
