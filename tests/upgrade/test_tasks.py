"""Reading task lists and tasks as written (tht_gen.upgrade.tasks), and ansible-core's view of them."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tht_gen.upgrade.ansible_check import resolve_modules
from tht_gen.upgrade.tasks import (
    TASK_KEYWORDS,
    ListRef,
    TaskRef,
    block_tasks,
    iter_tasks,
    module_key,
    repeats_changes,
)


@pytest.mark.parametrize(("task", "module"), [
    ({"name": "a", "when": "step|int == 1", "package": {"name": "x"}}, "package"),
    ({"name": "a", "ansible.builtin.command": "true", "register": "r", "changed_when": False},
     "ansible.builtin.command"),
    ({"name": "a", "shell": "ls", "with_items": [1], "loop_control": {}}, "shell"),
    ({"name": "a", "action": "command ls -l"}, "command"),
    ({"name": "a", "action": {"module": "service", "name": "x"}}, "service"),
    ({"name": "a", "service": {}, "command": "true"}, None),        # two modules
    ({"name": "a", "when": "x"}, None),                             # none
    ({"name": "a", "block": [{"name": "b", "command": "true"}]}, None),
])
def test_module_key(task: dict[str, Any], module: str | None) -> None:
    assert module_key(task) == module


@pytest.mark.parametrize(("task", "repeats"), [
    ({"command": "nova-manage db sync"}, True),
    ({"ansible.builtin.shell": "rm -rf /tmp/x"}, True),
    ({"command": "touch /x creates=/x"}, False),
    ({"command": "touch /x", "args": {"creates": "/x"}}, False),
    ({"command": {"cmd": "touch /x", "removes": "/y"}}, False),
    ({"command": "systemctl is-active x", "changed_when": False}, False),
    ({"command": "systemctl is-active x", "changed_when": "false"}, False),
    ({"command": "systemctl is-active x", "changed_when": "result.rc == 2"}, True),
    ({"service": {"name": "x", "state": "restarted"}}, True),
    ({"systemd": "name=x state=reloaded"}, True),
    ({"service": {"name": "x", "state": "started"}}, False),
    ({"reboot": {}}, True),
    ({"package": {"name": "x", "state": "latest"}}, False),
    ({"set_fact": {"a": 1}}, False),
])
def test_repeats_changes(task: dict[str, Any], repeats: bool) -> None:
    assert (repeats_changes({"name": "t", **task}) is not None) == repeats


def test_task_lists_are_found_through_the_shapes_the_library_uses() -> None:
    template = {"outputs": {"role_data": {"value": {"map_merge": [
        {"service_name": "x"},
        {"upgrade_tasks": {"list_concat": [
            {"get_attr": ["Base", "role_data", "upgrade_tasks"]},
            [{"name": "own", "when": "step|int == 1", "command": "true"}],
            {"if": ["cond", [{"name": "yes"}], []]},
            {"get_param": "Extra"},
        ]},
         "update_tasks": [{"name": "blk", "block": [{"name": "inner", "command": "true"}]}],
         "post_upgrade_tasks": "not a list"},
    ]}}}}
    found = list(iter_tasks(template))
    kinds = [(type(f).__name__, getattr(f, "how", None)) for f in found]
    assert kinds == [("ListRef", "get_attr"), ("TaskRef", None), ("TaskRef", None), ("ListRef", "get_param"),
                     ("TaskRef", None), ("tuple", None)]
    own = found[1]
    assert isinstance(own, TaskRef) and own.path == (
        "outputs", "role_data", "value", "map_merge", 1, "upgrade_tasks", "list_concat", 1, 0)
    attr = found[0]
    assert isinstance(attr, ListRef) and attr.target == ["Base", "role_data", "upgrade_tasks"]
    block = found[4]
    assert isinstance(block, TaskRef)
    assert [t.task["name"] for t in block_tasks(block)] == ["inner"]


def test_a_chain_of_members_lists_is_not_a_list_to_check() -> None:
    template = {"outputs": {"role_data": {"value": {
        "upgrade_tasks": {"list_concat": {"get_attr": ["ServiceChain", "role_data", "upgrade_tasks"]}}}}}}
    [found] = iter_tasks(template)
    assert isinstance(found, ListRef) and found.how == "get_attr"


@pytest.mark.usefixtures("needs_ansible")
def test_task_keywords_are_ansible_cores() -> None:
    """Every attribute of ansible-core's Task is a keyword here: any other key names a module."""
    code = ("import json, os, contextlib\n"
            "with open(os.devnull, 'w') as n, contextlib.redirect_stderr(n):\n"
            "    from ansible.playbook.task import Task\n"
            "print(json.dumps(sorted(Task.fattributes)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    attributes = set(json.loads(done.stdout))
    internal = {"async_val", "loop_with"}  # set by Ansible from `async` and `with_*`, never written
    assert attributes - internal <= TASK_KEYWORDS
    assert TASK_KEYWORDS - attributes == {"local_action"}


@pytest.mark.usefixtures("needs_ansible")
def test_ansible_cores_parser_names_each_tasks_module() -> None:
    tasks = [{"name": "a", "yum": {"name": "x"}}, {"name": "b", "pakage": {"name": "x"}},
             {"name": "c", "when": "step|int == 1", "ansible.builtin.systemd": {"name": "x"}}]
    version, answers = resolve_modules(tasks)
    assert version.count(".") >= 1
    assert answers[0].action == "yum" and answers[0].error is None
    assert answers[1].action is None and "couldn't resolve module/action 'pakage'" in (answers[1].error or "")
    assert answers[2].action == "ansible.builtin.systemd"
