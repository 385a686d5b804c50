"""The service templates as Heat itself evaluates them.

One stack holds every registered service template, given sample networks,
endpoints, passwords and a role's parameters; a real Heat API and engine
(tht_gen.heat.server, on loopback) creates it, and the test reads each
service's role_data as Heat computed it: connection URLs built by make_url,
the remote proxy subnets picked by yaql, role parameters winning over global
ones, conditional settings present or absent, and the nested bases' tasks
merged into their users' lists.

Needs Heat (the tht-gen[heat] extra): skipped without it unless
THT_GEN_REQUIRE_HEAT=1. Slow (a Heat server and a ~80-stack create).
"""

from __future__ import annotations

import importlib.util
import os
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import contract
from .contract import ROOT

pytestmark = pytest.mark.slow

MYSQL_HOST = "192.0.2.20"
NETWORKS = {"internal_api": ["172.16.2.0/24", "fd00:fd00:fd00:2000::/64"], "tenant": ["172.16.0.0/24"],
            "external": ["10.0.0.0/24"], "ctlplane": ["192.168.24.0/24"]}
GLANCE_WORKERS = 6
ROLE_MEMORY = 2048
ROLE_BRIDGES = "datacentre:br-ex,tenant:br-tenant"


def _require_heat() -> None:
    for module, what in (("heat.engine", "OpenStack Heat (openstack-heat)"), ("openstack", "openstacksdk")):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            reason = f"{what} is not installed (pip install 'tht-gen[heat]')"
            if os.environ.get("THT_GEN_REQUIRE_HEAT") == "1":
                pytest.fail(f"THT_GEN_REQUIRE_HEAT=1 but {reason}")
            pytest.skip(reason)


def _endpoint(name: str) -> dict[str, str]:
    if name == "MysqlInternal":
        return {"protocol": "mysql+pymysql", "host": MYSQL_HOST, "host_nobrackets": MYSQL_HOST, "port": "3306",
                "uri": f"mysql+pymysql://{MYSQL_HOST}", "uri_no_suffix": f"mysql+pymysql://{MYSQL_HOST}"}
    host = "10.0.0.5" if name.endswith("Public") else "172.16.2.5"
    port = str(1000 + sorted(contract.ENDPOINT_MAP_KEYS).index(name))
    return {"protocol": "https" if name.endswith("Public") else "http", "host": host, "host_nobrackets": host,
            "port": port, "uri": f"http://{host}:{port}/{name.lower()}", "uri_no_suffix": f"http://{host}:{port}"}


def _net(key: str) -> str:
    return {"PublicNetwork": "external", "NeutronTenantNetwork": "tenant",
            "ManagementNetwork": "ctlplane"}.get(key, "internal_api")


def _stack_files(tree: Path) -> tuple[Path, Path, dict[str, str]]:
    """(root template, environment, resource name -> service template) under ``tree``."""
    # One resource per template file, named after its shortest registry name
    # (NeutronOvsAgent rather than ComputeNeutronOvsAgent).
    by_file: dict[str, list[str]] = {}
    for name, target in contract.registry().items():
        if target.endswith(".yaml"):
            by_file.setdefault(target, []).append(name)
    services = {min(names, key=len): target for target, names in sorted(by_file.items())}
    properties = {
        "ServiceData": {"net_cidr_map": NETWORKS},
        "ServiceNetMap": {key: _net(key) for key in sorted(contract.SERVICE_NET_MAP_KEYS)},
        "EndpointMap": {key: _endpoint(key) for key in sorted(contract.ENDPOINT_MAP_KEYS)},
        "DefaultPasswords": {},
        "RoleName": "Controller",
        "RoleParameters": {"NovaReservedHostMemory": ROLE_MEMORY, "NeutronBridgeMappings": ROLE_BRIDGES},
    }
    root = {
        "heat_template_version": contract.HOT_VERSION,
        "description": "Every registered service template, for the service tests.",
        "resources": {name: {"type": target, "properties": properties} for name, target in services.items()},
        "outputs": {name: {"value": {"get_attr": [name, "role_data"]}} for name in services},
    }
    secrets = dict(contract.secret_values())
    environment = {"parameter_defaults": {**secrets, "GlanceWorkers": GLANCE_WORKERS}}
    (tree / "services").symlink_to(ROOT / "services", target_is_directory=True)
    (tree / "all-services.yaml").write_text(yaml.safe_dump(root), encoding="utf-8")
    (tree / "passwords.yaml").write_text(yaml.safe_dump(environment), encoding="utf-8")
    return tree / "all-services.yaml", tree / "passwords.yaml", services


@pytest.fixture(scope="module")
def role_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    _require_heat()
    tree = tmp_path_factory.mktemp("services-stack")
    root, environment, services = _stack_files(tree)
    outputs = contract.outputs_from_local_heat(tree, root.name, [environment], "services",
                                               tmp_path_factory.mktemp("heat-server"))
    assert set(outputs) == set(services)
    yield outputs


