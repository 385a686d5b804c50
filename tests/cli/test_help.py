"""Every subcommand's ``--help`` reads like a manual page: what it does, usage, options, examples that
run real commands with real options, and the exit status. Plus ``--version``."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from tht_gen import __version__
from tht_gen.cli import build_parser

from ..conftest import RunCli


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return {name: sub for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name, sub in action.choices.items()}


def _tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                                      argparse.ArgumentParser]]:
    found = []
    for name, sub in _subcommands(parser).items():
        found.append(((*path, name), sub))
        found.extend(_tree(sub, (*path, name)))
    return found


ROOT = build_parser()
SUBCOMMANDS = _tree(ROOT)


def test_the_tree_has_every_command() -> None:
    names = {p[0] for p, _ in SUBCOMMANDS}
    assert {"render", "lint", "env", "report", "import-tosca", "completion"} <= names
    assert ("env", "generate") in {p for p, _ in SUBCOMMANDS}


def _examples(help_text: str) -> list[str]:
    """The example command lines of a help text (continuation lines joined)."""
    block = help_text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0]
    commands = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith(("tht-gen ", "source <(tht-gen ")):
            commands.append(stripped)
        elif commands and commands[-1].endswith("\\"):
            commands[-1] = commands[-1][:-1] + " " + stripped
    return commands


def _argv(example: str) -> list[str]:
    """The words of an example, up to where its comment starts (two spaces or more)."""
    text = example.removeprefix("source <(").split(")", 1)[0] if example.startswith("source <(") else example
    command = re.split(r"\s{2,}", text)[0]
    words = shlex.split(command.split(" > ")[0].split(" | ")[0], posix=True)
    assert words[0] == "tht-gen", example
    return words[1:]


@pytest.mark.parametrize("path,parser", SUBCOMMANDS, ids=[" ".join(p) for p, _ in SUBCOMMANDS])
def test_help_is_a_manual_page_with_examples_and_exit_status(path: tuple[str, ...],
                                                             parser: argparse.ArgumentParser) -> None:
    text = parser.format_help()
    assert text.startswith("usage: tht-gen " + " ".join(path))
    assert "\nexamples:\n" in text, "add an examples epilog (see tht_gen/commands/render.py)"
    assert re.search(r"\nexit status: \S", text), "say what each exit status means"
    examples = _examples(text)
    assert examples, "the examples section has no tht-gen command"
    assert any(_argv(e)[:len(path)] == list(path) for e in examples), "no example runs this subcommand"


def _check_example(example: str) -> None:
    """The example names existing subcommands, and each option it gives exists there."""
    words = _argv(example)
    parser = ROOT
    consumed = 0
    for word in words:
        children = _subcommands(parser)
        if word in children:
            parser = children[word]
            consumed += 1
            continue
        if children and not word.startswith("-"):
            pytest.fail(f"{example!r}: {word!r} is not a subcommand of {parser.prog} ({', '.join(children)})")
        break
    options = {s for a in parser._actions for s in a.option_strings}
    for word in words[consumed:]:
        if word.startswith("-") and word not in ("-", "--") and not re.match(r"^-\d", word):
            flag = word.split("=", 1)[0]
            assert flag in options, f"{example!r}: {parser.prog} has no option {flag}"


ALL_EXAMPLES = sorted({e for _, parser in [((), ROOT), *SUBCOMMANDS] for e in _examples(parser.format_help())})


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_each_example_runs_a_command_that_exists(example: str) -> None:
    _check_example(example)


def test_the_example_checker_catches_mistakes() -> None:
    with pytest.raises(pytest.fail.Exception):
        _check_example("tht-gen env generat --check")
    with pytest.raises(AssertionError):
        _check_example("tht-gen env generate --chek")
    _check_example("tht-gen env generate --check")


def test_version(run_cli: RunCli) -> None:
    code, out, _ = run_cli("--version")
    assert (code, out.strip()) == (0, f"tht-gen {__version__}")


def test_no_command_prints_help_and_exits_2(run_cli: RunCli) -> None:
    code, _, err = run_cli()
    assert code == 2 and "examples:" in err and "COMMAND" in err


@pytest.mark.parametrize("path", [p for p, _ in SUBCOMMANDS], ids=" ".join)
def test_a_run_builds_only_its_command_and_it_reads_the_same(path: tuple[str, ...]) -> None:
    """tht-gen registers only the command it runs (start-up time); its help and options must be
    those of the whole command line."""
    lone = build_parser(path[0])
    assert set(_subcommands(lone)) == {path[0]}
    whole, alone = ROOT, lone
    for word in path:
        whole, alone = _subcommands(whole)[word], _subcommands(alone)[word]
    assert alone.format_help() == whole.format_help()
