"""``tht-gen report``: one self-contained HTML page about a template tree, for people.

The page holds the role-by-service matrix, each role's networks and NIC
layouts, the service to network map, the upgrade steps per role (which
service does what at which step), the lint findings, and an SVG diagram of
roles, networks and virtual IPs. It needs no network access to view: CSS,
SVG and the small script are inline, and its Content-Security-Policy forbids
every load. The same tree and environments give the same bytes.

The upgrade steps are resolved by Heat's engine when ``openstack-heat`` is
installed (:func:`tht_gen.upgrade.resolve_roles`), else read from the
templates as written, which the page says.

:func:`build_report` returns the data and the page; it never prints and
writes nothing. :func:`write_report` writes the page atomically.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_text_atomically
from .collect import ReportData, collect
from .page import render_page


@dataclass
class Report:
    """The page (``html``) and what it shows (``data``: roles, services, networks, virtual IPs, the
    service to network map, upgrade steps, lint findings)."""

    data: ReportData
    html: str


def build_report(base_path: str | os.PathLike[str] | None = None, *,
                 roles_data: str | os.PathLike[str] | None = None,
                 network_data: str | os.PathLike[str] | None = None,
                 environments: Sequence[str | os.PathLike[str]] = (),
                 lint: bool = True, upgrade: str = "auto", jobs: int | None = None,
                 title: str = "tht-gen report") -> Report:
    """The report of a tree (default: the shipped library; a jinja2 source tree is rendered in
    memory with ``roles_data`` and ``network_data``), with ``environments`` applied after the
    tree's resource registry. ``lint=False`` leaves the lint findings out; ``upgrade`` is ``auto``
    (Heat when installed), ``heat`` or ``static``. Raises :class:`tht_gen.diagnostics.UserError`
    for a tree that cannot be rendered or a missing environment file."""
    from .. import __version__

    data = collect(base_path, roles_data=roles_data, network_data=network_data, environments=environments,
                   lint=lint, upgrade=upgrade, jobs=jobs)
    return Report(data, render_page(data, version=__version__, title=title))


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the page to ``path`` (a temporary file in the same folder, then a rename)."""
    target = Path(path)
    write_text_atomically(target, report.html)
    return target


__all__ = ["Report", "ReportData", "build_report", "write_report"]
