"""The resource registry and the environments: every type is mapped, every target exists.

Checked on the default tree and on the tree with every role and network.
"""

from __future__ import annotations

import posixpath
import re

import pytest

from .trees import ROOT, Tree, all_roles_tree, default_tree, registered_services, walk

TREES = {"default": default_tree, "all-roles": all_roles_tree}

# The Heat resource types the registry may map to instead of a template.
HEAT_TYPES = {
    "OS::Heat::None", "OS::Nova::Server", "OS::Heat::StructuredDeployment",
    "OS::Heat::StructuredDeploymentGroup", "OS::Heat::SoftwareDeployment",
    "OS::Heat::SoftwareDeploymentGroup", "OS::Heat::DeployedServer",
}


def _target_exists(tree: Tree, folder: str, target: str) -> bool:
    if target.startswith("OS::"):
        return target in HEAT_TYPES
    return posixpath.normpath(posixpath.join(folder, target)) in tree.files


@pytest.mark.parametrize("which", TREES)
def test_every_registry_target_exists(which: str) -> None:
    tree = TREES[which]()
    missing = {k: v for k, v in tree.registry.items() if not _target_exists(tree, "", v)}
    assert missing == {}


@pytest.mark.parametrize("which", TREES)
def test_every_tripleo_type_the_templates_use_is_registered(which: str) -> None:
    tree = TREES[which]()
    registry = tree.registry
    used: dict[str, str] = {}
    for name, template in tree.templates():
        for node in walk(template.get("resources") or {}):
            if isinstance(node, dict) and isinstance(node.get("type"), str) \
                    and node["type"].startswith("OS::TripleO::"):
                used.setdefault(node["type"], name)
        for pname, param in (template.get("parameters") or {}).items():
            # The role service lists are types too (created by the service chain).
            if pname.endswith("Services") and isinstance(param.get("default"), list):
                for service in param["default"]:
                    used.setdefault(service, f"{name} ({pname})")
    unregistered = {t: where for t, where in used.items() if t not in registry}
    assert unregistered == {}
    # and the registry maps nothing that no template uses, apart from the service
    # catalogue (services a role may be given) and per-role types of every role
    unused = {t for t in registry if t not in used and not t.startswith("OS::TripleO::Services::")}
    assert unused == set()


@pytest.mark.parametrize("which", TREES)
def test_every_role_has_its_server_ports_nic_config_and_hooks_registered(which: str) -> None:
    tree = TREES[which]()
    registry = tree.registry
    for role in tree.roles:
        name = role["name"]
        assert registry[f"OS::TripleO::{name}"] == f"puppet/{name.lower()}-role.yaml"
        assert registry[f"OS::TripleO::{name}Server"] == "OS::Nova::Server"
        assert registry[f"OS::TripleO::{name}::Net::SoftwareConfig"] == f"network/config/noop/{name.lower()}.yaml"
        assert registry[f"OS::TripleO::{name}::Ports::ControlPlanePort"] == "network/ports/ctlplane.yaml"
        ports = {k.rsplit("::", 1)[1] for k in registry if k.startswith(f"OS::TripleO::{name}::Ports::")}
        expected = {f"{n['name']}Port" for n in tree.enabled_networks if n["name"] in role["networks"]}
        assert ports == expected | {"ControlPlanePort"}
        for hook in (f"OS::TripleO::{name}ExtraConfigPre", f"OS::TripleO::{name}ExtraConfigPost"):
            assert registry[hook] == "OS::Heat::None"


def test_every_registered_service_template_exists() -> None:
    services = registered_services()
    assert services, "services/registry.j2 registers no service"
    missing = [t for t in services.values() if t != "OS::Heat::None" and not (ROOT / t).is_file()]
    assert missing == []


@pytest.mark.parametrize("which", TREES)
def test_every_environment_registry_target_exists(which: str) -> None:
    tree = TREES[which]()
    missing = []
    environments = list(tree.environments())
    assert len(environments) >= 10
    for name, env in environments:
        for key, target in (env.get("resource_registry") or {}).items():
            if not _target_exists(tree, posixpath.dirname(name), target):
                missing.append(f"{name}: {key} -> {target}")
            if key not in tree.registry:
                missing.append(f"{name}: {key} is not a type of the overcloud registry")
    assert missing == []


HEADER = re.compile(r"\A(?:[^\n]*\n)*?# title: \S[^\n]*\n# description: \|\n(?:#   \S[^\n]*\n)+")


@pytest.mark.parametrize("which", TREES)
def test_every_environment_has_a_title_and_description_and_sets_something(which: str) -> None:
    tree = TREES[which]()
    for name, env in tree.environments():
        text = tree.files[name].decode()
        assert HEADER.match(text), f"{name} does not start with '# title:' and '# description: |'"
        assert env.get("resource_registry") or env.get("parameter_defaults"), name


def test_the_environments_of_the_issue_exist() -> None:
    names = {n for n, _ in default_tree().environments()}
    expected = {
        "network-isolation", "network-isolation-v6", "network-environment", "network-environment-v6",
        "net-single-nic-vlans", "net-bond-with-vlans", "net-multiple-nics",
        "net-single-nic-linux-bridge-vlans", "ips-from-pool", "deployed-server", "noop-ctlplane-ports",
    }
    assert {f"environments/{e}.yaml" for e in expected} <= names


def test_network_isolation_gives_each_role_a_real_port_on_its_networks_only() -> None:
    tree = all_roles_tree()
    env = tree.load("environments/network-isolation.yaml")["resource_registry"]
    v6 = tree.load("environments/network-isolation-v6.yaml")["resource_registry"]
    for role in tree.roles:
        for network in tree.enabled_networks:
            key = f"OS::TripleO::{role['name']}::Ports::{network['name']}Port"
            if network["name"] in role["networks"]:
                assert env[key] == f"../network/ports/{network['name_lower']}.yaml"
                assert v6[key] == f"../network/ports/{network['name_lower']}_v6.yaml"
            else:
                assert key not in env and key not in v6
    for network in tree.enabled_networks:
        assert env[f"OS::TripleO::Network::{network['name']}"] == f"../network/{network['name_lower']}.yaml"
