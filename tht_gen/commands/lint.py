"""``tht-gen lint``: rule-based checks of template trees, in the editor's terms (file:line:column)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

ORDER = 20

EXAMPLES = """\
examples:
  tht-gen lint                               lint the current folder (rendered or source tree)
  tht-gen lint ~/tht -r roles_data.yaml      a source tree, rendered in memory with these roles
  tht-gen lint environments/my-env.yaml      one file (per-file rules only)
  tht-gen lint out/ --format sarif > lint.sarif
  tht-gen lint --list-rules                  every rule with its id, name and default level

inline: '# tht-gen: disable=H301' silences a rule on that line (or, alone on its line, on the
next one); '# tht-gen: disable-file=H301' in the whole file. Configuration: .tht-gen.yaml,
found upward from the first PATH (see docs/lint.md).

exit status: 0 no error-level findings, 1 findings, 2 bad usage or unreadable input
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "lint",
        help="check templates, environments, roles and network data against rules",
        description=(
            "Check a rendered tree, a source tree (rendered in memory first) or single files: "
            "YAML syntax, HOT versions, sections, parameters, intrinsic functions and their "
            "arguments, references, files that templates and environments point to, and rules "
            "across the tree. Findings name the file, line and column."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="folders or files to lint (default: the current folder)")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: .tht-gen.yaml found upward)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data for rendering a source tree (relative to the tree)")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data for rendering a source tree (relative to the tree)")
    parser.add_argument("-e", "--environment", action="append", dest="environments", default=[],
                        metavar="FILE",
                        help="an environment the deployment uses (may be repeated): errors in "
                             "what it reaches stay errors, and --heat applies it")
    parser.add_argument("--heat", action="store_true",
                        help="also run OpenStack Heat's own validation on each folder "
                             "(needs pip install 'tht-gen[heat]')")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", default=None,
                        help="parallel jobs (default: the number of cores)")
    parser.add_argument("--rule", action="append", dest="rules", metavar="ID",
                        help="run only this rule (id or name; may be repeated)")
    parser.add_argument("--no-cache", action="store_true",
                        help="lint every file afresh (default: files unchanged since the last "
                             "run reuse its results)")
    parser.add_argument("--list-rules", action="store_true",
                        help="list the rules and exit")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="show errors only (text format)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    from ..diagnostics import Severity
    from ..lint import lint
    from ..lint.formatters import FORMATTERS

    if args.list_rules:
        out.result(_rule_table())
        return 0
    if args.jobs is not None and args.jobs < 1:
        print("tht-gen lint: --jobs must be at least 1", file=sys.stderr)
        return 2
    report = lint(args.paths, config=args.config, roles_data=args.roles_data,
                  network_data=args.network_data, jobs=args.jobs, rules=args.rules,
                  cache=not args.no_cache, uses=args.environments, heat=args.heat)
    if report.usage_error:
        out.diagnostics(report.diagnostics)
        return 2
    shown = report.diagnostics
    if args.format == "text":
        if args.quiet:
            shown = [d for d in shown if d.severity >= Severity.ERROR]
        out.diagnostics(shown)
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        out.info(f"{len(report.checked)} files checked: {errors} errors, {warnings} warnings "
                 f"({report.elapsed:.2f} s)")
    else:
        text = FORMATTERS[args.format](shown)
        if text:
            out.result(text)
    return report.exit_code()


def _rule_table() -> str:
    from ..lint.rules import RULES

    rows = [f"{'ID':<5} {'NAME':<30} {'LEVEL':<8} SUMMARY"]
    for rule_id, cls in RULES.items():
        rows.append(f"{rule_id:<5} {cls.name:<30} {cls.default_level!s:<8} {cls.summary}")
    return "\n".join(rows)
