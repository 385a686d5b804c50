"""The storage and bare metal services as Heat itself takes them.

1. Heat's engine (``tht_gen.heat.validate_tree``) checks the library rendered
   with this area's services in the default roles, under each combination of
   the area's environments, and rejects a value a template forbids.
2. A real Heat (``tht_gen.heat.server`` on loopback) creates the templates
   the environments select, and the role_data it computes is checked: the
   Ceph keys and pools, a role's own OSD layout, the optional backend
   settings, the Swift pipeline without telemetry, the clustered Cinder
   service's settings, the URLs built from the endpoints.

Needs Heat (the tht-gen[heat] extra): skipped without it unless
THT_GEN_REQUIRE_HEAT=1. Slow.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import contract
from .contract import ROOT
from .test_heat_outputs import _endpoint, _net, _require_heat
from .test_storage import COMBINATIONS, FRAGMENT, environments, render_with_area_roles

pytestmark = pytest.mark.slow

NOOP = "environments/noop-deployment.yaml"
FSID = "4b5c8c0a-ff60-454b-a1b4-9747aa737d19"
ROLE_OSDS = {"/dev/sdb": {"journal": "/dev/sdd"}, "/dev/sdc": {"journal": "/dev/sdd"}}


def _combinations() -> dict[str, list[str]]:
    """The named combinations, the environments none of them uses, and the default registry alone."""
    used = {rel for rels in COMBINATIONS.values() for rel in rels}
    rest = [e.rel for e in environments() if e.rel not in used]
    return {"default": [], **COMBINATIONS, "the-others": rest}


@pytest.fixture(scope="module")
def area_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_heat()
    return render_with_area_roles(tmp_path_factory.mktemp("storage-area"))


@pytest.mark.parametrize("combination", _combinations())
def test_heat_accepts_the_library_with_the_area_under_its_environments(area_tree: Path, combination: str) -> None:
    from tht_gen.heat import validate_tree

    envs: list[str | os.PathLike[str]] = [area_tree / NOOP]
    envs += [area_tree / "environments" / rel for rel in _combinations()[combination]]
    result = validate_tree(area_tree, envs)
    assert [d.format_text() for d in result.diagnostics] == []
    # The services' own stacks were checked, not only the overcloud's.
    assert result.stacks_checked > 150


def test_heat_rejects_a_value_the_backend_template_forbids(area_tree: Path) -> None:
    from tht_gen.heat import validate_tree

    envs: list[str | os.PathLike[str]] = [area_tree / NOOP, area_tree / "environments/storage/cinder-netapp.yaml"]
    result = validate_tree(area_tree, envs, parameters={"CinderNetappStorageProtocol": "smb"})
    found = [d for d in result.diagnostics if "CinderNetappStorageProtocol" in d.message]
    assert found and all(d.rule_id == "H902" for d in found)
    assert not result.ok


# --- role_data computed by a real Heat ------------------------------------------------------------------------

# Resource name -> (template, property overrides): every template the
# environments select, and a few configured differently than by default.
def _resources() -> dict[str, tuple[str, dict[str, Any]]]:
    selected = {t for e in environments() for t in e.services().values() if t.endswith(".yaml")}
    registered = {contract.REGISTRY_LINE.match(line)["target"]  # type: ignore[index]
                  for line in contract.registry_lines(FRAGMENT)}
    resources: dict[str, tuple[str, dict[str, Any]]] = {}
    for rel in sorted(t for t in selected | registered if t.endswith(".yaml")):
        resources[Path(rel).stem.title().replace("-", "")] = (rel, {})
    resources["CephOsdOwnLayout"] = ("services/ceph/ceph-osd.yaml", {"RoleParameters": {"CephOsds": ROLE_OSDS}})
    return resources


PARAMETERS = {
    "CephClusterFSID": FSID, "CephClientUserName": "cloudy", "CephExternalMonHost": "192.0.2.1,192.0.2.2",
    "CephPools": {"volumes": {"pg_num": 256, "pgp_num": 256, "size": 3}, "extra": {"pg_num": 8, "pgp_num": 8,
                                                                                   "size": 2}},
    "CinderNetappLogin": "admin", "CinderNetappServerHostname": "netapp.example.com",
    "CinderNetappVserver": "svm1", "CinderNetappNfsShares": ["192.0.2.5:/a", "192.0.2.6:/b"],
    "CinderDellPsSanIp": "192.0.2.7", "CinderDellPsSanLogin": "grpadmin", "CinderDellScSanIp": "192.0.2.8",
    "CinderScaleIOLogin": "admin", "CinderScaleIOServerHostname": "gw.example.com",
    "CinderHPELefthandApiUrl": "https://192.0.2.9:8081/lhos", "CinderHPELefthandUsername": "admin",
    "CinderHPELefthandClusterName": "cluster1", "ManilaNetappLogin": "admin",
    "ManilaNetappServerHostname": "netapp.example.com", "CinderEnableRbdBackend": True,
    "SwiftCeilometerPipelineEnabled": False,
}


@pytest.fixture(scope="module")
def role_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    _require_heat()
    tree = tmp_path_factory.mktemp("storage-stack")
    properties = {
        "ServiceData": {"net_cidr_map": {"internal_api": ["172.16.2.0/24"]}},
        "ServiceNetMap": {key: _net(key) for key in sorted(contract.SERVICE_NET_MAP_KEYS)},
        "EndpointMap": {key: _endpoint(key) for key in sorted(contract.ENDPOINT_MAP_KEYS)},
        "DefaultPasswords": {}, "RoleName": "Controller", "RoleParameters": {},
    }
    resources = _resources()
    root = {
        "heat_template_version": contract.HOT_VERSION,
        "description": "The storage and bare metal templates, for the tests.",
        "resources": {name: {"type": rel, "properties": {**properties, **overrides}}
                      for name, (rel, overrides) in resources.items()},
        "outputs": {name: {"value": {"get_attr": [name, "role_data"]}} for name in resources},
    }
    secrets = dict(contract.secret_values())
    (tree / "services").symlink_to(ROOT / "services", target_is_directory=True)
    (tree / "storage.yaml").write_text(yaml.safe_dump(root), encoding="utf-8")
    (tree / "values.yaml").write_text(yaml.safe_dump({"parameter_defaults": {**secrets, **PARAMETERS}}),
                                      encoding="utf-8")
    yield contract.outputs_from_local_heat(tree, "storage.yaml", [tree / "values.yaml"], "storage",
                                           tmp_path_factory.mktemp("heat-server"))


def test_heat_computes_the_role_data_the_contract_predicts(role_data: dict[str, dict[str, Any]]) -> None:
    for name, (rel, _) in _resources().items():
        data, template = role_data[name], contract.load(ROOT / rel)
        assert data["service_name"] == template.role_data["service_name"], name
        assert contract.task_list_problems(data["upgrade_tasks"], "upgrade_tasks") == [], name
        predicted = set(contract.resolved_role_data(template)["config_settings"])
        conditional = contract.conditional_keys(template)
        assert set(data["config_settings"]) - conditional == predicted - conditional, name


def test_the_cluster_holds_the_keys_of_its_users(role_data: dict[str, dict[str, Any]]) -> None:
    keys = role_data["CephMon"]["config_settings"]["ceph::profile::params::client_keys"]
    assert set(keys) == {"client.admin", "client.bootstrap-osd", "client.cloudy", "client.manila"}
    assert keys["client.cloudy"]["secret"] == contract.secret_values()["CephClientKey"]
    assert "allow rwx pool=volumes" in keys["client.cloudy"]["cap_osd"]
    external = role_data["CephExternal"]["config_settings"]
    assert set(external["ceph::profile::params::client_keys"]) == {"client.cloudy"}
    assert external["tripleo::profile::base::ceph::ceph_mon_host"] == "192.0.2.1,192.0.2.2"
    mon = role_data["CephMon"]["config_settings"]
    assert mon["ceph::profile::params::public_network"] == "internal_api_subnet"
    assert mon["ceph::profile::params::fsid"] == FSID


def test_the_monitors_create_the_services_pools_and_the_extra_ones(role_data: dict[str, dict[str, Any]]) -> None:
    pools = role_data["CephMon"]["config_settings"]["tripleo::profile::base::ceph::mon::ceph_pools"]
    assert set(pools) == {"volumes", "backups", "vms", "images", "metrics", "extra"}
    assert pools["images"] == {"pg_num": 32, "pgp_num": 32, "size": 3}
    assert pools["volumes"]["pg_num"] == 256  # CephPools wins over the defaults


def test_a_role_gives_its_own_osd_layout(role_data: dict[str, dict[str, Any]]) -> None:
    assert role_data["CephOsdOwnLayout"]["config_settings"]["ceph::profile::params::osds"] == ROLE_OSDS
    assert role_data["CephOsd"]["config_settings"]["ceph::profile::params::osds"] == {"/srv/data": {}}


def test_consumers_get_the_user_pools_and_libvirt_secret(role_data: dict[str, dict[str, Any]]) -> None:
    scs = role_data["CephClient"]["service_config_settings"]
    assert scs["glance_api"] == {"glance::backend::rbd::rbd_store_user": "cloudy",
                                 "glance::backend::rbd::rbd_store_pool": "images"}
    assert scs["nova_compute"]["nova::compute::rbd::libvirt_rbd_secret_uuid"] == FSID
    assert scs["nova_compute"]["nova::compute::rbd::rbd_keyring"] == "client.cloudy"
    volume = role_data["CinderVolumePacemaker"]["service_config_settings"]["nova_compute"]
    assert volume["rbd_persistent_storage"] is True


def test_optional_backend_settings_appear_only_when_given(role_data: dict[str, dict[str, Any]]) -> None:
    netapp = role_data["CinderBackendNetapp"]["config_settings"]
    assert netapp["cinder::backend::netapp::netapp_vserver"] == "svm1"
    assert "cinder::backend::netapp::netapp_vfiler" not in netapp
    assert netapp["cinder::backend::netapp::nfs_shares"] == "192.0.2.5:/a,192.0.2.6:/b"
    wait = next(t for t in role_data["CinderBackendNetapp"]["upgrade_tasks"] if "wait_for" in t)
    assert wait["wait_for"] == {"host": "netapp.example.com", "port": 80, "timeout": 10}
    assert "cinder::backend::scaleio::sio_server_certificate_path" not in \
        role_data["CinderBackendScaleio"]["config_settings"]


def test_clustered_cinder_services_are_configured_but_not_run_by_puppet(role_data: dict[str, dict[str, Any]]) -> None:
    volume = role_data["CinderVolumePacemaker"]["config_settings"]
    assert (volume["cinder::volume::manage_service"], volume["cinder::volume::enabled"]) == (False, False)
    assert volume["cinder::host"] == role_data["CinderBackupPacemaker"]["config_settings"]["cinder::host"]
    assert role_data["CinderBackupCephPacemaker"]["config_settings"]["cinder::backup::ceph::backup_ceph_user"] \
        == "cloudy"


def test_urls_built_from_the_endpoints(role_data: dict[str, dict[str, Any]]) -> None:
    swift = _endpoint("SwiftInternal")["uri_no_suffix"]
    backup = role_data["CinderBackup"]["config_settings"]
    assert backup["cinder::backup::swift::backup_swift_url"] == f"{swift}/v1/AUTH_"
    keystone = role_data["CinderApi"]["service_config_settings"]["keystone"]
    assert keystone["cinder::keystone::auth::public_url"] == _endpoint("CinderV3Public")["uri"]
    assert keystone["cinder::keystone::auth::service_type"] == "volumev3"
    nova = role_data["NovaIronic"]["config_settings"]
    assert nova["nova::ironic::common::api_endpoint"] == _endpoint("IronicInternal")["uri"] + "/v1"
    conductor = role_data["IronicConductor"]["config_settings"]
    assert conductor["ironic::conductor::http_url"] == "http://%{hiera('internal_api')}:8088"


def test_swift_drops_the_telemetry_middleware_when_it_is_off(role_data: dict[str, dict[str, Any]]) -> None:
    pipeline = role_data["SwiftProxy"]["config_settings"]["swift::proxy::pipeline"]
    assert "ceilometer" not in pipeline
    assert pipeline[0] == "catch_errors" and pipeline[-2:] == ["proxy-logging", "proxy-server"]
