"""``tht-gen passwords generate``: an environment with a random value for every secret the
deployment takes (hidden string parameters without a default)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ORDER = 36

EXAMPLES = """\
examples:
  tht-gen passwords generate -o passwords.yaml
          the secrets of the shipped library with its default roles
  tht-gen passwords generate -e environments/storage/ceph.yaml -o passwords.yaml --force
          add the secrets Ceph needs to an existing file; its values are kept
  tht-gen passwords generate -p out -e out/environments/network-isolation.yaml -o passwords.yaml
  tht-gen deploy --cloud mycloud --stack overcloud ... -e passwords.yaml

Values: 32 random letters and digits (Python's secrets), or what the parameter's constraints
ask for (length, allowed_pattern: base64 keys, Ceph keys...). Parameters tagged "external"
(credentials of a system outside the overcloud) and parameters the environments given already
set are not generated. The file is written with mode 0600.

exit status: 0 written, 1 a secret could not be generated or the templates have errors,
2 bad usage, unreadable input, or the file exists (without --force)
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "passwords", help="generate the deployment's passwords and keys (an environment)",
        description="Secrets for a deployment: the hidden parameters without a default.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="passwords_command", metavar="ACTION")
    gen = sub.add_parser(
        "generate", help="write a parameter_defaults environment with a value for every secret",
        description="Find every hidden string parameter without a default that the deployment takes "
                    "(the root template and every nested template the registry and the environments "
                    "reach) and write a parameter_defaults environment with a strong random value for "
                    "each, within its constraints. An existing file is replaced only with --force, and "
                    "then its values are kept: only the missing secrets are added.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    gen.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                     help="template tree, rendered or jinja2 sources (default: the library shipped with "
                          "tht-gen, rendered in memory)")
    gen.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                     help="roles data to render a source tree with (relative to -p unless absolute)")
    gen.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                     help="network data to render a source tree with (relative to -p unless absolute)")
    gen.add_argument("-e", "--environment", dest="environments", action="append", default=[],
                     metavar="FILE",
                     help="environment of the deployment, in merge order (may be repeated): the services "
                          "it enables add their secrets; what it sets is not generated")
    gen.add_argument("-o", "--output-file", dest="output", metavar="FILE", required=True,
                     help="the environment to write (mode 0600)")
    gen.add_argument("--force", action="store_true",
                     help="update an existing file: keep its values, add the missing secrets")
    gen.add_argument("--format", choices=("text", "json"), default="text",
                     help="json: print a summary as JSON (names, never values)")
    gen.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    gen.set_defaults(handler=run_generate)
    parser.set_defaults(handler=lambda args, out: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_generate(args: argparse.Namespace, out: Any) -> int:
    from ..diagnostics import UserError, display_path
    from ..passwords import format_passwords, generate_passwords, read_passwords, write_passwords

    target = Path(args.output)
    shown = display_path(target)
    if target.exists() and not args.force:
        raise UserError.single(shown, "exists; not replacing it (use --force: its values are kept, "
                               "the missing ones added)")
    existing = read_passwords(target) if target.exists() else None
    result = generate_passwords(args.base_path, args.environments, roles_data=args.roles_data,
                                network_data=args.network_data, existing=existing, existing_file=shown)
    out.diagnostics(result.diagnostics)
    if not result.ok:
        print(f"tht-gen passwords generate: {shown} not written", file=sys.stderr)
        return 1
    write_passwords(target, format_passwords(result), force=args.force)
    missing = result.missing_external
    if args.format == "json":
        out.result(json.dumps({
            "file": shown, "generated": result.generated, "kept": result.kept,
            "set_elsewhere": result.set_elsewhere, "external": missing,
            "parameters": [p.name for p in result.parameters],
        }, indent=2))
        return 0
    out.info(f"wrote {shown} (mode 0600): {len(result.values)} values, {len(result.generated)} generated, "
             f"{len(result.kept)} kept")
    for name, file in sorted(result.set_elsewhere.items()):
        out.info(f"  {name}: set by {file}, not generated")
    if missing:
        print(f"tht-gen passwords generate: set these yourself (credentials of systems outside the "
              f"overcloud, listed in {shown}): {', '.join(missing)}", file=sys.stderr)
    return 0
