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

from . import __version__
from .diagnostics import Diagnostic, UserError

def _command_modules() -> list[str]:
    """Every module in tht_gen/commands, ordered by its ORDER (then name).

    A capability adds a subcommand by adding a module with ``register()``;
    this file does not change.
    """
    import pkgutil

    from . import commands

    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tht-gen",
        description="Render, check and ship composable OpenStack Heat templates.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tht-gen {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules():
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
