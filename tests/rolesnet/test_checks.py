"""Each roles, networks and VIP check fires on its fault, at the right line and column, and is
silent on the same file without the fault."""

from __future__ import annotations

import textwrap

import pytest

from tht_gen.checks import CHECKS, CheckContext, ServiceRegistry, all_checks, run_checks, validate_roles
from tht_gen.diagnostics import Severity
from tht_gen.model.networks import parse_network_data, parse_vip_data
from tht_gen.model.roles import parse_roles_data

NETWORKS = """\
- name: External
  name_lower: external
  vip: true
  ip_subnet: 10.0.0.0/24
  gateway_ip: 10.0.0.1
  allocation_pools: [{start: 10.0.0.4, end: 10.0.0.250}]
  vlan: 10
- name: InternalApi
  name_lower: internal_api
  vip: true
  subnets:
    internal_api_subnet:
      ip_subnet: 172.16.2.0/24
      allocation_pools: [{start: 172.16.2.4, end: 172.16.2.250}]
      vlan: 20
    internal_api_leaf1:
      ip_subnet: 172.16.12.0/24
      vlan: 20
- name: Tenant
  ip_subnet: 172.16.0.0/24
- name: Management
  enabled: false
  ip_subnet: 10.0.1.0/24
"""

REGISTRY = ServiceRegistry(frozenset({"OS::TripleO::Services::Ntp", "OS::TripleO::Services::NovaCompute"}),
                           {"OS::TripleO::Services::NovaComputeAlt": ["environments/alt.yaml"]})


