"""The jinja2 environment: one per run, every template compiled once.

Upstream builds a new Environment for every output file with the search path
``[folder of the file, tree root]`` and the default settings (no
``trim_blocks``, no ``keep_trailing_newline``, plain ``Undefined``). We keep
those settings so that output stays byte-identical, and reproduce the search
path with :meth:`TreeEnvironment.join_path` instead of a new environment per
folder, so that compiled templates are shared across the whole run.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..cachedir import cache_dir


@dataclass(frozen=True)
class UndefinedUse:
    """One use of an undefined value that changed the output."""

    template: str  # loader name, posix, relative to the tree root
    line: int
    column: int
    expression: str
    message: str


# The uses recorded while rendering the current job; None when not recording.
# Module state because jinja2 creates Undefined objects itself, far from any
# object we could hand a sink to; rendering in one process is sequential.
_sink: list[UndefinedUse] | None = None
_sources: dict[str, list[str]] = {}


def start_recording() -> None:
    global _sink
    _sink = []


def stop_recording() -> list[UndefinedUse]:
    global _sink
    uses, _sink = _sink or [], None
    return uses


def _template_frame() -> tuple[jinja2.Template, int] | None:
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _describe(undefined: jinja2.Undefined, template: str, line: int) -> tuple[str, int, str]:
    """The expression as written on the source line (best effort), its column, a message."""
    name = undefined._undefined_name
    obj = undefined._undefined_obj
    text = ""
    lines = _sources.get(template)
    if lines and 0 < line <= len(lines):
        text = lines[line - 1]
    expression = str(name) if name is not None else "value"
    column = 1
    if name is not None:
        if obj is jinja2.utils.missing:
            pattern = re.compile(r"(?<![\w.])" + re.escape(str(name)) + r"\b")
        else:
            pattern = re.compile(
                r"[A-Za-z_][\w.]*(?:\[[^\]]*\])*(?:\.|\[['\"])" + re.escape(str(name)) + r"\b['\"]?\]?")
        match = pattern.search(text)
        if match:
            expression = match.group(0)
            column = match.start() + 1
    if obj is jinja2.utils.missing:
        message = f"'{expression}' is undefined"
    else:
        message = f"'{expression}' is undefined ({jinja2.utils.object_type_repr(obj)} has no "\
                  f"attribute or key {name!r})"
    return expression, column, message


class RecordingUndefined(jinja2.Undefined):
    """Renders like jinja2's default Undefined (empty), and records where it did.

    Only uses that change the output are recorded: printing it and iterating
    over it. Truth tests (``{% if role.tags %}``), ``is defined`` and the
    ``default`` filter are the normal way to handle optional keys and are not.
    """

    __slots__ = ()

    def _record(self) -> None:
        if _sink is None:
            return
        found = _template_frame()
        if found is None:
            return
        template, line = found
        name = template.name or "<string>"
        expression, column, message = _describe(self, name, line)
        _sink.append(UndefinedUse(name, line, column, expression, message))

    def __str__(self) -> str:
        self._record()
        return ""

    def __iter__(self) -> Any:
        self._record()
        return iter(())

    def __len__(self) -> int:
        self._record()
        return 0


class TreeEnvironment(jinja2.Environment):
    """One environment for a whole tree, with upstream's include search order."""

    def __init__(self, root: Path, files: frozenset[str], *, use_cache: bool = True) -> None:
        bcc = None
        if use_cache:
            folder = cache_dir("jinja2")
            if folder is not None:
                bcc = jinja2.FileSystemBytecodeCache(str(folder))
        super().__init__(
            loader=jinja2.FileSystemLoader(str(root)),
            undefined=RecordingUndefined,
            bytecode_cache=bcc,
            auto_reload=False,
            cache_size=-1,
            # The optimizer only folds constants at compile time, to the same
            # values the template would compute; skipping it saves an eighth
            # of compile time, most of a cold run.
            optimized=False,
        )
        self.root = root
        self.files = files

    def join_path(self, template: str, parent: str) -> str:
        # Upstream's loader searches the folder of the file being rendered
        # first, then the tree root.
        folder = posixpath.dirname(parent)
        if folder:
            candidate = posixpath.normpath(posixpath.join(folder, template))
            if candidate in self.files:
                return candidate
        return template

    def has_bytecode(self, name: str) -> bool:
        """Whether the bytecode cache holds a compiled ``name`` (a cheap test: a
        stale entry is found out, and compiled again, when the template loads)."""
        cache = self.bytecode_cache
        if not isinstance(cache, jinja2.FileSystemBytecodeCache):
            return False
        # The key and file name jinja2 gives the entry of a template that
        # FileSystemLoader found under this tree's root.
        filename = os.path.normpath(os.path.join(str(self.root), *name.split("/")))
        key = cache.get_cache_key(name, filename)
        return os.path.isfile(os.path.join(cache.directory, cache.pattern % (key,)))

    def load_source(self, name: str) -> str:
        """Read a template's source once and remember its lines for messages."""
        source, _, _ = self.loader.get_source(self, name)  # type: ignore[union-attr]
        _sources[name] = source.splitlines()
        return source


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
