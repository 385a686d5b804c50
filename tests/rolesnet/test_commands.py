"""tht-gen roles list|show|generate, networks show|validate and schema export, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tht_gen import shipped_library

from ..conftest import RunCli, TreeFactory

CONTROLLER = """\
###############################################################################
# Role: Controller
###############################################################################
- name: Controller
  description: |
    Controller node. Runs the APIs.
  CountDefault: 1
  tags:
    - primary
    - controller
  networks:
    InternalApi:
      subnet: internal_api_subnet
  ServicesDefault:
    - OS::TripleO::Services::Ntp
    - OS::TripleO::Services::Timezone
"""
COMPUTE = """\
# Role: Compute
- name: 'Compute'
  description: Compute node.
  tags: [compute]
  networks:
    InternalApi: {subnet: internal_api_subnet}
  # kept for old environments
  uses_deprecated_params: True
  deprecated_param_extraconfig: 'NovaComputeExtraConfig'
  deprecated_nic_config_name: compute-legacy.yaml
  ServicesDefault:
    - OS::TripleO::Services::Ntp
"""
TREE = {
    "roles/Controller.yaml": CONTROLLER,
    "roles/Compute.yaml": COMPUTE,
    "roles/README.rst": "not a role\n",
    "overcloud-resource-registry-puppet.j2.yaml": (
        "resource_registry:\n"
        "  OS::TripleO::Services::Ntp: services/ntp.yaml\n"
        "  OS::TripleO::Services::Timezone: OS::Heat::None\n"
    ),
    "roles_data.yaml": "- name: Controller\n  tags: [primary, controller]\n",
    "network_data.yaml": "- name: InternalApi\n  name_lower: internal_api\n",
}


@pytest.fixture
def tree(tmp_tree: TreeFactory) -> Path:
    return tmp_tree(TREE)


# ----------------------------------------------------------------------------- roles list/show

def test_roles_list(run_cli: RunCli, tree: Path) -> None:
    code, out, err = run_cli("roles", "list", "--roles-path", tree / "roles")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "NAME        SERVICES  DESCRIPTION",
        "Compute            1  Compute node.",
        "Controller         2  Controller node.",
    ]


def test_roles_list_json_and_a_broken_file(run_cli: RunCli, tmp_tree: TreeFactory) -> None:
    root = tmp_tree({**TREE, "roles/Broken.yaml": "- name: [\n"})
    code, out, err = run_cli("roles", "list", "--roles-path", root / "roles", "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert [r["name"] for r in data["roles"]] == ["Broken", "Compute", "Controller"]
    assert data["roles"][2]["services"] == 2 and data["roles"][2]["tags"] == ["primary", "controller"]
    assert "error" in data["roles"][0]
    assert [d["rule"] for d in data["diagnostics"]] == ["S000"]
    assert data["diagnostics"][0]["path"].endswith("Broken.yaml")


def test_roles_list_defaults_to_the_shipped_roles(run_cli: RunCli) -> None:
    code, out, _ = run_cli("roles", "list", "--format", "json")
    assert code == 0
    shipped = sorted(p.stem for p in (shipped_library().root / "roles").glob("*.yaml"))
    assert [r["name"] for r in json.loads(out)["roles"]] == shipped


def test_roles_show(run_cli: RunCli, tree: Path) -> None:
    code, out, err = run_cli("roles", "show", "Controller", "--roles-path", tree / "roles")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Role Controller (") and lines[1] == "  Controller node. Runs the APIs."
    assert "  tags:                   primary, controller" in lines
    assert "  networks:               InternalApi (internal_api_subnet)" in lines
    assert "  primary:                yes (tagged primary and controller)" in lines
    assert lines[-3:] == ["  services (2):", "    OS::TripleO::Services::Ntp",
                          "    OS::TripleO::Services::Timezone"]
    code, out, _ = run_cli("roles", "show", "Compute", "--roles-path", tree / "roles",
                           "--format", "json")
    assert code == 0 and json.loads(out)["role"]["deprecated_nic_config_name"] == "compute-legacy.yaml"


def test_roles_show_unknown_lists_the_roles(run_cli: RunCli, tree: Path) -> None:
    code, out, err = run_cli("roles", "show", "Computer", "--roles-path", tree / "roles")
    assert (code, out) == (2, "")
    assert err == (f"tht-gen roles show: no role 'Computer' in {tree / 'roles'}; the roles there: "
                   "Compute, Controller\n")


def test_roles_missing_folder(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = run_cli("roles", "list", "--roles-path", tmp_path / "nope")
    assert code == 2 and "roles folder not found" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- roles generate

def expected_roles(tree: Path, *requests: str) -> list[dict[str, object]]:
    """What `openstack overcloud roles generate` puts in roles data, worked out from the role
    files independently of tht-gen: each file's roles in order; NAME:NEW renames the copy,
    which here also drops the keys that would collide with the original's."""
    out = []
    for request in requests:
        source, _, new = request.partition(":")
        for role in yaml.safe_load((tree / "roles" / f"{source}.yaml").read_text()):
            if new:
                role = {k: v for k, v in role.items()
                        if not (k.startswith("deprecated_") or k == "uses_deprecated_params")}
                role["name"] = new
            out.append(role)
    return out


