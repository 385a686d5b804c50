"""A read-only view of TripleO network data: networks, their subnets, pools and routes.

Network data is a YAML list of network mappings, in either of upstream's two
forms, which may be mixed:

* the flat form (before network v2): the first subnet's keys sit on the
  network itself (``ip_subnet``, ``allocation_pools``, ``gateway_ip``,
  ``routes``, ``vlan``, and the ``ipv6_*`` counterparts). That subnet is named
  ``<name_lower>_subnet``, as upstream's ``tools/convert_v1_net_data.py`` and
  its templates name it; further subnets may follow under ``subnets``;
* the subnets form: ``subnets: {subnet_name: {ip_subnet: ..., vlan: ...}}``.

The views wrap the data as loaded and never raise on a wrong shape: a value
of the wrong type reads as absent (the schema rules report it). Addresses stay
the strings written; :func:`parse_network` and :func:`parse_address` turn
them into :mod:`ipaddress` objects for the checks.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..diagnostics import Location, PathElement
from ..yamlio import Document, load_document
from .roles import locate

DocPath = tuple[PathElement, ...]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Keys that describe one subnet; in the flat form they sit on the network.
SUBNET_KEYS = (
    "ip_subnet", "gateway_ip", "allocation_pools", "routes",
    "ipv6_subnet", "gateway_ipv6", "ipv6_allocation_pools", "routes_ipv6",
    "vlan",
)
# Per address family: (subnet key, gateway key, pools key, routes key).
FAMILY_KEYS: dict[int, tuple[str, str, str, str]] = {
    4: ("ip_subnet", "gateway_ip", "allocation_pools", "routes"),
    6: ("ipv6_subnet", "gateway_ipv6", "ipv6_allocation_pools", "routes_ipv6"),
}


def _text(value: Any) -> str | None:
    """A scalar as the string a person wrote; None for absent or structured values."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def parse_network(text: str | None) -> IPNetwork | None:
    """A CIDR written exactly (no host bits set), or None."""
    if text is None:
        return None
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError:
        return None


def parse_address(text: str | None) -> IPAddress | None:
    if text is None:
        return None
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Pool:
    start: str | None
    end: str | None
    path: DocPath  # the pool's mapping

    @property
    def start_address(self) -> IPAddress | None:
        return parse_address(self.start)

    @property
    def end_address(self) -> IPAddress | None:
        return parse_address(self.end)

    @property
    def size(self) -> int:
        """How many addresses the pool holds (0 when it cannot be parsed or is reversed)."""
        start, end = self.start_address, self.end_address
        if start is None or end is None or start.version != end.version or int(end) < int(start):
            return 0
        return int(end) - int(start) + 1


@dataclass(frozen=True)
class Route:
    destination: str | None
    nexthop: str | None
    path: DocPath
    definition: Any


