"""``tht-gen schema export DIR``: the JSON Schemas, for editors' YAML language servers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..diagnostics import UserError, display_path
from ..schemas import SCHEMAS, export, load_schema, schema_file_name

ORDER = 60

EXAMPLES = """\
examples:
  tht-gen schema export .schemas        write every schema into .schemas/
  tht-gen schema list
  tht-gen schema show roles_data        print one schema

Then map files to schemas in the editor, e.g. for yaml-language-server:
  # yaml-language-server: $schema=.schemas/roles_data.schema.json
(see docs/roles-networks.md).

exit status: 0 success, 2 bad usage (an unknown schema name) or a folder that cannot be written
"""

# Which files each schema is for, as globs an editor can take.
FILE_PATTERNS: dict[str, list[str]] = {
    "roles_data": ["roles_data*.yaml", "roles/*.yaml"],
    "network_data": ["network_data*.yaml", "network-data-samples/*.yaml"],
    "vip_data": ["vip_data*.yaml", "vip-data*.yaml"],
    "environment": ["environments/**/*.yaml"],
    "hot_template": ["*.yaml"],
    "service_template": ["services/**/*.yaml", "deployment/**/*.yaml"],
}


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "schema", help="export the JSON Schemas for editors",
        description="The JSON Schemas (Draft 2020-12) tht-gen validates roles data, network "
                    "data, VIP data, environments, HOT templates and service templates with.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="schema_command", metavar="ACTION")
    p_export = sub.add_parser("export", help="write every schema into a folder")
    p_export.add_argument("directory", metavar="DIR")
    p_export.add_argument("--format", choices=("text", "json"), default="text")
    p_export.set_defaults(handler=run_export)
    p_list = sub.add_parser("list", help="list the schemas")
    p_list.add_argument("--format", choices=("text", "json"), default="text")
    p_list.set_defaults(handler=run_list)
    p_show = sub.add_parser("show", help="print one schema")
    p_show.add_argument("name", metavar="NAME", help=", ".join(SCHEMAS))
    p_show.set_defaults(handler=run_show)
    parser.set_defaults(handler=lambda args, out: _no_action(parser))



def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_export(args: argparse.Namespace, out: Any) -> int:
    try:
        written = export(args.directory)
    except OSError as exc:
        raise UserError.single(args.directory, f"cannot write the schemas: {exc}") from None
    if args.format == "json":
        out.result(json.dumps({"written": [display_path(p) for p in written],
                               "files": FILE_PATTERNS}, indent=2))
        return 0
    for path in written:
        out.detail(f"wrote {display_path(path)}")
    out.info(f"wrote {len(written)} schemas into {display_path(args.directory)}")
    return 0


def run_list(args: argparse.Namespace, out: Any) -> int:
    if args.format == "json":
        out.result(json.dumps([{"name": n, "file": schema_file_name(n), "describes": d,
                                "files": FILE_PATTERNS[n]} for n, d in SCHEMAS.items()], indent=2))
        return 0
    width = max(len(n) for n in SCHEMAS)
    for name, describes in SCHEMAS.items():
        out.result(f"{name:<{width}}  {describes}")
    return 0


def run_show(args: argparse.Namespace, out: Any) -> int:
    if args.name not in SCHEMAS:
        raise UserError.single("<command line>", f"no schema {args.name!r} (known: "
                               f"{', '.join(SCHEMAS)})")
    out.result(json.dumps(load_schema(args.name), indent=2))
    return 0
