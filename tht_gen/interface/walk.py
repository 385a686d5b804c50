"""The nested template tree of a deployment, walked the way Heat builds its stacks.

Two views of "the templates of a stack":

* :func:`walk_deployment`: the stacks Heat would create. From the root
  template, every resource whose type is a template file or is mapped to one
  by the registry (:mod:`.registry`) is a nested stack, and so is every
  member of a ``OS::Heat::ResourceGroup``, ``ResourceChain`` or
  ``AutoScalingGroup``. A chain's member types are often a parameter's value
  (a role's services list), so parameter values are followed through the
  nesting: a property the parent passes, else ``parameter_defaults``, else
  the template's default (``parameters`` at the root). What each template
  declares, and which properties each parent passes, is recorded.
* :func:`client_files`: the files a client puts in the request's ``files``
  map (the root template's references, every registry target of every
  environment, recursively), in the client's order. Heat's environment merge
  knows a parameter when one of these declares it (``all_param_schemata``).

Pure reads through :class:`.tree.TemplateTree`; nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..model.hot import HotTemplate
from .registry import Registry, RegistryPath, Resolution, is_template_type
from .tree import Loaded, TemplateTree

GROUP_TYPES = ("OS::Heat::ResourceGroup", "OS::Heat::ResourceChain", "OS::Heat::AutoScalingGroup")
# A deployment with more nested stacks than this is cut short (with a diagnostic).
MAX_INSTANCES = 50_000
_UNKNOWN = object()  # a value known only when the stack is created (get_attr ...)


@dataclass(frozen=True)
class Declaration:
    """A parameter as one template declares it."""

    name: str
    file: str  # absolute path of the template
    definition: Any
    line: int
    column: int
    group: str | None  # the label of the template's parameter_groups entry that lists it


@dataclass(frozen=True)
class Instantiation:
    """A parent template's resource that creates a stack from a template, and what it passes."""

    parent: str  # absolute path of the parent template
    resource: str  # the resource's name ("Chain[2]" for a chain member)
    child: str
    passed: frozenset[str] | None  # property names given; None when they cannot be known


@dataclass
class DeploymentWalk:
    root: str
    templates: dict[str, HotTemplate] = field(default_factory=dict)  # path -> template, in walk order
    declarations: dict[str, list[Declaration]] = field(default_factory=dict)  # name -> declarations
    instantiations: dict[str, set[Instantiation]] = field(default_factory=dict)  # child path -> uses
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stacks: int = 0  # nested stack instances visited (roles make one template many stacks)

    def declared_by(self, name: str) -> list[Declaration]:
        return self.declarations.get(name, [])

    def passed_by_parent(self, declaration: Declaration) -> bool:
        """Whether every stack made from the declaring template gets this parameter from its parent."""
        uses = self.instantiations.get(declaration.file)
        if not uses:
            return False
        return all(use.passed is not None and declaration.name in use.passed for use in uses)


@dataclass
class _Stack:
    file: str
    template: HotTemplate
    registry: Registry
    parent: _Stack | None
    bindings: Mapping[str, Any]  # property name -> expression, evaluated in ``parent``


