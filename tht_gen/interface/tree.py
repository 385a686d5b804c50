"""A template tree as the interface commands read it: rendered in memory when it is a source tree.

Files are addressed by absolute, normalised posix paths, so that environment
files outside the tree and references that climb out of it (``../``) are
handled like any other. What is rendered in memory is read from the render's
output; everything else from the disk. Nothing is ever written.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity, UserError
from ..yamlio import Document, YamlSyntaxError, load_document

ROOT_TEMPLATE = "overcloud.yaml"
REGISTRY = "overcloud-resource-registry-puppet.yaml"
# Where TripleO installs its templates: environments written for a deployment
# name templates by absolute paths under it (lint's template_roots default).
DEFAULT_TEMPLATE_ROOTS = ("/usr/share/openstack-tripleo-heat-templates",)
TEMPLATE_SUFFIXES = (".yaml", ".template")  # what Heat takes for a template resource
_VERSION_KEYS = ("heat_template_version", "HeatTemplateFormatVersion", "AWSTemplateFormatVersion")


@dataclass
class Loaded:
    """A YAML file of the tree, parsed once."""

    path: str  # absolute
    document: Document | None  # None when it could not be parsed (see ``error``)
    error: Diagnostic | None = None

    @property
    def data(self) -> Any:
        return self.document.data if self.document is not None else None

    @property
    def is_template(self) -> bool:
        """Whether Heat parses it as a template (a mapping with a template version key)."""
        data = self.data
        return isinstance(data, dict) and any(k in data for k in _VERSION_KEYS)


@dataclass
class TemplateTree:
    """The files of one tree (``root``), some rendered in memory (``overlay``)."""

    root: Path
    overlay: dict[str, bytes] = field(default_factory=dict)  # absolute posix path -> bytes
    origins: dict[str, str] = field(default_factory=dict)   # rendered file (relative) -> its jinja2 source
    roles: list[str] = field(default_factory=list)
    rendered_in_memory: bool = False
    template_roots: tuple[str, ...] = DEFAULT_TEMPLATE_ROOTS
    _cache: dict[str, Loaded] = field(default_factory=dict, repr=False)

    @property
    def root_path(self) -> str:
        return _norm(os.fspath(self.root.resolve()))

    def path(self, relative: str) -> str:
        return _norm(posixpath.join(self.root_path, relative))

    def exists(self, path: str) -> bool:
        return path in self.overlay or os.path.isfile(path)

    def read(self, path: str) -> str | None:
        data = self.overlay.get(path)
        if data is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                return None
        return data.decode("utf-8", errors="replace")

    def load(self, path: str) -> Loaded | None:
        """The parsed file at ``path``; None when there is no such file."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        text = self.read(path)
        if text is None:
            return None
        try:
            loaded = Loaded(path, load_document(text))
        except YamlSyntaxError as exc:
            loaded = Loaded(path, None, Diagnostic(Location(self.display(path), exc.line, exc.column),
                                                   "S000", Severity.ERROR, exc.message))
        self._cache[path] = loaded
        return loaded

    def display(self, path: str) -> str:
        """``path`` relative to the tree when inside it, else relative to the current folder, else as is."""
        root = self.root_path
        if path.startswith(root + "/"):
            return path[len(root) + 1:]
        cwd = _norm(os.getcwd())
        if path.startswith(cwd + "/"):
            return path[len(cwd) + 1:]
        return path

    def source_of(self, path: str) -> str | None:
        """The jinja2 source a file rendered in memory came from."""
        return self.origins.get(self.display(path)) if path in self.overlay else None

    def resolve(self, origin: str, reference: str, base_url: str | None = None) -> str | None:
        """The absolute path a reference written in file ``origin`` names, as the client resolves it;
        None for a URL that is not a file, or an absolute path it cannot map to the tree."""
        if base_url:
            reference = posixpath.join(base_url, reference) if "://" not in reference else reference
        if "://" in reference:
            if not reference.startswith("file://"):
                return None
            reference = reference[len("file://"):]
        if reference.startswith("/"):
            for prefix in self.template_roots:
                prefix = prefix.rstrip("/") + "/"
                if reference.startswith(prefix):
                    return self.path(reference[len(prefix):])
            return _norm(reference)
        return _norm(posixpath.join(posixpath.dirname(origin), reference))

    def find_environment(self, given: str | os.PathLike[str]) -> str:
        """An environment file given on the command line: absolute, or relative to the current
        folder when it is there, else relative to the tree (where a rendering in memory has it).
        A jinja2 source (``*.j2.yaml``) of the tree means its rendering."""
        text = os.fspath(given)
        candidates = [_norm(text)] if os.path.isabs(text) else [_norm(os.path.abspath(text)), self.path(text)]
        for candidate in candidates:
            if candidate.endswith(".j2.yaml"):
                rendered = candidate[: -len(".j2.yaml")] + ".yaml"
                if rendered in self.overlay:
                    return rendered
            if self.exists(candidate):
                return candidate
        raise UserError([Diagnostic(Location(text), "H700", Severity.ERROR,
                                    "environment file not found (looked in the current folder "
                                    f"and in the tree {self.root_path})")], exit_code=2)


