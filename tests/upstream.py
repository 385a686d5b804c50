"""The upstream tripleo-heat-templates 18.0.0 tree, fetched from PyPI once and cached.

Shared by the tests that compare with upstream and by tools/bench.py. Nothing
of upstream's is committed here: the sdist is downloaded at test time.
Set THT_GEN_UPSTREAM_TREE to an extracted tree to skip the download.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

VERSION = "18.0.0"
NAME = f"tripleo-heat-templates-{VERSION}"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tht-gen-tests"


def upstream_tree() -> Path:
    """Path to the extracted upstream tree; raises RuntimeError if it cannot be had."""
    explicit = os.environ.get("THT_GEN_UPSTREAM_TREE")
    if explicit:
        return Path(explicit)
    root = cache_root()
    tree = root / NAME
    if (tree / "tools" / "process-templates.py").is_file():
        return tree
    root.mkdir(parents=True, exist_ok=True)
    archive = root / f"{NAME}.tar.gz"
    if not archive.is_file():
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             f"tripleo-heat-templates=={VERSION}", "-d", str(root)],
            capture_output=True, text=True, timeout=600,
        )
        if done.returncode != 0 or not archive.is_file():
            raise RuntimeError(f"could not download {NAME}: {done.stderr.strip()[-500:]}")
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(root)
    return tree


def upstream_tree_or_skip() -> Path:
    """:func:`upstream_tree`, or skip the test when it cannot be had (an error instead
    with THT_GEN_REQUIRE_UPSTREAM set, as in CI)."""
    import pytest

    try:
        return upstream_tree()
    except RuntimeError as exc:
        if os.environ.get("THT_GEN_REQUIRE_UPSTREAM"):
            raise
        pytest.skip(f"upstream tree unavailable (set THT_GEN_UPSTREAM_TREE): {exc}")


def all_roles_file(tree: Path, target: Path, copies: int = 1) -> Path:
    """Every role of upstream's roles/ folder in one roles data file; ``copies`` > 1 adds
    renamed copies (Name, NameX1, ...) for scale tests."""
    import yaml

    roles = []
    for path in sorted((tree / "roles").glob("*.yaml")):
        roles.extend(yaml.safe_load(path.read_text()) or [])
    out = []
    for i in range(copies):
        for role in roles:
            copy = dict(role)
            if i:
                copy["name"] = f"{role['name']}X{i}"
                copy.pop("deprecated_nic_config_name", None)
            out.append(copy)
    target.write_text(yaml.safe_dump(out, sort_keys=False))
    return target
