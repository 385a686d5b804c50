"""Checks of network data (rules N101-N114) and VIP data (N201), with the stdlib ipaddress module.

Addresses are compared as Neutron compares them when the networks are
provisioned: a CIDR has no host bits set; an IPv4 gateway or pool address is
neither the network nor the broadcast address; pools of a subnet do not
overlap and do not hold the gateway.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from ..model.networks import (
    FAMILY_KEYS,
    IPAddress,
    IPNetwork,
    Network,
    Subnet,
    parse_address,
)
from ..render.data import unsafe_name_reason
from . import CheckContext, DocPath, Finding, check, describe

VLAN_MIN, VLAN_MAX = 1, 4094  # IEEE 802.1Q: 0 and 4095 are reserved
MTU_MAX = 65535  # the largest IP packet
MTU_MIN = {4: 1000, 6: 1280}  # upstream's network v2 lower bound; RFC 8200 for IPv6
# The undercloud's provisioning network: VIP data may name it without network data defining it.
CTLPLANE = "ctlplane"


def _networks(ctx: CheckContext, enabled_only: bool = False) -> tuple[Network, ...]:
    if ctx.networks is None:
        return ()
    return ctx.networks.enabled if enabled_only else ctx.networks.networks


def _subnets(ctx: CheckContext, enabled_only: bool = False) -> Iterator[tuple[Network, Subnet]]:
    for network in _networks(ctx, enabled_only):
        for subnet in network.subnets:
            yield network, subnet


def _where(network: Network, subnet: Subnet) -> str:
    return f"network {network.name!r}" + ("" if subnet.implicit else f" subnet {subnet.name!r}")


def _version_word(version: int) -> str:
    return "IPv4" if version == 4 else "IPv6"


@check("N101", "network-name-unique", "network names, name_lower and subnet names are unique",
       "networks")
def unique_names(ctx: CheckContext) -> Iterator[Finding]:
    names: dict[str, Network] = {}
    lowers: dict[str, Network] = {}
    for network in _networks(ctx):
        first = names.get(network.name)
        if first is not None:
            yield Finding((*network.path, "name"), f"network {network.name!r} is defined more "
                          "than once", hint=f"the first definition is network number {first.index + 1}")
        names.setdefault(network.name, network)
        if network.enabled:
            other = lowers.get(network.name_lower)
            if other is not None and other is not first:
                given = "name_lower" in network.definition
                yield Finding((*network.path, "name_lower" if given else "name"),
                              f"networks {other.name!r} and {network.name!r} have the same "
                              f"name_lower {network.name_lower!r}",
                              hint="name_lower names files, parameters and ServiceNetMap values; "
                                   "it defaults to the lower-cased name")
            lowers.setdefault(network.name_lower, network)
        subnet_names: set[str] = set()
        for subnet in network.subnets:
            if subnet.name in subnet_names:
                yield Finding(subnet.path, f"network {network.name!r} has two subnets named "
                              f"{subnet.name!r} (the flat form's subnet is named "
                              f"{network.default_subnet_name!r})", prefer="key")
            subnet_names.add(subnet.name)


@check("N102", "network-name-safe", "network names and name_lower are safe as file names",
       "networks")
def safe_names(ctx: CheckContext) -> Iterator[Finding]:
    for network in _networks(ctx):
        for key in ("name", "name_lower"):
            value = network.get(key)
            if key == "name_lower" and value is None:
                continue
            reason = unsafe_name_reason(value)
            if reason:
                yield Finding((*network.path, key), f"network {key} {value!r} {reason}; network "
                              "names become file names")


@check("N103", "network-cidr", "subnet CIDRs are valid networks of the right IP version",
       "networks")
def cidrs(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        for version in (4, 6):
            key = FAMILY_KEYS[version][0]
            text = subnet.cidr(version)
            if text is None:
                continue
            path = (*subnet.path, key)
            problem = _cidr_problem(text, version)
            if problem:
                message, hint = problem
                yield Finding(path, f"{key} of {_where(network, subnet)} {message}", hint=hint)


def _cidr_problem(text: str, version: int) -> tuple[str, str | None] | None:
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return f"is {describe(text)}, not a CIDR", "write an address and a prefix length, " + (
            "e.g. 172.16.2.0/24" if version == 4 else "e.g. fd00:fd00:fd00:2000::/64")
    if net.version != version:
        other = FAMILY_KEYS[net.version][0]
        return f"is an {_version_word(net.version)} CIDR", f"put it under {other}"
    if "/" not in text:
        return f"is {text!r}, an address without a prefix length", f"e.g. {net.network_address}/24"
    if _strict(text) is None:
        return f"is {text!r}, which has host bits set", f"the network is {net}"
    return None


def _strict(text: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError:
        return None


@check("N104", "network-ip-version", "the ipv6 flag matches the subnets' address families",
       "networks")
def ipv6_flag(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        versions = subnet.versions
        if not versions:
            continue
        if network.ipv6 and 6 not in versions:
            yield Finding(subnet.path, f"{_where(network, subnet)} has no ipv6_subnet, but the "
                          "network has ipv6: true, so its IPv6 keys are the ones used",
                          hint="add ipv6_subnet (and its pools and gateway), or drop ipv6: true",
                          prefer="key")
        elif not network.ipv6 and 4 not in versions:
            yield Finding(subnet.path, f"{_where(network, subnet)} has only an IPv6 subnet, but "
                          "the network lacks ipv6: true, so its ip_subnet is the one used",
                          hint="set ipv6: true on the network", prefer="key")


def _subnet_net(subnet: Subnet, version: int) -> IPNetwork | None:
    return subnet.network(version)


def _address_problem(text: str, version: int, net: IPNetwork | None) -> str | None:
    """Why ``text`` cannot be a host address of ``net`` (None when it can)."""
    address = parse_address(text)
    if address is None:
        return f"is {describe(text)}, not an IP address"
    if address.version != version:
        return f"is an {_version_word(address.version)} address"
    if net is None:
        return None
    if address not in net:
        return f"is {address}, outside the subnet {net}"
    if version == 4 and net.prefixlen < 31:
        if address == net.network_address:
            return f"is {address}, the subnet's network address"
        if address == net.broadcast_address:
            return f"is {address}, the subnet's broadcast address"
    if version == 6 and address == net.network_address:
        return f"is {address}, the subnet's router anycast address"
    return None


@check("N105", "network-gateway", "gateways are addresses inside their subnet", "networks")
def gateways(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        for version in (4, 6):
            key = FAMILY_KEYS[version][1]
            text = subnet.gateway(version)
            if text is None:
                continue
            problem = _address_problem(text, version, _subnet_net(subnet, version))
            if problem:
                yield Finding((*subnet.path, key), f"{key} of {_where(network, subnet)} {problem}")


@check("N106", "network-pool-range", "allocation pools are ranges inside their subnet", "networks")
def pool_ranges(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        for version in (4, 6):
            key = FAMILY_KEYS[version][2]
            net = _subnet_net(subnet, version)
            for pool in subnet.pools(version):
                bad = False
                for end_key, text in (("start", pool.start), ("end", pool.end)):
                    if text is None:
                        continue  # the schema reports a missing start or end
                    problem = _address_problem(text, version, net)
                    if problem:
                        bad = True
                        yield Finding((*pool.path, end_key), f"allocation pool {end_key} in {key} "
                                      f"of {_where(network, subnet)} {problem}")
                start, end = pool.start_address, pool.end_address
                if not bad and start is not None and end is not None and int(end) < int(start):
                    yield Finding((*pool.path, "end"), f"allocation pool in {key} of "
                                  f"{_where(network, subnet)} ends at {end}, before its start "
                                  f"{start}")


def _valid_pools(subnet: Subnet, version: int) -> list[tuple[DocPath, IPAddress, IPAddress]]:
    found = []
    for pool in subnet.pools(version):
        start, end = pool.start_address, pool.end_address
        if start is not None and end is not None and start.version == end.version == version \
                and int(start) <= int(end):
            found.append((pool.path, start, end))
    return found


@check("N107", "network-pool-overlap", "a subnet's allocation pools do not overlap", "networks")
def pool_overlaps(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        for version in (4, 6):
            pools = _valid_pools(subnet, version)
            for i, (path, start, end) in enumerate(pools):
                for _, other_start, other_end in pools[:i]:
                    if int(start) <= int(other_end) and int(other_start) <= int(end):
                        yield Finding(path, f"allocation pool {start}-{end} of "
                                      f"{_where(network, subnet)} overlaps pool "
                                      f"{other_start}-{other_end}", prefer="key")
                        break


@check("N108", "network-pool-gateway", "allocation pools do not hold the gateway", "networks")
def pool_gateway(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        for version in (4, 6):
            gateway = parse_address(subnet.gateway(version))
            if gateway is None or gateway.version != version:
                continue
            for path, start, end in _valid_pools(subnet, version):
                if int(start) <= int(gateway) <= int(end):
                    yield Finding(path, f"allocation pool {start}-{end} of "
                                  f"{_where(network, subnet)} holds its gateway {gateway}",
                                  hint="Neutron refuses such a subnet; start the pool after the "
                                       "gateway", prefer="key")


@check("N109", "network-subnet-overlap", "subnets of enabled networks do not overlap", "networks")
def subnet_overlaps(ctx: CheckContext) -> Iterator[Finding]:
    seen: list[tuple[Network, Subnet, IPNetwork]] = []
    for network, subnet in _subnets(ctx, enabled_only=True):
        for version in (4, 6):
            net = _subnet_net(subnet, version)
            if net is None:
                continue
            for other_network, other_subnet, other in seen:
                if other.version == net.version and net.overlaps(other):
                    same = other_network is network
                    them = (f"subnet {other_subnet.name!r}" if same
                            else _where(other_network, other_subnet))
                    yield Finding((*subnet.path, FAMILY_KEYS[version][0]),
                                  f"{_where(network, subnet)} ({net}) overlaps {them} ({other})",
                                  hint=None if same else "hosts on both networks could not "
                                  "route between them")
                    break
            seen.append((network, subnet, net))


def _vlan_value(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@check("N110", "network-vlan-range", "VLAN IDs are between 1 and 4094", "networks")
def vlan_ranges(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        value = subnet.vlan
        if value is None:
            continue
        vlan = _vlan_value(value)
        if vlan is None:
            if isinstance(value, str) and value.strip().isdigit():
                vlan = int(value)
            else:
                continue  # not a number: the schema reports it
        if not VLAN_MIN <= vlan <= VLAN_MAX:
            yield Finding((*subnet.path, "vlan"), f"vlan of {_where(network, subnet)} is {vlan}, "
                          f"outside {VLAN_MIN}-{VLAN_MAX}",
                          hint="802.1Q VLAN IDs are 12 bits; 0 and 4095 are reserved")


@check("N111", "network-vlan-unique", "each VLAN ID belongs to one network", "networks")
def vlan_unique(ctx: CheckContext) -> Iterator[Finding]:
    owners: dict[int, Network] = {}
    for network, subnet in _subnets(ctx, enabled_only=True):
        vlan = _vlan_value(subnet.vlan)
        if vlan is None:
            continue
        owner = owners.setdefault(vlan, network)
        if owner is not network:
            yield Finding((*subnet.path, "vlan"), f"vlan {vlan} of {_where(network, subnet)} is "
                          f"also the VLAN of network {owner.name!r}",
                          hint="a node on both networks would get one VLAN interface for both")


@check("N112", "network-mtu", "MTUs are in range for the network's IP versions", "networks")
def mtus(ctx: CheckContext) -> Iterator[Finding]:
    for network in _networks(ctx):
        value = network.mtu
        if not isinstance(value, int) or isinstance(value, bool):
            continue  # absent (1500) or not a number (the schema reports it)
        carries_v6 = network.ipv6 or any(6 in s.versions for s in network.subnets)
        low = MTU_MIN[6] if carries_v6 else MTU_MIN[4]
        if not low <= value <= MTU_MAX:
            why = " (IPv6 needs at least 1280)" if carries_v6 and value < MTU_MIN[6] else ""
            yield Finding((*network.path, "mtu"), f"mtu of network {network.name!r} is {value}, "
                          f"outside {low}-{MTU_MAX}{why}")


@check("N113", "network-routes", "routes have a destination CIDR and a reachable next hop",
       "networks")
def routes(ctx: CheckContext) -> Iterator[Finding]:
    for network, subnet in _subnets(ctx):
        for version in (4, 6):
            key = FAMILY_KEYS[version][3]
            net = _subnet_net(subnet, version)
            for route in subnet.routes(version):
                if not isinstance(route.definition, dict):
                    continue  # the schema reports it
                where = f"route in {key} of {_where(network, subnet)}"
                if route.destination is None:
                    yield Finding(route.path, f"{where} has no destination", prefer="key")
                else:
                    problem = _cidr_problem(route.destination, version)
                    if problem:
                        yield Finding((*route.path, "destination"),
                                      f"destination of {where} {problem[0]}", hint=problem[1])
                if route.nexthop is None:
                    yield Finding(route.path, f"{where} has no nexthop", prefer="key")
                    continue
                nexthop = parse_address(route.nexthop)
                if nexthop is None:
                    yield Finding((*route.path, "nexthop"), f"nexthop of {where} is "
                                  f"{describe(route.nexthop)}, not an IP address")
                elif nexthop.version != version:
                    yield Finding((*route.path, "nexthop"), f"nexthop of {where} is an "
                                  f"{_version_word(nexthop.version)} address")
                elif net is not None and nexthop not in net:
                    yield Finding((*route.path, "nexthop"), f"nexthop {nexthop} of {where} is "
                                  f"outside the subnet {net}, so it cannot be reached directly")


def _vip_subnet(network: Network, name: str | None) -> Subnet | None:
    if name is not None:
        return network.subnet(name)
    return network.subnets[0] if network.subnets else None


@check("N114", "network-vip-room", "a VIP network has addresses left for its VIPs", "networks")
def vip_room(ctx: CheckContext) -> Iterator[Finding]:
    wanted: dict[tuple[str, str | None], int] = {}
    if ctx.vips is not None:
        for vip in ctx.vips:
            if vip.network is not None and vip.ip_address is None:
                key = (vip.network, vip.subnet)
                wanted[key] = wanted.get(key, 0) + 1
    for network in _networks(ctx, enabled_only=True):
        requests = {k: v for k, v in wanted.items() if k[0] == network.name_lower}
        if not requests:
            if not network.vip:
                continue
            requests = {(network.name_lower, None): 1}
        for (_, subnet_name), count in requests.items():
            subnet = _vip_subnet(network, subnet_name)
            if subnet is None or not subnet.versions:
                continue  # no addresses written here: they come from parameters
            version = 6 if network.ipv6 and 6 in subnet.versions else 4
            if version not in subnet.versions:
                continue
            free = subnet.free_addresses(version)
            if free < count:
                vips = "a VIP" if count == 1 else f"{count} VIPs"
                yield Finding(subnet.path if not subnet.implicit else (*network.path, "vip"),
                              f"{_where(network, subnet)} needs {vips} but its allocation "
                              f"pools hold {free} address{'es' if free != 1 else ''}",
                              hint="widen the allocation pools", prefer="key")


@check("N201", "vip-data-reference", "VIP data names networks and subnets that exist, and fixed "
       "addresses inside them", "vips")
def vip_references(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.vips is None or ctx.networks is None:
        return
    for vip in ctx.vips:
        if vip.network is None or vip.network == CTLPLANE:
            continue
        network = ctx.networks.by_name_lower(vip.network)
        if network is None or not network.enabled:
            state = "does not define" if network is None else "disables"
            yield Finding((*vip.path, "network"), f"VIP on network {vip.network!r}, which "
                          f"{ctx.networks.file} {state} (VIP data names networks by name_lower)")
            continue
        subnet = _vip_subnet(network, vip.subnet)
        if vip.subnet is not None and subnet is None:
            yield Finding((*vip.path, "subnet"), f"VIP on subnet {vip.subnet!r}, which network "
                          f"{network.name!r} does not have; its subnets: "
                          f"{', '.join(network.subnet_names)}")
            continue
        if vip.ip_address is not None and subnet is not None and subnet.versions:
            version = 6 if network.ipv6 and 6 in subnet.versions else 4
            problem = _address_problem(vip.ip_address, version, subnet.network(version))
            if problem:
                yield Finding((*vip.path, "ip_address"), f"VIP ip_address {problem}")
