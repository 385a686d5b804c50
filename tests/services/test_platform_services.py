"""The platform and operations services: how they fit with the default services.

Many platform services are optional (registered to OS::Heat::None and
switched on by an environment) or flavours that an environment puts in place
of a default service (the Pacemaker-managed database, broker, Redis and
HAProxy; the OVN ML2 plugin). Here the ones the platform's environments
select are checked as registered services against the default services they
join or replace (names, firewall rules, shared hiera keys), and the
behaviour specific to the area is pinned down.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
import yaml

from ..library.trees import default_tree
from . import contract
from .contract import ROOT, Template
from .test_ocata_coverage import SERVICE_PREFIX, environment_registrations

PLATFORM_SERVICE_DIRS = (
    "aodh", "barbican", "ceilometer", "collectd", "etcd", "fluentd", "gnocchi", "heat", "logrotate",
    "neutron-ovs-dpdk", "neutron-sriov", "octavia", "ovn", "pacemaker-managed", "panko", "securetty",
    "sensu", "tacker", "tuned", "zaqar",
)
PLATFORM_ENV_DIRS = ("services", "ops", "tls", "ha", "neutron")
FRAGMENT = ROOT / "services" / "registry-platform.j2"


def platform_templates() -> list[Template]:
    return [contract.load(p) for d in PLATFORM_SERVICE_DIRS for p in sorted((ROOT / "services" / d).glob("*.yaml"))]


@cache
def platform_environments() -> dict[str, dict[str, Any]]:
    """Rendered environment file -> its data, for the platform's environment folders."""
    files = default_tree().files
    found = {}
    for name in sorted(files):
        if name.endswith(".yaml") and name.startswith(tuple(f"environments/{d}/" for d in PLATFORM_ENV_DIRS)):
            data = yaml.safe_load(files[name])
            if isinstance(data, dict) and "heat_template_version" not in data:
                found[name] = data
    return found


@cache
def platform_selections() -> dict[str, set[str]]:
    """Service name -> the templates the platform's environments map it to."""
    files = default_tree().files
    mine = {name: data for name, data in files.items()
            if name.startswith(tuple(f"environments/{d}/" for d in PLATFORM_ENV_DIRS))}
    return environment_registrations(mine | {k: v for k, v in files.items() if k.startswith("services/")})


def _selected(kind: str) -> list[tuple[str, Template]]:
    registry = contract.registry()
    found = []
    for name, targets in sorted(platform_selections().items()):
        default = registry.get(name, "")
        for target in sorted(targets):
            if target == default:
                continue
            is_flavour = default.endswith(".yaml")
            if (kind == "flavour") == is_flavour:
                found.append((name, contract.load(ROOT / target)))
    return found


OPTIONAL = _selected("optional")
FLAVOURS = _selected("flavour")


def _ids(items: list[tuple[str, Template]]) -> list[str]:
    return [f"{name}={t.rel}" for name, t in items]


def test_the_environments_select_optional_services_and_flavours() -> None:
    assert {n for n, _ in OPTIONAL} >= {"OctaviaApi", "BarbicanApi", "Etcd", "OVNDBs", "OVNController",
                                        "SensuClient", "NeutronSriovAgent", "ComputeNeutronOvsDpdk"}
    assert {n for n, _ in FLAVOURS} >= {"MySQL", "RabbitMQ", "Redis", "HAproxy", "NeutronCorePlugin"}


@pytest.mark.parametrize(("name", "template"), OPTIONAL + FLAVOURS, ids=_ids(OPTIONAL + FLAVOURS))
def test_environment_selected_templates_keep_the_contract_of_registered_services(name: str,
                                                                                  template: Template) -> None:
    problems = contract.check_template(template, registered=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("name", "template"), FLAVOURS, ids=_ids(FLAVOURS))
def test_flavours_keep_the_service_name_of_the_service_they_replace(name: str, template: Template) -> None:
    # Other services key their settings for it (mysql, haproxy...) by that name.
    default = contract.load(ROOT / contract.registry()[name])
    assert template.role_data["service_name"] == default.role_data["service_name"]


def _with_optional() -> list[Template]:
    """The default registry's templates and the optional ones, each file once."""
    return list({t.path: t for t in contract.registered_templates() + [t for _, t in OPTIONAL]}.values())


def test_optional_services_have_service_names_of_their_own() -> None:
    owners: dict[str, set[str]] = {}
    for t in _with_optional():
        owners.setdefault(t.role_data["service_name"], set()).add(t.rel)
    assert {name: files for name, files in owners.items() if len(files) > 1} == {}


