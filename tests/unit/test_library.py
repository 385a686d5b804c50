"""The shipped library: what the wheel carries, and that it renders clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tht_gen import render
from tht_gen.library import LIBRARY_ITEMS, resolve_library, shipped_library

from ..conftest import ROOT


def test_wheel_force_include_matches_library_items() -> None:
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML without a dependency")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert sorted(include) == sorted(LIBRARY_ITEMS)
    assert all(target == f"tht_gen/_library/{source}" for source, target in include.items())
    for item in LIBRARY_ITEMS:
        assert (ROOT / item).exists(), item


def test_source_checkout_is_the_library_and_walks_only_its_items() -> None:
    library = shipped_library()
    assert library.root == ROOT and library.items == LIBRARY_ITEMS
    assert resolve_library(ROOT).is_shipped


def test_shipped_library_renders_clean_under_strict(tmp_path: Path) -> None:
    result = render(None, None, None, tmp_path / "out", strict=True)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert [d for d in result.diagnostics if d.severity >= 2] == []
    assert not (tmp_path / "out" / "tht_gen").exists()
