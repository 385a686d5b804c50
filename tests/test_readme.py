"""The README's Quick start is exactly two commands, and CI runs the second."""

from __future__ import annotations

import re

from .conftest import ROOT


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "tht-gen render" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()


def test_the_python_api_example_runs(tmp_path, monkeypatch) -> None:
    """The README's Python example is run as written, in an empty folder."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    (tmp_path / "my-site.yaml").write_text("parameter_defaults:\n  NtpServer: [ntp.example.com]\n")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["result"].ok  # type: ignore[attr-defined]
    assert namespace["report"].exit_code() == 0  # type: ignore[attr-defined]
    ntp = next(p for p in namespace["params"].parameters if p.name == "NtpServer")  # type: ignore[attr-defined]
    assert ntp.value is not None and "ntp.example.com" in str(ntp.value)