@dataclass(frozen=True)
class Subnet:
    """One subnet of a network. ``path`` is the mapping holding its keys: the network itself
    for the flat form's subnet (``implicit``), else ``(i, "subnets", name)``."""

    name: str
    definition: Mapping[str, Any]
    path: DocPath
    implicit: bool = False

    def _get(self, key: str) -> Any:
        return self.definition.get(key)

    @property
    def ip_subnet(self) -> str | None:
        return _text(self._get("ip_subnet"))

    @property
    def ipv6_subnet(self) -> str | None:
        return _text(self._get("ipv6_subnet"))

    @property
    def gateway_ip(self) -> str | None:
        return _text(self._get("gateway_ip"))

    @property
    def gateway_ipv6(self) -> str | None:
        return _text(self._get("gateway_ipv6"))

    @property
    def vlan(self) -> Any:
        return self._get("vlan")

    def cidr(self, version: int) -> str | None:
        return _text(self._get(FAMILY_KEYS[version][0]))

    def network(self, version: int) -> IPNetwork | None:
        """The subnet's CIDR of that IP version, when it parses and is of that version."""
        net = parse_network(self.cidr(version))
        return net if net is not None and net.version == version else None

    @property
    def ipv4(self) -> ipaddress.IPv4Network | None:
        net = self.network(4)
        return net if isinstance(net, ipaddress.IPv4Network) else None

    @property
    def ipv6(self) -> ipaddress.IPv6Network | None:
        net = self.network(6)
        return net if isinstance(net, ipaddress.IPv6Network) else None

    def gateway(self, version: int) -> str | None:
        return _text(self._get(FAMILY_KEYS[version][1]))

    def pools(self, version: int) -> tuple[Pool, ...]:
        key = FAMILY_KEYS[version][2]
        value = self._get(key)
        if not isinstance(value, list):
            return ()
        return tuple(
            Pool(_text(p.get("start")), _text(p.get("end")), (*self.path, key, i))
            for i, p in enumerate(value) if isinstance(p, dict)
        )

    @property
    def allocation_pools(self) -> tuple[Pool, ...]:
        return self.pools(4)

    @property
    def ipv6_allocation_pools(self) -> tuple[Pool, ...]:
        return self.pools(6)

    def routes(self, version: int) -> tuple[Route, ...]:
        key = FAMILY_KEYS[version][3]
        value = self._get(key)
        if not isinstance(value, list):
            return ()
        return tuple(
            Route(_text(r.get("destination")) if isinstance(r, dict) else None,
                  _text(r.get("nexthop")) if isinstance(r, dict) else None,
                  (*self.path, key, i), r)
            for i, r in enumerate(value)
        )

    @property
    def versions(self) -> tuple[int, ...]:
        """The IP versions this subnet has a CIDR key for (4, 6 or both)."""
        return tuple(v for v in (4, 6) if self._get(FAMILY_KEYS[v][0]) is not None)

    def free_addresses(self, version: int) -> int:
        """Addresses available for allocation, as Neutron allocates them: the pools' sizes
        (an empty list of pools allocates nothing), or, with no pools key, the subnet's
        usable hosts less the gateway."""
        if isinstance(self._get(FAMILY_KEYS[version][2]), list):
            return sum(p.size for p in self.pools(version))
        net = self.network(version)
        if net is None:
            return 0
        usable = net.num_addresses
        if version == 4 and net.prefixlen < 31:
            usable -= 2  # network and broadcast addresses
        elif version == 6:
            usable -= 1  # the subnet-router anycast address
        gateway = parse_address(self.gateway(version))
        if gateway is not None and gateway in net:
            usable -= 1
        return max(usable, 0)


@dataclass(frozen=True)
class Network:
    name: str
    definition: Mapping[str, Any]
    path: DocPath  # (index,)

    def get(self, key: str, default: Any = None) -> Any:
        return self.definition.get(key, default)

    @property
    def index(self) -> int:
        return int(self.path[-1]) if self.path and isinstance(self.path[-1], int) else 0

    @property
    def name_lower(self) -> str:
        """``name_lower`` when given, else the lower-cased name (upstream's default)."""
        value = self.definition.get("name_lower")
        return value if isinstance(value, str) and value else self.name.lower()

    @property
    def enabled(self) -> bool:
        return self.definition.get("enabled") is not False

    @property
    def vip(self) -> bool:
        return self.definition.get("vip") is True

    @property
    def ipv6(self) -> bool:
        return self.definition.get("ipv6") is True

    @property
    def mtu(self) -> Any:
        return self.definition.get("mtu")

    @property
    def is_flat(self) -> bool:
        """Whether subnet keys sit on the network itself (the form before network v2)."""
        return any(key in self.definition for key in SUBNET_KEYS)

    @property
    def default_subnet_name(self) -> str:
        return f"{self.name_lower}_subnet"

    @cached_property
    def subnets(self) -> tuple[Subnet, ...]:
        found: list[Subnet] = []
        if self.is_flat:
            found.append(Subnet(self.default_subnet_name, self.definition, self.path, implicit=True))
        value = self.definition.get("subnets")
        if isinstance(value, dict):
            for name, spec in value.items():
                if isinstance(spec, dict):
                    found.append(Subnet(str(name), spec, (*self.path, "subnets", name)))
        return tuple(found)

    def subnet(self, name: str) -> Subnet | None:
        for subnet in self.subnets:
            if subnet.name == name:
                return subnet
        return None

    @property
    def subnet_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.subnets)


