"""The upstream 18.0.0 roles and network samples load; the only error-level findings are the
upstream defects listed here, each checked to be real; roles generate matches upstream's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tht_gen.checks import ServiceRegistry, schema_diagnostics, validate_networks, validate_roles
from tht_gen.checks.registry import service_registry
from tht_gen.diagnostics import Diagnostic, Severity
from tht_gen.model.networks import looks_like_vip_data, parse_network_data, parse_vip_data
from tht_gen.model.roles import load_roles_data, load_roles_folder

from ..conftest import RunCli
from ..upstream import upstream_tree_or_skip

pytestmark = pytest.mark.slow

# Error-level findings on upstream's samples, each a defect of upstream's files:
KNOWN_DEFECTS = {
    # The role lists a service no file registers: the one environment made for this role
    # (environments/computealt.yaml) leaves ComputeCeilometerAgentAlt commented out, so Heat
    # fails with an unknown resource type unless the operator registers it.
    ("roles/ComputeAlt.yaml", "T101", "OS::TripleO::Services::ComputeCeilometerAgentAlt"),
    # The service was renamed CinderBackendDellEMCPowerFlex (which Controller lists); the old
    # name is registered nowhere in the tree.
    ("roles/ControllerSriov.yaml", "T101", "OS::TripleO::Services::CinderBackendDellEMCVxFlexOS"),
    # storage_mgmt2_subnet's pool starts at fd00:fd00:fd00:4004::1, which is also its
    # gateway_ipv6: Neutron refuses the subnet (the IPv4 file and the other subnets start at ::10).
    ("network-data-samples/routed-networks-ipv6.yaml", "N108", "storage_mgmt2_subnet"),
}


@pytest.fixture(scope="module")
def upstream() -> Path:
    return upstream_tree_or_skip()


@pytest.fixture(scope="module")
def registry(upstream: Path) -> ServiceRegistry:
    found, problems = service_registry(upstream)
    assert found is not None, problems
    return found


def errors(diagnostics: list[Diagnostic], upstream: Path) -> set[tuple[str, str, str]]:
    out = set()
    for d in diagnostics:
        if d.severity < Severity.ERROR:
            continue
        relative = Path(d.location.file).relative_to(upstream).as_posix()
        fragment = next((k[2] for k in KNOWN_DEFECTS if k[0] == relative and k[1] == d.rule_id
                         and k[2] in d.message), d.message)
        out.add((relative, d.rule_id, fragment))
    return out


def test_the_registry_is_upstream_s(registry: ServiceRegistry) -> None:
    assert "OS::TripleO::Services::NovaCompute" in registry.main
    assert registry.environments["OS::TripleO::Services::NovaComputeAlt"] == ["environments/computealt.yaml"]
    assert "OS::TripleO::Services::ComputeCeilometerAgentAlt" not in registry


def test_every_upstream_role_loads(upstream: Path, registry: ServiceRegistry) -> None:
    folder = load_roles_folder(upstream / "roles", (upstream / "roles").as_posix())
    assert len(folder.files) == 55
    found: list[Diagnostic] = []
    for entry in folder.files.values():
        assert entry.error is None and entry.data is not None and entry.role is not None
        assert entry.role.name == entry.name
        found += validate_roles(entry.data, None, registry)
    expected = {k for k in KNOWN_DEFECTS if k[0].startswith("roles/")}
    assert errors(found, upstream) == expected


@pytest.mark.parametrize(
    ("roles", "networks"),
    [
        ("roles_data.yaml", "network-data-samples/default-network-isolation.yaml"),
        ("roles_data.yaml", "network-data-samples/routed-networks.yaml"),
        ("roles_data_standalone.yaml", None),
        ("roles_data_undercloud.yaml", "network_data_undercloud.yaml"),
    ],
)
def test_upstream_roles_data_files(upstream: Path, registry: ServiceRegistry, roles: str,
                                   networks: str | None) -> None:
    nets = parse_network_data((upstream / networks).read_text(), networks) if networks else None
    found = validate_roles(load_roles_data(upstream / roles), nets, registry)
    assert [d.format_text() for d in found if d.severity >= Severity.ERROR] == []


def test_every_upstream_network_sample_loads(upstream: Path) -> None:
    files = sorted((upstream / "network-data-samples").glob("*.yaml")) + sorted(
        upstream.glob("network_data*.yaml"))
    assert len(files) == 16
    found: list[Diagnostic] = []
    vip_files = 0
    for path in files:
        text = path.read_text()
        networks = parse_network_data(text, path.as_posix())
        if looks_like_vip_data(networks.data):
            vip_files += 1
            found += schema_diagnostics(parse_vip_data(text, path.as_posix()), "vip_data")
        else:
            assert networks.networks or path.name in ("no-networks.yaml", "network_data_default.yaml")
            found += validate_networks(networks)
    assert vip_files == 3
    expected = {k for k in KNOWN_DEFECTS if k[0].startswith("network")}
    assert errors(found, upstream) == expected


@pytest.mark.parametrize("vips", ["vip-data-default-network-isolation.yaml", "vip-data-fixed-ip.yaml"])
def test_upstream_vip_data_against_its_network_data(upstream: Path, vips: str) -> None:
    samples = upstream / "network-data-samples"
    networks = parse_network_data((samples / "default-network-isolation.yaml").read_text())
    found = validate_networks(networks, parse_vip_data((samples / vips).read_text()))
    assert [d.format_text() for d in found] == []


def test_roles_generate_matches_upstream_roles_data(upstream: Path, run_cli: RunCli,
                                                    tmp_path: Path) -> None:
    """upstream's roles_data.yaml is tools/roles-data-generate.py Controller Compute BlockStorage
    ObjectStorage CephStorage: past the headers, ours is the same text."""
    target = tmp_path / "roles_data.yaml"
    code, _, err = run_cli("roles", "generate", "--roles-path", upstream / "roles", "-q",
                           "Controller", "Compute", "BlockStorage", "ObjectStorage", "CephStorage",
                           "-o", target)
    assert code == 0, err
    theirs = (upstream / "roles_data.yaml").read_text()
    ours = target.read_text()
    separator = "#" * 79 + "\n"
    assert theirs.split(separator, 2)[2].rstrip("\n") == ours.split(separator, 2)[2].rstrip("\n")


def test_roles_list_of_upstream(upstream: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli("roles", "list", "--roles-path", upstream / "roles")
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 56


def test_lint_of_the_upstream_samples(upstream: Path) -> None:
    """Through the lint engine: the same error-level findings, from the N and S1xx rules."""
    from tht_gen.lint import LintConfig, lint
    from tht_gen.lint.rules import RULES

    ours = [r for r in RULES if r[0] == "N" or r.startswith("S1")]
    found: set[tuple[str, str, str]] = set()
    for folder in ("roles", "network-data-samples"):
        report = lint([upstream / folder], rules=ours, jobs=1, config=LintConfig())
        assert not report.usage_error
        for d in report.diagnostics:
            if d.severity >= Severity.ERROR:
                found.add((f"{folder}/{d.location.file}", d.rule_id, d.message))
    assert {(f, r) for f, r, _ in found} == {("network-data-samples/routed-networks-ipv6.yaml", "N108")}
