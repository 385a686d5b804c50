"""``tht-gen endpoints generate``: the endpoint map, generated from its data table."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..endpoints import DATA_FILE, MAP_FILE, EndpointsResult, generate
from ..library import shipped_library

ORDER = 40

EXAMPLES = f"""\
examples:
  tht-gen endpoints generate                 regenerate {MAP_FILE} in this checkout
  tht-gen endpoints generate --check         exit 1 if it is stale (CI, pre-commit)
  tht-gen endpoints generate -p ~/my-tree    the same for another template tree

exit status: 0 up to date or written, 1 stale (--check) or bad endpoint data, 2 bad usage
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "endpoints",
        help="generate the endpoint map from its data table",
        description=f"Work on the endpoint map: {MAP_FILE} is generated from {DATA_FILE}.",
    )
    actions = parser.add_subparsers(dest="endpoints_command", metavar="ACTION")
    gen = actions.add_parser(
        "generate",
        help=f"write {MAP_FILE} from {DATA_FILE}",
        description=(f"Generate {MAP_FILE} (a Heat template whose endpoint_map output "
                     f"every service reads) from {DATA_FILE}. The file is written only "
                     "when its content changes."),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    gen.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                     help="template tree (default: the library of this source checkout)")
    gen.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 when the generated file is stale")
    gen.add_argument("--format", choices=("text", "json"), default="text",
                     help="output format (default: text)")
    gen.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    gen.set_defaults(handler=run)
    parser.set_defaults(handler=lambda args, out: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 2


def run(args: argparse.Namespace, out: Any) -> int:
    base = args.base_path
    if base is None:
        library = shipped_library()
        if library.root.name == "_library" and not args.check:
            # An installed wheel: its library is not ours to rewrite.
            print("tht-gen endpoints generate: the installed library is not rewritten; "
                  "give -p DIR (a source checkout or your own tree), or --check", file=sys.stderr)
            return 2
        base = library.root
    result = generate(base, check=args.check)
    if args.format == "json":
        out.result(json.dumps(_as_json(result), indent=2))
        return result.exit_code
    out.diagnostics(result.diagnostics)
    where = _display(result.map_path)
    if not result.ok:
        out.info(f"{where} not generated")
    elif result.stale:
        out.result(f"stale: {where}")
        out.info(f"run `tht-gen endpoints generate{' -p ' + args.base_path if args.base_path else ''}`"
                 " to update it")
    elif result.written:
        out.info(f"wrote {where} ({len(result.endpoints)} endpoints)")
    else:
        out.info(f"{where} is up to date ({len(result.endpoints)} endpoints)")
    return result.exit_code


def _as_json(result: EndpointsResult) -> dict[str, Any]:
    return {
        "data": _display(result.data_path),
        "map": _display(result.map_path),
        "endpoints": len(result.endpoints),
        "written": result.written,
        "stale": result.stale,
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }


def _display(path: os.PathLike[str]) -> str:
    text = os.fspath(path)
    rel = os.path.relpath(text)
    return text if rel.startswith("..") else rel
