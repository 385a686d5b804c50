"""The roles and networks checks as lint rules: one rule per check, the same findings as the
commands, options from the configuration file, and the S1xx schema rules."""

from __future__ import annotations

import json
from pathlib import Path

from tht_gen.checks import all_checks
from tht_gen.lint import lint
from tht_gen.lint.rules import RULES
from tht_gen.lint.rules.json_schemas import _SchemaRule
from tht_gen.lint.rules.roles_networks import _NetworksRule, _RolesRule
from tht_gen.schemas import RULE_IDS

from ..conftest import RunCli, TreeFactory


def test_every_check_is_a_rule_with_its_metadata() -> None:
    for spec in all_checks():
        cls = RULES[spec.id]
        assert (cls.name, cls.summary, cls.default_level) == (spec.name, spec.summary, spec.level)
    wrapped = {r for r, c in RULES.items() if issubclass(c, (_RolesRule, _NetworksRule))}
    assert wrapped | {"N004", "N201"} == {c.id for c in all_checks()}


def test_schema_rules() -> None:
    ids = {r for r, c in RULES.items() if issubclass(c, _SchemaRule)}
    # the HOT schema is for editors only: H001/H002/H101/H105/H106 check the same in lint
    assert ids == set(RULE_IDS.values()) - {RULE_IDS["hot_template"]}


def test_lint_and_networks_validate_agree(tmp_tree: TreeFactory, run_cli: RunCli) -> None:
    text = ("- name: Storage\n  ip_subnet: 172.16.1.0/24\n  gateway_ip: 172.16.1.1\n"
            "  allocation_pools: [{start: 172.16.1.1, end: 172.16.1.9}]\n  vlan: '30'\n")
    root = tmp_tree({"network_data.yaml": text})
    report = lint([root / "network_data.yaml"], jobs=1)
    from_lint = [(d.rule_id, d.location.line, d.location.column, d.message)
                 for d in report.diagnostics if d.rule_id[0] in "NS"]
    code, out, _ = run_cli("networks", "validate", root / "network_data.yaml", "--format", "json")
    from_command = [(d["rule"], d["line"], d["column"], d["message"]) for d in json.loads(out)]
    assert code == 1 and from_lint == from_command
    assert {r for r, *_ in from_lint} == {"N108", "S102"}


def test_extra_tags_option(tmp_tree: TreeFactory) -> None:
    files = {"roles_data.yaml": "- name: Edge\n  CountDefault: 1\n  tags: [edge, egde]\n"}
    root = tmp_tree(files)
    found = [d.location.column for d in lint([root], rules=["N006"], jobs=1).diagnostics]
    assert found == [10, 16]
    root = tmp_tree({**files, ".tht-gen.yaml": "rules:\n  role-tag-known: {extra_tags: [edge]}\n"})
    found = [d.location.column for d in lint([root], rules=["N006"], jobs=1).diagnostics]
    assert found == [16]


def test_inline_disable(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"roles_data.yaml": "- name: Compute\n  CountDefault: -1  # tht-gen: disable=N009\n"})
    assert lint([root], rules=["N009"], jobs=1).diagnostics == []


def test_role_networks_follow_the_renderer_s_network_data(tmp_tree: TreeFactory) -> None:
    roles = "- name: Compute\n  CountDefault: 1\n  networks: {Tenant: {subnet: tenant_subnet}}\n"
    networks = "- name: Tenant\n  name_lower: tenant\n  ip_subnet: 172.16.0.0/24\n"
    # network_data.yaml comes first, then upstream's default sample, as for `tht-gen render`
    both = tmp_tree({"roles_data.yaml": roles, "network_data.yaml": networks.replace("Tenant", "Other"),
                     "network-data-samples/default-network-isolation.yaml": networks})
    assert [d.rule_id for d in lint([both], rules=["N004"], jobs=1).diagnostics] == ["N004"]
    sample = tmp_tree({"roles_data.yaml": roles,
                       "network-data-samples/default-network-isolation.yaml": networks})
    assert lint([sample], rules=["N004"], jobs=1).diagnostics == []


def test_a_source_tree_is_rendered_and_linted(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({
        "overcloud.j2.yaml": "heat_template_version: wallaby\n"
                             "description: {{ roles|length }} roles\n",
        "roles_data.yaml": "- name: Compute\n  CountDefault: 1\n  tags: [computer]\n",
        "network_data.yaml": "- name: Tenant\n  ip_subnet: 172.16.0.1/24\n",
    })
    report = lint([root], jobs=1)
    assert [(d.rule_id, Path(d.location.file).name, d.location.line)
            for d in report.diagnostics if d.rule_id[0] == "N"] == [
        ("N103", "network_data.yaml", 2), ("N006", "roles_data.yaml", 3)]
