"""The shipped library, proven by Heat: ``lint --heat`` on the default tree, and a real
create, scale-up and delete of 3 controllers + 2 computes with network isolation and the
no-op environment, on a Heat with no other OpenStack service (``tht_gen.heat.server``).

What the deployment is expected to give is worked out from the inputs, not written
down: the roles' services from the roles data and the registry, the addresses from the
no-op environment and the network data, the passwords from the environment
``tht-gen passwords generate`` wrote.
"""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen.heat.availability import quiet_dependencies

ENVIRONMENTS = ["environments/network-isolation.yaml", "environments/noop-deployment.yaml"]
CONTROLLERS, COMPUTES = 3, 2


@dataclass(frozen=True)
class Deployment:
    tree: Path
    environments: list[Path]  # isolation, no-op, counts, passwords: in merge order
    passwords: dict[str, str]

    def load(self, name: str) -> Any:
        return yaml.safe_load((self.tree / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    import tht_gen
    from tht_gen.passwords import format_passwords, generate_passwords, write_passwords

    out = tmp_path_factory.mktemp("library")
    result = tht_gen.render(None, output_dir=out)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    counts = out / "counts.yaml"
    counts.write_text(f"parameter_defaults:\n  ControllerCount: {CONTROLLERS}\n  ComputeCount: {COMPUTES}\n")
    environments = [out / e for e in ENVIRONMENTS] + [counts]
    # Every secret the deployment takes, from the tree itself.
    secrets = generate_passwords(out, environments)
    assert secrets.ok and not secrets.missing_external, [d.format_text() for d in secrets.diagnostics]
    write_passwords(out / "passwords.yaml", format_passwords(secrets))
    return Deployment(out, [*environments, out / "passwords.yaml"],
                      {k: v for k, v in secrets.values.items() if isinstance(v, str)})


@pytest.mark.usefixtures("needs_heat", "needs_sdk")
def test_library_passes_lint_heat(deployment: Deployment) -> None:
    from tht_gen.heat import validate_tree

    result = validate_tree(deployment.tree, deployment.environments)
    assert [d.format_text() for d in result.diagnostics] == []
    assert result.stacks_checked > 20
    # The generated passwords satisfy every constraint and leave nothing without a value.
    assert result.placeholders == {}


@pytest.mark.usefixtures("needs_heat", "needs_sdk")
def test_library_lint_heat_finds_a_typo_three_stacks_down(deployment: Deployment, tmp_path: Path) -> None:
    """overcloud.yaml -> the role's service chain -> its ResourceChain -> the NTP service: a
    misspelt get_param there passes Heat's own validate and preview, and lint --heat finds it
    at its line."""
    import shutil

    from tht_gen.heat import validate_tree

    tree = tmp_path / "tree"
    shutil.copytree(deployment.tree, tree, symlinks=True)
    ntp = tree / "services/time/ntp.yaml"
    text = ntp.read_text(encoding="utf-8")
    assert text.count("{get_param: NtpServer}") == 1
    ntp.write_text(text.replace("{get_param: NtpServer}", "{get_param: NtpServr}"), encoding="utf-8")
    line = next(i for i, row in enumerate(ntp.read_text().splitlines(), 1) if "NtpServr" in row)
    environments = [tree / e.relative_to(deployment.tree) for e in deployment.environments]
    result = validate_tree(tree, environments)
    found = [d for d in result.diagnostics if "NtpServr" in d.message]
    assert found and not result.ok
    assert {(d.location.file, d.location.line) for d in found} == {("services/time/ntp.yaml", line)}


def test_library_deploys_scales_and_deletes(deployment: Deployment, cloud: str, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = ["deploy", "--cloud", cloud, "--stack", "overcloud", "-p", deployment.tree, "-q"]
    for env in deployment.environments:
        args += ["-e", env]

    started = time.monotonic()
    code, out, err = run_cli(*args)
    assert (code, err) == (0, ""), err
    assert "overcloud CREATE_COMPLETE" in out
    created = time.monotonic() - started
    outputs = read_outputs(run_cli, cloud, tmp_path / "create")
    check_roles(deployment, outputs, {"Controller": CONTROLLERS, "Compute": COMPUTES})

    started = time.monotonic()
    code, out, err = run_cli(*args, "-P", f"ComputeCount={COMPUTES + 1}")
    assert (code, err) == (0, ""), err
    assert "overcloud UPDATE_COMPLETE" in out
    updated = time.monotonic() - started
    outputs = read_outputs(run_cli, cloud, tmp_path / "update")
    check_roles(deployment, outputs, {"Controller": CONTROLLERS, "Compute": COMPUTES + 1})

    started = time.monotonic()
    from tht_gen.deploy import connect, delete

    assert delete(cloud, "overcloud", timeout_seconds=900) == ""
    deleted = time.monotonic() - started
    with quiet_dependencies():
        assert connect(cloud).proxy.find_stack("overcloud", ignore_missing=True) is None
    # Shown with -s (and in CI logs): what the create, scale-up and delete took here.
    print(f"\n{CONTROLLERS}+{COMPUTES}: create {created:.0f} s, scale to {COMPUTES + 1} computes "
          f"{updated:.0f} s, delete {deleted:.0f} s")


# --------------------------------------------------------------------------- reading

def read_outputs(run_cli, cloud: str, dest: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """``tht-gen outputs`` (the config download) as the test reads it: role -> key -> value,
    and the stack's other outputs under "outputs"."""
    code, _out, err = run_cli("outputs", "--cloud", cloud, "--stack", "overcloud", "-o", dest)
    assert code == 0, err
    index = json.loads((dest / "index.json").read_text())
    found: dict[str, Any] = {"outputs": {}}
    for role in index["roles"]:
        found[role] = json.loads((dest / role / "role_data.json").read_text())
        merged = yaml.safe_load((dest / role / "merged_config_settings.yaml").read_text())
        assert merged == found[role]["merged_config_settings"]
    for path in sorted((dest / "outputs").glob("*.json")):
        found["outputs"][path.stem] = json.loads(path.read_text())
    return found


# --------------------------------------------------------------------------- expectations

def expected_service_names(deployment: Deployment, role: str) -> list[str]:
    """The role's services (roles data) through the registry, each template's service_name."""
    registry = deployment.load("overcloud-resource-registry-puppet.yaml")["resource_registry"]
    for env in deployment.environments:
        registry.update((deployment.load(str(env)) or {}).get("resource_registry") or {})
    roles = {r["name"]: r for r in deployment.load("roles_data.yaml")}
    names = []
    for service in roles[role]["ServicesDefault"]:
        target = registry[service]
        if target == "OS::Heat::None":
            continue
        template = deployment.load(target)
        names.append(template["outputs"]["role_data"]["value"]["service_name"])
    return names


def in_pool(address: str, network: dict[str, Any]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ipaddress.ip_address(p["start"]) <= ip <= ipaddress.ip_address(p["end"])
               for p in network["allocation_pools"])


def check_roles(deployment: Deployment, found: dict[str, Any], counts: dict[str, int]) -> None:
    noop = deployment.load("environments/noop-deployment.yaml")["parameter_defaults"]
    networks = {n["name_lower"]: n for n in deployment.load("network_data.yaml")
                if n.get("enabled", True)}
    roles = {r["name"]: r for r in deployment.load("roles_data.yaml")}
    outputs = found["outputs"]
    all_nodes = outputs["AllNodesData"]

    # Virtual IPs: the no-op environment's, each in its network's allocation pool.
    vips = outputs["VipMap"]
    assert vips["ctlplane"] == noop["ControlFixedIPs"][0]["ip_address"]
    vip_networks = [n for n in networks.values() if n.get("vip")]
    assert vip_networks
    for network in vip_networks:
        address = vips[network["name_lower"]]
        assert address == noop[f"{network['name']}VirtualFixedIPs"][0]["ip_address"]
        assert in_pool(address, network)

    for role, count in counts.items():
        data = found[role]
        service_names = expected_service_names(deployment, role)
        assert data["service_names"] == service_names, role
        assert len(outputs["RoleHostnames"][role]) == count

        # Per node, its address on every network of its role: the no-op
        # environment's entry for its index, in the network's pool.
        ips = outputs["RoleNetIpMap"][role]
        assert len(ips) == count
        role_networks = [n for n in networks.values() if n["name"] in roles[role]["networks"]]
        assert role_networks, role
        for index, node in enumerate(ips):
            assert node["ctlplane"] == noop[f"{role}IPs"]["ctlplane"][index]
            for network in role_networks:
                lower = network["name_lower"]
                assert node[lower] == noop[f"{role}IPs"][lower][index], (role, index, lower)
                assert in_pool(node[lower], network)
            for lower in set(networks) - {n["name_lower"] for n in role_networks}:
                assert node[lower] == node["ctlplane"]  # a network the role is not on

        # The role's merged hieradata: known keys, with the values the inputs give.
        merged = data["merged_config_settings"]
        assert merged["tripleo::profile::base::logging::fluentd::fluentd_sources"] == data["logging_sources"]
        assert set(merged["tripleo::profile::base::logging::fluentd::fluentd_groups"]) == \
            set(data["logging_groups"])
        assert merged["sensu::subscriptions"] == list(dict.fromkeys(data["monitoring_subscriptions"]))
        for name in service_names:
            # Every service's nodes, on its network, in the data all nodes share.
            assert all_nodes[f"{name}_enabled"] is True
            network = all_nodes.get(f"{name}_network", "ctlplane")
            assert [n for n in all_nodes[f"{name}_node_ips"] if n in [i[network] for i in ips]] == \
                [i[network] for i in ips], name

    controller, compute = found["Controller"]["merged_config_settings"], found["Compute"]["merged_config_settings"]
    passwords = deployment.passwords
    assert controller["nova::keystone::authtoken::password"] == passwords["NovaPassword"]
    assert compute["nova::keystone::authtoken::password"] == passwords["NovaPassword"]
    # Database entries every service gives reach the roles running the database only.
    assert controller["nova::db::mysql::password"] == passwords["NovaPassword"]
    assert controller["keystone::admin_password"] == passwords["AdminPassword"]
    assert "nova::db::mysql::password" not in compute
    # net_cidr_map comes from the network data, not the control plane's cidr.
    assert controller["apache::mod::remoteip::proxy_ips"] == [networks["internal_api"]["ip_subnet"]]

    # Endpoints HAProxy balances, on their own networks.
    controller_ips = outputs["RoleNetIpMap"]["Controller"]
    assert all_nodes["keystone_public_api_node_ips"] == [n["internal_api"] for n in controller_ips]
    assert all_nodes["keystone_admin_api_node_ips"] == [n["ctlplane"] for n in controller_ips]
    assert all_nodes["keystone_node_ips"] == [n["internal_api"] for n in controller_ips]
    assert all_nodes["keystone_public_api_enabled"] is True
    assert all_nodes["nova_api_network"] == "internal_api"
    compute_ips = outputs["RoleNetIpMap"]["Compute"]
    assert all_nodes["nova_compute_node_ips"] == [n["internal_api"] for n in compute_ips]
    # A service named otherwise than its network key still finds its network.
    assert all_nodes["snmp_network"] == all_nodes["snmpd_network"]
