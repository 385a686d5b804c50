"""A stack of environment files explained: the merged environment, each entry with its provenance.

The ``env explain`` view of an :class:`.analysis.Analysis`: the environment
Heat would build from the files (:mod:`.merge`), every entry annotated with
the file (and line) that set it and the files whose values it replaced, what
Heat dropped, and the findings (registry targets that do not exist,
parameters no template declares, values their parameter rejects, values that
cannot reach any template, merges Heat rejects).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Severity
from .analysis import Analysis, analyze
from .merge import PARAMETER_SECTIONS, SECTIONS, Dropped, Entry, Setting
from .params import HIDDEN_TEXT

EXPLAIN_VERSION = 1


@dataclass
class EnvironmentExplanation:
    """``explain_environments()``'s result: the merged environment with provenance, and findings."""

    tree: str
    files: list[tuple[str, bool]]  # (file, implicit): in merge order
    environment: dict[str, Any]  # the merged environment, as Heat's merge leaves it
    entries: dict[str, list[Entry]]  # section -> entries, in merged order
    strategies: dict[str, tuple[str, Setting | None]]
    dropped: list[Dropped]
    hidden: frozenset[str]  # parameters declared hidden: their values are masked in output
    diagnostics: list[Diagnostic]
    analysis: Analysis = field(repr=False)

    @property
    def ok(self) -> bool:
        return not any(d.severity >= Severity.ERROR for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """0: Heat accepts the stack; 1: errors (or, with ``strict``, warnings)."""
        worst = max((d.severity for d in self.diagnostics), default=None)
        if worst is None:
            return 0
        return 1 if worst >= (Severity.WARNING if strict else Severity.ERROR) else 0

    def entry(self, section: str, key: str) -> Entry | None:
        for entry in self.entries.get(section, []):
            if entry.key == key:
                return entry
        return None

    def select(self, patterns: Sequence[str]) -> EnvironmentExplanation:
        """Only the entries whose key matches one of ``patterns`` (shell globs), and their findings."""
        if not patterns:
            return self

        def wanted(key: str) -> bool:
            return any(fnmatch.fnmatchcase(key, p) for p in patterns)

        entries = {s: [e for e in items if wanted(e.key)] for s, items in self.entries.items()}
        return EnvironmentExplanation(
            self.tree, self.files, self.environment, entries,
            {k: v for k, v in self.strategies.items() if wanted(k)},
            [d for d in self.dropped if wanted(d.key)], self.hidden,
            [d for d in self.diagnostics if d.location.path and wanted(str(d.location.path[-1]))],
            self.analysis)

    def to_json(self, show_hidden: bool = False) -> dict[str, Any]:
        def mask(key: str, section: str, value: Any) -> Any:
            if section in PARAMETER_SECTIONS and key in self.hidden and not show_hidden and value is not None:
                return HIDDEN_TEXT
            return value

        def setting(s: Setting, key: str, section: str) -> dict[str, Any]:
            return {"file": s.file, "line": s.line, "column": s.column, "value": mask(key, section, s.value)}

        environment = {section: ({k: mask(k, section, v) for k, v in value.items()}
                                 if section in PARAMETER_SECTIONS and isinstance(value, dict) else value)
                       for section, value in self.environment.items()}
        return {
            "explain_version": EXPLAIN_VERSION,
            "tree": self.tree,
            "files": [{"file": f, "implicit": implicit} for f, implicit in self.files],
            "environment": environment,
            "entries": {
                section: [{
                    "key": e.key,
                    "value": mask(e.key, section, e.value),
                    "strategy": e.strategy,
                    "declared": e.declared,
                    "set_by": setting(e.set_by, e.key, section) if e.set_by else None,
                    "sources": [setting(s, e.key, section) for s in e.sources],
                    "replaced": [setting(s, e.key, section) for s in e.replaced],
                    "ignored": [{**setting(s, e.key, section), "reason": reason} for s, reason in e.ignored],
                } for e in items]
                for section, items in self.entries.items()
            },
            "strategies": {k: {"strategy": v[0], "file": v[1].file if v[1] else None,
                               "line": v[1].line if v[1] else None}
                           for k, v in self.strategies.items()},
            "dropped": [{"section": d.section, "key": d.key, "reason": d.reason,
                         **setting(d.setting, d.key, d.section)} for d in self.dropped],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def explain_environments(
    environments: Sequence[str | os.PathLike[str]],
    base_path: str | os.PathLike[str] | None = None,
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    include_registry: bool = True,
    template: str = "overcloud.yaml",
) -> EnvironmentExplanation:
    """Merge ``environments`` (in order) as Heat would, for the tree ``base_path`` (default: the
    shipped library, rendered in memory), and say where every entry came from.

    The tree's ``overcloud-resource-registry-puppet.yaml`` is applied first
    unless ``include_registry`` is false, as TripleO's client does. Raises
    :class:`tht_gen.diagnostics.UserError` for files that cannot be read;
    everything else is in the result's ``diagnostics``.
    """
    analysis = analyze(base_path, environments, roles_data=roles_data, network_data=network_data,
                       include_registry=include_registry, template=template)
    return explanation_of(analysis)


def explanation_of(analysis: Analysis) -> EnvironmentExplanation:
    merged = analysis.merge
    entries = {section: list(merged.entries[section].values()) for section in SECTIONS
               if merged.entries.get(section)}
    hidden = frozenset(name for name, declarations in analysis.walk.declarations.items()
                       if any(isinstance(d.definition, dict) and d.definition.get("hidden") is True
                              for d in declarations))
    return EnvironmentExplanation(
        tree=analysis.tree.root_path,
        files=[(e.name, e.implicit) for e in analysis.environments],
        environment=merged.environment, entries=entries, strategies=dict(merged.strategies),
        dropped=list(merged.dropped), hidden=hidden, diagnostics=analysis.diagnostics, analysis=analysis)
