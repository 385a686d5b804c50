"""Which service types a template tree registers, from its rendered resource registry.

The registry template is jinja2 (upstream's and ours include further
files), so rather than parse sources this renders the tree in memory
(``dry_run=True, keep_contents=True``) and reads the rendered
``overcloud-resource-registry-puppet.yaml``. Environment files of the tree
(plain and rendered) that register services are collected too: a role may
use a service only such an environment registers (upstream's ComputeAlt).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..library import resolve_library
from ..model.roles import SERVICE_PREFIX
from ..render import render
from ..yamlio import YamlSyntaxError, load_data
from . import ServiceRegistry

REGISTRY_TEMPLATE = "overcloud-resource-registry-puppet.j2.yaml"
REGISTRY_OUTPUT = "overcloud-resource-registry-puppet.yaml"


def _services(text: str) -> list[str]:
    if SERVICE_PREFIX not in text:
        return []
    try:
        data = load_data(text)
    except Exception:
        return []
    registry = data.get("resource_registry") if isinstance(data, dict) else None
    if not isinstance(registry, dict):
        return []
    return [k for k in registry if isinstance(k, str) and k.startswith(SERVICE_PREFIX)]


def service_registry(
    base_path: str | os.PathLike[str] | None = None,
) -> tuple[ServiceRegistry | None, list[Diagnostic]]:
    """The services ``base_path`` (default: the shipped library) registers.

    Returns ``(None, diagnostics)`` when the tree cannot be rendered or has no
    registry: callers then skip the registration check rather than report
    every service.
    """
    library = resolve_library(None if base_path is None else Path(base_path))
    result = render(base_path, dry_run=True, keep_contents=True, jobs=1)
    if not result.ok or result.contents is None or REGISTRY_OUTPUT not in result.contents:
        return None, [d for d in result.diagnostics if d.severity >= 3]
    try:
        data: Any = load_data(result.contents[REGISTRY_OUTPUT].decode("utf-8", "replace"))
    except YamlSyntaxError:  # pragma: no cover - the renderer has checked every output already
        return None, []
    registry = data.get("resource_registry") if isinstance(data, dict) else None
    if not isinstance(registry, dict):
        return None, []
    main = frozenset(k for k in registry if isinstance(k, str) and k.startswith(SERVICE_PREFIX))
    environments: dict[str, list[str]] = {}

    def note(name: str, text: str) -> None:
        for service in _services(text):
            if service not in main:
                environments.setdefault(service, []).append(name)

    for name, content in sorted(result.contents.items()):
        if name.startswith("environments/") and name.endswith(".yaml"):
            note(name, content.decode("utf-8", "replace"))
    env_root = library.root / "environments"
    if env_root.is_dir():
        for path in sorted(env_root.rglob("*.yaml")):
            relative = path.relative_to(library.root).as_posix()
            if path.name.endswith(".j2.yaml") or relative in result.contents:
                continue
            try:
                note(relative, path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return ServiceRegistry(main, environments, REGISTRY_OUTPUT), []
