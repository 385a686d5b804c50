"""tht_gen: composable OpenStack Heat templates, rendered, checked and shipped.

The stable Python API (ARCHITECTURE.md section 4). Everything here returns
values and never prints or exits; the ``tht-gen`` command is a thin layer
over it. ``render`` and ``lint`` are functions here; their implementation
packages are reached with ``from tht_gen.render import engine`` and the like.
"""

__version__ = "0.1.0"

import importlib
from typing import Any

from .diagnostics import Diagnostic, Location, Report, Severity
from .library import Library, shipped_library

# The render and lint packages are light (their engines load on first call):
# importing them here binds the names to the functions for good.
from .lint import lint
from .render import render

# Everything else loads when first used: a command pays only for what it runs.
_LAZY = {
    "RenderResult": ".render.engine",
    "LintReport": ".lint.engine",
    "parameters": ".interface",
    "explain_environments": ".interface",
    "list_environments": ".interface",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Diagnostic",
    "Library",
    "LintReport",
    "Location",
    "RenderResult",
    "Report",
    "Severity",
    "__version__",
    "explain_environments",
    "lint",
    "list_environments",
    "parameters",
    "render",
    "shipped_library",
]
