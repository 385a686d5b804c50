"""The worked example of docs/interface.md ("Tracing a value to its file") is what tht-gen prints.

The example's environment files are the YAML blocks of the section; its
commands and their output are the console blocks. If the library changes
what the example shows, update the section with the output this test prints.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ..conftest import ROOT, RunCli

DOC = ROOT / "docs" / "interface.md"


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split("## Tracing a value to its file", 1)[1].split("\n## ", 1)[0]


def test_the_worked_example_is_real(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = section()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        name = block.splitlines()[0].removeprefix("# ").strip()
        (tmp_path / name).write_text(block, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    consoles = re.findall(r"```console\n(.*?)```", text, re.S)
    assert len(consoles) == 2
    for console in consoles:
        command, _, expected = console.partition("\n")
        while command.endswith("\\"):
            more, _, expected = expected.partition("\n")
            command = command[:-1] + more
        argv = shlex.split(command.removeprefix("$ "))
        assert argv[0] == "tht-gen"
        code, out, err = run_cli(*argv[1:])
        assert code == 0
        # The library's location depends on the installation.
        actual = re.sub(r"^(Parameters of overcloud.yaml in ).*$", r"\1<library>", err + out, flags=re.M)
        wanted = re.sub(r"^(Parameters of overcloud.yaml in ).*$", r"\1<library>", expected, flags=re.M)
        assert actual == wanted, f"docs/interface.md is out of date; tht-gen now prints:\n{err + out}"