def test_optional_services_keep_firewall_rule_names_unique() -> None:
    owners = contract.firewall_rule_owners(_with_optional())
    assert {rule: o for rule, o in owners.items() if len(o) > 1} == {}


def test_optional_services_agree_with_the_default_ones_on_shared_hiera_keys() -> None:
    # The OVS-DPDK agent sets the Open vSwitch agent's keys, the OVN metadata
    # agent Neutron's: one value per key, whichever template a node runs.
    assert contract.conflicting_settings(_with_optional()) == []


def test_every_platform_template_is_registered_selected_or_nested() -> None:
    used = contract.nested_closure(contract.registered_templates() + [t for _, t in OPTIONAL + FLAVOURS])
    assert sorted(t.rel for t in platform_templates() if t.path not in used) == []


def test_every_optional_platform_service_has_an_environment_that_selects_it() -> None:
    off = [contract.REGISTRY_LINE.match(line)["name"]  # type: ignore[index]
           for line in contract.registry_lines(FRAGMENT) if line.endswith("OS::Heat::None")]
    assert off, "the fragment has no optional service"
    assert sorted(set(off) - set(platform_selections())) == []


# --- Pacemaker-managed flavours -----------------------------------------------------------------

PACEMAKER = sorted((ROOT / "services" / "pacemaker-managed").glob("*.yaml"))


def _task_modules(tasks: list[dict[str, Any]]) -> set[str]:
    return {k for task in tasks for k in task if k not in contract.TASK_KEYWORDS}


@pytest.mark.parametrize("path", PACEMAKER, ids=[p.name for p in PACEMAKER])
def test_pacemaker_flavours_apply_the_pacemaker_profile_over_the_plain_services_base(path: Any) -> None:
    template = contract.load(path)
    plain_name = {"mysql.yaml": "MySQL", "rabbitmq.yaml": "RabbitMQ", "redis.yaml": "Redis",
                  "haproxy.yaml": "HAproxy"}[path.name]
    plain = contract.load(ROOT / contract.registry()[plain_name])
    assert template.role_data["step_config"].startswith("include ::tripleo::profile::pacemaker::")
    # Same base, so the same credentials, bind addresses and firewall rules.
    assert {r["type"].rsplit("/", 1)[-1] for r in template.resources.values()} == \
        {r["type"].rsplit("/", 1)[-1] for r in plain.resources.values()}
    base_keys = set(contract.resolved_role_data(plain)["config_settings"])
    assert base_keys - {"tripleo::haproxy::haproxy_service_manage"} <= \
        set(contract.resolved_role_data(template)["config_settings"])
    # Pacemaker starts and stops them: no task of theirs touches the units.
    for label in contract.TASK_LISTS:
        tasks = contract.resolved_role_data(template).get(label) or []
        assert "service" not in _task_modules(tasks), f"{path.name} {label}"


def test_the_ha_environment_replaces_the_clustered_services_and_drops_keepalived() -> None:
    registry = platform_environments()["environments/ha/pacemaker.yaml"]["resource_registry"]
    for name in ("MySQL", "RabbitMQ", "Redis", "HAproxy", "CinderVolume", "CinderBackup"):
        assert "pacemaker" in registry[SERVICE_PREFIX + name], name
    assert registry[SERVICE_PREFIX + "Keepalived"] == "OS::Heat::None"


# --- Networking --------------------------------------------------------------------------------

ML2_OVS_AGENTS = ("services/neutron/neutron-ovs-agent.yaml", "services/neutron/neutron-l3.yaml",
                  "services/neutron/neutron-dhcp.yaml", "services/neutron/neutron-metadata.yaml")


def test_ovn_turns_off_every_agent_it_replaces_and_selects_its_own() -> None:
    registry = platform_environments()["environments/neutron/ovn.yaml"]["resource_registry"]
    replaced = sorted(n for n, t in contract.registry().items() if t in ML2_OVS_AGENTS)
    assert len(replaced) >= 5
    for name in replaced:
        assert registry.get(SERVICE_PREFIX + name) == "OS::Heat::None", name
    # ComputeNeutronL3Agent and ComputeNeutronMetadataAgent are off by default
    # but DVR may have turned them on: OVN turns them off again.
    assert registry[SERVICE_PREFIX + "ComputeNeutronL3Agent"] == "OS::Heat::None"
    for name in ("OVNDBs", "OVNController", "OVNMetadataAgent", "NeutronCorePlugin"):
        assert registry[SERVICE_PREFIX + name].startswith("../../services/ovn/"), name


