"""The platform's environments: each says what it does, sets something real, and is clean.

The environments of environments/{services,ops,tls,ha,neutron}/ switch on the
optional platform services, put the Pacemaker-managed flavours in place, and
set TLS, DVR, SR-IOV, OVS-DPDK, OVN, debug, low-memory and telemetry-off
parameters. Checked here: their header, that every registry target exists and
every parameter they set is one a template of the tree declares, that lint
finds nothing in them, that the TLS environment follows HAProxy to whichever
roles run it, and (slow, with Heat) that Heat accepts the overcloud with each
of them and with roles that run the platform services.
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen import render
from tht_gen.lint import lint

from ..heat.conftest import require
from ..library.trees import default_tree
from .contract import ROOT
from .test_platform_services import PLATFORM_ENV_DIRS, PLATFORM_SERVICE_DIRS, platform_environments

SOURCES = sorted(p for d in PLATFORM_ENV_DIRS for p in (ROOT / "environments" / d).glob("*.yaml"))
HEADER = re.compile(r"^# title: \S.*\n# description: \|\n(#   \S.*\n)+", re.M)


def _is_environment_source(path: Path) -> bool:
    text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
    return "heat_template_version" not in text


ENV_SOURCES = [p for p in SOURCES if _is_environment_source(p)]


def test_there_are_at_least_twenty_platform_environments() -> None:
    assert len(ENV_SOURCES) >= 20
    assert len(platform_environments()) == len(ENV_SOURCES)


@pytest.mark.parametrize("path", ENV_SOURCES, ids=[p.relative_to(ROOT).as_posix() for p in ENV_SOURCES])
def test_each_environment_starts_with_a_title_and_a_description(path: Path) -> None:
    text = re.sub(r"^{#.*?#}\n?", "", path.read_text(encoding="utf-8"), flags=re.S)
    match = HEADER.match(text)
    assert match is not None, "expected '# title: ...' then '# description: |' and indented lines"


ENVIRONMENTS = sorted(platform_environments())


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_each_environment_sets_registry_entries_or_parameters(name: str) -> None:
    data = platform_environments()[name]
    assert set(data) <= {"resource_registry", "parameter_defaults"}
    assert data.get("resource_registry") or data.get("parameter_defaults")


@cache
def _declared_parameters() -> frozenset[str]:
    declared: set[str] = set()
    for _name, data in default_tree().templates():
        declared.update((data.get("parameters") or {}).keys())
    return frozenset(declared)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_each_registry_target_exists_and_each_parameter_is_declared(name: str) -> None:
    data = platform_environments()[name]
    files = default_tree().files
    for key, target in (data.get("resource_registry") or {}).items():
        if isinstance(target, str) and target.endswith(".yaml"):
            path = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
            assert path in files, f"{key}: {target}"
        else:
            assert target == "OS::Heat::None", key
    undeclared = set(data.get("parameter_defaults") or {}) - _declared_parameters()
    assert undeclared == set(), "parameters no template of the tree declares (Heat ignores them)"


@pytest.fixture(scope="module")
def rendered_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("platform-tree")
    for name, content in default_tree().files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return out


def test_lint_finds_nothing_in_the_platform_environments_and_services(rendered_tree: Path) -> None:
    report = lint([rendered_tree], jobs=1, cache=False, config=ROOT / ".tht-gen.yaml")
    mine = tuple(f"environments/{d}/" for d in PLATFORM_ENV_DIRS) + tuple(
        f"services/{d}/" for d in PLATFORM_SERVICE_DIRS) + ("services/registry-platform.j2",)
    findings = [d.format_text() for d in report.diagnostics if d.location.file.startswith(mine)]
    assert findings == []
    assert any(k.startswith("environments/tls/") for k in report.kinds)


def _roles(path: Path, roles: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump(roles, sort_keys=False), encoding="utf-8")
    return path


def _render_environment(roles_data: Path, name: str) -> dict[str, Any]:
    result = render(None, roles_data, None, roles_data.parent / "out", dry_run=True, keep_contents=True,
                    strict=True, use_cache=False, jobs=1)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert result.contents is not None
    data = yaml.safe_load(result.contents[name])
    assert isinstance(data, dict)
    return data


def test_public_tls_installs_the_certificate_on_the_roles_that_run_haproxy(tmp_path: Path) -> None:
    library = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    controller = next(r for r in library if r["name"] == "Controller")
    balancer = dict(controller, name="Balancer", tags=[], ServicesDefault=[
        "OS::TripleO::Services::HAproxy", "OS::TripleO::Services::Keepalived"])
    api_only = dict(controller, ServicesDefault=[s for s in controller["ServicesDefault"]
                                                 if s != "OS::TripleO::Services::HAproxy"])
    env = _render_environment(_roles(tmp_path / "roles.yaml", [api_only, balancer]),
                              "environments/tls/enable-tls.yaml")
    hooks = {k for k in env["resource_registry"] if k.endswith("ExtraConfigPre")}
    assert hooks == {"OS::TripleO::BalancerExtraConfigPre"}
    assert env["parameter_defaults"]["EnablePublicTLS"] is True
    # The certificate is written where HAProxy's template reads it from.
    haproxy_base = yaml.safe_load((ROOT / "services/haproxy/haproxy-base.yaml").read_text(encoding="utf-8"))
    assert env["parameter_defaults"]["DeployedSSLCertificatePath"] == \
        haproxy_base["parameters"]["DeployedSSLCertificatePath"]["default"]


def test_the_default_public_tls_environment_hooks_the_controller() -> None:
    env = platform_environments()["environments/tls/enable-tls.yaml"]
    assert env["resource_registry"] == {"OS::TripleO::ControllerExtraConfigPre": "tls-cert-inject.yaml"}


def test_low_memory_sets_every_worker_count_of_the_library() -> None:
    # A worker parameter added later and left out here would size itself from
    # the CPU count again.
    workers = {p for p in _declared_parameters() if p.endswith("Workers") and not p.startswith("Apache")}
    env = platform_environments()["environments/ops/low-memory.yaml"]["parameter_defaults"]
    assert workers and workers <= set(env)
    assert {env[p] for p in workers} == {1}


def test_the_endpoint_variants_switch_the_endpoint_maps_parameters() -> None:
    envs = platform_environments()
    endpoint_map = yaml.safe_load((ROOT / "network/endpoints/endpoint_map.yaml").read_text(encoding="utf-8"))
    switches = {"EnablePublicTLS", "EnableInternalTLS", "PublicEndpointsUseCloudName",
                "InternalEndpointsUseCloudName"}
    assert switches <= set(endpoint_map["parameters"])
    expected = {
        "tls-endpoints-public-ip.yaml": {"EnablePublicTLS": True, "PublicEndpointsUseCloudName": False},
        "tls-endpoints-public-dns.yaml": {"EnablePublicTLS": True, "PublicEndpointsUseCloudName": True},
        "tls-everywhere-endpoints-dns.yaml": {"EnablePublicTLS": True, "EnableInternalTLS": True,
                                              "PublicEndpointsUseCloudName": True,
                                              "InternalEndpointsUseCloudName": True},
    }
    for name, values in expected.items():
        assert envs[f"environments/tls/{name}"]["parameter_defaults"] == values, name


# --- Heat (slow) ----------------------------------------------------------------------------------

# Roles that run every platform service (the library's roles list them once
# the lead adds them), so that Heat checks each of their templates.
PLATFORM_ROLE_SERVICES = {
    "Controller": ["AodhApi", "AodhEvaluator", "AodhListener", "AodhNotifier", "BarbicanApi",
                   "CeilometerAgentCentral", "CeilometerAgentNotification", "Collectd", "Etcd", "FluentdClient",
                   "GnocchiApi", "GnocchiMetricd", "GnocchiStatsd", "HeatApi", "HeatApiCfn", "HeatEngine",
                   "Logrotate", "OVNController", "OVNDBs", "OctaviaApi", "OctaviaHealthManager",
                   "OctaviaHousekeeping", "OctaviaWorker", "PankoApi", "Securetty", "SensuClient", "Tacker",
                   "Tuned", "Zaqar"],
    "Compute": ["Collectd", "ComputeCeilometerAgent", "ComputeNeutronCorePlugin", "ComputeNeutronL3Agent",
                "ComputeNeutronMetadataAgent", "ComputeNeutronOvsDpdk", "FluentdClient", "Logrotate",
                "NeutronSriovAgent", "OVNController", "OVNMetadataAgent", "Securetty", "SensuClient", "Tuned"],
}


@pytest.fixture(scope="module")
def platform_roles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    roles = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    for role in roles:
        extra = [f"OS::TripleO::Services::{s}" for s in PLATFORM_ROLE_SERVICES.get(role["name"], [])]
        role["ServicesDefault"] = list(dict.fromkeys(role.get("ServicesDefault", []) + extra))
    return _roles(tmp_path_factory.mktemp("roles") / "roles_data.yaml", roles)


@pytest.mark.slow
@pytest.mark.parametrize("name", [None, *ENVIRONMENTS])
def test_heat_accepts_the_overcloud_with_each_platform_environment(name: str | None, platform_roles: Path) -> None:
    require("heat.engine", "OpenStack Heat (openstack-heat)")
    from tht_gen.heat import validate_tree

    environments: list[str | os.PathLike[str]] = ["environments/noop-deployment.yaml", *([name] if name else [])]
    result = validate_tree(ROOT, environments, roles_data=platform_roles)
    assert [d.format_text() for d in result.diagnostics] == []
    assert result.stacks_checked > 150
