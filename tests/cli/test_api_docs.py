"""docs/api.md: generated from the docstrings (stale fails here), and its worked example runs for real."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import tht_gen

from ..conftest import ROOT

API = ROOT / "docs" / "api.md"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_docs", ROOT / "tools" / "gen_api_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_api_page_is_up_to_date() -> None:
    assert _tool().main(["--check"]) == 0, "run python tools/gen_api_docs.py"


def test_the_page_documents_every_public_name() -> None:
    text = API.read_text(encoding="utf-8")
    for name in tht_gen.__all__:
        if not name.startswith("__"):
            assert f"`{name}" in text, name
    for module in ("tht_gen.report", "tht_gen.envgen", "tht_gen.tosca", "tht_gen.heat.stackinput"):
        assert f"### `{module}`" in text


def _example() -> str:
    text = API.read_text(encoding="utf-8")
    section = text.split("## A worked example", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_the_worked_example_runs(tmp_path: Path) -> None:
    """Another deployer's script, as the page shows it, in a fresh process and folder."""
    done = subprocess.run([sys.executable, "-c", _example()], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"rendered \d+ files in memory", lines[0])
    assert re.fullmatch(r"lint: \d+ files checked, \d+ findings", lines[1])
    files, environments = re.fullmatch(r"(\d+) files, environments: (.*)", lines[2]).groups()  # type: ignore[union-attr]
    assert int(files) > 100
    names = environments.split(", ")
    assert names[:2] == ["overcloud-resource-registry-puppet.yaml", "environments/network-isolation.yaml"]
    assert names[2].endswith("/site.yaml")
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "the example writes nothing where it runs"