class _Walker:
    def __init__(self, tree: TemplateTree, registry: Registry, parameters: Mapping[str, Any],
                 parameter_defaults: Mapping[str, Any]) -> None:
        self.tree = tree
        self.root_registry = registry
        self.parameters = parameters
        self.parameter_defaults = parameter_defaults
        self.seen: set[tuple[str, str, str]] = set()
        self.reported: set[tuple[str, ...]] = set()
        self.result: DeploymentWalk

    # -- values -------------------------------------------------------------------------

    def param_value(self, stack: _Stack, name: str, depth: int = 0) -> Any:
        if stack.parent is None:
            value = self.parameters.get(name)
            if value is None:
                value = self.parameter_defaults.get(name)
        elif name in stack.bindings:
            return self.evaluate(stack.bindings[name], stack.parent, depth + 1)
        else:
            value = self.parameter_defaults.get(name)
        if value is None:
            declared = stack.template.parameters.get(name)
            value = declared.default if declared is not None else None
        if value is None:
            return _UNKNOWN
        kind = stack.template.parameters[name].type if name in stack.template.parameters else None
        if kind == "comma_delimited_list" and isinstance(value, str):
            return value.split(",") if value else []
        return value

    def evaluate(self, expr: Any, stack: _Stack, depth: int = 0) -> Any:
        """``expr`` as written in ``stack``'s template: literals and get_param are followed."""
        if depth > 64:
            return _UNKNOWN
        if isinstance(expr, dict) and len(expr) == 1 and "get_param" in expr:
            arg = expr["get_param"]
            path = arg if isinstance(arg, list) else [arg]
            if not path or not isinstance(path[0], str):
                return _UNKNOWN
            value = self.param_value(stack, path[0], depth)
            for key in path[1:]:
                found = (isinstance(value, dict) and isinstance(key, str) and key in value) or \
                    (isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value))
                if not found:
                    return _UNKNOWN
                value = value[key]
            return value
        if stack.template.is_function(expr):
            return _UNKNOWN
        if isinstance(expr, dict):
            out = {}
            for key, item in expr.items():
                value = self.evaluate(item, stack, depth + 1)
                if value is _UNKNOWN:
                    return _UNKNOWN
                out[key] = value
            return out
        if isinstance(expr, list):
            items = [self.evaluate(item, stack, depth + 1) for item in expr]
            return _UNKNOWN if any(i is _UNKNOWN for i in items) else items
        return expr

    # -- the walk -------------------------------------------------------------------------

    def walk(self, root: str) -> DeploymentWalk:
        self.result = DeploymentWalk(root)
        loaded = self.tree.load(root)
        template = self._template(loaded, root, None)
        if template is None:
            return self.result
        pending = [_Stack(root, template, self.root_registry, None, {})]
        while pending:
            stack = pending.pop()
            if self.result.stacks >= MAX_INSTANCES:
                self._report(("limit",), Location(self.tree.display(root)), Severity.WARNING,
                             f"more than {MAX_INSTANCES} nested stacks: the walk stopped there")
                break
            key = (stack.file, stack.registry.key(), self._bindings_key(stack))
            if key in self.seen:
                continue
            self.seen.add(key)
            self.result.stacks += 1
            children = list(self._children(stack))
            pending.extend(reversed(children))
        return self.result

    def _bindings_key(self, stack: _Stack) -> str:
        values = {}
        for name, expr in stack.bindings.items():
            if stack.parent is not None:
                value = self.evaluate(expr, stack.parent)
                values[name] = None if value is _UNKNOWN else value
        return json.dumps(values, sort_keys=True, default=str)

    def _template(self, loaded: Loaded | None, path: str, where: tuple[Location, str] | None) -> HotTemplate | None:
        if loaded is None:
            if where is not None:
                location, text = where
                self._report(("missing", path, str(location)), location, Severity.WARNING,
                             f"{text} {self.tree.display(path)}, which does not exist")
            return None
        if loaded.error is not None:
            self._report(("parse", path), loaded.error.location, Severity.ERROR,
                         f"cannot be parsed: {loaded.error.message}")
            return None
        if not loaded.is_template:
            return None
        known = self.result.templates.get(path)
        if known is not None:
            return known
        template = HotTemplate(loaded.data)
        self.result.templates[path] = template
        self._declare(path, loaded, template)
        return template

    def _declare(self, path: str, loaded: Loaded, template: HotTemplate) -> None:
        assert loaded.document is not None
        marks = loaded.document.key_marks(("parameters",))
        groups: dict[str, str] = {}
        section = template.data.get("parameter_groups")
        for group in section if isinstance(section, list) else []:
            if isinstance(group, dict) and isinstance(group.get("parameters"), list):
                label = group.get("label")
                for name in group["parameters"]:
                    if isinstance(name, str) and isinstance(label, str):
                        groups.setdefault(name, label)
        for name, parameter in template.parameters.items():
            mark = marks.get(name)
            self.result.declarations.setdefault(name, []).append(Declaration(
                name, path, parameter.definition, mark.line if mark else 1, mark.column if mark else 1,
                groups.get(name)))

    def _children(self, stack: _Stack) -> Iterator[_Stack]:
        for name, resource in stack.template.resources.items():
            type_name = resource.type
            if not isinstance(type_name, str):
                continue
            properties = resource.properties
            resolution = stack.registry.lookup(type_name, name)
            if resolution.problem:
                self._report(("registry", resolution.problem), self._at(stack, (*resource.path, "type")),
                             Severity.WARNING, resolution.problem)
                continue
            if resolution.unknown:
                self._unknown(stack, type_name, name, (*resource.path, "type"))
                continue
            if resolution.template is not None:
                child = self._child(stack, stack.registry, name, name, resolution, properties,
                                    (*resource.path, "type"))
                if child is not None:
                    yield child
                continue
            if resolution.type_name in GROUP_TYPES and isinstance(properties, dict):
                yield from self._members(stack, name, resource.path, resolution.type_name, properties)

    def _members(self, stack: _Stack, name: str, path: tuple[Any, ...], group_type: str,
                 properties: dict[str, Any]) -> Iterator[_Stack]:
        # The group's own nested stack sees the registry narrowed to the group's name.
        registry = stack.registry.child(name, None)
        members: list[tuple[str, Any, Any, tuple[Any, ...]]] = []
        if group_type == "OS::Heat::ResourceChain":
            types = self.evaluate(properties.get("resources"), stack)
            if types is _UNKNOWN or not isinstance(types, list):
                self._report(("chain", stack.file, name), self._at(stack, (*path, "properties", "resources")),
                             Severity.INFO, f"the member types of resource chain {name} are not known "
                                            "before the stack is created: its members are not walked")
                return
            for index, member in enumerate(types):
                members.append((str(index), member, properties.get("resource_properties"),
                                (*path, "properties", "resources")))
        else:
            key = "resource_def" if group_type == "OS::Heat::ResourceGroup" else "resource"
            definition = properties.get(key)
            if not isinstance(definition, dict):
                return
            members.append(("0", self.evaluate(definition.get("type"), stack), definition.get("properties"),
                            (*path, "properties", key, "type")))
        for member_name, member_type, member_properties, at in members:
            if not isinstance(member_type, str):
                continue
            resolution = registry.lookup(member_type, member_name)
            if resolution.unknown:
                self._unknown(stack, member_type, f"{name}[{member_name}]", at)
            if resolution.template is None:
                continue
            label = f"{name}[{member_name}]"
            child = self._child(stack, registry, member_name, label, resolution, member_properties, at)
            if child is not None:
                yield child

    def _child(self, stack: _Stack, registry: Registry, resource_name: str, label: str,
               resolution: Resolution, properties: Any, at: tuple[Any, ...]) -> _Stack | None:
        assert resolution.template is not None
        origin = resolution.origin or stack.file
        path = self.tree.resolve(origin, resolution.template)
        if path is None:
            return None  # a URL: not ours to read
        if resolution.origin is not None:
            where = (self._registry_location(resolution), f"{resolution.chain[-1]} is mapped to")
        else:
            where = (self._at(stack, at), f"resource {label} is a template,")
        template = self._template(self.tree.load(path), path, where)
        if template is None:
            return None
        passed = frozenset(str(k) for k in properties) if isinstance(properties, dict) else (
            frozenset() if properties is None else None)
        self.result.instantiations.setdefault(path, set()).add(Instantiation(stack.file, label, path, passed))
        return _Stack(path, template, registry.child(resource_name, resolution.registry_path), stack,
                      properties if isinstance(properties, dict) else {})

    def _unknown(self, stack: _Stack, type_name: str, label: str, at: tuple[Any, ...]) -> None:
        self._report(("unknown", stack.file, type_name), self._at(stack, at), Severity.WARNING,
                     f"resource {label} has type {type_name}, which the resource registry does not map "
                     "(Heat rejects an unknown type)")

    # -- locations --------------------------------------------------------------------------

    def _at(self, stack: _Stack, path: tuple[Any, ...]) -> Location:
        loaded = self.tree.load(stack.file)
        line, column = (loaded.document.locate(path, prefer="value")
                        if loaded is not None and loaded.document is not None else (1, 1))
        return Location(self.tree.display(stack.file), line, column)

    def _registry_location(self, resolution: Resolution) -> Location:
        origin = resolution.origin
        assert origin is not None
        loaded = self.tree.load(origin)
        path: RegistryPath = resolution.registry_path or ()
        if loaded is not None and loaded.document is not None and path:
            line, column = loaded.document.locate(("resource_registry", *path), prefer="value")
            return Location(self.tree.display(origin), line, column)
        return Location(self.tree.display(origin))

    def _report(self, key: tuple[str, ...], location: Location, severity: Severity, message: str) -> None:
        if key in self.reported:
            return
        self.reported.add(key)
        self.result.diagnostics.append(Diagnostic(location, "H710", severity, message))


