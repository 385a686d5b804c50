"""Rendering jinja2 template trees into Heat templates (see :func:`render`).

Kept light: importing this package (every ``tht-gen`` command does, through
``tht_gen``) must not import jinja2 and the engine; :func:`render` does, on
its first call.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import ProgressCallback, RenderResult

__all__ = ["Job", "Plan", "RenderResult", "make_plan", "render"]

_LAZY = {"RenderResult": "engine", "Job": "plan", "Plan": "plan", "make_plan": "plan"}


def render(
    base_path: str | os.PathLike[str] | None = None,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    safe: bool = False,
    clean: bool = False,
    dry_run: bool = False,
    check: bool = False,
    jobs: int | None = None,
    strict: bool = False,
    use_cache: bool = True,
    keep_contents: bool = False,
    progress: ProgressCallback | None = None,
) -> RenderResult:
    """Render a template tree the way tripleo-heat-templates' process-templates.py does.

    ``base_path`` is the tree (default: the shipped library); ``roles_data`` and
    ``network_data`` are relative to it unless absolute; ``output_dir`` is
    where to write (default: in place, next to the sources). ``check`` writes
    nothing and lists stale files; ``dry_run`` renders and checks without
    writing; ``clean`` deletes generated files. ``jobs`` is the number of
    worker processes (default: the number of cores); ``strict`` makes
    undefined variables errors; ``use_cache`` uses the compiled-template
    cache and the output manifest; ``keep_contents`` returns every output's
    bytes on the result; ``progress(done, total)`` is called as files are
    rendered. Never prints, never exits: problems come back as diagnostics
    on the result.
    """
    from .engine import render as run

    return run(base_path, roles_data, network_data, output_dir, safe=safe, clean=clean,
               dry_run=dry_run, check=check, jobs=jobs, strict=strict, use_cache=use_cache,
               keep_contents=keep_contents, progress=progress)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
