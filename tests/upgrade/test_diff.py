"""``tht-gen upgrade diff``: the current library against a copy with a service added, a parameter
default changed and a task moved to another step; and the comparison itself on given roles."""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, RunCli
from tht_gen.library import LIBRARY_ITEMS
from tht_gen.upgrade.diff import TaskChange, compare, diff_trees
from tht_gen.upgrade.resolve import ParameterInfo, Resolution, RoleUpgrade, ServiceTasks, resolve_roles
from tht_gen.upgrade.tasks import TaskRef, iter_tasks
from tht_gen.yamlio import load_document

PROBE = "OS::TripleO::Services::UpgradeDiffProbe"
PROBE_FILE = "services/upgrade-diff-probe/probe.yaml"
PROBE_TEMPLATE = textwrap.dedent("""\
    heat_template_version: wallaby
    description: A service the newer library adds (a test's).
    parameters:
      RoleName: {type: string, default: '', description: The role.}
      ProbePort: {type: number, default: 4711, description: The port.}
      ProbeSecret: {type: string, hidden: true, description: The secret.}
    outputs:
      role_data:
        description: Role data.
        value:
          service_name: upgrade_diff_probe
          config_settings: {probe::port: {get_param: ProbePort}}
          step_config: include ::probe
          upgrade_tasks:
            - name: Check the probe
              when: step|int == 0
              command: probe --check
              changed_when: false
            - name: Update the probe package
              when: step|int == 3
              package: {name: probe, state: latest}
    """)


@dataclass
class Edits:
    tree: Path
    parameter: str
    old_default: int
    parameter_template: str
    moved_service: str
    moved_task: str
    moved_template: str


def _newer_library(old: Resolution, dest: Path) -> Edits:
    """A copy of the library with the three edits, chosen from what the Controller role runs."""
    for item in LIBRARY_ITEMS:
        source = ROOT / item
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, dest / item)
    controller = old.role("Controller")
    assert controller is not None
    # 1. a service added to the Controller role
    (dest / PROBE_FILE).parent.mkdir(parents=True)
    (dest / PROBE_FILE).write_text(PROBE_TEMPLATE)
    with (dest / "services/registry.j2").open("a") as registry:
        registry.write(f"  {PROBE}: {PROBE_FILE}\n")
    roles = (dest / "roles_data.yaml").read_text()
    assert roles.count("  ServicesDefault:\n") >= 1
    added = roles.replace("  ServicesDefault:\n", f"  ServicesDefault:\n    - {PROBE}\n", 1)
    (dest / "roles_data.yaml").write_text(added)
    # 2. a number parameter's default, declared by one template of the role
    name, info = next((n, p) for n, p in controller.parameters.items()
                      if p.type == "number" and isinstance(p.default, int) and not p.hidden
                      and len(p.templates) == 1 and p.templates[0].startswith("services/"))
    _edit(dest / info.templates[0], ("parameters", name, "default"), str(info.default), str(info.default + 1))
    # 3. a task of a service's own list (not shared with another service) moved from step 3 to 4
    names = [t.get("name") for s in controller.services for t in s.tasks["upgrade_tasks"]]
    for service in controller.services:
        if service.template is None:
            continue
        doc = load_document((dest / service.template).read_text())
        refs = [r for r in iter_tasks(doc.data) if isinstance(r, TaskRef) and r.key == "upgrade_tasks"
                and isinstance(r.task, dict) and r.task.get("when") == "step|int == 3"
                and names.count(r.task.get("name")) == 1]
        if refs:
            _edit(dest / service.template, (*refs[0].path, "when"), "step|int == 3", "step|int == 4")
            return Edits(dest, name, info.default, info.templates[0], service.label, refs[0].task["name"],
                         service.template)
    raise AssertionError("no Controller service has its own step 3 upgrade task to move")


def _edit(path: Path, where: tuple[Any, ...], old: str, new: str) -> None:
    """Replace the value at a document path, on its line, in the text (comments and layout kept)."""
    text = path.read_text()
    mark = load_document(text).locate(where, prefer="value")
    lines = text.split("\n")
    line = lines[mark.line - 1]
    assert line[mark.column - 1:].startswith(old), (path, mark, line)
    lines[mark.line - 1] = line[:mark.column - 1] + new + line[mark.column - 1 + len(old):]
    path.write_text("\n".join(lines))


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Resolution, Edits]:
    from tests.heat.conftest import require
    require("heat.engine", "OpenStack Heat (openstack-heat)")
    old = resolve_roles(ROOT, parameters=True)
    assert old.ok, [d.format_text() for d in old.diagnostics]
    return old, _newer_library(old, tmp_path_factory.mktemp("newer"))


