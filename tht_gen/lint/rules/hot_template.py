"""H0xx-H1xx: a HOT template's version, sections, parameters, resources and outputs."""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from ...diagnostics import Severity
from ...hot.versions import HotVersion, all_versions
from ...model.hot import PARAMETER_TYPES, Parameter, is_parameter_type
from .base import FileContext, Finding, Rule, describe

_ALIASES = ", ".join(v.alias for v in all_versions() if v.alias)
_MAPPING_SECTIONS = ("parameters", "resources", "outputs", "conditions")


class TemplateVersion(Rule):
    """``heat_template_version`` is not a version Heat knows.

    Heat accepts the dates of its HOT versions (2013-05-23 to 2021-04-16)
    and, from newton on, the release names: newton, ocata, pike, queens,
    rocky, wallaby. Anything else is rejected before the template is read.
    The version also decides which sections and functions the template may
    use (see H002 and H201).

    FAIL::

        heat_template_version: 2016-10-15

    PASS::

        heat_template_version: wallaby
    """

    id = "H001"
    name = "template-version"
    summary = "heat_template_version is not a HOT version or release alias Heat knows"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        template = ctx.template
        if template.version is None:
            yield Finding(("heat_template_version",),
                          f"unknown heat_template_version {describe(template.version_value)}",
                          hint=f"use a HOT date such as 2021-04-16 or a release alias: {_ALIASES}",
                          prefer="value")


class TemplateSection(Rule):
    """A top-level section is unknown for the template's version, or has the wrong type.

    The sections are ``heat_template_version``, ``description``,
    ``parameter_groups``, ``parameters``, ``resources``, ``outputs`` and, from
    2016-10-14 (newton), ``conditions``. Heat rejects any other key.
    ``parameters``, ``resources``, ``outputs`` and ``conditions`` are mappings
    and ``parameter_groups`` a list.

    FAIL::

        heat_template_version: 2016-04-08
        conditions:
          is_prod: {equals: [{get_param: Env}, prod]}
    """

    id = "H002"
    name = "template-section"
    summary = "unknown top-level section for this HOT version, or a section of the wrong type"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        template = ctx.template
        version = template.version
        for key, value in template.data.items():
            if version is not None and key not in version.sections:
                hint = None
                if key == "conditions":
                    hint = "conditions need heat_template_version 2016-10-14 (newton) or later"
                yield Finding((key,), f"'{key}' is not a section of a HOT {version.name} template",
                              hint=hint)
                continue
            if key in _MAPPING_SECTIONS and value is not None and not isinstance(value, dict):
                yield Finding((key,), f"section '{key}' must be a mapping, not {_kind(value)}",
                              prefer="value")
            if key == "parameter_groups" and value is not None and not isinstance(value, list):
                yield Finding((key,), "section 'parameter_groups' must be a list", prefer="value")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    return type(value).__name__


class ParameterDefinition(Rule):
    """A parameter's definition is malformed.

    Each parameter is a mapping with a ``type`` (``string``, ``number``,
    ``json``, ``comma_delimited_list`` or ``boolean``) and only the keys Heat
    knows: ``type``, ``description``, ``default``, ``label``, ``hidden``,
    ``constraints``, ``immutable``, and from 2018-03-02 (queens) ``tags``
    (a list). Heat rejects the template otherwise.

    FAIL::

        parameters:
          Count:
            type: integer
            default: 1

    PASS::

        parameters:
          Count:
            type: number
            default: 1
    """

    id = "H101"
    name = "parameter-definition"
    summary = "a parameter is not a mapping, lacks a valid type, or has keys Heat rejects"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        for param in ctx.template.parameters.values():
            if not param.is_mapping:
                yield Finding(param.path, f"parameter '{param.name}' must be a mapping "
                              f"with at least a type, not {_kind(param.definition)}")
                continue
            if "type" not in param.definition:
                yield Finding(param.path, f"parameter '{param.name}' has no type")
            elif not is_parameter_type(param.type):
                yield Finding((*param.path, "type"),
                              f"parameter '{param.name}' has unknown type {describe(param.type)}",
                              hint="types are: " + ", ".join(sorted(PARAMETER_TYPES)),
                              prefer="value")
            if version is None:
                continue
            for key in param.definition:
                if key not in version.parameter_keys:
                    hint = ("parameter tags need heat_template_version 2018-03-02 (queens) or later"
                            if key == "tags" else None)
                    yield Finding((*param.path, key),
                                  f"'{key}' is not a key of a parameter in HOT {version.name}",
                                  hint=hint)
            tags = param.definition.get("tags")
            if "tags" in param.definition and "tags" in version.parameter_keys and \
                    not isinstance(tags, list):
                yield Finding((*param.path, "tags"), f"parameter '{param.name}': tags must be a list",
                              prefer="value")


