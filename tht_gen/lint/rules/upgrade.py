"""U0xx: the Ansible tasks of services' upgrades and updates.

``upgrade_tasks``, ``update_tasks`` and ``post_upgrade_tasks`` of a
template's ``outputs.role_data.value`` are run once per step, with ``step``
set, one role at a time (the step meanings: :mod:`tht_gen.upgrade.steps`,
docs/upgrades.md). These rules read the lists as written: literal lists,
``list_concat`` of lists, ``if`` branches; lists that only Heat can compute
are reported as unchecked (U007); a base template's tasks (``get_attr`` of a
nested template's ``role_data``) are checked in the base template itself, and
followed for duplicate names (U005).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from ...diagnostics import Severity
from ...hot.functions import is_call
from ...upgrade.steps import STEP_RANGES, gate_of
from ...upgrade.tasks import (
    ListRef,
    TaskRef,
    block_tasks,
    is_block,
    iter_tasks,
    module_key,
    repeats_changes,
    short_module,
)
from .base import DocPath, FileContext, Finding, Rule, TreeFacts, TreeRule, describe


def _tasks(ctx: FileContext, nested: bool = True) -> Iterator[TaskRef]:
    """Every literal task of the file's task lists (with those inside blocks when ``nested``)."""
    for item in iter_tasks(ctx.data):
        if isinstance(item, TaskRef):
            yield item
            if nested:
                yield from block_tasks(item)


def _name(task: Any) -> str:
    if isinstance(task, Mapping) and isinstance(task.get("name"), str):
        return f"task '{task['name']}'"
    return "a task"


class TaskListShape(Rule):
    """A task list is not a list of mappings.

    ``upgrade_tasks``, ``update_tasks`` and ``post_upgrade_tasks`` are lists of
    Ansible tasks, each a mapping; anything else is not a task Ansible can
    run. Tasks inside a ``block`` are held to the same. A list computed by a
    Heat function is checked once Heat has resolved it (U007). Names are
    U008's.

    FAIL::

        outputs:
          role_data:
            value:
              upgrade_tasks:
                - name: Stop ntpd
                  when: step|int == 1
                  service: {name: ntpd, state: stopped}
                - "yum update -y"
    """

    id = "U001"
    name = "upgrade-task-shape"
    summary = "a task list is not a list of task mappings"
    checks_names = False

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for item in iter_tasks(ctx.data):
            if isinstance(item, tuple):
                key, path, value = item
                yield Finding(path, f"{key} must be a list of tasks, not {describe(value)}",
                              prefer="value")
                continue
            if isinstance(item, ListRef):
                continue
            for ref in (item, *block_tasks(item)):
                yield from self._task(ref)

    def _task(self, ref: TaskRef) -> Iterator[Finding]:
        task = ref.task
        if is_call(task):
            return  # a task Heat computes (U007 says so)
        if not isinstance(task, Mapping):
            yield Finding(ref.path, f"{ref.key}: each task must be a mapping, not {describe(task)}",
                          prefer="value")
            return
        if not self.checks_names:
            return
        name = task.get("name")
        if name is None:
            yield Finding(ref.path, f"{ref.key}: task has no name", prefer="value",
                          hint="add a 'name' saying what the task does")
        elif not is_call(name) and (not isinstance(name, str) or not name.strip()):
            yield Finding((*ref.path, "name"), f"{ref.key}: task name must be a non-empty string, "
                          f"not {describe(name)}", prefer="value")


