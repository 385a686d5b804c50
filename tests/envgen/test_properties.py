"""Properties of the generator: values survive the trip into YAML, and no description crashes the reader."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tht_gen.envgen.generate import _value_lines
from tht_gen.envgen.spec import parse_description

# Text that YAML likes to read as something else: booleans, nulls, numbers, dates, comments, keys.
_TRICKY = st.sampled_from(["yes", "No", "on", "null", "~", "1e3", "0x1F", "2020-01-01", "12:30", "- a",
                           "a: b", "# c", "'", '"', "{x}", "[1]", "!tag", "&a", "*a", "%", "@", "`", " ", "",
                           "a\nb", "trailing\n", "\n", "\tx", "é ☃", "a  # b"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(), _TRICKY)
_VALUES = st.recursive(_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), _TRICKY), children, max_size=4)),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(value=_VALUES.filter(lambda v: v is not None))
def test_every_value_reads_back_as_written(value: Any) -> None:
    text = "parameter_defaults:\n" + "\n".join(_value_lines("Name", value)) + "\n"
    assert yaml.safe_load(text) == {"parameter_defaults": {"Name": value}}


_DESCRIPTION_PARTS = st.fixed_dictionaries({}, optional={
    "file": st.one_of(_SCALARS, st.sampled_from(["environments/x.yaml", "../x.yaml", "/x.yaml", "x.j2.yaml"])),
    "title": _SCALARS, "description": _SCALARS, "purpose": _SCALARS,
    "resource_registry": _VALUES, "templates": _VALUES, "parameters": _VALUES, "required": _VALUES,
    "extra": _VALUES,
})


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(_VALUES, st.fixed_dictionaries({"environments": st.lists(
    st.one_of(_DESCRIPTION_PARTS, _VALUES), max_size=3)})))
def test_any_description_is_read_without_crashing(data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    result = parse_description(text, "d.yaml")
    # Every finding is located in the file; every environment read is complete.
    assert all(d.location.file == "d.yaml" and (d.location.line or 0) >= 1 for d in result.diagnostics)
    for spec in result.environments:
        assert spec.title and spec.description and spec.file.endswith(".yaml")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_read_without_crashing(text: str) -> None:
    result = parse_description(text, "d.yaml")
    assert result.environments == [] or result.diagnostics == [] or result.environments
