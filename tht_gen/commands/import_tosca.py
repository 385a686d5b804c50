"""``tht-gen import-tosca``: a TOSCA Simple Profile template as a composable service template."""

from __future__ import annotations

import argparse
import json
from typing import Any

ORDER = 70

EXAMPLES = """\
examples:
  tht-gen import-tosca metrics.yaml --service MetricsStore
        writes services/metrics-store/metrics-store.yaml and
        environments/services/metrics-store.yaml into the current folder
  tht-gen import-tosca metrics.yaml --service MetricsStore -o ~/my-tree \\
        --package metrics-agent --unit metrics-agent --puppet-class profile::metrics
  tht-gen import-tosca metrics.yaml --service MetricsStore --dry-run --format json

Then list OS::TripleO::Services::MetricsStore in the ServicesDefault of the roles that
run it, and deploy with -e environments/services/metrics-store.yaml.

exit status: 0 written, 1 the TOSCA template is rejected (each problem with its file
and line) or the result does not lint clean (nothing written), 2 bad usage, an
unreadable file, heat-translator missing, or an output file that exists (see --force)
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import-tosca", help="translate a TOSCA template into a composable service template",
        description=(
            "Translate a TOSCA Simple Profile template into HOT with heat-translator and wrap it as a "
            "composable service template of the library's contract: the standard parameters plus one "
            "parameter per TOSCA input (named <Service><Input>; secrets hidden), the translated "
            "resources, and role_data whose config_settings are the template's outputs (one hiera "
            "key <service_name>::<output> each), a step_config, and upgrade tasks gated on their "
            "steps. An environment registers it as OS::TripleO::Services::<Service>. Both files are "
            "linted before they are written."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE.yaml", help="the TOSCA Simple Profile template")
    parser.add_argument("--service", required=True, metavar="NAME",
                        help="the service's name, CamelCase (OS::TripleO::Services::NAME)")
    parser.add_argument("-o", "--output", default=".", metavar="DIR",
                        help="the template tree to write into (default: the current folder)")
    parser.add_argument("--puppet-class", metavar="CLASS",
                        help="the puppet profile step_config includes (default: "
                             "tripleo::profile::base::<service_name>)")
    parser.add_argument("--package", dest="packages", action="append", default=[], metavar="NAME",
                        help="a package the upgrade and update tasks update at step 3 (may be repeated)")
    parser.add_argument("--unit", dest="units", action="append", default=[], metavar="NAME",
                        help="a systemd unit the upgrade tasks check (step 0) and stop (step 1), and the "
                             "update tasks restart when its packages changed (may be repeated)")
    parser.add_argument("--force", action="store_true", help="replace files that exist")
    parser.add_argument("-d", "--dry-run", action="store_true", help="translate and check; write nothing")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    import sys

    from ..tosca import import_tosca
    from ..tosca.wrap import SERVICE_NAME

    if not SERVICE_NAME.match(args.service):
        print(f"tht-gen import-tosca: --service {args.service!r}: use a CamelCase name of letters and digits "
              "(it becomes OS::TripleO::Services::NAME), e.g. MetricsStore", file=sys.stderr)
        return 2

    result = import_tosca(args.file, args.service, output_dir=args.output, puppet_class=args.puppet_class,
                          packages=args.packages, units=args.units, force=args.force, write=not args.dry_run)
    if args.format == "json":
        out.result(json.dumps({
            "service": args.service,
            "output": args.output,
            "files": sorted(result.files),
            "written": result.written,
            "diagnostics": [d.to_json() for d in result.diagnostics],
        }, indent=2))
        return result.exit_code
    out.diagnostics(result.diagnostics)
    if not result.ok:
        out.info("nothing written")
        return result.exit_code
    if args.dry_run:
        for name in sorted(result.files):
            out.result(f"would write {name}")
        return 0
    for name in result.written:
        out.info(f"wrote {name}")
    out.info(f"next: list OS::TripleO::Services::{args.service} in the ServicesDefault of the roles that run it, "
             f"and deploy with -e {result.environment_path}")
    if not args.puppet_class:
        out.info(f"note: step_config includes ::tripleo::profile::base::{_snake(args.service)}: write that puppet "
                 "class, or name an existing one with --puppet-class")
    return 0


def _snake(name: str) -> str:
    from ..tosca.wrap import snake_case

    return snake_case(name)
