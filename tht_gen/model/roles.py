"""A read-only view of TripleO roles data: the roles, their services, networks and tags.

Roles data is a YAML list of role mappings (``roles_data.yaml``, or one role
per file in a ``roles/`` folder). The views here wrap the data as loaded
(never copy it) and tolerate any shape: a value of the wrong type reads as
absent, and the schema rules report it. Every item knows its document path,
so a finding about it can be turned into a line and column.

Conventions followed are upstream tripleo-heat-templates' (18.0.0): a role's
``networks`` is either a list of network names (the older form; each network
then uses its ``<name_lower>_subnet``) or a mapping ``{NetworkName: {subnet:
subnet_name}}``; the primary role is the first role tagged both ``primary``
and ``controller``, else the first role.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Location, PathElement
from ..yamlio import Document, YamlSyntaxError, load_document

DocPath = tuple[PathElement, ...]

SERVICE_PREFIX = "OS::TripleO::Services::"
# The provisioning network every node has without listing it; roles may name
# it in default_route_networks (upstream's overcloud.j2.yaml does).
CONTROL_PLANE = "ControlPlane"


@dataclass(frozen=True)
class RoleNetwork:
    """One network a role is on: its name, the subnet named for it (None in the list form)."""

    name: str
    subnet: str | None
    path: DocPath  # the mapping key, or the list item


@dataclass(frozen=True)
class Role:
    name: str
    definition: Mapping[str, Any]  # the role's mapping, as written
    path: DocPath  # (index,) in the document

    @property
    def index(self) -> int:
        return int(self.path[-1]) if self.path and isinstance(self.path[-1], int) else 0

    def get(self, key: str, default: Any = None) -> Any:
        return self.definition.get(key, default)

    @property
    def description(self) -> str:
        value = self.definition.get("description")
        return value.strip() if isinstance(value, str) else ""

    @property
    def summary(self) -> str:
        """The description's first sentence or line, for listings."""
        text = " ".join(self.description.split())
        for end in (". ", ".\n"):
            if end in text:
                return text.split(end, 1)[0] + "."
        return text

    @property
    def count_default(self) -> Any:
        return self.definition.get("CountDefault")

    @property
    def hostname_format(self) -> Any:
        return self.definition.get("HostnameFormatDefault")

    @property
    def tags(self) -> tuple[str, ...]:
        return _strings(self.definition.get("tags"))

    @property
    def services(self) -> tuple[str, ...]:
        """``ServicesDefault`` entries that are strings, in order (duplicates kept)."""
        return _strings(self.definition.get("ServicesDefault"))

    def service_items(self) -> Iterator[tuple[str, DocPath]]:
        value = self.definition.get("ServicesDefault")
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield item, (*self.path, "ServicesDefault", i)

    @property
    def networks_form(self) -> str | None:
        """``"list"``, ``"mapping"``, or None when the role lists no networks."""
        value = self.definition.get("networks")
        if isinstance(value, list):
            return "list"
        if isinstance(value, dict):
            return "mapping"
        return None

    @cached_property
    def networks(self) -> tuple[RoleNetwork, ...]:
        value = self.definition.get("networks")
        base = (*self.path, "networks")
        found: list[RoleNetwork] = []
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    found.append(RoleNetwork(item, None, (*base, i)))
        elif isinstance(value, dict):
            for name, spec in value.items():
                if not isinstance(name, str):
                    continue
                subnet = spec.get("subnet") if isinstance(spec, dict) else None
                found.append(RoleNetwork(name, subnet if isinstance(subnet, str) else None,
                                         (*base, name)))
        return tuple(found)

    @property
    def network_names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.networks)

    @property
    def default_route_networks(self) -> tuple[str, ...]:
        return _strings(self.definition.get("default_route_networks"))

    @property
    def networks_skip_config(self) -> tuple[str, ...]:
        return _strings(self.definition.get("networks_skip_config"))

    @property
    def is_primary(self) -> bool:
        """Tagged both ``primary`` and ``controller``: what upstream's templates look for."""
        return "primary" in self.tags and "controller" in self.tags

    @property
    def deprecated_nic_config_name(self) -> Any:
        return self.definition.get("deprecated_nic_config_name")


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


