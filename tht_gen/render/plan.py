"""Which source gives which outputs. Pure: no I/O, so it can be tested exhaustively.

The passes and naming rules follow tripleo-heat-templates' process-templates.py,
so that any tree written for it renders to the same file names:

* ``*.role.j2.yaml``: once per role, ``<role lower>-<name>.yaml``; under a
  ``network/config`` folder the file is ``<role lower>.yaml``, or the role's
  ``deprecated_nic_config_name`` when it has one.
* ``*.network.j2.yaml``: once per enabled network; the output name is the
  source name with ``network`` (or ``port`` in a folder whose name ends in
  ``ports``) replaced by the network's ``name_lower``, every occurrence, as
  Python's ``str.replace`` does upstream.
* any other ``*.j2.yaml``: once, with all roles and networks.
* everything else (``*.j2`` include files too) is copied when an output
  folder is given.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["role", "network", "global", "copy"]

ROLE_SUFFIX = ".role.j2.yaml"
NETWORK_SUFFIX = ".network.j2.yaml"
J2_SUFFIX = ".j2.yaml"


@dataclass(frozen=True, order=True)
class Job:
    """One output file and how to make it."""

    output: str  # posix path relative to the output root
    source: str  # posix path relative to the template tree
    kind: Kind
    role: str | None = None
    network: str | None = None

    @property
    def rendered(self) -> bool:
        return self.kind != "copy"


@dataclass(frozen=True)
class Conflict:
    output: str
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class Plan:
    jobs: tuple[Job, ...]
    excluded: tuple[Job, ...]
    conflicts: tuple[Conflict, ...]
    # Folders of the output tree, empty ones included: upstream creates every
    # folder it walks when writing to an output folder.
    folders: tuple[str, ...] = ()
    rendered: tuple[Job, ...] = field(init=False, repr=False, compare=False)
    copies: tuple[Job, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rendered", tuple(j for j in self.jobs if j.rendered))
        object.__setattr__(self, "copies", tuple(j for j in self.jobs if not j.rendered))


def classify(source: str) -> Kind:
    name = posixpath.basename(source)
    if name.endswith(ROLE_SUFFIX):
        return "role"
    if name.endswith(NETWORK_SUFFIX):
        return "network"
    if name.endswith(J2_SUFFIX):
        return "global"
    return "copy"


def is_nic_config_source(source: str) -> bool:
    # Upstream tests the substring on the whole path; on a path relative to
    # the tree root that is the same test without false hits from wherever
    # the tree happens to live.
    return "network/config" in source


def role_output(source: str, role: Mapping[str, Any]) -> str:
    folder, name = posixpath.split(source)
    role_name = str(role["name"])
    if is_nic_config_source(source):
        legacy = role.get("deprecated_nic_config_name")
        out_name = str(legacy) if legacy else f"{role_name.lower()}.yaml"
    else:
        out_name = f"{role_name.lower()}-{name.replace(ROLE_SUFFIX, '.yaml')}"
    return posixpath.join(folder, out_name)


def network_output(source: str, name_lower: str) -> str:
    folder, name = posixpath.split(source)
    out_name = name.replace(NETWORK_SUFFIX, ".yaml")
    token = "port" if folder.endswith("ports") else "network"
    return posixpath.join(folder, out_name.replace(token, name_lower))


def global_output(source: str) -> str:
    folder, name = posixpath.split(source)
    return posixpath.join(folder, name.replace(J2_SUFFIX, ".yaml"))


def enabled_networks(networks: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Networks the network pass renders: ``enabled`` absent or anything but ``false``."""
    return [n for n in networks if n.get("enabled") is not False]


def name_lower(network: Mapping[str, Any]) -> str:
    return str(network.get("name_lower") or str(network["name"]).lower())


def make_plan(
    sources: Iterable[str],
    roles: Sequence[Mapping[str, Any]],
    networks: Sequence[Mapping[str, Any]],
    *,
    copy_others: bool,
    excludes: Iterable[str] = (),
    folders: Iterable[str] = (),
) -> Plan:
    """Every output of a tree, in a deterministic order.

    ``sources`` are posix paths relative to the tree root. ``excludes`` are
    output paths (relative to the root) that must not be rendered, from
    ``j2_excludes.yaml``. ``folders`` are the tree's folders, created in the
    output (when copying) even if nothing lands in them. Two sources that would write the same output are a
    conflict; a rendered output always wins over a copied file of that name.
    """
    excluded_paths = {posixpath.normpath(e) for e in excludes}
    jobs: list[Job] = []
    excluded: list[Job] = []
    enabled = enabled_networks(networks)

    for source in sorted(set(sources)):
        kind = classify(source)
        candidates: list[Job]
        if kind == "role":
            candidates = [Job(role_output(source, r), source, "role", role=str(r["name"])) for r in roles]
        elif kind == "network":
            candidates = [
                Job(network_output(source, name_lower(n)), source, "network", network=str(n["name"]))
                for n in enabled
            ]
        elif kind == "global":
            candidates = [Job(global_output(source), source, "global")]
        elif copy_others:
            candidates = [Job(source, source, "copy")]
        else:
            candidates = []
        for job in candidates:
            if job.rendered and job.output in excluded_paths:
                excluded.append(job)
            else:
                jobs.append(job)

    by_output: dict[str, list[Job]] = {}
    for job in jobs:
        by_output.setdefault(job.output, []).append(job)
    final: list[Job] = []
    conflicts: list[Conflict] = []
    for output, group in by_output.items():
        rendered = [j for j in group if j.rendered]
        if len(rendered) > 1:
            conflicts.append(Conflict(output, tuple(rendered)))
            continue
        final.append(rendered[0] if rendered else group[0])
    return Plan(
        tuple(sorted(final)),
        tuple(sorted(excluded)),
        tuple(sorted(conflicts, key=lambda c: c.output)),
        tuple(sorted(set(folders))) if copy_others else (),
    )
