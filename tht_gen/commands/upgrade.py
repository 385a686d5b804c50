"""``tht-gen upgrade``: per-role, per-step upgrade playbooks, and what an upgrade changes."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any

ORDER = 60

PLAYBOOK_EXAMPLES = """\
examples:
  tht-gen upgrade playbooks -o upgrade                 the shipped library's major upgrade
  tht-gen upgrade playbooks -p ~/tht -e env.yaml --kind update -o update
  tht-gen upgrade playbooks -o out --role Controller --syntax-check
  ansible-playbook -i INVENTORY upgrade/upgrade_steps_playbook.yaml

Needs OpenStack Heat (pip install 'tht-gen[heat]'); --syntax-check needs ansible-core
(pip install 'tht-gen[ansible]').
exit status: 0 written, 1 a task list cannot be resolved or a playbook is rejected (nothing
written), 2 bad usage, unreadable input, or Heat (or ansible-core) missing
"""

DIFF_EXAMPLES = """\
examples:
  tht-gen upgrade diff ~/tht-stable ~/tht-main         what upgrading from one to the other changes
  tht-gen upgrade diff old new -r roles_data.yaml --format json

Needs OpenStack Heat (pip install 'tht-gen[heat]').
exit status: 0 compared (with or without differences), 1 a tree cannot be resolved, 2 bad usage
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "upgrade",
        help="upgrade and update playbooks per role and step; what an upgrade changes",
        description="Composable upgrades: the services' upgrade_tasks, update_tasks and "
                    "post_upgrade_tasks as Ansible playbooks, and the difference between two "
                    "library versions role by role. Step meanings: docs/upgrades.md.",
    )
    sub = parser.add_subparsers(dest="upgrade_command", metavar="SUBCOMMAND")

    playbooks = sub.add_parser(
        "playbooks",
        help="write each role's task lists as per-step files and playbooks",
        description="Resolve each role's services' task lists with OpenStack Heat's engine for the "
                    "given environments, split them into one file per step, and write a playbook "
                    "per role (one play per step, serial = the role's upgrade_batch_size) and one "
                    "running every role in turn.",
        epilog=PLAYBOOK_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    playbooks.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                           help="the template tree (default: the shipped library)")
    playbooks.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                           help="roles data, relative to -p unless absolute (default: roles_data.yaml)")
    playbooks.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                           help="network data, relative to -p unless absolute")
    playbooks.add_argument("-e", "--environment", action="append", default=[], metavar="ENV",
                           help="environment file, applied in order after the tree's resource registry "
                                "(repeatable)")
    playbooks.add_argument("-o", "--output", required=True, metavar="OUT", help="folder to write to")
    playbooks.add_argument("--kind", choices=("upgrade", "update", "post_upgrade"), default="upgrade",
                           help="which task lists (default: upgrade)")
    playbooks.add_argument("--role", action="append", default=[], metavar="NAME",
                           help="only this role (repeatable; default: every role)")
    playbooks.add_argument("--syntax-check", action="store_true",
                           help="run ansible-playbook --syntax-check on what was written")
    playbooks.add_argument("--format", choices=("text", "json"), default="text")
    playbooks.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    playbooks.set_defaults(handler=run_playbooks)

    diff = sub.add_parser(
        "diff",
        help="what changes, role by role, between two versions of a template tree",
        description="Per role: services added or removed, parameters added, removed or with a new "
                    "default, upgrade settings, and tasks added, removed, changed or moved, step by "
                    "step, for each task list.",
        epilog=DIFF_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    diff.add_argument("old", metavar="OLD_TREE")
    diff.add_argument("new", metavar="NEW_TREE")
    diff.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                      help="roles data, in each tree unless absolute (default: roles_data.yaml)")
    diff.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                      help="network data, in each tree unless absolute")
    diff.add_argument("-e", "--environment", action="append", default=[], metavar="ENV",
                      help="environment file applied to both trees (repeatable)")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.add_argument("-q", "--quiet", action="store_true", help="print only the differences")
    diff.set_defaults(handler=run_diff)
    parser.set_defaults(handler=lambda args, out: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _command(args: argparse.Namespace) -> str:
    """The command that regenerates the output, as the generated files' header shows it."""
    words = ["tht-gen", "upgrade", "playbooks"]
    if args.base_path:
        words += ["-p", args.base_path]
    if args.roles_data:
        words += ["-r", args.roles_data]
    if args.network_data:
        words += ["-n", args.network_data]
    for env in args.environment:
        words += ["-e", env]
    for role in args.role:
        words += ["--role", role]
    words += ["--kind", args.kind]
    return shlex.join(words)


def run_playbooks(args: argparse.Namespace, out: Any) -> int:
    from ..heat import HeatUnavailable
    from ..upgrade.playbooks import generate_playbooks

    try:
        resolution, playbooks, written = generate_playbooks(
            args.base_path, None, environments=args.environment, roles_data=args.roles_data,
            network_data=args.network_data, roles=args.role or None, kind=args.kind,
            command=_command(args))
    except HeatUnavailable as exc:
        print(f"tht-gen upgrade playbooks: {exc}", file=sys.stderr)
        return 2
    diagnostics = sorted(list(resolution.diagnostics) + (playbooks.diagnostics if playbooks else []))
    if playbooks is None:
        code = 2 if resolution.usage_error else 1
        if args.format == "json":
            out.result(json.dumps({"kind": args.kind, "ok": False, "written": [],
                                   "diagnostics": [d.to_json() for d in diagnostics]}, indent=2))
            return code
        out.diagnostics(diagnostics)
        out.info("nothing written: the task lists could not be resolved")
        return code
    if args.format != "json":
        out.diagnostics(diagnostics)
    from ..upgrade.playbooks import write_playbooks

    written = write_playbooks(playbooks, args.output)
    checks = []
    if args.syntax_check:
        from ..upgrade.ansible_check import AnsibleUnavailable, syntax_check

        # The top-level playbook imports the others, except the operator-driven roles'.
        targets = [playbooks.playbook] + [r.playbook for r in playbooks.roles if r.operator_driven]
        try:
            checks = [syntax_check([written.root / t for t in targets],
                                   groups=[r.name for r in playbooks.roles])]
        except AnsibleUnavailable as exc:
            print(f"tht-gen upgrade playbooks: --syntax-check: {exc}", file=sys.stderr)
            return 2
        for check in checks:
            if not check.ok:
                print(f"{check.playbook}: ansible-playbook --syntax-check failed:\n{check.output}",
                      file=sys.stderr)
    failed = any(not c.ok for c in checks)
    if args.format == "json":
        out.result(json.dumps({
            "kind": args.kind, "ok": not failed, "output": str(written.root), "playbook": playbooks.playbook,
            "heat_version": resolution.heat_version, "environments": resolution.environments,
            "roles": [{"name": r.name, "serial": r.serial, "operator_driven": r.operator_driven,
                       "steps": r.steps, "playbook": r.playbook} for r in playbooks.roles],
            "written": written.written, "unchanged": written.unchanged, "removed": written.removed,
            "syntax_check": [{"playbooks": list(c.playbooks), "ok": c.ok} for c in checks],
            "diagnostics": [d.to_json() for d in diagnostics],
        }, indent=2))
        return 1 if failed else 0
    for plan in playbooks.roles:
        counts = " ".join(f"{step}:{n}" for step, n in plan.steps.items())
        note = " (operator-driven: left out of the top-level playbook)" if plan.operator_driven else ""
        out.info(f"  {plan.name}: serial {plan.serial}, tasks per step {counts}{note}")
    out.info(f"{len(written.written)} files written to {written.root}, {len(written.unchanged)} unchanged, "
             f"{len(written.removed)} removed (Heat {resolution.heat_version}, {resolution.elapsed:.2f} s)")
    if checks and not failed:
        out.info(f"ansible-playbook --syntax-check accepts the playbooks ({len(targets)} given, "
                 "the role playbooks they import included)")
    out.info(f"run: ansible-playbook -i INVENTORY {written.root / playbooks.playbook}")
    return 1 if failed else 0


def run_diff(args: argparse.Namespace, out: Any) -> int:
    from ..heat import HeatUnavailable
    from ..upgrade.diff import diff_trees

    try:
        result = diff_trees(args.old, args.new, roles_data=args.roles_data, network_data=args.network_data,
                            environments=args.environment)
    except HeatUnavailable as exc:
        print(f"tht-gen upgrade diff: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        out.result(json.dumps(result.to_json(), indent=2, default=str))
        return result.exit_code
    out.diagnostics(result.diagnostics)
    if result.ok:
        out.result(result.format_text().rstrip("\n"))
    return result.exit_code