def walk_deployment(tree: TemplateTree, root: str, registry: Registry, parameters: Mapping[str, Any],
                    parameter_defaults: Mapping[str, Any]) -> DeploymentWalk:
    """Every template the stacks of ``root`` are made of, given a merged environment."""
    return _Walker(tree, registry, parameters, parameter_defaults).walk(root)


# -- the client's files map -------------------------------------------------------------------


def client_files(tree: TemplateTree, root: str, environments: list[tuple[str, Any]]) -> list[str]:
    """The files a client sends with the root template, in the client's order
    (openstacksdk's ``template_utils``: a file is added after the files it references).

    ``environments`` are (path, loaded data) in order; their registry targets
    (any string without ``::``) are read relative to them.
    """
    files: list[str] = []
    state: dict[str, bool] = {}  # path -> done (False while being read: a cycle)

    def add(path: str) -> None:
        if path in state:
            return
        state[path] = False
        loaded = tree.load(path)
        if loaded is not None and loaded.is_template:
            scan(loaded.data, path)
        state[path] = True
        files.append(path)

    def scan(data: Any, origin: str) -> None:
        if isinstance(data, (dict, list)):
            for value in (data.values() if isinstance(data, dict) else data):
                scan(value, origin)
        if isinstance(data, dict):
            for key, value in data.items():
                if key not in ("get_file", "type") or not isinstance(value, str):
                    continue
                if key == "type" and not is_template_type(value):
                    continue
                target = tree.resolve(origin, value)
                if target is not None and tree.exists(target):
                    add(target)

    root_loaded = tree.load(root)
    if root_loaded is not None and root_loaded.is_template:
        scan(root_loaded.data, root)
    for env_path, data in environments:
        registry = data.get("resource_registry") if isinstance(data, dict) else None
        if not isinstance(registry, dict):
            continue
        base = registry.get("base_url") if isinstance(registry.get("base_url"), str) else None
        for target in registry_file_targets(registry):
            path = tree.resolve(env_path, target, base)
            if path is not None and tree.exists(path):
                add(path)
    return files


def registry_file_targets(registry: dict[str, Any]) -> Iterator[str]:
    """The registry values a client reads as files: strings without ``::``, top level and per resource."""
    def targets(mapping: dict[str, Any]) -> Iterator[str]:
        for key, value in mapping.items():
            if key in ("base_url", "hooks", "restricted_actions") or not isinstance(value, str):
                continue
            if "::" not in value:
                yield value

    yield from targets(registry)
    resources = registry.get("resources")
    if isinstance(resources, dict):
        for mapping in resources.values():
            if isinstance(mapping, dict):
                yield from targets(mapping)


def parameter_types(tree: TemplateTree, root: str, files: list[str]) -> dict[str, Any]:
    """Every parameter Heat's merge knows (name -> type): each file's, the root's last (Heat's
    ``all_param_schemata``)."""
    types: dict[str, Any] = {}
    for path in [*files, root]:
        loaded = tree.load(path)
        if loaded is None or not loaded.is_template:
            continue
        section = loaded.data.get("parameters")
        if isinstance(section, dict):
            for name, definition in section.items():
                types[str(name)] = definition.get("type") if isinstance(definition, dict) else None
    return types
