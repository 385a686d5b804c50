"""``tht-gen outputs``: a deployed stack's per-role data as files (the "config download" step)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

ORDER = 51

EXAMPLES = """\
examples:
  tht-gen outputs --cloud local-heat --stack overcloud -o config
                     write config/<Role>/{role_data.json,config_settings.yaml,...}, config/outputs/*.json
  tht-gen outputs --cloud local-heat --stack overcloud --format json
                     print every output of the stack as one JSON object, write nothing

exit status: 0 written, 1 the stack has no per-role data, 2 bad input or unreachable endpoint
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "outputs", help="write a deployed stack's per-role data as files (config download)",
        description="Read the outputs of a deployed stack through openstacksdk and write each role's "
                    "merged role data (service names, hieradata, step config, task lists) as files.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cloud", required=True, help="cloud name in clouds.yaml")
    parser.add_argument("--stack", required=True, help="stack name")
    parser.add_argument("-o", "--output-dir", dest="output_dir", metavar="DIR",
                        help="where to write (default: ./<stack>-config)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="json: print the outputs instead of writing files")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every file written")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    from ..deploy import DeployError, fetch_outputs, write_config_download

    try:
        outputs = fetch_outputs(args.cloud, args.stack)
        if args.format == "json":
            out.result(json.dumps({"stack": outputs.stack_name, "status": outputs.status,
                                   "outputs": outputs.outputs, "errors": outputs.errors}, indent=2, default=str))
            return 0
        written = write_config_download(outputs, args.output_dir or f"{args.stack}-config")
    except DeployError as exc:
        print(f"tht-gen outputs: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"tht-gen outputs: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    for name in written.written:
        out.detail(f"wrote {name}")
    for key, error in sorted(outputs.errors.items()):
        print(f"tht-gen outputs: output {key} failed: {error}", file=sys.stderr)
    out.info(f"{len(written.roles)} roles ({', '.join(written.roles)}) from stack {outputs.stack_name} "
             f"({outputs.status}) in {written.destination}: {len(written.written)} files written, "
             f"{len(written.removed)} removed")
    return 0
