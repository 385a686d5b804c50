"""``tht-gen env``: environment files: ``explain`` a stack of them, ``list`` the library's,
``generate`` the sample environments from their descriptions.

A group of subcommands: each is one entry of :data:`SUBCOMMANDS` (a name
and a function that adds its parser), so another one (``generate``) is
added by writing its function and listing it, without touching the others.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from .params import add_tree_arguments

ORDER = 36

EXAMPLES = """\
examples:
  tht-gen env list                                     the environments shipped with tht-gen
  tht-gen env explain -e environments/network-isolation.yaml -e my-env.yaml
  tht-gen env explain -e my-env.yaml --key NtpServer   which file set NtpServer
  tht-gen env explain -p ~/tht -e ~/tht/environments/ssl/enable-tls.yaml --format json
  tht-gen env generate --check                         are the generated environments up to date?

exit status: 0 success, 1 Heat would reject the stack of environments (with --strict: any
warning), 2 bad usage or unreadable input
"""

LIST_EXAMPLES = """\
examples:
  tht-gen env list                          the shipped library's environments, by purpose
  tht-gen env list -v                       with each file's description
  tht-gen env list -p ~/tht --format json   another tree's, for a user interface

exit status: 0 success (files without a title or description are reported, H711), 2 bad usage
or a tree that cannot be rendered
"""

GENERATE_EXAMPLES = """\
examples:
  tht-gen env generate                 write the environments environments/generator/*.yaml
                                       describe, in this source checkout
  tht-gen env generate --check         write nothing; exit 1 and list stale files (CI, pre-commit)
  tht-gen env generate -p ~/my-tree    the same for another template tree

exit status: 0 written or up to date, 1 stale files (--check) or errors in the descriptions
(rules G001-G010; nothing is written then), 2 bad usage or no description files
"""


def _add_explain(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "explain", help="merge environment files as Heat does and say which file set what",
        description=(
            "Merge the environment files, in order, as Heat's engine merges them "
            "(resource_registry, parameters, parameter_defaults with parameter_merge_strategies, "
            "event_sinks), after the tree's resource registry. Every entry is shown with the "
            "file and line that set it and the files whose values it replaced. Warns about "
            "registry entries pointing at missing files, parameters no template declares (with "
            "'did you mean'), values their parameter's type or constraints reject, and values "
            "that cannot reach any template; errors for what Heat would reject."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_tree_arguments(parser)
    parser.add_argument("-k", "--key", dest="keys", action="append", default=[], metavar="NAME",
                        help="only entries whose key matches (shell pattern; may be repeated)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.set_defaults(handler=run_explain)


def _add_list(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "list", help="list a tree's environment files with their titles, grouped by purpose",
        description=(
            "List the environment files under environments/ with the title and description of "
            "their comment header, grouped by their '# purpose:' (else by folder). A source tree "
            "is rendered in memory; the names shown are what to give -e."),
        epilog=LIST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                        help="template tree (default: the library shipped with tht-gen)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data to render a source tree with")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data to render a source tree with")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each file's description")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.set_defaults(handler=run_list)


def _add_generate(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "generate", help="generate sample environment files from their descriptions",
        description=(
            "Write the environment files that environments/generator/*.yaml describe (title, "
            "description, purpose, registry entries, parameters and sample values): each "
            "parameter documented from the template that declares it (description, type, "
            "default, allowed values), each checked to exist and each value checked against "
            "its type and constraints. A file is written only when its text changes; a "
            "generated file no description produces any more is removed. A jinja2 source "
            "tree is rendered in memory to find the parameters."),
        epilog=GENERATE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                        help="template tree (default: the library of this source checkout)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data to render a source tree with")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data to render a source tree with")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files that are stale")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.set_defaults(handler=run_generate)


# name -> the function that adds the subcommand's parser (and sets its handler).
SUBCOMMANDS: dict[str, Callable[[Any], None]] = {
    "explain": _add_explain,
    "list": _add_list,
    "generate": _add_generate,
}


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "env", help="explain, list and generate environment files",
        description=("Environment files: how a stack of them merges, what the library offers, and "
                     "the sample environments generated from their descriptions."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="env_command", metavar="ACTION")
    for add in SUBCOMMANDS.values():
        add(sub)

    def usage(_args: argparse.Namespace, _out: Any) -> int:
        parser.print_usage(sys.stderr)
        print("tht-gen env: choose an action: " + ", ".join(SUBCOMMANDS), file=sys.stderr)
        return 2

    parser.set_defaults(handler=usage)


def run_explain(args: argparse.Namespace, out: Any) -> int:
    from ..interface.explain import explain_environments
    from ..interface.text import format_explanation

    explanation = explain_environments(args.environments, args.base_path, roles_data=args.roles_data,
                                       network_data=args.network_data,
                                       include_registry=not args.no_registry)
    code = explanation.exit_code(strict=args.strict)
    shown = explanation.select(args.keys)
    if args.format == "json":
        out.result(json.dumps(shown.to_json(show_hidden=args.show_hidden), indent=2, default=str))
    else:
        out.diagnostics(shown.diagnostics)
        out.result(format_explanation(shown, show_hidden=args.show_hidden, full=args.full))
    return code


def run_list(args: argparse.Namespace, out: Any) -> int:
    from ..interface.metadata import list_environments
    from ..interface.text import format_environment_details, format_environment_list

    listing = list_environments(args.base_path, roles_data=args.roles_data, network_data=args.network_data)
    if args.format == "json":
        out.result(json.dumps(listing.to_json(), indent=2))
        return 0
    out.diagnostics(listing.diagnostics)
    out.result(format_environment_details(listing) if args.verbose else format_environment_list(listing))
    return 0


def run_generate(args: argparse.Namespace, out: Any) -> int:
    import os

    from ..envgen import generate_environments
    from ..library import shipped_library

    base = args.base_path
    if base is None and not args.check and shipped_library().root.name == "_library":
        # An installed wheel: its library is not ours to rewrite.
        print("tht-gen env generate: the installed library is not rewritten; give -p DIR (a source "
              "checkout or your own tree), or --check", file=sys.stderr)
        return 2
    result = generate_environments(base, check=args.check, roles_data=args.roles_data,
                                   network_data=args.network_data)
    if args.format == "json":
        out.result(json.dumps({
            "tree": os.fspath(result.root),
            "descriptions": result.descriptions,
            "files": [{"file": f.file, "description": f.source, "status": f.status} for f in result.files],
            "diagnostics": [d.to_json() for d in result.diagnostics],
        }, indent=2))
        return result.exit_code
    out.diagnostics(result.diagnostics)
    if not result.ok:
        out.info("nothing written" if not args.check else "not checked")
        return result.exit_code
    for item in result.files:
        if item.status == "stale":
            out.result(f"stale: {item.file} (from {item.source})")
        elif item.status == "orphan":
            out.result(f"stale: {item.file} (generated from {item.source}, which no longer describes it)")
        elif item.status in ("written", "removed"):
            out.info(f"{item.status}: {item.file}")
    unchanged = sum(1 for f in result.files if f.status == "unchanged")
    if result.stale:
        option = f" -p {args.base_path}" if args.base_path else ""
        out.info(f"{len(result.stale)} stale; run `tht-gen env generate{option}` to update them")
    else:
        out.info(f"{len(result.files)} environment files from {len(result.descriptions)} descriptions "
                 f"({unchanged} unchanged)")
    return result.exit_code