class TaskName(TaskListShape):
    """A task has no name.

    A task's name is what an operator reads in Ansible's output while an
    upgrade runs, and what ``tht-gen upgrade diff`` compares between two
    versions of the library. Ansible runs unnamed tasks, so this is a warning
    by default; the library's own configuration makes it an error.

    FAIL::

        outputs:
          role_data:
            value:
              upgrade_tasks:
                - when: step|int == 1
                  service: {name: ntpd, state: stopped}

    PASS::

        outputs:
          role_data:
            value:
              upgrade_tasks:
                - name: Stop ntpd
                  when: step|int == 1
                  service: {name: ntpd, state: stopped}
    """

    id = "U008"
    name = "upgrade-task-name"
    summary = "a task has no name"
    default_level = Severity.WARNING
    checks_names = True

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for item in iter_tasks(ctx.data):
            if isinstance(item, (tuple, ListRef)):
                continue  # not a list of tasks: U001's
            for ref in (item, *block_tasks(item)):
                yield from self._task(ref)

    def _task(self, ref: TaskRef) -> Iterator[Finding]:
        task = ref.task
        if is_call(task) or not isinstance(task, Mapping):
            return  # U001's
        yield from super()._task(ref)


class TaskStepGate(Rule):
    """A task is not gated on exactly one step.

    Each task list runs once per step; a task runs where its step condition
    says: ``when: step|int == N``, alone or first in a ``when`` list. Without
    it the task runs at every step (six times); with ``step|int in [1, 2]``,
    ``>=`` or a step condition buried later in the list, a reader cannot
    tell at a glance when it runs, and ``tht-gen upgrade playbooks`` has to
    copy it into every step's file. ``step == N`` without ``|int`` never
    matches when ``step`` arrives as a string.

    FAIL::

        upgrade_tasks:
          - name: Stop ntpd
            service: {name: ntpd, state: stopped}
          - name: Update ntp
            when:
              - ntp_enabled|bool
              - step|int == 3
            package: {name: ntp, state: latest}

    PASS::

        upgrade_tasks:
          - name: Update ntp
            when:
              - step|int == 3
              - ntp_enabled|bool
            package: {name: ntp, state: latest}
    """

    id = "U002"
    name = "upgrade-task-step"
    summary = "a task is not gated on exactly one step (when: step|int == N, first)"
    # Upstream runs idempotent fact-setting tasks at every step on purpose;
    # an ungated task that changes things is U004's error.
    default_level = Severity.WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for ref in _tasks(ctx, nested=False):
            task = ref.task
            if not isinstance(task, Mapping):
                continue
            gate = gate_of(task)
            where = (*ref.path, "when") if "when" in task else ref.path
            if gate.status == "none":
                yield Finding(ref.path, f"{ref.key}: {_name(task)} is not gated on a step, so it runs "
                              "at every step", hint="add 'when: step|int == N' (first, when 'when' is a list)")
            elif gate.status == "complex":
                at = (*where, gate.index) if gate.index is not None else where
                yield Finding(at, f"{ref.key}: {_name(task)} is not gated on exactly one step "
                              f"({gate.condition!r})", prefer="value",
                              hint="gate each task on one step: 'step|int == N'")
            elif gate.status == "not-first":
                yield Finding((*where, gate.index or 0), f"{ref.key}: {_name(task)}: the step condition "
                              f"must come first in the when list (it is item {gate.index})",
                              prefer="value")


class TaskStepRange(Rule):
    """A task is gated on a step its list never runs.

    ``upgrade_tasks``, ``update_tasks`` and ``post_upgrade_tasks`` each run
    steps 0 to 5 (the option ``ranges`` changes that, e.g.
    ``{post_upgrade_tasks: [0, 3]}`` for upstream's four post-upgrade steps);
    a task gated on another step never runs.

    FAIL::

        upgrade_tasks:
          - name: Migrate the database
            when: step|int == 6
            command: nova-manage db sync
    """

    id = "U003"
    name = "upgrade-task-step-range"
    summary = "a task is gated on a step outside its list's steps"
    options: ClassVar[dict[str, Any]] = {"ranges": {k: list(v) for k, v in STEP_RANGES.items()}}

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        ranges = dict(self.options["ranges"])
        custom = ctx.option(self, "ranges")
        if isinstance(custom, Mapping):
            ranges.update(custom)
        for ref in _tasks(ctx, nested=False):
            task = ref.task
            if not isinstance(task, Mapping):
                continue
            gate = gate_of(task)
            bounds = ranges.get(ref.key)
            if gate.step is None or not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
                continue
            low, high = int(bounds[0]), int(bounds[1])
            if not low <= gate.step <= high:
                at = (*ref.path, "when") + ((gate.index,) if gate.index is not None else ())
                yield Finding(at, f"{ref.key}: {_name(task)} is gated on step {gate.step}, but "
                              f"{ref.key} run steps {low} to {high}", prefer="value")


