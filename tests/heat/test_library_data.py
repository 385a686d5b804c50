"""The library's data expressions, evaluated by Heat's own yaql function (no server):
the service to network map's lower-case form with the services' own names, and the
all-nodes data built from it."""

from __future__ import annotations

from typing import Any

import pytest

from ..library.trees import default_tree

pytestmark = pytest.mark.usefixtures("needs_heat")


def heat_yaql(snippet: dict[str, Any], data: Any) -> Any:
    from heat.engine.hot import functions
    from oslo_config import cfg

    if getattr(cfg.CONF, "_args", None) is None:
        cfg.CONF([], project="heat", default_config_files=[])
    return functions.Yaql(None, "yaql", {"expression": snippet["expression"], "data": data}).result()


def lower_map(overrides: dict[str, str]) -> dict[str, str]:
    netmap = default_tree().load("network/service_net_map.yaml")
    snippet = netmap["outputs"]["service_net_map_lower"]["value"]["yaql"]
    merged = {**netmap["parameters"]["ServiceNetMapDefaults"]["default"], **overrides}
    return dict(heat_yaql(snippet, {"map": merged, "aliases": snippet["data"]["aliases"]}))


def test_a_service_named_otherwise_follows_its_keys_network() -> None:
    plain = lower_map({})
    assert plain["nova_api_network"] == "internal_api"
    assert plain["snmp_network"] == plain["snmpd_network"] == "ctlplane"
    assert plain["keystone_network"] == plain["keystone_public_api_network"] == "internal_api"
    moved = lower_map({"SnmpdNetwork": "internal_api", "KeystonePublicApiNetwork": "external"})
    assert moved["snmp_network"] == "internal_api"
    assert moved["keystone_network"] == "external"
    assert moved["keystone_admin_api_network"] == "ctlplane"


def all_nodes(roles: list[Any]) -> dict[str, Any]:
    overcloud = default_tree().load("overcloud.yaml")
    snippet = overcloud["resources"]["AllNodesServiceData"]["properties"]["value"]["yaql"]
    data = {"net_map": lower_map({}), "domain": "example.com",
            "extra_services": snippet["data"]["extra_services"], "roles": roles}
    return dict(heat_yaql(snippet, data))


def node(ctlplane: str, internal_api: str) -> dict[str, str]:
    return {"ctlplane": ctlplane, "internal_api": internal_api}


def test_every_service_and_keystones_endpoints_get_their_nodes_on_their_network() -> None:
    result = all_nodes([
        {"services": ["keystone", "snmp", "nova_api"], "names": ["c-0", "c-1"],
         "ips": [node("192.0.2.10", "198.51.100.10"), node("192.0.2.11", "198.51.100.11")]},
        {"services": ["snmp", "nova_compute"], "names": ["n-0"], "ips": [node("192.0.2.20", "198.51.100.20")]},
        None,  # a role whose chain Heat has not resolved yet
    ])
    assert result["enabled_services"] == ["keystone", "snmp", "nova_api", "keystone_admin_api",
                                          "keystone_public_api", "nova_compute"]
    assert all(result[f"{s}_enabled"] is True for s in result["enabled_services"])
    assert result["keystone_public_api_node_ips"] == ["198.51.100.10", "198.51.100.11"]
    assert result["keystone_admin_api_node_ips"] == ["192.0.2.10", "192.0.2.11"]
    assert result["keystone_node_ips"] == ["198.51.100.10", "198.51.100.11"]
    assert result["keystone_admin_api_node_names"] == ["c-0.ctlplane.example.com", "c-1.ctlplane.example.com"]
    assert result["snmp_node_ips"] == ["192.0.2.10", "192.0.2.11", "192.0.2.20"]
    assert result["nova_compute_node_ips"] == ["198.51.100.20"]
    assert result["nova_api_short_bootstrap_node_name"] == "c-0"


def test_before_the_nodes_exist_the_data_is_empty_not_an_error() -> None:
    assert all_nodes([None, None]) == {"enabled_services": []}
