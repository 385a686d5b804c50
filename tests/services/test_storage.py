"""The storage and bare metal services (Cinder, Swift, Ceph, Manila, Ironic) and their environments.

test_templates.py checks the templates the default registry names. Most of
this area is off by default (OS::Heat::None) and switched on by an
environment of environments/storage/ or environments/baremetal/, which maps
a service to its template or replaces one template by another (the
Pacemaker-managed Cinder services, the Ceph flavour of the backup service).
So the same contract checks run here on every template those environments
select, and each environment is checked as Heat would apply it: over the
default registry, with the settings of all the services it leaves enabled.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tht_gen import render

from . import contract
from .contract import ROOT, SERVICES, Template

FRAGMENT = SERVICES / "registry-storage.j2"
AREA_FOLDERS = (ROOT / "environments" / "storage", ROOT / "environments" / "baremetal")
SERVICE_TYPE = re.compile(r"^OS::TripleO::Services::(\w+)$")
HEADER = re.compile(r"\A# title: \S[^\n]*\n# description: \|\n(?:#   \S[^\n]*\n)+")

# The names of this area among the services of Ocata's default roles
# (/work/briefs/ocata_default_role_services.txt).
OCATA_NAMES = frozenset({
    "BlockStorageCinderVolume", "CephClient", "CephExternal", "CephMds", "CephMon", "CephOSD",
    "CephRbdMirror", "CephRgw", "CinderApi", "CinderBackendDellPs", "CinderBackendDellSc",
    "CinderBackendNetApp", "CinderBackendScaleIO", "CinderBackup", "CinderHPELeftHandISCSI",
    "CinderScheduler", "CinderVolume", "IronicApi", "IronicConductor", "ManilaApi", "ManilaBackendCephFs",
    "ManilaBackendGeneric", "ManilaBackendNetapp", "ManilaScheduler", "ManilaShare", "NovaIronic",
    "SwiftProxy", "SwiftRingBuilder", "SwiftStorage",
})
AREA_SERVICES = OCATA_NAMES | {"Iscsid"}

# The services of this area each default role should list (what the roles'
# owner is asked to add); the off-by-default ones do nothing until an
# environment maps them to their template.
ROLE_ADDITIONS = {
    "Controller": [
        "CephClient", "CephExternal", "CephMds", "CephMon", "CephRbdMirror", "CephRgw", "CinderApi",
        "CinderBackendDellPs", "CinderBackendDellSc", "CinderBackendNetApp", "CinderBackendScaleIO",
        "CinderBackup", "CinderHPELeftHandISCSI", "CinderScheduler", "CinderVolume", "IronicApi",
        "IronicConductor", "Iscsid", "ManilaApi", "ManilaBackendCephFs", "ManilaBackendGeneric",
        "ManilaBackendNetapp", "ManilaScheduler", "ManilaShare", "NovaIronic", "SwiftProxy",
        "SwiftRingBuilder", "SwiftStorage",
    ],
    "Compute": ["CephClient", "CephExternal", "Iscsid"],
    "BlockStorage": ["BlockStorageCinderVolume", "CephClient", "CephExternal", "Iscsid"],
    "ObjectStorage": ["SwiftRingBuilder", "SwiftStorage"],
    "CephStorage": ["CephOSD"],
}

# Environments deployed together (in this order) in the combination tests.
COMBINATIONS = {
    "ceph-everything": ["storage/ceph.yaml", "storage/ceph-rgw.yaml", "storage/ceph-rbdmirror.yaml",
                        "storage/manila-cephfs.yaml", "storage/cinder-pacemaker.yaml",
                        "storage/cinder-backup-ceph-pacemaker.yaml"],
    "external-ceph": ["storage/ceph-external.yaml", "storage/cinder-backup-swift.yaml"],
    "vendor-backends": ["storage/cinder-netapp.yaml", "storage/cinder-dellps.yaml", "storage/cinder-dellsc.yaml",
                        "storage/cinder-scaleio.yaml", "storage/cinder-hpelefthand.yaml", "storage/cinder-nfs.yaml",
                        "storage/manila-netapp.yaml", "storage/manila-generic.yaml"],
    "bare-metal": ["baremetal/ironic.yaml"],
}

PACEMAKER_VARIANTS = {
    "services/cinder/cinder-volume-pacemaker.yaml": ("services/cinder/cinder-volume.yaml", "cinder::volume",
                                                     "openstack-cinder-volume"),
    "services/cinder/cinder-backup-pacemaker.yaml": ("services/cinder/cinder-backup.yaml", "cinder::backup",
                                                     "openstack-cinder-backup"),
    "services/cinder/cinder-backup-ceph-pacemaker.yaml": ("services/cinder/cinder-backup-ceph.yaml",
                                                          "cinder::backup", "openstack-cinder-backup"),
}


@dataclass(frozen=True)
class Environment:
    """One environment file of this area, as the tests read it."""

    path: Path
    text: str
    data: dict[str, Any]

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT / "environments").as_posix()

    def services(self) -> dict[str, str]:
        """Service name -> template (relative to the library root) or the Heat type it maps to."""
        found = {}
        for key, target in (self.data.get("resource_registry") or {}).items():
            match = SERVICE_TYPE.match(str(key))
            if match:
                found[match[1]] = normalise_target(self.path, str(target))
        return found


def normalise_target(env_path: Path, target: str) -> str:
    if target.startswith("OS::"):
        return target
    folder = env_path.parent.relative_to(ROOT).as_posix()
    return posixpath.normpath(posixpath.join(folder, target))


def load_environment(path: Path) -> Environment:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return Environment(path, text, data if isinstance(data, dict) else {})


@cache
def environments() -> tuple[Environment, ...]:
    return tuple(load_environment(p) for folder in AREA_FOLDERS for p in sorted(folder.rglob("*.yaml")))


def environment(rel: str) -> Environment:
    return next(e for e in environments() if e.rel == rel)


def environment_templates() -> list[str]:
    """Every template an environment of this area maps a service to."""
    return sorted({t for e in environments() for t in e.services().values() if t.endswith(".yaml")})


def effective_registry(envs: list[Environment]) -> dict[str, str]:
    """The service registry once the environments are applied, in order, over the default one."""
    registry = dict(contract.registry())
    for env in envs:
        registry.update(env.services())
    return registry


@cache
def declared_parameters() -> dict[str, dict[str, Any]]:
    """Every parameter the service templates declare, by name (one meaning each: the contract checks it)."""
    found: dict[str, dict[str, Any]] = {}
    for t in contract.all_templates():
        for name, decl in t.parameters.items():
            if isinstance(decl, dict):
                found.setdefault(name, decl)
    return found


# --- checks, returning problems so that the tests below can also feed them broken input -------------

def environment_problems(env: Environment, overcloud_types: set[str]) -> list[str]:
    problems = []
    if not HEADER.match(env.text):
        problems.append(f"{env.rel}: does not start with '# title:' and '# description: |'")
    registry = env.data.get("resource_registry") or {}
    if not registry and not env.data.get("parameter_defaults"):
        problems.append(f"{env.rel}: sets nothing")
    for key, target in registry.items():
        if key not in overcloud_types:
            problems.append(f"{env.rel}: {key} is not a type of the overcloud registry")
        resolved = normalise_target(env.path, str(target))
        if resolved.startswith("OS::"):
            if resolved != "OS::Heat::None":
                problems.append(f"{env.rel}: {key} maps to {resolved}, not a service template or OS::Heat::None")
        elif not (ROOT / resolved).is_file():
            problems.append(f"{env.rel}: {key} -> {target} does not exist")
    return problems


def parameter_value_problems(name: str, value: Any, decl: dict[str, Any] | None) -> list[str]:
    """What Heat would reject in a parameter_defaults value (its type and constraints)."""
    if decl is None:
        return [f"{name} is declared by no service template"]
    kind = decl.get("type")
    ok = {
        "string": isinstance(value, str | int | float) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "json": isinstance(value, dict | list),
        "comma_delimited_list": isinstance(value, str) or (isinstance(value, list)
                                                           and all(isinstance(v, str) for v in value)),
    }.get(str(kind), False)
    if not ok:
        return [f"{name}: {value!r} is not a {kind}"]
    problems = []
    for constraint in decl.get("constraints") or []:
        if "allowed_values" in constraint and value not in constraint["allowed_values"]:
            problems.append(f"{name}: {value!r} is not one of {constraint['allowed_values']}")
        if "allowed_pattern" in constraint:
            match = re.match(constraint["allowed_pattern"], str(value))
            if match is None or match.end() != len(str(value)):
                problems.append(f"{name}: {value!r} does not match {constraint['allowed_pattern']}")
        bounds = constraint.get("range") or {}
        if isinstance(value, int | float) and (value < bounds.get("min", value) or value > bounds.get("max", value)):
            problems.append(f"{name}: {value!r} is outside {bounds}")
    return problems


def replacement_problems(registry: dict[str, str], envs: list[Environment]) -> list[str]:
    """A template an environment puts in place of another keeps the service_name of the one it replaces."""
    problems = []
    for env in envs:
        for name, target in env.services().items():
            default = registry.get(name, "")
            if not (default.endswith(".yaml") and target.endswith(".yaml")):
                continue
            before = contract.load(ROOT / default).role_data.get("service_name")
            after = contract.load(ROOT / target).role_data.get("service_name")
            if before != after:
                problems.append(f"{env.rel}: {name} -> {target} is {after!r}, it replaces {before!r}")
    return problems


def deployed_services(registry: dict[str, str]) -> dict[str, Template]:
    """Registry name -> template, for the services a registry maps to a template."""
    return {name: contract.load(ROOT / target) for name, target in registry.items() if target.endswith(".yaml")}


def deployment_problems(services: dict[str, Template]) -> list[str]:
    """What would break a deployment of all these services (registry name -> template)."""
    templates = list({t.path: t for t in services.values()}.values())
    problems = contract.conflicting_settings(templates)
    # One service_name per service; a role's own flavour of a service
    # (BlockStorageCinderVolume for CinderVolume) may share it.
    names: dict[Any, set[str]] = {}
    for name, t in services.items():
        names.setdefault(t.role_data.get("service_name"), set()).add(name)
    for service_name, owners in names.items():
        base = min(owners, key=len)
        if any(not owner.endswith(base) for owner in owners):
            problems.append(f"service_name {service_name!r} is given by {sorted(owners)}")
    # A rule belongs to one service (its flavours declare it alike).
    service_of = {t.rel: t.role_data.get("service_name") for t in templates}
    for rule, files in contract.firewall_rule_owners(templates).items():
        if len({service_of[f] for f in files}) > 1:
            problems.append(f"firewall rule {rule!r} is declared by {files}")
    return problems


def overcloud_service_types() -> set[str]:
    return {f"OS::TripleO::Services::{name}" for name in contract.registry()}


# --- the area's registry ----------------------------------------------------------------------------------

def test_the_fragment_registers_exactly_the_area_services() -> None:
    lines = contract.registry_lines(FRAGMENT)
    names = {contract.REGISTRY_LINE.match(line)["name"] for line in lines}  # type: ignore[index]
    assert names == AREA_SERVICES
    assert len(lines) == len(AREA_SERVICES)


def test_every_ocata_service_of_the_area_reaches_a_real_template() -> None:
    registry = contract.registry()
    enabled = {name for e in environments() for name, t in e.services().items() if t.endswith(".yaml")}
    unreachable = sorted(n for n in OCATA_NAMES if not registry[n].endswith(".yaml") and n not in enabled)
    assert unreachable == []
    by_default = {n for n in OCATA_NAMES if registry[n].endswith(".yaml")}
    assert {"CinderApi", "CinderVolume", "SwiftProxy", "SwiftStorage"} <= by_default


def test_every_service_off_by_default_is_switched_on_by_an_environment() -> None:
    off = {n for n in AREA_SERVICES if contract.registry()[n] == "OS::Heat::None"}
    enabled = {name for e in environments() for name, t in e.services().items() if t.endswith(".yaml")}
    assert off, "the area has no opt-in service any more: is the fragment still read?"
    assert off - enabled == set()


@pytest.mark.parametrize("rel", environment_templates())
def test_templates_the_environments_select_keep_the_contract(rel: str) -> None:
    # As strictly as the templates of the default registry (resolved task lists included).
    problems = contract.check_template(contract.load(ROOT / rel), registered=True)
    assert problems == [], "\n".join(problems)


# --- the environments --------------------------------------------------------------------------------------

def test_the_area_has_its_environments() -> None:
    rels = {e.rel for e in environments()}
    expected = {"storage/ceph.yaml", "storage/ceph-external.yaml", "storage/ceph-rgw.yaml",
                "storage/cinder-nfs.yaml", "storage/cinder-netapp.yaml", "storage/cinder-backup-ceph.yaml",
                "storage/cinder-pacemaker.yaml", "storage/manila-cephfs.yaml", "baremetal/ironic.yaml"}
    assert expected <= rels
    assert len(rels) >= 15


@pytest.mark.parametrize("env", environments(), ids=lambda e: e.rel)
def test_environment_has_a_header_and_real_targets(env: Environment) -> None:
    assert environment_problems(env, overcloud_service_types()) == []


@pytest.mark.parametrize("env", environments(), ids=lambda e: e.rel)
def test_environment_parameters_are_declared_and_valid(env: Environment) -> None:
    declared = declared_parameters()
    problems = [p for name, value in (env.data.get("parameter_defaults") or {}).items()
                for p in parameter_value_problems(name, value, declared.get(name))]
    assert problems == []


@pytest.mark.parametrize("env", environments(), ids=lambda e: e.rel)
def test_environment_deploys_a_consistent_set_of_services(env: Environment) -> None:
    registry = effective_registry([env])
    assert replacement_problems(contract.registry(), [env]) == []
    assert deployment_problems(deployed_services(registry)) == []


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_environments_deployed_together_stay_consistent(combination: str) -> None:
    envs = [environment(rel) for rel in COMBINATIONS[combination]]
    registry = effective_registry(envs)
    assert replacement_problems(contract.registry(), envs) == []
    assert deployment_problems(deployed_services(registry)) == []


# --- what the templates promise -------------------------------------------------------------------------

@pytest.mark.parametrize("variant", PACEMAKER_VARIANTS)
def test_pacemaker_variants_hand_the_unit_to_the_cluster(variant: str) -> None:
    plain_rel, module, unit = PACEMAKER_VARIANTS[variant]
    clustered, plain = contract.load(ROOT / variant), contract.load(ROOT / plain_rel)
    settings = contract.resolved_role_data(clustered)["config_settings"]
    plain_settings = contract.resolved_role_data(plain)["config_settings"]
    assert clustered.role_data["service_name"] == plain.role_data["service_name"]
    assert settings[f"{module}::manage_service"] is False and settings[f"{module}::enabled"] is False
    # Every node reports one host, so the volumes and backups stay manageable after a failover.
    assert settings["cinder::host"] == "hostgroup"
    assert set(plain_settings) < set(settings)
    step_config = clustered.role_data["step_config"]
    assert f"include ::tripleo::profile::pacemaker::{module}" in step_config
    # The backup variants still pick their backend's driver.
    assert [line for line in plain.role_data["step_config"].splitlines() if "::backup::" in line] == \
        [line for line in step_config.splitlines() if "::base::" in line]
    for label in contract.TASK_LISTS:
        for task in clustered.role_data.get(label) or []:
            assert not (isinstance(task.get("service"), dict) and task["service"].get("name") == unit), \
                f"{variant}: {label} task {task['name']!r} drives the unit behind Pacemaker's back"


_VOLUME_FLAG = "tripleo::profile::base::cinder::volume::cinder_enable_{}_backend"
BACKENDS = {
    "services/cinder/cinder-backend-netapp.yaml": _VOLUME_FLAG.format("netapp"),
    "services/cinder/cinder-backend-dellps.yaml": _VOLUME_FLAG.format("dellps"),
    "services/cinder/cinder-backend-dellsc.yaml": _VOLUME_FLAG.format("dellsc"),
    "services/cinder/cinder-backend-scaleio.yaml": _VOLUME_FLAG.format("scaleio"),
    "services/cinder/cinder-hpelefthand-iscsi.yaml": _VOLUME_FLAG.format("hpelefthand"),
    "services/manila/manila-backend-cephfs.yaml": "manila_backend_cephfs_enabled",
    "services/manila/manila-backend-generic.yaml": "manila_backend_generic_enabled",
    "services/manila/manila-backend-netapp.yaml": "manila_backend_netapp_enabled",
}
ENABLE_FLAG = re.compile(r"(cinder_enable_\w+_backend|manila_backend_\w+_enabled)$")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backend_switches_on_itself_and_nothing_else(backend: str) -> None:
    t = contract.load(ROOT / backend)
    settings = contract.resolved_role_data(t)["config_settings"]
    assert {k: v for k, v in settings.items() if ENABLE_FLAG.search(k)} == {BACKENDS[backend]: True}
    # It configures the volume or share service it runs beside: the same profile, nothing of its own.
    parent = "services/cinder/cinder-volume.yaml" if "/cinder/" in backend else "services/manila/manila-share.yaml"
    assert t.role_data["step_config"] == contract.load(ROOT / parent).role_data["step_config"]
    assert not any(key.startswith("tripleo.") for key in settings), "a backend opens no port of its own"


def test_ceph_and_cinder_hand_settings_only_to_services_that_exist() -> None:
    names = {t.role_data.get("service_name") for t in contract.registered_templates()}
    givers = ["services/ceph/ceph-mon.yaml", "services/ceph/ceph-client.yaml", "services/ceph/ceph-external.yaml",
              "services/cinder/cinder-volume.yaml"]
    for rel in givers:
        scs = contract.resolved_role_data(contract.load(ROOT / rel)).get("service_config_settings") or {}
        assert scs, rel
        assert set(scs) - {"mysql", "keystone"} <= names, rel


def test_ceph_clients_of_a_deployed_and_an_external_cluster_tell_the_consumers_the_same() -> None:
    def consumers(rel: str) -> dict[str, Any]:
        settings = contract.resolved_role_data(contract.load(ROOT / rel))["service_config_settings"]
        assert isinstance(settings, dict)
        return settings
    assert consumers("services/ceph/ceph-mon.yaml") == consumers("services/ceph/ceph-external.yaml")
    assert consumers("services/ceph/ceph-client.yaml") == consumers("services/ceph/ceph-external.yaml")
    nova = consumers("services/ceph/ceph-external.yaml")["nova_compute"]
    # libvirt's secret is named after the cluster the key belongs to.
    assert nova["nova::compute::rbd::libvirt_rbd_secret_uuid"] == {"get_param": "CephClusterFSID"}


# --- the checks above can fail ------------------------------------------------------------------------------

def _broken(env: Environment, text: str) -> Environment:
    return Environment(env.path, text, yaml.safe_load(text))


def test_environment_check_reports_a_missing_target_and_header() -> None:
    env = environment("storage/cinder-netapp.yaml")
    text = env.text.replace("cinder-backend-netapp.yaml", "cinder-backend-netap.yaml")
    assert [p for p in environment_problems(_broken(env, text), overcloud_service_types())
            if "does not exist" in p]
    headless = _broken(env, env.text.split("\n", 1)[1])
    assert [p for p in environment_problems(headless, overcloud_service_types()) if "title" in p]
    unknown = _broken(env, env.text.replace("CinderBackendNetApp:", "CinderBackendNetAp:"))
    assert [p for p in environment_problems(unknown, overcloud_service_types()) if "not a type" in p]


def test_parameter_check_reports_wrong_values() -> None:
    declared = declared_parameters()
    assert parameter_value_problems("CinderNetappStorageProtocol", "smb", declared["CinderNetappStorageProtocol"])
    assert parameter_value_problems("CinderNetappServerPort", 70000, declared["CinderNetappServerPort"])
    assert parameter_value_problems("CinderEnableRbdBackend", "yes", declared["CinderEnableRbdBackend"])
    assert parameter_value_problems("CephClusterFSID", "not-a-uuid", declared["CephClusterFSID"])
    assert parameter_value_problems("CinderEnableRdbBackend", True, declared.get("CinderEnableRdbBackend"))


@given(st.sampled_from(["nfs", "iscsi", "fc"]), st.text(min_size=1).filter(lambda s: s not in {"nfs", "iscsi", "fc"}))
def test_allowed_values_accept_exactly_their_members(allowed: str, other: str) -> None:
    decl = declared_parameters()["CinderNetappStorageProtocol"]
    assert parameter_value_problems("CinderNetappStorageProtocol", allowed, decl) == []
    assert parameter_value_problems("CinderNetappStorageProtocol", other, decl) != []


def test_replacement_check_reports_a_changed_service_name() -> None:
    env = environment("storage/cinder-pacemaker.yaml")
    # The Swift ring builder in place of the volume service: another service's name.
    text = env.text.replace("cinder/cinder-volume-pacemaker.yaml", "swift/swift-ringbuilder.yaml")
    problems = replacement_problems(contract.registry(), [_broken(env, text)])
    assert problems and "'swift_ringbuilder'" in problems[0]


def test_deployment_check_reports_two_values_for_one_key_a_shared_firewall_rule_and_name() -> None:
    volume = contract.editable_copy(contract.load(ROOT / "services/cinder/cinder-volume.yaml"))
    own = next(p for p in volume.role_data["config_settings"]["map_merge"]
               if "tripleo.cinder_volume.firewall_rules" in p)
    own["cinder::rabbit_heartbeat_timeout_threshold"] = 30  # cinder-base says 60
    own["tripleo.cinder_volume.firewall_rules"]["119 cinder_api"] = {"dport": 8776, "proto": "tcp"}
    services = {"CinderApi": contract.load(ROOT / "services/cinder/cinder-api.yaml"), "CinderVolume": volume}
    problems = deployment_problems(services)
    assert any("rabbit_heartbeat_timeout_threshold" in p for p in problems)
    assert any("'119 cinder_api'" in p for p in problems)
    clustered = contract.load(ROOT / "services/cinder/cinder-volume-pacemaker.yaml")
    plain = deployed_services({"CinderVolume": "services/cinder/cinder-volume.yaml"})
    assert any("service_name 'cinder_volume'" in p for p in deployment_problems({**plain, "SwiftStorage": clustered}))
    # A role's flavour of the service may share its name.
    assert deployment_problems({**plain, "BlockStorageCinderVolume": clustered}) == []


# --- the library with these services in its roles -----------------------------------------------------------

def area_roles_data() -> list[dict[str, Any]]:
    """The default roles with this area's services added (ROLE_ADDITIONS)."""
    roles = []
    for name, extra in ROLE_ADDITIONS.items():
        role = yaml.safe_load((ROOT / "roles" / f"{name}.yaml").read_text(encoding="utf-8"))[0]
        services = list(role["ServicesDefault"])
        services += [f"OS::TripleO::Services::{s}" for s in extra if f"OS::TripleO::Services::{s}" not in services]
        roles.append({**role, "ServicesDefault": services})
    return roles