class TaskRepeats(Rule):
    """A task that changes the node every time it runs is not gated on a step.

    A task without a step condition runs at every step, six times per
    upgrade. For most modules that is only wasteful; for a command or shell
    without ``creates``/``removes`` (and not declared a read-only probe with
    ``changed_when: false``), a service ``restarted`` or ``reloaded``, or a
    ``reboot``, it does the thing six times: six restarts in the middle of an
    upgrade, a migration run before the packages are updated. Checked for
    tasks inside an ungated block too.

    FAIL::

        upgrade_tasks:
          - name: Restart memcached
            service: {name: memcached, state: restarted}
    """

    id = "U004"
    name = "upgrade-task-repeats"
    summary = "an ungated task is not idempotent (command, restart, reboot)"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for ref in _tasks(ctx, nested=False):
            task = ref.task
            if not isinstance(task, Mapping) or gate_of(task).status != "none":
                continue
            for inner in (ref, *block_tasks(ref)):
                body = inner.task
                if not isinstance(body, Mapping) or is_block(body):
                    continue
                if inner is not ref and gate_of(body).status != "none":
                    continue  # gated on its own
                why = repeats_changes(body)
                if why:
                    yield Finding(inner.path, f"{inner.key}: {_name(body)} runs at every step and "
                                  f"{why}", hint="gate it on one step: 'when: step|int == N'")


def _task_entries(ctx: FileContext) -> dict[str, list[Any]]:
    """Per task list: ("task", name, path, line) and ("attr", resource, attr path, path) in order."""
    out: dict[str, list[Any]] = {}
    for item in iter_tasks(ctx.data):
        if isinstance(item, ListRef):
            if item.how == "get_attr" and isinstance(item.target, list) and item.target and \
                    isinstance(item.target[0], str):
                out.setdefault(item.key, []).append(
                    ("attr", item.target[0], [str(p) for p in item.target[1:]], item.path))
            continue
        if not isinstance(item, TaskRef):
            continue
        for ref in (item, *block_tasks(item)):
            task = ref.task
            if isinstance(task, Mapping) and isinstance(task.get("name"), str):
                mark = ctx.doc.locate(ref.path, prefer="value")
                out.setdefault(ref.key, []).append(("task", task["name"], ref.path, mark.line))
    return out


