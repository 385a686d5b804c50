"""Ansible tasks as written in service templates: where the lists are, and what a task does.

Reading is static (no Heat, no Ansible): the task lists of
``outputs.role_data.value`` are found through the shapes the library uses —
a literal list, ``list_concat``/``list_concat_unique`` of lists, ``if``
branches, ``map_merge`` of ``role_data`` parts — and ``get_attr`` of a nested
template's ``role_data`` (a base template's tasks) is reported as such, for
callers that follow it. Anything else (``get_param``, ``yaql`` ...) is a list
only Heat can compute, reported as unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..diagnostics import PathElement
from ..hot.functions import is_call
from .steps import TASK_KEYS

DocPath = tuple[PathElement, ...]

# Ansible's task keywords (ansible-core's Task attributes, plus the forms that are not
# attributes): every other key of a task names its module. tests/upgrade/test_tasks.py
# checks this against the installed ansible-core.
TASK_KEYWORDS: frozenset[str] = frozenset({
    "action", "any_errors_fatal", "args", "async", "become", "become_exe", "become_flags",
    "become_method", "become_user", "changed_when", "check_mode", "collections", "connection",
    "debugger", "delay", "delegate_facts", "delegate_to", "diff", "environment", "failed_when",
    "ignore_errors", "ignore_unreachable", "local_action", "loop", "loop_control",
    "module_defaults", "name", "no_log", "notify", "poll", "port", "register", "remote_user",
    "retries", "run_once", "tags", "throttle", "timeout", "until", "vars", "when",
})
BLOCK_KEYS: tuple[str, ...] = ("block", "rescue", "always")
_MODULE_PREFIXES = ("ansible.builtin.", "ansible.legacy.")

# Modules that act every time they run unless told when not to.
_RUN_ANYTHING = frozenset({"command", "shell", "raw", "script", "expect"})
_SERVICE_MODULES = frozenset({"service", "systemd", "systemd_service", "sysvinit"})
_REPEATING_STATES = frozenset({"restarted", "reloaded"})


def is_keyword(key: str) -> bool:
    return key in TASK_KEYWORDS or key.startswith("with_")


def is_block(task: Mapping[str, Any]) -> bool:
    return "block" in task


def module_key(task: Mapping[str, Any]) -> str | None:
    """The key naming the task's module (``package``, ``ansible.builtin.command`` ...);
    None when there is none or more than one (``action:`` forms included)."""
    if is_block(task):
        return None
    candidates = [k for k in task if isinstance(k, str) and not is_keyword(k)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        action = task.get("action") or task.get("local_action")
        if isinstance(action, str) and action.split():
            return action.split()[0]
        if isinstance(action, Mapping) and isinstance(action.get("module"), str):
            return str(action["module"])
    return None


def short_module(name: str) -> str:
    for prefix in _MODULE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _module_args(task: Mapping[str, Any], key: str) -> tuple[dict[str, Any], str]:
    """(keyword arguments, free-form text) of the module call, ``args:`` merged in."""
    value = task.get(key)
    kwargs: dict[str, Any] = {}
    text = ""
    if isinstance(value, Mapping):
        kwargs.update({str(k): v for k, v in value.items()})
    elif isinstance(value, str):
        text = value
        for word in value.split():
            name, sep, arg = word.partition("=")
            if sep and name.isidentifier():
                kwargs.setdefault(name, arg)
    extra = task.get("args")
    if isinstance(extra, Mapping):
        kwargs.update({str(k): v for k, v in extra.items()})
    return kwargs, text


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "no"))


def repeats_changes(task: Mapping[str, Any]) -> str | None:
    """Why running ``task`` again would change the node again (None: it would not,
    or it cannot be told). Commands are repeated unless ``creates``/``removes``
    guards them or ``changed_when: false`` declares them read-only probes; services
    are restarted or reloaded every time; ``reboot`` reboots every time."""
    key = module_key(task)
    if key is None:
        return None
    module = short_module(key)
    kwargs, _ = _module_args(task, key)
    if module in _RUN_ANYTHING:
        if "creates" in kwargs or "removes" in kwargs or _is_false(task.get("changed_when")):
            return None
        return f"'{module}' runs its command every time"
    if module in _SERVICE_MODULES and str(kwargs.get("state", "")) in _REPEATING_STATES:
        return f"'{module}' with state={kwargs['state']} acts every time"
    if module == "reboot":
        return "'reboot' reboots every time"
    return None


@dataclass(frozen=True)
class TaskRef:
    """A task found in a template: its list kind, its path, the mapping (or what stands there)."""

    key: str              # upgrade_tasks, update_tasks or post_upgrade_tasks
    path: DocPath         # of the task in the document
    task: Any
    parent: DocPath | None = None  # the block task it sits in, for tasks inside a block


@dataclass(frozen=True)
class ListRef:
    """A list of tasks that is not written out in the template."""

    key: str
    path: DocPath
    how: str              # "get_attr": a nested template's list; else the function's name
    target: Any = None    # get_attr arguments


def _role_data_parts(value: Any, path: DocPath) -> Iterator[tuple[DocPath, Mapping[str, Any]]]:
    """The literal mappings making up role_data (a mapping, or ``map_merge`` of some)."""
    if isinstance(value, Mapping) and not is_call(value):
        yield path, value
    elif is_call(value) and "map_merge" in value and isinstance(value["map_merge"], list):
        for index, item in enumerate(value["map_merge"]):
            yield from _role_data_parts(item, (*path, "map_merge", index))


def task_lists(template: Any) -> Iterator[tuple[str, DocPath, Any]]:
    """(key, path, value) of every task list in a template's ``outputs.role_data.value``."""
    if not isinstance(template, Mapping):
        return
    outputs = template.get("outputs")
    role_data = outputs.get("role_data") if isinstance(outputs, Mapping) else None
    if not isinstance(role_data, Mapping) or "value" not in role_data:
        return
    for part_path, part in _role_data_parts(role_data["value"], ("outputs", "role_data", "value")):
        for key in TASK_KEYS:
            if key in part:
                yield key, (*part_path, key), part[key]


