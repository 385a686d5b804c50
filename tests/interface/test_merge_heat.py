"""Our environment merge against Heat's own (``heat.common.environment_util.merge_environments``).

Heat's engine merges the environment files a client sends by name
(``environment_files``) into the stack's environment, with the parameter
schemata of every template of the request (``Template.all_param_schemata``).
Both are called here exactly as the engine calls them
(``heat.engine.service.EngineService._parse_template_and_validate_stack``),
on generated stacks of environment files; our merge must leave the same
environment, and fail where Heat fails.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tht_gen.heat.availability import quiet_dependencies
from tht_gen.interface.analysis import analyze
from tht_gen.interface.merge import EnvironmentInput, merge_environments
from tht_gen.yamlio import load_document

from .conftest import FIXTURES
from .heat_request import assert_heat_agrees
from .strategies import any_stack


def heat_merge(heat: SimpleNamespace, types: dict[str, str], texts: list[str]) -> dict[str, Any] | Exception:
    template = heat.template.Template({"heat_template_version": "2021-04-16",
                                       "parameters": {name: {"type": t} for name, t in types.items()}})
    files = {f"file:///envs/env{i}.yaml": text for i, text in enumerate(texts)}
    # What the API layer gives the engine when environment_files are sent (no inline environment).
    params: dict[str, Any] = {}
    heat.environment_format.default_for_missing(params)
    try:
        with quiet_dependencies():
            heat.environment_util.merge_environments(list(files), files, params, template.all_param_schemata(files))
    except Exception as exc:  # any rejection: ValueError, Heat's own exceptions, TypeError ...
        return exc
    return params


def ours(types: dict[str, str], texts: list[str]) -> Any:
    inputs = [EnvironmentInput(f"env{i}.yaml", load_document(text).data) for i, text in enumerate(texts)]
    return merge_environments(inputs, types)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_stack)
def test_merge_matches_heat(heat: SimpleNamespace, stack: tuple[dict[str, str], list[str]]) -> None:
    types, texts = stack
    expected = heat_merge(heat, types, texts)
    result = ours(types, texts)
    if isinstance(expected, Exception):
        assert result.problems, f"Heat rejects this stack ({expected!r}) but our merge accepts it"
    else:
        assert not result.problems, f"Heat accepts this stack but we report {result.problems}"
        assert result.environment == expected


def test_examples_heat_rejects(heat: SimpleNamespace) -> None:
    """Known rejections, each checked with Heat first so that the example keeps meaning something."""
    cases = [
        # a strategy named after the parameter was first set under another one
        ({"Alpha": "json"}, ["parameter_defaults: {Alpha: {k: 1}}\n",
                             "parameter_defaults: {Alpha: {l: 2}}\nparameter_merge_strategies: {Alpha: merge}\n"]),
        # booleans cannot be merged
        ({"Alpha": "boolean"}, ["parameter_merge_strategies: {default: merge}\nparameter_defaults: {Alpha: true}\n",
                                "parameter_defaults: {Alpha: false}\n"]),
        # event_sinks from two files
        ({"Alpha": "string"}, ["event_sinks: [{type: zaqar-queue, target: q}]\n",
                               "event_sinks: [{type: zaqar-queue, target: r}]\n"]),
    ]
    for types, texts in cases:
        assert isinstance(heat_merge(heat, types, texts), Exception)
        assert ours(types, texts).problems


def test_examples_heat_merges(heat: SimpleNamespace) -> None:
    types = {"Alpha": "json", "Beta": "comma_delimited_list", "Gamma": "string"}
    texts = [
        "parameter_merge_strategies: {Alpha: deep_merge, Beta: merge}\n"
        "parameter_defaults: {Alpha: {a: {x: 1}, l: [1]}, Beta: [one], Gamma: first, Zeta: kept}\n",
        "parameter_defaults: {Alpha: {a: {y: 2}, l: [2]}, Beta: [two], Gamma: second, Zeta: dropped}\n",
    ]
    expected = heat_merge(heat, types, texts)
    assert not isinstance(expected, Exception)
    assert expected["parameter_defaults"] == {"Alpha": {"a": {"x": 1, "y": 2}, "l": [1, 2]},
                                              "Beta": ["one", "two"], "Gamma": "second", "Zeta": "kept"}
    assert ours(types, texts).environment == expected


@pytest.mark.parametrize(("tree", "environments"), [
    # (site/site.yaml maps a type to a missing file: the client could not send it)
    (FIXTURES / "tree", ("environments/base.yaml", "environments/override.yaml", "environments/untitled.yaml")),
    (None, ("environments/network-isolation.yaml", "environments/network-environment.yaml",
            "environments/net-bond-with-vlans.yaml")),
], ids=["fixture", "library"])
def test_real_requests_merge_as_heat_merges_them(heat: SimpleNamespace, sdk: None, tree: Path | None,
                                                 environments: tuple[str, ...]) -> None:
    assert_heat_agrees(heat, analyze(tree, environments))
