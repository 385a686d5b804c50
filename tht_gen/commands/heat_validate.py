"""``tht-gen heat-validate``: check a template tree with OpenStack Heat's own engine, in process."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

ORDER = 40

EXAMPLES = """\
examples:
  tht-gen heat-validate out                       check a rendered tree (with its resource registry)
  tht-gen heat-validate . -e environments/noop-deployment.yaml
                                                  render the source tree in memory, then check it
  tht-gen heat-validate out --format json         one JSON object: diagnostics, timings, placeholders

Needs the heat extra: pip install 'tht-gen[heat]'.
exit status: 0 Heat accepts the tree, 1 Heat reports errors, 2 bad usage, unreadable input or no Heat
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "heat-validate",
        help="check a template tree with OpenStack Heat's engine (in process, no cloud)",
        description=(
            "Run Heat's validate and pre-create checks on a rendered tree (or a source tree, "
            "rendered in memory first) with the given environments, strictly in every nested "
            "stack and resource by resource, and map each error to its file and line."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("tree", nargs="?", default=".", help="the template tree (default: .)")
    parser.add_argument("-e", "--environment", action="append", default=[], metavar="ENV",
                        help="environment file, applied in order after the tree's resource registry "
                             "(repeatable)")
    parser.add_argument("-t", "--template", default="overcloud.yaml", help="root template (default: overcloud.yaml)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data, when the tree is rendered in memory")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data, when the tree is rendered in memory")
    parser.add_argument("--no-registry", action="store_true",
                        help="do not apply overcloud-resource-registry-puppet.yaml first")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    from ..heat import HeatUnavailable, validate_tree

    try:
        result = validate_tree(args.tree, args.environment, roles_data=args.roles_data,
                               network_data=args.network_data, template=args.template,
                               include_registry=not args.no_registry)
    except HeatUnavailable as exc:
        print(f"tht-gen heat-validate: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        out.result(json.dumps(result.to_json(), indent=2))
        return result.exit_code
    out.diagnostics(result.diagnostics)
    errors = sum(1 for d in result.diagnostics if str(d.severity) == "error")
    verdict = "accepts the tree" if result.ok else f"reports {errors} error{'s' * (errors != 1)}"
    detail = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    out.info(f"Heat {result.heat_version} {verdict}: {result.stacks_checked} stacks, "
             f"{result.resources_checked} resources checked in {result.elapsed:.2f} s ({detail})")
    if result.placeholders:
        out.info(f"placeholders for {len(result.placeholders)} parameters without a value: "
                 + ", ".join(sorted(result.placeholders)[:8]) + (" ..." if len(result.placeholders) > 8 else ""))
    return result.exit_code