class TaskDuplicateName(TreeRule):
    """Two tasks of one service's task list have the same name.

    Ansible's output, a failed upgrade's report and ``tht-gen upgrade diff``
    name tasks by their names: two tasks called the same in one service's
    ``upgrade_tasks`` cannot be told apart. A base template's tasks (pulled
    in with ``get_attr: [Base, role_data, upgrade_tasks]``) count as the
    service's own; the finding is located in the service template.

    FAIL::

        upgrade_tasks:
          - name: Stop the service
            when: step|int == 1
            service: {name: openstack-nova-api, state: stopped}
          - name: Stop the service
            when: step|int == 1
            service: {name: openstack-nova-conductor, state: stopped}
    """

    id = "U005"
    name = "upgrade-task-duplicate-name"
    summary = "two tasks in one service's task list have the same name"

    def collect(self, ctx: FileContext) -> Any:
        entries = _task_entries(ctx)
        if not entries:
            return None
        resources = {}
        for name, resource in ctx.template.resources.items():
            rtype = resource.type if resource.is_mapping else None
            if isinstance(rtype, str) and rtype.endswith((".yaml", ".yml", ".template")):
                resolved = ctx.tree.resolve(ctx.file, rtype)
                if resolved is not None:
                    resources[name] = resolved
        return {"entries": entries, "resources": resources}

    def _expand(self, facts: dict[str, Any], file: str, key: str,
                seen: tuple[str, ...]) -> list[tuple[str, str, DocPath, int]]:
        """(name, file, path, line) of every task of ``file``'s ``key`` list, bases included."""
        fact = facts.get(file)
        if fact is None or file in seen:
            return []
        out: list[tuple[str, str, DocPath, int]] = []
        for entry in fact["entries"].get(key, []):
            if entry[0] == "task":
                _, name, path, line = entry
                out.append((name, file, tuple(path), line))
                continue
            _, resource, attr_path, _ = entry
            target = fact["resources"].get(resource)
            if target is not None and len(attr_path) == 2 and attr_path[0] == "role_data":
                out.extend(self._expand(facts, target, attr_path[1], (*seen, file)))
        return out

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        facts = tree.of(self)
        for file in sorted(facts):
            for key in sorted(facts[file]["entries"]):
                by_name: dict[str, list[tuple[str, DocPath, int]]] = {}
                for name, where, path, line in self._expand(facts, file, key, ()):
                    by_name.setdefault(name, []).append((where, path, line))
                for name, places in by_name.items():
                    yield from self._report(file, key, name, places)

    def _report(self, file: str, key: str, name: str,
                places: list[tuple[str, DocPath, int]]) -> Iterator[Finding]:
        first_file, first_path, first_line = places[0]
        reported = False
        for where, path, _ in places[1:]:
            if where == file:
                elsewhere = "" if first_file == file else f" of {first_file}"
                yield Finding(path, f"{key}: task name '{name}' is used twice (first at line "
                              f"{first_line}{elsewhere})", file=file, prefer="value")
            elif first_file == file and not reported:
                # This template's task, then a task of a base it includes: report here.
                line = next(line for w, _, line in places[1:] if w == where)
                yield Finding(first_path, f"{key}: task name '{name}' is also used by a task of "
                              f"{where}:{line}, which this template includes", file=file, prefer="value")
                reported = True
            # both in bases: the base reports it itself


def _literal_tasks(ctx: FileContext) -> list[tuple[DocPath, str, Any]]:
    """(path, module key or "", task) of every literal non-block task, for Ansible to read."""
    out = []
    for ref in _tasks(ctx):
        task = ref.task
        if not isinstance(task, Mapping) or is_block(task):
            continue
        key = module_key(task)
        if key is not None and "{{" in key:
            continue  # a module named by a variable: only known when Ansible runs
        out.append((ref.path, key or "", _plain(task)))
    return out


def _plain(value: Any) -> Any:
    """The task as JSON can carry it (keys as strings, anything odd as text)."""
    return json.loads(json.dumps(value, default=str))


