"""services/registry.j2, the rendered resource registry, and the roles that use it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tht_gen import render

from . import contract
from .contract import ROOT


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("rendered")
    result = render(None, None, None, out, dry_run=True, keep_contents=True, strict=True, use_cache=False)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert result.contents is not None
    return result.contents


def test_every_registry_line_has_the_contract_form() -> None:
    lines = contract.registry_lines()
    bad = [line for line in lines if not contract.REGISTRY_LINE.match(line)]
    assert bad == []
    assert len(lines) == len(contract.registry())


def test_registry_lines_are_sorted_by_service_name_and_unique() -> None:
    every: list[str] = []
    for path in contract.registry_files():
        names = [contract.REGISTRY_LINE.match(line)["name"]  # type: ignore[index]
                 for line in contract.registry_lines(path)]
        assert names == sorted(names), f"{path.name} is not sorted"
        every.extend(names)
    assert len(every) == len(set(every)), "a service is registered twice"


def test_registry_includes_every_fragment() -> None:
    text = contract.REGISTRY.read_text(encoding="utf-8")
    for fragment in contract.registry_files()[1:]:
        assert f"{{% include 'services/{fragment.name}' %}}" in text, fragment.name


def test_every_registered_template_exists() -> None:
    missing = [t for t in contract.registry().values() if t.endswith(".yaml") and not (ROOT / t).is_file()]
    assert missing == []


def _resource_registry(rendered: dict[str, bytes]) -> dict[str, Any]:
    data = yaml.safe_load(rendered["overcloud-resource-registry-puppet.yaml"])
    registry = data["resource_registry"]
    assert isinstance(registry, dict)
    return registry


def test_rendered_resource_registry_carries_every_service_line(rendered: dict[str, bytes]) -> None:
    registry = _resource_registry(rendered)
    for name, target in contract.registry().items():
        assert registry.get(f"OS::TripleO::Services::{name}") == target, name


def _roles() -> list[tuple[str, dict[str, Any]]]:
    roles = [(f"roles_data.yaml[{r['name']}]", r) for r in yaml.safe_load((ROOT / "roles_data.yaml").read_text())]
    for path in sorted((ROOT / "roles").glob("*.yaml")):
        for role in yaml.safe_load(path.read_text()) or []:
            roles.append((f"roles/{path.name}[{role['name']}]", role))
    return roles


@pytest.mark.parametrize(("where", "role"), _roles(), ids=[w for w, _ in _roles()])
def test_every_service_a_role_lists_is_registered(where: str, role: dict[str, Any],
                                                  rendered: dict[str, bytes]) -> None:
    registry = _resource_registry(rendered)
    unregistered = [s for s in role.get("ServicesDefault", []) if s not in registry]
    assert unregistered == [], f"{where} lists services with no registry entry"


@pytest.mark.parametrize(("where", "role"), _roles(), ids=[w for w, _ in _roles()])
def test_roles_with_database_users_also_run_the_client_configuration(where: str, role: dict[str, Any]) -> None:
    # Every connection string reads /etc/my.cnf.d/tripleo.cnf, which only MySQLClient writes.
    registry = contract.registry()
    services = [s.removeprefix("OS::TripleO::Services::") for s in role.get("ServicesDefault", [])]
    with_db = []
    for name in services:
        target = registry.get(name, "")
        if not target.endswith(".yaml"):
            continue
        settings = contract.resolved_role_data(contract.load(ROOT / target)).get("config_settings") or {}
        if any(key.endswith("database_connection") for key in settings):
            with_db.append(name)
    if with_db:
        assert "MySQLClient" in services, f"{where} runs {with_db} without MySQLClient"


def test_the_services_table_of_the_docs_lists_every_registered_service() -> None:
    # docs/services.md and each area's docs/services-<area>.md have a "## The services" table.
    rows: dict[str, str] = {}
    for doc in [ROOT / "docs" / "services.md", *sorted((ROOT / "docs").glob("services-*.md"))]:
        text = doc.read_text(encoding="utf-8")
        if "## The services" not in text:
            continue
        section = text.split("## The services", 1)[1].split("\n## ", 1)[0]
        for line in section.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[1].startswith("`services/"):
                assert cells[0] not in rows, f"{cells[0]} is listed twice"
                rows[cells[0]] = cells[1].strip("`")
    registered = {name: target for name, target in contract.registry().items() if target.endswith(".yaml")}
    assert {name: rows.get(name) for name in registered} == registered
    # A service off by default is listed with the template its environment selects.
    selected = contract.environment_registry()
    assert {name: f for name, f in rows.items() if name not in registered and f not in selected.get(name, set())} == {}


def _map_references() -> tuple[set[str], set[str]]:
    """(ServiceNetMap keys, EndpointMap keys) the service templates look up."""
    net_keys, endpoint_keys = set(), set()
    for t in contract.all_templates():
        for _, value in contract.walk(t.data):
            call = contract.function_call(value)
            if call and call[0] == "get_param" and isinstance(call[1], list) and len(call[1]) > 1:
                if call[1][0] == "ServiceNetMap":
                    net_keys.add(call[1][1])
                elif call[1][0] == "EndpointMap":
                    endpoint_keys.add(call[1][1])
    return net_keys, endpoint_keys


def test_every_service_network_key_has_a_default_in_the_service_net_map() -> None:
    source = ROOT / "network" / "service_net_map.j2.yaml"
    if not source.is_file():
        pytest.skip("network/service_net_map.j2.yaml is not in the tree")
    defaults = set(re.findall(r"\('(\w+Network)',", source.read_text(encoding="utf-8")))
    net_keys, _ = _map_references()
    assert len(net_keys) >= 15
    assert net_keys - defaults == set()


def test_every_endpoint_the_services_use_is_in_the_endpoint_data() -> None:
    source = ROOT / "network" / "endpoints" / "endpoint_data.yaml"
    if not source.is_file():
        pytest.skip("network/endpoints/endpoint_data.yaml is not in the tree")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    _, endpoint_keys = _map_references()
    assert len(endpoint_keys) >= 15
    for key in endpoint_keys:
        match = re.fullmatch(r"(\w+?)(Public|Internal|Admin)", key)
        assert match is not None, key
        assert match[2] in (data.get(match[1]) or {}), f"{key}: no {match[2]} endpoint for {match[1]}"
