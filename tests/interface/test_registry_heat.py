"""Our resource registry lookups against Heat's own ``ResourceRegistry`` (``heat.engine.environment``).

For generated registries (exact entries, globs, type-to-type maps, per-resource
entries, nulls), every (type, resource name) lookup must give the template Heat
gives, or the same built-in type, or fail where Heat fails; and so must the
lookups of the nested stack a template resource creates
(``get_child_environment``).
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings

from tht_gen.heat.availability import quiet_dependencies
from tht_gen.interface.registry import Registry, Resolution

from .strategies import registry_section

QUERIES = ("OS::T::A", "OS::T::B", "OS::T::Sub::C", "OS::T::Sub::D", "OS::T::Other", "OS::Heat::None",
           "x.yaml")
NAMES = ("res1", "res2", "other")


def heat_answer(heat: SimpleNamespace, env: Any, type_name: str, name: str) -> tuple[str, Any, Any]:
    """("template", value, info) | ("type", name, info) | ("none", None, None) | ("error", exc, None)."""
    try:
        with quiet_dependencies():
            info = env.get_resource_info(type_name, name)
    except heat.exception.EntityNotFound:
        return ("none", None, None)
    except RecursionError as exc:
        return ("error", exc, None)
    if isinstance(info, heat.environment.TemplateResourceInfo):
        return ("template", info.value, info)
    return ("type", info.name, info)


def our_answer(found: Resolution) -> tuple[str, Any]:
    if found.problem is not None:
        return ("error", None)
    if found.template is not None:
        return ("template", found.template)
    if found.unknown:
        return ("none", None)
    return ("type", found.type_name)


def registry_of(heat: SimpleNamespace, section: dict[str, Any]) -> Registry:
    known = heat.known_types
    return Registry.from_environment(copy.deepcopy(section), lambda _p: None, builtin=lambda t: t in known)


def compare(heat: SimpleNamespace, make_env: Any, registry: Registry, depth: int) -> None:
    for type_name in QUERIES:
        for name in NAMES:
            # A fresh environment per lookup: Heat caches some answers in the registry it
            # searched (a per-resource map becomes the type's map), so lookups would depend
            # on the order they are made in.
            env = make_env()
            theirs = heat_answer(heat, env, type_name, name)
            found = registry.lookup(type_name, name)
            mine = our_answer(found)
            if theirs[0] == "error":
                assert mine[0] == "error", (type_name, name, theirs, found)
                continue
            assert mine == theirs[:2], (type_name, name, theirs, found)
            if theirs[0] == "template" and depth < 1:
                def make_child(parent: Any = env, info: Any = theirs[2], name: str = name) -> Any:
                    with quiet_dependencies():
                        return heat.environment.get_child_environment(
                            parent, None, item_to_remove=info, child_resource_name=name)
                compare(heat, make_child, registry.child(name, found.registry_path), depth + 1)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registry_section())
def test_lookups_match_heat(heat: SimpleNamespace, section: dict[str, Any]) -> None:
    def make_env() -> Any:
        with quiet_dependencies():
            return heat.environment.Environment({"resource_registry": copy.deepcopy(section)})

    compare(heat, make_env, registry_of(heat, section), 0)
