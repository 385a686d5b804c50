"""Generated roles and network data: valid inputs pass every check and render; each way of
breaking them, one at a time, is reported by its rule; no input makes a check raise."""

from __future__ import annotations

import copy
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tht_gen import render
from tht_gen.checks import ServiceRegistry, validate_networks, validate_roles
from tht_gen.diagnostics import Severity
from tht_gen.model.networks import parse_network_data
from tht_gen.model.roles import parse_roles_data

from ..test_properties import TEMPLATES

SERVICES = [f"OS::TripleO::Services::{n}" for n in
            ("Ntp", "Timezone", "NovaCompute", "NovaApi", "Keystone", "MySQL", "HAproxy")]
REGISTRY = ServiceRegistry(frozenset(SERVICES))

_camel = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=8).map(
    str.capitalize)

Data = list[dict[str, Any]]


@st.composite
def network_data(draw: st.DrawFn) -> Data:
    """Networks in both forms (and mixed), IPv4, IPv6 or dual stack, without any fault."""
    names = draw(st.lists(_camel, min_size=1, max_size=5, unique_by=str.lower))
    blocks = itertools.count(draw(st.integers(1, 100)))  # one /24 (and /64) per subnet
    vlans = itertools.count(draw(st.integers(1, 4000)))
    networks: Data = []
    for name in names:
        family = draw(st.sampled_from(["4", "6", "dual"]))
        vlan = next(vlans)
        net: dict[str, Any] = {"name": name, "name_lower": name.lower()}
        if draw(st.booleans()):
            net["vip"] = draw(st.booleans())
        if family == "6" or (family == "dual" and draw(st.booleans())):
            net["ipv6"] = True
        if draw(st.booleans()):
            net["mtu"] = draw(st.sampled_from([1280, 1500, 9000]))
        if draw(st.integers(0, 4)) == 0:
            net["enabled"] = False
        form = draw(st.sampled_from(["flat", "subnets", "mixed"]))
        count = 1 if form == "flat" else draw(st.integers(1, 3))
        subnets = [_subnet(draw, family, next(blocks), vlan) for _ in range(count + (form == "mixed"))]
        if form in ("flat", "mixed"):
            net.update(subnets.pop(0))
        if subnets:
            net["subnets"] = {f"{name.lower()}_leaf{i}": s for i, s in enumerate(subnets)}
        networks.append(net)
    return networks


def _subnet(draw: st.DrawFn, family: str, block: int, vlan: int) -> dict[str, Any]:
    subnet: dict[str, Any] = {}
    if family in ("4", "dual"):
        start = draw(st.integers(2, 100))
        subnet["ip_subnet"] = f"172.16.{block}.0/24"
        subnet["allocation_pools"] = [{"start": f"172.16.{block}.{start}",
                                       "end": f"172.16.{block}.{draw(st.integers(start, 254))}"}]
        if draw(st.booleans()):
            subnet["gateway_ip"] = f"172.16.{block}.1"
            if draw(st.booleans()):
                subnet["routes"] = [{"destination": f"10.{block}.0.0/16",
                                     "nexthop": f"172.16.{block}.1"}]
    if family in ("6", "dual"):
        subnet["ipv6_subnet"] = f"fd00:fd00:fd00:{block:x}00::/64"
        subnet["ipv6_allocation_pools"] = [{"start": f"fd00:fd00:fd00:{block:x}00::10",
                                            "end": f"fd00:fd00:fd00:{block:x}00::ffff"}]
        if draw(st.booleans()):
            subnet["gateway_ipv6"] = f"fd00:fd00:fd00:{block:x}00::1"
    if draw(st.booleans()):
        subnet["vlan"] = vlan
    return subnet


def _subnet_names(net: dict[str, Any]) -> list[str]:
    names = [f"{net['name_lower']}_subnet"] if "ip_subnet" in net or "ipv6_subnet" in net else []
    return names + list(net.get("subnets", {}))


