"""``tht-gen render``: a drop-in for tripleo-heat-templates' tools/process-templates.py."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from ..diagnostics import display_path
from ..render import render

if TYPE_CHECKING:
    from ..render.engine import RenderResult

ORDER = 10

EXAMPLES = """\
examples:
  tht-gen render -o out                      render the shipped library into out/
  tht-gen render -p ~/tht -o /tmp/t          render an upstream-style tree, like process-templates.py
  tht-gen render -p ~/tht -r roles_data.yaml -n network_data.yaml --check
                                             exit 1 if the committed rendering is stale
  tht-gen render -o out --strict             undefined variables are errors, not warnings
  tht-gen render -p ~/tht -c                 delete the files a render would generate

exit status: 0 success, 1 template errors or stale files, 2 bad usage or unreadable input
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "render",
        help="render jinja2 sources into a Heat template tree",
        description=(
            "Render *.role.j2.yaml once per role, *.network.j2.yaml once per enabled network "
            "and every other *.j2.yaml once, exactly as tripleo-heat-templates' "
            "process-templates.py does; check that every rendered file is YAML; write "
            "atomically, and only files whose content changed."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-p", "--base_path", "--base-path", dest="base_path", metavar="DIR",
                        help="template tree (default: the library shipped with tht-gen)")
    parser.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                        help="roles data, relative to -p unless absolute (default: roles_data.yaml)")
    parser.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                        help="network data, relative to -p unless absolute (default: "
                             "network_data.yaml, else network-data-samples/"
                             "default-network-isolation.yaml)")
    parser.add_argument("-o", "--output-dir", dest="output_dir", metavar="DIR",
                        help="write the rendered tree here, with every other file copied "
                             "(default: in place, next to the sources)")
    parser.add_argument("--safe", action="store_true",
                        help="never overwrite: fail if any output file exists")
    parser.add_argument("-c", "--clean", action="store_true",
                        help="delete the generated files instead of rendering")
    parser.add_argument("-d", "--dry-run", action="store_true",
                        help="render and check, list the files that would be written, write nothing")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files whose rendering is stale")
    parser.add_argument("-j", "--jobs", type=_positive, metavar="N", default=None,
                        help="parallel jobs (default: the number of cores)")
    parser.add_argument("--strict", action="store_true",
                        help="treat undefined variables that reach the output as errors")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not use or update the compiled-template cache")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every file written")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _Progress:
    """A one-line progress bar on a terminal, only for runs long enough to need one."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < 0.5 or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\rrendering [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def run(args: argparse.Namespace, out: Any) -> int:
    if args.base_path is None and args.output_dir is None and not args.check and not args.dry_run:
        print("tht-gen render: the shipped library is not rendered in place; give -o DIR "
              "(or -p DIR for your own tree)", file=sys.stderr)
        return 2
    progress = _Progress(sys.stderr.isatty() and not args.quiet and args.format == "text")
    result = render(
        args.base_path, args.roles_data, args.network_data, args.output_dir,
        safe=args.safe, clean=args.clean, dry_run=args.dry_run, check=args.check,
        jobs=args.jobs, strict=args.strict, use_cache=not args.no_cache, progress=progress,
    )
    progress.close()
    if args.format == "json":
        out.result(json.dumps(_as_json(result, args), indent=2))
        return result.exit_code
    shown = result.diagnostics if not args.quiet else [
        d for d in result.diagnostics if str(d.severity) == "error"]
    out.diagnostics(shown)
    _summary(result, args, out)
    return result.exit_code


def _as_json(result: RenderResult, args: argparse.Namespace) -> dict[str, Any]:
    plan = result.plan
    return {
        "output": os.fspath(result.output_root),
        "rendered": [j.output for j in plan.rendered] if plan else [],
        "copied": [j.output for j in plan.copies] if plan else [],
        "written": result.written,
        "unchanged": result.unchanged,
        "stale": result.stale,
        "deleted": result.deleted,
        "seconds": round(result.elapsed, 3),
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }


def _summary(result: RenderResult, args: argparse.Namespace, out: Any) -> None:
    plan = result.plan
    if plan is None:
        return
    where = display_path(result.output_root)
    if args.clean:
        for path in result.deleted:
            out.detail(f"deleted {path}")
        out.info(f"deleted {len(result.deleted)} generated files in {where}")
        return
    if not result.ok:
        out.info(f"render failed: nothing was written to {where}")
        return
    if args.check:
        for path in result.stale:
            out.result(f"stale: {path}")
        if result.stale:
            out.info(f"{len(result.stale)} of {len(plan.jobs)} files in {where} are stale; "
                     f"run tht-gen render to update them")
        else:
            out.info(f"all {len(plan.jobs)} files in {where} are up to date")
        return
    if args.dry_run:
        for job in plan.rendered:
            out.result(f"would render {job.output} from {job.source}")
        out.info(f"dry run: {len(plan.rendered)} files rendered and checked, "
                 f"{len(result.written)} would change in {where}")
        return
    for path in result.written:
        out.detail(f"wrote {path}")
    out.info(
        f"rendered {len(plan.rendered)} files"
        + (f" and copied {len(plan.copies)}" if plan.copies else "")
        + f" into {where}: {len(result.written)} written, {len(result.unchanged)} unchanged "
        f"({result.elapsed:.2f} s)"
    )