def test_generate_writes_the_roles_in_order(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "roles_data.yaml"
    code, out, err = run_cli("roles", "generate", "--roles-path", tree / "roles", "Controller",
                             "Compute", "Compute:ComputeHCI", "-o", target)
    assert code == 0, err
    assert out == f"wrote 3 roles to {target}\n"
    text = target.read_text()
    assert yaml.safe_load(text) == expected_roles(tree, "Controller", "Compute", "Compute:ComputeHCI")
    # the role files' own comments are kept, and the copy says where it came from
    assert "# Role: Controller\n" in text and "  # kept for old environments\n" in text
    assert "# tht-gen: role ComputeHCI is a copy of Compute\n" in text
    assert "- name: 'ComputeHCI'\n" in text  # the original's quoting is kept
    assert "  # deprecated_param_extraconfig: 'NovaComputeExtraConfig'\n" in text
    assert text.startswith("#" * 79 + "\n")
    # the deprecated keys the original keeps are reported as warnings, on the output's lines
    assert "warning N011 deprecated_param_extraconfig in role 'Compute'" in err
    assert "ComputeHCI" not in err
    assert sorted(p.name for p in target.parent.iterdir()) == ["roles_data.yaml"]


def test_generate_to_stdout(run_cli: RunCli, tree: Path) -> None:
    code, out, err = run_cli("roles", "generate", "--roles-path", tree / "roles", "Controller", "-q")
    assert (code, err) == (0, "")
    assert yaml.safe_load(out) == expected_roles(tree, "Controller")


def test_generate_refuses_unknown_roles(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "roles_data.yaml"
    code, out, err = run_cli("roles", "generate", "--roles-path", tree / "roles", "Controller",
                             "Networker", "Storage:StorageA", "-o", target)
    assert (code, out) == (2, "")
    assert err == (f"tht-gen roles generate: no role 'Networker', 'Storage' in {tree / 'roles'}; "
                   "the roles there: Compute, Controller\n")
    assert not target.exists()


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ("Compute:Compute", "the new name must differ"),
        ("Compute:HCI", "the new name must start with 'Compute'"),
        ("Compute:", "is not NAME or NAME:NEWNAME"),
        ("Compute:A:B", "is not NAME or NAME:NEWNAME"),
        ("Compute:Compute/..", "the new name contains a path separator"),
    ],
)
def test_generate_rename_rules(run_cli: RunCli, tree: Path, request_: str, message: str) -> None:
    code, _, err = run_cli("roles", "generate", "--roles-path", tree / "roles", request_)
    assert code == 2 and message in err and "Traceback" not in err