@dataclass
class RolesData:
    """A roles data document: the roles it defines, with positions for findings.

    ``file`` is the path shown in diagnostics. ``data`` is the loaded document
    (any shape); :attr:`roles` holds only the entries that are mappings with a
    string ``name`` (the schema rules report the others).
    """

    data: Any
    file: str = "roles_data.yaml"
    document: Document | None = None
    text: str | None = None

    @cached_property
    def roles(self) -> tuple[Role, ...]:
        if not isinstance(self.data, list):
            return ()
        return tuple(
            Role(item["name"], item, (i,))
            for i, item in enumerate(self.data)
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        )

    def __iter__(self) -> Iterator[Role]:
        return iter(self.roles)

    def __len__(self) -> int:
        return len(self.roles)

    def get(self, name: str) -> Role | None:
        for role in self.roles:
            if role.name == name:
                return role
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.roles)

    @property
    def primary(self) -> Role | None:
        """The role upstream's templates take as primary: the first tagged primary and
        controller, else the first role."""
        for role in self.roles:
            if role.is_primary:
                return role
        return self.roles[0] if self.roles else None

    def locate(self, path: DocPath, prefer: str = "value") -> Location:
        """Where ``path`` is in the file (line 1 when the text is not known)."""
        return locate(self.document, self.text, self.file, path, prefer)


def locate(document: Document | None, text: str | None, file: str, path: DocPath,
           prefer: str = "value") -> Location:
    """A :class:`Location` for a document path: the value's position for a scalar, the key's
    for a mapping or list entry (where a person reads the entry's name)."""
    if document is None and text is not None:
        try:
            document = load_document(text)
        except YamlSyntaxError:  # positions are best effort: the data was loaded some other way
            document = None
    if document is None or document.root is None:
        return Location(file, 1, 1, path=path)
    key_node, value_node = document.node_at(path)
    node = value_node
    if prefer == "key" or value_node is None or not _is_scalar(value_node):
        node = key_node if key_node is not None else value_node
    if node is None:
        return Location(file, 1, 1, path=path)
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1, path=path)


def _is_scalar(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode)


def parse_roles_data(text: str, file: str = "roles_data.yaml") -> RolesData:
    """Roles data from YAML text; raises :class:`tht_gen.yamlio.YamlSyntaxError`."""
    document = load_document(text)
    return RolesData(document.data, file, document, text)


def load_roles_data(path: str | os.PathLike[str], display: str | None = None) -> RolesData:
    """Roles data from a file. Raises OSError, UnicodeDecodeError or YamlSyntaxError."""
    p = Path(path)
    return parse_roles_data(p.read_text(encoding="utf-8"), display or p.as_posix())


@dataclass
class RoleFile:
    """One file of a roles folder: the role it defines (by convention one, named as the file)."""

    name: str  # the file's stem: what `roles generate NAME` takes
    path: Path
    text: str
    data: RolesData | None = None
    error: str | None = None  # why the file could not be loaded
    error_at: tuple[int, int] = (1, 1)

    @property
    def role(self) -> Role | None:
        if self.data is None:
            return None
        return self.data.get(self.name) or (self.data.roles[0] if self.data.roles else None)


@dataclass
class RolesFolder:
    root: Path
    files: dict[str, RoleFile] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted(self.files)


def load_roles_folder(root: str | os.PathLike[str], display_root: str | None = None) -> RolesFolder:
    """Every ``*.yaml`` file of a roles folder, by file stem (upstream's ``roles list``).

    A file that cannot be read or parsed is kept with its ``error``; nothing raises
    except an unreadable folder (OSError).
    """
    folder = RolesFolder(Path(root))
    shown = display_root if display_root is not None else Path(root).as_posix()
    for path in sorted(Path(root).iterdir()):
        if path.suffix != ".yaml" or not path.is_file():
            continue
        display = f"{shown.rstrip('/')}/{path.name}"
        entry = RoleFile(path.stem, path, "")
        try:
            entry.text = path.read_text(encoding="utf-8")
            entry.data = parse_roles_data(entry.text, display)
        except (OSError, UnicodeDecodeError) as exc:
            entry.error = f"cannot read: {exc}"
        except YamlSyntaxError as exc:
            entry.error = f"not valid YAML: {exc.message}"
            entry.error_at = (exc.line, exc.column)
        folder.files[path.stem] = entry
    return folder
