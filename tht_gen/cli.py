"""The ``tht-gen`` command: argparse -> API -> formatted output -> exit code.

This is the only module that prints or exits. Each subcommand lives in
``tht_gen/commands/<name>.py`` and exposes ``register(subparsers)``; the
handler it sets returns the exit code (0 success, 1 findings, 2 usage or I/O).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from .diagnostics import Diagnostic, UserError
from .gctune import fewer_collections


def _command_modules(only: str | None = None) -> list[str]:
    """Every module in tht_gen/commands, ordered by its ORDER (then name), or just the
    one for command ``only`` (``heat-validate`` is ``commands/heat_validate.py``).

    A capability adds a subcommand by adding a module with ``register()``;
    this file does not change.
    """
    import pkgutil

    from . import commands

    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    if only is not None and only.replace("-", "_") in names:
        names = [only.replace("-", "_")]
    modules = [importlib.import_module(f".commands.{name}", __package__) for name in names]
    modules.sort(key=lambda m: (getattr(m, "ORDER", 100), m.__name__))
    return [m.__name__ for m in modules]


class Output:
    """Where a command writes: results to stdout, diagnostics and progress to stderr."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.color = _use_color(sys.stderr)

    def result(self, text: str) -> None:
        print(text, file=sys.stdout)

    def info(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stdout)

    def detail(self, text: str) -> None:
        if self.verbose and not self.quiet:
            print(text, file=sys.stdout)

    def diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            text = diagnostic.format_text()
            if self.color:
                colour = {"error": "31", "warning": "33", "info": "36"}[str(diagnostic.severity)]
                text = text.replace(f" {diagnostic.severity} ",
                                    f" \033[{colour}m{diagnostic.severity}\033[0m ", 1)
            print(text, file=sys.stderr)


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


ROOT_EPILOG = """\
examples:
  tht-gen render --strict -o out             render the shipped library into out/
  tht-gen lint out                           check the rendered tree
  tht-gen report -o report.html              one page about the library, for people
  tht-gen env list                           the environments it offers
  source <(tht-gen completion bash)          complete commands and options in this shell

Each command's --help describes it, with examples and its exit status.

environment: NO_COLOR (set: no colour in diagnostics), THT_GEN_CACHE_DIR (where caches live),
THT_GEN_TRACE=1 (where a run's time goes)

exit status: 0 success, 1 findings, 2 bad usage or unreadable input
"""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (``only``) the top level with that one subcommand:
    a run needs only its own command's module, and importing every command's
    dependencies would cost a fast run a third of its time."""
    parser = argparse.ArgumentParser(
        prog="tht-gen",
        description="Render, check and ship composable OpenStack Heat templates.",
        epilog=ROOT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tht-gen {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules(only):
        importlib.import_module(name).register(subparsers)
    _complete_help(parser)
    return parser


# -- help: every subcommand's --help ends with examples and its exit status ---------------------------

_EXAMPLES = "examples:"
_EXIT_STATUS = "exit status:"


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    return [(name, sub) for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name, sub in action.choices.items()]


def _example_entries(epilog: str | None) -> list[str]:
    """The examples of an epilog: each a ``tht-gen ...`` line with its more indented continuation lines."""
    entries: list[str] = []
    inside = False
    for line in (epilog or "").splitlines():
        if line.strip() == _EXAMPLES:
            inside = True
            continue
        if not inside:
            continue
        if not line.strip():
            inside = False
        elif line.lstrip().startswith("tht-gen ") and len(line) - len(line.lstrip()) <= 2:
            entries.append(line)
        elif entries and line.startswith("   "):
            entries[-1] += "\n" + line
    return entries


def _exit_status(epilog: str | None) -> str | None:
    text = epilog or ""
    start = text.find(_EXIT_STATUS)
    if start < 0:
        return None
    end = text.find("\n\n", start)
    return text[start:end if end >= 0 else None].rstrip()


def _complete_help(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> None:
    """Give each action of a group that has no examples of its own the group's examples that run it
    (with the group's exit status), and each group without examples its actions' examples, so that
    every ``--help`` reads like a manual page: description, usage, options, examples, exit status."""
    children = _subcommands(parser)
    for name, child in children:
        if not _subcommands(child) and _EXAMPLES not in (child.epilog or ""):
            words = " ".join(("tht-gen", *path, name))
            mine = [e for e in _example_entries(parser.epilog)
                    if e.strip() == words or e.strip().startswith(words + " ")]
            if mine:
                status = _exit_status(child.epilog) or _exit_status(parser.epilog)
                child.epilog = "\n".join([_EXAMPLES, *mine]) + (f"\n\n{status}" if status else "") + "\n"
                child.formatter_class = argparse.RawDescriptionHelpFormatter
        _complete_help(child, (*path, name))
    if path and children and _EXAMPLES not in (parser.epilog or ""):
        entries: list[str] = []
        for _, child in children:
            entries.extend(e for e in _example_entries(child.epilog) if e not in entries)
        if entries:
            words = " ".join(("tht-gen", *path))
            parser.epilog = "\n".join([_EXAMPLES, *entries, "", f"{_EXIT_STATUS} 2 without an action; otherwise that "
                                       f"of the action (see {words} ACTION --help)"]) + "\n"
            parser.formatter_class = argparse.RawDescriptionHelpFormatter


def _command_word(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the top level takes no option values)."""
    word = next((a for a in argv if not a.startswith("-")), None)
    # completion describes every command; a name that is not one gets argparse's message
    return None if word in (None, "completion") else word


def run() -> NoReturn:
    """The ``tht-gen`` program: :func:`main`, then a quick exit.

    Tearing down the interpreter frees every object a run made one by one:
    ~30 ms after a lint of a whole tree, a twentieth of the run, spent after
    the answer is out. Once the output is flushed and the exit handlers have
    run, nothing is left to do, so the process ends at once, unless a
    non-daemon thread still runs (then Python's own exit waits for it).
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        # Output piped into `head` and the like, which stopped reading: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    import atexit
    import threading

    atexit._run_exitfuncs()
    if any(t.is_alive() and not t.daemon for t in threading.enumerate()
           if t is not threading.main_thread()):
        sys.exit(code)
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    # A command is one short batch job: collect garbage rarely from the start
    # (imports included), as lint and render do for their own runs.
    with fewer_collections():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser(_command_word(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    out = Output(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", False))
    try:
        code: int = args.handler(args, out)
    except UserError as exc:
        out.diagnostics(exc.diagnostics)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code
