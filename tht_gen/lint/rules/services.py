"""T0xx: the composable service template contract (ARCHITECTURE.md section 3).

A service template is a HOT template registered as ``OS::TripleO::Services::<Name>`` in some
environment of the tree, or kept under the tree's ``services/`` folder. Other templates are
never held to this contract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...diagnostics import Severity
from ...hot.functions import is_call
from ...model.classify import FileKind
from ...model.environment import is_template_reference
from .base import FileContext, Finding, TreeFacts, TreeRule
from .tree import SERVICE_PREFIX

_DYNAMIC = "<dynamic>"


def is_service_type(key: str) -> bool:
    """``OS::TripleO::Services::<Name>``: one name after the prefix (deeper names such as
    ``OS::TripleO::Services::Logging::Foo`` are parts of a service, not services)."""
    return key.startswith(SERVICE_PREFIX) and "::" not in key[len(SERVICE_PREFIX):]
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _service_name(value: Any) -> Any:
    """The literal service_name in a role_data value; _DYNAMIC when it is computed."""
    if is_call(value):
        name, args = next(iter(value.items()))
        if name == "map_merge" and isinstance(args, list):
            found: Any = None
            for item in args:
                got = _service_name(item)
                if got not in (None, _DYNAMIC):
                    found = got
                elif got == _DYNAMIC and found is None:
                    found = _DYNAMIC
            return found
        return _DYNAMIC
    if isinstance(value, dict):
        name = value.get("service_name")
        if name is None:
            return None
        return name if isinstance(name, str) else _DYNAMIC
    return _DYNAMIC


class _ServiceRule(TreeRule):
    kinds = frozenset({FileKind.HOT, FileKind.ENVIRONMENT})

    def collect(self, ctx: FileContext) -> Any:
        if ctx.kind is FileKind.ENVIRONMENT:
            targets = []
            for entry in ctx.environment.registry:
                if entry.resource is None and is_service_type(entry.key) and \
                        isinstance(entry.target, str) and is_template_reference(entry.target):
                    resolved = ctx.tree.resolve(ctx.file, entry.target)
                    if resolved is not None:
                        targets.append(resolved)
            return ("env", targets) if targets else None
        return ("hot", self.facts(ctx))

    def facts(self, ctx: FileContext) -> Any:
        raise NotImplementedError

    def service_templates(self, tree: TreeFacts) -> dict[str, Any]:
        facts = tree.of(self)
        registered = {t for kind, targets in facts.values() if kind == "env" for t in targets}
        return {file: fact for file, (kind, fact) in facts.items()
                if kind == "hot" and (file in registered or file.startswith("services/"))}


class ServiceRoleData(_ServiceRule):
    """A service template has no ``role_data`` output.

    The overcloud reads ``role_data`` from every service a role runs
    (``get_attr: [<service chain>, role_data]``); a service template
    without that output makes Heat reject the stack.

    FAIL::

        # registered as OS::TripleO::Services::Ntp
        outputs:
          config:
            value: {ntp::servers: {get_param: NtpServers}}
    """

    id = "T001"
    name = "service-role-data"
    summary = "a service template has no role_data output"

    def facts(self, ctx: FileContext) -> Any:
        outputs = ctx.template.outputs
        role_data = outputs.get("role_data")
        if role_data is None:
            return (False, None)
        return (True, _service_name(role_data.value) if role_data.is_mapping else _DYNAMIC)

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        for file, (has_role_data, _) in sorted(self.service_templates(tree).items()):
            if not has_role_data:
                yield Finding(("outputs",), "service template has no role_data output", file=file)


class ServiceNameMissing(ServiceRoleData):
    """A service's ``role_data`` has no ``service_name``.

    The service name keys the service's settings, its Ansible group and its
    firewall rules; without one, what the service configures is attached to
    nothing. (A warning: Heat itself accepts it.) ``role_data`` built with
    ``map_merge`` over a base template's ``role_data`` counts when any part
    gives the name.

    FAIL::

        outputs:
          role_data:
            value:
              config_settings: {ntp::servers: {get_param: NtpServers}}
    """

    id = "T003"
    name = "service-name-missing"
    summary = "a service's role_data has no service_name"
    default_level = Severity.WARNING

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        for file, (has_role_data, name) in sorted(self.service_templates(tree).items()):
            if has_role_data and name is None:
                yield Finding(("outputs", "role_data", "value"),
                              "role_data has no service_name", file=file)


class ServiceName(_ServiceRule):
    """A service's ``service_name`` is not snake_case.

    Service names key hieradata, Ansible groups and firewall rules; the
    library's convention (ARCHITECTURE.md section 3) is lower-case
    snake_case: ``nova_compute``, not ``NovaCompute`` or ``nova-compute``.

    FAIL::

        outputs:
          role_data:
            value:
              service_name: NovaCompute
    """

    id = "T002"
    name = "service-name"
    summary = "a service's service_name is not snake_case"
    default_level = Severity.WARNING

    def facts(self, ctx: FileContext) -> Any:
        role_data = ctx.template.outputs.get("role_data")
        if role_data is None or not role_data.is_mapping:
            return None
        value = role_data.value
        if isinstance(value, dict) and isinstance(value.get("service_name"), str):
            return value["service_name"]
        return None

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        for file, name in sorted(self.service_templates(tree).items()):
            if isinstance(name, str) and not _SNAKE.match(name):
                yield Finding(("outputs", "role_data", "value", "service_name"),
                              f"service_name '{name}' is not snake_case", file=file,
                              prefer="value")