@dataclass
class NetworkData:
    """A network data document: its networks, with positions for findings."""

    data: Any
    file: str = "network_data.yaml"
    document: Document | None = None
    text: str | None = None

    @cached_property
    def networks(self) -> tuple[Network, ...]:
        if not isinstance(self.data, list):
            return ()
        return tuple(
            Network(item["name"], item, (i,))
            for i, item in enumerate(self.data)
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        )

    def __iter__(self) -> Iterator[Network]:
        return iter(self.networks)

    def __len__(self) -> int:
        return len(self.networks)

    def get(self, name: str) -> Network | None:
        for network in self.networks:
            if network.name == name:
                return network
        return None

    def by_name_lower(self, name_lower: str) -> Network | None:
        for network in self.networks:
            if network.name_lower == name_lower:
                return network
        return None

    @property
    def enabled(self) -> tuple[Network, ...]:
        return tuple(n for n in self.networks if n.enabled)

    def locate(self, path: DocPath, prefer: str = "value") -> Location:
        return locate(self.document, self.text, self.file, path, prefer)


def parse_network_data(text: str, file: str = "network_data.yaml") -> NetworkData:
    """Network data from YAML text; raises :class:`tht_gen.yamlio.YamlSyntaxError`.
    An empty file is an empty list of networks, as upstream reads it."""
    document = load_document(text)
    data = document.data if document.data is not None else []
    return NetworkData(data, file, document, text)


def load_network_data(path: str | os.PathLike[str], display: str | None = None) -> NetworkData:
    """Network data from a file. Raises OSError, UnicodeDecodeError or YamlSyntaxError."""
    p = Path(path)
    return parse_network_data(p.read_text(encoding="utf-8"), display or p.as_posix())


@dataclass(frozen=True)
class Vip:
    """One entry of VIP data (``openstack overcloud network vip provision``): a virtual IP on
    a network (by ``name_lower``), optionally on a given subnet or at a fixed address."""

    definition: Mapping[str, Any]
    path: DocPath

    @property
    def network(self) -> str | None:
        return _text(self.definition.get("network"))

    @property
    def subnet(self) -> str | None:
        return _text(self.definition.get("subnet"))

    @property
    def ip_address(self) -> str | None:
        return _text(self.definition.get("ip_address"))


@dataclass
class VipData:
    data: Any
    file: str = "vip_data.yaml"
    document: Document | None = None
    text: str | None = None

    @cached_property
    def vips(self) -> tuple[Vip, ...]:
        if not isinstance(self.data, list):
            return ()
        return tuple(Vip(item, (i,)) for i, item in enumerate(self.data) if isinstance(item, dict))

    def __iter__(self) -> Iterator[Vip]:
        return iter(self.vips)

    def locate(self, path: DocPath, prefer: str = "value") -> Location:
        return locate(self.document, self.text, self.file, path, prefer)


def parse_vip_data(text: str, file: str = "vip_data.yaml") -> VipData:
    document = load_document(text)
    return VipData(document.data if document.data is not None else [], file, document, text)


def looks_like_vip_data(data: Any) -> bool:
    """A non-empty list of mappings that each name a ``network`` (network data entries never
    have that key; they have ``name``, ``name_lower`` and ``subnets``)."""
    return (isinstance(data, list) and bool(data)
            and all(isinstance(i, dict) and "network" in i and "subnets" not in i for i in data))
