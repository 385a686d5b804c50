"""OpenStack Heat itself, used to prove a template tree: in-process checks and a local server.

Heat (the ``openstack-heat`` package, the ``tht-gen[heat]`` extra) is heavy
and optional, so nothing here imports it at module level: :func:`validate_tree`
imports it on first use and raises :class:`HeatUnavailable` with an install
hint when it is missing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .availability import HeatUnavailable, heat_available, require_heat
    from .validate import HeatValidation, validate_tree

__all__ = ["HeatUnavailable", "HeatValidation", "heat_available", "require_heat", "validate_tree"]

# Imported on first use: code that only asks whether Heat is installed
# (.availability) should not load the validation glue and its HTTP client.
_LAZY = {"HeatUnavailable": "availability", "heat_available": "availability",
         "require_heat": "availability", "HeatValidation": "validate", "validate_tree": "validate"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