@st.composite
def roles_data(draw: st.DrawFn, networks: Data) -> Data:
    enabled = [n for n in networks if n.get("enabled", True)]
    names = draw(st.lists(_camel, min_size=1, max_size=4, unique_by=str.lower))
    roles: Data = []
    for i, name in enumerate(names):
        role: dict[str, Any] = {"name": name, "description": f"{name} nodes."}
        role["tags"] = ["primary", "controller"] if i == 0 else draw(
            st.lists(st.sampled_from(["compute", "storage", "ceph", "external_bridge"]), unique=True))
        role["CountDefault"] = draw(st.integers(0, 3))
        role["HostnameFormatDefault"] = f"%stackname%-{name.lower()}-%index%"
        on = draw(st.lists(st.sampled_from(enabled), unique_by=lambda n: n["name"])) if enabled else []
        role["networks"] = {n["name"]: {"subnet": draw(st.sampled_from(_subnet_names(n)))} for n in on}
        if on and draw(st.booleans()):
            role["default_route_networks"] = [on[0]["name"]]
        role["ServicesDefault"] = draw(st.lists(st.sampled_from(SERVICES), unique=True))
        roles.append(role)
    return roles


@st.composite
def trees(draw: st.DrawFn) -> tuple[Data, Data]:
    networks = draw(network_data())
    return draw(roles_data(networks)), networks


def check(roles: Data, networks: Data) -> list[tuple[str, Severity]]:
    """Every finding on the two files, as (rule, severity)."""
    nets = parse_network_data(yaml.safe_dump(networks, sort_keys=False), "network_data.yaml")
    found = validate_networks(nets)
    found += validate_roles(parse_roles_data(yaml.safe_dump(roles, sort_keys=False), "roles_data.yaml"),
                            nets, REGISTRY)
    return [(d.rule_id, d.severity) for d in found]


@settings(max_examples=150, deadline=None)
@given(trees())
def test_valid_inputs_have_no_findings(tree: tuple[Data, Data]) -> None:
    roles, networks = tree
    assert check(roles, networks) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_valid_inputs_render(tree: tuple[Data, Data]) -> None:
    roles, networks = tree
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        for relative, text in TEMPLATES.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        (root / "roles_data.yaml").write_text(yaml.safe_dump(roles))
        (root / "network_data.yaml").write_text(yaml.safe_dump(networks))
        result = render(root, None, None, Path(tmp) / "out", jobs=1, use_cache=False)
        assert result.ok, [d.format_text() for d in result.diagnostics]
        for role in roles:
            assert (Path(tmp) / "out" / "puppet" / f"{role['name'].lower()}-role.yaml").is_file()


# ----------------------------------------------------------------------------- one fault at a time

Mutation = Callable[[st.DrawFn, Data, Data], str | None]


def _subnet_dicts(net: dict[str, Any]) -> list[dict[str, Any]]:
    found = [net] if "ip_subnet" in net or "ipv6_subnet" in net else []
    return found + list(net.get("subnets", {}).values())


def _v4_subnets(networks: Data, enabled: bool = False) -> list[dict[str, Any]]:
    return [s for n in networks if not enabled or n.get("enabled", True)
            for s in _subnet_dicts(n) if "ip_subnet" in s]


