"""``tht-gen deploy``: create or update a stack from the template tree through openstacksdk."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

ORDER = 50

EXAMPLES = """\
examples:
  tht-gen deploy --cloud local-heat --stack overcloud -e environments/noop-deployment.yaml
                                   render the shipped library in memory and create (or update) the stack
  tht-gen deploy -p out --cloud mycloud --stack overcloud -e my-env.yaml --dry-run
                                   ask Heat's preview what would be created or changed
  tht-gen deploy --cloud local-heat --stack overcloud -P ComputeCount=3 --wait

--cloud names an entry of clouds.yaml (./clouds.yaml, ~/.config/openstack/clouds.yaml, or
OS_CLIENT_CONFIG_FILE).
exit status: 0 complete (or preview done), 1 stack failed or Heat rejected it, 2 bad input or
unreachable endpoint
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "deploy", help="create or update a Heat stack from the template tree (openstacksdk)",
        description="Render the tree if needed, build the files map and environments the way Heat's "
                    "clients do, and create the stack (or update it when it exists), following its "
                    "events; end with the status, the time taken and the outputs.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cloud", required=True, help="cloud name in clouds.yaml")
    parser.add_argument("--stack", required=True, help="stack name")
    parser.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                        help="template tree, rendered or source (default: the shipped library)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE")
    parser.add_argument("-e", "--environment", action="append", default=[], metavar="ENV",
                        help="environment file, applied in order after the resource registry (repeatable)")
    parser.add_argument("-P", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="stack parameter (repeatable; VALUE is read as JSON when it parses)")
    parser.add_argument("--dry-run", action="store_true", help="use Heat's preview: create or change nothing")
    parser.add_argument("--wait", action="store_true", default=True,
                        help="follow the stack's events until it completes (the default)")
    parser.add_argument("--no-wait", dest="wait", action="store_false", help="return once Heat accepted it")
    parser.add_argument("--timeout", type=int, metavar="MINUTES", help="stack timeout in minutes")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("-q", "--quiet", action="store_true", help="no events, only the summary")
    parser.set_defaults(handler=run)


def parse_parameters(items: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise ValueError(f"-P {item!r}: expected NAME=VALUE")
        try:
            values[name] = json.loads(text)
        except ValueError:
            values[name] = text
    return values


def run(args: argparse.Namespace, out: Any) -> int:
    from ..deploy import DeployError, deploy, prepare_stack_input

    try:
        parameters = parse_parameters(args.parameter)
    except ValueError as exc:
        print(f"tht-gen deploy: {exc}", file=sys.stderr)
        return 2
    try:
        stack_input = prepare_stack_input(args.base_path, args.environment, roles_data=args.roles_data,
                                          network_data=args.network_data)
        text = args.format == "text" and not args.quiet
        result = deploy(stack_input, cloud=args.cloud, stack_name=args.stack, parameters=parameters,
                        dry_run=args.dry_run, wait=args.wait, timeout_minutes=args.timeout,
                        on_event=(lambda e: out.info(e.format())) if text else None)
    except DeployError as exc:
        print(f"tht-gen deploy: {exc.message}", file=sys.stderr)
        for line in exc.details:
            print(f"  {line}", file=sys.stderr)
        return exc.exit_code
    if args.format == "json":
        out.result(json.dumps({
            "stack": result.stack_name, "id": result.stack_id, "action": result.action,
            "status": result.status, "reason": result.reason, "seconds": round(result.elapsed, 2),
            "outputs": result.outputs, "output_errors": result.output_errors, "preview": result.preview,
            "failed": [f.__dict__ for f in result.failed]}, indent=2, default=str))
        return result.exit_code
    summarise(result, out)
    return result.exit_code


def summarise(result: Any, out: Any) -> None:
    if result.action.startswith("PREVIEW"):
        for change, names in result.preview.items():
            out.result(f"{change}: {len(names)}")
            for name in names[:200]:
                out.detail(f"  {name}")
        out.info(f"preview of stack {result.stack_name} ({result.files} files sent) in {result.elapsed:.1f} s: "
                 "nothing was created or changed")
        return
    if not result.waited:
        out.result(f"stack {result.stack_name} ({result.stack_id}): {result.status}")
        return
    out.result(f"stack {result.stack_name} {result.status} in {result.elapsed:.1f} s ({result.stack_id})")
    if result.failed:
        print(f"tht-gen deploy: stack {result.stack_name} failed: {result.reason}", file=sys.stderr)
        for failed in result.failed[:5]:
            print(f"  {failed.stack}/{failed.resource} ({failed.type}) {failed.status}: {failed.reason}",
                  file=sys.stderr)
    for key, value in sorted(result.outputs.items()):
        text = json.dumps(value, default=str)
        out.result(f"  output {key}: {text if len(text) <= 120 else text[:117] + '...'}")
    for key, error in sorted(result.output_errors.items()):
        print(f"  output {key} failed: {error}", file=sys.stderr)
