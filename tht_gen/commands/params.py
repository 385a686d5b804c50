"""``tht-gen params``: every parameter the deployment takes, and with environments, who set it."""

from __future__ import annotations

import argparse
import fnmatch
import json
from typing import Any

ORDER = 35

EXAMPLES = """\
examples:
  tht-gen params                                   the parameters of the shipped library
  tht-gen params -e my-env.yaml NtpServer          NtpServer's value, and the file that set it
  tht-gen params 'Controller*' --scope top-level   a role's top-level parameters
  tht-gen params -p ~/tht -r roles_data.yaml --format json > params.json

scopes: top-level (a parameter of the root template), parameter_defaults (declared only by
nested templates: only parameter_defaults reach it), internal (every template that declares it
gets it from its parent: environments cannot set it).

exit status: 0 success, 1 Heat would reject the environments, 2 bad usage or unreadable input
"""


def add_tree_arguments(parser: argparse.ArgumentParser) -> None:
    """-p/-r/-n/-e and --no-registry, shared with ``tht-gen env explain``."""
    parser.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                        help="template tree, rendered or jinja2 sources (default: the library shipped "
                             "with tht-gen, rendered in memory)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data to render a source tree with (relative to -p unless absolute)")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data to render a source tree with (relative to -p unless absolute)")
    parser.add_argument("-e", "--environment", dest="environments", action="append", default=[],
                        metavar="FILE",
                        help="environment file, in merge order (may be repeated); relative to the "
                             "current folder, else to the tree")
    parser.add_argument("--no-registry", action="store_true",
                        help="do not apply the tree's overcloud-resource-registry-puppet.yaml first")
    parser.add_argument("--show-hidden", action="store_true",
                        help="show the values of hidden parameters (masked by default)")
    parser.add_argument("--full", action="store_true",
                        help="show long values in full (text format)")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "params", help="list every parameter the deployment takes, with its effective value",
        description=(
            "Every parameter of the root template and of every nested template it reaches (through "
            "the resource registry and the environments given): type, description, constraints, "
            "default, whether hidden, the templates that declare it (file:line), whether it is "
            "top-level or reaches nested templates only through parameter_defaults, its parameter "
            "group, its role, and the effective value with the file that set it. Role parameters "
            "(<Role>Count, <Role>Parameters ...) are listed per role."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="only these parameters (shell patterns: 'Ntp*')")
    add_tree_arguments(parser)
    parser.add_argument("--scope", choices=("top-level", "parameter_defaults", "internal"),
                        help="only parameters of this scope")
    parser.add_argument("--role", metavar="ROLE", help="only this role's parameters ('-': common ones)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text; json: see docs/interface.md)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    from ..interface.params import parameters
    from ..interface.text import format_parameters

    schema = parameters(args.base_path, args.environments, roles_data=args.roles_data,
                        network_data=args.network_data, include_registry=not args.no_registry)
    schema.parameters = [p for p in schema.parameters if _wanted(p, args)]
    if args.names:
        # Only the findings about the parameters asked for.
        schema.diagnostics = [d for d in schema.diagnostics if d.location.path and any(
            fnmatch.fnmatchcase(str(d.location.path[-1]), n) for n in args.names)]
    if args.format == "json":
        out.result(json.dumps(schema.to_json(show_hidden=args.show_hidden), indent=2, default=str))
    else:
        out.diagnostics(schema.diagnostics)
        out.result(format_parameters(schema, show_hidden=args.show_hidden, full=args.full))
    return 1 if any(str(d.severity) == "error" for d in schema.diagnostics) else 0


def _wanted(parameter: Any, args: argparse.Namespace) -> bool:
    if args.names and not any(fnmatch.fnmatchcase(parameter.name, n) for n in args.names):
        return False
    if args.scope and parameter.scope != args.scope:
        return False
    if args.role is not None:
        return bool(parameter.role is None if args.role == "-" else parameter.role == args.role)
    return True
