"""Which files of a tree the deployment uses: the basis of the severity of findings.

A template tree holds more than one deployment uses: optional environments,
templates an environment may swap in, examples, samples, other roles. A
mistake in those breaks nothing until someone uses the file, so an error
found there is reported as a warning, saying so; naming the file as used
(``tht-gen lint -e FILE``) or setting ``optional_files: error`` in
``.tht-gen.yaml`` makes it an error again.

The files in use are those reachable from the entry points: the root
template (``overcloud.yaml``), the default resource registry, the roles and
network data the tree is rendered with, and what the user names. From a
template, nested template types (resource types that are files, the members
of resource groups and chains) and ``get_file``; from an environment, its
registry targets. A tree with none of the default entry points (not a
TripleO-style tree) has no notion of optional files: everything is in use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model.classify import FileKind
from ..model.environment import is_template_reference

# Found at the root of a rendered tree in the TripleO layout.
DEFAULT_ENTRY_POINTS: tuple[str, ...] = (
    "overcloud.yaml",
    "overcloud-resource-registry-puppet.yaml",
)
# Used too when present: the data a tree is rendered with, by default.
DEFAULT_DATA_FILES: tuple[str, ...] = (
    "roles_data.yaml",
    "network_data.yaml",
)
UPSTREAM_NETWORK_DATA = "network-data-samples/default-network-isolation.yaml"

LINKS = "@links"  # the key of the per-file facts the engine collects


def _group_member_types(properties: Any) -> Iterable[Any]:
    """The member types of OS::Heat::ResourceGroup, AutoScalingGroup and ResourceChain."""
    if not isinstance(properties, dict):
        return
    for key in ("resource_def", "resource"):
        definition = properties.get(key)
        if isinstance(definition, dict):
            yield definition.get("type")
    chain = properties.get("resources")
    if isinstance(chain, list):
        yield from chain


def links(kind: FileKind, ctx: Any) -> list[str] | None:
    """The tree files a template or an environment refers to (None for other kinds)."""
    found: set[str] = set()

    def add(reference: Any, template_only: bool = True) -> None:
        if not isinstance(reference, str) or not reference:
            return
        if template_only and not is_template_reference(reference):
            return
        path = ctx.tree.resolve(ctx.file, reference)
        if path is not None and not path.startswith("../") and path != "..":
            found.add(path)

    if kind is FileKind.HOT:
        template = ctx.template
        for resource in template.resources.values():
            add(resource.type)
            for member in _group_member_types(resource.properties):
                add(member)
        for call in template.calls():
            if call.name == "get_file":
                add(call.args, template_only=False)
    elif kind is FileKind.ENVIRONMENT:
        for entry in ctx.environment.registry:
            if entry.target_is_file:
                add(entry.target)
    else:
        return None
    return sorted(found)


def entry_points(files: Iterable[str], extra: Iterable[str] = ()) -> set[str] | None:
    """The entry points present in a tree, or None when it has none of the defaults."""
    present = set(files)
    roots = {f for f in DEFAULT_ENTRY_POINTS if f in present}
    if not roots:
        return None
    roots |= {f for f in DEFAULT_DATA_FILES if f in present}
    if "network_data.yaml" not in present and UPSTREAM_NETWORK_DATA in present:
        roots.add(UPSTREAM_NETWORK_DATA)  # what upstream renders with by default
    roots |= {f for f in extra if f in present}
    return roots


def reachable(roots: set[str], graph: Mapping[str, Iterable[str]]) -> set[str]:
    """Every file reachable from ``roots`` through ``graph`` (file -> files it refers to)."""
    seen = set(roots)
    queue = list(roots)
    while queue:
        for target in graph.get(queue.pop(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
