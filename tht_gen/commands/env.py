"""``tht-gen env``: environment files: ``explain`` a stack of them, ``list`` the library's.

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

exit status: 0 success, 1 Heat would reject the stack of environments (with --strict: any
warning), 2 bad usage or unreadable input
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
            "is rendered in memory; the names shown are what to give -e."))
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


# name -> the function that adds the subcommand's parser (and sets its handler).
SUBCOMMANDS: dict[str, Callable[[Any], None]] = {
    "explain": _add_explain,
    "list": _add_list,
}


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "env", help="explain and list environment files",
        description="Environment files: how a stack of them merges, and what the library offers.",
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