@pytest.mark.usefixtures("needs_heat")
def test_the_diff_of_two_real_library_versions_is_exactly_the_edits(versions: tuple[Resolution, Edits]) -> None:
    old, edits = versions
    diff = diff_trees(ROOT, edits.tree)
    assert diff.ok, [d.format_text() for d in diff.diagnostics]
    assert [r.name for r in diff.roles] == [r.name for r in old.roles]
    for role_diff in diff.roles:
        before = old.role(role_diff.name)
        assert before is not None
        controller = role_diff.name == "Controller"
        expected_status = "changed" if controller or edits.parameter in before.parameters or \
            edits.moved_template in [s.template for s in before.services] else "unchanged"
        assert role_diff.status == expected_status, role_diff.name
        assert role_diff.services_added == ([(PROBE, PROBE_FILE)] if controller else [])
        assert role_diff.services_removed == [] and role_diff.services_retargeted == []
        changes = {(p.change, p.name): (p.old, p.new) for p in role_diff.parameters}
        expected: dict[tuple[str, str], tuple[Any, Any]] = {}
        if controller:
            expected[("added", "ProbePort")] = (None, 4711)
            expected[("added", "ProbeSecret")] = (None, None)
        if edits.parameter in before.parameters:
            expected[("default", edits.parameter)] = (edits.old_default, edits.old_default + 1)
        assert changes == expected, role_diff.name
        moved = [TaskChange("moved", edits.moved_service, edits.moved_task, 4, 3)] \
            if edits.moved_template in [s.template for s in before.services] else []
        added = [TaskChange("added", "upgrade_diff_probe", "Check the probe", 0),
                 TaskChange("added", "upgrade_diff_probe", "Update the probe package", 3)] if controller else []
        assert sorted(role_diff.tasks["upgrade_tasks"], key=repr) == sorted(moved + added, key=repr)
        assert role_diff.tasks["update_tasks"] == [] and role_diff.tasks["post_upgrade_tasks"] == []


@pytest.mark.usefixtures("needs_heat")
def test_cli_text_and_json(versions: tuple[Resolution, Edits], run_cli: RunCli) -> None:
    _, edits = versions
    code, stdout, stderr = run_cli("upgrade", "diff", ROOT, edits.tree, "--format", "json")
    assert code == 0, stderr
    report = json.loads(stdout)
    controller = next(r for r in report["roles"] if r["name"] == "Controller")
    assert controller["services"]["added"] == [{"type": PROBE, "template": PROBE_FILE}]
    assert {"change": "added", "name": "ProbeSecret", "type": "string", "hidden": True,
            "templates": [PROBE_FILE], "new": None} in controller["parameters"]
    assert {"change": "moved", "service": edits.moved_service, "name": edits.moved_task, "step": 4,
            "old_step": 3} in controller["tasks"]["upgrade_tasks"]
    code, stdout, _ = run_cli("upgrade", "diff", ROOT, edits.tree)
    assert code == 0
    assert "\nRole Controller\n" in stdout
    assert f"  + service {PROBE} ({PROBE_FILE})\n" in stdout
    assert "  + parameter ProbeSecret (string) = (hidden)\n" in stdout
    assert (f"  ~ parameter {edits.parameter} default: {edits.old_default} -> {edits.old_default + 1}\n"
            in stdout)
    assert (f"    > step 4 (start what migrations need): {edits.moved_service}: {edits.moved_task} "
            "(moved from step 3)\n") in stdout
    assert "    + step 3 (package update): upgrade_diff_probe: Update the probe package\n" in stdout


@pytest.mark.usefixtures("needs_heat")
def test_a_tree_compared_with_itself_has_no_differences(run_cli: RunCli) -> None:
    code, stdout, _ = run_cli("upgrade", "diff", ROOT, ROOT, "--format", "json")
    assert code == 0
    assert {r["status"] for r in json.loads(stdout)["roles"]} == {"unchanged"}


# -- the comparison on given roles (no Heat) ---------------------------------------------------

def _role(name: str, tasks: dict[str, list[dict[str, Any]]], params: dict[str, Any] | None = None,
          **settings: Any) -> RoleUpgrade:
    role = RoleUpgrade(name, **settings)
    for label, items in tasks.items():
        role.services.append(ServiceTasks(f"OS::TripleO::Services::{label}", f"s/{label}.yaml", label,
                                          {"upgrade_tasks": items}))
    role.tasks["upgrade_tasks"] = [t for s in role.services for t in s.tasks["upgrade_tasks"]]
    role.attributed["upgrade_tasks"] = True
    role.parameters = {n: ParameterInfo("string", d, n.endswith("Password"), ("s/x.yaml",))
                       for n, d in (params or {}).items()}
    return role


def _res(*roles: RoleUpgrade) -> Resolution:
    return Resolution(tree=Path("."), roles=list(roles))


def test_compare_roles_added_removed_and_repeated_task_names() -> None:
    same = {"name": "x", "when": "step|int == 1", "command": "a"}
    old = _res(_role("A", {"s": [same, dict(same, command="b")]}, {"P": "1", "DbPassword": "old"}),
               _role("Gone", {"t": [same]}))
    new = _res(_role("A", {"s": [same, dict(same, command="c")]}, {"P": "1", "DbPassword": "new"},
                     batch_size=3),
               _role("Fresh", {"t": [same]}))
    [a, fresh, gone] = compare(old, new, ("upgrade_tasks",))
    assert (a.name, a.status, fresh.status, gone.status) == ("A", "changed", "added", "removed")
    # the second task named x changed, the first did not
    assert a.tasks["upgrade_tasks"] == [TaskChange("changed", "s", "x", 1)]
    assert a.settings == {"upgrade_batch_size": (1, 3)}
    [param] = a.parameters
    assert param.to_json() == {"change": "default", "name": "DbPassword", "type": "string", "hidden": True,
                               "templates": ["s/x.yaml"], "old": None, "new": None}
    assert fresh.services_added == [("OS::TripleO::Services::t", "s/t.yaml")]
    assert gone.tasks["upgrade_tasks"] == [TaskChange("removed", "t", "x", 1)]
