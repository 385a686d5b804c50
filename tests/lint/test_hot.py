"""HOT version facts (heat.engine.hot.template, the ``heat.templates`` entry points)."""

from __future__ import annotations

import pytest

from tht_gen.hot import function_introduced, resolve_version
from tht_gen.hot.functions import argument_problems
from tht_gen.hot.versions import all_versions


def test_versions_and_aliases() -> None:
    dates = [v.date for v in all_versions()]
    assert dates == sorted(dates) and dates[0] == "2013-05-23" and dates[-1] == "2021-04-16"
    assert {v.alias: v.date for v in all_versions() if v.alias} == {
        "newton": "2016-10-14", "ocata": "2017-02-24", "pike": "2017-09-01",
        "queens": "2018-03-02", "rocky": "2018-08-31", "wallaby": "2021-04-16"}
    assert resolve_version("wallaby") is resolve_version("2021-04-16")
    assert resolve_version("2016-10-15") is None and resolve_version(20161014) is None


@pytest.mark.parametrize(("name", "date"), [
    ("get_param", "2013-05-23"), ("repeat", "2015-04-30"), ("str_split", "2015-10-15"),
    ("map_merge", "2016-04-08"), ("yaql", "2016-10-14"), ("if", "2016-10-14"),
    ("str_replace_strict", "2017-02-24"), ("filter", "2017-02-24"),
    ("list_concat", "2017-09-01"), ("contains", "2017-09-01"), ("make_url", "2017-09-01"),
])
def test_function_introduced(name: str, date: str) -> None:
    found = function_introduced(name)
    assert found is not None and found.date == date


def test_removed_and_condition_functions() -> None:
    old, juno, newton, pike = (resolve_version(v) for v in
                               ("2013-05-23", "2014-10-16", "newton", "pike"))
    assert old and juno and newton and pike
    assert "Fn::Join" in old.functions and "Fn::Join" in juno.removed
    assert "conditions" not in juno.sections and "conditions" in newton.sections
    assert newton.condition_functions == {"get_param", "equals", "not", "and", "or"}
    assert pike.condition_functions - newton.condition_functions == {"yaql", "contains"}


@pytest.mark.parametrize(("name", "args", "version", "problems"), [
    ("get_attr", ["Server"], "2015-04-30", 1),
    ("get_attr", ["Server"], "2015-10-15", 0),
    ("list_join", [",", ["a"], ["b"]], "2015-04-30", 1),
    ("list_join", [",", ["a"], ["b"]], "2015-10-15", 0),
    ("list_join", [",", {"get_param": "X"}], "wallaby", 0),
    ("if", ["c", "a"], "rocky", 1),
    ("if", ["c", "a"], "wallaby", 0),
    ("map_merge", [{"a": 1}, "b", None, {"get_attr": ["R", "x"]}], "wallaby", 1),
    ("map_replace", [{"a": 1}, {"keys": {}, "vals": {}}], "wallaby", 1),
    ("repeat", {"for_each": {"%x%": "notalist"}, "template": "%x%"}, "wallaby", 1),
    ("yaql", {"expression": "$.data", "extra": 1}, "wallaby", 1),
    ("equals", ["a"], "wallaby", 1),
    ("and", ["a"], "wallaby", 1),
    ("digest", ["sha257", "x"], "wallaby", 1),
    ("make_url", {"host": "h", "port": 70000}, "wallaby", 1),
    ("str_replace_vstrict", {"template": "a", "params": {"b": 1}}, "wallaby", 1),
    ("resource_facade", "metadata", "wallaby", 0),
    ("resource_facade", "properties", "wallaby", 1),
])
def test_argument_shapes(name: str, args: object, version: str, problems: int) -> None:
    hot = resolve_version(version)
    assert hot is not None
    assert len(argument_problems(name, args, hot)) == problems
