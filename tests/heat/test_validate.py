"""tht_gen.heat.validate_tree: OpenStack Heat's engine, in process, on small trees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tht_gen.diagnostics import Severity

from .trees import NTP, OVERCLOUD, ROLE, clean_tree, line_of

pytestmark = pytest.mark.usefixtures("needs_heat", "needs_sdk")


def check(root: Path, *envs: str, **kwargs: object):  # type: ignore[no-untyped-def]
    from tht_gen.heat import validate_tree

    return validate_tree(root, [root / e for e in envs], **kwargs)  # type: ignore[arg-type]


def errors(result) -> list[tuple[str, int | None, str]]:  # type: ignore[no-untyped-def]
    return [(d.location.file, d.location.line, d.rule_id) for d in result.diagnostics
            if d.severity >= Severity.ERROR]


def test_clean_tree_passes_and_reports_its_cost(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    result = check(tmp_tree(clean_tree()), "env.yaml")
    assert result.diagnostics == []
    assert result.ok and result.exit_code == 0
    # overcloud, the group's inner stack, one role, one service
    assert result.stacks_checked == 4
    assert result.elapsed > 0 and {"files", "validate", "pre-create"} <= set(result.timings)
    assert result.heat_version.startswith(("2", "3"))
    # Salt has no default but is always given by the parent: no placeholder is
    # needed for SiteName (the environment gives it); Salt gets one, unused.
    assert "SiteName" not in result.placeholders


def test_parameter_typo_three_levels_down_is_found_with_its_line(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    files["svc/ntp.yaml"] = NTP.replace("{get_param: NtpPool}", "{get_param: NtpPol}")
    result = check(tmp_tree(files), "env.yaml")
    line = line_of(files["svc/ntp.yaml"], "NtpPol")
    column = files["svc/ntp.yaml"].splitlines()[line - 1].index("get_param") + 1
    assert errors(result) == [("svc/ntp.yaml", line, "H904")]
    diagnostic = result.diagnostics[0]
    assert diagnostic.location.column == column
    assert "'NtpPol' is not a parameter of this template" in diagnostic.message
    assert result.exit_code == 1


def test_the_same_typo_passes_heats_own_nested_validation(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    """Why the strict walk exists: Heat's validate handler alone accepts the broken tree."""
    from tht_gen.heat.stackinput import build_stack_input
    from tht_gen.heat.validate import _HeatSession

    files = clean_tree()
    files["svc/ntp.yaml"] = NTP.replace("{get_param: NtpPool}", "{get_param: NtpPol}")
    root = tmp_tree(files)
    session = _HeatSession.get()
    body = build_stack_input(root, [root / "env.yaml"]).request_body()
    from heat.common import environment_format

    params: dict[str, object] = {}
    environment_format.default_for_missing(params)
    answer = session.engine.validate_template(session.context, body["template"], params=params,
                                              files=body["files"], environment_files=body["environment_files"])
    assert "Error" not in answer


