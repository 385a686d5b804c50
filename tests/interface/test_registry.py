"""Resource registry lookups, worked examples of Heat's rules (all checked against Heat itself in
test_registry_heat.py when Heat is installed)."""

from __future__ import annotations

from typing import Any

from tht_gen.interface.registry import Registry


def registry(section: dict[str, Any]) -> Registry:
    return Registry.from_environment(section, lambda path: f"env-of-{path[0]}")


def test_exact_entry_and_map_chains() -> None:
    reg = registry({"OS::TripleO::A": "OS::TripleO::B", "OS::TripleO::B": "b.yaml"})
    found = reg.lookup("OS::TripleO::A", "r")
    assert found.template == "b.yaml"
    assert found.registry_path == ("OS::TripleO::B",)
    assert found.chain == ("OS::TripleO::A", "OS::TripleO::B")
    assert found.origin == "env-of-OS::TripleO::B"


def test_per_resource_entry_wins_for_that_resource_only() -> None:
    reg = registry({"OS::TripleO::A": "a.yaml", "resources": {"special": {"OS::TripleO::A": "s.yaml"}}})
    assert reg.lookup("OS::TripleO::A", "special").template == "s.yaml"
    assert reg.lookup("OS::TripleO::A", "other").template == "a.yaml"


def test_a_glob_that_sorts_first_wins_over_the_exact_entry() -> None:
    # Heat sorts candidates of the same depth by path: '*' sorts before letters.
    reg = registry({"OS::TripleO::Foo": "foo.yaml", "OS::TripleO::*": "OS::Heat::None"})
    found = reg.lookup("OS::TripleO::Foo", "r")
    assert found.template is None and found.type_name == "OS::Heat::None"


def test_glob_mapping_to_a_glob_substitutes_the_rest() -> None:
    reg = registry({"OS::TripleO::Net::*": "OS::TripleO::Noop::*", "OS::TripleO::Noop::Port": "noop.yaml"})
    assert reg.lookup("OS::TripleO::Net::Port", None).template == "noop.yaml"


def test_unmapped_types_are_heats_unless_tripleos() -> None:
    reg = registry({})
    assert not reg.lookup("OS::Heat::ResourceGroup").unknown
    assert reg.lookup("OS::TripleO::Missing").unknown


def test_a_failed_chain_falls_through_to_the_next_candidate() -> None:
    reg = registry({"OS::TripleO::*": "OS::TripleO::Nowhere", "OS::TripleO::Foo": "foo.yaml"})
    assert reg.lookup("OS::TripleO::Foo").template == "foo.yaml"


def test_cycles_are_reported() -> None:
    reg = registry({"OS::TripleO::A": "OS::TripleO::B", "OS::TripleO::B": "OS::TripleO::A"})
    found = reg.lookup("OS::TripleO::A")
    assert found.problem is not None and "cycle" in found.problem


def test_null_glob_unregisters_what_came_before_it() -> None:
    reg = registry({"OS::TripleO::A": "a.yaml", "OS::TripleO::*": None, "OS::TripleO::B": "b.yaml"})
    assert reg.lookup("OS::TripleO::A").unknown
    assert reg.lookup("OS::TripleO::B").template == "b.yaml"


def test_nested_stack_loses_its_own_entry_and_narrows_resources() -> None:
    reg = registry({"OS::TripleO::A": "a.yaml",
                    "resources": {"outer": {"inner": {"OS::TripleO::B": "deep.yaml"}}, "other": {}}})
    found = reg.lookup("OS::TripleO::A", "outer")
    child = reg.child("outer", found.registry_path)
    # Inside a.yaml, OS::TripleO::A is no longer mapped (a template may use the type it implements).
    assert child.lookup("OS::TripleO::A").unknown
    assert child.lookup("OS::TripleO::B", "inner").template == "deep.yaml"
    assert child.lookup("OS::TripleO::B", "elsewhere").unknown
    assert reg.child("other", None).lookup("OS::TripleO::B", "inner").unknown
