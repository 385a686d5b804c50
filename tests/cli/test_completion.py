"""``tht-gen completion``: the scripts complete for real, in bash, zsh and fish.

Each shell loads the script and is asked what it would complete for a
command line. bash is always there; zsh and fish are skipped, saying so,
where they are not installed (Debian's zsh and fish packages).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tht_gen.cli import build_parser
from tht_gen.commands.completion import command_tree, completion_script

from ..conftest import ROOT, RunCli

# command line (the last word is being completed) -> what must be offered (and, after "|", not)
CASES: dict[str, tuple[set[str], set[str]]] = {
    "tht-gen en": ({"env", "endpoints"}, {"render"}),
    "tht-gen env ": ({"explain", "list", "generate"}, {"render"}),
    "tht-gen env gen": ({"generate"}, {"list"}),
    "tht-gen env generate --ch": ({"--check"}, set()),
    "tht-gen lint --format ": ({"text", "json", "sarif", "github"}, set()),
    "tht-gen upgrade playbooks --kind u": ({"upgrade", "update"}, {"post_upgrade"}),
    "tht-gen completion ": ({"bash", "zsh", "fish"}, set()),
    "tht-gen report --no-l": ({"--no-lint"}, set()),
    "tht-gen -q render --stri": ({"--strict"}, set()),
}


def _bash(script: str, line: str) -> set[str]:
    words = line.split(" ")
    program = (f"{script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\nCOMP_CWORD={len(words) - 1}\n"
               "_tht_gen\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True,
                          timeout=30, cwd=ROOT)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return {w for w in done.stdout.splitlines() if w}


@pytest.mark.parametrize("line", sorted(CASES))
def test_bash_completes(line: str) -> None:
    offered = _bash(completion_script("bash"), line)
    wanted, unwanted = CASES[line]
    assert wanted <= offered and not unwanted & offered, offered


def test_bash_completes_files_and_folders_where_options_take_them(tmp_path: Path) -> None:
    (tmp_path / "roles_data.yaml").write_text("[]\n")
    (tmp_path / "roles").mkdir()
    script = completion_script("bash")
    assert _bash(script, f"tht-gen render -r {tmp_path}/rol") == {f"{tmp_path}/roles_data.yaml", f"{tmp_path}/roles"}
    assert _bash(script, f"tht-gen render -p {tmp_path}/rol") == {f"{tmp_path}/roles"}
    assert _bash(script, f"tht-gen lint --format={tmp_path}") == set()
    assert _bash(script, "tht-gen lint --format=js") == {"--format=json"}


def _zsh(script: str, line: str) -> set[str]:
    words = line.split(" ")
    program = (f"{script}\nsetopt ksharrays\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\n"
               f"COMP_CWORD={len(words) - 1}\n_tht_gen\nprint -rl -- \"${{COMPREPLY[@]}}\"\n")
    done = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return {w for w in done.stdout.splitlines() if w}


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (Debian's zsh package)")
@pytest.mark.parametrize("line", sorted(CASES))
def test_zsh_completes(line: str) -> None:
    offered = _zsh(completion_script("zsh"), line)
    wanted, unwanted = CASES[line]
    assert wanted <= offered and not unwanted & offered, offered


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (Debian's zsh package)")
def test_zsh_completes_files(tmp_path: Path) -> None:
    (tmp_path / "roles_data.yaml").write_text("[]\n")
    (tmp_path / "roles").mkdir()
    assert _zsh(completion_script("zsh"), f"tht-gen render -p {tmp_path}/rol") == {f"{tmp_path}/roles/"}


def _fish(script: Path, line: str) -> set[str]:
    done = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C {line!r}"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return {w.split("\t")[0] for w in done.stdout.splitlines() if w}


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (Debian's fish package)")
@pytest.mark.parametrize("line", sorted(CASES))
def test_fish_completes(line: str, tmp_path: Path) -> None:
    script = tmp_path / "tht-gen.fish"
    script.write_text(completion_script("fish"))
    offered = _fish(script, line)
    wanted, unwanted = CASES[line]
    assert wanted <= offered and not unwanted & offered, offered


def test_the_script_covers_every_subcommand_and_option() -> None:
    tree = command_tree(build_parser())
    script = completion_script("bash")
    for node in tree.walk():
        if node.children:
            assert f"'sub:{node.key}') REPLY='{' '.join(node.children)}'" in script
        for option in node.options:
            for flag in option.flags:
                assert flag in script
    assert sum(1 for _ in tree.walk()) > 25


def test_cli_prints_the_script_and_rejects_other_shells(run_cli: RunCli) -> None:
    code, out, _ = run_cli("completion", "bash")
    assert code == 0 and out == completion_script("bash")
    code, _, err = run_cli("completion", "tcsh")
    assert code == 2 and "invalid choice" in err
