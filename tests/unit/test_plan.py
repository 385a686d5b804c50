"""The pure plan: which source gives which outputs."""

from __future__ import annotations

import pytest

from tht_gen.render.plan import make_plan, network_output, role_output

ROLES = [{"name": "Controller"}, {"name": "Compute", "deprecated_nic_config_name": "compute.yaml"}]
NETS = [
    {"name": "External", "name_lower": "external"},
    {"name": "InternalApi"},
    {"name": "Management", "enabled": False},
]


@pytest.mark.parametrize(
    ("source", "role", "expected"),
    [
        ("puppet/role.role.j2.yaml", {"name": "Controller"}, "puppet/controller-role.yaml"),
        ("a/b/foo.role.j2.yaml", {"name": "CephStorage"}, "a/b/cephstorage-foo.yaml"),
        ("network/config/bond/role.role.j2.yaml", {"name": "Controller"},
         "network/config/bond/controller.yaml"),
        ("network/config/bond/role.role.j2.yaml",
         {"name": "Compute", "deprecated_nic_config_name": "compute.yaml"},
         "network/config/bond/compute.yaml"),
        # the legacy name only applies under network/config
        ("puppet/role.role.j2.yaml", {"name": "Compute", "deprecated_nic_config_name": "x.yaml"},
         "puppet/compute-role.yaml"),
    ],
)
def test_role_output_names(source: str, role: dict[str, str], expected: str) -> None:
    assert role_output(source, role) == expected


@pytest.mark.parametrize(
    ("source", "lower", "expected"),
    [
        ("network/network.network.j2.yaml", "external", "network/external.yaml"),
        ("network/network_v6.network.j2.yaml", "tenant", "network/tenant_v6.yaml"),
        ("network/ports/port.network.j2.yaml", "storage", "network/ports/storage.yaml"),
        ("network/ports/deployed_vip_port.network.j2.yaml", "storage",
         "network/ports/deployed_vip_storage.yaml"),
        # every occurrence is replaced, as str.replace does upstream
        ("network/ports/port_port.network.j2.yaml", "x", "network/ports/x_x.yaml"),
        # outside a *ports folder, 'network' is the token
        ("other/port.network.j2.yaml", "x", "other/port.yaml"),
        ("network/myports/port.network.j2.yaml", "x", "network/myports/x.yaml"),
    ],
)
def test_network_output_names(source: str, lower: str, expected: str) -> None:
    assert network_output(source, lower) == expected


def test_plan_passes_copies_and_disabled_networks() -> None:
    plan = make_plan(
        ["overcloud.j2.yaml", "puppet/role.role.j2.yaml", "network/ports/port.network.j2.yaml",
         "env/a.yaml", "inc/x.j2"],
        ROLES, NETS, copy_others=True,
    )
    outputs = {j.output: j.kind for j in plan.jobs}
    assert outputs == {
        "overcloud.yaml": "global",
        "puppet/controller-role.yaml": "role",
        "puppet/compute-role.yaml": "role",
        "network/ports/external.yaml": "network",
        "network/ports/internalapi.yaml": "network",
        "env/a.yaml": "copy",
        "inc/x.j2": "copy",
    }


def test_no_copies_in_place() -> None:
    plan = make_plan(["a.yaml", "b.j2.yaml"], ROLES, NETS, copy_others=False)
    assert [j.output for j in plan.jobs] == ["b.yaml"]


def test_excludes_apply_to_rendered_outputs_only() -> None:
    plan = make_plan(["puppet/role.role.j2.yaml", "puppet/compute-role.yaml"], ROLES, NETS,
                     copy_others=True, excludes=["puppet/compute-role.yaml"])
    assert [j.output for j in plan.excluded] == ["puppet/compute-role.yaml"]
    # a file of that name in the tree is still copied
    assert ("puppet/compute-role.yaml", "copy") in {(j.output, j.kind) for j in plan.jobs}


def test_rendered_output_wins_over_copy_and_conflicts_are_reported() -> None:
    plan = make_plan(["foo.j2.yaml", "foo.yaml"], ROLES, NETS, copy_others=True)
    assert [(j.output, j.kind) for j in plan.jobs] == [("foo.yaml", "global")]
    plan = make_plan(["a/role.role.j2.yaml"], [{"name": "X"}, {"name": "x"}], NETS,
                     copy_others=False)
    assert [c.output for c in plan.conflicts] == ["a/x-role.yaml"]
