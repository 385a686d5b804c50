"""The "config download" step: a deployed stack's per-role data, as files other tools read.

The overcloud stack's ``RoleData`` output maps each role name to its merged
role data (``service_names``, ``config_settings``, ``global_config_settings``,
``step_config``, task lists ...), and its ``RoleMergedConfigSettings`` output
(when it has one) each role name to the role's whole hieradata, which joins
the role data as ``merged_config_settings``. :func:`write_config_download`
writes, under the destination folder::

    <Role>/role_data.json          the whole merged role data of the role
    <Role>/<key>.yaml              one file per key (hieradata maps, task lists,
                                   merged_config_settings ...)
    <Role>/step_config.pp          the puppet manifest the role applies
    outputs/<OutputName>.json      every other stack output, as Heat returned it
    index.json                     stack, roles, and every file written

Files are written whole (to a temporary name, then renamed) and only inside
the destination; files this step wrote before and no longer produces are
removed, anything else there is left alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..heat.availability import quietly
from .client import DeployError, Orchestration, connect

ROLE_DATA_OUTPUT = "RoleData"
MERGED_SETTINGS_OUTPUT = "RoleMergedConfigSettings"
MERGED_SETTINGS_KEY = "merged_config_settings"
_INDEX = "index.json"
_SAFE_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


@dataclass
class StackOutputs:
    stack_name: str
    stack_id: str
    status: str
    outputs: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def role_data(self) -> dict[str, dict[str, Any]]:
        value = self.outputs.get(ROLE_DATA_OUTPUT)
        if not isinstance(value, dict):
            return {}
        merged = self.outputs.get(MERGED_SETTINGS_OUTPUT)
        merged = merged if isinstance(merged, dict) else {}
        roles = {}
        for role, data in value.items():
            if isinstance(data, dict):
                roles[str(role)] = dict(data)
                if isinstance(merged.get(role), dict):
                    roles[str(role)][MERGED_SETTINGS_KEY] = merged[role]
        return roles


@dataclass
class ConfigDownload:
    destination: Path
    roles: list[str]
    written: list[str]
    removed: list[str]


@quietly
def fetch_outputs(cloud: str, stack_name: str, *, orchestration: Orchestration | None = None) -> StackOutputs:
    """Every output of a deployed stack, resolved by Heat."""
    orch = orchestration or connect(cloud)
    with orch.calling(f"read stack {stack_name!r}"):
        stack = orch.proxy.find_stack(stack_name, ignore_missing=True, resolve_outputs=True)
    if stack is None:
        raise DeployError(f"no stack named {stack_name!r} on cloud {cloud!r}")
    status = str(stack.status or "")
    outputs: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for output in stack.outputs or []:
        key = str(output.get("output_key"))
        outputs[key] = output.get("output_value")
        if output.get("output_error"):
            errors[key] = " ".join(str(output["output_error"]).split())
    return StackOutputs(stack_name, str(stack.id), status, outputs, errors)


def write_config_download(outputs: StackOutputs, destination: str | os.PathLike[str]) -> ConfigDownload:
    """Write the per-role files described in the module docstring; return what was written."""
    dest = Path(destination)
    roles = outputs.role_data
    if not roles:
        raise DeployError(f"stack {outputs.stack_name!r} has no {ROLE_DATA_OUTPUT} output with per-role data "
                          f"(outputs: {', '.join(sorted(outputs.outputs)) or 'none'})", exit_code=1)
    files: dict[str, bytes] = {}
    for role, role_data in sorted(roles.items()):
        folder = _safe(role, "role")
        files[f"{folder}/role_data.json"] = _json(role_data)
        for key, value in sorted(role_data.items()):
            name = _safe(str(key), "role data key")
            if key == "step_config" and isinstance(value, str):
                files[f"{folder}/step_config.pp"] = value.encode() + (b"" if value.endswith("\n") else b"\n")
            else:
                files[f"{folder}/{name}.yaml"] = _yaml(value)
    for key, value in sorted(outputs.outputs.items()):
        if key not in (ROLE_DATA_OUTPUT, MERGED_SETTINGS_OUTPUT):
            files[f"outputs/{_safe(key, 'output')}.json"] = _json(value)
    index = {"stack": outputs.stack_name, "stack_id": outputs.stack_id, "status": outputs.status,
             "roles": sorted(roles), "output_errors": outputs.errors, "files": sorted(files)}
    files[_INDEX] = _json(index)

    previous = _previous_files(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for relative, content in files.items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_bytes() == content:
            continue
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, target)
        written.append(relative)
    removed = []
    for relative in sorted(previous - set(files)):
        target = dest / relative
        if target.is_file():
            target.unlink()
            removed.append(relative)
    return ConfigDownload(dest, sorted(roles), sorted(written), removed)


def _previous_files(dest: Path) -> set[str]:
    """What an earlier run wrote here (from its index), limited to paths inside ``dest``."""
    try:
        index = json.loads((dest / _INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    names = index.get("files") if isinstance(index, dict) else None
    if not isinstance(names, list):
        return set()
    root = dest.resolve()
    safe = set()
    for name in names:
        if not isinstance(name, str):
            continue
        path = (dest / name).resolve()
        if path != root and root in path.parents:
            safe.add(name)
    return safe


def _safe(name: str, what: str) -> str:
    if not name or name in (".", "..") or not set(name) <= _SAFE_NAME:
        raise DeployError(f"{what} name {name!r} cannot be a file name", exit_code=1)
    return name


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode()


def _yaml(value: Any) -> bytes:
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True, width=120).encode()
