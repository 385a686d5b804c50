"""Composable upgrades: what runs where, in which order, and what an upgrade changes.

The services' ``upgrade_tasks``, ``update_tasks`` and ``post_upgrade_tasks``
(step semantics: :mod:`tht_gen.upgrade.steps`) become, per role, per-step
task files and playbooks (:func:`generate_playbooks`), resolved for the
given environments by OpenStack Heat's own engine (:func:`resolve_roles`);
:func:`diff_trees` compares two versions of a tree role by role. The U rules
of ``tht-gen lint`` (``tht_gen/lint/rules/upgrade.py``) check the task lists as
written. Heat is an optional extra, imported only when resolving.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diff import UpgradeDiff, diff_trees
    from .playbooks import PlaybookSet, build_playbooks, generate_playbooks, write_playbooks
    from .resolve import Resolution, RoleUpgrade, ServiceTasks, resolve_roles
    from .steps import KINDS, STEP_MEANINGS, STEP_RANGES, gate_of

__all__ = ["KINDS", "STEP_MEANINGS", "STEP_RANGES", "PlaybookSet", "Resolution", "RoleUpgrade", "ServiceTasks",
           "UpgradeDiff", "build_playbooks", "diff_trees", "gate_of", "generate_playbooks", "resolve_roles",
           "write_playbooks"]

# Imported on first use: the lint rules import .steps and .tasks on every lint
# run, and the resolver behind diff and playbooks pulls in the Heat glue.
_LAZY = {
    "UpgradeDiff": "diff", "diff_trees": "diff",
    "PlaybookSet": "playbooks", "build_playbooks": "playbooks", "generate_playbooks": "playbooks",
    "write_playbooks": "playbooks",
    "Resolution": "resolve", "RoleUpgrade": "resolve", "ServiceTasks": "resolve",
    "resolve_roles": "resolve",
    "KINDS": "steps", "STEP_MEANINGS": "steps", "STEP_RANGES": "steps", "gate_of": "steps",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
