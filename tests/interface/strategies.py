"""Hypothesis strategies: parameter declarations and stacks of environment files.

Small name pools so that files collide on the same keys (the interesting
case), values of every parameter type and of the wrong type, merge
strategies valid and not, registry entries with globs, per-resource
mappings and nulls.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

TYPES = ("string", "number", "comma_delimited_list", "json", "boolean")
DECLARED = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon")
UNDECLARED = ("Zeta", "Eta")
REGISTRY_KEYS = ("OS::T::A", "OS::T::B", "OS::T::Sub::C", "OS::T::*", "OS::T::Sub::*")
REGISTRY_VALUES = ("a.yaml", "b.yaml", "sub/c.yaml", "OS::Heat::None", "OS::T::A", "OS::T::B",
                   "OS::Heat::*", "OS::T::*")
RESOURCE_NAMES = ("res1", "res2", "res*")

words = st.text(alphabet="abc,", max_size=4)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), words)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), words),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(("k", "l", "m")), inner, max_size=3)),
    max_leaves=6)


def value_for(type_name: str, clean: bool = False) -> st.SearchStrategy[Any]:
    """Values of the type, mostly; sometimes of another type, or JSON text. ``clean``: only the
    shapes Heat merges without failing (mappings, lists, strings), so that merges succeed."""
    if clean:
        return {
            "string": words,
            "number": st.sampled_from(("1", "2")),
            "comma_delimited_list": st.lists(words, min_size=1, max_size=3),
            "json": st.dictionaries(st.sampled_from(("k", "l", "m")), json_values, min_size=1, max_size=3),
            "boolean": st.booleans(),
        }[type_name]
    typed = {
        "string": words,
        "number": st.one_of(st.integers(-5, 5), st.sampled_from(("1", "2.5", "x"))),
        "comma_delimited_list": st.one_of(st.lists(words, max_size=3), words),
        "json": st.one_of(st.dictionaries(st.sampled_from(("k", "l", "m")), json_values, max_size=3),
                          st.lists(json_values, max_size=2),
                          st.sampled_from(('{"k": 1}', "[1]", "", "not json"))),
        "boolean": st.one_of(st.booleans(), st.sampled_from(("yes", "off", "maybe"))),
    }[type_name]
    return st.one_of(typed, typed, typed, json_values)


declarations = st.dictionaries(st.sampled_from(DECLARED), st.sampled_from(TYPES), min_size=1)


@st.composite
def parameter_section(draw: Any, types: dict[str, str], clean: bool) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from((*DECLARED, *UNDECLARED)), unique=True, max_size=4))
    return {name: draw(value_for(types.get(name, "json"), clean)) if draw(st.integers(0, 9)) else None
            for name in names}


strategy_names = st.sampled_from(("overwrite", "merge", "deep_merge", "merge", "deep_merge", "bogus"))


@st.composite
def registry_section(draw: Any) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(REGISTRY_KEYS), unique=True, max_size=4)):
        entries[key] = draw(st.one_of(st.sampled_from(REGISTRY_VALUES), st.none()))
    if draw(st.booleans()):
        entries["resources"] = {
            name: {key: draw(st.sampled_from(REGISTRY_VALUES))
                   for key in draw(st.lists(st.sampled_from(REGISTRY_KEYS[:3]), unique=True, max_size=2))}
            for name in draw(st.lists(st.sampled_from(RESOURCE_NAMES), unique=True, max_size=2))}
    return entries


@st.composite
def environment(draw: Any, types: dict[str, str], plan: dict[str, str], clean: bool) -> dict[str, Any]:
    """One file; its merge strategies mostly agree with the stack's ``plan`` (else Heat rejects
    the stack before merging anything)."""
    env: dict[str, Any] = {}
    sections = draw(st.lists(st.sampled_from(
        ("parameters", "parameter_defaults", "parameter_defaults", "parameter_merge_strategies",
         "parameter_merge_strategies", "resource_registry", "event_sinks")), unique=True, max_size=4))
    for section in sections:
        if section in ("parameters", "parameter_defaults"):
            env[section] = draw(parameter_section(types, clean))
        elif section == "parameter_merge_strategies":
            keys = draw(st.lists(st.sampled_from((*DECLARED, "default")), unique=True, min_size=1, max_size=3))
            env[section] = {k: plan[k] if k in plan and draw(st.integers(0, 9)) else draw(strategy_names)
                            for k in keys}
        elif section == "resource_registry":
            env[section] = draw(registry_section())
        else:
            env[section] = draw(st.lists(st.fixed_dictionaries(
                {"type": st.just("zaqar-queue"), "target": st.sampled_from(("q1", "q2"))}), max_size=1))
    return env


@st.composite
def stacks(draw: Any) -> tuple[dict[str, str], list[str]]:
    """(parameter declarations, environment files as YAML text)."""
    types = draw(declarations)
    plan = {name: draw(strategy_names) for name in (*DECLARED, "default")}
    clean = draw(st.booleans())
    envs = draw(st.lists(environment(types, plan, clean), min_size=1, max_size=5))
    return types, [yaml.safe_dump(env, sort_keys=False) for env in envs]


@st.composite
def merging_stacks(draw: Any) -> tuple[dict[str, str], list[str]]:
    """Stacks where merge strategies agree and values have mergeable shapes: the merges succeed
    and exercise merge and deep_merge rather than stopping at a rejection."""
    types = draw(declarations)
    plan = {name: draw(st.sampled_from(("overwrite", "merge", "deep_merge"))) for name in types}
    texts = []
    for _ in range(draw(st.integers(2, 4))):
        env: dict[str, Any] = {}
        if draw(st.booleans()):
            env["parameter_merge_strategies"] = plan
        section = draw(st.sampled_from(("parameter_defaults", "parameter_defaults", "parameters")))
        names = draw(st.lists(st.sampled_from(sorted(types)), unique=True, min_size=1))
        env[section] = {name: draw(value_for(types[name], clean=True)) for name in names}
        texts.append(yaml.safe_dump(env, sort_keys=False))
    return types, texts


any_stack = st.one_of(stacks(), merging_stacks())
