"""The many-role golden case: the library with every role of roles/ and every network.

``tests/golden/library-all-roles`` holds the roles and network data that
tools/update_snapshots.py generates from the library, and the files a render
with them produces (``rendered/``). The default tree is the ``library`` case
of tests/unit/test_golden.py.
"""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

from .trees import ALL_ROLES_CASE, ROOT, all_roles_tree


def _snapshot_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_snapshots", ROOT / "tools" / "update_snapshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_case_data_is_what_the_library_gives_now() -> None:
    tool = _snapshot_tool()
    stale = "the library's roles or networks changed: run tools/update_snapshots.py library-all-roles"
    assert (ALL_ROLES_CASE / "roles_data.yaml").read_text() == tool.all_roles_data(), stale
    assert (ALL_ROLES_CASE / "network_data.yaml").read_text() == tool.all_networks_data(), stale


def test_the_case_has_every_role_and_every_network_enabled() -> None:
    tree = all_roles_tree()
    assert len(tree.roles) == len(list((ROOT / "roles").glob("*.yaml")))
    assert all(n.get("enabled", True) for n in tree.networks)
    assert [r["name"] for r in tree.roles if "primary" in r.get("tags", [])] == ["Controller"]


def test_the_rendered_files_match_the_snapshot() -> None:
    tree = all_roles_tree()
    snapshot = ALL_ROLES_CASE / "rendered"
    expected = {p.relative_to(snapshot).as_posix(): p.read_bytes() for p in snapshot.rglob("*") if p.is_file()}
    actual = {name: tree.files[name] for name in tree.rendered}
    assert sorted(actual) == sorted(expected), "file set differs: run tools/update_snapshots.py"
    for name, data in expected.items():
        assert actual[name] == data, f"{name} differs from its snapshot"
    assert json.loads((ALL_ROLES_CASE / "diagnostics.json").read_text()) == []
