"""OpenStack Heat's own engine accepts the library, with the environments that change its shape.

Skipped (with the reason) when Heat is not installed, unless THT_GEN_REQUIRE_HEAT=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tht_gen.diagnostics import Severity

from ..heat.conftest import require
from .trees import ALL_ROLES_CASE, Tree, all_roles_tree, default_tree

COMBINATIONS = {
    "pre-provisioned servers": ["deployed-server"],
    "IPv4 isolation, single NIC": ["network-isolation", "network-environment", "net-single-nic-vlans",
                                   "deployed-server"],
    "IPv4 isolation, addresses from a pool": ["network-isolation", "network-environment", "ips-from-pool",
                                              "deployed-server"],
    "IPv4 isolation, bonds, fixed control plane": ["network-isolation", "network-environment",
                                                   "net-bond-with-vlans", "deployed-server",
                                                   "noop-ctlplane-ports"],
    "IPv6 isolation, multiple NICs": ["network-isolation-v6", "network-environment-v6", "net-multiple-nics",
                                      "deployed-server"],
    "IPv4 isolation, Linux bridge": ["network-isolation", "network-environment",
                                     "net-single-nic-linux-bridge-vlans", "deployed-server"],
}


def _write(tree: Tree, root: Path) -> Path:
    for name, data in tree.files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("which", ["default", "all-roles"])
@pytest.mark.parametrize("combination", COMBINATIONS)
def test_heat_accepts_the_library(which: str, combination: str, tmp_path: Path) -> None:
    require("heat.engine", "OpenStack Heat (openstack-heat)")
    from tht_gen.heat import validate_tree

    tree = default_tree() if which == "default" else all_roles_tree()
    root = _write(tree, tmp_path / "tree")
    envs = [root / "environments" / f"{e}.yaml" for e in COMBINATIONS[combination]]
    result = validate_tree(root, envs)  # type: ignore[arg-type]
    errors = [d.format_text() for d in result.diagnostics if d.severity >= Severity.ERROR]
    assert errors == []
    # every role's node template, NIC config and ports were checked as nested stacks
    assert result.stacks_checked > 3 * len(tree.roles)
    assert ALL_ROLES_CASE.is_dir()
