"""The rendered library: it renders clean, lints clean, and each role gets what its data says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tht_gen import render
from tht_gen.lint import lint

from .trees import ALL_ROLES_CASE, ROOT, Tree, all_roles_tree, default_tree, walk

TREES = {"default": default_tree, "all-roles": all_roles_tree}
LAYOUTS = ["single-nic-vlans", "bond-with-vlans", "multiple-nics", "single-nic-linux-bridge-vlans", "noop"]


@pytest.mark.parametrize("which", TREES)
def test_renders_clean_under_strict_with_no_warning(which: str, tmp_path: Path) -> None:
    data = {} if which == "default" else {"roles_data": ALL_ROLES_CASE / "roles_data.yaml",
                                          "network_data": ALL_ROLES_CASE / "network_data.yaml"}
    result = render(None, data.get("roles_data"), data.get("network_data"), tmp_path / "out",
                    strict=True, use_cache=False)
    assert result.ok
    assert [d.format_text() for d in result.diagnostics] == []
    assert not [p for p in (tmp_path / "out").rglob("*.j2.yaml")]


@pytest.mark.parametrize("which", TREES)
def test_the_rendered_tree_lints_with_no_error(which: str, tmp_path: Path) -> None:
    tree = TREES[which]()
    for name in tree.rendered:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(tree.files[name])
    for name, data in tree.files.items():  # the copied templates the rendered ones use
        target = tmp_path / name
        if not target.exists() and name.endswith((".yaml", ".sh")):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    report = lint([tmp_path], jobs=1, config=ROOT / ".tht-gen.yaml")  # the library's strict settings
    errors = [d.format_text() for d in report.diagnostics if str(d.severity) == "error"]
    assert errors == []
    assert report.exit_code() == 0


def _role_networks(tree: Tree, role: dict[str, object]) -> set[str]:
    nets = role.get("networks") or {}
    return {n["name"] for n in tree.enabled_networks if n["name"] in nets}  # type: ignore[operator]


@pytest.mark.parametrize("which", TREES)
def test_each_role_template_has_a_port_per_network_of_the_role(which: str) -> None:
    tree = TREES[which]()
    for role in tree.roles:
        name = role["name"]
        template = tree.load(f"puppet/{name.lower()}-role.yaml")
        resources = template["resources"]
        ports = {r[:-4] for r, spec in resources.items()
                 if r.endswith("Port") and r != "ControlPlanePort"}
        assert ports == _role_networks(tree, role), name
        assert resources[name]["type"] == f"OS::TripleO::{name}Server"
        for port in ports:
            assert resources[f"{port}Port"]["type"] == f"OS::TripleO::{name}::Ports::{port}Port"
        # every enabled network resolves to an address on the node
        ip_map = resources["NetIpMap"]["properties"]["value"]
        for network in tree.enabled_networks:
            lower = network["name_lower"]
            assert {lower, f"{lower}_subnet", f"{lower}_uri"} <= set(ip_map)
            source = "ControlPlanePort" if network["name"] not in ports else f"{network['name']}Port"
            assert ip_map[lower] == {"get_attr": [source, "ip_address"]}
        hooks = {spec["type"] for spec in resources.values()}
        assert {f"OS::TripleO::{name}ExtraConfigPre", "OS::TripleO::NodeExtraConfig",
                "OS::TripleO::SoftwareDeployment", f"OS::TripleO::{name}::Net::SoftwareConfig"} <= hooks
        assert {"server_id", "hostname", "net_ip_map", "hosts_entry", "ip_address"} <= set(template["outputs"])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", TREES)
def test_each_nic_config_covers_the_networks_of_its_role_only(which: str, layout: str) -> None:
    tree = TREES[which]()
    for role in tree.roles:
        template = tree.load(f"network/config/{layout}/{role['name'].lower()}.yaml")
        role_nets = _role_networks(tree, role)
        subnets = {p[: -len("IpSubnet")] for p in template["parameters"] if p.endswith("IpSubnet")}
        assert subnets == role_nets, (layout, role["name"])
        text = json.dumps(template["resources"])
        for network in tree.enabled_networks:
            used = f'"{network["name"]}IpSubnet"' in text
            assert used == (network["name"] in role_nets and layout != "noop"), (layout, role["name"])
        if layout == "noop":
            continue
        config = template["resources"]["OsNetConfigImpl"]["properties"]["config"]["str_replace"]
        assert config["template"] == {"get_file": "../../scripts/run-os-net-config.sh"}
        interfaces = config["params"]["_NETWORK_CONFIG_"]["network_config"]
        kinds = {node.get("type") for node in walk(interfaces) if isinstance(node, dict)}
        expected = {"single-nic-vlans": {"ovs_bridge", "interface", "vlan"},
                    "bond-with-vlans": {"ovs_bridge", "ovs_bond", "interface", "vlan"},
                    "multiple-nics": {"interface"},
                    "single-nic-linux-bridge-vlans": {"linux_bridge", "interface", "vlan"}}[layout]
        assert expected <= kinds, (layout, role["name"], kinds)
        defaults = [node for node in walk(interfaces) if isinstance(node, dict) and node.get("default") is True]
        assert len(defaults) == 1, f"{layout}/{role['name']}: one default route"


def test_the_nic_script_writes_the_configuration_and_runs_os_net_config() -> None:
    text = default_tree().files["network/scripts/run-os-net-config.sh"].decode()
    assert text.startswith("#!/bin/bash\n") and "_NETWORK_CONFIG_" in text
    assert re.search(r"os-net-config -c \S+config.json", text)


@pytest.mark.parametrize("which", TREES)
def test_the_overcloud_runs_five_steps_on_every_role_in_lock_step(which: str) -> None:
    tree = TREES[which]()
    overcloud = tree.load("overcloud.yaml")
    resources = overcloud["resources"]
    roles = [r["name"] for r in tree.roles]
    for step in range(1, 6):
        barrier = resources[f"Step{step}Done"]
        assert barrier["type"] == "OS::Heat::None"
        assert sorted(barrier["depends_on"]) == sorted(f"{r}Deployment_Step{step}" for r in roles)
        for role in roles:
            deployment = resources[f"{role}Deployment_Step{step}"]
            assert deployment["type"] == "OS::TripleO::DeploymentGroup"
            assert deployment["depends_on"] == ("UpgradeSteps" if step == 1 else f"Step{step - 1}Done")
            assert deployment["properties"]["input_values"]["step"] == step
            assert deployment["properties"]["config"] == {"get_resource": f"{role}Config"}
    assert resources["UpgradeSteps"]["depends_on"] == "AllNodesDone"
    assert resources["PostUpgradeSteps"]["depends_on"] == "Step5Done"
    for role in roles:
        assert resources[f"{role}ExtraConfigPost"]["depends_on"] == "PostUpgradeSteps"
        group = resources[role]
        assert group["type"] == "OS::Heat::ResourceGroup"
        assert group["properties"]["resource_def"]["type"] == f"OS::TripleO::{role}"
        assert resources[f"{role}ServiceChain"]["type"] == "OS::TripleO::ServiceChain"
        for parameter in (f"{role}Count", f"{role}HostnameFormat", f"Overcloud{role}Flavor", f"{role}Image",
                          f"{role}SchedulerHints", f"{role}Services", f"{role}Parameters"):
            assert parameter in overcloud["parameters"]
    assert {"EndpointMap", "VipMap", "RoleData", "RoleNetIpMap", "HostsEntry"} <= set(overcloud["outputs"])


def test_defaults_come_from_the_roles_data() -> None:
    tree = all_roles_tree()
    parameters = tree.load("overcloud.yaml")["parameters"]
    for role in tree.roles:
        name = role["name"]
        assert parameters[f"{name}Count"]["default"] == role.get("CountDefault", 0)
        assert parameters[f"{name}HostnameFormat"]["default"] == role["HostnameFormatDefault"]
        assert parameters[f"{name}Services"]["default"] == (role.get("ServicesDefault") or [])
        assert parameters[f"{name}Parameters"]["default"] == role.get("RoleParametersDefault", {})


def test_the_overcloud_generates_no_password() -> None:
    """Passwords are the services' own hidden parameters, given by an environment
    (tht-gen passwords generate): the overcloud makes none, and passes the
    service chain no DefaultPasswords (its standard parameter stays, empty)."""
    for tree in (default_tree(), all_roles_tree()):
        overcloud = tree.load("overcloud.yaml")
        assert "DefaultPasswords" not in overcloud["parameters"]
        assert [n for n, r in overcloud["resources"].items() if r["type"] == "OS::Heat::RandomString"] == []
        for role in tree.roles:
            chain = overcloud["resources"][f"{role['name']}ServiceChain"]["properties"]
            assert "DefaultPasswords" not in chain
        chain_template = tree.load("puppet/service-chain.yaml")
        assert chain_template["parameters"]["DefaultPasswords"]["default"] == {}


def test_the_bootstrap_node_is_the_first_node_of_the_primary_role() -> None:
    for tree in (default_tree(), all_roles_tree()):
        config = tree.load("overcloud.yaml")["resources"]["AllNodesConfig"]["properties"]["config"]
        bootstrap = config["datafiles"]["bootstrap_node"]["bootstrap_nodeid"]["yaql"]
        assert bootstrap["data"] == {"get_attr": ["Controller", "hostname"]}
