"""The U rules on upstream tripleo-heat-templates 18.0.0: they find its real task-list defects.

Each finding listed was read in upstream's template and is what the rule says:
tasks run at every step because nothing gates them on one (U002), and a task
name used twice in one list (U005; octavia's block is named like the task in
it, and the same block is aliased into both lists). U006 is left out: upstream
calls modules of collections (pacemaker_resource, podman ...) by design.
"""

from __future__ import annotations

import pytest

from tht_gen.lint import LintConfig, lint

from ..upstream import upstream_tree_or_skip

pytestmark = pytest.mark.slow

KNOWN = {
    ("U002", "deployment/haproxy/haproxy-pacemaker-puppet.yaml", 372),
    ("U002", "deployment/metrics/collectd-container-puppet.yaml", 638),
    ("U002", "deployment/metrics/collectd-container-puppet.yaml", 643),
    ("U002", "deployment/swift/swift-proxy-container-puppet.yaml", 507),
    ("U002", "deployment/swift/swift-proxy-container-puppet.yaml", 511),
    ("U002", "deployment/swift/swift-storage-container-puppet.yaml", 794),
    ("U002", "deployment/swift/swift-storage-container-puppet.yaml", 798),
    ("U002", "deployment/tripleo-packages/tripleo-packages-baremetal-puppet.yaml", 158),
    ("U002", "deployment/tripleo-packages/tripleo-packages-baremetal-puppet.yaml", 170),
    ("U005", "deployment/image-serve/image-serve-baremetal-ansible.yaml", 90),
    ("U005", "deployment/octavia/octavia-api-container-puppet.yaml", 487),
}


def test_upstream_task_list_defects() -> None:
    tree = upstream_tree_or_skip()
    report = lint([tree], rules=["U002", "U003", "U004", "U005"], config=LintConfig())
    assert not report.usage_error
    found = {(d.rule_id, d.location.file, d.location.line) for d in report.diagnostics
             if d.rule_id.startswith("U")}
    assert found == KNOWN
