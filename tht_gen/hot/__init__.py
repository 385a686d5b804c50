"""Facts about Heat's HOT format: versions, their sections, and their intrinsic functions."""

from .versions import HotVersion, all_versions, function_introduced, resolve_version

__all__ = ["HotVersion", "all_versions", "function_introduced", "resolve_version"]
