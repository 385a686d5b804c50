"""A read-only view of a HOT template: parameters, resources, outputs, conditions, function calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..diagnostics import PathElement
from ..hot.versions import HotVersion, known_function_names, resolve_version

Path = tuple[PathElement, ...]

# Parameters every stack has without declaring them (heat.engine.parameters).
PSEUDO_PARAMETERS = frozenset({"OS::stack_id", "OS::stack_name", "OS::project_id"})
PARAMETER_TYPES = frozenset({"string", "number", "json", "comma_delimited_list", "boolean"})



def is_parameter_type(value: Any) -> bool:
    return isinstance(value, str) and value in PARAMETER_TYPES


@dataclass(frozen=True)
class _Entry:
    """One named entry of a template section, as written (it may be malformed: rules check)."""

    name: str
    definition: Any
    path: Path

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.definition, dict)

    def get(self, key: str) -> Any:
        """The entry's ``key``, or None when absent or when the entry is not a mapping."""
        return self.definition.get(key) if self.is_mapping else None


class Parameter(_Entry):
    @property
    def type(self) -> Any:
        return self.get("type")

    @property
    def has_default(self) -> bool:
        return self.get("default") is not None

    @property
    def default(self) -> Any:
        return self.get("default")

    @property
    def hidden(self) -> bool:
        return self.get("hidden") is True

    @property
    def constraints(self) -> Any:
        return self.get("constraints")


class Resource(_Entry):
    @property
    def type(self) -> Any:
        return self.get("type")

    @property
    def properties(self) -> Any:
        return self.get("properties")

    @property
    def depends_on(self) -> list[tuple[str, Path]]:
        """Literal resource names in ``depends_on`` with their paths."""
        value = self.get("depends_on")
        base = (*self.path, "depends_on")
        if isinstance(value, str):
            return [(value, base)]
        if isinstance(value, list):
            return [(v, (*base, i)) for i, v in enumerate(value) if isinstance(v, str)]
        return []

    @property
    def condition(self) -> Any:
        return self.get("condition")


class Output(_Entry):
    @property
    def value(self) -> Any:
        return self.get("value")

    @property
    def condition(self) -> Any:
        return self.get("condition")


@dataclass(frozen=True)
class FunctionCall:
    """One intrinsic function call: ``{name: args}`` at ``path`` (the path of the mapping).

    ``in_conditions`` is true in the ``conditions`` section and in ``condition:``
    fields, where Heat allows only its condition functions. ``placeholders``
    are the ``repeat`` loop variables in force there: a name containing one is
    only known once the loop runs.
    """

    name: str
    args: Any
    path: Path
    in_conditions: bool = False
    placeholders: tuple[str, ...] = ()

    @property
    def args_path(self) -> Path:
        return (*self.path, self.name)

    def is_templated(self, text: str) -> bool:
        return any(p and p in text for p in self.placeholders)


_ALL_FUNCTIONS = known_function_names()


