"""N: roles data and network data (the checks live in tht_gen.checks; these are their rules).

Each rule wraps one check function of :mod:`tht_gen.checks.roles` or
:mod:`tht_gen.checks.networks`, which also serve ``tht-gen roles generate``
and ``tht-gen networks validate``: the id, name, summary and default level
come from the check's registration, so the two never disagree.

Rules that compare two files run across the tree: a role's networks are
checked against the network data the renderer would use with the tree's
``roles_data.yaml`` (``network_data.yaml``, else
``network-data-samples/default-network-isolation.yaml``), and VIP data
against the tree's network data when there is exactly one network data file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from ...checks import CHECKS, CheckContext, all_checks
from ...checks import Finding as CheckFinding
from ...diagnostics import Severity
from ...model.classify import FileKind
from ...model.networks import NetworkData, VipData, looks_like_vip_data
from ...model.roles import RolesData
from ...render.data import DEFAULT_NETWORK_DATA, DEFAULT_ROLES_DATA
from .base import FileContext, Finding, Rule, TreeFacts, TreeRule

all_checks()  # registers the check functions


def _meta(check_id: str) -> tuple[str, str, Severity]:
    spec = CHECKS[check_id]
    return spec.name, spec.summary, spec.level


def _findings(found: Iterator[CheckFinding], file: str | None = None) -> Iterator[Finding]:
    for f in found:
        yield Finding(f.path, f.message, hint=f.hint, prefer=f.prefer, file=file)


class _RolesRule(Rule):
    kinds = frozenset({FileKind.ROLES})

    def context(self, ctx: FileContext) -> CheckContext:
        return CheckContext(roles=ctx.roles)

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        return _findings(CHECKS[self.id](self.context(ctx)))


class _NetworksRule(Rule):
    kinds = frozenset({FileKind.NETWORKS})

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        networks = NetworkData(ctx.data, ctx.file, ctx.doc, ctx.doc.text)
        return _findings(CHECKS[self.id](CheckContext(networks=networks)))


# --------------------------------------------------------------------------- roles

class RoleNameUnique(_RolesRule):
    """Two roles have the same name.

    Role names are compared lower-cased, as the file names made of them are
    (``puppet/<name lower>-role.yaml``): ``Compute`` and ``compute`` would
    write the same files and declare the same parameters.

    FAIL::

        - name: Compute
        - name: compute

    PASS::

        - name: Compute
        - name: ComputeHCI
    """

    id = "N001"
    name, summary, default_level = _meta("N001")


class RoleNameSafe(_RolesRule):
    """A role name, or its ``deprecated_nic_config_name``, cannot be part of a file name.

    Role names become file names when the templates are rendered: an empty
    name, a path separator, ``..``, white space at either end or a
    non-printable character would write outside the intended file (the
    renderer refuses them too, with R011).

    FAIL::

        - name: Edge/1
          CountDefault: 1

    PASS::

        - name: Edge1
          CountDefault: 1
    """

    id = "N002"
    name, summary, default_level = _meta("N002")


class RoleServiceUnique(_RolesRule):
    """A role lists the same service twice in ``ServicesDefault``.

    Each entry becomes a resource of the role's service chain, so the
    service's configuration, tasks and firewall rules would be applied twice.

    FAIL::

        - name: Compute
          ServicesDefault:
            - OS::TripleO::Services::Ntp
            - OS::TripleO::Services::Ntp

    PASS::

        - name: Compute
          ServicesDefault:
            - OS::TripleO::Services::Ntp
    """

    id = "N003"
    name, summary, default_level = _meta("N003")


class RoleRouteNetworks(_RolesRule):
    """``default_route_networks`` or ``networks_skip_config`` names a network the role is not on.

    Both lists name networks of the role's ``networks`` (``ControlPlane``,
    the provisioning network every node has, is always allowed); any other
    name is silently ignored by the NIC configuration, so the default route
    ends up elsewhere.

    FAIL::

        - name: Controller
          CountDefault: 1
          networks: {InternalApi: {subnet: internal_api_subnet}}
          default_route_networks: [External]

    PASS::

        - name: Controller
          CountDefault: 1
          networks: {External: {subnet: external_subnet}}
          default_route_networks: [External, ControlPlane]
    """

    id = "N005"
    name, summary, default_level = _meta("N005")


class RoleTagKnown(_RolesRule):
    """A role has a tag that no template tests.

    Templates find roles by tag (``primary``, ``controller``, ``compute``,
    ``ceph``, ``storage``, ``external_bridge``, ``ovsdpdk``, ``dpdk``,
    ``standalone``: the set upstream tripleo-heat-templates uses). An unknown
    tag is usually a typo. Option ``extra_tags``: further tags your own
    templates use.

    FAIL::

        - name: Compute
          CountDefault: 1
          tags: [compute, extrnal_bridge]

    PASS::

        - name: Compute
          CountDefault: 1
          tags: [compute, external_bridge]
    """

    id = "N006"
    name, summary, default_level = _meta("N006")
    options: ClassVar[dict[str, Any]] = {"extra_tags": []}

    def context(self, ctx: FileContext) -> CheckContext:
        extra = ctx.option(self, "extra_tags") or []
        return CheckContext(roles=ctx.roles,
                            extra_tags=frozenset(t for t in extra if isinstance(t, str)))


class RolePrimaryUnique(_RolesRule):
    """More than one role is tagged both ``primary`` and ``controller``.

    The templates take the first such role as the primary role (where
    one-off tasks run); the others' tags are silently ignored.

    FAIL::

        - name: Controller
          CountDefault: 3
          tags: [primary, controller]
        - name: ControllerB
          CountDefault: 1
          tags: [primary, controller]

    PASS::

        - name: Controller
          CountDefault: 3
          tags: [primary, controller]
        - name: ControllerB
          CountDefault: 1
          tags: [controller]
    """

    id = "N007"
    name, summary, default_level = _meta("N007")


class RolePrimaryMissing(_RolesRule):
    """No role is the primary role, or a role is tagged ``primary`` without ``controller``.

    With several roles and none tagged both ``primary`` and ``controller``,
    the first role is taken as primary, whatever it is; a ``primary`` tag
    alone does nothing.

    FAIL::

        - name: Compute
          CountDefault: 1
        - name: Controller
          CountDefault: 1
          tags: [primary]

    PASS::

        - name: Controller
          CountDefault: 1
          tags: [primary, controller]
        - name: Compute
          CountDefault: 1
    """

    id = "N008"
    name, summary, default_level = _meta("N008")


class RoleCount(_RolesRule):
    """``CountDefault`` is negative.

    It is the default of the ``<Role>Count`` parameter, a number of nodes.
    (A value that is not an integer is reported by S101.)

    FAIL::

        - name: Compute
          CountDefault: -1

    PASS::

        - name: Compute
          CountDefault: 0
    """

    id = "N009"
    name, summary, default_level = _meta("N009")


class RoleHostnameFormat(_RolesRule):
    """``HostnameFormatDefault`` does not give each node a distinct, valid host name.

    ``%stackname%`` and ``%index%`` are the only placeholders replaced; without
    ``%index%`` every node of the role gets the same name; and the result must
    be a host name (letters, digits and hyphens, at most 63 characters).

    FAIL::

        - name: Compute
          CountDefault: 2
          HostnameFormatDefault: '%stackname%_compute'

    PASS::

        - name: Compute
          CountDefault: 2
          HostnameFormatDefault: '%stackname%-compute-%index%'
    """

    id = "N010"
    name, summary, default_level = _meta("N010")


class RoleDeprecatedKey(_RolesRule):
    """A role uses a deprecated key; the message says what replaces it.

    ``networks`` as a list (use ``{Network: {subnet: name}}``);
    ``uses_deprecated_params``, ``deprecated_param_image``,
    ``disable_constraints``, ``disable_upgrade_deployment`` (read by
    nothing); ``upgrade_batch_size`` (use ``update_serial``);
    ``deprecated_param_extraconfig``, ``deprecated_param_metadata``,
    ``deprecated_param_ips`` (set ``<Role>ExtraConfig``,
    ``<Role>ServerMetadata``, ``<Role>IPs``); ``deprecated_server_resource_name``
    and ``deprecated_nic_config_name`` (the server resource and NIC config
    file take the role's name).

    FAIL::

        - name: Compute
          CountDefault: 1
          networks: [InternalApi, Tenant]
          deprecated_param_ips: NovaComputeIPs

    PASS::

        - name: Compute
          CountDefault: 1
          networks:
            InternalApi: {subnet: internal_api_subnet}
            Tenant: {subnet: tenant_subnet}
    """

    id = "N011"
    name, summary, default_level = _meta("N011")


class RoleFileName(_RolesRule):
    """A file of a ``roles/`` folder holds several roles, or a role not named as the file.

    ``roles generate NAME`` reads ``roles/NAME.yaml`` and renames copies by
    the role's name, so a folder of roles holds one role per file, named as
    the file.

    FAIL::

        # roles/Compute.yaml
        - name: ComputeHCI
          CountDefault: 1

    PASS::

        # roles/ComputeHCI.yaml
        - name: ComputeHCI
          CountDefault: 1
    """

    id = "N012"
    name, summary, default_level = _meta("N012")


class RoleNetworkExists(TreeRule):
    """A role is on a network that the network data does not define, disables, or lacks the subnet of.

    Checked for the tree's ``roles_data.yaml`` against the network data the
    renderer uses with it (``network_data.yaml``, else
    ``network-data-samples/default-network-isolation.yaml``). Roles name
    networks by ``name`` (``InternalApi``, not ``internal_api``); the
    mapping form names the subnet, the list form uses
    ``<name_lower>_subnet``.

    FAIL::

        # network_data.yaml
        - name: InternalApi
          name_lower: internal_api
          subnets: {internal_api_subnet: {ip_subnet: 172.16.2.0/24}}
        # roles_data.yaml
        - name: Compute
          CountDefault: 1
          networks: {InternalApi: {subnet: internal_api_leaf1}, Storage: {subnet: storage_subnet}}

    PASS::

        - name: Compute
          CountDefault: 1
          networks: {InternalApi: {subnet: internal_api_subnet}}
    """

    id = "N004"
    name, summary, default_level = _meta("N004")
    kinds = frozenset({FileKind.ROLES, FileKind.NETWORKS})

    def collect(self, ctx: FileContext) -> Any:
        if ctx.kind is FileKind.ROLES and ctx.file == DEFAULT_ROLES_DATA:
            return ("roles", ctx.data)
        if ctx.kind is FileKind.NETWORKS and ctx.file in DEFAULT_NETWORK_DATA:
            return ("networks", ctx.data)
        return None

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        facts = tree.of(self)
        if DEFAULT_ROLES_DATA not in facts:
            return
        network_file = next((f for f in DEFAULT_NETWORK_DATA if f in facts), None)
        if network_file is None:
            return
        roles = RolesData(facts[DEFAULT_ROLES_DATA][1], DEFAULT_ROLES_DATA)
        networks = NetworkData(facts[network_file][1], network_file)
        yield from _findings(CHECKS[self.id](CheckContext(roles=roles, networks=networks)),
                             DEFAULT_ROLES_DATA)


# --------------------------------------------------------------------------- networks

class NetworkNameUnique(_NetworksRule):
    """Two networks share a ``name`` or a ``name_lower``, or a network two subnet names.

    ``name_lower`` (by default the lower-cased name) names files, parameters
    and ServiceNetMap values; the flat form's subnet is named
    ``<name_lower>_subnet``, which a ``subnets`` entry must not repeat.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
        - name: StorageNFS
          name_lower: storage
          ip_subnet: 172.16.2.0/24

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
        - name: StorageNFS
          name_lower: storage_nfs
          ip_subnet: 172.16.2.0/24
    """

    id = "N101"
    name, summary, default_level = _meta("N101")


class NetworkNameSafe(_NetworksRule):
    """A network ``name`` or ``name_lower`` cannot be part of a file name.

    Network names become file names (``network/<name_lower>.yaml``); see N002.

    FAIL::

        - name: Storage
          name_lower: storage/nfs
          vip: true

    PASS::

        - name: Storage
          name_lower: storage_nfs
          vip: true
    """

    id = "N102"
    name, summary, default_level = _meta("N102")


class NetworkCidr(_NetworksRule):
    """A subnet CIDR does not parse, is of the other IP version, or has host bits set.

    ``ip_subnet`` is an IPv4 CIDR and ``ipv6_subnet`` an IPv6 one, written as
    the network address and a prefix length (Neutron refuses
    ``172.16.1.1/24``; the network is ``172.16.1.0/24``).

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.1/24

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
    """

    id = "N103"
    name, summary, default_level = _meta("N103")


class NetworkIpVersion(_NetworksRule):
    """The ``ipv6`` flag does not match the address families of the network's subnets.

    With ``ipv6: true`` the templates use each subnet's ``ipv6_*`` keys, and
    without it the IPv4 keys: a subnet that lacks the family in use has no
    addresses.

    FAIL::

        - name: Storage
          ipv6: true
          subnets:
            storage_subnet: {ip_subnet: 172.16.1.0/24}

    PASS::

        - name: Storage
          ipv6: true
          subnets:
            storage_subnet: {ipv6_subnet: 'fd00:fd00:fd00:3000::/64'}
    """

    id = "N104"
    name, summary, default_level = _meta("N104")


class NetworkGateway(_NetworksRule):
    """A gateway is not an address inside its subnet.

    ``gateway_ip`` must be an IPv4 address of ``ip_subnet`` (not its network
    or broadcast address), ``gateway_ipv6`` an IPv6 address of ``ipv6_subnet``.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          gateway_ip: 172.16.10.1

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          gateway_ip: 172.16.1.1
    """

    id = "N105"
    name, summary, default_level = _meta("N105")


class NetworkPoolRange(_NetworksRule):
    """An allocation pool is not a range of addresses inside its subnet.

    Both ends are addresses of the subnet's family, inside it (not its IPv4
    network or broadcast address), and the start is not after the end.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          allocation_pools: [{start: 172.16.1.4, end: 172.16.2.250}]

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          allocation_pools: [{start: 172.16.1.4, end: 172.16.1.250}]
    """

    id = "N106"
    name, summary, default_level = _meta("N106")


class NetworkPoolOverlap(_NetworksRule):
    """Two allocation pools of a subnet overlap.

    Neutron refuses overlapping pools.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          allocation_pools:
            - {start: 172.16.1.4, end: 172.16.1.100}
            - {start: 172.16.1.50, end: 172.16.1.250}

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          allocation_pools:
            - {start: 172.16.1.4, end: 172.16.1.100}
            - {start: 172.16.1.101, end: 172.16.1.250}
    """

    id = "N107"
    name, summary, default_level = _meta("N107")


class NetworkPoolGateway(_NetworksRule):
    """An allocation pool holds the subnet's gateway.

    Neutron refuses such a subnet (the gateway would be handed out to a node).

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          gateway_ip: 172.16.1.1
          allocation_pools: [{start: 172.16.1.1, end: 172.16.1.250}]

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          gateway_ip: 172.16.1.1
          allocation_pools: [{start: 172.16.1.4, end: 172.16.1.250}]
    """

    id = "N108"
    name, summary, default_level = _meta("N108")


class NetworkSubnetOverlap(_NetworksRule):
    """Subnets of enabled networks overlap.

    A node on two networks whose subnets overlap cannot tell which interface
    reaches an address; subnets of one network may not overlap either.
    Disabled networks are left out.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.0.0/16
        - name: InternalApi
          ip_subnet: 172.16.2.0/24

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
        - name: InternalApi
          ip_subnet: 172.16.2.0/24
    """

    id = "N109"
    name, summary, default_level = _meta("N109")


class NetworkVlanRange(_NetworksRule):
    """A VLAN ID is outside 1-4094.

    802.1Q VLAN IDs are 12 bits, and 0 and 4095 are reserved.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          vlan: 4095

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          vlan: 30
    """

    id = "N110"
    name, summary, default_level = _meta("N110")


class NetworkVlanUnique(_NetworksRule):
    """Two enabled networks use the same VLAN ID.

    A node on both would get one VLAN interface for two networks. Subnets of
    one network (the leaves of a routed network) may share its VLAN.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          vlan: 30
        - name: StorageMgmt
          ip_subnet: 172.16.3.0/24
          vlan: 30

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          vlan: 30
        - name: StorageMgmt
          ip_subnet: 172.16.3.0/24
          vlan: 40
    """

    id = "N111"
    name, summary, default_level = _meta("N111")


class NetworkMtu(_NetworksRule):
    """A network's MTU is out of range.

    1000-65535 (upstream's network v2 lower bound; 65535 is the largest IP
    packet), and at least 1280 on a network that carries IPv6 (RFC 8200).

    FAIL::

        - name: Storage
          ipv6: true
          ipv6_subnet: 'fd00:fd00:fd00:3000::/64'
          mtu: 1200

    PASS::

        - name: Storage
          ipv6: true
          ipv6_subnet: 'fd00:fd00:fd00:3000::/64'
          mtu: 9000
    """

    id = "N112"
    name, summary, default_level = _meta("N112")


class NetworkRoutes(_NetworksRule):
    """A route lacks a destination CIDR or a next hop reachable on its subnet.

    ``routes`` (IPv4) and ``routes_ipv6`` entries have a ``destination``
    (a CIDR, e.g. ``0.0.0.0/0``) and a ``nexthop`` inside the subnet.

    FAIL::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          routes: [{destination: 172.16.5.0/24, nexthop: 172.16.9.1}]

    PASS::

        - name: Storage
          ip_subnet: 172.16.1.0/24
          routes: [{destination: 172.16.5.0/24, nexthop: 172.16.1.1}]
    """

    id = "N113"
    name, summary, default_level = _meta("N113")


class NetworkVipRoom(_NetworksRule):
    """A VIP network's subnet has no address left for its virtual IP.

    A network with ``vip: true`` gets a virtual IP from its first subnet's
    allocation pools (the whole subnet less the gateway when there are no
    pools; an empty list of pools allocates nothing). Networks whose subnets
    are not written in the file (addresses from parameters) are not checked.

    FAIL::

        - name: InternalApi
          vip: true
          ip_subnet: 172.16.2.0/24
          allocation_pools: []

    PASS::

        - name: InternalApi
          vip: true
          ip_subnet: 172.16.2.0/24
          allocation_pools: [{start: 172.16.2.4, end: 172.16.2.250}]
    """

    id = "N114"
    name, summary, default_level = _meta("N114")


class VipDataReference(TreeRule):
    """VIP data names a network or subnet that the network data lacks, or a fixed address outside it.

    VIP data (``openstack overcloud network vip provision``) names networks
    by ``name_lower`` (``ctlplane`` is the provisioning network, always
    there). Checked when the tree holds exactly one network data file.

    FAIL::

        # network_data.yaml
        - name: External
          name_lower: external
          ip_subnet: 10.0.0.0/24
        # vip_data.yaml
        - network: external
          ip_address: 10.0.1.5

    PASS::

        - network: external
          ip_address: 10.0.0.5
    """

    id = "N201"
    name, summary, default_level = _meta("N201")
    kinds = frozenset({FileKind.NETWORKS, FileKind.YAML})

    def collect(self, ctx: FileContext) -> Any:
        if ctx.kind is FileKind.NETWORKS:
            return ("networks", ctx.data)
        if looks_like_vip_data(ctx.data):
            return ("vips", ctx.data)
        return None

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        facts = tree.of(self)
        networks = [f for f, (kind, _) in facts.items() if kind == "networks"]
        if len(networks) != 1:
            return
        network_data = NetworkData(facts[networks[0]][1], networks[0])
        for file, (kind, data) in sorted(facts.items()):
            if kind == "vips":
                ctx = CheckContext(networks=network_data, vips=VipData(data, file))
                yield from _findings(CHECKS[self.id](ctx), file)
