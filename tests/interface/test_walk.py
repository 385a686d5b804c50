"""The nested tree walk: which templates a deployment is made of, and what parents pass."""

from __future__ import annotations

from pathlib import Path

from tht_gen.interface.analysis import analyze
from tht_gen.interface.walk import client_files

from ..conftest import TreeFactory
from .conftest import FIXTURES

TREE = FIXTURES / "tree"


def reached(base: Path, *envs: str) -> set[str]:
    analysis = analyze(base, envs)
    return {analysis.tree.display(p) for p in analysis.walk.templates}


def test_registry_types_groups_and_chain_members_are_followed() -> None:
    assert reached(TREE) == {"overcloud.yaml", "chain.yaml", "puppet/controller-role.yaml",
                             "puppet/compute-role.yaml", "services/ntp.yaml", "services/timezone.yaml"}


def test_environments_change_the_tree() -> None:
    # override.yaml maps the node hook to a template: it joins the walk.
    assert "extraconfig/hook.yaml" in reached(TREE, "environments/override.yaml")


def test_chain_members_follow_the_services_parameter(tmp_path: Path) -> None:
    env = tmp_path / "services.yaml"
    env.write_text("parameter_defaults:\n  ControllerServices: [OS::TripleO::Services::Unused]\n"
                   "  ComputeServices: []\n")
    found = reached(TREE, str(env))
    assert "services/unused.yaml" in found
    assert "services/ntp.yaml" not in found and "services/timezone.yaml" not in found


def test_what_parents_pass_is_recorded() -> None:
    walk = analyze(TREE).walk
    assert len(walk.declared_by("RoleName")) == 5
    assert all(walk.passed_by_parent(d) for d in walk.declared_by("RoleName"))
    (ntp,) = walk.declared_by("NtpServer")
    assert not walk.passed_by_parent(ntp)
    uses = walk.instantiations[ntp.file]
    assert {u.resource for u in uses} == {"Chain[0]"}
    assert all(u.passed == frozenset({"ServiceNetMap", "RoleName"}) for u in uses)


def test_the_client_files_map_holds_every_registry_target() -> None:
    analysis = analyze(TREE)
    files = {analysis.tree.display(p) for p in client_files(
        analysis.tree, analysis.root, [(e.path, e.data) for e in analysis.environments])}
    # unused.yaml is in the request (so Heat's merge knows UnusedSetting) but not in the deployment.
    assert "services/unused.yaml" in files
    assert "UnusedSetting" in analysis.heat_types and not analysis.walk.declared_by("UnusedSetting")


def test_missing_templates_and_unknown_types_are_reported(tmp_tree: TreeFactory) -> None:
    tree = tmp_tree({
        "overcloud.yaml": "heat_template_version: wallaby\nresources:\n"
                          "  A:\n    type: OS::TripleO::Mapped\n"
                          "  B:\n    type: OS::TripleO::Unmapped\n"
                          "  C:\n    type: nested/missing.yaml\n",
        "overcloud-resource-registry-puppet.yaml": "resource_registry:\n  OS::TripleO::Mapped: gone.yaml\n",
    })
    analysis = analyze(tree)
    found = {(d.rule_id, d.location.file, d.location.line): d.message for d in analysis.diagnostics}
    assert ("H710", "overcloud-resource-registry-puppet.yaml", 2) in found
    assert "gone.yaml, which does not exist" in found[("H710", "overcloud-resource-registry-puppet.yaml", 2)]
    assert ("H710", "overcloud.yaml", 6) in found  # the unmapped OS::TripleO type
    assert "nested/missing.yaml, which does not exist" in found[("H710", "overcloud.yaml", 8)]


def test_a_template_that_includes_itself_is_walked_once(tmp_tree: TreeFactory) -> None:
    tree = tmp_tree({
        "overcloud.yaml": "heat_template_version: wallaby\nresources:\n  A:\n    type: loop.yaml\n",
        "loop.yaml": "heat_template_version: wallaby\nparameters:\n  P: {type: string, default: x}\n"
                     "resources:\n  Again:\n    type: loop.yaml\n",
    })
    walk = analyze(tree).walk
    assert len(walk.declared_by("P")) == 1
    assert walk.stacks == 2


def test_the_shipped_library_is_walked_without_findings() -> None:
    analysis = analyze(None)
    assert analysis.diagnostics == []
    assert analysis.walk.stacks > len(analysis.walk.templates) > 10