def test_heat_computes_every_service_role_data(role_data: dict[str, dict[str, Any]]) -> None:
    for resource, data in role_data.items():
        template = contract.load(ROOT / contract.registry()[resource])
        assert data["service_name"] == template.role_data["service_name"]
        # empty only where the template says so (a profile without settings, like iscsid's)
        assert isinstance(data["config_settings"], dict), resource
        assert data["config_settings"] or template.role_data["config_settings"] == {}, resource
        assert isinstance(data["upgrade_tasks"], list) and data["upgrade_tasks"], resource
        assert contract.task_list_problems(data["upgrade_tasks"], "upgrade_tasks") == [], resource
        # The static resolver the contract checks rely on predicts the keys Heat produced.
        predicted = set(contract.resolved_role_data(template)["config_settings"])
        conditional = contract.conditional_keys(template)
        assert set(data["config_settings"]) - conditional == predicted - conditional, resource


def test_database_connections_are_urls_with_the_tripleo_client_options(role_data: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for resource, data in role_data.items():
        for key, value in data["config_settings"].items():
            if not key.endswith("database_connection"):
                continue
            url = urllib.parse.urlsplit(value)
            assert url.scheme == "mysql+pymysql" and url.hostname == MYSQL_HOST, (resource, value)
            assert url.password and url.password.endswith("-secret-value"), (resource, key)
            assert urllib.parse.parse_qs(url.query) == {
                "read_default_file": ["/etc/my.cnf.d/tripleo.cnf"], "read_default_group": ["tripleo"]}
            assert url.path.lstrip("/") == url.username or url.path == "/ovs_neutron", (resource, value)
            checked += 1
    assert checked >= 10


def test_nova_connects_to_three_databases_but_compute_to_none(role_data: dict[str, dict[str, Any]]) -> None:
    api = role_data["NovaApi"]["config_settings"]
    assert urllib.parse.urlsplit(api["nova::db::api_database_connection"]).path == "/nova_api"
    assert urllib.parse.urlsplit(api["nova::placement_database_connection"]).path == "/nova_placement"
    compute = role_data["NovaCompute"]["config_settings"]
    assert not any("database_connection" in key for key in compute)


def test_database_entries_reach_mysql_with_its_host(role_data: dict[str, dict[str, Any]]) -> None:
    mysql = role_data["NovaApi"]["service_config_settings"]["mysql"]
    assert mysql["nova::db::mysql::host"] == MYSQL_HOST
    assert mysql["nova::db::mysql_api::dbname"] == "nova_api"
    assert mysql["nova::db::mysql::password"] == "novapassword-secret-value"


def test_keystone_entries_use_each_interface_endpoint(role_data: dict[str, dict[str, Any]]) -> None:
    keystone = role_data["GlanceApi"]["service_config_settings"]["keystone"]
    assert keystone["glance::keystone::auth::public_url"] == _endpoint("GlancePublic")["uri"]
    assert keystone["glance::keystone::auth::internal_url"] == _endpoint("GlanceInternal")["uri"]
    assert keystone["glance::keystone::auth::admin_url"] == _endpoint("GlanceAdmin")["uri"]


def test_apache_trusts_the_subnets_of_its_network(role_data: dict[str, dict[str, Any]]) -> None:
    for resource in ("Apache", "Keystone", "Horizon"):
        settings = role_data[resource]["config_settings"]
        assert settings["apache::mod::remoteip::proxy_ips"] == NETWORKS["internal_api"], resource


def test_role_parameters_win_over_global_ones(role_data: dict[str, dict[str, Any]]) -> None:
    compute = role_data["NovaCompute"]["config_settings"]
    assert compute["nova::compute::reserved_host_memory"] == ROLE_MEMORY
    assert compute["nova::compute::vcpu_pin_set"] == []  # not in RoleParameters: the global default
    ovs = role_data["NeutronOvsAgent"]["config_settings"]
    assert ovs["neutron::agents::ml2::ovs::bridge_mappings"] == ROLE_BRIDGES
    assert ovs["neutron::agents::ml2::ovs::tunnel_types"] == ["vxlan"]


def test_optional_settings_follow_their_parameters(role_data: dict[str, dict[str, Any]]) -> None:
    assert role_data["GlanceApi"]["config_settings"]["glance::api::workers"] == GLANCE_WORKERS
    assert "nova::wsgi::apache_api::workers" not in role_data["NovaApi"]["config_settings"]
    assert "nova::upgrade_level_compute" not in role_data["NovaConductor"]["config_settings"]


def test_bind_addresses_name_the_network_the_role_replaces_with_an_address(
        role_data: dict[str, dict[str, Any]]) -> None:
    assert role_data["NovaApi"]["config_settings"]["nova::wsgi::apache_api::bind_host"] == "internal_api"
    assert role_data["NovaApi"]["config_settings"]["nova::wsgi::apache_api::servername"] == \
        "%{hiera('fqdn_internal_api')}"
    assert role_data["NeutronOvsAgent"]["config_settings"]["neutron::agents::ml2::ovs::local_ip"] == "tenant"


def test_wsgi_services_carry_the_apache_tasks(role_data: dict[str, dict[str, Any]]) -> None:
    apache = [t["name"] for t in role_data["Apache"]["upgrade_tasks"]]
    for resource in ("Keystone", "NovaApi", "NovaPlacement", "NovaMetadata", "Horizon"):
        names = [t["name"] for t in role_data[resource]["upgrade_tasks"]]
        assert names[:len(apache)] == apache, resource
        assert len(names) > len(apache), resource
