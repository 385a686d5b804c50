"""The typed views of roles data and network data: both network forms, defaults, wrong shapes."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from tht_gen.model.networks import (
    Network,
    looks_like_vip_data,
    parse_network_data,
    parse_vip_data,
)
from tht_gen.model.roles import load_roles_folder, parse_roles_data
from tht_gen.yamlio import YamlSyntaxError

ROLES = """\
- name: Controller
  description: |
    Controller node. Runs the APIs.
  tags: [primary, controller]
  CountDefault: 3
  networks:
    External: {subnet: external_subnet}
    InternalApi: {subnet: internal_api_leaf1}
  default_route_networks: [External]
  ServicesDefault:
    - OS::TripleO::Services::Ntp
    - 42
    - OS::TripleO::Services::Ntp
- name: Compute
  networks: [InternalApi, Tenant]
- description: no name
- 7
"""


def test_roles_view() -> None:
    data = parse_roles_data(ROLES, "r.yaml")
    assert data.names == ("Controller", "Compute")
    controller, compute = data.roles
    assert controller.path == (0,) and compute.index == 1
    assert controller.summary == "Controller node."
    assert controller.tags == ("primary", "controller") and controller.is_primary
    assert controller.services == ("OS::TripleO::Services::Ntp", "OS::TripleO::Services::Ntp")
    assert [p for _, p in controller.service_items()] == [(0, "ServicesDefault", 0),
                                                          (0, "ServicesDefault", 2)]
    assert controller.networks_form == "mapping"
    assert [(n.name, n.subnet, n.path) for n in controller.networks] == [
        ("External", "external_subnet", (0, "networks", "External")),
        ("InternalApi", "internal_api_leaf1", (0, "networks", "InternalApi"))]
    assert compute.networks_form == "list"
    assert [(n.name, n.subnet) for n in compute.networks] == [("InternalApi", None), ("Tenant", None)]
    assert compute.tags == () and compute.count_default is None and compute.description == ""
    assert data.primary is controller and data.get("Nope") is None


def test_primary_falls_back_to_the_first_role() -> None:
    data = parse_roles_data("- name: A\n  tags: [primary]\n- name: B\n")
    assert data.primary is not None and data.primary.name == "A"
    assert not data.roles[0].is_primary


def test_roles_locate_points_at_values_and_keys() -> None:
    data = parse_roles_data(ROLES, "r.yaml")
    at = data.locate((0, "CountDefault"))
    assert (at.file, at.line, at.column) == ("r.yaml", 5, 17)
    assert data.locate((0, "networks", "InternalApi")).line == 8
    assert (data.locate((0, "tags")).line, data.locate((0, "tags")).column) == (4, 3)


@pytest.mark.parametrize("text", ["", "{}", "a: 1\n", "- 1\n- [2]\n", "7"])
def test_any_shape_loads_with_no_roles(text: str) -> None:
    assert parse_roles_data(text).roles == ()


def test_syntax_errors_raise_with_a_position() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        parse_roles_data("- name: A\n  tags: [x\n")
    assert info.value.line >= 2


NETWORKS = """\
- name: InternalApi
  vip: true
  ip_subnet: 172.16.2.0/24
  gateway_ip: 172.16.2.1
  allocation_pools: [{start: 172.16.2.4, end: 172.16.2.250}]
  routes: [{destination: 10.0.0.0/8, nexthop: 172.16.2.1}]
  vlan: 20
  subnets:
    internal_api_leaf1:
      ip_subnet: 172.16.12.0/24
      ipv6_subnet: fd00:fd00:fd00:2001::/64
      ipv6_allocation_pools: [{start: 'fd00:fd00:fd00:2001::10', end: 'fd00:fd00:fd00:2001::1f'}]
- name: Storage
  name_lower: storage_net
  enabled: false
  ipv6: true
  mtu: 9000
- name: Tenant
  subnets: {tenant_subnet: {ip_subnet: 172.16.0.0/29}}
