"""On the upstream 18.0.0 tree, tht-gen render writes what upstream's own tool writes, byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tht_gen import render

from .conftest import FORK_WARNING, tree_files
from .upstream import all_roles_file, upstream_tree_or_skip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def upstream() -> Path:
    return upstream_tree_or_skip()


def run_upstream(tree: Path, roles: Path | str, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "tools/process-templates.py", "-p", ".", "-r", str(roles), "-o", str(out)],
        cwd=tree, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.usefixtures("forking")  # the workers, even after the Heat tests loaded eventlet
@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize(("roles", "jobs"), [("default", 4), ("all", 4), ("all", 1)])
def test_byte_identical_to_process_templates(upstream: Path, tmp_path: Path, roles: str,
                                             jobs: int) -> None:
    roles_file: Path | str = "roles_data.yaml"
    if roles == "all":
        roles_file = all_roles_file(upstream, tmp_path / "all_roles.yaml")
    run_upstream(upstream, roles_file, tmp_path / "theirs")
    result = render(upstream, roles_file, None, tmp_path / "ours", jobs=jobs)
    assert result.ok, [d.format_text() for d in result.diagnostics if d.severity > 2]
    theirs, ours = tree_files(tmp_path / "theirs"), tree_files(tmp_path / "ours")
    assert sorted(ours) == sorted(theirs)
    different = [name for name in theirs if theirs[name] != ours[name]]
    assert different == []
    # upstream also creates the folders it walks, empty ones included
    folders = {p.relative_to(tmp_path / "theirs") for p in (tmp_path / "theirs").rglob("*") if p.is_dir()}
    assert folders == {p.relative_to(tmp_path / "ours") for p in (tmp_path / "ours").rglob("*")
                       if p.is_dir()}