def roles(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


# (case id, roles data, expected [(rule, line, column)]); checked with NETWORKS and REGISTRY
ROLE_CASES = [
    ("good", """
        - name: Controller
          tags: [primary, controller]
          CountDefault: 3
          HostnameFormatDefault: '%stackname%-controller-%index%'
          networks:
            External: {subnet: external_subnet}
            InternalApi: {subnet: internal_api_leaf1}
          default_route_networks: [External, ControlPlane]
          ServicesDefault: [OS::TripleO::Services::Ntp, OS::TripleO::Services::NovaComputeAlt]
        - name: Compute
          tags: [compute]
          networks: {Tenant: {subnet: tenant_subnet}}
          networks_skip_config: [Tenant]
        """, []),
    ("N001 same name", """
        - name: Compute
          tags: [primary, controller]
        - name: compute
        """, [("N001", 3, 9)]),
    ("N002 unsafe name", """
        - name: Compute
          tags: [primary, controller]
        - name: ' Edge'
        - name: Edge
          deprecated_nic_config_name: ../edge.yaml
        """, [("N002", 3, 9), ("N002", 5, 31), ("N011", 5, 3)]),
    ("N003 service twice", """
        - name: Compute
          ServicesDefault:
            - OS::TripleO::Services::Ntp
            - OS::TripleO::Services::NovaCompute
            - OS::TripleO::Services::Ntp
        """, [("N003", 5, 7)]),
    ("N004 unknown network", """
        - name: Compute
          networks:
            InternalApi: {subnet: internal_api_subnet}
            Storage: {subnet: storage_subnet}
        """, [("N004", 4, 5)]),
    ("N004 disabled network", """
        - name: Compute
          networks: {Management: {subnet: management_subnet}}
        """, [("N004", 2, 14)]),
    ("N004 unknown subnet", """
        - name: Compute
          networks:
            InternalApi:
              subnet: internal_api_leaf2
        """, [("N004", 4, 15)]),
    ("N004 list form uses the default subnet", """
        - name: Compute
          networks: [InternalApi, external]
        """, [("N004", 2, 27), ("N011", 2, 3)]),
    ("N005 route network not on the role", """
        - name: Compute
          networks: {Tenant: {subnet: tenant_subnet}}
          default_route_networks: [External]
          networks_skip_config: [Tenant, InternalApi]
        """, [("N005", 3, 28), ("N005", 4, 34)]),
    ("N006 unknown tag", """
        - name: Compute
          tags: [compute, computer]
        """, [("N006", 2, 19)]),
    ("N007 two primaries", """
        - name: Controller
          tags: [primary, controller]
        - name: ControllerB
          tags: [primary, controller]
        """, [("N007", 4, 3)]),
    ("N008 no primary among several", """
        - name: Compute
        - name: Storage
          tags: [storage]
        """, [("N008", 1, 9)]),
    ("N008 primary without controller", """
        - name: Controller
          tags: [primary]
        """, [("N008", 2, 3)]),
    ("N009 negative count", """
        - name: Compute
          CountDefault: -1
        """, [("N009", 2, 17)]),
    ("N010 no index", """
        - name: Compute
          HostnameFormatDefault: '%stackname%-compute'
        """, [("N010", 2, 26)]),
    ("N010 unknown placeholder", """
        - name: Compute
          HostnameFormatDefault: '%stackname%-%role%-%index%'
        """, [("N010", 2, 26)]),
    ("N010 not a host name", """
        - name: Compute
          HostnameFormatDefault: '%stackname%_compute_%index%'
        """, [("N010", 2, 26)]),
    ("N011 deprecated keys", """
        - name: Compute
          uses_deprecated_params: true
          deprecated_param_ips: NovaComputeIPs
          disable_constraints: true
          upgrade_batch_size: 2
          disable_upgrade_deployment: true
        """, [("N011", 2, 3), ("N011", 3, 3), ("N011", 4, 3)]),
]


@pytest.mark.parametrize(("case", "text", "expected"), ROLE_CASES, ids=[c[0] for c in ROLE_CASES])
def test_role_checks(case: str, text: str, expected: list[tuple[str, int, int]]) -> None:
    ctx = CheckContext(roles=parse_roles_data(roles(text)),
                       networks=parse_network_data(NETWORKS), registry=REGISTRY)
    found = [(d.rule_id, d.location.line, d.location.column) for d in run_checks(ctx)]
    assert sorted(found, key=lambda f: (f[1], f[2])) == sorted(expected, key=lambda f: (f[1], f[2]))


NETWORK_CASES = [
    ("good flat and subnets", NETWORKS, []),
    ("good IPv6", """
        - name: Storage
          ipv6: true
          mtu: 9000
          subnets:
            storage_subnet:
              ipv6_subnet: fd00:fd00:fd00:3000::/64
              gateway_ipv6: fd00:fd00:fd00:3000::1
              ipv6_allocation_pools: [{start: 'fd00:fd00:fd00:3000::10', end: 'fd00:fd00:fd00:3000::ff'}]
              routes_ipv6: [{destination: 'fd00:fd00:fd00:4000::/64', nexthop: 'fd00:fd00:fd00:3000::1'}]
              vlan: 30
        """, []),
    ("N101 same name and name_lower", """
        - name: Storage
          ip_subnet: 172.16.1.0/24
        - name: Storage
          ip_subnet: 172.16.2.0/24
        - name: Other
          name_lower: storage
          ip_subnet: 172.16.3.0/24
        """, [("N101", 3, 9), ("N101", 6, 15)]),
    ("N101 flat subnet repeated under subnets", """
        - name: Storage
          ip_subnet: 172.16.1.0/24
          subnets:
            storage_subnet: {ip_subnet: 172.16.2.0/24}
        """, [("N101", 4, 5)]),
    ("N102 unsafe name_lower", """
        - name: Storage
          name_lower: st/orage
        """, [("N102", 2, 15)]),
    ("N103 bad CIDRs", """
        - name: A
          ip_subnet: 172.16.1.1/24
        - name: B
          ip_subnet: fd00::/64
          ipv6: false
        - name: C
          ipv6: true
          ipv6_subnet: not-a-cidr
        """, [("N103", 2, 14), ("N103", 4, 14), ("N103", 8, 16)]),
    ("N104 ipv6 flag without IPv6 subnet", """
        - name: A
          ipv6: true
          subnets:
            a_subnet: {ip_subnet: 172.16.1.0/24}
        """, [("N104", 4, 5)]),
    ("N105 gateway outside", """
        - name: A
          ip_subnet: 172.16.1.0/24
          gateway_ip: 172.16.2.1
        - name: B
          ip_subnet: 172.16.3.0/24
          gateway_ip: 172.16.3.255
        """, [("N105", 3, 15), ("N105", 6, 15)]),
    ("N106 pool outside and reversed", """
        - name: A
          ip_subnet: 172.16.1.0/24
          allocation_pools:
            - {start: 172.16.1.10, end: 172.16.2.20}
            - {start: 172.16.1.200, end: 172.16.1.100}
        """, [("N106", 4, 33), ("N106", 5, 34)]),
    ("N107 pools overlap", """
        - name: A
          ip_subnet: 172.16.1.0/24
          allocation_pools:
            - {start: 172.16.1.10, end: 172.16.1.100}
            - {start: 172.16.1.50, end: 172.16.1.150}
        """, [("N107", 5, 7)]),
    ("N108 gateway in pool", """
        - name: A
          subnets:
            a_subnet:
              ip_subnet: 172.16.1.0/24
              gateway_ip: 172.16.1.1
              allocation_pools: [{start: 172.16.1.1, end: 172.16.1.100}]
        """, [("N108", 6, 26)]),
    ("N109 subnets of two networks overlap", """
        - name: A
          ip_subnet: 172.16.0.0/16
        - name: B
          subnets:
            b_subnet: {ip_subnet: 172.16.5.0/24}
        - name: C
          enabled: false
          ip_subnet: 172.16.6.0/24
        """, [("N109", 5, 27)]),
    ("N110 VLAN out of range", """
        - name: A
          ip_subnet: 172.16.1.0/24
          vlan: 4095
        """, [("N110", 3, 9)]),
    ("N111 VLAN of two networks", """
        - name: A
          ip_subnet: 172.16.1.0/24
          vlan: 30
        - name: B
          ip_subnet: 172.16.2.0/24
          vlan: 30
        """, [("N111", 6, 9)]),
    ("N112 MTU", """
        - name: A
          ip_subnet: 172.16.1.0/24
          mtu: 70000
        - name: B
          ipv6: true
          ipv6_subnet: fd00::/64
          mtu: 1200
        """, [("N112", 3, 8), ("N112", 7, 8)]),
    ("N113 routes", """
        - name: A
          ip_subnet: 172.16.1.0/24
          routes:
            - {destination: 10.0.0.0/8, nexthop: 172.16.9.1}
            - {destination: 10.1.0.1/16, nexthop: 172.16.1.1}
            - {destination: 0.0.0.0/0}
        """, [("N113", 4, 42), ("N113", 5, 21), ("N113", 6, 7)]),
    ("N114 no room for the VIP", """
        - name: A
          vip: true
          ip_subnet: 172.16.1.0/24
          allocation_pools: [{start: 172.16.1.10, end: 172.16.1.9}]
        """, [("N106", 4, 48), ("N114", 2, 3)]),
]


@pytest.mark.parametrize(("case", "text", "expected"), NETWORK_CASES, ids=[c[0] for c in NETWORK_CASES])
def test_network_checks(case: str, text: str, expected: list[tuple[str, int, int]]) -> None:
    ctx = CheckContext(networks=parse_network_data(roles(text)))
    found = [(d.rule_id, d.location.line, d.location.column) for d in run_checks(ctx)]
    assert sorted(found, key=lambda f: (f[1], f[2])) == sorted(expected, key=lambda f: (f[1], f[2]))


def test_vip_data_checks() -> None:
    vips = parse_vip_data(roles("""
        - network: external
          ip_address: 10.0.0.5
        - network: ctlplane
        - network: storage
        - network: internal_api
          subnet: internal_api_leaf9
        - network: external
          ip_address: 10.0.1.5
        """))
    ctx = CheckContext(networks=parse_network_data(NETWORKS), vips=vips)
    found = [(d.rule_id, d.location.line, d.location.column) for d in run_checks(ctx)]
    assert found == [("N201", 4, 12), ("N201", 6, 11), ("N201", 8, 15)]


def test_vip_data_counts_vips_per_subnet() -> None:
    networks = parse_network_data(roles("""
        - name: A
          name_lower: a
          vip: true
          ip_subnet: 172.16.1.0/24
          allocation_pools: [{start: 172.16.1.10, end: 172.16.1.11}]
        """))
    two = parse_vip_data("- network: a\n- network: a\n")
    three = parse_vip_data("- network: a\n- network: a\n- {network: a, dns_name: x}\n")
    fixed = parse_vip_data("- network: a\n- network: a\n- {network: a, ip_address: 172.16.1.20}\n")
    assert run_checks(CheckContext(networks=networks, vips=two)) == []
    assert [d.message for d in run_checks(CheckContext(networks=networks, vips=three))] == [
        "network 'A' needs 3 VIPs but its allocation pools hold 2 addresses"]
    assert run_checks(CheckContext(networks=networks, vips=fixed)) == []


def test_unregistered_services() -> None:
    text = roles("""
        - name: Compute
          ServicesDefault:
            - OS::TripleO::Services::Ntp
            - OS::TripleO::Services::NovaComputee
            - OS::TripleO::Services::NovaComputeAlt
            - NotAService
        """)
    data = parse_roles_data(text)
    assert [d for d in validate_roles(data) if d.rule_id == "T101"] == []  # no registry: no check
    found = [d for d in validate_roles(data, registry=REGISTRY) if d.rule_id in ("T101", "S101")]
    assert [(d.rule_id, d.location.line, d.location.column, d.severity) for d in found] == [
        ("T101", 4, 7, Severity.ERROR), ("S101", 6, 7, Severity.ERROR)]
    assert found[0].hint == "did you mean 'OS::TripleO::Services::NovaCompute'?"


def test_network_checks_need_network_data() -> None:
    text = "- name: Compute\n  networks: {Nowhere: {subnet: x}}\n"
    assert run_checks(CheckContext(roles=parse_roles_data(text))) == []


def test_extra_tags_are_known() -> None:
    text = "- name: Edge\n  tags: [edge]\n"
    assert [d.rule_id for d in run_checks(CheckContext(roles=parse_roles_data(text)))] == ["N006"]
    assert run_checks(CheckContext(roles=parse_roles_data(text), extra_tags=frozenset({"edge"}))) == []


def test_roles_folder_file_names() -> None:
    text = "- name: Compute\n- name: Other\n"
    found = run_checks(CheckContext(roles=parse_roles_data(text, "tree/roles/Computer.yaml")))
    assert [(d.rule_id, d.location.line) for d in found if d.rule_id == "N012"] == [
        ("N012", 1), ("N012", 2)]
    assert [d for d in run_checks(CheckContext(roles=parse_roles_data(text, "roles_data.yaml")))
            if d.rule_id == "N012"] == []


def test_every_check_has_a_case_here() -> None:
    covered = {e[0] for case in ROLE_CASES + NETWORK_CASES for e in case[2]} | {"N201", "N012"}
    assert {c.id for c in all_checks()} == covered


def test_check_ids_and_names_are_unique_and_well_formed() -> None:
    checks = all_checks()
    assert len({c.name for c in checks}) == len(checks) == len(CHECKS)
    for spec in checks:
        assert spec.id[0] == "N" and spec.id[1:].isdigit() and len(spec.id) == 4
        assert spec.summary and spec.name == spec.name.lower()


def test_messages_name_what_is_wrong() -> None:
    ctx = CheckContext(networks=parse_network_data(roles("""
        - name: A
          subnets:
            a_subnet:
              ip_subnet: 172.16.1.0/24
              gateway_ip: 172.16.1.1
              allocation_pools: [{start: 172.16.1.1, end: 172.16.1.100}]
        """)))
    (diagnostic,) = run_checks(ctx)
    assert diagnostic.message == ("allocation pool 172.16.1.1-172.16.1.100 of network 'A' subnet "
                                  "'a_subnet' holds its gateway 172.16.1.1")
    assert diagnostic.hint and "Neutron" in diagnostic.hint
