"""Rules across the files of a tree: roles against the registry, parameters against each other."""

from __future__ import annotations

import fnmatch
import json
from collections import Counter
from collections.abc import Hashable, Iterator
from typing import Any, ClassVar

from ...diagnostics import Severity
from ...model.classify import FileKind
from ...model.hot import is_parameter_type
from .base import FileContext, Finding, TreeFacts, TreeRule, describe

SERVICE_PREFIX = "OS::TripleO::Services::"


def _registry_entries(ctx: FileContext) -> list[tuple[str, Any, tuple[Any, ...]]]:
    return [(e.key, e.target, e.path) for e in ctx.environment.registry if e.resource is None]


class RoleServiceUnregistered(TreeRule):
    """A role lists a service that no environment in the tree registers.

    Every entry of a role's ``ServicesDefault`` is a resource type
    (``OS::TripleO::Services::Ntp``) that the overcloud creates for that
    role; Heat fails with "Unknown resource Type" unless some environment's
    ``resource_registry`` maps it (to a template or to ``OS::Heat::None``).
    Every environment file in the linted tree counts, the rendered resource
    registry included.

    FAIL::

        # roles_data.yaml
        - name: Controller
          ServicesDefault:
            - OS::TripleO::Services::Ntpd    # registered as OS::TripleO::Services::Ntp
    """

    id = "T101"
    name = "role-service-unregistered"
    summary = "a role lists a service that no resource_registry in the tree maps"
    kinds = frozenset({FileKind.ROLES, FileKind.ENVIRONMENT})

    def collect(self, ctx: FileContext) -> Any:
        if ctx.kind is FileKind.ROLES:
            found = []
            for role in ctx.roles.roles:
                for service, path in role.service_items():
                    mark = ctx.doc.locate(path, prefer="value")
                    found.append((role.name, service, path, (mark.line, mark.column)))
            return ("roles", found)
        return ("env", [key for key, _, _ in _registry_entries(ctx)])

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        registered: set[str] = set()
        patterns: list[str] = []
        for kind, keys in tree.of(self).values():
            if kind == "env":
                for key in keys:
                    if "*" in key:
                        patterns.append(key)
                    else:
                        registered.add(key)
        if not registered and not patterns:
            return  # no registry in this tree (roles data linted on its own)
        for file, (kind, services) in sorted(tree.of(self).items()):
            if kind != "roles":
                continue
            for role, service, path, at in services:
                if service in registered or any(fnmatch.fnmatchcase(service, p) for p in patterns):
                    continue
                yield Finding(path, f"role {role}: service '{service}' is not in any "
                                    f"resource_registry of the tree", file=file, at=at)


def _parameter_facts(ctx: FileContext, field: str) -> list[tuple[str, Any, tuple[int, int]]]:
    """(name, the field's value, where the field is) for each parameter."""
    at = ctx.key_positions(("parameters",), field)
    out = []
    for param in ctx.template.parameters.values():
        if not param.is_mapping:
            continue
        value = param.type if field == "type" else param.default
        out.append((param.name, value, at.get(param.name, (1, 1))))
    return out


def _others(here: str, places: list[tuple[str, tuple[int, int], Any]], limit: int = 3) -> str:
    shown = [f"{file}:{at[0]} ({describe(value)})" for file, at, value in places if file != here]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" and {more} more" if more > 0 else "")


class _Mismatch(TreeRule):
    field: str

    kinds = frozenset({FileKind.HOT})

    def collect(self, ctx: FileContext) -> Any:
        return _parameter_facts(ctx, self.field) or None

    def _groups(self, tree: TreeFacts) -> dict[str, list[tuple[str, tuple[int, int], Any]]]:
        groups: dict[str, list[tuple[str, tuple[int, int], Any]]] = {}
        for file, params in tree.of(self).items():
            for name, value, at in params:
                groups.setdefault(name, []).append((file, at, value))
        return groups

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        ignored = tree.option(self, "ignore") or []
        for name, found in sorted(self._groups(tree).items()):
            if len(found) < 2 or any(fnmatch.fnmatchcase(name, p) for p in ignored):
                continue
            keyed = [(place, self._key(place[2])) for place in found]
            places = [place for place, key in keyed if key is not None]
            values = [key for _, key in keyed if key is not None]
            if len(set(values)) < 2:
                continue
            majority, _ = Counter(values).most_common(1)[0]
            for (file, at, value), key in zip(places, values, strict=False):
                if key == majority:
                    continue
                agree = [p for p, k in zip(places, values, strict=False) if k == majority]
                yield Finding(("parameters", name, self.field),
                              f"parameter '{name}' has {self.field} {describe(value)} here but "
                              f"{describe(agree[0][2])} in {_others(file, agree)}",
                              file=file, at=at)

    @staticmethod
    def _key(value: Any) -> Hashable | None:
        """What is compared (None: leave this declaration out): no default is not a default,
        and mappings compare by content, not key order."""
        if value is None:
            return None
        if isinstance(value, str):
            return ("str", value)  # most defaults: equal exactly when their JSON is
        return json.dumps(value, sort_keys=True, default=str)


