"""A read-only view of a Heat environment file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..diagnostics import PathElement

Path = tuple[PathElement, ...]

# Targets that are resource types (Heat's own or another registry key), not files.
NONE_TYPES = frozenset({"OS::Heat::None"})


@dataclass(frozen=True)
class RegistryEntry:
    """One ``resource_registry`` mapping: ``key`` (a type name, or a resource name under
    ``resources:``) to ``target`` (a template file, another type name, or null)."""

    key: str
    target: Any
    path: Path
    resource: str | None = None  # set for entries under ``resources: {<name>: {...}}``

    @property
    def target_is_file(self) -> bool:
        return isinstance(self.target, str) and is_template_reference(self.target)


def is_template_reference(type_name: str) -> bool:
    """Whether a resource type or registry target names a template file rather than a type.

    Heat treats a type ending in ``.yaml`` or ``.template`` as a template
    resource (heat.engine.environment: the file-name test of the registry).
    """
    return type_name.endswith((".yaml", ".template", ".yml"))


class Environment:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @cached_property
    def parameter_defaults(self) -> dict[str, Any]:
        value = self.data.get("parameter_defaults")
        return value if isinstance(value, dict) else {}

    @cached_property
    def parameters(self) -> dict[str, Any]:
        value = self.data.get("parameters")
        return value if isinstance(value, dict) else {}

    @cached_property
    def registry(self) -> list[RegistryEntry]:
        section = self.data.get("resource_registry")
        if not isinstance(section, dict):
            return []
        entries: list[RegistryEntry] = []
        for key, target in section.items():
            path: Path = ("resource_registry", key)
            if key == "resources" and isinstance(target, dict):
                for resource, mapping in target.items():
                    if not isinstance(mapping, dict):
                        continue
                    for sub_key, sub_target in mapping.items():
                        if isinstance(sub_key, str) and not sub_key.startswith("hooks"):
                            entries.append(RegistryEntry(
                                sub_key, sub_target,
                                ("resource_registry", "resources", resource, sub_key),
                                str(resource)))
                continue
            entries.append(RegistryEntry(str(key), target, path))
        return entries

    @cached_property
    def registered_types(self) -> dict[str, RegistryEntry]:
        """Type name -> entry, for the top-level (not per-resource) entries."""
        return {e.key: e for e in self.registry if e.resource is None}
