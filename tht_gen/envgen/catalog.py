"""Every parameter the templates of a tree declare, and where: what a generated environment documents.

A jinja2 source tree (the shipped library by default) is rendered in memory
first (:func:`tht_gen.interface.tree.open_tree`), so parameters declared only
by rendered templates (``overcloud.yaml``'s ``<Role>Parameters``) are found
too. Nothing is written.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..interface.tree import TemplateTree, open_tree
from ..model.hot import HotTemplate, Parameter
from ..yamlio import YamlSyntaxError, load_data

_MAYBE_HOT = re.compile(r"^heat_template_version\s*:", re.MULTILINE)
_SKIPPED_DIRS = frozenset({".git", ".tox", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Declaration:
    """One template's declaration of a parameter."""

    template: str  # relative to the tree
    parameter: Parameter

    @property
    def definition(self) -> dict[str, Any]:
        return self.parameter.definition if self.parameter.is_mapping else {}


@dataclass
class Catalog:
    """The HOT templates of a tree (relative path -> template), parsed once."""

    tree: TemplateTree
    templates: dict[str, HotTemplate] = field(default_factory=dict)

    def nested_closure(self, roots: Iterable[str]) -> list[str]:
        """``roots`` and every template they nest (resources whose type is a relative template
        path), depth first, each once."""
        seen: dict[str, None] = {}
        pending = list(reversed(list(roots)))
        while pending:
            name = pending.pop()
            if name in seen or name not in self.templates:
                continue
            seen[name] = None
            nested = []
            for resource in self.templates[name].resources.values():
                kind = resource.type
                if isinstance(kind, str) and kind.endswith((".yaml", ".template")) and "://" not in kind:
                    nested.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), kind)))
            pending.extend(reversed(nested))
        return list(seen)

    def matching(self, pattern: str) -> list[str]:
        """Templates whose path matches a shell pattern (``*`` also crosses folders)."""
        return sorted(name for name in self.templates if fnmatch.fnmatchcase(name, pattern))

    def declarations(self, name: str, first: Iterable[str] = ()) -> list[Declaration]:
        """Every declaration of parameter ``name``: the templates of ``first`` in their order,
        then every other template in path order."""
        order = list(dict.fromkeys(t for t in first if t in self.templates))
        order += [t for t in sorted(self.templates) if t not in set(order)]
        return [Declaration(t, self.templates[t].parameters[name]) for t in order
                if name in self.templates[t].parameters]

    def names(self) -> set[str]:
        return {p for t in self.templates.values() for p in t.parameters}


def build_catalog(base_path: str | os.PathLike[str] | None = None, *,
                  roles_data: str | os.PathLike[str] | None = None,
                  network_data: str | os.PathLike[str] | None = None,
                  tree: TemplateTree | None = None) -> Catalog:
    """The templates of a tree (default: the shipped library), rendered in memory when it is a
    jinja2 source tree. Raises :class:`tht_gen.diagnostics.UserError` when it cannot be rendered."""
    from ..library import resolve_library

    if tree is None:
        tree = open_tree(base_path, roles_data, network_data)
    library = resolve_library(None if base_path is None else Path(base_path))
    catalog = Catalog(tree)
    paths = set(tree.overlay)
    paths.update(tree.path(rel) for rel in _files_on_disk(Path(tree.root_path), library.items))
    for path in sorted(paths):
        text = tree.read(path)
        if text is None or not _MAYBE_HOT.search(text):
            continue
        try:
            data = load_data(text)
        except YamlSyntaxError:
            continue  # lint's business: a catalog documents what can be read
        if isinstance(data, dict) and "heat_template_version" in data:
            catalog.templates[tree.display(path)] = HotTemplate(data)
    return catalog


def _files_on_disk(root: Path, items: tuple[str, ...] | None) -> Iterator[str]:
    """Relative paths of the plain YAML files of a tree (jinja2 sources and hidden files left out);
    for the shipped library, only its own entries."""
    starts = [root / item for item in items] if items is not None else [root]
    for start in starts:
        if start.is_file():
            candidates: Iterable[Path] = [start]
        elif start.is_dir():
            candidates = _walk(start)
        else:
            continue
        for path in candidates:
            name = path.name
            if name.endswith((".yaml", ".yml")) and not name.endswith(".j2.yaml") and not name.startswith("."):
                yield path.relative_to(root).as_posix()


def _walk(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(filenames):
            yield Path(dirpath) / name
