"""``tht_gen.interface.parameters``: the deployment's parameters as data."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tht_gen.diagnostics import UserError
from tht_gen.interface import parameters
from tht_gen.interface.params import HIDDEN_TEXT, ParameterSchema, json_schema, role_of

from .conftest import FIXTURES

TREE = FIXTURES / "tree"
CHAIN = ("environments/base.yaml", "environments/override.yaml", str(FIXTURES / "site" / "site.yaml"))


@pytest.fixture(scope="module")
def schema() -> ParameterSchema:
    return parameters(TREE, CHAIN)


def test_scopes(schema: ParameterSchema) -> None:
    scope = {p.name: p.scope for p in schema.parameters}
    assert scope["ControllerCount"] == "top-level"
    assert scope["NtpServer"] == "parameter_defaults"
    assert scope["RoleName"] == "internal"
    assert scope["ServiceNetMap"] == "top-level"  # the root declares it too


def test_declarations_with_lines_and_what_parents_pass(schema: ParameterSchema) -> None:
    net_map = schema.by_name("ServiceNetMap")
    assert [(d.file, d.line, d.passed_by_parent) for d in net_map.declared_in][:3] == [
        ("overcloud.yaml", 30, False), ("chain.yaml", 7, True), ("puppet/controller-role.yaml", 7, True)]


def test_effective_values_and_their_files(schema: ParameterSchema) -> None:
    ntp = schema.by_name("NtpServer").value
    assert (ntp.origin, ntp.value, ntp.file, ntp.line) == (
        "parameter_defaults", ["ntp1.example.com", "ntp2.example.com"], "environments/override.yaml", 9)
    assert [(r.file, r.value) for r in ntp.replaced] == [("environments/base.yaml", ["0.pool.ntp.org"])]
    count = schema.by_name("ControllerCount").value
    # parameters wins over parameter_defaults at the root
    assert (count.origin, count.value) == ("parameters", 12)
    net_map = schema.by_name("ServiceNetMap").value
    assert net_map.strategy == "merge"
    assert net_map.value == {"ntp": "storage", "timezone": "internal_api"}
    files = [s.file for s in net_map.sources]
    assert files[:2] == ["overcloud-resource-registry-puppet.yaml", "environments/base.yaml"]
    assert files[2].endswith("site/site.yaml") and len(files) == 3
    assert schema.by_name("CloudName").value.origin == "default"
    assert schema.by_name("RoleName").value.origin == "parent"


def test_required_parameters_without_a_value() -> None:
    hook = parameters(TREE, ["environments/override.yaml"]).by_name("HookScript")
    assert hook is not None and hook.value is not None and hook.value.origin == "parameter_defaults"
    no_value = parameters(TREE).by_name("AdminPassword")
    assert no_value is not None and no_value.value is not None and no_value.value.origin == "none"


def test_groups_roles_and_constraints(schema: ParameterSchema) -> None:
    assert schema.roles == ["Controller", "Compute"]
    assert {p.name for p in schema.parameters if p.role == "Compute"} == {
        "ComputeCount", "ComputeExtraConfig", "ComputeServices"}
    assert schema.groups == [{"label": "Security", "parameters": ["AdminPassword"]},
                             {"label": "Sizing", "parameters": ["ComputeCount", "ControllerCount"]}]
    mode = schema.by_name("DeployMode")
    assert mode.allowed_values == ["normal", "debug"]
    assert schema.by_name("CloudName").constraints == [
        {"allowed_pattern": "[a-z.]+", "description": "Lower-case letters and dots."}]


def test_json_is_valid_against_the_shipped_schema_and_masks_hidden_values(schema: ParameterSchema) -> None:
    data = json.loads(json.dumps(schema.to_json()))
    jsonschema.validate(data, json_schema())
    admin = next(p for p in data["parameters"] if p["name"] == "AdminPassword")
    assert admin["value"]["value"] == HIDDEN_TEXT
    assert "secret" not in json.dumps(data)
    shown = schema.to_json(show_hidden=True)
    assert next(p for p in shown["parameters"] if p["name"] == "AdminPassword")["value"]["value"] == "secret"


def test_the_library_json_is_valid_against_the_schema() -> None:
    jsonschema.validate(json.loads(json.dumps(parameters().to_json(), default=str)), json_schema())


@pytest.mark.parametrize(("name", "role"), [
    ("ControllerCount", "Controller"), ("OvercloudComputeFlavor", "Compute"),
    ("ComputeHCIParameters", "ComputeHCI"), ("ComputeHCI", None), ("Controllers", None),
    ("ControlPlaneIp", None), ("Compute2Count", "Compute"),
])
def test_role_of(name: str, role: str | None) -> None:
    assert role_of(name, ["Controller", "Compute", "ComputeHCI"]) == role


def test_conflicting_declarations_are_noted(tmp_path: Path) -> None:
    (tmp_path / "overcloud.yaml").write_text(
        "heat_template_version: wallaby\nresources:\n  A: {type: a.yaml}\n  B: {type: b.yaml}\n")
    (tmp_path / "a.yaml").write_text("heat_template_version: wallaby\nparameters:\n  P: {type: string, default: x}\n")
    (tmp_path / "b.yaml").write_text("heat_template_version: wallaby\nparameters:\n  P: {type: number, default: 1}\n")
    schema = parameters(tmp_path)
    info = schema.by_name("P")
    assert info is not None
    assert [(d.rule_id, d.location.file, d.location.line) for d in schema.diagnostics] == [("H709", "b.yaml", 3)]
    assert info.conflicts == ["declared with different types: number (b.yaml:3), string (a.yaml:3)",
                              "declared with 2 different defaults"]


def test_unreadable_inputs_raise_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError) as missing:
        parameters(TREE, ["no-such-env.yaml"])
    assert missing.value.exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("parameter_defaults:\n  A: [1,\n")
    with pytest.raises(UserError) as bad:
        parameters(TREE, [str(broken)])
    assert bad.value.exit_code == 1
    (d,) = bad.value.diagnostics
    assert (d.rule_id, d.location.line) == ("S000", 3)
    with pytest.raises(UserError) as no_root:
        parameters(tmp_path)
    assert no_root.value.exit_code == 2
