"""The contract checks catch what they claim to: each is run on a broken copy of a real template."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tht_gen.yamlio import load_document

from . import contract
from .contract import ROOT, Template

Mutation = Callable[[dict[str, Any]], None]


def _role_data(data: dict[str, Any]) -> dict[str, Any]:
    value = data["outputs"]["role_data"]["value"]
    assert isinstance(value, dict)
    return value


def _own(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The service's own mapping inside a map_merge of config_settings."""
    settings = _role_data(data)["config_settings"]
    parts = settings.get("map_merge", [settings])
    own = next(p for p in parts if isinstance(p, dict) and key in p)
    assert isinstance(own, dict)
    return own


def _tasks(data: dict[str, Any], label: str = "upgrade_tasks") -> list[dict[str, Any]]:
    tasks = _role_data(data)[label]
    if isinstance(tasks, dict):  # list_concat of the base's tasks and the service's own
        tasks = tasks["list_concat"][-1]
    assert isinstance(tasks, list)
    return tasks


def _set(path: tuple[str, ...], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def _delete(path: tuple[str, ...]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return mutate


def _drop_key_of_scs(service: str, key: str) -> Mutation:
    return lambda data: _role_data(data)["service_config_settings"][service].pop(key)


def _task_when(index: int, when: Any, label: str = "upgrade_tasks") -> Mutation:
    return lambda data: _tasks(data, label)[index].__setitem__("when", when)


def _add_task(task: dict[str, Any], label: str = "upgrade_tasks") -> Mutation:
    return lambda data: _tasks(data, label).append(task)


NOVA_API = "services/nova/nova-api.yaml"
NTP = "services/time/ntp.yaml"
GLANCE = "services/glance/glance-api.yaml"
KEYSTONE = "services/keystone/keystone.yaml"
NOVA_BASE = "services/nova/nova-base.yaml"
MYSQL = "services/database/mysql.yaml"

CASES: list[tuple[str, str, Mutation, str]] = [
    ("wrong-version", NTP, _set(("heat_template_version",), "rocky"), "heat_template_version must be wallaby"),
    ("standard-parameter-missing", NTP, _delete(("parameters", "RoleParameters")),
     "standard parameter RoleParameters is not declared"),
    ("standard-parameter-wrong-type", NTP, _set(("parameters", "ServiceNetMap", "type"), "string"),
     "ServiceNetMap must be type json"),
    ("parameter-without-description", NTP, _delete(("parameters", "NtpServer", "description")),
     "NtpServer has no description"),
    ("parameter-unknown-type", NTP, _set(("parameters", "MaxPoll", "type"), "integer"), "has type 'integer'"),
    ("default-of-wrong-type", NTP, _set(("parameters", "MaxPoll", "default"), "10"),
     "default of MaxPoll does not match its type number"),
    ("default-outside-range", NTP, _set(("parameters", "MaxPoll", "default"), 40), "outside its range"),
    ("default-not-allowed", GLANCE, _set(("parameters", "GlanceBackend", "default"), "nfs"),
     "not one of its allowed_values"),
    ("default-against-pattern", "services/time/timezone.yaml", _set(("parameters", "TimeZone", "default"), "UTC UTC"),
     "does not match its allowed_pattern"),
    ("secret-not-hidden", GLANCE, _delete(("parameters", "GlancePassword", "hidden")),
     "GlancePassword looks like a secret and must be hidden"),
    ("secret-with-default", GLANCE, _set(("parameters", "GlancePassword", "default"), "x"),
     "hidden parameter GlancePassword must not have a default"),
    ("undeclared-parameter", NTP, lambda d: _own(d, "ntp::servers").__setitem__("ntp::x", {"get_param": "NtpServers"}),
     "undeclared parameter NtpServers"),
    ("service-net-map-key-not-in-contract", "services/memcached/memcached.yaml",
     lambda d: _own(d, "memcached::listen_ip").__setitem__(
         "memcached::listen_ip", {"get_param": ["ServiceNetMap", "MemcacheNetwork"]}),
     "ServiceNetMap key ['MemcacheNetwork'] is not in the contract"),
    ("endpoint-map-key-not-in-contract", GLANCE,
     lambda d: _role_data(d)["service_config_settings"]["keystone"].__setitem__(
         "glance::keystone::auth::public_url", {"get_param": ["EndpointMap", "ImagePublic", "uri"]}),
     "EndpointMap reference ['ImagePublic', 'uri'] is not in the contract"),
    ("function-newer-than-wallaby", NTP,
     lambda d: _own(d, "ntp::servers").__setitem__("ntp::x", {"str_join": ["", []]}),
     "str_join is not an intrinsic function"),
    ("undeclared-resource", NOVA_API,
     lambda d: _role_data(d)["config_settings"]["map_merge"].__setitem__(0, {"get_attr": ["ApacheBase", "x"]}),
     "undeclared resource ApacheBase"),
    ("nested-output-missing", NOVA_API,
     lambda d: _role_data(d)["config_settings"]["map_merge"].__setitem__(
         2, {"get_attr": ["NovaBase", "database_settings"]}),
     "has no output 'database_settings'"),
    ("nested-template-missing", NOVA_API, _set(("resources", "NovaBase", "type"), "./nova-common.yaml"),
     "nested template ./nova-common.yaml does not exist"),
    ("nested-template-not-passed-standard-parameters", NOVA_API,
     _delete(("resources", "NovaBase", "properties", "RoleParameters")),
     "must be passed RoleParameters"),
    ("nested-template-passed-unknown-property", NOVA_API,
     _set(("resources", "NovaBase", "properties", "NovaWorkers"), {"get_param": "NovaWorkers"}),
     "declares no parameter NovaWorkers"),
    ("unknown-role-data-key", NTP, _set(("outputs", "role_data", "value", "upgrade_task"), []),
     "unknown key 'upgrade_task'"),
    ("service-name-not-snake-case", NTP, _set(("outputs", "role_data", "value", "service_name"), "Ntp"),
     "is not snake_case"),
    ("step-config-not-an-include", NTP, _set(("outputs", "role_data", "value", "step_config"), "class {'ntp': }"),
     "step_config must be puppet include lines"),
    ("registered-without-upgrade-tasks", NTP, _delete(("outputs", "role_data", "value", "upgrade_tasks")),
     "must have upgrade_tasks"),
    ("firewall-rules-of-another-service", NTP,
     lambda d: _own(d, "ntp::servers").__setitem__("tripleo.chrony.firewall_rules",
                                                   _own(d, "ntp::servers").pop("tripleo.ntp.firewall_rules")),
     "must be tripleo.ntp.firewall_rules"),
    ("firewall-rule-badly-named", NTP,
     lambda d: _own(d, "ntp::servers").__setitem__("tripleo.ntp.firewall_rules",
                                                   {"ntp": {"dport": 123, "proto": "udp"}}),
     "must be '<three digits> <name>'"),
    ("firewall-rule-without-port", NTP,
     lambda d: _own(d, "ntp::servers").__setitem__("tripleo.ntp.firewall_rules", {"105 ntp": {"proto": "udp"}}),
     "names no dport"),
    ("connection-without-tripleo-cnf", NOVA_BASE,
     _delete(("outputs", "database_config_settings", "value", "nova::db::database_connection", "make_url", "query")),
     "query must be"),
    ("connection-not-make-url", GLANCE,
     lambda d: _own(d, "glance::api::bind_port").__setitem__("glance::api::database_connection", "mysql://glance@x/glance"),
     "must be built with make_url"),
    ("connection-with-plain-password", GLANCE,
     lambda d: _own(d, "glance::api::bind_port")["glance::api::database_connection"]["make_url"].__setitem__(
         "password", "secret"),
     "password must come from a hidden parameter"),
    ("mysql-entry-incomplete", GLANCE, _drop_key_of_scs("mysql", "glance::db::mysql::allowed_hosts"),
     "mysql entry glance::db::mysql has no allowed_hosts"),
    ("keystone-entry-incomplete", GLANCE, _drop_key_of_scs("keystone", "glance::keystone::auth::region"),
     "keystone entry glance::keystone::auth has no region"),
    ("keystone-url-of-wrong-interface", GLANCE,
     lambda d: _role_data(d)["service_config_settings"]["keystone"].__setitem__(
         "glance::keystone::auth::admin_url", {"get_param": ["EndpointMap", "GlancePublic", "uri"]}),
     "admin_url must be EndpointMap.<Service>Admin.uri"),
    # a keystone user without a catalog entry still needs its password
    ("keystone-user-only-without-password", GLANCE,
     lambda d: (_role_data(d)["service_config_settings"]["keystone"].__setitem__(
         "glance::keystone::auth::configure_endpoint", False),
         _role_data(d)["service_config_settings"]["keystone"].pop("glance::keystone::auth::password")),
     "keystone entry glance::keystone::auth has no password"),
    ("logging-without-groups", MYSQL, _delete(("outputs", "role_data", "value", "logging_groups")),
     "logging_source needs logging_groups"),
    ("task-not-gated", NTP, _task_when(2, None), "is not gated on a step"),
    ("task-gated-out-of-range", NTP, _task_when(2, "step|int == 6"), "gated on step 6, outside 0..5"),
    ("task-gated-twice", NTP, _task_when(2, ["step|int == 3", "step|int == 4"]), "more than one step condition"),
    ("task-step-not-first", NTP, _task_when(1, ["ntp_enabled_result.rc == 0", "step|int == 0"]),
     "as its (first) when condition"),
    ("task-without-name", NTP, lambda d: _tasks(d)[2].pop("name"), "has no name"),
    ("task-name-repeated", NTP, lambda d: _tasks(d)[2].__setitem__("name", _tasks(d)[0]["name"]),
     "repeats the task name"),
    ("task-with-two-modules", NTP, lambda d: _tasks(d)[2].__setitem__("command", "true"),
     "must use exactly one module"),
    ("task-list-not-a-list", NTP, _set(("outputs", "role_data", "value", "update_tasks"), {"name": "x"}),
     "update_tasks must be a list"),
    # The mistake the register/set_fact rule exists for: a register read in a later step.
    ("registered-result-read-in-a-later-step", NTP,
     _add_task({"name": "Restart", "when": ["step|int == 4", "ntp_package_result is changed"],
                "service": {"name": "ntpd", "state": "restarted"}}, "update_tasks"),
     "registered at step 3: a skipped task overwrites it"),
    ("fact-read-before-it-is-set", NTP,
     _add_task({"name": "Early", "when": ["step|int == 1", "ntp_package_changed|bool"], "command": "true"},
               "update_tasks"),
     "before the step (3) that sets it"),
    ("variable-nobody-sets", KEYSTONE,
     _add_task({"name": "Sync", "when": ["step|int == 5", "keystone_bootstrap|bool"], "command": "true"}),
     "uses keystone_bootstrap, which no earlier task sets"),
    ("task-in-a-nested-base-is-checked-through-its-user", KEYSTONE,
     lambda d: d["outputs"]["role_data"]["value"]["upgrade_tasks"]["list_concat"][-1].insert(
         0, {"name": "Check whether httpd is enabled", "when": "step|int == 0", "command": "true"}),
     "repeats the task name 'Check whether httpd is enabled'"),
]


def _broken(rel: str, mutation: Mutation) -> Template:
    template = contract.editable_copy(contract.load(ROOT / rel))
    mutation(template.data)
    return template


def test_every_case_starts_from_a_template_that_passes() -> None:
    registered = {t.path for t in contract.registered_templates()}
    for rel in {rel for _, rel, _, _ in CASES}:
        template = contract.load(ROOT / rel)
        assert contract.check_template(template, template.path in registered) == [], rel


@pytest.mark.parametrize(("case", "rel", "mutation", "expected"), CASES, ids=[c[0] for c in CASES])
def test_check_reports_the_broken_template(case: str, rel: str, mutation: Mutation, expected: str) -> None:
    template = _broken(rel, mutation)
    registered = rel != NOVA_BASE
    problems = contract.check_template(template, registered)
    assert any(expected in p for p in problems), f"{case}: {problems}"
    assert all(p.startswith(f"{rel}:") for p in problems), problems


def test_problems_point_at_the_line_of_the_mistake() -> None:
    template = _broken(GLANCE, _delete(("parameters", "GlancePassword", "hidden")))
    problems = contract.check_template(template, True)
    # The connection string's password now comes from a visible parameter too.
    assert any("database_connection: password must come from a hidden parameter" in p for p in problems)
    (problem,) = [p for p in problems if "looks like a secret" in p]
    line = int(problem.split(":")[1])
    assert (ROOT / GLANCE).read_text().splitlines()[line - 1].strip() == "GlancePassword:"


def test_library_wide_checks_see_conflicts() -> None:
    registered = contract.registered_templates()
    nova_api = next(t for t in registered if t.rel == NOVA_API)
    changed = contract.editable_copy(nova_api)
    _own(changed.data, "nova_wsgi_enabled")["memcached::max_memory"] = "10%"
    rules = _own(changed.data, "nova_wsgi_enabled")["tripleo.nova_api.firewall_rules"]
    rules["121 memcached"] = {"dport": 11211, "proto": "tcp"}
    others = [t for t in registered if t.rel != NOVA_API]
    assert any("memcached::max_memory" in p for p in contract.conflicting_settings([*others, changed]))
    owners = contract.firewall_rule_owners([*others, changed])
    assert sorted(owners["121 memcached"]) == ["services/memcached/memcached.yaml", NOVA_API]
    changed.data["parameters"]["NovaWorkers"]["default"] = 4
    changed.data["parameters"]["KeystoneRegion"]["default"] = "RegionTwo"
    assert any(p.startswith("KeystoneRegion:") for p in contract.conflicting_parameters([*others, changed]))


# Property: whatever single task of a registered service is broken, and however, the check notices.
TASK_BREAKERS: dict[str, Callable[[dict[str, Any], list[dict[str, Any]]], None]] = {
    "drop when": lambda task, _: task.pop("when", None),
    "step out of range": lambda task, _: task.__setitem__("when", "step|int == 9"),
    "second step condition": lambda task, _: task.__setitem__(
        "when", [*(task["when"] if isinstance(task["when"], list) else [task["when"]]), "step|int == 1"]),
    "condition without step": lambda task, _: task.__setitem__("when", "inventory_hostname is defined"),
    "duplicate name": lambda task, tasks: task.__setitem__(
        "name", next(t["name"] for t in tasks if t is not task)),
    "no module": lambda task, _: [task.pop(k) for k in list(task) if k not in contract.TASK_KEYWORDS],
}
TASK_OWNERS = [(t.rel, label) for t in contract.registered_templates() for label in contract.TASK_LISTS
               if isinstance(t.role_data.get(label), list) and len(t.role_data[label]) > 1]


@settings(max_examples=60, deadline=None)
@given(owner=st.sampled_from(TASK_OWNERS), breaker=st.sampled_from(sorted(TASK_BREAKERS)), data=st.data())
def test_any_broken_task_is_reported(owner: tuple[str, str], breaker: str, data: st.DataObject) -> None:
    rel, label = owner
    template = contract.editable_copy(contract.load(ROOT / rel))
    tasks = template.role_data[label]
    task = tasks[data.draw(st.integers(0, len(tasks) - 1), label="task")]
    TASK_BREAKERS[breaker](task, tasks)
    problems = contract.check_template(template, True)
    assert any(f"{label}[" in p or f"{label} " in p for p in problems), (breaker, problems)


def test_the_worked_example_of_the_docs_keeps_the_contract() -> None:
    text = (ROOT / "docs" / "services.md").read_text(encoding="utf-8")
    example = text.split("## Adding a service: a worked example", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", example, re.S)
    assert block is not None
    standard = "".join(
        line + "\n" for line in (ROOT / NTP).read_text(encoding="utf-8").splitlines()
        if line.startswith("  ") or line == "parameters:"
    ).split("  NtpServer:")[0].split("parameters:\n", 1)[1]
    filled = block.group(1).replace("  # ... the six standard parameters, copied from any template ...\n", standard)
    template = Template(ROOT / "services/etcd/etcd.yaml", load_document(filled))
    assert contract.check_template(template, True) == []
