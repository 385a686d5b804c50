"""What an environment file is for: its title, description and purpose, and the library's list of them.

Heat rejects unknown top-level keys in an environment, so the metadata lives
in the comment block at the top of the file (the form upstream's sample
environment generator writes, plus ``purpose``)::

    # title: Network isolation (IPv4)
    # description: |
    #   Create the isolated networks of network_data.yaml and give every
    #   node a port on each network its role uses.
    # purpose: network

``title`` is one line; ``description`` is a block (``|`` keeps lines, ``>``
folds them) or one line; ``purpose`` is one of :data:`PURPOSES` and groups
the file in ``tht-gen env list`` (without it, the file's folder under
``environments/`` groups it). Other comment lines around them are ignored.
"""

from __future__ import annotations

import os
import posixpath
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..model.classify import FileKind, classify
from ..yamlio import YamlSyntaxError, load_document
from .tree import TemplateTree, open_tree

ENVIRONMENTS_DIR = "environments"
# purpose -> the heading env list shows; the order is the listing's order.
PURPOSES: dict[str, str] = {
    "network": "Networks and network isolation",
    "nic-layout": "NIC layouts",
    "addressing": "Addresses",
    "servers": "Servers and provisioning",
    "services": "Services",
    "storage": "Storage",
    "security": "Security and TLS",
    "lifecycle": "Updates, upgrades and scaling",
    "debug": "Debugging",
    "testing": "Testing and development",
}
OTHER_GROUP = "other"
METADATA_KEYS = ("title", "description", "purpose")
_KEY_LINE = re.compile(r"^(title|description|purpose)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    description: str | None = None
    purpose: str | None = None
    comment: str | None = None  # the leading comment's first paragraph, when there is no metadata
    lines: dict[str, int] = field(default_factory=dict)  # key -> 1-based line of the file


def read_metadata(text: str) -> Metadata:
    """The metadata of the comment block at the top of an environment file (or its jinja2 source)."""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped or stripped.startswith(("{%", "{#")):
            # Blank lines, and jinja2 statements of a source file, before or inside the block.
            if block and not stripped:
                block.append((number, ""))
            continue
        if not stripped.startswith("#"):
            break
        body = stripped[1:]
        block.append((number, body[1:] if body.startswith(" ") else body))
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    index = 0
    while index < len(block):
        number, body = block[index]
        index += 1
        match = _KEY_LINE.match(body)
        if match is None or match.group(1) in values:
            continue
        key, value = match.group(1), match.group(2)
        lines[key] = number
        if value in ("|", ">", "|-", ">-", ""):
            collected: list[str] = []
            while index < len(block) and (block[index][1].startswith((" ", "\t")) or not block[index][1]):
                if not block[index][1] and index + 1 < len(block) and \
                        not block[index + 1][1].startswith((" ", "\t")):
                    break
                collected.append(block[index][1])
                index += 1
            text_value = textwrap.dedent("\n".join(collected)).strip()
            if value.startswith(">"):
                text_value = "\n\n".join(" ".join(p.split()) for p in text_value.split("\n\n"))
            # A lone '|' or '>' with no block under it is the value itself.
            values[key] = text_value or value
        else:
            values[key] = _unquoted(value)
    comment = None
    if not values:
        paragraph: list[str] = []
        for _, body in block:
            if not body.strip() or set(body.strip()) <= set("*=-#"):
                if paragraph:
                    break
                continue
            paragraph.append(body.strip())
        comment = " ".join(paragraph) or None
    return Metadata(values.get("title") or None, values.get("description") or None,
                    values.get("purpose") or None, comment, lines)


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


@dataclass(frozen=True)
class EnvironmentInfo:
    """One environment file of a tree, as ``env list`` shows it."""

    file: str  # relative to the tree: what to give ``-e``
    source: str | None  # the jinja2 source, for a file rendered from one
    metadata: Metadata
    group: str

    @property
    def title(self) -> str | None:
        return self.metadata.title

    @property
    def description(self) -> str | None:
        return self.metadata.description


@dataclass
class EnvironmentList:
    tree: str
    environments: list[EnvironmentInfo]
    diagnostics: list[Diagnostic]

    def groups(self) -> list[tuple[str, str, list[EnvironmentInfo]]]:
        """(group, heading, files), known purposes first in :data:`PURPOSES` order, then folders, then other."""
        by_group: dict[str, list[EnvironmentInfo]] = {}
        for env in self.environments:
            by_group.setdefault(env.group, []).append(env)

        def rank(group: str) -> tuple[int, int, str]:
            if group in PURPOSES:
                return (0, list(PURPOSES).index(group), group)
            return (2, 0, group) if group == OTHER_GROUP else (1, 0, group)

        return [(g, PURPOSES.get(g, g if g != OTHER_GROUP else "Other"), sorted(by_group[g], key=lambda e: e.file))
                for g in sorted(by_group, key=rank)]

    def to_json(self) -> dict[str, Any]:
        return {
            "tree": self.tree,
            "purposes": PURPOSES,
            "groups": [{"group": g, "heading": heading, "environments": [{
                "file": e.file, "source": e.source, "title": e.title, "description": e.description,
                "purpose": e.metadata.purpose, "comment": e.metadata.comment,
            } for e in items]} for g, heading, items in self.groups()],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def list_environments(base_path: str | os.PathLike[str] | None = None, *,
                      roles_data: str | os.PathLike[str] | None = None,
                      network_data: str | os.PathLike[str] | None = None,
                      tree: TemplateTree | None = None) -> EnvironmentList:
    """The environment files under ``environments/`` of a tree (default: the shipped library,
    rendered in memory), with their metadata. Files missing a title or description, or with an
    unknown purpose, are reported as diagnostics (H711)."""
    if tree is None:
        tree = open_tree(base_path, roles_data, network_data)
    infos: list[EnvironmentInfo] = []
    diagnostics: list[Diagnostic] = []
    for path in environment_files(tree):
        text = tree.read(path)
        if text is None:
            continue
        relative = tree.display(path)
        try:
            data = load_document(text).data
        except YamlSyntaxError as exc:
            diagnostics.append(Diagnostic(Location(relative, exc.line, exc.column), "S000", Severity.ERROR,
                                          exc.message))
            continue
        if classify(data) is not FileKind.ENVIRONMENT and data is not None:
            continue
        metadata = read_metadata(text)
        folder = posixpath.dirname(posixpath.relpath(relative, ENVIRONMENTS_DIR))
        group = metadata.purpose or (folder.split("/")[0] if folder else OTHER_GROUP)
        infos.append(EnvironmentInfo(relative, tree.source_of(path), metadata, group))
        diagnostics.extend(metadata_findings(relative, metadata))
    return EnvironmentList(tree.root_path, infos, sorted(diagnostics))


def metadata_findings(file: str, metadata: Metadata) -> list[Diagnostic]:
    """What an environment file's metadata lacks (H711)."""
    out = []
    for key in ("title", "description"):
        if getattr(metadata, key) is None:
            out.append(Diagnostic(Location(file, 1, 1, path=(key,)), "H711", Severity.WARNING,
                                  f"the environment file has no {key} (a '# {key}:' comment at its top)"))
    if metadata.purpose is not None and metadata.purpose not in PURPOSES:
        out.append(Diagnostic(Location(file, metadata.lines.get("purpose", 1), 1, path=("purpose",)), "H711",
                              Severity.WARNING, f"unknown purpose '{metadata.purpose}'",
                              hint="one of: " + ", ".join(PURPOSES)))
    return out


def environment_files(tree: TemplateTree) -> list[str]:
    """Every YAML file under ``environments/`` as Heat would read it: rendered files (not their
    jinja2 sources), and plain files."""
    base = tree.path(ENVIRONMENTS_DIR)
    found = {p for p in tree.overlay if p.startswith(base + "/")}
    folder = Path(base)
    if folder.is_dir():
        for path in folder.rglob("*"):
            name = path.name
            if not path.is_file() or name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            if name.endswith(".j2.yaml"):
                continue  # a jinja2 source: its rendering is what Heat reads
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            found.add(tree.path(posixpath.relpath(path.as_posix(), tree.root_path)))
    return sorted(found)