# Which parameter types each constraint applies to (heat.engine.constraints valid_types).
_CONSTRAINT_TYPES = {
    "length": {"string", "comma_delimited_list", "json"},
    "range": {"number"},
    "modulo": {"number"},
    "allowed_values": {"string", "number", "boolean", "comma_delimited_list"},
    "allowed_pattern": {"string"},
    "custom_constraint": {"string", "number", "boolean", "comma_delimited_list"},
}
_CONSTRAINT_KINDS = ("range", "length", "modulo", "allowed_values", "allowed_pattern",
                     "custom_constraint")


class ParameterConstraints(Rule):
    """A parameter's ``constraints`` are malformed.

    ``constraints`` is a list; each item is a mapping with one constraint
    (``length``, ``range``, ``allowed_values``, ``allowed_pattern``,
    ``custom_constraint``, and from 2017-02-24 (ocata) ``modulo``) and an
    optional ``description``. ``length`` and ``range`` take numeric ``min``
    and/or ``max``; ``modulo`` takes ``step`` and ``offset``;
    ``allowed_values`` is a list; ``allowed_pattern`` a regular expression.
    Each constraint applies to some types only (``range`` to numbers,
    ``allowed_pattern`` to strings, ``length`` to strings, lists and json).

    FAIL::

        parameters:
          Port:
            type: string
            constraints:
              - range: {min: 1, max: 65535}
    """

    id = "H102"
    name = "parameter-constraints"
    summary = "a parameter's constraints are malformed or do not apply to its type"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        for param in ctx.template.parameters.values():
            if not param.is_mapping or "constraints" not in param.definition:
                continue
            constraints = param.constraints
            base = (*param.path, "constraints")
            if constraints is None:
                continue
            if not isinstance(constraints, list):
                yield Finding(base, f"parameter '{param.name}': constraints must be a list",
                              prefer="value")
                continue
            for index, constraint in enumerate(constraints):
                yield from self._one(param, constraint, (*base, index), version)

    def _one(self, param: Parameter, constraint: Any, path: tuple[Any, ...],
             version: HotVersion | None) -> Iterator[Finding]:
        if not isinstance(constraint, dict):
            yield Finding(path, f"parameter '{param.name}': a constraint must be a mapping",
                          prefer="value")
            return
        allowed = version.constraint_keys if version else set(_CONSTRAINT_KINDS) | {"description"}
        for key in constraint:
            if key not in allowed:
                hint = ("the modulo constraint needs heat_template_version 2017-02-24 (ocata)"
                        if key == "modulo" else None)
                yield Finding((*path, key), f"parameter '{param.name}': unknown constraint '{key}'",
                              hint=hint)
        kind = next((k for k in _CONSTRAINT_KINDS if k in constraint and k in allowed), None)
        if kind is None:
            if all(k in allowed for k in constraint):
                yield Finding(path, f"parameter '{param.name}': the constraint expresses nothing")
            return
        value = constraint[kind]
        at = (*path, kind)
        if is_parameter_type(param.type) and param.type not in _CONSTRAINT_TYPES[kind]:
            yield Finding(at, f"parameter '{param.name}': a {kind} constraint does not apply "
                              f"to type {param.type}")
        if kind in ("range", "length", "modulo"):
            keys = ("step", "offset") if kind == "modulo" else ("min", "max")
            if not isinstance(value, dict):
                yield Finding(at, f"parameter '{param.name}': {kind} must be a mapping of "
                                  f"{' and '.join(keys)}", prefer="value")
                return
            for key, bound in value.items():
                if key not in keys:
                    yield Finding((*at, key), f"parameter '{param.name}': '{key}' is not a key "
                                              f"of a {kind} constraint")
                elif _number(bound) is None:
                    yield Finding((*at, key), f"parameter '{param.name}': {kind} {key} must be "
                                              f"a number, not {describe(bound)}", prefer="value")
            if kind != "modulo" and not any(value.get(k) is not None for k in keys):
                yield Finding(at, f"parameter '{param.name}': {kind} needs a min or a max")
            if kind == "modulo" and not all(k in value for k in keys):
                yield Finding(at, f"parameter '{param.name}': modulo needs both step and offset")
        elif kind == "allowed_values":
            if not isinstance(value, list):
                yield Finding(at, f"parameter '{param.name}': allowed_values must be a list",
                              prefer="value")
        elif kind == "allowed_pattern":
            if not isinstance(value, str):
                yield Finding(at, f"parameter '{param.name}': allowed_pattern must be a string",
                              prefer="value")
            else:
                try:
                    re.compile(value)
                except re.error as exc:
                    yield Finding(at, f"parameter '{param.name}': allowed_pattern is not a valid "
                                      f"regular expression: {exc}", prefer="value")
        elif kind == "custom_constraint" and not isinstance(value, str):
            yield Finding(at, f"parameter '{param.name}': custom_constraint must be a name",
                          prefer="value")


