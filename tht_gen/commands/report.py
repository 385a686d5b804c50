"""``tht-gen report``: one self-contained HTML page about a template tree."""

from __future__ import annotations

import argparse
import os
from typing import Any

ORDER = 60

EXAMPLES = """\
examples:
  tht-gen report -o report.html                    the shipped library, its default roles
  tht-gen report -p ~/tht -r roles_data.yaml -n network_data.yaml -o tht.html
  tht-gen report -e environments/network-isolation.yaml -e environments/net-bond-with-vlans.yaml -o isolated.html
  tht-gen report --no-lint --upgrade-tasks static -o quick.html

The page needs no network access to view: open it in any browser, attach it to a review.
With OpenStack Heat installed (tht-gen[heat]) the upgrade steps are resolved by Heat's
engine for the environments given; without it they are read from the templates.

exit status: 0 written, 1 the tree cannot be rendered, 2 bad usage or unreadable input
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report", help="write one self-contained HTML page about a template tree",
        description=(
            "Write one HTML page about a template tree: an SVG diagram of roles, networks and virtual "
            "IPs; the role-by-service matrix; each role's networks and NIC layouts; which network "
            "each service listens on; the upgrade steps per role (which service does what at which "
            "step); and the lint findings. Inline CSS, SVG and script, nothing fetched; the same "
            "input gives the same bytes."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                        help="template tree (default: the library shipped with tht-gen)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data, relative to -p unless absolute (default: roles_data.yaml)")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data, relative to -p unless absolute (default: network_data.yaml)")
    parser.add_argument("-e", "--environment", dest="environments", action="append", default=[], metavar="FILE",
                        help="environment file, applied after the tree's registry (may be repeated, in order)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")
    parser.add_argument("--title", default="tht-gen report", help="the page's title")
    parser.add_argument("--no-lint", dest="lint", action="store_false", help="leave the lint findings out")
    parser.add_argument("--upgrade-tasks", dest="upgrade", choices=("auto", "heat", "static"), default="auto",
                        help="how to read the upgrade steps: Heat's engine (heat), the templates as written "
                             "(static), or Heat when installed (auto, the default)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="lint worker processes (default: cores)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    from ..report import build_report, write_report

    report = build_report(args.base_path, roles_data=args.roles_data, network_data=args.network_data,
                          environments=args.environments, lint=args.lint, upgrade=args.upgrade, jobs=args.jobs,
                          title=args.title)
    try:
        path = write_report(report, args.output)
    except OSError as exc:
        from ..diagnostics import UserError

        raise UserError.single(args.output, f"cannot write the report: {exc.strerror or exc}") from None
    data = report.data
    out.diagnostics(data.diagnostics)
    lint = "not run" if data.lint is None else f"{len(data.lint)} lint findings"
    out.info(f"wrote {os.path.relpath(path) if not os.path.isabs(args.output) else path}: {len(data.roles)} roles, "
             f"{len(data.services)} services, {len(data.networks)} networks, {lint}, upgrade steps "
             f"{'resolved by Heat' if data.upgrade_source == 'heat' else 'read from the templates'}")
    return 0
