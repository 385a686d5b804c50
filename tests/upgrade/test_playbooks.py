"""Per-step files and playbooks from resolved roles (no Heat here: the roles are given)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen.diagnostics import UserError
from tht_gen.upgrade.ansible_check import syntax_check
from tht_gen.upgrade.playbooks import build_playbooks, write_playbooks
from tht_gen.upgrade.resolve import Resolution, RoleUpgrade, ServiceTasks, role_settings


def _task(name: str, step: int | None, **module: Any) -> dict[str, Any]:
    task: dict[str, Any] = {"name": name}
    if step is not None:
        task["when"] = f"step|int == {step}"
    task.update(module or {"command": "/bin/true", "changed_when": False})
    return task


def _role(name: str, services: dict[str, list[dict[str, Any]]], key: str = "upgrade_tasks",
          batch: int = 1, operator_driven: bool = False, update_serial: int | None = None) -> RoleUpgrade:
    role = RoleUpgrade(name, batch_size=batch, operator_driven=operator_driven, update_serial=update_serial)
    for label, tasks in services.items():
        role.services.append(ServiceTasks(f"OS::TripleO::Services::{label.title()}",
                                          f"services/{label}.yaml", label, {key: tasks}))
    role.tasks[key] = [t for s in role.services for t in s.tasks[key]]
    role.attributed[key] = True
    return role


def _resolution(tmp_path: Path, *roles: RoleUpgrade) -> Resolution:
    return Resolution(tree=tmp_path, roles=list(roles), environments=["overcloud-resource-registry-puppet.yaml"])


def _load(data: bytes) -> Any:
    return yaml.safe_load(data.decode())


def test_tasks_go_to_their_step_in_service_order(tmp_path: Path) -> None:
    role = _role("Controller", {
        "apache": [_task("check httpd", 0), _task("stop httpd", 1), _task("update httpd", 3)],
        "nova_api": [_task("update nova", 3), _task("migrate", 5)],
    })
    out = build_playbooks(_resolution(tmp_path, role))
    step3 = out.files["Controller/upgrade_tasks_step3.yaml"].decode()
    assert [t["name"] for t in _load(out.files["Controller/upgrade_tasks_step3.yaml"])] == \
        ["update httpd", "update nova"]
    assert step3.index("# apache (services/apache.yaml)") < step3.index("update httpd") < \
        step3.index("# nova_api (services/nova_api.yaml)") < step3.index("update nova")
    assert _load(out.files["Controller/upgrade_tasks_step2.yaml"]) == []
    assert out.diagnostics == []


def test_a_role_playbook_is_one_play_per_step_with_tasks_in_batches(tmp_path: Path) -> None:
    role = _role("Compute", {"nova_compute": [_task("a", 0), _task("b", 3)]}, batch=4)
    out = build_playbooks(_resolution(tmp_path, role))
    plays = _load(out.files["Compute/upgrade_steps_playbook.yaml"])
    assert [(p["hosts"], p["serial"], p["vars"], p["tasks"], p["any_errors_fatal"]) for p in plays] == [
        ("Compute", 4, {"step": 0}, [{"import_tasks": "upgrade_tasks_step0.yaml"}], True),
        ("Compute", 4, {"step": 3}, [{"import_tasks": "upgrade_tasks_step3.yaml"}], True),
    ]
    assert _load(out.files["upgrade_steps_playbook.yaml"]) == [
        {"import_playbook": "Compute/upgrade_steps_playbook.yaml"}]


def test_roles_run_in_order_and_operator_driven_roles_are_left_out_with_a_note(tmp_path: Path) -> None:
    roles = [_role("Controller", {"x": [_task("a", 1)]}),
             _role("Compute", {"y": [_task("b", 1)]}, operator_driven=True),
             _role("Storage", {"z": [_task("c", 1)]}, batch=2)]
    out = build_playbooks(_resolution(tmp_path, *roles))
    top = out.files["upgrade_steps_playbook.yaml"].decode()
    assert _load(out.files["upgrade_steps_playbook.yaml"]) == [
        {"import_playbook": "Controller/upgrade_steps_playbook.yaml"},
        {"import_playbook": "Storage/upgrade_steps_playbook.yaml"}]
    assert "# Left out: Compute (operator-driven upgrade, disable_upgrade_deployment: true)" in top
    assert "Compute/upgrade_steps_playbook.yaml" in top
    assert "Compute/upgrade_steps_playbook.yaml" in out.files
    index = json.loads(out.files["upgrade_steps.json"])
    assert [(r["name"], r["serial"], r["operator_driven"]) for r in index["roles"]] == [
        ("Controller", 1, False), ("Compute", 1, True), ("Storage", 2, False)]
    assert sorted(index["files"]) == sorted(out.files)


def test_a_task_not_gated_on_one_step_is_copied_to_every_step_and_reported(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services/ntp.yaml").write_text(
        "heat_template_version: wallaby\noutputs:\n  role_data:\n    value:\n      upgrade_tasks: []\n")
    role = _role("Controller", {"ntp": [_task("ungated", None), {"name": "two", "when": "step|int in [1, 2]"},
                                        _task("late", 9)]})
    out = build_playbooks(_resolution(tmp_path, role))
    for step in range(6):
        names = [t["name"] for t in _load(out.files[f"Controller/upgrade_tasks_step{step}.yaml"])]
        assert names == ["ungated", "two"]
    found = [(d.rule_id, d.location.file, d.location.line, d.message) for d in out.diagnostics]
    assert [f[:3] for f in found] == [("U904", "services/ntp.yaml", 5)] * 3
    assert sorted(f[3] for f in found) == [
        "role Controller, ntp, upgrade_tasks: task 'late' is gated on step 9, which upgrade_tasks never "
        "run: it never runs",
        "role Controller, ntp, upgrade_tasks: task 'two' is not gated on exactly one step: copied into "
        "every step's file",
        "role Controller, ntp, upgrade_tasks: task 'ungated' is not gated on exactly one step: copied "
        "into every step's file"]


def test_update_uses_the_roles_update_serial(tmp_path: Path) -> None:
    role = _role("Compute", {"nova": [_task("a", 3)]}, key="update_tasks", batch=2, update_serial=25)
    plays = _load(build_playbooks(_resolution(tmp_path, role), "update").files["Compute/update_steps_playbook.yaml"])
    assert plays[0]["serial"] == 25
    role = _role("Compute", {"nova": [_task("a", 3)]}, key="update_tasks", batch=2)
    plays = _load(build_playbooks(_resolution(tmp_path, role), "update").files["Compute/update_steps_playbook.yaml"])
    assert plays[0]["serial"] == 2


@pytest.mark.parametrize(("data", "settings"), [
    ({}, (1, None, False)),
    ({"upgrade_batch_size": 5, "update_serial": 25, "disable_upgrade_deployment": True}, (5, 25, True)),
    ({"upgrade_batch_size": 0, "update_serial": "3", "disable_upgrade_deployment": "yes"}, (1, None, False)),
])
def test_role_settings(data: dict[str, Any], settings: tuple[int, int | None, bool]) -> None:
    assert role_settings({"name": "R", **data}) == settings


def test_unattributed_lists_are_kept_whole(tmp_path: Path) -> None:
    role = _role("Controller", {"x": [_task("a", 1)]})
    role.tasks["upgrade_tasks"] = [_task("a", 1), _task("b", 1)]
    role.attributed["upgrade_tasks"] = False
    text = build_playbooks(_resolution(tmp_path, role)).files["Controller/upgrade_tasks_step1.yaml"].decode()
    assert "# the role's upgrade_tasks (not attributable to its services)" in text
    assert [t["name"] for t in yaml.safe_load(text)] == ["a", "b"]


def test_output_is_deterministic_and_multiline_strings_stay_readable(tmp_path: Path) -> None:
    role = _role("Controller", {"x": [_task("script", 4, shell="set -e\nrun one\nrun two\n")]})
    first = build_playbooks(_resolution(tmp_path, role)).files
    second = build_playbooks(_resolution(tmp_path, role)).files
    assert first == second
    assert "  shell: |\n    set -e\n    run one\n" in first["Controller/upgrade_tasks_step4.yaml"].decode()


def test_write_replaces_only_its_own_files(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "inventory.yaml").write_text("mine\n")
    roles = [_role("Controller", {"x": [_task("a", 1)]}), _role("Compute", {"y": [_task("b", 1)]})]
    first = write_playbooks(build_playbooks(_resolution(tmp_path, *roles)), out_dir)
    assert "Compute/upgrade_tasks_step1.yaml" in first.written and first.removed == []
    again = write_playbooks(build_playbooks(_resolution(tmp_path, *roles)), out_dir)
    assert again.written == [] and len(again.unchanged) == len(first.written)
    # A later run without Compute removes what the first wrote for it, nothing else.
    fewer = write_playbooks(build_playbooks(_resolution(tmp_path, roles[0])), out_dir)
    assert "Compute/upgrade_tasks_step1.yaml" in fewer.removed
    assert not (out_dir / "Compute/upgrade_tasks_step1.yaml").exists()
    assert (out_dir / "inventory.yaml").read_text() == "mine\n"
    assert not [p for p in os.listdir(out_dir) if p.startswith(".")]


def test_write_refuses_a_file_as_output(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(UserError) as caught:
        write_playbooks(build_playbooks(_resolution(tmp_path, _role("C", {"x": [_task("a", 1)]}))), target)
    assert caught.value.exit_code == 2
    assert target.read_text() == "x"


@pytest.mark.usefixtures("needs_ansible")
def test_ansible_accepts_the_playbooks_and_rejects_a_broken_task(tmp_path: Path) -> None:
    roles = [_role("Controller", {"x": [_task("a", 1), _task("b", 3, package={"name": "x", "state": "latest"})]}),
             _role("Compute", {"y": [_task("c", 0)]}, operator_driven=True)]
    out = build_playbooks(_resolution(tmp_path, *roles))
    write_playbooks(out, tmp_path / "ok")
    groups = ["Controller", "Compute"]
    for playbook in ("upgrade_steps_playbook.yaml", "Compute/upgrade_steps_playbook.yaml"):
        check = syntax_check(tmp_path / "ok" / playbook, groups)
        assert check.ok, check.output
    broken = [_role("Controller", {"x": [_task("a", 1, pakage={"name": "x"})]})]
    write_playbooks(build_playbooks(_resolution(tmp_path, *broken)), tmp_path / "broken")
    check = syntax_check(tmp_path / "broken/upgrade_steps_playbook.yaml", ["Controller"])
    assert not check.ok
    assert "pakage" in check.output
