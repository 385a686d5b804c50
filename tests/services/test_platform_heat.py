"""The platform services as Heat itself computes them (slow; needs Heat).

One stack holds every platform service template (the default ones, the
optional ones and the flavours the platform's environments select), given
sample networks, endpoints, secrets and a role's parameters; a real Heat API
and engine (tht_gen.heat.server, on loopback) creates it. The tests read the
role_data Heat computed: URLs built from the endpoint map, optional settings
present only when their parameter is set, role parameters winning, the
values every node gets.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import contract
from .contract import ROOT
from .test_heat_outputs import MYSQL_HOST, NETWORKS, _endpoint, _net, _require_heat
from .test_platform_services import FLAVOURS, OPTIONAL, PLATFORM_SERVICE_DIRS

pytestmark = pytest.mark.slow

ROLE_PARAMETERS = {"TunedProfileName": "cpu-partitioning", "OVNCMSOptions": "enable-chassis-as-gw",
                   "NeutronPhysicalDevMappings": "sriov1:ens2f1"}
# A valid key-encryption key: 32 bytes in base64.
KEK = "S2V5RW5jcnlwdGlvbktleUZvclRoZVRlc3RzMTIzNDU="


# Keys the contract lists may not hold yet (Zaqar's and Tacker's, see
# docs/services-platform.md): given here so that those templates get values.
EXTRA_NETWORKS = ("TackerApiNetwork", "ZaqarApiNetwork")
EXTRA_ENDPOINTS = [f"{service}{kind}" for service in ("Tacker", "Zaqar", "ZaqarWebSocket")
                   for kind in ("Public", "Internal", "Admin")]


def _endpoints() -> dict[str, dict[str, str]]:
    endpoints = {key: _endpoint(key) for key in sorted(contract.ENDPOINT_MAP_KEYS)}
    for number, key in enumerate(EXTRA_ENDPOINTS):
        host = "10.0.0.5" if key.endswith("Public") else "172.16.2.5"
        port = 9000 + number
        endpoints.setdefault(key, {"protocol": "http", "host": host, "host_nobrackets": host, "port": str(port),
                                   "uri": f"http://{host}:{port}/{key.lower()}",
                                   "uri_no_suffix": f"http://{host}:{port}"})
    return endpoints


def _platform_templates() -> dict[str, str]:
    """Resource name -> template, one resource per platform template file."""
    chosen: dict[str, str] = {}
    registered = {t.path for t in contract.registered_templates()}
    for template in contract.all_templates() + [t for _, t in OPTIONAL + FLAVOURS]:
        folder = template.rel.split("/")[1]
        if folder in PLATFORM_SERVICE_DIRS and (template.path in registered
                                               or template.path in {t.path for _, t in OPTIONAL + FLAVOURS}):
            chosen["".join(w.title() for w in f"{folder}-{template.path.stem}".split("-"))] = template.rel
    return dict(sorted(chosen.items()))


@pytest.fixture(scope="module")
def role_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    _require_heat()
    tree = tmp_path_factory.mktemp("platform-stack")
    services = _platform_templates()
    properties = {
        "ServiceData": {"net_cidr_map": NETWORKS},
        "ServiceNetMap": {key: _net(key) for key in sorted(contract.SERVICE_NET_MAP_KEYS | set(EXTRA_NETWORKS))},
        "EndpointMap": _endpoints(),
        "DefaultPasswords": {},
        "RoleName": "Controller",
        "RoleParameters": ROLE_PARAMETERS,
    }
    root = {
        "heat_template_version": contract.HOT_VERSION,
        "description": "Every platform service template.",
        "resources": {name: {"type": target, "properties": properties} for name, target in services.items()},
        "outputs": {name: {"value": {"get_attr": [name, "role_data"]}} for name in services},
    }
    secrets = dict(contract.secret_values())
    secrets["BarbicanSimpleCryptoKek"] = KEK
    (tree / "services").symlink_to(ROOT / "services", target_is_directory=True)
    (tree / "platform.yaml").write_text(yaml.safe_dump(root), encoding="utf-8")
    (tree / "secrets.yaml").write_text(yaml.safe_dump({"parameter_defaults": secrets}), encoding="utf-8")
    yield contract.outputs_from_local_heat(tree, "platform.yaml", [tree / "secrets.yaml"], "platform",
                                           tmp_path_factory.mktemp("heat-server"))


def _settings(role_data: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    settings = role_data[name]["config_settings"]
    assert isinstance(settings, dict)
    return settings


def test_heat_computes_what_the_static_checks_predict(role_data: dict[str, dict[str, Any]]) -> None:
    assert set(role_data) == set(_platform_templates())
    for resource, data in role_data.items():
        template = contract.load(ROOT / _platform_templates()[resource])
        assert data["service_name"] == template.role_data["service_name"], resource
        assert contract.task_list_problems(data["upgrade_tasks"], "upgrade_tasks") == [], resource
        predicted = set(contract.resolved_role_data(template)["config_settings"])
        conditional = contract.conditional_keys(template)
        assert set(data["config_settings"]) - conditional == predicted - conditional, resource


def test_database_connections_reach_the_database_of_each_service(role_data: dict[str, dict[str, Any]]) -> None:
    expected = {"HeatHeatEngine": ("heat::db::database_connection", "heat"),
                "GnocchiGnocchiApi": ("gnocchi::db::database_connection", "gnocchi"),
                "AodhAodhEvaluator": ("aodh::db::database_connection", "aodh"),
                "PankoPankoApi": ("panko::db::database_connection", "panko"),
                "OctaviaOctaviaWorker": ("octavia::db::database_connection", "octavia"),
                "BarbicanBarbicanApi": ("barbican::db::database_connection", "barbican"),
                "ZaqarZaqarApi": ("zaqar::management::sqlalchemy::uri", "zaqar"),
                "TackerTacker": ("tacker::db::database_connection", "tacker")}
    for resource, (key, database) in expected.items():
        url = urllib.parse.urlsplit(_settings(role_data, resource)[key])
        assert (url.scheme, url.hostname, url.path, url.username) == \
            ("mysql+pymysql", MYSQL_HOST, f"/{database}", database), resource
        assert urllib.parse.parse_qs(url.query)["read_default_group"] == ["tripleo"]


def test_instances_signal_heat_on_the_public_cloudformation_endpoint(role_data: dict[str, dict[str, Any]]) -> None:
    engine = _settings(role_data, "HeatHeatEngine")
    public = _endpoint("HeatCfnPublic")["uri_no_suffix"]
    assert engine["heat::engine::heat_metadata_server_url"] == public
    assert engine["heat::engine::heat_waitcondition_server_url"] == f"{public}/v1/waitcondition"


def test_gnocchi_configures_only_its_chosen_backend(role_data: dict[str, dict[str, Any]]) -> None:
    api = _settings(role_data, "GnocchiGnocchiApi")
    assert api["tripleo::profile::base::gnocchi::api::gnocchi_backend"] == "swift"
    assert api["gnocchi::storage::swift::swift_authurl"] == _endpoint("KeystoneInternal")["uri_no_suffix"] + "/v3"
    assert not any(k.startswith(("gnocchi::storage::ceph::", "gnocchi::storage::file::")) for k in api)


def test_role_parameters_win_over_the_global_ones(role_data: dict[str, dict[str, Any]]) -> None:
    assert _settings(role_data, "TunedTuned")["tripleo::profile::base::tuned::profile"] == "cpu-partitioning"
    ovn = _settings(role_data, "OvnOvnController")
    assert ovn["ovn::controller::ovn_cms_options"] == "enable-chassis-as-gw"
    assert ovn["ovn::controller::ovn_bridge_mappings"] == ["datacentre:br-ex"]  # not in RoleParameters
    sriov = _settings(role_data, "NeutronSriovNeutronSriovAgent")
    assert sriov["neutron::agents::ml2::sriov::physical_device_mappings"] == "sriov1:ens2f1"


def test_optional_settings_stay_out_until_their_parameter_is_set(role_data: dict[str, dict[str, Any]]) -> None:
    octavia = _settings(role_data, "OctaviaOctaviaWorker")
    for key in ("octavia::controller::amp_boot_network_list", "octavia::controller::controller_ip_port_list",
                "octavia::controller::loadbalancer_topology", "octavia::worker::workers"):
        assert key not in octavia
    assert "heat::engine::num_engine_workers" not in _settings(role_data, "HeatHeatEngine")
    haproxy = _settings(role_data, "PacemakerManagedHaproxy")
    assert "tripleo::haproxy::service_certificate" not in haproxy  # public TLS is off
    assert haproxy["tripleo::haproxy::haproxy_service_manage"] is False


def test_every_node_learns_where_the_ovn_databases_are(role_data: dict[str, dict[str, Any]]) -> None:
    dbs = role_data["OvnOvnDbs"]
    assert dbs["global_config_settings"]["ovn_dbs_vip"] == "%{hiera('internal_api_virtual_ip')}"
    assert dbs["global_config_settings"]["ovn::southbound::port"] == 6642
    assert dbs["service_config_settings"]["haproxy"]["tripleo::haproxy::ovn_dbs_manage_lb"] is True


def test_the_api_catalog_entries_use_each_interfaces_endpoint(role_data: dict[str, dict[str, Any]]) -> None:
    keystone = role_data["ZaqarZaqarApi"]["service_config_settings"]["keystone"]
    assert keystone["zaqar::keystone::auth_websocket::public_url"] == _endpoints()["ZaqarWebSocketPublic"]["uri"]
    cfn = role_data["HeatHeatApiCfn"]["service_config_settings"]["keystone"]
    assert cfn["heat::keystone::auth_cfn::internal_url"] == _endpoint("HeatCfnInternal")["uri"]


def test_the_platform_stack_holds_every_platform_template() -> None:
    files = set(_platform_templates().values())
    bases = {p.relative_to(ROOT).as_posix() for d in PLATFORM_SERVICE_DIRS
             for p in (ROOT / "services" / d).glob("*-base.yaml")}
    every = {p.relative_to(ROOT).as_posix() for d in PLATFORM_SERVICE_DIRS
             for p in (ROOT / "services" / d).glob("*.yaml")}
    assert files == every - bases
    assert all(Path(ROOT / f).is_file() for f in files)
