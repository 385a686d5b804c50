"""``tht-gen lint``: rule-based checks of Heat template trees, with exact locations.

The API is :func:`lint`, which returns a :class:`LintReport` and never prints.
Rules live in :mod:`tht_gen.lint.rules` (one module per area); output formats
in :mod:`tht_gen.lint.formatters`; the configuration file in
:mod:`tht_gen.lint.config`.

Kept light: importing this package (every ``tht-gen`` command does, through
``tht_gen``) must not import the rules and the engine; :func:`lint` does, on
its first call.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import LintConfig
    from .engine import LintReport, TreePass

__all__ = ["RULES", "LintConfig", "LintReport", "LintedTree", "TreePass", "find_config", "lint",
           "load_config"]

_LAZY = {"RULES": "rules", "LintConfig": "config", "find_config": "config",
         "load_config": "config", "LintReport": "engine", "LintedTree": "engine",
         "TreePass": "engine"}


def lint(
    paths: Sequence[str | os.PathLike[str]] = (),
    *,
    config: LintConfig | str | os.PathLike[str] | None = None,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    rules: Sequence[str] | None = None,
    passes: Sequence[TreePass] = (),
    cache: bool = True,
    uses: Sequence[str | os.PathLike[str]] = (),
    heat: bool = False,
) -> LintReport:
    """Lint template trees and files; return a :class:`LintReport`. Never prints or exits.

    ``paths`` are folders (a rendered tree, or a source tree, rendered in
    memory first with ``roles_data`` and ``network_data``) or single files
    (default: the current folder). ``config`` is a :class:`LintConfig`, a
    configuration file, or None to look for ``.tht-gen.yaml`` upward from
    the first path. ``jobs`` is the number of worker processes (default: the
    number of cores). ``rules`` limits the run to these rule ids or names.
    ``passes`` are engine-level passes run over each folder after the rules
    (the hook for whole-tree checks such as Heat's own validation).
    ``cache`` reuses the results of files unchanged since the last run
    (tht_gen.lint.cache); the findings are the same either way. ``uses``
    names files the deployment uses besides the default entry points
    (environments passed to Heat with ``-e``, say): errors in files that
    nothing in use reaches are reported as warnings (tht_gen.lint.reach).
    ``heat`` adds OpenStack Heat's own validation of each folder, with
    ``uses`` as its environments (tht_gen.heat.validate_tree; needs the
    ``tht-gen[heat]`` extra, else a usage error).
    Bad usage (a missing path, a bad configuration) comes back as a report
    with ``usage_error`` set and exit code 2.
    """
    from .engine import lint as run

    return run(paths, config=config, roles_data=roles_data, network_data=network_data,
               jobs=jobs, rules=rules, passes=passes, cache=cache, uses=uses, heat=heat)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