class ParameterTypeMismatch(_Mismatch):
    """The same parameter is declared with different types in different templates.

    In a tree like TripleO's, one value (from ``parameter_defaults``) reaches
    every template that declares a parameter of that name: if one template
    reads it as a ``string`` and another as ``json``, one of them gets a
    value it does not expect. Each declaration that differs from the most
    common one is reported, with where the others are. Lower-case names
    (``server``, ``fixed_ips``...) are a nested template's own inputs,
    passed explicitly by its parent, and are not compared; option ``ignore``
    lists more name patterns to skip.

    FAIL::

        # services/a.yaml                    # services/b.yaml
        parameters:                          parameters:
          NtpServers: {type: string}           NtpServers: {type: comma_delimited_list}
    """

    id = "H601"
    name = "parameter-type-mismatch"
    summary = "a parameter is declared with different types in different templates"
    field = "type"
    options: ClassVar[dict[str, Any]] = {"ignore": ["[a-z]*"]}

    @staticmethod
    def _key(value: Any) -> str | None:
        # a missing or unknown type is H101's finding, not a mismatch
        return value if is_parameter_type(value) else None


class ParameterDefaultMismatch(_Mismatch):
    """The same parameter has different defaults in different templates.

    Which default applies then depends on which template reads it: a value
    a user did not set differs from one service to another. Each declaration
    that differs from the most common default is reported (a warning: some
    trees do this on purpose; option ``ignore`` lists name patterns to skip).

    FAIL::

        # services/a.yaml                    # services/b.yaml
        parameters:                          parameters:
          Debug: {type: boolean, default: false}   Debug: {type: boolean, default: true}
    """

    id = "H602"
    name = "parameter-default-mismatch"
    summary = "a parameter has different defaults in different templates"
    default_level = Severity.WARNING
    field = "default"
    options: ClassVar[dict[str, Any]] = {"ignore": ["[a-z]*"]}


class ParameterDefaultUndeclared(TreeRule):
    """An environment sets a ``parameter_defaults`` entry that no template in the tree declares.

    Heat ignores such an entry silently: most often a misspelt parameter
    name, or one a template no longer has. (A warning: the parameter may be
    declared by a template outside the linted tree.)

    FAIL::

        parameter_defaults:
          NtpServers: [pool.ntp.org]    # the templates declare NtpServer
    """

    id = "H603"
    name = "parameter-default-undeclared"
    summary = "parameter_defaults sets a parameter that no template in the tree declares"
    default_level = Severity.WARNING
    kinds = frozenset({FileKind.HOT, FileKind.ENVIRONMENT})

    def collect(self, ctx: FileContext) -> Any:
        if ctx.kind is FileKind.HOT:
            return ("hot", list(ctx.template.parameters))
        at = ctx.key_positions(("parameter_defaults",))
        return ("env", [(str(k), at.get(str(k), (1, 1)))
                        for k in ctx.environment.parameter_defaults])

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        declared: set[str] = set()
        templates = 0
        for kind, names in tree.of(self).values():
            if kind == "hot":
                templates += 1
                declared.update(names)
        if not templates:
            return
        for file, (kind, names) in sorted(tree.of(self).items()):
            if kind != "env":
                continue
            for name, at in names:
                if name not in declared:
                    yield Finding(("parameter_defaults", name),
                                  f"parameter_defaults: no template in the tree declares '{name}'",
                                  file=file, at=at)
