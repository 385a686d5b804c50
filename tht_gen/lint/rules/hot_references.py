"""H3xx: references inside a template resolve: parameters, resources and conditions."""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model.hot import PSEUDO_PARAMETERS, Output, Resource
from .base import FileContext, Finding, Rule


def _nearest(name: str, names: list[str]) -> str | None:
    import difflib
    match = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return f"did you mean '{match[0]}'?" if match else None


class GetParamUndeclared(Rule):
    """``get_param`` names a parameter the template does not declare.

    Heat resolves ``get_param`` against the template's own ``parameters``
    (and the pseudo parameters ``OS::stack_name``, ``OS::stack_id``,
    ``OS::project_id``); an undeclared name fails when the stack is created.
    Names built by a ``repeat`` loop variable are not checked, nor those in
    a condition nothing uses (Heat never resolves it; H304 reports it).

    FAIL::

        parameters:
          ImageName: {type: string}
        resources:
          Server:
            type: OS::Nova::Server
            properties:
              image: {get_param: Image}
    """

    id = "H301"
    name = "get-param-undeclared"
    summary = "get_param names a parameter that is not declared"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        template = ctx.template
        declared = template.parameters
        used = template.used_conditions
        for call in template.calls():
            if call.name != "get_param":
                continue
            if call.path[:1] == ("conditions",) and len(call.path) > 1 and \
                    call.path[1] not in used:
                continue
            args = call.args
            if isinstance(args, list) and args:
                name, at = args[0], (*call.args_path, 0)
            else:
                name, at = args, call.args_path
            if not isinstance(name, str) or name in declared or name in PSEUDO_PARAMETERS \
                    or call.is_templated(name):
                continue
            yield Finding(at, f"get_param: parameter '{name}' is not declared",
                          hint=_nearest(name, list(declared)), prefer="value")


class ResourceUndeclared(Rule):
    """``get_resource``, ``get_attr`` or ``depends_on`` names a resource the template does not
    declare.

    Heat rejects the template ("the specified reference ... is not in the
    template"). Names built by a ``repeat`` loop variable are not checked.

    FAIL::

        resources:
          Port:
            type: OS::Neutron::Port
          Server:
            type: OS::Nova::Server
            depends_on: Prot
    """

    id = "H302"
    name = "resource-undeclared"
    summary = "get_resource, get_attr or depends_on names an undeclared resource"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        template = ctx.template
        declared = template.resources
        names = list(declared)
        for call in template.calls():
            if call.name == "get_resource":
                name, at = call.args, call.args_path
            elif call.name == "get_attr" and isinstance(call.args, list) and call.args:
                name, at = call.args[0], (*call.args_path, 0)
            else:
                continue
            if isinstance(name, str) and name not in declared and not call.is_templated(name):
                yield Finding(at, f"{call.name}: resource '{name}' is not declared",
                              hint=_nearest(name, names), prefer="value")
        for resource in declared.values():
            for name, at in resource.depends_on:
                if name not in declared:
                    yield Finding(at, f"depends_on: resource '{name}' is not declared",
                                  hint=_nearest(name, names), prefer="value")


class ConditionUndeclared(Rule):
    """A ``condition:`` field or an ``if`` names a condition the template does not declare.

    Resources and outputs may carry ``condition: <name>``, and ``if`` takes a
    condition name first: each name must be declared in ``conditions``
    (Heat: "Invalid condition").

    FAIL::

        conditions:
          is_prod: {equals: [{get_param: Env}, prod]}
        resources:
          Alarm:
            type: OS::Aodh::Alarm
            condition: is_production
    """

    id = "H303"
    name = "condition-undeclared"
    summary = "a condition field or an if names an undeclared condition"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        template = ctx.template
        version = template.version
        if version is not None and not version.has_conditions:
            return
        declared = template.conditions
        names = list(declared)
        holders: list[Resource | Output] = [*template.resources.values(),
                                            *template.outputs.values()]
        for holder in holders:
            if not holder.is_mapping:
                continue
            name = holder.definition.get("condition")
            if isinstance(name, str) and name not in declared:
                yield Finding((*holder.path, "condition"),
                              f"condition '{name}' is not declared", hint=_nearest(name, names),
                              prefer="value")
        for call in template.calls():
            if call.name == "if" and isinstance(call.args, list) and call.args:
                name = call.args[0]
                if isinstance(name, str) and name not in declared and not call.is_templated(name):
                    yield Finding((*call.args_path, 0), f"if: condition '{name}' is not declared",
                                  hint=_nearest(name, names), prefer="value")


class ConditionUnused(Rule):
    """A condition is declared but nothing uses it.

    No resource, output, ``if`` or other condition in use names it, so Heat
    never evaluates it: it is dead code, and mistakes inside it (an
    undeclared parameter, for one) go unnoticed until someone uses it.

    FAIL::

        conditions:
          is_prod: {equals: [{get_param: Env}, prod]}
        resources: {}
    """

    id = "H304"
    name = "condition-unused"
    summary = "a condition is declared but nothing uses it"
    default_level = Severity.WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        used = ctx.template.used_conditions
        for name in ctx.template.conditions:
            if name not in used:
                yield Finding(("conditions", name), f"condition '{name}' is never used")
