"""What the services expect from the rest of the library, and agreements between services:
each service's network found by its service_name, shared tasks once per role, the role's
logs and checks in its hieradata, Ceph's user and keyring the same wherever they are set,
and the networks' cidrs without Neutron."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .trees import ROOT, Tree, all_roles_tree, default_tree, walk

TREES = {"default": default_tree, "all-roles": all_roles_tree}
FLUENTD = "tripleo::profile::base::logging::fluentd"


def snake(key: str) -> str:
    """What the service to network map's lower-case output makes of a key (its yaql regex)."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()


def net_keys_read(template: Path, seen: set[Path] | None = None) -> set[str]:
    """ServiceNetMap keys a service template reads, itself or through the bases it nests."""
    seen = seen if seen is not None else set()
    if template in seen:
        return set()
    seen.add(template)
    data = yaml.safe_load(template.read_text())
    keys = set()
    for node in walk(data):
        if isinstance(node, dict) and isinstance(node.get("get_param"), list):
            args = node["get_param"]
            if len(args) == 2 and args[0] == "ServiceNetMap" and isinstance(args[1], str):
                keys.add(args[1])
    for resource in (data.get("resources") or {}).values():
        kind = resource.get("type", "") if isinstance(resource, dict) else ""
        if kind.endswith(".yaml"):
            keys |= net_keys_read((template.parent / kind).resolve(), seen)
    return keys