def duplicate_role(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    roles.append({**copy.deepcopy(draw(st.sampled_from(roles))), "tags": []})
    return "N001"


def unsafe_role_name(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["name"] = draw(st.sampled_from(["a/b", "..", " Lead", "x\ty"]))
    return "N002"


def service_twice(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    role = draw(st.sampled_from(roles))
    role["ServicesDefault"] = [*role["ServicesDefault"], SERVICES[0], SERVICES[0]]
    return "N003"


def unknown_network(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["networks"]["Nowhere"] = {"subnet": "nowhere_subnet"}
    return "N004"


def disabled_network(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    used = {name for r in roles for name in r["networks"]}
    candidates = [n for n in networks if n["name"] in used]
    if not candidates:
        return None
    draw(st.sampled_from(candidates))["enabled"] = False
    return "N004"


def route_not_on_role(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["default_route_networks"] = ["Elsewhere"]
    return "N005"


def unknown_tag(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["tags"].append("controler")
    return "N006"


def second_primary(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    if len(roles) < 2:
        return None
    roles[-1]["tags"] = ["primary", "controller"]
    return "N007"


def negative_count(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["CountDefault"] = draw(st.integers(-10, -1))
    return "N009"


def hostname_without_index(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["HostnameFormatDefault"] = "%stackname%-node"
    return "N010"


def deprecated_key(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["disable_constraints"] = True
    return "N011"


def count_as_text(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(roles))["CountDefault"] = "three"
    return "S101"


def duplicate_network(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    twin = copy.deepcopy(draw(st.sampled_from(networks)))
    twin.pop("ip_subnet", None), twin.pop("ipv6_subnet", None), twin.pop("subnets", None)
    networks.append(twin)
    return "N101"


def unsafe_network_name(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(networks))["name_lower"] = "../up"
    return "N102"


def host_bits(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks)
    if not subnets:
        return None
    subnet = draw(st.sampled_from(subnets))
    subnet["ip_subnet"] = subnet["ip_subnet"].replace(".0/24", ".7/24")
    return "N103"


def ipv6_flag(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    candidates = [n for n in networks if not n.get("ipv6") and _subnet_dicts(n)
                  and all("ipv6_subnet" not in s for s in _subnet_dicts(n))]
    if not candidates:
        return None
    draw(st.sampled_from(candidates))["ipv6"] = True
    return "N104"


def gateway_outside(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks)
    if not subnets:
        return None
    draw(st.sampled_from(subnets))["gateway_ip"] = "192.0.2.1"
    return "N105"


def pool_outside(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks)
    if not subnets:
        return None
    draw(st.sampled_from(subnets))["allocation_pools"][0]["end"] = "198.51.100.9"
    return "N106"


def pools_overlap(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks)
    if not subnets:
        return None
    subnet = draw(st.sampled_from(subnets))
    subnet["allocation_pools"].append(dict(subnet["allocation_pools"][0]))
    return "N107"


def gateway_in_pool(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks)
    if not subnets:
        return None
    subnet = draw(st.sampled_from(subnets))
    pool = subnet["allocation_pools"][0]
    subnet["gateway_ip"] = pool["start"]
    return "N108"


def subnets_overlap(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks, enabled=True)
    if len(subnets) < 2:
        return None
    first, second = draw(st.lists(st.sampled_from(range(len(subnets))), min_size=2, max_size=2,
                                  unique=True))
    block = subnets[first]["ip_subnet"].split(".")[2]
    subnets[second]["ip_subnet"] = f"172.16.{block}.0/24"
    subnets[second].pop("allocation_pools", None)
    subnets[second].pop("gateway_ip", None)
    subnets[second].pop("routes", None)
    return "N109"


def vlan_out_of_range(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    net = draw(st.sampled_from(networks))
    subnets = _subnet_dicts(net)
    if not subnets:
        return None
    subnets[0]["vlan"] = draw(st.sampled_from([0, 4095, 5000, -3]))
    return "N110"


def vlan_shared(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    enabled = [n for n in networks if n.get("enabled", True) and _subnet_dicts(n)]
    if len(enabled) < 2:
        return None
    _subnet_dicts(enabled[0])[0]["vlan"] = 4000
    _subnet_dicts(enabled[1])[0]["vlan"] = 4000
    return "N111"


def bad_mtu(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    draw(st.sampled_from(networks))["mtu"] = draw(st.sampled_from([0, 500, 999, 70000]))
    return "N112"


def route_unreachable(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    subnets = _v4_subnets(networks)
    if not subnets:
        return None
    draw(st.sampled_from(subnets))["routes"] = [{"destination": "10.99.0.0/16",
                                                 "nexthop": "203.0.113.1"}]
    return "N113"


def no_room_for_vip(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    candidates = [n for n in networks if n.get("enabled", True) and _subnet_dicts(n)
                  and not n.get("ipv6") and "ip_subnet" in _subnet_dicts(n)[0]]
    if not candidates:
        return None
    net = draw(st.sampled_from(candidates))
    net["vip"] = True
    _subnet_dicts(net)[0]["allocation_pools"] = []  # Neutron then allocates nothing
    return "N114"


def vlan_as_text(draw: st.DrawFn, roles: Data, networks: Data) -> str | None:
    net = draw(st.sampled_from(networks))
    subnets = _subnet_dicts(net)
    if not subnets:
        return None
    subnets[0]["vlan"] = "thirty"
    return "S102"


MUTATIONS: list[Mutation] = [
    duplicate_role, unsafe_role_name, service_twice, unknown_network, disabled_network,
    route_not_on_role, unknown_tag, second_primary, negative_count, hostname_without_index,
    deprecated_key, count_as_text, duplicate_network, unsafe_network_name, host_bits, ipv6_flag,
    gateway_outside, pool_outside, pools_overlap, gateway_in_pool, subnets_overlap,
    vlan_out_of_range, vlan_shared, bad_mtu, route_unreachable, no_room_for_vip, vlan_as_text,
]


@settings(max_examples=400, deadline=None)
@given(trees(), st.sampled_from(MUTATIONS), st.data())
def test_each_fault_is_reported_by_its_rule(tree: tuple[Data, Data], mutation: Mutation,
                                            data: st.DataObject) -> None:
    roles, networks = copy.deepcopy(tree[0]), copy.deepcopy(tree[1])
    expected = mutation(data.draw, roles, networks)
    assume(expected is not None)
    found = check(roles, networks)
    assert expected in {rule for rule, _ in found}, (mutation.__name__, found)


# ----------------------------------------------------------------------------- never a traceback

_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5000, 70000), st.floats(allow_nan=False),
              st.sampled_from(["", "x", "172.16.1.0/24", "172.16.1.5", "fd00::/64", "fd00::1",
                               "10.0.0.1/33", "%index%", "OS::TripleO::Services::Ntp", "a/b"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["start", "end", "destination",
                                                                "nexthop", "subnet", "x"]),
                                               children, max_size=3)),
    max_leaves=8,
)
_ROLE_KEYS = ["name", "tags", "networks", "ServicesDefault", "CountDefault", "HostnameFormatDefault",
              "default_route_networks", "networks_skip_config", "deprecated_nic_config_name",
              "uses_deprecated_params", "description"]
_NET_KEYS = ["name", "name_lower", "enabled", "vip", "ipv6", "mtu", "subnets", "ip_subnet",
             "gateway_ip", "allocation_pools", "routes", "ipv6_subnet", "gateway_ipv6",
             "ipv6_allocation_pools", "routes_ipv6", "vlan"]


def _entries(keys: list[str]) -> st.SearchStrategy[Any]:
    subnet = st.dictionaries(st.sampled_from(keys[7:]), _values, max_size=6)
    entry = st.dictionaries(st.sampled_from(keys), st.one_of(_values, st.dictionaries(
        st.sampled_from(["a_subnet", "b", "InternalApi"]), st.one_of(subnet, _values), max_size=2)),
        max_size=8)
    return st.one_of(st.lists(st.one_of(entry, _values), max_size=4), _values)


@settings(max_examples=300, deadline=None)
@given(_entries(_ROLE_KEYS), _entries(_NET_KEYS))
def test_any_document_gives_diagnostics_never_an_exception(roles: Any, networks: Any) -> None:
    roles_doc = parse_roles_data(yaml.safe_dump(roles), "roles_data.yaml")
    nets_doc = parse_network_data(yaml.safe_dump(networks), "network_data.yaml")
    found = validate_networks(nets_doc) + validate_roles(roles_doc, nets_doc, REGISTRY)
    for diagnostic in found:
        assert diagnostic.location.line is not None and diagnostic.location.line >= 1
        assert diagnostic.message
