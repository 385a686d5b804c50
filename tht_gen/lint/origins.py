"""Where a finding in a file rendered in memory came from: the jinja2 source line.

Only findings pay for this: each rendered file with findings is rendered once
more with tracing (tht_gen.render.errors), in the main process.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..diagnostics import Diagnostic, Location


def add_origins(diagnostics: list[Diagnostic], targets: list[Any]) -> list[Diagnostic]:
    """``diagnostics`` with ``origin`` filled in where a rendered file's line has a source."""
    out = list(diagnostics)
    for target in targets:
        if target.sources is None or target.root is None:
            continue
        plan, roles_data, network_data = target.sources
        if plan is None:
            continue
        by_output = {job.output: job for job in plan.rendered}
        wanted = [i for i, d in enumerate(out) if d.origin is None and
                  d.location.file.startswith(target.prefix) and
                  d.location.file[len(target.prefix):] in by_output]
        if not wanted:
            continue
        try:
            tracer = _Tracer(target.root, roles_data, network_data)
        except Exception:
            continue
        for i in wanted:
            d = out[i]
            relative = d.location.file[len(target.prefix):]
            text = target.read(relative)
            if text is None:
                continue
            found = tracer.source(by_output[relative], text, d.location.line or 1,
                                  d.location.column or 1)
            if found is not None:
                origin = Location(target.display(found[0]), found[1])
                out[i] = Diagnostic(d.location, d.rule_id, d.severity, d.message, origin, d.hint)
    return out


class _Tracer:
    """The renderer's view of a source tree: its jinja2 environment and each job's context."""

    def __init__(self, root: Path, roles_data: Any, network_data: Any) -> None:
        from ..library import resolve_library
        from ..render import engine
        from ..render.data import DEFAULT_NETWORK_DATA, DEFAULT_ROLES_DATA, load_tree_data
        from ..render.environment import TreeEnvironment

        library = resolve_library(root)
        base = library.root
        roles_path = engine._resolve_data_path(base, roles_data, (DEFAULT_ROLES_DATA,), True)
        networks_path = engine._resolve_data_path(base, network_data, DEFAULT_NETWORK_DATA,
                                                  True)
        data = load_tree_data(roles_path, os.fspath(roles_path), networks_path,
                              os.fspath(networks_path))
        files, _ = engine._walk(library, [])
        self.env = TreeEnvironment(base, frozenset(files), use_cache=False)
        self.state: Any = SimpleNamespace(
            sources={}, roles=data.roles, networks=data.networks,
            role_by_name={str(r["name"]): r for r in data.roles},
            network_by_name={str(n["name"]): n for n in data.networks},
        )
        self._context = engine._context

    def source(self, job: Any, text: str, line: int, column: int) -> tuple[str, int] | None:
        from ..render.errors import source_of_output_line

        if job.source not in self.state.sources:
            self.state.sources[job.source] = self.env.load_source(job.source)
        template = self.env.get_template(job.source)
        context = self._context(self.state, job)
        return source_of_output_line(template, context, text, line, column)