class HotTemplate:
    """A HOT template as loaded (``data`` is the document's top-level mapping)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @property
    def version_value(self) -> Any:
        return self.data.get("heat_template_version")

    @cached_property
    def version(self) -> HotVersion | None:
        return resolve_version(self.version_value)

    def _section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    @cached_property
    def parameters(self) -> dict[str, Parameter]:
        return {str(k): Parameter(str(k), v, ("parameters", k))
                for k, v in self._section("parameters").items()}

    @cached_property
    def resources(self) -> dict[str, Resource]:
        return {str(k): Resource(str(k), v, ("resources", k))
                for k, v in self._section("resources").items()}

    @cached_property
    def outputs(self) -> dict[str, Output]:
        return {str(k): Output(str(k), v, ("outputs", k))
                for k, v in self._section("outputs").items()}

    @cached_property
    def conditions(self) -> dict[str, Any]:
        return {str(k): v for k, v in self._section("conditions").items()}

    @cached_property
    def used_conditions(self) -> frozenset[str]:
        """Conditions named by a ``condition:`` field, an ``if``, or another condition in use.

        Heat resolves a condition only when something uses it, so what an
        unused one refers to is never looked up.
        """
        declared = self.conditions
        used: set[str] = set()
        holders: list[Resource | Output] = [*self.resources.values(), *self.outputs.values()]
        for holder in holders:
            if holder.is_mapping and isinstance(holder.definition.get("condition"), str):
                used.add(holder.definition["condition"])
        for call in self.calls():
            if call.name == "if" and isinstance(call.args, list) and call.args and \
                    isinstance(call.args[0], str) and call.path[:1] != ("conditions",):
                used.add(call.args[0])
        pending = [name for name in used if name in declared]
        while pending:
            name = pending.pop()
            for text in _strings(declared.get(name)):
                if text in declared and text not in used:
                    used.add(text)
                    pending.append(text)
        return frozenset(used)

    def is_function(self, value: Any) -> bool:
        """Whether ``value`` is an intrinsic function call for this template's version."""
        if not (isinstance(value, dict) and len(value) == 1):
            return False
        name = next(iter(value))
        version = self.version
        if version is None:
            return name in _ALL_FUNCTIONS
        return name in version.functions or name in version.removed

    def calls(self) -> list[FunctionCall]:
        """Every intrinsic function call in resources, outputs and conditions, outermost first.

        Function names of any HOT version are recognised, so that a function
        used in a version that lacks it can be reported.
        """
        return self._calls

    @cached_property
    def _calls(self) -> list[FunctionCall]:
        found: list[FunctionCall] = []
        for resource in self.resources.values():
            if not resource.is_mapping:
                continue
            for key, value in resource.definition.items():
                if key == "type":
                    continue
                _walk(value, (*resource.path, key), key == "condition", (), found)
        for output in self.outputs.values():
            if not output.is_mapping:
                continue
            for key, value in output.definition.items():
                _walk(value, (*output.path, key), key == "condition", (), found)
        for name, value in self.conditions.items():
            _walk(value, ("conditions", name), True, (), found)
        return found


def _walk(value: Any, path: Path, in_conditions: bool, placeholders: tuple[str, ...],
          found: list[FunctionCall]) -> None:
    """Append every call in ``value`` to ``found``, outermost first, in document order.

    The path is one list grown and shrunk in place, made a tuple only where
    a call is found: most of a template is plain data.
    """
    at = list(path)
    functions = _ALL_FUNCTIONS

    def visit(node: Any, loop_vars: tuple[str, ...], conditions: bool) -> None:
        if node.__class__ is dict:
            if len(node) == 1:
                name = next(iter(node))
                if name in functions:
                    args = node[name]
                    found.append(FunctionCall(name, args, tuple(at), conditions, loop_vars))
                    if name == "repeat" and args.__class__ is dict and \
                            args.get("for_each").__class__ is dict:
                        loop_vars = loop_vars + tuple(
                            k for k in args["for_each"] if isinstance(k, str))
                    at.append(name)
                    if name == "if" and args.__class__ is list and args:
                        # Heat parses an ``if``'s first argument as a condition.
                        for index, item in enumerate(args):
                            at.append(index)
                            visit(item, loop_vars, conditions or index == 0)
                            at.pop()
                    else:
                        visit(args, loop_vars, conditions)
                    at.pop()
                    return
            for key, child in node.items():
                if child.__class__ is dict or child.__class__ is list:
                    at.append(key)
                    visit(child, loop_vars, conditions)
                    at.pop()
        elif node.__class__ is list:
            for index, child in enumerate(node):
                if child.__class__ is dict or child.__class__ is list:
                    at.append(index)
                    visit(child, loop_vars, conditions)
                    at.pop()

    visit(value, placeholders, in_conditions)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def iter_parameters(template: HotTemplate) -> Iterator[Parameter]:
    yield from template.parameters.values()
