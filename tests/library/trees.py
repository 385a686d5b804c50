"""The shipped library, rendered once per test session: with its defaults, and
with every role of roles/ and every network enabled (the data of the
``library-all-roles`` golden case)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tht_gen import render

ROOT = Path(__file__).resolve().parents[2]
ALL_ROLES_CASE = ROOT / "tests" / "golden" / "library-all-roles"

# What a Heat environment may hold (heat.common.environment_format).
ENVIRONMENT_SECTIONS = {"parameters", "parameter_defaults", "resource_registry", "encrypted_param_names",
                        "event_sinks", "parameter_merge_strategies"}

# The registry line services/registry.j2 holds for each service.
_REGISTRY_LINE = re.compile(r"^  (OS::TripleO::Services::\w+): (\S+)$", re.M)


@dataclass(frozen=True)
class Tree:
    """A rendered tree held in memory: every output (rendered or copied) by path."""

    files: dict[str, bytes]
    rendered: frozenset[str]
    roles: tuple[dict[str, Any], ...]
    networks: tuple[dict[str, Any], ...]

    def load(self, name: str) -> Any:
        return yaml.safe_load(self.files[name])

    def templates(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every HOT template of the tree (by content, as Heat would take it)."""
        for name in sorted(self.files):
            if not name.endswith(".yaml"):
                continue
            data = self.load(name)
            if isinstance(data, dict) and "heat_template_version" in data:
                yield name, data

    def environments(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every environment file (by content: a template or another YAML file kept beside
        them is not one)."""
        for name in sorted(self.files):
            if name.startswith("environments/") and name.endswith(".yaml"):
                data = self.load(name)
                if isinstance(data, dict) and data and set(data) <= ENVIRONMENT_SECTIONS:
                    yield name, data

    @property
    def registry(self) -> dict[str, str]:
        data = self.load("overcloud-resource-registry-puppet.yaml")
        return dict(data["resource_registry"])

    @property
    def enabled_networks(self) -> list[dict[str, Any]]:
        return [n for n in self.networks if n.get("enabled", True) is not False]


def _render(roles_data: Path | None, network_data: Path | None) -> Tree:
    # An output folder makes the render include the copied files; a dry run
    # writes nothing there. One job: no fork (Heat's eventlet, imported by the
    # Heat tests of the same session, warns about forks).
    out = Path(tempfile.gettempdir()) / "tht-gen-library-tests-not-written"
    result = render(None, roles_data, network_data, out, dry_run=True,
                    keep_contents=True, strict=True, use_cache=False, jobs=1)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert result.contents is not None and result.plan is not None
    roles = yaml.safe_load((roles_data or ROOT / "roles_data.yaml").read_text())
    networks = yaml.safe_load((network_data or ROOT / "network_data.yaml").read_text())
    return Tree(dict(result.contents), frozenset(j.output for j in result.plan.rendered),
                tuple(roles), tuple(networks))


@cache
def default_tree() -> Tree:
    return _render(None, None)


@cache
def all_roles_tree() -> Tree:
    return _render(ALL_ROLES_CASE / "roles_data.yaml", ALL_ROLES_CASE / "network_data.yaml")


def registered_services() -> dict[str, str]:
    """services/registry.j2 and its per-area fragments: resource type -> template."""
    files = [ROOT / "services" / "registry.j2", *sorted((ROOT / "services").glob("registry-*.j2"))]
    return dict(_REGISTRY_LINE.findall("".join(p.read_text() for p in files)))


def role_files() -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted((ROOT / "roles").glob("*.yaml")):
        for role in yaml.safe_load(path.read_text()) or []:
            found.append((path, role))
    return found


def walk(node: Any) -> Iterator[Any]:
    """Every mapping and list inside a document, depth first."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)
