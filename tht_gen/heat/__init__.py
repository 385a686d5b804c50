"""OpenStack Heat itself, used to prove a template tree: in-process checks and a local server.

Heat (the ``openstack-heat`` package, the ``tht-gen[heat]`` extra) is heavy
and optional, so nothing here imports it at module level: :func:`validate_tree`
imports it on first use and raises :class:`HeatUnavailable` with an install
hint when it is missing.
"""

from __future__ import annotations

from .availability import HeatUnavailable, heat_available, require_heat
from .validate import HeatValidation, validate_tree

__all__ = ["HeatUnavailable", "HeatValidation", "heat_available", "require_heat", "validate_tree"]
