"""tht_gen: composable OpenStack Heat templates, rendered, checked and shipped.

The stable Python API (ARCHITECTURE.md section 4). Everything here returns
values and never prints or exits; the ``tht-gen`` command is a thin layer
over it.
"""

__version__ = "0.1.0"

from .diagnostics import Diagnostic, Location, Severity
from .library import Library, shipped_library
from .render import RenderResult, render

__all__ = [
    "Diagnostic",
    "Library",
    "Location",
    "RenderResult",
    "Severity",
    "__version__",
    "render",
    "shipped_library",
]
