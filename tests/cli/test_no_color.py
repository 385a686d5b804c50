"""Colour only on a terminal, and never with NO_COLOR set (https://no-color.org): checked on a real
pseudo-terminal, for every command that prints diagnostics (they all print through cli.Output)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

SGR = re.compile(r"\x1b\[[0-9;]*m")
BAD_TEMPLATE = "heat_template_version: wallaby\noutputs:\n  a:\n    value: {get_param: Nope}\n"


def _stderr_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run ``python -m tht_gen ARGS`` with its standard error on a pseudo-terminal; return what it wrote."""
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "tht_gen", *args], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=slave, env=env, cwd=cwd)
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                process.kill()
                pytest.fail("no output in 60 s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the program ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 1
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def bad_tree(tmp_path: Path) -> Path:
    (tmp_path / "bad.yaml").write_text(BAD_TEMPLATE, encoding="utf-8")
    return tmp_path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update({"TERM": "xterm"}, **extra)
    return env


def test_diagnostics_are_coloured_on_a_terminal(bad_tree: Path) -> None:
    text = _stderr_on_a_terminal(["lint", "--no-cache", "-j", "1", "."], _env(), bad_tree)
    assert "H301" in text and SGR.search(text)


@pytest.mark.parametrize("value", ["1", "true", "0"])
def test_no_color_turns_colour_off(bad_tree: Path, value: str) -> None:
    # Any non-empty value counts, "0" included: the variable's presence is the switch.
    text = _stderr_on_a_terminal(["lint", "--no-cache", "-j", "1", "."], _env(NO_COLOR=value), bad_tree)
    assert "H301" in text and not SGR.search(text)


def test_a_dumb_terminal_gets_no_colour(bad_tree: Path) -> None:
    text = _stderr_on_a_terminal(["lint", "--no-cache", "-j", "1", "."], _env(TERM="dumb"), bad_tree)
    assert "H301" in text and not SGR.search(text)


def test_no_command_writes_colour_but_through_the_cli_output() -> None:
    """Colour codes appear in one place only (cli.Output, which checks NO_COLOR and the terminal);
    a command that wrote its own would bypass both."""
    offenders = []
    for path in sorted((ROOT / "tht_gen").rglob("*.py")):
        if path.name == "cli.py":
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(\\033|\\x1b|\\u001b|\\e)\[[0-9;{}]*m", text):
            offenders.append(f"{path.relative_to(ROOT)}:{text[:match.start()].count(chr(10)) + 1}")
    assert offenders == []
