"""The wheel carries the JSON Schemas as package data (hatchling includes them with the package)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tht_gen.schemas import SCHEMAS, schema_file_name

from ..conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_has_every_schema(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
         str(tmp_path), str(ROOT)], capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    names = set(zipfile.ZipFile(next(tmp_path.glob("tht_gen-*.whl"))).namelist())
    assert {f"tht_gen/schemas/{schema_file_name(n)}" for n in SCHEMAS} <= names
    assert {"tht_gen/checks/roles.py", "tht_gen/checks/networks.py"} <= names
