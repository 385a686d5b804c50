"""Task lists as Heat's engine resolves them (tht_gen.upgrade.resolve), on small trees and the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.upgrade import trees
from tht_gen.upgrade.resolve import resolve_roles

pytestmark = pytest.mark.usefixtures("needs_heat")

BASE = trees.service("base", """\
    upgrade_tasks:
      - name: Stop the base
        when: step|int == 1
        service: {name: base, state: stopped}
    """)

WITH_BASE = trees.service("alpha", """\
    upgrade_tasks:
      list_concat:
        - {get_attr: [Base, role_data, upgrade_tasks]}
        - - name: Update alpha
            when: step|int == 3
            package: {name: {get_param: AlphaPackage}, state: latest}
          - if:
              - old_release
              - name: Only on old releases
                when: step|int == 0
                command: /bin/true
              - name: Only on new releases
                when: step|int == 0
                command: /bin/false
    update_tasks:
      - name: Update alpha
        when: step|int == 3
        package: {name: {get_param: AlphaPackage}, state: latest}
    """, parameters="""\
    AlphaPackage: {type: string, default: alpha, description: d}
    AlphaRelease: {type: string, default: new, description: d}
    """, resources="""\
    Base:
      type: ./base.yaml
    """).replace("outputs:", "conditions:\n  old_release: {equals: [{get_param: AlphaRelease}, old]}\noutputs:")

UNKNOWN = trees.service("beta", """\
    upgrade_tasks:
      - name: Wait for keystone
        when: step|int == 4
        wait_for: {host: {get_param: [EndpointMap, KeystoneInternal, host]}, port: 5000}
      - name: Update beta
        when: step|int == 3
        package: {name: beta, state: latest}
    """)

BROKEN = trees.service("gamma", """\
    upgrade_tasks:
      - name: Update gamma
        when: step|int == 3
        package: {name: {get_param: GammaPackages}, state: latest}
    """)


def test_a_roles_tasks_are_its_services_in_order_with_bases_params_and_conditions(tmp_path: Path) -> None:
    root = trees.tree(tmp_path / "t", {"base": BASE, "alpha": WITH_BASE, "beta": UNKNOWN},
                      ["alpha", "beta"])
    result = resolve_roles(root)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    [role] = result.roles
    assert (role.name, role.batch_size, role.operator_driven) == ("Controller", 2, False)
    assert [(s.resource_type, s.template, s.service_name) for s in role.services] == [
        ("OS::TripleO::Services::Alpha", "svc/alpha.yaml", "alpha"),
        ("OS::TripleO::Services::Beta", "svc/beta.yaml", "beta")]
    alpha = role.services[0].tasks["upgrade_tasks"]
    assert [t["name"] for t in alpha] == ["Stop the base", "Update alpha", "Only on new releases"]
    assert alpha[1]["package"] == {"name": "alpha", "state": "latest"}
    assert role.tasks["upgrade_tasks"] == alpha + role.services[1].tasks["upgrade_tasks"]
    assert role.attributed == {"upgrade_tasks": True, "update_tasks": True, "post_upgrade_tasks": True}
    assert role.tasks["post_upgrade_tasks"] == []


ALSO_WITH_BASE = trees.service("delta", """\
    upgrade_tasks:
      list_concat:
        - {get_attr: [Base, role_data, upgrade_tasks]}
        - - name: Update delta
            when: step|int == 3
            package: {name: delta, state: latest}
    """, resources="""\
    Base:
      type: ./base.yaml
    """)


def test_a_task_two_services_share_runs_once_credited_to_the_first(tmp_path: Path) -> None:
    """The chain joins task lists with list_concat_unique: a shared base's task is kept where
    it first appears, and the per-service view says the same."""
    root = trees.tree(tmp_path / "t", {"base": BASE, "alpha": WITH_BASE, "delta": ALSO_WITH_BASE},
                      ["alpha", "delta"])
    [role] = resolve_roles(root, keys=("upgrade_tasks",)).roles
    names = [t["name"] for t in role.tasks["upgrade_tasks"]]
    assert names == ["Stop the base", "Update alpha", "Only on new releases", "Update delta"]
    assert role.attributed["upgrade_tasks"]
    delta = role.services[1].tasks["upgrade_tasks"]
    assert [t["name"] for t in delta] == ["Update delta"]


def test_environments_change_what_the_tasks_say(tmp_path: Path) -> None:
    root = trees.tree(tmp_path / "t", {"base": BASE, "alpha": WITH_BASE}, ["alpha"])
    env = tmp_path / "env.yaml"
    env.write_text("parameter_defaults:\n  AlphaPackage: alpha2\n  AlphaRelease: old\n")
    [role] = resolve_roles(root, [env]).roles
    names = [t["name"] for t in role.tasks["upgrade_tasks"]]
    assert names == ["Stop the base", "Update alpha", "Only on old releases"]
    assert role.tasks["update_tasks"][0]["package"]["name"] == "alpha2"
    # and a registry entry turns a service off: its tasks go
    off = tmp_path / "off.yaml"
    off.write_text("resource_registry:\n  OS::TripleO::Services::Alpha: OS::Heat::None\n")
    [role] = resolve_roles(root, [off]).roles
    assert role.tasks["upgrade_tasks"] == []
    assert [(s.resource_type, s.template) for s in role.services] == [("OS::TripleO::Services::Alpha", None)]


def test_a_value_known_only_after_create_is_null_and_reported_in_the_service(tmp_path: Path) -> None:
    root = trees.tree(tmp_path / "t", {"beta": UNKNOWN}, ["beta"])
    result = resolve_roles(root, keys=("upgrade_tasks",))
    assert result.ok
    [role] = result.roles
    assert role.tasks["upgrade_tasks"][0]["wait_for"] == {"host": None, "port": 5000}
    found = [(d.rule_id, str(d.severity), d.location.file, d.location.line) for d in result.diagnostics]
    assert found == [("U903", "warning", "svc/beta.yaml", 15)]
    assert "Vip (OS::Neutron::Port attribute fixed_ips.0.ip_address)" in result.diagnostics[0].message


def test_a_task_list_heat_cannot_resolve_is_an_error_where_heat_met_it(tmp_path: Path) -> None:
    root = trees.tree(tmp_path / "t", {"gamma": BROKEN}, ["gamma"])
    result = resolve_roles(root, keys=("upgrade_tasks",))
    assert not result.ok
    [diag] = result.diagnostics
    assert (diag.rule_id, diag.location.file, diag.location.line) == ("U902", "svc/gamma.yaml", 15)
    assert "GammaPackages" in diag.message


def test_unknown_roles_and_missing_environments_are_usage_errors(tmp_path: Path) -> None:
    root = trees.tree(tmp_path / "t", {"beta": UNKNOWN}, ["beta"])
    result = resolve_roles(root, roles=["Nope"])
    assert result.usage_error and "no role named 'Nope'" in result.diagnostics[0].message
    result = resolve_roles(root, [tmp_path / "missing.yaml"])
    assert result.usage_error and result.diagnostics[0].rule_id == "H900"


def test_the_librarys_roles_add_up_service_by_service() -> None:
    """For every role of the shipped library, the chain's lists (what the nodes run) are
    exactly its services' own lists, in order, and every service gives a service_name."""
    result = resolve_roles(None, parameters=True)
    assert result.ok, [d.format_text() for d in result.diagnostics if str(d.severity) == "error"]
    assert [r.name for r in result.roles] == _role_names(ROOT / "roles_data.yaml")
    for role in result.roles:
        assert all(role.attributed.values()), role.name
        assert role.tasks["upgrade_tasks"], role.name
        for service in role.services:
            assert service.template is None or service.service_name, (role.name, service.resource_type)
        assert "RoleName" in role.parameters


def _role_names(path: Path) -> list[str]:
    import yaml
    return [r["name"] for r in yaml.safe_load(path.read_text())]
