"""S1xx: the shipped JSON Schemas (tht_gen/schemas), as lint rules.

Each rule validates one kind of file with its schema and reports every
violation where it is, with a message naming the key. Where an H or T rule
already reports something the schema also says (an environment's or a
template's unknown top-level section, a service's missing or badly formed
``service_name``), the schema rule leaves it to that rule, so nothing is
reported twice. The HOT template schema has no rule of its own: H001, H002,
H101, H105 and H106 check the same, version by version; it ships for
editors (``tht-gen schema export``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ...model.classify import FileKind
from ...model.networks import looks_like_vip_data
from ...schemas import RULE_IDS, SchemaFinding, validate
from .base import FileContext, Finding, Rule


class _SchemaRule(Rule):
    schema: ClassVar[str]
    within: ClassVar[tuple[str, ...]] = ()  # the part of the document whose findings count

    def applies(self, ctx: FileContext) -> bool:
        return True

    def keep(self, finding: SchemaFinding) -> bool:
        return True

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not self.applies(ctx):
            return
        for found in validate(ctx.data, self.schema, self.within):
            if self.keep(found):
                yield Finding(found.path, found.message, hint=found.hint, prefer=found.prefer)


class RolesDataSchema(_SchemaRule):
    """Roles data does not follow the roles data schema.

    Each role is a mapping with a ``name`` and only the keys roles data has
    (``CountDefault`` an integer, ``ServicesDefault`` a list of
    ``OS::TripleO::Services::*`` types, ``networks`` a mapping of network to
    ``{subnet: name}`` or a list, ``tags`` a list of strings...). An unknown
    key is usually a typo that the templates would silently ignore; the hint
    names the key meant.

    FAIL::

        - name: Compute
          CountDefault: '2'
          ServiceDefault:
            - OS::TripleO::Services::Ntp

    PASS::

        - name: Compute
          CountDefault: 2
          ServicesDefault:
            - OS::TripleO::Services::Ntp
    """

    id = RULE_IDS["roles_data"]
    name = "roles-data-schema"
    summary = "roles data does not follow the roles data schema"
    schema = "roles_data"
    kinds = frozenset({FileKind.ROLES})


class NetworkDataSchema(_SchemaRule):
    """Network data does not follow the network data schema.

    Each network is a mapping with a ``name``; subnet keys (``ip_subnet``,
    ``allocation_pools``, ``vlan``...) sit on the network (the flat form)
    or under ``subnets: {name: {...}}``, where each subnet has an
    ``ip_subnet`` or an ``ipv6_subnet``. Pools have a ``start`` and an
    ``end``, routes a ``destination`` and a ``nexthop``.

    FAIL::

        - name: Storage
          vip: true
          subnets:
            storage_subnet:
              ip_subnet: 172.16.1.0/24
              vlan: '30'
              allocation_pools: [{start: 172.16.1.4}]

    PASS::

        - name: Storage
          vip: true
          subnets:
            storage_subnet:
              ip_subnet: 172.16.1.0/24
              vlan: 30
              allocation_pools: [{start: 172.16.1.4, end: 172.16.1.250}]
    """

    id = RULE_IDS["network_data"]
    name = "network-data-schema"
    summary = "network data does not follow the network data schema"
    schema = "network_data"
    kinds = frozenset({FileKind.NETWORKS})


class EnvironmentSchema(_SchemaRule):
    """An environment file's sections hold values of the wrong shape.

    ``resource_registry`` maps types to a template path, a type or null
    (``resources`` maps resource names), ``encrypted_param_names`` is a list
    of names, ``event_sinks`` a list of mappings, and
    ``parameter_merge_strategies`` values are ``overwrite``, ``merge`` or
    ``deep_merge``. (Unknown sections are H501's.)

    FAIL::

        parameter_merge_strategies:
          ServiceNetMap: deepmerge

    PASS::

        parameter_merge_strategies:
          ServiceNetMap: deep_merge
    """

    id = RULE_IDS["environment"]
    name = "environment-schema"
    summary = "an environment section holds a value of the wrong shape"
    schema = "environment"
    kinds = frozenset({FileKind.ENVIRONMENT})

    def keep(self, finding: SchemaFinding) -> bool:
        return len(finding.path) > 1  # the sections themselves are H501's


class ServiceRoleDataSchema(_SchemaRule):
    """A ``role_data`` output breaks the composable service contract's shapes.

    ``config_settings``, ``global_config_settings`` and
    ``service_config_settings`` are mappings, ``step_config`` and
    ``monitoring_subscription`` strings, the ``*_tasks`` lists of task
    mappings (or of lists of them, which the service chain flattens),
    ``logging_groups`` a list of strings (each may also be an intrinsic
    function call). ``service_name`` is T002's and T003's.

    FAIL::

        heat_template_version: wallaby
        outputs:
          role_data:
            value:
              service_name: ntp
              config_settings: [ntp::servers]
              upgrade_tasks: {name: stop ntpd}

    PASS::

        heat_template_version: wallaby
        outputs:
          role_data:
            value:
              service_name: ntp
              config_settings: {ntp::servers: []}
              upgrade_tasks: [{name: stop ntpd}]
    """

    id = RULE_IDS["service_template"]
    name = "service-role-data-schema"
    summary = "a role_data output breaks the composable service contract's shapes"
    schema = "service_template"
    # keep() drops everything outside the role_data value: the rest of the
    # template (the H rules' business) is not walked at all.
    within = ("outputs", "role_data", "value")
    kinds = frozenset({FileKind.HOT})

    def applies(self, ctx: FileContext) -> bool:
        outputs = ctx.data.get("outputs")
        return isinstance(outputs, dict) and isinstance(outputs.get("role_data"), dict)

    def keep(self, finding: SchemaFinding) -> bool:
        path = finding.path
        if path[:3] != ("outputs", "role_data", "value") or "service_name" in path:
            return False  # the template's sections are H rules', service_name T002/T003's
        return not (len(path) == 3 and finding.message.endswith("has no 'service_name'"))


class VipDataSchema(_SchemaRule):
    """VIP data does not follow the VIP data schema.

    Each VIP is a mapping with a ``network`` (by ``name_lower``) and
    optionally ``subnet``, ``ip_address``, ``dns_name`` and ``name``.

    FAIL::

        - network: external
          fixed_ip: 10.0.0.5

    PASS::

        - network: external
          ip_address: 10.0.0.5
    """

    id = RULE_IDS["vip_data"]
    name = "vip-data-schema"
    summary = "VIP data does not follow the VIP data schema"
    schema = "vip_data"
    kinds = frozenset({FileKind.YAML})

    def applies(self, ctx: FileContext) -> bool:
        return looks_like_vip_data(ctx.data)