"""


def test_network_views_in_both_forms() -> None:
    data = parse_network_data(NETWORKS, "n.yaml")
    api, storage, tenant = data.networks
    assert api.name_lower == "internalapi" and api.vip and api.enabled and api.is_flat
    assert [s.name for s in api.subnets] == ["internalapi_subnet", "internal_api_leaf1"]
    flat, leaf = api.subnets
    assert flat.implicit and flat.path == (0,) and leaf.path == (0, "subnets", "internal_api_leaf1")
    assert flat.ipv4 == ipaddress.ip_network("172.16.2.0/24") and flat.ipv6 is None
    assert flat.vlan == 20 and flat.versions == (4,)
    assert [(p.start, p.end, p.size) for p in flat.allocation_pools] == [
        ("172.16.2.4", "172.16.2.250", 247)]
    assert [(r.destination, r.nexthop) for r in flat.routes(4)] == [("10.0.0.0/8", "172.16.2.1")]
    assert leaf.versions == (4, 6) and leaf.ipv6_allocation_pools[0].size == 16
    assert storage.name_lower == "storage_net" and not storage.enabled and storage.ipv6
    assert storage.subnets == () and storage.mtu == 9000
    assert not tenant.is_flat and tenant.subnet_names == ("tenant_subnet",)
    assert data.by_name_lower("storage_net") is storage and [n.name for n in data.enabled] == [
        "InternalApi", "Tenant"]


@pytest.mark.parametrize(
    ("subnet", "version", "free"),
    [
        ({"ip_subnet": "172.16.0.0/29"}, 4, 6),  # 8 less network and broadcast
        ({"ip_subnet": "172.16.0.0/29", "gateway_ip": "172.16.0.1"}, 4, 5),
        ({"ip_subnet": "172.16.0.0/31"}, 4, 2),  # RFC 3021: both addresses usable
        ({"ip_subnet": "172.16.0.0/24", "allocation_pools": [{"start": "172.16.0.10",
                                                              "end": "172.16.0.19"}]}, 4, 10),
        ({"ipv6_subnet": "fd00::/126"}, 6, 3),
        ({"ip_subnet": "bogus"}, 4, 0),
        ({"ip_subnet": "172.16.0.0/24", "allocation_pools": [{"start": "172.16.0.19",
                                                              "end": "172.16.0.10"}]}, 4, 0),
    ],
)
def test_free_addresses(subnet: dict[str, object], version: int, free: int) -> None:
    network = Network("A", {"name": "A", "subnets": {"a": subnet}}, (0,))
    assert network.subnets[0].free_addresses(version) == free


@pytest.mark.parametrize("text", ["", "{}", "- 1\n", "- {name: 3}\n", "- {name: A, subnets: [1]}\n",
                                  "- {name: A, allocation_pools: 5, routes: [7]}\n"])
def test_network_views_tolerate_any_shape(text: str) -> None:
    data = parse_network_data(text)
    for network in data:
        for subnet in network.subnets:
            assert subnet.pools(4) == () and subnet.cidr(4) is None
            assert all(r.destination is None for r in subnet.routes(4))


def test_vip_data() -> None:
    text = "- {network: external, ip_address: 10.0.0.5}\n- {network: internal_api, subnet: s1}\n"
    vips = parse_vip_data(text)
    assert [(v.network, v.subnet, v.ip_address) for v in vips] == [
        ("external", None, "10.0.0.5"), ("internal_api", "s1", None)]
    assert looks_like_vip_data(vips.data)
    assert not looks_like_vip_data(parse_network_data(NETWORKS).data)
    assert not looks_like_vip_data([])


def test_roles_folder(tmp_path: Path) -> None:
    (tmp_path / "Compute.yaml").write_text("- name: Compute\n  ServicesDefault: []\n")
    (tmp_path / "Broken.yaml").write_text("- name: [\n")
    (tmp_path / "README.rst").write_text("not a role\n")
    folder = load_roles_folder(tmp_path, "roles")
    assert folder.names == ["Broken", "Compute"]
    compute = folder.files["Compute"]
    assert compute.role is not None and compute.role.name == "Compute"
    assert compute.data is not None and compute.data.file == "roles/Compute.yaml"
    broken = folder.files["Broken"]
    assert broken.role is None and broken.error is not None and broken.error.startswith("not valid YAML")
    assert broken.error_at[0] >= 1
