"""Parameter value checks: worked examples (every answer is compared with Heat's in test_values_heat.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tht_gen.interface.values import check_value


@pytest.mark.parametrize(("definition", "value", "problem"), [
    ({"type": "number"}, "12", None),
    ({"type": "number"}, "twelve", '"twelve" is not a number'),
    ({"type": "number", "constraints": [{"range": {"min": 1, "max": 9}}]}, 12, "12 is above the maximum 9"),
    ({"type": "number", "constraints": [{"modulo": {"step": 2, "offset": 1}}]}, 4,
     "4 is not a multiple of 2 with an offset of 1"),
    ({"type": "boolean"}, "Yes", None),
    ({"type": "boolean"}, "maybe", '"maybe" is not a boolean (use true or false)'),
    ({"type": "comma_delimited_list"}, "a,b", None),
    ({"type": "comma_delimited_list"}, {"a": 1}, '{"a": 1} is not a list or a comma-separated string'),
    ({"type": "comma_delimited_list", "constraints": [{"allowed_values": ["a", "b"]}]}, ["a", "c"],
     '"c" is not an allowed value ["a", "b"]'),
    ({"type": "json"}, '{"a": 1}', None),
    ({"type": "json", "constraints": [{"length": {"max": 1}}]}, {"a": 1, "b": 2}, "length 2 is above the maximum 1"),
    ({"type": "string", "constraints": [{"allowed_pattern": "[a-z]+"}]}, "abc1", '"abc1" does not match the pattern '
                                                                                 "'[a-z]+'"),
    ({"type": "string", "constraints": [{"allowed_values": ["x"], "description": "Only x."}]}, "y",
     '"y" is not an allowed value ["x"] (Only x.)'),
    ({"type": "string", "constraints": [{"custom_constraint": "ip_addr"}]}, "10.0.0.300",
     '"10.0.0.300" is not an IP address'),
    ({"type": "string", "constraints": [{"custom_constraint": "net_cidr"}]}, "10.0.0.0/24", None),
    ({"type": "string", "constraints": [{"custom_constraint": "nova.flavor"}]}, "anything", None),
    ({"type": "string"}, ["a", "list"], None),  # Heat takes a string parameter's value as it is
])
def test_check_value(definition: dict[str, Any], value: Any, problem: str | None) -> None:
    assert check_value(value, definition) == problem


def test_json_text_must_be_json() -> None:
    found = check_value("{oops", {"type": "json"})
    assert found is not None and found.startswith('"{oops" is not JSON')


def test_definitions_that_are_not_mappings_or_types_are_not_checked() -> None:
    assert check_value(1, None) is None
    assert check_value(1, {"type": "integer"}) is None
