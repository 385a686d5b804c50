"""The service to network map and the endpoint map: what the templates ask of them exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen import render
from tht_gen.endpoints import KINDS, parse_endpoint_data

from .trees import ROOT, Tree, all_roles_tree, default_tree, walk

TREES = {"default": default_tree, "all-roles": all_roles_tree}

# The keys the library contract (shared with the service templates) names.
CONTRACT_NET_KEYS = {
    "ApacheNetwork", "AodhApiNetwork", "BarbicanApiNetwork", "CephClusterNetwork", "CephMonNetwork",
    "CephRgwNetwork", "CinderApiNetwork", "CinderIscsiNetwork", "EtcdNetwork", "GlanceApiNetwork",
    "GnocchiApiNetwork", "HaproxyNetwork", "HeatApiNetwork", "HeatApiCfnNetwork", "HorizonNetwork",
    "IronicApiNetwork", "IronicNetwork", "KeystoneAdminApiNetwork", "KeystonePublicApiNetwork",
    "ManilaApiNetwork", "MemcachedNetwork", "MysqlNetwork", "NeutronApiNetwork", "NeutronTenantNetwork",
    "NovaApiNetwork", "NovaLibvirtNetwork", "NovaMetadataNetwork", "NovaPlacementNetwork",
    "NovaVncProxyNetwork", "OctaviaApiNetwork", "OvnDbsNetwork", "PankoApiNetwork", "PacemakerNetwork",
    "PublicNetwork", "RabbitmqNetwork", "RedisNetwork", "SnmpdNetwork", "SwiftProxyNetwork",
    "SwiftStorageNetwork", "ManagementNetwork",
}
CONTRACT_ENDPOINTS = {
    **{s: set(KINDS) for s in (
        "Aodh", "Barbican", "Cinder", "CinderV3", "Glance", "Gnocchi", "Heat", "HeatCfn", "Ironic",
        "IronicInspector", "Keystone", "Manila", "Neutron", "Nova", "NovaPlacement", "NovaVNCProxy",
        "Octavia", "Panko", "CephRgw", "Swift", "Designate")},
    "Horizon": {"Public"}, "Mysql": {"Internal"}, "NovaMetadata": {"Internal"},
}


def net_map_defaults(tree: Tree) -> dict[str, str]:
    data = tree.load("network/service_net_map.yaml")
    return dict(data["parameters"]["ServiceNetMapDefaults"]["default"])


def endpoint_keys() -> set[str]:
    data = yaml.safe_load((ROOT / "network/endpoints/endpoint_map.yaml").read_text())
    generated, override = data["outputs"]["endpoint_map"]["value"]["map_merge"]
    assert override == {"get_param": "EndpointMapOverride"}
    return set(generated)


def references(tree: Tree, name: str, attr: str) -> dict[str, str]:
    """Keys looked up in ``name`` (a parameter, or a resource's ``attr``), with a file using each."""
    found: dict[str, str] = {}
    for file, template in tree.templates():
        for node in walk(template):
            if not isinstance(node, dict) or len(node) != 1:
                continue
            (fn, args), = node.items()
            if not isinstance(args, list):
                continue
            if fn == "get_param" and len(args) >= 2 and args[0] == name and isinstance(args[1], str):
                found.setdefault(args[1], file)
            if fn == "get_attr" and len(args) >= 3 and args[:2] == [name, attr] and isinstance(args[2], str):
                found.setdefault(args[2], file)
    return found


@pytest.mark.parametrize("which", TREES)
def test_every_service_net_map_key_a_template_reads_has_a_default(which: str) -> None:
    tree = TREES[which]()
    defaults = net_map_defaults(tree)
    used = references(tree, "ServiceNetMap", "service_net_map")
    assert used, "no template reads the ServiceNetMap: the scan is broken"
    assert {k: f for k, f in used.items() if k not in defaults} == {}


@pytest.mark.parametrize("which", TREES)
def test_every_endpoint_a_template_reads_is_generated(which: str) -> None:
    tree = TREES[which]()
    keys = endpoint_keys()
    used = references(tree, "EndpointMap", "endpoint_map")
    assert "KeystonePublic" in used
    assert {k: f for k, f in used.items() if k not in keys} == {}


def test_the_service_net_map_has_every_contract_key() -> None:
    assert set(net_map_defaults(default_tree())) >= CONTRACT_NET_KEYS


def test_the_endpoint_map_has_every_contract_endpoint() -> None:
    keys = endpoint_keys()
    for service, kinds in CONTRACT_ENDPOINTS.items():
        for kind in KINDS:
            assert (f"{service}{kind}" in keys) == (kind in kinds), f"{service}{kind}"


def test_every_endpoint_is_on_a_service_net_map_key() -> None:
    endpoints, diagnostics = parse_endpoint_data((ROOT / "network/endpoints/endpoint_data.yaml").read_text())
    assert diagnostics == []
    defaults = net_map_defaults(default_tree())
    assert {e.key: e.net for e in endpoints if e.net not in defaults} == {}
    assert all(e.net == "PublicNetwork" for e in endpoints if e.kind == "Public")


def test_defaults_follow_the_networks_and_fall_back_to_the_control_plane(tmp_path: Path) -> None:
    defaults = net_map_defaults(default_tree())
    assert defaults["NovaApiNetwork"] == "internal_api"
    assert defaults["PublicNetwork"] == "external"
    assert defaults["ManagementNetwork"] == "ctlplane"  # Management is disabled by default
    assert net_map_defaults(all_roles_tree())["ManagementNetwork"] == "management"

    networks: list[dict[str, Any]] = yaml.safe_load((ROOT / "network_data.yaml").read_text())
    for network in networks:
        if network["name"] == "InternalApi":
            network["enabled"] = False
    data = tmp_path / "network_data.yaml"
    data.write_text(yaml.safe_dump(networks))
    result = render(None, None, data, tmp_path / "out", dry_run=True, keep_contents=True, strict=True)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert result.contents is not None
    rendered = yaml.safe_load(result.contents["network/service_net_map.yaml"])
    moved = rendered["parameters"]["ServiceNetMapDefaults"]["default"]
    assert moved["NovaApiNetwork"] == "ctlplane" and moved["MysqlNetwork"] == "ctlplane"
    assert moved["PublicNetwork"] == "external" and moved["GlanceApiNetwork"] == "storage"
    assert "network/internal_api.yaml" not in result.contents
    role = yaml.safe_load(result.contents["puppet/controller-role.yaml"])
    assert "InternalApiPort" not in role["resources"]
    # the node's address map still answers for the disabled network's services
    assert "internal_api" not in role["resources"]["NetIpMap"]["properties"]["value"]