def _number(value: Any) -> float | None:
    """Heat's str_to_num: numbers, and strings that int() or float() accept."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, numbers.Number):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        try:
            return float(int(value))
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None


_TRUE = {"t", "true", "on", "y", "yes", "1"}
_FALSE = {"f", "false", "off", "n", "no", "0"}


def default_problem(param_type: Any, default: Any) -> str | None:
    """Why Heat would reject ``default`` for a parameter of ``param_type`` (None: it would not).

    Mirrors heat.engine.parameters: numbers parse with int() or float();
    booleans are oslo's strict bool_from_string; json is a mapping, a list
    or a string holding JSON; comma_delimited_list is a list or a string.
    """
    if default is None:
        return None
    if param_type == "number":
        if _number(default) is None:
            return f"default {describe(default)} is not a number"
    elif param_type == "boolean":
        if str(default).strip().lower() not in _TRUE | _FALSE:
            return f"default {describe(default)} is not a boolean"
    elif param_type == "json":
        if isinstance(default, str) and default:
            try:
                json.loads(default)
            except ValueError:
                return f"default {describe(default)} is not valid JSON"
    elif param_type == "comma_delimited_list" and not isinstance(default, (list, str)):
        return f"default {describe(default)} is not a list or a comma-delimited string"
    return None


class ParameterDefault(Rule):
    """A parameter's ``default`` does not match its type or its constraints.

    Heat validates every default when it validates the stack: a ``number``
    must parse as a number, a ``boolean`` must be one of true/false, yes/no,
    on/off, 1/0 (any case), a ``json`` string must hold JSON, a
    ``comma_delimited_list`` must be a list or a string; and the default must
    satisfy the parameter's ``allowed_values``, ``allowed_pattern``,
    ``range`` and ``length`` constraints.

    FAIL::

        parameters:
          Workers:
            type: number
            default: auto

    PASS::

        parameters:
          Workers:
            type: number
            default: 0
    """

    id = "H103"
    name = "parameter-default"
    summary = "a parameter's default does not match its type or constraints"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for param in ctx.template.parameters.values():
            if not param.has_default or not is_parameter_type(param.type):
                continue
            at = (*param.path, "default")
            problem = default_problem(param.type, param.default)
            if problem:
                yield Finding(at, f"parameter '{param.name}' ({param.type}): {problem}",
                              prefer="value")
                continue
            constraints = param.constraints
            if not isinstance(constraints, list):
                continue
            for constraint in constraints:
                if isinstance(constraint, dict):
                    problem = _violates(param.type, param.default, constraint)
                    if problem:
                        yield Finding(at, f"parameter '{param.name}': default {problem}",
                                      prefer="value")


def _as_values(param_type: str, value: Any) -> list[Any]:
    if param_type == "comma_delimited_list":
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v.strip() for v in str(value).split(",")] if value != "" else []
    return [value]


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    return str(a) == str(b)


def _violates(param_type: str, default: Any, constraint: dict[str, Any]) -> str | None:
    if "allowed_values" in constraint and isinstance(constraint["allowed_values"], list):
        allowed = constraint["allowed_values"]
        for value in _as_values(param_type, default):
            if not any(_same(value, a) for a in allowed):
                return f"{describe(value)} is not one of the allowed values {describe(allowed)}"
    elif "allowed_pattern" in constraint and isinstance(constraint["allowed_pattern"], str) \
            and isinstance(default, str):
        try:
            match = re.match(constraint["allowed_pattern"], default)
        except re.error:
            return None
        if match is None or match.end() != len(default):
            return f"{describe(default)} does not match the allowed pattern"
    elif "range" in constraint and isinstance(constraint["range"], dict) and param_type == "number":
        number = _number(default)
        low, high = _number(constraint["range"].get("min")), _number(constraint["range"].get("max"))
        if number is not None and ((low is not None and number < low) or
                                   (high is not None and number > high)):
            return f"{describe(default)} is out of the range {describe(constraint['range'])}"
    elif "length" in constraint and isinstance(constraint["length"], dict):
        low, high = _number(constraint["length"].get("min")), _number(constraint["length"].get("max"))
        if param_type == "comma_delimited_list":
            size = len(_as_values(param_type, default))
        elif isinstance(default, (str, list, dict)):
            size = len(default)
        else:
            return None
        if (low is not None and size < low) or (high is not None and size > high):
            return f"has length {size}, out of {describe(constraint['length'])}"
    return None


_SECRET = re.compile(r"(Password|Secret|Key)$")


class SecretNotHidden(Rule):
    """A parameter that looks like a secret is not ``hidden: true``.

    A ``string`` parameter whose name ends in ``Password``, ``Secret`` or
    ``Key`` holds a credential; without ``hidden: true`` Heat shows its value
    in ``stack show`` and in events. Names that are not credentials
    (``...PublicKey``, ``...KeyName``, ``...KeySize``) can be listed in the
    rule's ``allow`` option.

    FAIL::

        parameters:
          AdminPassword:
            type: string

    PASS::

        parameters:
          AdminPassword:
            type: string
            hidden: true
    """

    id = "H104"
    name = "secret-not-hidden"
    summary = "a Password/Secret/Key string parameter is not hidden: true"
    default_level = Severity.WARNING
    options: ClassVar[dict[str, Any]] = {"allow": ["*PublicKey", "*HostKey", "*SshKey"]}

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        import fnmatch
        allow = ctx.option(self, "allow") or []
        for param in ctx.template.parameters.values():
            if not param.is_mapping or param.type != "string" or param.hidden:
                continue
            if _SECRET.search(param.name) and not any(fnmatch.fnmatchcase(param.name, p)
                                                      for p in allow):
                yield Finding(param.path, f"parameter '{param.name}' looks like a secret but is "
                                          f"not hidden", hint="add 'hidden: true'")


class ResourceDefinition(Rule):
    """A resource has no ``type``, or keys Heat does not know.

    Each resource is a mapping with a string ``type`` and only the keys
    ``properties``, ``metadata``, ``depends_on``, ``deletion_policy``,
    ``update_policy``, ``description``, and from 2016-10-14 (newton)
    ``condition`` and ``external_id``. ``properties``, ``metadata`` and
    ``update_policy`` are mappings; ``deletion_policy`` is Delete, Retain or
    Snapshot (lower case accepted from newton).

    FAIL::

        resources:
          Port:
            typ: OS::Neutron::Port
    """

    id = "H105"
    name = "resource-definition"
    summary = "a resource lacks a type or has keys Heat rejects"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        for resource in ctx.template.resources.values():
            if not resource.is_mapping:
                yield Finding(resource.path, f"resource '{resource.name}' must be a mapping with "
                                             f"a type, not {_kind(resource.definition)}")
                continue
            rtype = resource.type
            if rtype is None:
                yield Finding(resource.path, f"resource '{resource.name}' has no type")
            elif not isinstance(rtype, str) or not rtype.strip():
                yield Finding((*resource.path, "type"), f"resource '{resource.name}': type must be "
                                                        f"a resource type name or a template file",
                              prefer="value")
            if version is None:
                continue
            for key, value in resource.definition.items():
                if key not in version.resource_keys:
                    hint = None
                    if key in ("condition", "external_id"):
                        hint = f"'{key}' needs heat_template_version 2016-10-14 (newton) or later"
                    yield Finding((*resource.path, key),
                                  f"'{key}' is not a key of a resource in HOT {version.name}",
                                  hint=hint)
                elif key in ("properties", "metadata", "update_policy") and value is not None \
                        and not isinstance(value, dict):
                    yield Finding((*resource.path, key), f"resource '{resource.name}': {key} must "
                                                         f"be a mapping", prefer="value")
                elif key == "deletion_policy" and isinstance(value, str):
                    policies = {"Delete", "Retain", "Snapshot"}
                    if version.has_conditions:
                        policies |= {"delete", "retain", "snapshot"}
                    if value not in policies:
                        yield Finding((*resource.path, key),
                                      f"resource '{resource.name}': deletion_policy must be one of "
                                      f"{', '.join(sorted(policies))}", prefer="value")


class OutputDefinition(Rule):
    """An output is not a mapping, or has keys Heat does not know.

    Outputs have ``value``, an optional ``description`` and, from 2016-10-14
    (newton), an optional ``condition``.

    FAIL::

        outputs:
          ip:
            description: the address
            valu: {get_attr: [Server, first_address]}
    """

    id = "H106"
    name = "output-definition"
    summary = "an output is not a mapping, or has keys Heat rejects"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        for output in ctx.template.outputs.values():
            if not output.is_mapping:
                yield Finding(output.path, f"output '{output.name}' must be a mapping with a value")
                continue
            if version is not None:
                for key in output.definition:
                    if key not in version.output_keys:
                        yield Finding((*output.path, key),
                                      f"'{key}' is not a key of an output in HOT {version.name}")