def render_with_area_roles(out: Path) -> Path:
    """Render the shipped library with the area's roles into out/tree; return the tree."""
    roles_file = out / "roles_data.yaml"
    roles_file.write_text(yaml.safe_dump(area_roles_data()), encoding="utf-8")
    result = render(None, roles_file, None, out / "tree", strict=True, use_cache=False)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    return out / "tree"


def test_the_library_with_the_area_in_its_roles_renders_and_lints_clean(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    tree = render_with_area_roles(tmp_path)
    for role in area_roles_data():
        assert (tree / "puppet" / f"{role['name'].lower()}-role.yaml").is_file()
    for env in environments():
        assert (tree / "environments" / env.rel).is_file(), env.rel
    code, out, err = run_cli("lint", tree, "--format", "json")
    assert (code, yaml.safe_load(out), err) == (0, [], "")


# --- the docs ------------------------------------------------------------------------------------------------

def _doc_rows() -> list[list[str]]:
    text = (ROOT / "docs" / "services-storage.md").read_text(encoding="utf-8")
    return [[c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ")]


def test_the_docs_list_every_service_template_and_environment_of_the_area() -> None:
    rows = _doc_rows()
    listed = {(cells[0], cells[1]) for cells in rows if len(cells) >= 3 and cells[1].startswith("services/")}
    registry = contract.registry()
    expected = {(name, registry[name]) for name in AREA_SERVICES if registry[name].endswith(".yaml")}
    expected |= {(name, target) for e in environments() for name, target in e.services().items()
                 if target.endswith(".yaml") and name in AREA_SERVICES}
    assert expected - listed == set()
    assert listed - expected == set(), "the docs list a template no registry line or environment selects"
    documented = {cells[0] for cells in rows if cells[0].endswith(".yaml")}
    assert {e.rel for e in environments()} <= documented
