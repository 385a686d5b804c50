"""A plain (non-editable) install carries the library: `pip install .` then render from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_renders_the_shipped_library_from_any_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist),
         str(ROOT)], capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("tht_gen-*.whl"))
    env_dir = tmp_path / "venv"
    # system site packages give the dependencies without a download; the
    # wheel installed in the venv shadows any editable install outside it.
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        # --ignore-installed: a tht-gen in the system site packages (the Quick start
        # installs one there) would otherwise count as already installed
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--ignore-installed",
         str(wheel)],
        capture_output=True, text=True,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    # Nothing from the caller's environment may put a source checkout first.
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run(
        [str(python), "-c", "import tht_gen.library as l; print(l.__file__); "
                            "print(l.shipped_library().root)"],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env,
    )
    module_file, library_root = where.stdout.split()
    assert module_file.startswith(str(env_dir)), "the test must exercise the installed wheel"
    assert library_root.endswith("tht_gen/_library")
    work = tmp_path / "elsewhere"
    work.mkdir()
    rendered = subprocess.run([str(env_dir / "bin" / "tht-gen"), "render", "-o", "out"],
                              capture_output=True, text=True, cwd=work, env=clean_env)
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert (work / "out" / "overcloud.yaml").is_file()
    assert (work / "out" / "roles_data.yaml").is_file()
