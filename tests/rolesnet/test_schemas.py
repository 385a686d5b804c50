"""The shipped JSON Schemas: valid Draft 2020-12, accepting good files, locating every mistake."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tht_gen import shipped_library
from tht_gen.checks import schema_diagnostics
from tht_gen.model.networks import parse_network_data, parse_vip_data
from tht_gen.model.roles import parse_roles_data
from tht_gen.schemas import SCHEMAS, export, load_schema, validate
from tht_gen.yamlio import load_document

DRAFT = "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_is_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == DRAFT
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema.get("title") and schema.get("description")


def test_unknown_schema_name() -> None:
    with pytest.raises(KeyError):
        load_schema("nope")


def test_shipped_roles_and_networks_pass() -> None:
    root = shipped_library().root
    for path in [*sorted((root / "roles").glob("*.yaml")), root / "roles_data.yaml"]:
        assert validate(load_document(path.read_text()).data, "roles_data") == [], path
    assert validate(load_document((root / "network_data.yaml").read_text()).data, "network_data") == []


def located(diagnostics: list) -> list[tuple[str, int, int, str]]:
    return [(d.rule_id, d.location.line, d.location.column, d.message) for d in diagnostics]


def test_roles_schema_findings_are_located() -> None:
    text = (
        "- name: Compute\n"                       # 1
        "  CountDefault: '2'\n"                   # 2
        "  ServiceDefault: []\n"                  # 3
        "  networks: internal\n"                  # 4
        "  tags: [compute, 3]\n"                  # 5
        "  ServicesDefault: [Ntp]\n"              # 6
        "- description: nameless\n"               # 7
        "- name: Edge\n"                          # 8
        "  networks:\n"                           # 9
        "    InternalApi: {subnet_name: x}\n"     # 10
    )
    found = located(schema_diagnostics(parse_roles_data(text, "r.yaml"), "roles_data"))
    assert found == [
        ("S101", 2, 17, "CountDefault must be an integer, not the string '2'"),
        ("S101", 3, 3, "unknown key 'ServiceDefault' in role 'Compute'"),
        ("S101", 4, 13, "networks must be a mapping or a list, not the string 'internal'"),
        ("S101", 5, 19, "tags[1] must be a string, not the integer 3"),
        ("S101", 6, 21, "ServicesDefault[0] is the string 'Ntp', which does not match "
                        "^OS::TripleO::Services::"),
        ("S101", 7, 3, "role number 2 has no 'name'"),
        ("S101", 10, 5, "InternalApi has no 'subnet'"),
        ("S101", 10, 19, "unknown key 'subnet_name' in InternalApi"),
    ]
    hints = [d.hint for d in schema_diagnostics(parse_roles_data(text), "roles_data")]
    assert "did you mean 'ServicesDefault'?" in hints


def test_network_schema_findings_are_located() -> None:
    text = (
        "- name: Storage\n"                                # 1
        "  vlan: '30'\n"                                   # 2
        "  allocation_pools: [{start: 172.16.1.4}]\n"      # 3
        "  subnets:\n"                                     # 4
        "    storage_leaf1: {vlan: 31}\n"                  # 5
        "    storage_leaf2: {ip_subnet: 172.16.3.0/24, gatway_ip: 172.16.3.1}\n"  # 6
        "  mtu: 1500.5\n"                                  # 7
    )
    found = located(schema_diagnostics(parse_network_data(text, "n.yaml"), "network_data"))
    assert found == [
        ("S102", 2, 9, "vlan must be an integer, not the string '30'"),
        ("S102", 3, 22, "allocation_pools[0] has no 'end'"),
        ("S102", 5, 5, "subnet 'storage_leaf1' needs 'ip_subnet' or 'ipv6_subnet'"),
        ("S102", 6, 47, "unknown key 'gatway_ip' in subnet 'storage_leaf2'"),
        ("S102", 7, 8, "mtu must be an integer, not the number 1500.5"),
    ]


def test_vip_schema() -> None:
    vips = parse_vip_data("- network: external\n  fixed_ip: 10.0.0.5\n- subnet: x\n", "v.yaml")
    found = located(schema_diagnostics(vips, "vip_data"))
    assert [(r, line, col) for r, line, col, _ in found] == [("S106", 2, 3), ("S106", 3, 3)]


@pytest.mark.parametrize(
    ("document", "schema", "expected"),
    [
        ({"parameter_defaults": {"A": 1}, "resource_registry": {"OS::X": "x.yaml"}}, "environment", []),
        ({"parameter_default": {}}, "environment", ["unknown key 'parameter_default' in the document"]),
        ({"resource_registry": {"OS::X": ["x.yaml"]}}, "environment",
         ["OS::X must be a string, not a list"]),
        ({"heat_template_version": "wallaby", "resources": {}}, "hot_template", []),
        ({"resources": {}}, "hot_template", ["the document has no 'heat_template_version'"]),
        ({"heat_template_version": "wallaby", "output": {}}, "hot_template",
         ["unknown key 'output' in the document"]),
        ({"heat_template_version": "wallaby", "outputs": {"role_data": {"value": {
            "service_name": "nova_api", "config_settings": {}, "step_config": "include x",
            "upgrade_tasks": [{"name": "t"}]}}}}, "service_template", []),
        ({"heat_template_version": "wallaby", "outputs": {"role_data": {"value": {
            "map_merge": [{"get_attr": ["Base", "role_data"]}, {}]}}}}, "service_template", []),
        ({"heat_template_version": "wallaby", "outputs": {"role_data": {"value": {
            "service_name": "Nova-Api", "upgrade_tasks": {"name": "t"}}}}}, "service_template",
         ["service_name is the string 'Nova-Api', which does not match ^[a-z][a-z0-9_]*$",
          "upgrade_tasks must be a list, not a mapping"]),
        ({"heat_template_version": "wallaby", "outputs": {"role_data": {"value": {
            "config_settings": {}}}}}, "service_template", ["value has no 'service_name'"]),
    ],
)
def test_other_schemas(document: dict, schema: str, expected: list[str]) -> None:
    assert [f.message for f in validate(document, schema)] == expected


def test_export_writes_every_schema_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "out" / "schemas"
    written = export(target)
    assert sorted(p.name for p in written) == sorted(f"{n}.schema.json" for n in SCHEMAS)
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in written)
    for path in written:
        assert json.loads(path.read_text()) == load_schema(path.name.split(".")[0])
    before = {p: p.stat().st_mtime_ns for p in written}
    export(target)  # unchanged files are left alone
    assert {p: p.stat().st_mtime_ns for p in written} == before


def test_validating_a_part_finds_what_the_whole_finds_there() -> None:
    """S105 checks only a service's role_data value: the same findings, at the same paths,
    as validating the whole template and keeping those under that value."""
    within = ("outputs", "role_data", "value")
    fixtures = Path(__file__).parent.parent / "fixtures" / "rules" / "S105"
    library = shipped_library().root
    paths = [*sorted(fixtures.rglob("*.yaml")), *sorted((library / "services").rglob("*.yaml"))[:60]]
    broken = 0
    for path in paths:
        data = load_document(path.read_text()).data
        whole = [f for f in validate(data, "service_template") if f.path[:3] == within]
        part = validate(data, "service_template", within)
        assert part == whole, path
        broken += bool(part)
    assert broken  # the fail fixtures do break the contract inside the value
    assert validate({"outputs": {"role_data": {}}}, "service_template", within) == []
