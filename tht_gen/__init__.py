"""tht_gen: composable OpenStack Heat templates, rendered, checked and shipped.

The stable Python API (ARCHITECTURE.md section 4). Everything here returns
values and never prints or exits; the ``tht-gen`` command is a thin layer
over it. ``render`` and ``lint`` are functions here; their implementation
packages are reached with ``from tht_gen.render import engine`` and the like.
"""

__version__ = "0.1.0"

from .diagnostics import Diagnostic, Location, Report, Severity
from .interface import explain_environments, list_environments, parameters
from .library import Library, shipped_library
from .lint import LintReport, lint
from .render import RenderResult, render

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
