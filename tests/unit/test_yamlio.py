"""YAML loading with positions, dates as strings, duplicate keys, and the cheap syntax check."""

from __future__ import annotations

import pytest

from tht_gen.yamlio import YamlSyntaxError, check_syntax, load_data, load_document

TEMPLATE = """\
heat_template_version: 2016-10-14
description: x
resources:
  Server:
    type: OS::Nova::Server
    properties:
      networks:
        - port: {get_resource: Port}
  Port:
    type: OS::Neutron::Port
"""


def test_dates_stay_strings_and_positions_resolve() -> None:
    doc = load_document(TEMPLATE)
    assert doc.data["heat_template_version"] == "2016-10-14"
    assert doc.locate(("resources", "Server")) == (4, 3)
    assert tuple(doc.locate(("resources", "Server", "properties", "networks", 0, "port"),
                            prefer="value")) == (8, 17)
    assert tuple(doc.locate(("resources", "Port", "type"), prefer="value")) == (10, 11)
    # a path that goes further than the document stops at the deepest node
    assert tuple(doc.locate(("resources", "Port", "properties", "x"))) == (9, 3)


def test_load_data_keeps_safe_load_types() -> None:
    assert str(load_data("v: 2016-10-14\n")["v"]) == "2016-10-14"
    assert type(load_data("v: 2016-10-14\n")["v"]).__name__ == "date"


def test_duplicate_keys_are_reported_last_wins() -> None:
    doc = load_document("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert doc.data == {"a": 3, "b": {"c": 2}}
    found = {(d.key, d.path, tuple(d.first), tuple(d.duplicate)) for d in doc.duplicates}
    assert found == {("c", ("b",), (3, 3), (4, 3)), ("a", (), (1, 1), (5, 1))}


def test_syntax_errors_have_positions() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load_document("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n", None),
        ("a: [1\n", "did not find expected ',' or ']'"),
        ("a: *x\n", "found undefined alias 'x'"),
        ("a: &x 1\nb: *x\n", None),
        ("a: !foo 1\n", "could not determine a constructor for the tag '!foo'"),
        ("a: !!str 1\n", None),
        ("a: 1\n---\nb: 2\n", "expected a single document"),
        ("---\na: 1\n", None),
        ("a: 'to *Servers and !this'\nb: $ != 1\nc: to *Servers\n", None),
        ("- *x\n", "found undefined alias 'x'"),
        ("a: [b, *x]\n", "found undefined alias 'x'"),
        ("key: value\n  bad indent: x\n", "mapping values are not allowed"),
    ],
)
def test_check_syntax(text: str, expected: str | None) -> None:
    error = check_syntax(text)
    if expected is None:
        assert error is None
    else:
        assert error is not None and expected in error.message
