"""The ``tht-gen`` program itself (``python -m tht_gen``, the console script's entry): it ends
as soon as its work is done, with every byte of output written, the exit status of the
command, and the exit handlers run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT

BAD = "heat_template_version: wallaby\noutputs:\n  a:\n    value: {get_param: Nope%d}\n"


def _env(**extra: str) -> dict[str, str]:
    # Output buffered as on a user's machine (some CI sets PYTHONUNBUFFERED): what is
    # still in a buffer at the end must be written before the process ends.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return {**env, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **extra}


def _run(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = _env()
    return subprocess.run([sys.executable, "-m", "tht_gen", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=300, check=False, **kwargs)  # type: ignore[call-overload]


def test_all_output_and_the_status_survive_the_quick_exit(tmp_path: Path) -> None:
    # Enough findings that the output is far larger than a pipe holds.
    for i in range(1000):
        (tmp_path / f"t{i:04}.yaml").write_text(BAD % i)
    done = _run(["lint", "--no-cache", "--format", "json", "."], tmp_path)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)
    assert len(findings) == 1000 and len(done.stdout) > 2 * 65536
    assert {f["rule"] for f in findings} == {"H301"}
    version = _run(["--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.decode().startswith("tht-gen ")
    assert _run(["no-such-command"], tmp_path).returncode == 2
    listed = _run(["lint", "--list-rules"], tmp_path)  # printed, not flushed, by the command
    assert listed.returncode == 0 and listed.stdout.count(b"\n") > 50, listed.stderr


def test_exit_handlers_run(tmp_path: Path) -> None:
    # A module of the user's (sitecustomize) registers an exit handler: it still runs.
    (tmp_path / "sitecustomize.py").write_text(
        "import atexit, pathlib\n"
        "atexit.register(lambda: pathlib.Path('handler-ran').write_text('yes'))\n")
    env = _env(PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    done = subprocess.run([sys.executable, "-m", "tht_gen", "lint", "--no-cache", "."], cwd=tmp_path,
                          env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "handler-ran").read_text() == "yes"


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    for i in range(1000):
        (tmp_path / f"t{i:04}.yaml").write_text(BAD % i)
    env = _env()
    with subprocess.Popen([sys.executable, "-m", "tht_gen", "lint", "--no-cache", "--format",
                           "json", "."], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()  # like `| head -c 10`: the rest of the output has nowhere to go
        errors = process.stderr.read().decode()
        assert process.wait(timeout=300) == 0
    assert "Traceback" not in errors and "Error" not in errors
