"""The roles of roles/ and the default roles data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from .trees import ROOT, registered_services, role_files

ROLES = role_files()
IDS = [role["name"] for _, role in ROLES]
DEFAULT_ROLES = ["Controller", "Compute", "BlockStorage", "ObjectStorage", "CephStorage"]
ISSUE_ROLES = {"Controller", "Compute", "BlockStorage", "ObjectStorage", "CephStorage", "Networker",
               "Messaging", "Database", "Telemetry", "ControllerOpenstack", "ComputeHCI",
               "ComputeOvsDpdk", "ComputeSriov", "ComputeDVR", "IronicConductor", "Standalone"}


def test_the_roles_folder_has_the_roles_of_the_issue() -> None:
    names = set(IDS)
    assert len(ROLES) >= 15
    assert names >= ISSUE_ROLES, sorted(ISSUE_ROLES - names)


@pytest.mark.parametrize(("path", "role"), ROLES, ids=IDS)
def test_each_file_holds_one_role_named_as_the_file(path: Path, role: dict[str, Any]) -> None:
    assert len(yaml.safe_load(path.read_text())) == 1
    assert path.stem == role["name"]


@pytest.mark.parametrize(("path", "role"), ROLES, ids=IDS)
def test_each_role_is_described_and_has_networks_and_a_host_name_format(
        path: Path, role: dict[str, Any]) -> None:
    assert isinstance(role.get("description"), str) and len(role["description"].split()) >= 5
    networks = yaml.safe_load((ROOT / "network_data.yaml").read_text())
    known = {n["name"] for n in networks}
    assert role["networks"] and set(role["networks"]) <= known
    for name, spec in role["networks"].items():
        lower = next(n["name_lower"] for n in networks if n["name"] == name)
        assert spec == {"subnet": f"{lower}_subnet"}
    assert set(role.get("default_route_networks", [])) <= set(role["networks"])
    assert "%index%" in role["HostnameFormatDefault"]
    assert isinstance(role.get("tags", []), list)


@pytest.mark.parametrize(("path", "role"), ROLES, ids=IDS)
def test_each_role_runs_only_registered_services(path: Path, role: dict[str, Any]) -> None:
    registered = registered_services()
    services = role.get("ServicesDefault") or []
    unregistered = [s for s in services if s not in registered]
    assert unregistered == [], (
        f"{path.relative_to(ROOT)} names services that services/registry*.j2 do not register "
        "(keep them as '# TODO(unregistered)' lines until they are)")
    assert len(services) == len(set(services)), "a service is listed twice"
    assert "OS::TripleO::Services::Ntp" in services  # every node keeps its clock


def test_roles_data_holds_the_default_roles_as_their_files_define_them() -> None:
    roles_data = yaml.safe_load((ROOT / "roles_data.yaml").read_text())
    assert [r["name"] for r in roles_data] == DEFAULT_ROLES
    by_name = {role["name"]: role for _, role in ROLES}
    for role in roles_data:
        assert role == by_name[role["name"]], f"roles_data.yaml differs from roles/{role['name']}.yaml"


def test_the_default_roles_have_one_primary_role_with_a_controller_count() -> None:
    roles_data = yaml.safe_load((ROOT / "roles_data.yaml").read_text())
    primaries = [r["name"] for r in roles_data if "primary" in r.get("tags", [])]
    assert primaries == ["Controller"]
    assert roles_data[0]["CountDefault"] >= 1
