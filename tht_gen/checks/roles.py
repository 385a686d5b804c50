"""Checks of roles data (rules N001-N011): what upstream only finds when a deployment fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from ..diagnostics import Severity
from ..model.roles import CONTROL_PLANE, SERVICE_PREFIX, Role
from ..render.data import unsafe_name_reason
from . import CheckContext, Finding, check, did_you_mean

# Tags that upstream tripleo-heat-templates 18.0.0 uses: the ones its roles/
# files carry and the ones its templates test (`'x' in role.tags`).
#   primary, controller  the primary role is the first role with both
#   compute              compute nodes (nova-compute network layouts, implicit from Compute* names)
#   ceph, storage        Ceph / storage nodes (storage network layouts, implicit from Ceph* names)
#   external_bridge      nodes that get the external bridge in multiple-NIC layouts
#   ovsdpdk              OVS-DPDK nodes in NIC layouts (implicit from ComputeOvsDpdk* names)
#   dpdk                 carried by upstream's DPDK roles
#   standalone           carried by upstream's Standalone role
KNOWN_TAGS: frozenset[str] = frozenset({
    "primary", "controller", "compute", "ceph", "storage", "external_bridge",
    "ovsdpdk", "dpdk", "standalone",
})

_NAMES_WORD = re.compile(r"%[A-Za-z_]+%")
HOSTNAME_PLACEHOLDERS = ("%stackname%", "%index%")
_HOSTNAME_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$")


def _roles(ctx: CheckContext) -> tuple[Role, ...]:
    return ctx.roles.roles if ctx.roles is not None else ()


@check("N001", "role-name-unique", "role names are unique", "roles")
def unique_names(ctx: CheckContext) -> Iterator[Finding]:
    """Names are compared lower-cased: they become file names (``<name lower>-role.yaml``)."""
    seen: dict[str, Role] = {}
    for role in _roles(ctx):
        key = role.name.lower()
        first = seen.get(key)
        if first is None:
            seen[key] = role
            continue
        same = "" if first.name == role.name else f" (as {first.name!r}: names are compared lower-cased)"
        yield Finding((*role.path, "name"), f"role {role.name!r} is defined more than once{same}",
                      hint=f"the first definition is role number {first.index + 1}")


@check("N002", "role-name-safe", "role names and NIC config names are safe as file names", "roles")
def safe_names(ctx: CheckContext) -> Iterator[Finding]:
    for role in _roles(ctx):
        reason = unsafe_name_reason(role.name)
        if reason:
            yield Finding((*role.path, "name"), f"role name {role.name!r} {reason}; role names "
                          "become file names")
        legacy = role.deprecated_nic_config_name
        if isinstance(legacy, str):
            reason = unsafe_name_reason(legacy)
            if reason:
                yield Finding((*role.path, "deprecated_nic_config_name"),
                              f"deprecated_nic_config_name {legacy!r} {reason}; it is used as a "
                              "file name")


@check("N003", "role-service-unique", "a role lists each service once", "roles")
def unique_services(ctx: CheckContext) -> Iterator[Finding]:
    for role in _roles(ctx):
        seen: set[str] = set()
        for service, path in role.service_items():
            if service in seen:
                yield Finding(path, f"role {role.name!r} lists service {service} more than once",
                              hint="each entry becomes a resource of the role's service chain: "
                                   "its configuration would be applied twice")
            seen.add(service)


# The lint rule that reports unregistered services across a linted tree; commands that
# check roles data outside a tree lint (roles generate) report the same under its id.
UNREGISTERED_RULE = "T101"


def unregistered_services(ctx: CheckContext) -> Iterator[Finding]:
    """Services of a role that ``ctx.registry`` (a rendered tree's registry and its environment
    files) does not register: Heat fails with an unknown resource type."""
    registry = ctx.registry
    for role in _roles(ctx):
        for service, path in role.service_items():
            # A name outside OS::TripleO::Services:: is the schema's finding (S101).
            if registry is None or not service.startswith(SERVICE_PREFIX) or service in registry:
                continue
            hint = did_you_mean(service, registry.main)
            where = f" in {registry.source}" if registry.source else ""
            yield Finding(path, f"service {service} of role {role.name!r} is not registered"
                          f"{where} nor by any environment file, so Heat cannot create it",
                          hint=hint or "register it in the resource registry, or remove it")


@check("N004", "role-network-exists",
       "networks a role is on exist, are enabled, and have the subnet named", "roles")
def role_networks_exist(ctx: CheckContext) -> Iterator[Finding]:
    networks = ctx.networks
    if networks is None:
        return
    where = networks.file
    for role in _roles(ctx):
        raw = role.get("networks")
        for entry in role.networks:
            network = networks.get(entry.name)
            if network is None:
                by_lower = networks.by_name_lower(entry.name)
                hint = (f"roles name networks by their name: {by_lower.name!r}" if by_lower
                        else did_you_mean(entry.name, [n.name for n in networks]))
                yield Finding(entry.path, f"role {role.name!r} is on network {entry.name!r}, "
                              f"which {where} does not define", hint=hint, prefer="key")
                continue
            if not network.enabled:
                yield Finding(entry.path, f"role {role.name!r} is on network {entry.name!r}, "
                              f"which is disabled (enabled: false) in {where}", prefer="key")
                continue
            if not network.subnets:
                continue  # nothing to check the subnet against (addresses come from parameters)
            if isinstance(raw, dict):
                if entry.subnet is None:
                    continue  # the schema reports a network entry without a subnet (S101)
                subnet_name = entry.subnet
                path = (*entry.path, "subnet")
            else:
                subnet_name = network.default_subnet_name
                path = entry.path
            if network.subnet(subnet_name) is None:
                how = "" if isinstance(raw, dict) else " (the list form uses <name_lower>_subnet)"
                yield Finding(path, f"network {entry.name!r} has no subnet {subnet_name!r}{how}; "
                              f"its subnets: {', '.join(network.subnet_names)}",
                              hint=did_you_mean(subnet_name, network.subnet_names))


@check("N005", "role-route-networks",
       "default_route_networks and networks_skip_config name networks the role is on", "roles")
def route_networks(ctx: CheckContext) -> Iterator[Finding]:
    for role in _roles(ctx):
        have = set(role.network_names) | {CONTROL_PLANE}
        for key in ("default_route_networks", "networks_skip_config"):
            value = role.get(key)
            if not isinstance(value, list):
                continue
            for i, name in enumerate(value):
                if isinstance(name, str) and name not in have:
                    yield Finding((*role.path, key, i),
                                  f"{key} of role {role.name!r} names {name!r}, which is not one "
                                  f"of the role's networks ({', '.join(sorted(have))})",
                                  hint=did_you_mean(name, have))


@check("N006", "role-tag-known", "role tags are ones the templates know", "roles",
       level=Severity.WARNING)
def known_tags(ctx: CheckContext) -> Iterator[Finding]:
    known = KNOWN_TAGS | ctx.extra_tags
    for role in _roles(ctx):
        value = role.get("tags")
        if not isinstance(value, list):
            continue
        for i, tag in enumerate(value):
            if isinstance(tag, str) and tag not in known:
                yield Finding((*role.path, "tags", i),
                              f"role {role.name!r} has tag {tag!r}, which no template tests",
                              hint=did_you_mean(tag, known) or
                              f"known tags: {', '.join(sorted(known))}")


@check("N007", "role-primary-unique", "at most one role is the primary role", "roles")
def one_primary(ctx: CheckContext) -> Iterator[Finding]:
    primaries = [r for r in _roles(ctx) if r.is_primary]
    for role in primaries[1:]:
        yield Finding((*role.path, "tags"),
                      f"role {role.name!r} is tagged primary and controller, as is "
                      f"{primaries[0].name!r}: only the first is the primary role",
                      hint="remove the primary tag from all but one role", prefer="key")


@check("N008", "role-primary-missing", "a roles file with several roles names its primary role",
       "roles", level=Severity.WARNING)
def primary_present(ctx: CheckContext) -> Iterator[Finding]:
    roles = _roles(ctx)
    for role in roles:
        if "primary" in role.tags and "controller" not in role.tags:
            yield Finding((*role.path, "tags"),
                          f"role {role.name!r} is tagged primary but not controller; the templates "
                          "take as primary only a role with both tags", prefer="key")
    if len(roles) > 1 and not any(r.is_primary for r in roles):
        yield Finding((*roles[0].path, "name"),
                      f"no role is tagged both primary and controller, so the first role, "
                      f"{roles[0].name!r}, is the primary role",
                      hint="tag the controller role [primary, controller]")


@check("N009", "role-count", "CountDefault is a number of nodes", "roles")
def counts(ctx: CheckContext) -> Iterator[Finding]:
    for role in _roles(ctx):
        value = role.count_default
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            yield Finding((*role.path, "CountDefault"),
                          f"CountDefault of role {role.name!r} is {value}; a number of nodes "
                          "cannot be negative")


@check("N010", "role-hostname-format", "HostnameFormatDefault makes a distinct, valid host name "
       "for each node", "roles")
def hostname_formats(ctx: CheckContext) -> Iterator[Finding]:
    for role in _roles(ctx):
        value = role.hostname_format
        if not isinstance(value, str):
            continue
        path = (*role.path, "HostnameFormatDefault")
        unknown = [w for w in _NAMES_WORD.findall(value) if w not in HOSTNAME_PLACEHOLDERS]
        if unknown:
            yield Finding(path, f"HostnameFormatDefault of role {role.name!r} has "
                          f"{', '.join(unknown)}, which nothing replaces",
                          hint="the placeholders are %stackname% and %index%")
            continue
        if "%index%" not in value:
            yield Finding(path, f"HostnameFormatDefault of role {role.name!r} has no %index%, "
                          "so every node of the role gets the same host name",
                          hint=f"for example '%stackname%-{role.name.lower()}-%index%'")
            continue
        sample = value.replace("%stackname%", "overcloud").replace("%index%", "0")
        bad = _bad_hostname(sample)
        if bad:
            yield Finding(path, f"HostnameFormatDefault {value!r} of role {role.name!r} gives "
                          f"host names such as {sample!r}, which {bad}",
                          hint="host names are letters, digits and hyphens (RFC 1123)")


def _bad_hostname(name: str) -> str | None:
    if len(name) > 63:
        return "is longer than 63 characters"
    if not _HOSTNAME_LABEL.match(name):
        odd = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c == "-"))})
        if odd:
            return "contains " + ", ".join(repr(c) for c in odd)
        return "starts or ends with a hyphen"
    return None


# Deprecated role keys and what replaces them. "Read" means tripleo-heat-templates
# 18.0.0's templates still honour the key; the others are read by nothing there.
def _replacement(key: str, role: Role, value: Any) -> str | None:
    name = role.name
    known = {
        "uses_deprecated_params": "it is read by nothing; remove it",
        "deprecated_param_extraconfig": f"the parameter it keeps is deprecated: set "
                                        f"{name}ExtraConfig instead of {value}, then remove the key",
        "deprecated_param_metadata": f"the parameter it keeps is deprecated: set "
                                     f"{name}ServerMetadata instead of {value}, then remove the key",
        "deprecated_param_ips": f"the parameter it keeps is deprecated: set {name}IPs instead "
                                f"of {value}, then remove the key",
        "deprecated_param_image": "it is read by nothing; set the role's image in the bare "
                                  "metal deployment, then remove the key",
        "deprecated_server_resource_name": f"new roles name their server resource {name}; on a "
                                           "deployed stack keep it, as renaming it would "
                                           "replace the servers",
        "deprecated_nic_config_name": f"the NIC config file is named {name.lower()}.yaml "
                                      "without it",
        "disable_constraints": "it is read by nothing; remove it",
    }
    if key in known:
        return known[key]
    if key.startswith("deprecated_param_"):
        return "it is read by nothing; remove it"
    return None


@check("N011", "role-deprecated-key", "deprecated role keys, with what replaces them", "roles",
       level=Severity.WARNING)
def deprecated_keys(ctx: CheckContext) -> Iterator[Finding]:
    for role in _roles(ctx):
        if role.networks_form == "list":
            names = [n.name for n in role.networks]
            example = ", ".join(f"{n}: {{subnet: {_subnet_for(ctx, n)}}}" for n in names[:2])
            yield Finding((*role.path, "networks"),
                          f"role {role.name!r} lists its networks as a list, which is deprecated; "
                          "use a mapping from network to subnet",
                          hint=f"networks: {{{example}{', ...' if len(names) > 2 else ''}}}",
                          prefer="key")
        for key, value in role.definition.items():
            if not isinstance(key, str):
                continue
            replacement = _replacement(key, role, value)
            if replacement is not None:
                yield Finding((*role.path, key), f"{key} in role {role.name!r} is deprecated: "
                              f"{replacement}", prefer="key")


def _subnet_for(ctx: CheckContext, network_name: str) -> str:
    network = ctx.networks.get(network_name) if ctx.networks is not None else None
    if network is not None:
        return network.default_subnet_name
    return f"{network_name.lower()}_subnet"


@check("N012", "role-file-name", "a file of a roles folder holds one role, named as the file",
       "roles", level=Severity.WARNING)
def role_file_names(ctx: CheckContext) -> Iterator[Finding]:
    """Only for files in a folder named ``roles``: ``roles generate NAME`` reads ``NAME.yaml``
    and renames a copy by its ``name``, so the two must agree."""
    if ctx.roles is None:
        return
    file = PurePosixPath(ctx.roles.file.replace("\\", "/"))
    if file.parent.name != "roles" or file.suffix != ".yaml":
        return
    roles = ctx.roles.roles
    for role in roles[1:]:
        yield Finding((*role.path, "name"), f"{file.name} defines a second role, {role.name!r}; "
                      "a roles folder holds one role per file")
    if roles and roles[0].name != file.stem:
        yield Finding((*roles[0].path, "name"), f"role {roles[0].name!r} is in {file.name}; "
                      f"roles generate finds a role by its file name",
                      hint=f"rename the file {roles[0].name}.yaml")