def test_dvr_runs_the_controllers_agents_on_the_compute_nodes() -> None:
    env = platform_environments()["environments/neutron/dvr.yaml"]
    registry = contract.registry()
    for compute, plain in (("ComputeNeutronL3Agent", "NeutronL3Agent"),
                           ("ComputeNeutronMetadataAgent", "NeutronMetadataAgent")):
        assert env["resource_registry"][SERVICE_PREFIX + compute].removeprefix("../../") == registry[plain]
    assert env["parameter_defaults"]["NeutronEnableDVR"] is True
    assert env["parameter_defaults"]["NeutronL3AgentMode"] == "dvr_snat"


def test_the_dpdk_agent_differs_from_the_ovs_agent_only_by_the_datapath() -> None:
    ovs = contract.resolved_role_data(contract.load(ROOT / "services/neutron/neutron-ovs-agent.yaml"))
    dpdk = contract.resolved_role_data(contract.load(ROOT / "services/neutron-ovs-dpdk/neutron-ovs-dpdk-agent.yaml"))
    shared = {k for k in ovs["config_settings"] if k.startswith("neutron::")}
    assert shared <= set(dpdk["config_settings"])
    assert dpdk["config_settings"]["neutron::agents::ml2::ovs::datapath_type"] == "netdev"
    assert "include ::vswitch::dpdk" in dpdk["step_config"]


# --- Telemetry ---------------------------------------------------------------------------------

TELEMETRY_DIRS = ("services/ceilometer/", "services/gnocchi/", "services/aodh/", "services/panko/")


def test_telemetry_off_removes_every_telemetry_service() -> None:
    registry = platform_environments()["environments/services/disable-telemetry.yaml"]["resource_registry"]
    telemetry = sorted(n for n, t in contract.registry().items() if t.startswith(TELEMETRY_DIRS))
    assert len(telemetry) == 11
    assert sorted(n.removeprefix(SERVICE_PREFIX) for n, t in registry.items() if t == "OS::Heat::None") == telemetry


def test_events_go_to_panko_only_when_panko_runs() -> None:
    template = contract.load(ROOT / "services/ceilometer/ceilometer-agent-notification.yaml")
    default = template.parameters["CeilometerEventPipelinePublishers"]["default"].split(",")
    assert "panko://" in default
    env = platform_environments()["environments/services/telemetry-without-events.yaml"]
    assert env["resource_registry"][SERVICE_PREFIX + "PankoApi"] == "OS::Heat::None"
    assert "panko://" not in env["parameter_defaults"]["CeilometerEventPipelinePublishers"].split(",")


# --- Upgrade tasks ---------------------------------------------------------------------------------

MIGRATION = re.compile(r"db_sync|dbsync|db-manage|db upgrade|gnocchi-upgrade|ceilometer-upgrade|-manage ")


def _all_selected_or_registered() -> list[Template]:
    registered = {t.path for t in contract.registered_templates()}
    chosen = [t for t in platform_templates() if t.path in registered]
    return chosen + list({t.path: t for _, t in OPTIONAL + FLAVOURS if t.rel.split("/")[1] in PLATFORM_SERVICE_DIRS}
                         .values())


def test_migrations_run_once_on_the_bootstrap_node_after_the_packages_are_new() -> None:
    checked = 0
    for template in _all_selected_or_registered():
        data = contract.resolved_role_data(template)
        for label in ("upgrade_tasks", "post_upgrade_tasks"):
            for task in data.get(label) or []:
                command = str(task.get("command", ""))
                if not MIGRATION.search(command):
                    continue
                checked += 1
                when = task["when"] if isinstance(task["when"], list) else [task["when"]]
                assert when[0] == "step|int == 5", (template.rel, task["name"])
                assert any(str(c).endswith("_bootstrap_node|bool") for c in when[1:]), (template.rel, task["name"])
    assert checked >= 8


def test_wsgi_services_carry_the_apache_tasks_first() -> None:
    apache = [t["name"] for t in contract.resolved_role_data(
        contract.load(ROOT / "services/apache/apache.yaml"))["upgrade_tasks"]]
    wsgi = [t for t in _all_selected_or_registered()
            if any(r.get("type") == "../apache/apache.yaml" for r in t.resources.values())]
    assert len(wsgi) >= 8
    for template in wsgi:
        names = [t["name"] for t in contract.resolved_role_data(template)["upgrade_tasks"]]
        assert names[:len(apache)] == apache, template.rel
        assert len(names) > len(apache), template.rel
