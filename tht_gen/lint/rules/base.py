"""The rule contract: rules find problems by document path; the engine does the rest.

A rule is a class with a stable ``id`` (a letter for its area and three
digits), a ``name`` (usable wherever an id is), a one-line ``summary`` and a
``default_level``; its docstring is its user documentation (what it checks,
why, and a FAIL example; see tools/gen_rule_docs.py). A rule never deals
with lines, severities or suppression: it yields :class:`Finding` objects
with a document path, and the engine turns them into located diagnostics.

Two scopes:

* :class:`Rule` checks one file at a time (``check``), in a worker process,
  on a document parsed once and shared by every rule.
* :class:`TreeRule` checks across files: ``collect`` runs per file in the
  workers and returns small picklable facts; ``check_tree`` runs once in the
  main process over every file's facts. Tree rules run when a folder is
  linted (the tree), not on single files.

Adding a rule is adding a class in a module under ``tht_gen/lint/rules/``:
the registry finds every concrete subclass.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ...diagnostics import PathElement, Severity
from ...model.classify import FileKind
from ...model.environment import Environment
from ...model.hot import HotTemplate
from ...model.roles import RolesData
from ...yamlio import Document

DocPath = tuple[PathElement, ...]


@dataclass(frozen=True)
class Finding:
    """A problem at a document path. ``file`` is set only by tree rules (the file it is in)."""

    path: DocPath
    message: str
    hint: str | None = None
    # "key": point at the mapping key (where a person reads ``resources.Foo``);
    # "value": at the value (the wrong argument itself).
    prefer: str = "key"
    file: str | None = None
    # a position already known (line, column), for findings that are not about a path
    at: tuple[int, int] | None = None


class Tree:
    """What rules may ask about the tree being linted: which files exist."""

    def __init__(self, files: frozenset[str], root: str | None,
                 template_roots: tuple[str, ...] = (), complete: bool = True) -> None:
        self.files = files          # posix paths relative to the root
        self.root = root            # a real folder, or None for an in-memory rendering
        self.template_roots = template_roots
        # False when only some files were given (single files): ask the file system
        self.complete = complete

    def resolve(self, origin: str, reference: str) -> str | None:
        """The tree path a reference written in file ``origin`` names; None when it cannot be
        known here (a URL, an absolute path outside the known template roots)."""
        if "://" in reference:
            if not reference.startswith("file://"):
                return None
            reference = reference[len("file://"):]
        if reference.startswith("/"):
            for prefix in self.template_roots:
                prefix = prefix.rstrip("/") + "/"
                if reference.startswith(prefix):
                    return posixpath.normpath(reference[len(prefix):])
            return None
        return posixpath.normpath(posixpath.join(posixpath.dirname(origin), reference))

    def exists(self, relative: str) -> bool:
        if relative in self.files:
            return True
        if self.root is not None and (not self.complete or relative.startswith("../")):
            # Outside the linted folder, or no folder listing: ask the file system.
            return os.path.isfile(os.path.join(self.root, relative))
        return False


@dataclass
class FileContext:
    """One parsed file, shared by every rule that checks it."""

    file: str  # posix path relative to the linted root
    kind: FileKind
    doc: Document
    tree: Tree
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    _template: HotTemplate | None = None
    _environment: Environment | None = None
    _roles: RolesData | None = None

    @property
    def data(self) -> Any:
        return self.doc.data

    @property
    def template(self) -> HotTemplate:
        if self._template is None:
            self._template = HotTemplate(self.doc.data)
        return self._template

    @property
    def environment(self) -> Environment:
        if self._environment is None:
            self._environment = Environment(self.doc.data)
        return self._environment

    @property
    def roles(self) -> RolesData:
        if self._roles is None:
            self._roles = RolesData(self.doc.data, self.file, self.doc, self.doc.text)
        return self._roles

    def option(self, rule: Rule, name: str) -> Any:
        own = self.options.get(rule.id, {})
        if name in own:
            return own[name]
        return rule.options.get(name)

    def key_positions(self, path: DocPath, field: str | None = None) -> dict[str, tuple[int, int]]:
        """(line, column) of each key of the mapping at ``path``, in one pass; with ``field``,
        of that key inside each entry (the key itself when the entry lacks it). For facts
        that tree rules report from the main process, where the document is not at hand."""
        return {k: (m.line, m.column) for k, m in self.doc.key_marks(path, field).items()}


class Rule:
    """A per-file rule. Subclasses set the class attributes and implement :meth:`check`."""

    id: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_level: ClassVar[Severity] = Severity.ERROR
    # which kinds of file the rule reads
    kinds: ClassVar[frozenset[FileKind]] = frozenset({FileKind.HOT})
    # default options, overridable per rule in the configuration file
    options: ClassVar[dict[str, Any]] = {}
    # reported by the engine itself (e.g. YAML syntax), not by check()
    engine_reported: ClassVar[bool] = False

    def prepare(self) -> None:
        """Called once before any file is linted: a place to start slow work early
        (U006 starts its Ansible probe). Nothing by default."""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        return iter(())


class TreeRule(Rule):
    """A rule across files: per-file facts in the workers, one check over all of them."""

    def collect(self, ctx: FileContext) -> Any:
        """Small, picklable facts about one file (None: nothing to say)."""
        return None

    def check_tree(self, tree: TreeFacts) -> Iterator[Finding]:
        return iter(())


@dataclass
class TreeFacts:
    """Every file's kind and each tree rule's collected facts, for ``check_tree``."""

    tree: Tree
    kinds: dict[str, FileKind]
    facts: dict[str, dict[str, Any]]  # rule id -> {file -> facts}
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def of(self, rule: Rule) -> dict[str, Any]:
        return self.facts.get(rule.id, {})

    def option(self, rule: Rule, name: str) -> Any:
        own = self.options.get(rule.id, {})
        return own[name] if name in own else rule.options.get(name)


def describe(value: Any) -> str:
    """A short, readable rendering of a value for messages."""
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


Walker = Callable[[Any], Iterator[tuple[DocPath, Any]]]
