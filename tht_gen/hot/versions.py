"""HOT template versions, as Heat registers them (``heat.templates`` entry points).

Each version is a date; the releases from newton on also have an alias (the
OpenStack release name). A version lists the top-level sections a template
may have, the keys of a resource, output and parameter, and the intrinsic
functions it understands, in and out of the ``conditions`` section. Later
versions keep what earlier ones had unless Heat removed it (the CFN-style
``Fn::`` functions were removed in 2014-10-16, ``Fn::Select`` in 2015-10-15).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_BASE_SECTIONS = ("heat_template_version", "description", "parameter_groups", "parameters",
                  "resources", "outputs")
_BASE_RESOURCE_KEYS = ("type", "properties", "metadata", "depends_on", "deletion_policy",
                       "update_policy", "description")
_BASE_PARAMETER_KEYS = ("type", "description", "default", "schema", "constraints", "hidden",
                        "label", "immutable")
_BASE_CONSTRAINT_KEYS = ("description", "length", "range", "allowed_values", "allowed_pattern",
                         "custom_constraint")

# The CFN-style functions of 2013-05-23, removed (an error if used) from 2014-10-16.
_CFN_FUNCTIONS = ("Fn::GetAZs", "Ref", "Fn::Join", "Fn::Split", "Fn::Replace", "Fn::Base64",
                  "Fn::MemberListToMap", "Fn::ResourceFacade")


@dataclass(frozen=True)
class HotVersion:
    date: str
    alias: str | None
    sections: frozenset[str]
    functions: frozenset[str]
    # functions Heat still recognises in order to reject them ("not supported in this version")
    removed: frozenset[str]
    condition_functions: frozenset[str]
    resource_keys: frozenset[str]
    output_keys: frozenset[str]
    parameter_keys: frozenset[str]
    constraint_keys: frozenset[str]
    # 2021-04-16: ``if`` may omit its false value (the enclosing item is then left out)
    if_nullable: bool = False

    @property
    def name(self) -> str:
        return f"{self.date} ({self.alias})" if self.alias else self.date

    @property
    def has_conditions(self) -> bool:
        return "conditions" in self.sections


def _versions() -> tuple[HotVersion, ...]:
    out: list[HotVersion] = []
    sections = set(_BASE_SECTIONS)
    resource_keys = set(_BASE_RESOURCE_KEYS)
    output_keys = {"description", "value"}
    parameter_keys = set(_BASE_PARAMETER_KEYS)
    constraint_keys = set(_BASE_CONSTRAINT_KEYS)
    functions = {"get_param", "get_resource", "get_attr", "list_join", "str_replace",
                 "resource_facade", "get_file", "Fn::Select", *_CFN_FUNCTIONS}
    removed: set[str] = set()
    conditions: set[str] = set()
    if_nullable = False

    def add(date: str, alias: str | None = None) -> None:
        out.append(HotVersion(date, alias, frozenset(sections), frozenset(functions),
                              frozenset(removed), frozenset(conditions),
                              frozenset(resource_keys), frozenset(output_keys),
                              frozenset(parameter_keys), frozenset(constraint_keys), if_nullable))

    add("2013-05-23")
    functions.difference_update(_CFN_FUNCTIONS)
    removed.update(_CFN_FUNCTIONS)
    add("2014-10-16")
    functions.update({"repeat", "digest"})
    add("2015-04-30")
    functions.add("str_split")
    functions.discard("Fn::Select")
    removed.add("Fn::Select")
    add("2015-10-15")
    functions.add("map_merge")
    add("2016-04-08")
    functions.update({"yaql", "map_replace", "if"})
    sections.add("conditions")
    resource_keys.update({"external_id", "condition"})
    output_keys.add("condition")
    conditions.update({"get_param", "equals", "not", "and", "or"})
    add("2016-10-14", "newton")
    functions.update({"filter", "str_replace_strict"})
    constraint_keys.add("modulo")
    add("2017-02-24", "ocata")
    functions.update({"make_url", "list_concat", "list_concat_unique", "str_replace_vstrict",
                      "contains"})
    conditions.update({"yaql", "contains"})
    add("2017-09-01", "pike")
    parameter_keys.add("tags")
    add("2018-03-02", "queens")
    add("2018-08-31", "rocky")
    if_nullable = True
    add("2021-04-16", "wallaby")
    return tuple(out)


_ALL = _versions()
_BY_NAME = {v.date: v for v in _ALL} | {v.alias: v for v in _ALL if v.alias}


def all_versions() -> tuple[HotVersion, ...]:
    """Every HOT version Heat knows, oldest first."""
    return _ALL


def resolve_version(value: object) -> HotVersion | None:
    """The version a ``heat_template_version`` value names (a date or a release alias), or None."""
    if not isinstance(value, str):
        return None
    return _BY_NAME.get(value)


@cache
def function_introduced(name: str) -> HotVersion | None:
    """The first version in which ``name`` is a (non-removed) intrinsic function."""
    for version in _ALL:
        if name in version.functions:
            return version
    return None


@cache
def condition_function_introduced(name: str) -> HotVersion | None:
    for version in _ALL:
        if name in version.condition_functions:
            return version
    return None


def known_function_names() -> frozenset[str]:
    names: set[str] = set()
    for version in _ALL:
        names |= version.functions | version.condition_functions
    return frozenset(names)


def version_names() -> list[str]:
    return [v.date for v in _ALL] + [v.alias for v in _ALL if v.alias]
