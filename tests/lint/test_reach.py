"""Errors in files the deployment does not use are warnings (tht_gen.lint.reach)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tht_gen.diagnostics import Severity
from tht_gen.lint import LintConfig, lint
from tht_gen.lint.reach import entry_points, reachable

ROOT_TEMPLATE = """\
heat_template_version: wallaby
resources:
  Thing:
    type: OS::TripleO::Thing
  Group:
    type: OS::Heat::ResourceGroup
    properties:
      resource_def:
        type: group/member.yaml
"""
MEMBER = """\
heat_template_version: wallaby
resources:
  Config:
    type: OS::Heat::SoftwareConfig
    properties:
      config: {get_file: scripts/run.sh}
"""
REGISTRY = "resource_registry:\n  OS::TripleO::Thing: thing.yaml\n"
GOOD = "heat_template_version: wallaby\nresources: {}\n"
BROKEN_ENV = "resource_registry:\n  OS::TripleO::Thing: missing/thing.yaml\n"


@pytest.fixture
def tree(tmp_tree) -> Path:
    return tmp_tree({
        "overcloud.yaml": ROOT_TEMPLATE,
        "overcloud-resource-registry-puppet.yaml": REGISTRY,
        "thing.yaml": GOOD,
        "group/member.yaml": MEMBER,
        "group/scripts/run.sh": "#!/bin/sh\n",
        "environments/broken.yaml": BROKEN_ENV,
        "examples/unused.yaml": "heat_template_version: wallaby\nresources:\n  X:\n    type: nope/missing.yaml\n",
    })


def _levels(report, rule: str) -> dict[str, str]:
    """File (as lint shows it: relative to the linted folder) -> severity, for one rule."""
    return {d.location.file: str(d.severity) for d in report.diagnostics if d.rule_id == rule}


def test_reachability_follows_types_groups_registry_and_get_file() -> None:
    graph = {
        "overcloud.yaml": ["group/member.yaml"],
        "overcloud-resource-registry-puppet.yaml": ["thing.yaml"],
        "group/member.yaml": ["group/scripts/run.sh"],
        "environments/broken.yaml": ["missing/thing.yaml"],
    }
    roots = entry_points(["overcloud.yaml", "overcloud-resource-registry-puppet.yaml",
                          "roles_data.yaml", "environments/broken.yaml"])
    assert roots == {"overcloud.yaml", "overcloud-resource-registry-puppet.yaml", "roles_data.yaml"}
    assert reachable(roots, graph) == roots | {"thing.yaml", "group/member.yaml",
                                               "group/scripts/run.sh"}
    assert entry_points(["a.yaml", "b.yaml"]) is None  # not a TripleO-style tree


def test_errors_in_unused_files_are_warnings_with_the_reason(tree: Path) -> None:
    report = lint([tree], jobs=1, cache=False, config=LintConfig())
    assert _levels(report, "H503") == {"environments/broken.yaml": "warning"}
    assert _levels(report, "H402") == {"examples/unused.yaml": "warning"}
    hint = next(d.hint for d in report.diagnostics if d.rule_id == "H503")
    assert hint and "not used by the default deployment" in hint and "-e" in hint
    assert report.exit_code() == 0


def test_a_file_named_as_used_is_checked_strictly(tree: Path, run_cli) -> None:
    report = lint([tree], jobs=1, cache=False, config=LintConfig(),
                  uses=[tree / "environments" / "broken.yaml"])
    assert _levels(report, "H503") == {"environments/broken.yaml": "error"}
    assert _levels(report, "H402") == {"examples/unused.yaml": "warning"}
    code, _, err = run_cli("lint", tree, "--no-cache", "-e", "environments/broken.yaml")
    assert code == 1 and "error H503" in err
    code, _, err = run_cli("lint", tree, "--no-cache")
    assert code == 0 and "warning H503" in err


def test_what_a_used_environment_reaches_is_used_too(tmp_tree) -> None:
    root = tmp_tree({
        "overcloud.yaml": GOOD,
        "overcloud-resource-registry-puppet.yaml": "resource_registry: {}\n",
        "environments/enable.yaml": "resource_registry:\n  OS::TripleO::X: ../optional/x.yaml\n",
        "optional/x.yaml": "heat_template_version: wallaby\nresources:\n  R:\n    type: gone.yaml\n",
    })
    quiet = lint([root], jobs=1, cache=False, config=LintConfig())
    assert _levels(quiet, "H402") == {"optional/x.yaml": "warning"}
    used = lint([root], jobs=1, cache=False, config=LintConfig(),
                uses=["environments/enable.yaml"])
    assert _levels(used, "H402") == {"optional/x.yaml": "error"}


def test_strict_configuration_and_plain_trees_keep_every_error(tree: Path, tmp_tree) -> None:
    strict = lint([tree], jobs=1, cache=False, config=LintConfig(optional_files=Severity.ERROR))
    assert set(_levels(strict, "H503").values()) == {"error"}
    (tree / ".tht-gen.yaml").write_text("optional_files: error\n")
    assert set(_levels(lint([tree], jobs=1, cache=False), "H503").values()) == {"error"}
    plain = tmp_tree({"a.yaml": BROKEN_ENV})  # no overcloud.yaml: no optional files
    assert set(_levels(lint([plain], jobs=1, cache=False, config=LintConfig()),
                       "H503").values()) == {"error"}


def test_heat_pass_needs_heat_and_says_how_to_get_it(tree: Path, run_cli) -> None:
    from tht_gen.heat import heat_available

    if heat_available():
        pytest.skip("OpenStack Heat is installed here; tests/heat checks lint --heat with it")
    code, _, err = run_cli("lint", tree, "--heat")
    assert code == 2 and "tht-gen[heat]" in err and "Traceback" not in err