class TaskModule(TreeRule):
    """A task calls a module or action that ansible-core does not have.

    Each task is read by ansible-core's own task parser (the one
    ``ansible-playbook`` uses, run in a separate process), so a misspelt
    module, a module that moved to a collection (``pacemaker_cluster`` is in
    ``community.general``), one ansible-core removed (``include``), or a task
    with two modules is reported where it is written, not in the middle of an
    upgrade. Modules from collections a deployment installs can be allowed by
    name or glob with the option ``allow`` (``["community.general.*"]``).
    Needs ansible-core (the ``tht-gen[ansible]`` extra): without it this rule
    is skipped and U007 says so.

    FAIL::

        upgrade_tasks:
          - name: Update the packages
            when: step|int == 3
            pakage: {name: ntp, state: latest}
    """

    id = "U006"
    name = "upgrade-task-module"
    summary = "a task calls a module or action ansible-core does not have"
    # Collection modules (tripleo-ansible's pacemaker_resource ...) are not in
    # ansible-core; allow them by name, or make this an error for trees that
    # use ansible-core alone (this library's .tht-gen.yaml does).
    default_level = Severity.WARNING
    options: ClassVar[dict[str, Any]] = {"allow": []}

    def prepare(self) -> None:
        # Loading Ansible takes longer than linting a whole tree on one core:
        # let it happen while the files are linted.
        from ...upgrade.ansible_check import start_probe_early

        start_probe_early()

    def collect(self, ctx: FileContext) -> Any:
        found = _literal_tasks(ctx)
        return found or None

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        from ...upgrade.ansible_check import (
            AnsibleUnavailable,
            ansible_available,
            resolve_modules_cached,
        )

        allow = [str(p) for p in tree.option(self, "allow") or []]
        facts = tree.of(self)
        if not facts or not ansible_available():
            return
        order: list[tuple[str, DocPath, str, Any, int]] = []
        unique: dict[str, int] = {}  # each distinct task (as JSON) -> its place in payload
        payload: list[Any] = []
        for file in sorted(facts):
            for path, key, task in facts[file]:
                if key and any(fnmatch.fnmatchcase(key, p) or fnmatch.fnmatchcase(short_module(key), p)
                               for p in allow):
                    continue
                place = unique.setdefault(json.dumps(task, sort_keys=True), len(payload))
                if place == len(payload):
                    payload.append(task)
                order.append((file, tuple(path), key, task, place))
        try:
            answers = resolve_modules_cached(payload)
        except AnsibleUnavailable:
            return  # U007 reports the tree as unchecked
        for file, path, key, task, place in order:
            answer = answers[place]
            if answer.error:
                at = (*path, key) if key else path
                yield Finding(at, f"{_name(task)}: {answer.error}", file=file)


class TasksUnchecked(TreeRule):
    """Some upgrade tasks could not be checked before Heat resolves them.

    A task list computed by a Heat function other than the ones these rules
    follow (``get_param``, ``yaql``, ``str_replace`` ...), a task that is
    itself a function's result, or a ``when`` computed by a function, is only
    known once Heat resolves the template: ``tht-gen upgrade playbooks``
    checks the resolved tasks. Module names (U006) are not checked at all when
    ansible-core is not installed; this rule says so once per tree. An
    information, not a fault.

    FAIL::

        upgrade_tasks: {get_param: ExtraUpgradeTasks}
    """

    id = "U007"
    name = "upgrade-tasks-unchecked"
    summary = "some upgrade tasks can only be checked once Heat resolves them"
    default_level = Severity.INFO

    def collect(self, ctx: FileContext) -> Any:
        unchecked: list[tuple[DocPath, str]] = []
        first: DocPath | None = None
        for item in iter_tasks(ctx.data):
            if isinstance(item, ListRef):
                first = first or item.path
                if item.how != "get_attr":
                    unchecked.append((item.path, f"{item.key} computed by {item.how}: checked once Heat "
                                                 "resolves it (tht-gen upgrade playbooks)"))
            elif isinstance(item, TaskRef):
                first = first or item.path
                if is_call(item.task):
                    name = next(iter(item.task))
                    unchecked.append((item.path, f"{item.key}: a task computed by {name}: checked once "
                                                 "Heat resolves it (tht-gen upgrade playbooks)"))
                elif isinstance(item.task, Mapping) and gate_of(item.task).status == "dynamic":
                    unchecked.append(((*item.path, "when"), f"{item.key}: {_name(item.task)} has a "
                                      "'when' computed by Heat: its step is checked once Heat resolves it"))
        if first is None:
            return None
        return {"first": first, "unchecked": unchecked}

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        from ...upgrade.ansible_check import INSTALL_HINT, ansible_available

        facts = tree.of(self)
        for file in sorted(facts):
            for path, message in facts[file]["unchecked"]:
                yield Finding(tuple(path), message, file=file)
        if facts and not ansible_available():
            file = sorted(facts)[0]
            yield Finding(tuple(facts[file]["first"]), "module names of upgrade tasks are not checked "
                          f"(U006): ansible-core is not installed; {INSTALL_HINT}", file=file)


__all__ = ["TaskDuplicateName", "TaskListShape", "TaskModule", "TaskRepeats", "TaskStepGate",
           "TaskStepRange", "TasksUnchecked"]