def services_with_networks() -> list[tuple[str, str, set[str]]]:
    """(file, service_name, keys read) of every service template that runs (has a step_config)."""
    found = []
    for path in sorted((ROOT / "services").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        value = (((data or {}).get("outputs") or {}).get("role_data") or {}).get("value") or {}
        if not isinstance(value, dict) or "step_config" not in value:
            continue
        keys = net_keys_read(path.resolve())
        if keys:
            found.append((path.relative_to(ROOT).as_posix(), value["service_name"], keys))
    return found


@pytest.mark.parametrize("file,service,keys", services_with_networks(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_service_finds_its_own_network_by_its_service_name(file: str, service: str, keys: set[str]) -> None:
    """The all-nodes data puts <service_name>_node_ips on <service_name>_network: that key
    must exist, and be one of the networks the service binds to."""
    tree = default_tree()
    netmap = tree.load("network/service_net_map.yaml")
    lower = {snake(k): k for k in netmap["parameters"]["ServiceNetMapDefaults"]["default"]}
    aliases = netmap["outputs"]["service_net_map_lower"]["value"]["yaql"]["data"]["aliases"]
    wanted = f"{service}_network"
    key = lower.get(wanted) or aliases.get(service)
    assert key is not None, f"{file}: no {wanted} in the service to network map (add an alias)"
    assert not (wanted in lower and service in aliases), f"{service}: alias for a key that exists"
    assert key in keys, f"{file}: {wanted} is {key}, a network the service does not bind to ({sorted(keys)})"


def test_every_alias_names_a_key_of_the_map() -> None:
    netmap = default_tree().load("network/service_net_map.yaml")
    defaults = netmap["parameters"]["ServiceNetMapDefaults"]["default"]
    aliases = netmap["outputs"]["service_net_map_lower"]["value"]["yaql"]["data"]["aliases"]
    assert aliases["snmp"] == "SnmpdNetwork" and aliases["keystone"] == "KeystonePublicApiNetwork"
    assert set(aliases.values()) <= set(defaults)


@pytest.mark.parametrize("which", TREES)
def test_shared_tasks_are_kept_once_per_role(which: str) -> None:
    outputs = TREES[which]().load("puppet/service-chain.yaml")["outputs"]["role_data"]["value"]
    for key in ("upgrade_tasks", "update_tasks", "post_upgrade_tasks"):
        assert outputs[key] == {"list_concat_unique": {"get_attr": ["ServiceChain", "role_data", key]}}


@pytest.mark.parametrize("which", TREES)
def test_the_roles_logs_and_checks_reach_their_clients(which: str) -> None:
    tree: Tree = TREES[which]()
    resources = tree.load("overcloud.yaml")["resources"]
    for role in tree.roles:
        chain = f"{role['name']}ServiceChain"
        merged = resources[f"{role['name']}ServiceConfigSettings"]["properties"]["value"]["map_merge"]
        last = merged[-1]  # after the services' own settings, so that it wins
        assert last[f"{FLUENTD}::fluentd_sources"]["list_concat"] == [
            {"get_attr": [chain, "role_data", "config_settings", f"{FLUENTD}::fluentd_sources"]},
            {"get_attr": [chain, "role_data", "logging_sources"]}]
        assert last[f"{FLUENTD}::fluentd_groups"]["list_concat_unique"][1] == \
            {"get_attr": [chain, "role_data", "logging_groups"]}
        assert last["sensu::subscriptions"]["list_concat_unique"][1] == \
            {"get_attr": [chain, "role_data", "monitoring_subscriptions"]}


def test_the_all_nodes_data_names_keystones_endpoints_and_every_network() -> None:
    overcloud = default_tree().load("overcloud.yaml")
    data = overcloud["resources"]["AllNodesServiceData"]["properties"]["value"]["yaql"]
    assert data["data"]["extra_services"] == {"keystone": ["keystone_admin_api", "keystone_public_api"]}
    assert "_enabled', true]" in data["expression"]
    all_nodes = overcloud["resources"]["AllNodesConfig"]["properties"]["config"]["datafiles"]["all_nodes"]
    assert {"get_attr": ["ServiceNetMap", "service_net_map_lower"]} in all_nodes["map_merge"]
    assert overcloud["outputs"]["AllNodesData"]["value"] == \
        {"get_attr": ["AllNodesConfig", "config", "datafiles", "all_nodes"]}


def test_gnocchi_reaches_ceph_as_the_openstack_services_user() -> None:
    base = yaml.safe_load((ROOT / "services/gnocchi/gnocchi-base.yaml").read_text())
    text = yaml.safe_dump(base)
    assert "ceph_username: openstack" not in text and "client.openstack" not in text
    ceph = yaml.safe_load((ROOT / "services/ceph/ceph-base.yaml").read_text())
    assert base["parameters"]["CephClientUserName"] == ceph["parameters"]["CephClientUserName"]
    rbd = next(b["if"][1] for b in base["outputs"]["role_data"]["value"]["config_settings"]["map_merge"]
               if isinstance(b, dict) and "if" in b and b["if"][0] == "gnocchi_backend_rbd")
    assert rbd["gnocchi::storage::ceph::ceph_username"] == {"get_param": "CephClientUserName"}


def _openstack_client_entry(path: str) -> tuple[Any, Any]:
    data = yaml.safe_load((ROOT / path).read_text())
    keys = data["outputs"]["role_data"]["value"]["config_settings"]["ceph::profile::params::client_keys"]
    entries, names = keys["map_replace"]
    return entries["OPENSTACK_CLIENT"], names["keys"]["OPENSTACK_CLIENT"]


def test_a_deployed_and_an_external_cluster_give_the_openstack_user_the_same_keyring() -> None:
    deployed = _openstack_client_entry("services/ceph/ceph-base.yaml")
    external = _openstack_client_entry("services/ceph/ceph-external.yaml")
    assert deployed == external
    base = yaml.safe_load((ROOT / "services/ceph/ceph-base.yaml").read_text())["parameters"]
    other = yaml.safe_load((ROOT / "services/ceph/ceph-external.yaml").read_text())["parameters"]
    for name in ("CinderRbdPoolName", "CinderBackupRbdPoolName", "NovaRbdPoolName", "GlanceRbdPoolName",
                 "GnocchiRbdPoolName", "CephClientUserName"):
        assert base[name] == other[name], name


def test_telemetry_off_takes_the_ceilometer_middleware_out_of_swift() -> None:
    env = yaml.safe_load((ROOT / "environments/services/disable-telemetry.yaml").read_text())
    assert env["parameter_defaults"]["SwiftCeilometerPipelineEnabled"] is False
    proxy = yaml.safe_load((ROOT / "services/swift/swift-proxy.yaml").read_text())
    assert proxy["parameters"]["SwiftCeilometerPipelineEnabled"]["type"] == "boolean"


@pytest.mark.parametrize("which", TREES)
def test_without_neutron_each_network_gives_its_cidr_from_the_network_data(which: str) -> None:
    tree: Tree = TREES[which]()
    registry = tree.load("environments/noop-deployment.yaml")["resource_registry"]
    for network in tree.enabled_networks:
        lower = network.get("name_lower", network["name"].lower())
        target = registry[f"OS::TripleO::Network::{network['name']}"]
        assert target == f"../network/{lower}_static.yaml"
        static = tree.load(f"network/{lower}_static.yaml")
        assert static["resources"] == {}
        cidr = network["ipv6_subnet"] if network.get("ipv6") else network["ip_subnet"]
        assert static["parameters"][f"{network['name']}NetCidr"]["default"] == cidr
        assert static["outputs"]["subnet_cidr"]["value"] == {"get_param": f"{network['name']}NetCidr"}
        # the same parameter, with the same default, as the Neutron network's template
        real = tree.load(f"network/{lower}.yaml")["parameters"][f"{network['name']}NetCidr"]
        assert real == static["parameters"][f"{network['name']}NetCidr"]
