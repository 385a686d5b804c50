"""Roles and network data as the renderer loads them: names checked before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tht_gen import render
from tht_gen.render.data import unsafe_name_reason

from ..conftest import MINIMAL_NETWORKS, MINIMAL_ROLES, tree_files


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "is empty"),
        ("../etc", "contains a path separator"),
        ("a/b", "contains a path separator"),
        ("a\\b", "contains a path separator"),
        ("..", "contains '..'"),
        ("bad\x07", "contains a non-printable character"),
        ("tab\tname", "contains a non-printable character"),
        (" padded", "starts or ends with white space"),
        (42, "must be a string, not int"),
        (None, "must be a string, not NoneType"),
    ],
)
def test_unsafe_names(name: object, reason: str) -> None:
    assert unsafe_name_reason(name) == reason


@pytest.mark.parametrize("name", ["Controller", "ComputeOvsDpdk", "cell-1", "Edge_2", "Compute.A"])
def test_safe_names(name: str) -> None:
    assert unsafe_name_reason(name) is None


TEMPLATES = {
    "puppet/role.role.j2.yaml": "a: {{role.name}}\n",
    "network/network.network.j2.yaml": "n: {{network.name}}\n",
    "overcloud.j2.yaml": "x: 1\n",
}


@pytest.mark.parametrize(
    ("roles", "networks", "file", "line", "column", "fragment"),
    [
        ("- name: ../../evil\n", MINIMAL_NETWORKS, "roles_data.yaml", 1, 9, "contains a path separator"),
        ("- name: Good\n- name: ''\n", MINIMAL_NETWORKS, "roles_data.yaml", 2, 9, "is empty"),
        ("- name: A\n- name: a\n", MINIMAL_NETWORKS, "roles_data.yaml", 2, 9, "more than once"),
        ("- description: no name\n", MINIMAL_NETWORKS, "roles_data.yaml", 1, 3, "with a 'name'"),
        ("- name: A\n  deprecated_nic_config_name: ../x.yaml\n", MINIMAL_NETWORKS,
         "roles_data.yaml", 2, 31, "deprecated_nic_config_name"),
        (MINIMAL_ROLES, "- name: Ok\n- name: 'a/b'\n", "network_data.yaml", 2, 9, "path separator"),
        (MINIMAL_ROLES, "- name: A\n  name_lower: '..'\n", "network_data.yaml", 2, 15, "'..'"),
        (MINIMAL_ROLES, "- name: A\n  name_lower: x\n- name: B\n  name_lower: x\n",
         "network_data.yaml", 3, 9, "same name_lower"),
    ],
)
def test_bad_names_stop_the_run_with_a_location(
    tmp_tree, run_cli, roles: str, networks: str, file: str, line: int, column: int, fragment: str,
) -> None:
    root = tmp_tree({**TEMPLATES, "roles_data.yaml": roles, "network_data.yaml": networks})
    out = root.parent / "out"
    code, _stdout, stderr = run_cli("render", "-p", root, "-o", out)
    assert code == 1
    assert f"{file}:{line}:{column}: error R01" in stderr
    assert fragment in stderr
    assert "Traceback" not in stderr
    assert not out.exists(), "nothing may be written when the input is bad"


def test_roles_data_must_be_a_list(tmp_tree, run_cli) -> None:
    root = tmp_tree({**TEMPLATES, "roles_data.yaml": "name: Controller\n",
                     "network_data.yaml": MINIMAL_NETWORKS})
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 1
    assert "roles data must be a list of roles, not dict" in stderr


def test_missing_and_unparsable_data_files(tmp_tree, run_cli) -> None:
    root = tmp_tree({**TEMPLATES, "network_data.yaml": MINIMAL_NETWORKS})
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 2
    assert "roles data file not found" in stderr
    root = tmp_tree({**TEMPLATES, "roles_data.yaml": "- name: [unclosed\n",
                     "network_data.yaml": MINIMAL_NETWORKS})
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 1
    assert "roles_data.yaml:2:1: error S000 roles data is not valid YAML" in stderr


def test_templates_see_upstreams_data_mutations(tmp_tree) -> None:
    """idx on every network, name_lower on enabled ones, tags from role names (deprecated)."""
    root = tmp_tree({
        "overcloud.j2.yaml": (
            "{% for n in networks %}{{n.name}}:{{n.idx}}:{{n.name_lower|default('-')}}\n{% endfor %}"
            "{% for r in roles %}{{r.name}}={{r.tags|join(',')}}\n{% endfor %}"
        ),
        "roles_data.yaml": "- name: CephStorage\n- name: ComputeOvsDpdkX\n  tags: [extra]\n",
        "network_data.yaml": "- name: A\n- name: B\n  enabled: false\n- name: C\n  name_lower: cc\n",
    })
    result = render(root, None, None, root.parent / "out")
    assert result.ok
    assert tree_files(root.parent / "out")["overcloud.yaml"].decode() == (
        "A:0:a\nB:1:-\nC:2:cc\nCephStorage=ceph,storage\nComputeOvsDpdkX=extra,compute,ovsdpdk\n"
    )
    warnings = [d for d in result.diagnostics if d.rule_id == "R012"]
    assert [(d.location.line, d.location.column) for d in warnings] == [(1, 9), (1, 9), (2, 9), (2, 9)]


def test_relative_data_paths_resolve_against_the_tree_first(tmp_tree, run_cli, monkeypatch) -> None:
    root = tmp_tree({**TEMPLATES, "data/roles.yaml": MINIMAL_ROLES,
                     "data/nets.yaml": MINIMAL_NETWORKS})
    code, _, stderr = run_cli("render", "-p", root, "-r", "data/roles.yaml", "-n", "data/nets.yaml",
                              "-o", root.parent / "o")
    assert code == 0, stderr
    assert (root.parent / "o" / "puppet" / "compute-role.yaml").read_text() == "a: Compute"
    assert Path(root.parent / "o" / "network" / "internal_api.yaml").exists()
