"""The steps of an upgrade, an update and a deployment, and how a task says which one it runs at.

A service template's ``role_data`` carries three Ansible task lists besides
its puppet configuration. Each list is run once per step, with the variable
``step`` set, on every node of the role, one role at a time; a task runs at
the one step its first condition names (``when: step|int == N``).

``upgrade_tasks`` (major upgrade, steps 0 to 5):

== ===================================================================
0  validations: check the service is running and healthy; look up facts
   later steps need (is the unit enabled, is this the bootstrap node)
1  stop the services
2  quiesce the cluster: stop or unmanage pacemaker resources
3  update the packages
4  start what the migrations need (the database, the message bus)
5  migrations (``nova-manage db sync`` ...), on one node
== ===================================================================

``update_tasks`` (minor update, steps 0 to 5): the same shape. 0
validations, 1 stop or pause, 2 quiesce the cluster, 3 update the packages,
4 restart what changed, 5 post-update checks.

``post_upgrade_tasks`` (after the deployment steps have applied the new
configuration, steps 0 to 5): 0 validations and facts, 1 to 4 clean-ups,
5 online data migrations (they need every service on the new release).

Deployment steps (puppet, ``step_config``), 1 to 5, for comparison: 1 load
balancer and cluster base, 2 database and messaging, 3 identity and core
APIs, 4 other services, 5 service finalisation.

After an upgrade's tasks (steps 0-5) the deployment steps 1-5 run again with
the new packages and configuration; the post-upgrade tasks run after them.

The step condition:

* ``when: step|int == N`` alone, or first in a ``when`` list (Ansible ANDs the
  items; putting the step first keeps a reader's eye and this module's check
  simple); no other item may mention ``step``.
* ``|int`` matters: ``step`` may arrive as a string (Heat's and the
  ansible hook's inputs are strings), and ``'3' == 3`` is false in Jinja2.
* A task with no step condition runs at every step: six times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The task lists of role_data, by kind name (the CLI's --kind).
KINDS: dict[str, str] = {
    "upgrade": "upgrade_tasks",
    "update": "update_tasks",
    "post_upgrade": "post_upgrade_tasks",
}
TASK_KEYS: tuple[str, ...] = tuple(KINDS.values())

# Steps each task list runs, inclusive.
STEP_RANGES: dict[str, tuple[int, int]] = {
    "upgrade_tasks": (0, 5),
    "update_tasks": (0, 5),
    "post_upgrade_tasks": (0, 5),
}
DEPLOYMENT_STEPS: tuple[int, int] = (1, 5)

STEP_MEANINGS: dict[str, dict[int, str]] = {
    "upgrade_tasks": {
        0: "validations",
        1: "stop services",
        2: "quiesce the cluster",
        3: "package update",
        4: "start what migrations need",
        5: "migrations",
    },
    "update_tasks": {
        0: "validations",
        1: "stop or pause",
        2: "quiesce the cluster",
        3: "package update",
        4: "restart",
        5: "post-update checks",
    },
    "post_upgrade_tasks": {
        0: "validations and facts",
        1: "clean-up",
        2: "clean-up",
        3: "clean-up",
        4: "clean-up",
        5: "online data migrations",
    },
}


def steps_of(key: str) -> range:
    low, high = STEP_RANGES[key]
    return range(low, high + 1)


_INT_STEP = r"\(?\s*step\s*\|\s*int\s*\)?"
_GATE = re.compile(rf"^\s*(?:{_INT_STEP}\s*==\s*(\d+)|(\d+)\s*==\s*{_INT_STEP})\s*$")
_MENTIONS_STEP = re.compile(r"(?<![\w.])step(?!\w)")


@dataclass(frozen=True)
class Gate:
    """How a task is gated on the step.

    ``status``: ``step`` (exactly one step, the canonical way: ``step`` holds it),
    ``not-first`` (a canonical step condition, but not first in the ``when`` list;
    ``step`` holds it), ``none`` (no step condition: runs at every step),
    ``complex`` (``step`` is read some other way: several steps, a range, a
    comparison without ``|int``), ``dynamic`` (``when`` is computed by Heat, so
    not known before it resolves).
    """

    status: str
    step: int | None = None
    condition: str | None = None  # the condition text at fault, for messages
    index: int | None = None  # where in the when list

    @property
    def single(self) -> bool:
        return self.step is not None


def _gate_step(condition: Any) -> int | None:
    if not isinstance(condition, str):
        return None
    match = _GATE.match(condition)
    if match is None:
        return None
    return int(match.group(1) if match.group(1) is not None else match.group(2))


def mentions_step(condition: Any) -> bool:
    return isinstance(condition, str) and _MENTIONS_STEP.search(condition) is not None


def gate_of(task: Mapping[str, Any]) -> Gate:
    """The step gating of one task (a mapping as written or as Heat resolved it)."""
    when = task.get("when")
    if when is None or isinstance(when, bool):
        return Gate("none")
    if isinstance(when, Mapping):  # a Heat function, resolved later
        return Gate("dynamic")
    conditions = when if isinstance(when, list) else [when]
    if any(isinstance(c, Mapping) for c in conditions):
        return Gate("dynamic")
    gates = [(i, _gate_step(c)) for i, c in enumerate(conditions)]
    canonical = [(i, s) for i, s in gates if s is not None]
    others = [(i, c) for i, c in enumerate(conditions)
              if gates[i][1] is None and mentions_step(c)]
    if others:
        index, condition = others[0]
        return Gate("complex", condition=str(condition), index=index if isinstance(when, list) else None)
    if not canonical:
        return Gate("none")
    if len(canonical) > 1:
        index, _ = canonical[1]
        return Gate("complex", condition=str(conditions[index]), index=index)
    index, step = canonical[0]
    if index != 0:
        return Gate("not-first", step, str(conditions[index]), index)
    return Gate("step", step, str(conditions[index]), 0 if isinstance(when, list) else None)


def runs_at(task: Mapping[str, Any], step: int) -> bool:
    """Whether ``task`` belongs in the file of ``step``: its own step, or every step when
    its gating cannot be read statically (Ansible still decides from ``when`` at run time)."""
    gate = gate_of(task)
    return gate.step == step if gate.single else True


__all__ = ["DEPLOYMENT_STEPS", "KINDS", "STEP_MEANINGS", "STEP_RANGES", "TASK_KEYS", "Gate", "gate_of",
           "mentions_step", "runs_at", "steps_of"]
