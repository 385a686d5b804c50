"""Every service template keeps the contract, and the services agree with each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import contract
from .contract import ROOT, SERVICES, Template

REGISTERED = contract.registered_templates()
REGISTERED_PATHS = {t.path for t in REGISTERED}
# What a deployment can run: the registry's templates and those the environments select.
SELECTABLE = contract.selectable_templates()
SELECTABLE_PATHS = {t.path for t in SELECTABLE}
ALL = contract.all_templates()


def test_the_library_has_the_core_services() -> None:
    # The list; a lost registry line or file would shrink it.
    expected = {
        "Kernel", "Ntp", "Timezone", "Sshd", "Snmp", "AuditD", "CACerts", "TripleoPackages", "TripleoFirewall",
        "MySQL", "MySQLClient", "RabbitMQ", "Memcached", "Redis", "HAproxy", "Keepalived", "Pacemaker", "Apache",
        "Keystone", "GlanceApi", "NovaApi", "NovaConductor", "NovaScheduler", "NovaPlacement", "NovaMetadata",
        "NovaConsoleauth", "NovaVncProxy", "NovaCompute", "NovaLibvirt", "NeutronApi", "NeutronCorePlugin",
        "NeutronDhcpAgent", "NeutronL3Agent", "NeutronMetadataAgent", "NeutronOvsAgent", "ComputeNeutronOvsAgent",
        "Horizon",
    }
    registry = contract.registry()
    assert expected <= set(registry)
    assert all(registry[name].endswith(".yaml") for name in expected)


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.rel)
def test_template_keeps_the_contract(template: Template) -> None:
    problems = contract.check_template(template, template.path in SELECTABLE_PATHS)
    assert problems == [], "\n".join(problems)


def test_every_template_is_registered_or_nested_by_a_registered_one() -> None:
    used = contract.nested_closure(SELECTABLE)
    orphans = sorted(t.rel for t in ALL if t.path not in used)
    assert orphans == [], f"templates nothing uses: {orphans}"


def test_service_names_are_unique_across_the_registered_templates() -> None:
    names: dict[str, list[str]] = {}
    for t in REGISTERED:
        names.setdefault(t.role_data.get("service_name"), []).append(t.rel)
    assert {n: files for n, files in names.items() if len(files) > 1} == {}


def test_base_templates_have_service_names_of_their_own() -> None:
    selectable_names = {t.role_data.get("service_name") for t in SELECTABLE}
    for t in ALL:
        if t.path not in SELECTABLE_PATHS:
            assert t.role_data.get("service_name") not in selectable_names, t.rel


def test_a_template_an_environment_selects_keeps_the_service_name_of_the_one_it_replaces() -> None:
    """A clustered flavour is the same service to the others (service_config_settings, node lists)."""
    registry = contract.registry()
    names = {t.role_data.get("service_name"): t.rel for t in REGISTERED}
    checked = 0
    for service, targets in contract.environment_registry().items():
        default = registry.get(service, "")
        for target in targets:
            name = contract.load(ROOT / target).role_data.get("service_name")
            if default.endswith(".yaml"):
                assert name == contract.load(ROOT / default).role_data.get("service_name"), (service, target)
                checked += 1
            else:
                assert name not in names, f"{target} ({service}) takes the name of {names.get(name)}"
    assert checked >= 1


def test_firewall_rule_names_are_unique_across_services() -> None:
    # tripleo::firewall::rule resources are named after the rule: two services
    # declaring the same name on one node fail the puppet run.
    owners = contract.firewall_rule_owners(REGISTERED)
    assert {rule: o for rule, o in owners.items() if len(o) > 1} == {}
    assert len(owners) >= 20


def test_services_agree_on_the_hiera_keys_they_share() -> None:
    problems = contract.conflicting_settings(REGISTERED)
    assert problems == [], "\n".join(problems)


def test_parameters_with_one_name_have_one_meaning() -> None:
    problems = contract.conflicting_parameters(ALL)
    assert problems == [], "\n".join(problems)


def test_every_database_a_service_connects_to_is_created_with_that_user() -> None:
    used, created = contract.databases(ALL)
    assert used, "no service connects to a database"
    for database, users in used.items():
        assert database in created, f"no service_config_settings.mysql entry creates {database}"
        assert users <= created[database], f"{database}: connects as {users}, creates {created[database]}"


def test_api_services_register_their_endpoints_in_keystone() -> None:
    """A service that publishes a catalog URI (EndpointMap <Service>Public uri) creates its Keystone entry."""
    checked = 0
    for t in REGISTERED:
        publishes = any(
            contract.function_call(value) == ("get_param", ["EndpointMap", key, "uri"])
            for t_ in [t, *t.nested().values()] for _, value in contract.walk(t_.data)
            for key in contract.ENDPOINT_MAP_KEYS if key.endswith("Public"))
        if not publishes:
            continue
        checked += 1
        keystone = (contract.resolved_role_data(t).get("service_config_settings") or {}).get("keystone") or {}
        assert any(k.endswith("::public_url") for k in keystone), t.rel
    assert checked >= 4


def test_nested_templates_live_beside_their_users() -> None:
    # Relative references keep working wherever the library is installed.
    for t in ALL:
        for name, res in t.resources.items():
            kind = res.get("type", "")
            if kind.endswith(".yaml"):
                target = (t.path.parent / kind).resolve()
                assert target.is_relative_to(SERVICES), f"{t.rel}: {name} -> {kind}"
                assert Path(target).relative_to(ROOT).parts[0] == "services"