def walk_list(key: str, value: Any, path: DocPath) -> Iterator[TaskRef | ListRef]:
    """The tasks of one task-list value, in order, and the parts that are not literal."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield TaskRef(key, (*path, index), item)
        return
    if is_call(value):
        name, args = next(iter(value.items()))
        if name in ("list_concat", "list_concat_unique") and isinstance(args, list):
            for index, item in enumerate(args):
                yield from walk_list(key, item, (*path, name, index))
            return
        if name in ("list_concat", "list_concat_unique") and is_call(args) and "get_attr" in args:
            # The lists of a group's or chain's members (a role's service chain):
            # each member's template holds, and is checked for, its own tasks.
            yield ListRef(key, (*path, name), "get_attr", args["get_attr"])
            return
        if name == "if" and isinstance(args, list) and len(args) == 3:
            for index in (1, 2):
                yield from walk_list(key, args[index], (*path, name, index))
            return
        yield ListRef(key, path, name, args)
        return
    # anything else is not a list: the callers report it


def block_tasks(ref: TaskRef) -> Iterator[TaskRef]:
    """The tasks inside a block task (block, rescue, always), recursively."""
    task = ref.task
    if not isinstance(task, Mapping) or not is_block(task):
        return
    for section in BLOCK_KEYS:
        inner = task.get(section)
        if isinstance(inner, list):
            for index, item in enumerate(inner):
                child = TaskRef(ref.key, (*ref.path, section, index), item, parent=ref.path)
                yield child
                yield from block_tasks(child)


def iter_tasks(template: Any) -> Iterator[TaskRef | ListRef | tuple[str, DocPath, Any]]:
    """Every top-level task and non-literal list part of a template's task lists.
    A value that is neither a list nor a function comes back as (key, path, value);
    an empty value (``upgrade_tasks:`` alone) is an empty list, as the service
    chain's merge treats it."""
    for key, path, value in task_lists(template):
        if value is None:
            continue
        if not isinstance(value, list) and not is_call(value):
            yield key, path, value
            continue
        yield from walk_list(key, value, path)


__all__ = ["BLOCK_KEYS", "TASK_KEYWORDS", "ListRef", "TaskRef", "block_tasks", "is_block", "is_keyword",
           "iter_tasks", "module_key", "repeats_changes", "short_module", "task_lists", "walk_list"]
