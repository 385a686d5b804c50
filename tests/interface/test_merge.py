"""The environment merge's provenance: who set each entry, whose values it replaced, what Heat dropped.

The merged values themselves are compared with Heat's in test_merge_heat.py;
here, what only we record, and the invariants that hold for any stack.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings

from tht_gen.interface.merge import EnvironmentInput, merge_environments
from tht_gen.yamlio import load_document

from .strategies import any_stack


def envs(*texts: str) -> list[EnvironmentInput]:
    out = []
    for i, text in enumerate(texts):
        document = load_document(text)

        def locate(path: tuple[str | int, ...], document: Any = document) -> tuple[int, int]:
            mark = document.locate(path)
            return mark.line, mark.column

        out.append(EnvironmentInput(f"e{i}.yaml", document.data, locate))
    return out


def test_override_chain_records_who_set_and_whom_it_replaced() -> None:
    result = merge_environments(envs(
        "parameter_defaults:\n  Ntp: [a]\n",
        "parameter_defaults:\n  Other: 1\n  Ntp: [b]\n",
        "parameter_defaults:\n  Ntp: [c]\n",
    ), {"Ntp": "comma_delimited_list", "Other": "number"})
    entry = result.entries["parameter_defaults"]["Ntp"]
    assert entry.value == ["c"]
    assert entry.set_by is not None
    assert (entry.set_by.file, entry.set_by.line, entry.set_by.column) == ("e2.yaml", 2, 3)
    assert [(s.file, s.line, s.value) for s in entry.replaced] == [("e0.yaml", 2, ["a"]), ("e1.yaml", 3, ["b"])]
    assert result.entries["parameter_defaults"]["Other"].replaced == []


def test_merge_strategy_lists_every_contributing_file() -> None:
    result = merge_environments(envs(
        "parameter_merge_strategies:\n  Map: merge\nparameter_defaults:\n  Map: {a: 1}\n",
        "parameter_defaults:\n  Map: {b: 2}\n",
        "parameter_defaults:\n  Map: {a: 3}\n",
    ), {"Map": "json"})
    entry = result.entries["parameter_defaults"]["Map"]
    assert entry.value == {"a": 3, "b": 2}
    assert entry.strategy == "merge"
    assert [s.file for s in entry.sources] == ["e0.yaml", "e1.yaml", "e2.yaml"]
    assert entry.replaced == []
    strategy, where = result.strategies["Map"]
    assert strategy == "merge" and where is not None and (where.file, where.line) == ("e0.yaml", 2)


def test_conflicting_strategy_is_a_problem_at_the_file_that_asks_for_it() -> None:
    result = merge_environments(envs(
        "parameter_defaults:\n  Map: {a: 1}\n",
        "parameter_merge_strategies:\n  Map: merge\nparameter_defaults:\n  Map: {b: 2}\n",
    ), {"Map": "json"})
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.file, problem.line) == ("e1.yaml", 2)
    assert "'merge' for Map conflicts with 'overwrite'" in problem.message


def test_undeclared_and_null_values_kept_from_the_first_file_only() -> None:
    result = merge_environments(envs(
        "parameter_defaults:\n  Typo: 1\n  Known: null\n",
        "parameter_defaults:\n  Typo: 2\n  Known: null\n",
    ), {"Known": "string"})
    # Heat takes the first file's section as written, then only declared, non-null values.
    assert result.environment["parameter_defaults"] == {"Typo": 1, "Known": None}
    assert {(d.key, d.setting.file) for d in result.dropped} == {("Typo", "e1.yaml"), ("Known", "e1.yaml")}
    entry = result.entries["parameter_defaults"]["Typo"]
    assert not entry.declared
    assert [s.file for s, _ in entry.ignored] == ["e1.yaml"]


def test_registry_merges_one_level_and_skips_nulls_after_the_first_file() -> None:
    result = merge_environments(envs(
        "resource_registry:\n  OS::A: a.yaml\n  resources:\n    r1: {OS::A: x.yaml}\n",
        "resource_registry:\n  OS::A: null\n  resources:\n    r2: {OS::A: y.yaml}\n",
    ), {})
    registry = result.environment["resource_registry"]
    assert registry == {"OS::A": "a.yaml", "resources": {"r2": {"OS::A": "y.yaml"}}}
    resources = result.entries["resource_registry"]["resources"]
    assert [s.file for s in resources.replaced] == ["e0.yaml"]
    assert [d.key for d in result.dropped] == ["OS::A"]


def test_event_sinks_from_two_files_are_rejected() -> None:
    result = merge_environments(envs(
        "event_sinks: [{type: zaqar-queue, target: q}]\n",
        "event_sinks: [{type: zaqar-queue, target: r}]\n",
    ), {})
    assert [p.file for p in result.problems] == ["e1.yaml"]


def test_unknown_or_empty_sections_are_rejected() -> None:
    assert merge_environments(envs("parameter_default:\n  A: 1\n"), {}).problems
    assert merge_environments(envs("parameters:\n"), {}).problems
    assert merge_environments(envs("- a list\n"), {}).problems
    assert merge_environments(envs(""), {}).ok


@settings(max_examples=200, deadline=None)
@given(any_stack)
def test_provenance_invariants(stack: tuple[dict[str, str], list[str]]) -> None:
    types, texts = stack
    inputs = envs(*texts)
    before = copy.deepcopy([e.data for e in inputs])
    result = merge_environments(inputs, types)
    assert [e.data for e in inputs] == before, "the merge changed its inputs"
    again = merge_environments(envs(*texts), types)
    assert again.environment == result.environment and again.problems == result.problems
    for section, entries in result.entries.items():
        for key, entry in entries.items():
            order = [s.index for s in entry.replaced] + [s.index for s in entry.sources]
            assert order == sorted(order), (section, key, order)
            if entry.strategy == "overwrite" and entry.set_by is not None and section != "event_sinks":
                # A replaced value is the last file's, exactly as written there.
                assert entry.value == entry.set_by.value
            if entry.set_by is not None and key:
                assert key in inputs[entry.set_by.index].data[section]
    if result.ok:
        for section in ("parameters", "parameter_defaults", "resource_registry"):
            assert set(result.environment[section]) == set(result.entries[section])
