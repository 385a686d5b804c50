"""Semantic checks of roles data and network data, as plain functions.

Each check is a generator over a :class:`CheckContext` yielding
:class:`Finding` objects: a document path in one of the context's files, a
message and an optional hint. Checks never deal with lines, columns or rule
configuration: :func:`run_checks` (and the lint engine's rules, which wrap
the same functions) turn paths into positions.

Checks are registered with :func:`check`, which gives each its stable rule id
(``N0xx`` roles, ``N1xx`` networks, ``N2xx`` VIP data), a name, its default
severity and the file its findings point into (``subject``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..diagnostics import Diagnostic, PathElement, Severity
from ..model.networks import NetworkData, VipData
from ..model.roles import RolesData

DocPath = tuple[PathElement, ...]
Subject = Literal["roles", "networks", "vips"]


@dataclass(frozen=True)
class Finding:
    path: DocPath
    message: str
    hint: str | None = None
    prefer: str = "value"  # where to point: the value at path, or its key


@dataclass
class ServiceRegistry:
    """The service resource types a template tree registers.

    ``main`` are the ``OS::TripleO::Services::*`` keys of the rendered
    ``overcloud-resource-registry-puppet`` (the registry every deployment
    uses); ``environments`` maps each further type to the environment files
    that register it (such a service needs that environment to deploy).
    """

    main: frozenset[str]
    environments: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""

    def __contains__(self, name: object) -> bool:
        return name in self.main or name in self.environments


@dataclass
class CheckContext:
    """What the checks look at. Any part may be missing: checks that need it do nothing."""

    roles: RolesData | None = None
    networks: NetworkData | None = None
    vips: VipData | None = None
    registry: ServiceRegistry | None = None
    extra_tags: frozenset[str] = frozenset()


CheckFunction = Callable[[CheckContext], Iterator[Finding]]


@dataclass(frozen=True)
class Check:
    id: str
    name: str
    summary: str
    level: Severity
    subject: Subject
    function: CheckFunction

    def __call__(self, ctx: CheckContext) -> Iterator[Finding]:
        return self.function(ctx)


CHECKS: dict[str, Check] = {}


def check(id: str, name: str, summary: str, subject: Subject,
          level: Severity = Severity.ERROR) -> Callable[[CheckFunction], Check]:
    """Register a check function under its rule id."""

    def register(function: CheckFunction) -> Check:
        if id in CHECKS:  # pragma: no cover - a programming error caught by the registry test
            raise ValueError(f"check id {id} registered twice")
        spec = Check(id, name, summary, level, subject, function)
        CHECKS[id] = spec
        return spec

    return register


def all_checks() -> list[Check]:
    # Importing the modules registers their checks.
    from . import networks, roles  # noqa: F401

    return sorted(CHECKS.values(), key=lambda c: c.id)


def run_checks(ctx: CheckContext, subjects: Iterable[Subject] = ("roles", "networks", "vips"),
               only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Run every registered check on ``ctx`` whose subject is wanted; sorted diagnostics."""
    wanted = set(subjects)
    selected = set(only) if only is not None else None
    diagnostics: list[Diagnostic] = []
    for spec in all_checks():
        if spec.subject not in wanted or (selected is not None and spec.id not in selected):
            continue
        document = {"roles": ctx.roles, "networks": ctx.networks, "vips": ctx.vips}[spec.subject]
        if document is None:
            continue
        for finding in spec(ctx):
            location = document.locate(finding.path, finding.prefer)
            diagnostics.append(Diagnostic(location, spec.id, spec.level, finding.message,
                                          hint=finding.hint))
    return sorted(diagnostics)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choice, when one is close enough to be a likely typo."""
    options = [c for c in choices if isinstance(c, str)]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    if not close:
        lowered = {c.lower(): c for c in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean {close[0]!r}?" if close else None


def describe(value: Any) -> str:
    """A value as a short phrase for messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def schema_diagnostics(document: RolesData | NetworkData | VipData, schema: str) -> list[Diagnostic]:
    """The schema's findings on a loaded file, located, as the S rule reports them."""
    from ..schemas import RULE_IDS, validate

    return sorted(
        Diagnostic(document.locate(f.path, f.prefer), RULE_IDS[schema], Severity.ERROR, f.message,
                   hint=f.hint)
        for f in validate(document.data, schema)
    )


def validate_roles(roles: RolesData, networks: NetworkData | None = None,
                   registry: ServiceRegistry | None = None,
                   extra_tags: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Schema and semantic findings on roles data; with network data, the role-network checks;
    with a registry, the service registration check (reported as lint's T101)."""
    from .roles import UNREGISTERED_RULE, unregistered_services

    ctx = CheckContext(roles=roles, networks=networks, registry=registry, extra_tags=extra_tags)
    found = schema_diagnostics(roles, "roles_data") + run_checks(ctx, ("roles",))
    found += [Diagnostic(roles.locate(f.path, f.prefer), UNREGISTERED_RULE, Severity.ERROR,
                         f.message, hint=f.hint) for f in unregistered_services(ctx)]
    return sorted(found)


def validate_networks(networks: NetworkData, vips: VipData | None = None) -> list[Diagnostic]:
    """Schema and semantic findings on network data (and on VIP data, when given)."""
    ctx = CheckContext(networks=networks, vips=vips)
    found = schema_diagnostics(networks, "network_data") + run_checks(ctx, ("networks", "vips"))
    if vips is not None:
        found += schema_diagnostics(vips, "vip_data")
    return sorted(found)