def test_property_typo_in_a_nested_role_is_found(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    files["role.yaml"] = ROLE.replace("Salt: {get_param: Salt}", "Salt: {get_param: Sault}")
    result = check(tmp_tree(files), "env.yaml")
    assert errors(result) == [("role.yaml", line_of(files["role.yaml"], "Sault"), "H903")]
    assert "Sault" in result.diagnostics[0].message


def test_every_root_resource_is_checked(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    files["overcloud.yaml"] = OVERCLOUD.replace(
        "  Salt:\n    type: OS::Heat::RandomString\n",
        "  Salt:\n    type: OS::Heat::RandomString\n    properties:\n      lenght: 8\n"
        "  Broken:\n    type: OS::TripleO::Missing\n")
    result = check(tmp_tree(files), "env.yaml")
    found = {(file, rule) for file, _, rule in errors(result)}
    assert found == {("overcloud.yaml", "H903")}
    messages = " | ".join(d.message for d in result.diagnostics)
    assert "Unknown Property lenght" in messages
    assert "OS::TripleO::Missing" in messages
    assert len(result.diagnostics) == 2
    lines = sorted(d.location.line for d in result.diagnostics)
    assert lines == [line_of(files["overcloud.yaml"], "lenght"), line_of(files["overcloud.yaml"], "Missing")]


def test_values_known_only_after_create_are_not_errors(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    """Salt comes from a get_attr; the yaql over it cannot be evaluated before create."""
    files = clean_tree()
    assert "toUpper" in files["svc/ntp.yaml"]
    files["svc/ntp.yaml"] = NTP.replace("$.data.salt.toUpper()", "$.data.salt.toUpper() + $.data.missing.x")
    assert check(tmp_tree(files), "env.yaml").ok


def test_a_wrong_known_value_is_an_error(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    files["env.yaml"] = "parameter_defaults:\n  SiteName: Lab_1\n"
    result = check(tmp_tree(files), "env.yaml")
    assert [(d.location.file, d.rule_id) for d in result.diagnostics] == [("overcloud.yaml", "H902")]
    assert "SiteName" in result.diagnostics[0].message


def test_placeholders_satisfy_constraints(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    files["overcloud.yaml"] = OVERCLOUD.replace(
        "  ComputeCount:",
        "  Flavor:\n    type: string\n    constraints: [{custom_constraint: nova.flavor}]\n"
        "  Mode:\n    type: string\n    constraints: [{allowed_values: [active, standby]}]\n"
        "  Size:\n    type: number\n    constraints: [{range: {min: 3, max: 9}}]\n"
        "  Vip:\n    type: string\n    constraints: [{custom_constraint: ip_addr}]\n"
        "  ComputeCount:")
    result = check(tmp_tree(files))  # no environment: SiteName needs a placeholder too
    assert result.ok, [d.format_text() for d in result.diagnostics]
    values = result.placeholders
    assert re.fullmatch(r"[a-z]+-[0-9]{2}", values["SiteName"])
    assert values["Mode"] == "active"
    assert 3 <= values["Size"] <= 9
    assert values["Vip"].count(".") == 3


def test_pure_constraints_are_still_checked(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    files["overcloud.yaml"] = OVERCLOUD.replace(
        "  ComputeCount:", "  Vip:\n    type: string\n    default: not-an-address\n"
        "    constraints: [{custom_constraint: ip_addr}]\n  ComputeCount:")
    result = check(tmp_tree(files), "env.yaml")
    assert errors(result) == [("overcloud.yaml", line_of(files["overcloud.yaml"], "Vip:"), "H902")]


def test_missing_environment_is_a_usage_error(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    result = check(tmp_tree(clean_tree()), "nope.yaml")
    assert result.exit_code == 2
    assert [d.rule_id for d in result.diagnostics] == ["H900"]


def test_missing_nested_template_is_reported(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = clean_tree()
    del files["svc/ntp.yaml"]
    result = check(tmp_tree(files), "env.yaml")
    assert result.exit_code == 2
    assert "svc/ntp.yaml" in result.diagnostics[0].message


SOURCE_TREE = {
    "overcloud.j2.yaml": (
        "heat_template_version: wallaby\nresources:\n"
        "{%- for role in roles %}\n  {{role.name}}Config:\n    type: OS::Heat::Value\n"
        "    properties:\n      value: {get_param: {{role.name}}Setting}\n{%- endfor %}\n"),
    "roles_data.yaml": "- name: Controller\n- name: Compute\n",
    "network_data.yaml": "- name: InternalApi\n  name_lower: internal_api\n",
}


def test_source_tree_is_rendered_in_memory_and_errors_name_the_template(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    root = tmp_tree(SOURCE_TREE)
    before = sorted(p.name for p in root.iterdir())
    result = check(root)
    assert sorted(p.name for p in root.iterdir()) == before  # nothing written
    # Rendered: line 6 is ControllerConfig's value, line 10 ComputeConfig's.
    assert [(d.location.file, d.location.line, d.rule_id) for d in result.diagnostics] == [
        ("overcloud.yaml", 6, "H903"), ("overcloud.yaml", 10, "H903")]
    assert "ControllerSetting" in result.diagnostics[0].message
    assert all(d.origin is not None and d.origin.file == "overcloud.j2.yaml" for d in result.diagnostics)


# A node that picks its address from a pool by its index, as the library's
# network/ports/<net>_from_pool.yaml ports do ([IPPool, <net>, NodeIndex]).
POOL_NODE = """\
heat_template_version: wallaby
parameters:
  IPPool: {type: json, default: {}}
  NodeIndex: {type: number, default: 0}
resources:
  Port:
    type: OS::Neutron::Port
    properties:
      network: internal_api
      fixed_ips:
        - ip_address: {get_param: [IPPool, internal_api, {get_param: NodeIndex}]}
outputs:
  ip_address:
    value: {get_attr: [Port, fixed_ips, 0, ip_address]}
"""


def pool_tree(index: str, pool: str = "['192.0.2.10', '192.0.2.11']") -> dict[str, str]:
    """A group of two nodes (index '%index%'), and a spare node whose index and
    addresses are given (the index from a resource: known once it is created)."""
    return {
        "overcloud.yaml": (
            "heat_template_version: wallaby\n"
            "resources:\n"
            "  Offset:\n    type: OS::Heat::Value\n    properties: {type: number, value: 1}\n"
            "  Nodes:\n    type: OS::Heat::ResourceGroup\n    properties:\n      count: 2\n"
            "      resource_def:\n        type: OS::TripleO::Node\n        properties:\n"
            "          IPPool: {internal_api: ['192.0.2.10', '192.0.2.11']}\n          NodeIndex: '%index%'\n"
            "  Spare:\n    type: OS::TripleO::Node\n    properties:\n"
            f"      IPPool: {{internal_api: {pool}}}\n      NodeIndex: {index}\n"),
        "node.yaml": POOL_NODE,
        "overcloud-resource-registry-puppet.yaml": "resource_registry:\n  OS::TripleO::Node: node.yaml\n",
    }


def test_an_address_picked_by_an_index_known_at_create_is_not_an_error(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    """The spare node's index comes from a resource: unknown before create.
    Heat evaluates its address without the index (to ''): not an error."""
    result = check(tmp_tree(pool_tree("{get_attr: [Offset, value]}", pool="['', '192.0.2.11']")))
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert result.stacks_checked == 4  # overcloud, the group, its first node, the spare


def test_an_address_picked_by_a_known_index_is_still_checked(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    """With a known index the address is known, and a missing one is a real
    error (the create would fail)."""
    assert check(tmp_tree(pool_tree("1", pool="['', '192.0.2.11']"))).ok
    result = check(tmp_tree(pool_tree("0", pool="['', '192.0.2.11']")))
    assert errors(result) == [("node.yaml", line_of(POOL_NODE, "fixed_ips"), "H903")]
    assert "Invalid IP address" in result.diagnostics[0].message


def test_a_misspelt_parameter_in_a_path_with_an_unknown_index_is_reported(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = pool_tree("{get_attr: [Offset, value]}")
    files["node.yaml"] = POOL_NODE.replace("[IPPool, internal_api", "[IPPol, internal_api")
    result = check(tmp_tree(files))
    assert {(d.location.file, d.location.line, d.rule_id) for d in result.diagnostics} == {
        ("node.yaml", line_of(files["node.yaml"], "fixed_ips"), "H903")}
    assert all("'IPPol' is not a parameter of this template" in d.message for d in result.diagnostics)


def test_a_nova_server_is_checked_without_asking_glance_or_nova(tmp_tree) -> None:  # type: ignore[no-untyped-def]
    files = {
        "overcloud.yaml": (
            "heat_template_version: wallaby\nresources:\n"
            "  Server:\n    type: OS::Nova::Server\n    properties:\n"
            "      image: overcloud-full\n      flavor: baremetal\n      user_data_format: SOFTWARE_CONFIG\n"),
    }
    result = check(tmp_tree(files), include_registry=False)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    files["overcloud.yaml"] += "      flavour: baremetal\n"
    result = check(tmp_tree(files), include_registry=False)
    assert errors(result) == [("overcloud.yaml", 9, "H903")]
    assert "flavour" in result.diagnostics[0].message
