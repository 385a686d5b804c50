"""Roles data and network data as the renderer needs them.

Data handed to templates is exactly what upstream's process-templates.py hands
them: ``yaml.safe_load`` values, tags added from role names (with the same
deprecation), ``idx`` on every network and ``name_lower`` on enabled ones.
Names that become file names are checked before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity, UserError
from ..yamlio import YamlSyntaxError, compose_document, load_data

DEFAULT_ROLES_DATA = "roles_data.yaml"
# Our library's name first; upstream 18.0.0's default second, so that a
# bare ``tht-gen render -p <upstream tree>`` matches its own tool.
DEFAULT_NETWORK_DATA = ("network_data.yaml", "network-data-samples/default-network-isolation.yaml")

# Upstream adds these tags from a role's name when the role lacks them, with
# a deprecation warning; templates rely on the tags, so we keep doing it.
_IMPLICIT_TAGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("Compute", "HciCeph", "DistributedCompute"), "compute"),
    (("Ceph",), "ceph"),
    (("ComputeOvsDpdk",), "ovsdpdk"),
    (("ObjectStorage", "BlockStorage", "Ceph"), "storage"),
)


def unsafe_name_reason(name: object) -> str | None:
    """Why ``name`` cannot be part of a file name, or None when it can."""
    if not isinstance(name, str):
        return f"must be a string, not {type(name).__name__}"
    if name == "":
        return "is empty"
    if "/" in name or "\\" in name:
        return "contains a path separator"
    if ".." in name:
        return "contains '..'"
    if not name.isprintable():
        return "contains a non-printable character"
    if name != name.strip():
        return "starts or ends with white space"
    return None


@dataclass
class TreeData:
    roles: list[dict[str, Any]]
    networks: list[dict[str, Any]]
    roles_file: str
    networks_file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _read(path: Path, display: str, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError.single(display, f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError.single(display, f"cannot read {what} file: {exc}") from None


def _parse(text: str, display: str, what: str) -> Any:
    try:
        return load_data(text)
    except YamlSyntaxError as exc:
        raise UserError.single(display, f"{what} is not valid YAML: {exc.message}", "S000",
                               exc.line, exc.column, exit_code=1) from None


class _Locator:
    """Positions in a data file, parsed with marks only when something is wrong."""

    def __init__(self, text: str, display: str) -> None:
        self._text = text
        self._display = display
        self._doc: Any = None

    def name_of(self, index: int, name: str) -> Location:
        """Where an entry's ``name: <name>`` is, found in the text: the common case for
        warnings on a good file, without composing a whole node tree for it."""
        pattern = re.compile(r"^[ \t]*(?:-[ \t]+)?name:[ \t]*(['\"]?" + re.escape(name) +
                             r"['\"]?)[ \t]*(?:#.*)?$", re.M)
        matches = list(pattern.finditer(self._text))
        if len(matches) == 1:
            value_at = matches[0].start(1)
            line_start = self._text.rfind("\n", 0, value_at) + 1
            line = self._text.count("\n", 0, value_at) + 1
            return Location(self._display, line, value_at - line_start + 1, path=(index, "name"))
        return self.at(index, "name")

    def at(self, *path: str | int) -> Location:
        if self._doc is None:
            self._doc = compose_document(self._text)
        mark = self._doc.locate(tuple(path), prefer="value")
        return Location(self._display, mark.line, mark.column, path=tuple(path))


def load_tree_data(roles_path: Path, roles_display: str,
                   networks_path: Path, networks_display: str) -> TreeData:
    roles_text = _read(roles_path, roles_display, "roles data")
    networks_text = _read(networks_path, networks_display, "network data")
    roles = _parse(roles_text, roles_display, "roles data")
    networks = _parse(networks_text, networks_display, "network data")
    errors: list[Diagnostic] = []
    notes: list[Diagnostic] = []
    roles_at = _Locator(roles_text, roles_display)
    nets_at = _Locator(networks_text, networks_display)

    def error(loc: Location, rule: str, message: str) -> None:
        errors.append(Diagnostic(loc, rule, Severity.ERROR, message))

    if not isinstance(roles, list):
        raise UserError.single(roles_display, "roles data must be a list of roles, "
                               f"not {type(roles).__name__}", "R010", 1, 1, exit_code=1)
    seen_roles: dict[str, int] = {}
    for index, role in enumerate(roles):
        if not isinstance(role, dict) or "name" not in role:
            error(roles_at.at(index), "R010", "each role must be a mapping with a 'name'")
            continue
        name = role["name"]
        reason = unsafe_name_reason(name)
        if reason:
            error(roles_at.at(index, "name"), "R011",
                  f"role name {name!r} {reason}; role names become file names")
            continue
        if name.lower() in seen_roles:
            error(roles_at.at(index, "name"), "R011",
                  f"role {name!r} is defined more than once (names are compared "
                  f"lower-cased, as they are in file names)")
        seen_roles[name.lower()] = index
        legacy = role.get("deprecated_nic_config_name")
        if legacy is not None:
            reason = unsafe_name_reason(legacy)
            if reason:
                error(roles_at.at(index, "deprecated_nic_config_name"), "R011",
                      f"deprecated_nic_config_name {legacy!r} {reason}; it is used as a file name")

    if networks is None:
        networks = []
    if not isinstance(networks, list):
        raise UserError.single(networks_display, "network data must be a list of networks, "
                               f"not {type(networks).__name__}", "R010", 1, 1, exit_code=1)
    for index, network in enumerate(networks):
        if not isinstance(network, dict) or "name" not in network:
            error(nets_at.at(index), "R010", "each network must be a mapping with a 'name'")
            continue
        for key in ("name", "name_lower"):
            if key == "name_lower" and not network.get(key):
                continue
            reason = unsafe_name_reason(network[key])
            if reason:
                error(nets_at.at(index, key), "R011",
                      f"network {key} {network[key]!r} {reason}; network names become file names")

    if errors:
        raise UserError(errors, exit_code=1)

    # The same mutations as upstream, in the same order, on the same objects:
    # templates see tags added from role names, and the global pass sees the
    # name_lower set here on enabled networks only.
    for index, network in enumerate(networks):
        network["idx"] = index
    for index, role in enumerate(roles):
        role["tags"] = role.get("tags", [])
        name = str(role["name"])
        for prefixes, tag in _IMPLICIT_TAGS:
            if name.startswith(prefixes) and tag not in role["tags"]:
                role["tags"].append(tag)
                notes.append(Diagnostic(
                    roles_at.name_of(index, name), "R012", Severity.WARNING,
                    f"role {name!r} has no {tag!r} tag; it was added from the role's name. "
                    f"Add it to the role's tags: adding tags from names is deprecated"))
    for network in networks:
        if network.get("enabled") is not False and not network.get("name_lower"):
            network["name_lower"] = str(network["name"]).lower()
    lowers: dict[str, int] = {}
    for index, network in enumerate(networks):
        if network.get("enabled") is False:
            continue
        lower = str(network["name_lower"])
        if lower in lowers:
            errors.append(Diagnostic(nets_at.at(index, "name"), "R011", Severity.ERROR,
                                     f"networks {networks[lowers[lower]]['name']!r} and "
                                     f"{network['name']!r} have the same name_lower {lower!r}, "
                                     "so their files would overwrite each other"))
        lowers[lower] = index
    if errors:
        raise UserError(errors, exit_code=1)
    return TreeData(roles, networks, roles_display, networks_display, notes)
