"""Rendered trees against their snapshots (regenerate with tools/update_snapshots.py)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tht_gen import render

from ..conftest import ROOT, tree_files

GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_rendered_tree_matches_snapshot(case: str, tmp_path: Path) -> None:
    base = None if case == "library" else GOLDEN / case / "input"
    result = render(base, None, None, tmp_path / "out")
    assert result.ok, [d.format_text() for d in result.diagnostics]
    expected = tree_files(GOLDEN / case / "expected")
    actual = tree_files(tmp_path / "out")
    assert sorted(actual) == sorted(expected), "file set differs: run tools/update_snapshots.py"
    for name, data in expected.items():
        assert actual[name] == data, f"{name} differs from its snapshot"
    recorded = json.loads((GOLDEN / case / "diagnostics.json").read_text())
    assert len(recorded) == len(result.diagnostics)


def test_basic_case_covers_every_naming_rule() -> None:
    """The snapshot itself must show each rule, so a regenerated snapshot cannot quietly drop one."""
    files = set(tree_files(GOLDEN / "basic" / "expected"))
    assert "puppet/controller-role.yaml" in files  # role pass: <role lower>-<name>.yaml
    assert "network/config/bond/controller.yaml" in files  # network/config: <role lower>.yaml
    assert "network/config/bond/compute-edge.yaml" in files  # deprecated_nic_config_name
    assert "network/external.yaml" in files  # network pass: name_lower
    assert "network/internalapi.yaml" in files  # name_lower defaults to name.lower()
    assert "network/ports/external.yaml" in files  # ports folder: 'port' replaced
    assert "network/ports/external_from_pool_v6.yaml" in files
    assert not any("management" in f for f in files)  # disabled network skipped
    assert "legacy/controller-old.yaml" in files
    assert "legacy/computeedge-old.yaml" not in files  # j2_excludes.yaml
    assert "overcloud.yaml" in files  # global pass
    assert "scripts/run.sh" in files and "README.txt" in files  # copies
    assert ".hidden.yaml" not in files
    assert not any(f.endswith(".j2.yaml") for f in files)


def test_copies_keep_permission_bits_and_empty_folders_exist(tmp_path: Path) -> None:
    render(GOLDEN / "basic" / "input", None, None, tmp_path / "out")
    mode = stat.S_IMODE(os.stat(tmp_path / "out" / "scripts" / "run.sh").st_mode)
    assert mode & 0o111, "the executable bit was lost"
    assert (tmp_path / "out" / "empty_dir").is_dir()
    assert not (tmp_path / "out" / "empty_dir" / ".keep").exists()