def _norm(path: str) -> str:
    return posixpath.normpath(path.replace(os.sep, "/")) if os.sep != "/" else posixpath.normpath(path)


def open_tree(base_path: str | os.PathLike[str] | None = None, roles_data: Any = None,
              network_data: Any = None) -> TemplateTree:
    """The tree at ``base_path`` (default: the shipped library), rendered in memory first when it is
    a jinja2 source tree (no ``overcloud.yaml``, or roles or network data given), as the Heat
    commands treat it. Raises :class:`UserError` when it cannot be rendered."""
    from ..library import resolve_library
    from ..render import render

    root = resolve_library(None if base_path is None else Path(base_path)).root
    tree = TemplateTree(root)
    rendered_already = (root / ROOT_TEMPLATE).exists() and roles_data is None and network_data is None
    plan_roles: list[str] = []
    if not rendered_already and (root / "overcloud.j2.yaml").exists():
        # In this process (jobs=1): as fast for a tree this size, and no fork inside a program
        # that embeds the API (a user interface's server, a process that imported Heat).
        result = render(base_path, roles_data, network_data, dry_run=True, keep_contents=True, jobs=1)
        errors = [d for d in result.diagnostics if d.severity >= Severity.ERROR]
        if errors or result.usage_error:
            raise UserError(errors or [Diagnostic(Location(os.fspath(base_path or ".")), "R000",
                                                  Severity.ERROR, "the tree could not be rendered")],
                            exit_code=2 if result.usage_error else 1)
        out = _norm(os.fspath(result.output_root.resolve()))
        tree.overlay = {_norm(posixpath.join(out, rel)): data for rel, data in (result.contents or {}).items()}
        tree.rendered_in_memory = True
        if result.plan is not None:
            tree.origins = {job.output: job.source for job in result.plan.rendered}
            plan_roles = sorted({job.role for job in result.plan.jobs if job.role})
    named = _role_names(tree, roles_data)
    # The roles data file's order when it is the one rendered; the rendering's roles otherwise.
    tree.roles = named if not plan_roles or sorted(named) == plan_roles else plan_roles
    return tree


def _role_names(tree: TemplateTree, roles_data: Any) -> list[str]:
    """The roles of the roles data given, else of the tree's roles_data.yaml."""
    candidates = []
    if roles_data is not None:
        given = os.fspath(roles_data)
        candidates.append(given if os.path.isabs(given) or os.path.isfile(given) else tree.path(given))
    candidates.append(tree.path("roles_data.yaml"))
    for candidate in candidates:
        text = tree.read(_norm(os.path.abspath(candidate)))
        if text is None:
            continue
        try:
            data = load_document(text).data
        except YamlSyntaxError:
            continue
        if isinstance(data, list):
            return [str(r["name"]) for r in data if isinstance(r, dict) and isinstance(r.get("name"), str)]
    return []
