"""What an upgrade changes, role by role, between two versions of a template tree.

Both trees are resolved the same way (:func:`tht_gen.upgrade.resolve.resolve_roles`:
rendered in memory, Heat's engine evaluating each role's service chain), then
compared role by role:

* services added to or removed from the role (registry types; a type now
  mapped to another template is listed too);
* parameters the role's templates declare: added, removed, or with a new
  effective default (the template's default, or the tree's registry
  ``parameter_defaults`` when it sets one; hidden values are never shown);
* the role's upgrade settings (``upgrade_batch_size``, ``update_serial``,
  operator-driven);
* per task list and per step, tasks added, removed, changed (same service and
  name, other content) or moved to another step. Tasks are identified by
  their service and name (the n-th task of that name, when a service repeats
  one); a task whose step cannot be read statically counts at step ``any``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from .resolve import ParameterInfo, Resolution, RoleUpgrade, resolve_roles
from .steps import STEP_MEANINGS, TASK_KEYS, gate_of

StepKey = int | str  # a step, or "any" for tasks gated on no single step


@dataclass(frozen=True)
class TaskChange:
    change: str            # added, removed, changed, moved
    service: str
    name: str
    step: StepKey           # the step in the new tree (the old one for removed tasks)
    old_step: StepKey | None = None  # for moved tasks

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change, "service": self.service, "name": self.name,
                               "step": self.step}
        if self.old_step is not None:
            out["old_step"] = self.old_step
        return out


@dataclass(frozen=True)
class ParameterChange:
    change: str            # added, removed, default
    name: str
    type: str
    hidden: bool
    old: Any = None
    new: Any = None
    templates: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change, "name": self.name, "type": self.type,
                               "hidden": self.hidden, "templates": list(self.templates)}
        if self.change in ("removed", "default"):
            out["old"] = None if self.hidden else self.old
        if self.change in ("added", "default"):
            out["new"] = None if self.hidden else self.new
        return out


@dataclass
class RoleDiff:
    name: str
    status: str = "unchanged"   # added, removed, changed, unchanged
    services_added: list[tuple[str, str | None]] = field(default_factory=list)
    services_removed: list[tuple[str, str | None]] = field(default_factory=list)
    services_retargeted: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    parameters: list[ParameterChange] = field(default_factory=list)
    settings: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    tasks: dict[str, list[TaskChange]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.services_added or self.services_removed or self.services_retargeted or
                    self.parameters or self.settings or any(self.tasks.values()))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "services": {
                "added": [{"type": t, "template": f} for t, f in self.services_added],
                "removed": [{"type": t, "template": f} for t, f in self.services_removed],
                "retargeted": [{"type": t, "old": o, "new": n} for t, o, n in self.services_retargeted],
            },
            "parameters": [p.to_json() for p in self.parameters],
            "settings": {k: {"old": o, "new": n} for k, (o, n) in sorted(self.settings.items())},
            "tasks": {k: [c.to_json() for c in v] for k, v in self.tasks.items()},
        }


@dataclass
class UpgradeDiff:
    old: str
    new: str
    roles: list[RoleDiff] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    usage_error: bool = False
    old_resolution: Resolution | None = field(default=None, repr=False)
    new_resolution: Resolution | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.usage_error and all(r is not None and r.ok for r in
                                            (self.old_resolution, self.new_resolution))

    @property
    def exit_code(self) -> int:
        if self.usage_error:
            return 2
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "roles": [r.to_json() for r in self.roles],
                "diagnostics": [d.to_json() for d in self.diagnostics]}

    def format_text(self) -> str:
        return format_text(self)


def diff_trees(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    environments: Sequence[str | os.PathLike[str]] = (),
    keys: Sequence[str] = TASK_KEYS,
) -> UpgradeDiff:
    """Compare two trees role by role (see the module docstring). ``roles_data`` and
    ``network_data`` are found in each tree unless absolute; ``environments`` are applied
    to both. Never prints. Raises :class:`tht_gen.heat.HeatUnavailable` without Heat."""
    result = UpgradeDiff(os.fspath(old), os.fspath(new))
    resolutions = []
    for tree in (old, new):
        resolution = resolve_roles(tree, environments, roles_data=roles_data, network_data=network_data,
                                   keys=keys, parameters=True)
        result.diagnostics.extend(resolution.diagnostics)
        result.usage_error = result.usage_error or resolution.usage_error
        resolutions.append(resolution)
    result.old_resolution, result.new_resolution = resolutions
    if result.ok:
        result.roles = compare(resolutions[0], resolutions[1], keys)
    return result


def compare(old: Resolution, new: Resolution, keys: Sequence[str] = TASK_KEYS) -> list[RoleDiff]:
    """The per-role differences between two resolutions (new roles order, removed roles last). Pure."""
    out: list[RoleDiff] = []
    old_roles = {r.name: r for r in old.roles}
    new_names = [r.name for r in new.roles]
    empty = RoleUpgrade("")
    for role in new.roles:
        before = old_roles.get(role.name)
        diff = _role(role.name, before or empty, role, keys)
        diff.status = "added" if before is None else ("changed" if diff.changed else "unchanged")
        out.append(diff)
    for role in old.roles:
        if role.name not in new_names:
            diff = _role(role.name, role, empty, keys)
            diff.status = "removed"
            out.append(diff)
    return out


def _role(name: str, old: RoleUpgrade, new: RoleUpgrade, keys: Sequence[str]) -> RoleDiff:
    diff = RoleDiff(name)
    old_services = {s.resource_type: s.template for s in old.services}
    new_services = {s.resource_type: s.template for s in new.services}
    diff.services_added = [(t, f) for t, f in new_services.items() if t not in old_services]
    diff.services_removed = [(t, f) for t, f in old_services.items() if t not in new_services]
    diff.services_retargeted = [(t, old_services[t], f) for t, f in new_services.items()
                                if t in old_services and old_services[t] != f]
    diff.parameters = _parameters(old.parameters, new.parameters)
    if old.name and new.name:
        for setting, before, after in (
                ("upgrade_batch_size", old.batch_size, new.batch_size),
                ("update_serial", old.update_serial, new.update_serial),
                ("operator_driven", old.operator_driven, new.operator_driven)):
            if before != after:
                diff.settings[setting] = (before, after)
    for key in keys:
        diff.tasks[key] = _tasks(_entries(old, key), _entries(new, key))
    return diff


def _parameters(old: Mapping[str, ParameterInfo], new: Mapping[str, ParameterInfo]) -> list[ParameterChange]:
    out = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before is None and after is not None:
            out.append(ParameterChange("added", name, after.type, after.hidden, new=after.default,
                                       templates=after.templates))
        elif after is None and before is not None:
            out.append(ParameterChange("removed", name, before.type, before.hidden, old=before.default,
                                       templates=before.templates))
        elif before is not None and after is not None and _canonical(before.default) != _canonical(after.default):
            out.append(ParameterChange("default", name, after.type, after.hidden or before.hidden,
                                       old=before.default, new=after.default, templates=after.templates))
    return out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


_Entry = tuple[str, str, int, StepKey, str]  # service, name, occurrence, step, content


def _entries(role: RoleUpgrade, key: str) -> list[_Entry]:
    groups = [(s.label, s.tasks.get(key, [])) for s in role.services] if role.attributed.get(key, True) \
        else [("(role)", role.tasks.get(key, []))]
    out = []
    for service, tasks in groups:
        seen: dict[str, int] = {}
        for index, task in enumerate(tasks):
            if isinstance(task, Mapping):
                name = task.get("name")
                name = name if isinstance(name, str) else f"(task {index + 1}, unnamed)"
                gate = gate_of(task)
                step: StepKey = gate.step if gate.single and gate.step is not None else "any"
            else:
                name, step = f"(task {index + 1}, not a mapping)", "any"
            count = seen.get(name, 0)
            seen[name] = count + 1
            out.append((service, name, count, step, _canonical(task)))
    return out


def _tasks(old: list[_Entry], new: list[_Entry]) -> list[TaskChange]:
    before = {(s, n, c): (step, body) for s, n, c, step, body in old}
    after = {(s, n, c): (step, body) for s, n, c, step, body in new}
    changes = []
    for ident, (step, body) in after.items():
        if ident not in before:
            changes.append(TaskChange("added", ident[0], ident[1], step))
            continue
        old_step, old_body = before[ident]
        if old_step != step:
            changes.append(TaskChange("moved", ident[0], ident[1], step, old_step))
        elif old_body != body:
            changes.append(TaskChange("changed", ident[0], ident[1], step))
    for ident, (step, _) in before.items():
        if ident not in after:
            changes.append(TaskChange("removed", ident[0], ident[1], step))
    return sorted(changes, key=lambda c: (_step_order(c.step), c.service, c.name, c.change))


def _step_order(step: StepKey) -> tuple[int, int]:
    return (0, step) if isinstance(step, int) else (1, 0)


_SIGN = {"added": "+", "removed": "-", "changed": "~", "moved": ">"}


def _value(value: Any, hidden: bool) -> str:
    if hidden:
        return "(hidden)"
    if value is None:
        return "(no default)"
    return json.dumps(value, sort_keys=True, default=str)


def format_text(diff: UpgradeDiff) -> str:
    """The diff for a reviewer: one block per role, changes only."""
    lines = [f"Upgrade diff: {diff.old} -> {diff.new}"]
    changed = [r for r in diff.roles if r.status != "unchanged"]
    for role in changed:
        lines.append("")
        lines.append(f"Role {role.name}" + {"added": " (new role)", "removed": " (role removed)"}.get(role.status, ""))
        for rtype, template in role.services_added:
            lines.append(f"  + service {rtype}" + (f" ({template})" if template else ""))
        for rtype, template in role.services_removed:
            lines.append(f"  - service {rtype}" + (f" ({template})" if template else ""))
        for rtype, before, after in role.services_retargeted:
            lines.append(f"  ~ service {rtype}: {before or 'OS::Heat::None'} -> {after or 'OS::Heat::None'}")
        for setting, (before, after) in sorted(role.settings.items()):
            lines.append(f"  ~ {setting}: {before} -> {after}")
        for param in role.parameters:
            if param.change == "added":
                lines.append(f"  + parameter {param.name} ({param.type}) = {_value(param.new, param.hidden)}")
            elif param.change == "removed":
                lines.append(f"  - parameter {param.name} ({param.type})")
            else:
                lines.append(f"  ~ parameter {param.name} default: {_value(param.old, param.hidden)} -> "
                             f"{_value(param.new, param.hidden)}")
        for key, changes in role.tasks.items():
            if not changes:
                continue
            lines.append(f"  {key}:")
            for change in changes:
                where = f"step {change.step}" if isinstance(change.step, int) else "every step"
                meaning = STEP_MEANINGS.get(key, {}).get(change.step) if isinstance(change.step, int) else None
                text = f"    {_SIGN[change.change]} {where}" + (f" ({meaning})" if meaning else "") + \
                    f": {change.service}: {change.name}"
                if change.change == "moved":
                    text += f" (moved from step {change.old_step})"
                elif change.change == "changed":
                    text += " (changed)"
                lines.append(text)
    unchanged = [r.name for r in diff.roles if r.status == "unchanged"]
    if unchanged:
        lines.append("")
        lines.append(f"Unchanged: {', '.join(unchanged)}")
    if not diff.roles:
        lines.append("No roles to compare.")
    return "\n".join(lines) + "\n"


__all__ = ["ParameterChange", "RoleDiff", "TaskChange", "UpgradeDiff", "compare", "diff_trees", "format_text"]