def test_generate_refuses_a_result_with_errors(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "roles_data.yaml"
    args = ("roles", "generate", "--roles-path", tree / "roles", "Controller",
            "Controller:ControllerB", "-o", target)
    code, out, err = run_cli(*args)
    assert code == 1 and out == "" and not target.exists()
    assert "error N007 role 'ControllerB' is tagged primary and controller" in err
    assert "nothing written" in err
    code, out, err = run_cli(*args, "--force")
    assert code == 1 and target.is_file()


def test_generate_checks_services_against_the_tree(run_cli: RunCli, tmp_tree: TreeFactory) -> None:
    root = tmp_tree({**TREE, "roles/Compute.yaml": COMPUTE.replace("Services::Ntp", "Services::Ntpd")})
    code, _, err = run_cli("roles", "generate", "--roles-path", root / "roles", "Compute", "-q")
    assert code == 1
    assert "error T101 service OS::TripleO::Services::Ntpd of role 'Compute' is not registered" in err
    assert "did you mean 'OS::TripleO::Services::Ntp'?" in err


def test_generate_checks_networks_when_given(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    networks = tmp_path / "n.yaml"
    networks.write_text("- name: Tenant\n  ip_subnet: 172.16.0.0/24\n")
    code, out, _ = run_cli("roles", "generate", "--roles-path", tree / "roles", "Controller",
                           "-n", networks, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["written"] is False and data["content"] is None
    assert [(d["rule"], d["line"]) for d in data["diagnostics"]] == [("N004", 17)]


# ----------------------------------------------------------------------------- networks

NETWORKS = """\
- name: InternalApi
  name_lower: internal_api
  vip: true
  ip_subnet: 172.16.2.0/24
  allocation_pools: [{start: 172.16.2.4, end: 172.16.2.250}]
  vlan: 20
- name: Storage
  ipv6: true
  subnets:
    storage_subnet:
      ipv6_subnet: fd00:fd00:fd00:3000::/64
      gateway_ipv6: fd00:fd00:fd00:3000::1
      ipv6_allocation_pools: [{start: 'fd00:fd00:fd00:3000::10', end: 'fd00:fd00:fd00:3000::1f'}]
      vlan: 30
- name: Management
  enabled: false
"""


def test_networks_show(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "network_data.yaml"
    path.write_text(NETWORKS)
    code, out, err = run_cli("networks", "show", path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "InternalApi  name_lower internal_api, vip, mtu 1500 (unset)",
        "    internal_api_subnet  vlan 20",
        "      172.16.2.0/24  pools 172.16.2.4-172.16.2.250 (247 addresses)",
        "Storage  name_lower storage, ipv6, mtu 1500 (unset)",
        "    storage_subnet  vlan 30",
        "      fd00:fd00:fd00:3000::/64  gateway fd00:fd00:fd00:3000::1  pools "
        "fd00:fd00:fd00:3000::10-fd00:fd00:fd00:3000::1f (16 addresses)",
        "Management  name_lower management, disabled, mtu 1500 (unset)",
        "    (no subnets: addresses come from parameters)",
    ]
    code, out, _ = run_cli("networks", "show", path, "--format", "json")
    data = json.loads(out)["networks"]
    assert [n["form"] for n in data] == ["flat", "subnets", "subnets"]
    assert data[1]["subnets"][0]["ipv6"]["free_addresses"] == 16


def test_networks_validate(run_cli: RunCli, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(NETWORKS)
    code, out, err = run_cli("networks", "validate", good)
    assert (code, err) == (0, "")
    assert out == f"{good}: 3 networks\n0 errors, 0 warnings\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text(NETWORKS.replace("end: 172.16.2.250", "end: 172.16.3.250").replace("vlan: 30", "vlan: 20"))
    code, out, err = run_cli("networks", "validate", bad)
    assert code == 1
    assert err.splitlines()[0] == (f"{bad}:5:47: error N106 allocation pool end in allocation_pools "
                                   "of network 'InternalApi' is 172.16.3.250, outside the subnet "
                                   "172.16.2.0/24")
    assert f"{bad}:14:13: error N111 vlan 20 of network 'Storage' subnet 'storage_subnet'" in err
    code, out, _ = run_cli("networks", "validate", bad, "--format", "json")
    assert code == 1
    assert [(d["rule"], d["line"], d["column"]) for d in json.loads(out)] == [
        ("N106", 5, 47), ("N111", 14, 13)]


def test_networks_validate_with_vip_and_roles_data(run_cli: RunCli, tmp_path: Path) -> None:
    networks = tmp_path / "network_data.yaml"
    networks.write_text(NETWORKS)
    vips = tmp_path / "vip_data.yaml"
    vips.write_text("- network: internal_api\n- network: storage\n  ip_address: 172.16.1.5\n")
    roles = tmp_path / "roles_data.yaml"
    roles.write_text("- name: Controller\n  networks: {Storage: {subnet: storage_leaf}}\n")
    code, out, err = run_cli("networks", "validate", networks, vips, "-r", roles)
    assert code == 1
    assert [line.split(": error ")[1].split()[0] for line in err.splitlines() if ": error " in line] == [
        "N004", "N201"]
    assert f"{vips}: 2 VIPs" in out


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        (None, 2, "network data file not found"),
        ("- name: [\n", 1, "error S000 network data is not valid YAML"),
        ("a: 1\n", 1, "S102"),
    ],
)
def test_networks_validate_bad_input(run_cli: RunCli, tmp_path: Path, text: str | None, code: int,
                                     fragment: str) -> None:
    path = tmp_path / "n.yaml"
    if text is not None:
        path.write_text(text)
    got, _, err = run_cli("networks", "validate", path)
    assert got == code and fragment in err and "Traceback" not in err


# ----------------------------------------------------------------------------- schema

def test_schema_export_list_show(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli("schema", "export", tmp_path / "s")
    assert (code, err) == (0, "")
    from tht_gen.schemas import SCHEMAS

    assert len(SCHEMAS) >= 7  # roles, network and VIP data, environment, HOT, role_data, params
    assert out == f"wrote {len(SCHEMAS)} schemas into {tmp_path / 's'}\n"
    assert sorted(p.name for p in (tmp_path / "s").glob("*.schema.json")) == \
        sorted(f"{name}.schema.json" for name in SCHEMAS)
    code, out, _ = run_cli("schema", "list")
    assert code == 0 and out.splitlines()[0].startswith("roles_data ")
    code, out, _ = run_cli("schema", "show", "network_data")
    assert code == 0 and json.loads(out)["title"] == "TripleO network data"
    code, _, err = run_cli("schema", "show", "nope")
    assert code == 2 and "no schema 'nope'" in err


@pytest.mark.parametrize("argv", [("roles",), ("networks",), ("schema",)])
def test_no_action_is_a_usage_error(run_cli: RunCli, argv: tuple[str, ...]) -> None:
    code, _, err = run_cli(*argv)
    assert code == 2 and "usage:" in err


def test_service_registry_of_a_tree(tmp_tree: TreeFactory) -> None:
    from tht_gen.checks.registry import service_registry

    root = tmp_tree({**TREE, "environments/alt.yaml": "resource_registry:\n"
                     "  OS::TripleO::Services::NtpAlt: ../services/ntp.yaml\n",
                     "environments/plain.yaml": "parameter_defaults: {}\n"})
    registry, problems = service_registry(root)
    assert problems == [] and registry is not None
    assert registry.main == {"OS::TripleO::Services::Ntp", "OS::TripleO::Services::Timezone"}
    assert registry.environments == {"OS::TripleO::Services::NtpAlt": ["environments/alt.yaml"]}
    broken = tmp_tree({**TREE, "roles_data.yaml": "- name: [\n"})
    registry, problems = service_registry(broken)
    assert registry is None and [d.rule_id for d in problems] == ["S000"]
