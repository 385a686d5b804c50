"""The U rules beyond their fixtures: options, ansible-core missing, and the shipped library."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, TreeFactory
from tht_gen.lint import lint

SERVICE = textwrap.dedent("""\
    heat_template_version: wallaby
    description: A service.
    outputs:
      role_data:
        description: Role data.
        value:
          service_name: svc
          upgrade_tasks:
            - name: Stop the cluster
              when: step|int == 2
              pacemaker_cluster: {state: offline}
          post_upgrade_tasks:
            - name: Clean up late
              when: step|int == 5
              file: {path: /tmp/x, state: absent}
    """)


def _found(root: Path, rule: str) -> list[tuple[str, int | None, str]]:
    report = lint([root], rules=[rule], jobs=1)
    assert not report.usage_error, report.diagnostics
    return [(d.location.file, d.location.line, d.message) for d in report.diagnostics if d.rule_id == rule]


def test_step_ranges_are_an_option(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"svc.yaml": SERVICE})
    assert _found(root, "U003") == []
    (root / ".tht-gen.yaml").write_text("lint:\n  rules:\n    U003: {ranges: {post_upgrade_tasks: [0, 3]}}\n")
    [(file, line, message)] = _found(root, "U003")
    assert (file, line) == ("svc.yaml", 14)
    assert "step 5" in message and "steps 0 to 3" in message


@pytest.mark.usefixtures("needs_ansible")
def test_modules_of_collections_can_be_allowed(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"svc.yaml": SERVICE})
    [(file, line, message)] = _found(root, "U006")
    assert (file, line) == ("svc.yaml", 11) and "pacemaker_cluster" in message
    (root / ".tht-gen.yaml").write_text("lint:\n  rules:\n    U006: {allow: ['pacemaker_*']}\n")
    assert _found(root, "U006") == []


def test_without_ansible_core_the_module_check_is_skipped_and_said_so(tmp_tree: TreeFactory) -> None:
    """In a Python where ansible cannot be imported, U006 finds nothing and U007 says why."""
    root = tmp_tree({"svc.yaml": SERVICE})
    code = textwrap.dedent(f"""\
        import json, sys
        sys.modules["ansible"] = None  # as if ansible-core were not installed
        from tht_gen.lint import lint
        report = lint([{str(root)!r}], rules=["U006", "U007"], jobs=1)
        print(json.dumps([d.to_json() for d in report.diagnostics]))
        """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    found = json.loads(done.stdout)
    assert [(d["rule"], d["severity"], d["line"]) for d in found] == [("U007", "info", 9)]
    assert "ansible-core is not installed" in found[0]["message"]
    assert "pip install 'tht-gen[ansible]'" in found[0]["message"]


@pytest.mark.usefixtures("needs_ansible")
def test_the_shipped_librarys_tasks_keep_the_upgrade_rules() -> None:
    """Every service template of the library: named tasks, each gated on one step in range,
    nothing repeated, no duplicate names, only ansible-core modules."""
    report = lint([ROOT], rules=["U001", "U002", "U003", "U004", "U005", "U006", "U008"],
                  config=ROOT / ".tht-gen.yaml")
    assert not report.usage_error
    assert [d.format_text() for d in report.diagnostics] == []
    assert any(path.startswith("services/") for path in report.checked)
