"""One pass over a deployment: its tree, its stack of environments merged, its nested templates.

``params`` and ``env explain`` are two views of the same analysis: the
environments are loaded and merged as Heat merges them (:mod:`.merge`), the
nested tree is walked with the merged registry and parameter values
(:mod:`.walk`), and the findings about the environments are worked out once.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity, UserError
from .merge import (
    PARAMETER_DEFAULTS,
    PARAMETERS,
    RESOURCE_REGISTRY,
    EnvironmentInput,
    MergeResult,
    Setting,
    canonical_type,
    merge_environments,
)
from .registry import Registry, RegistryPath
from .tree import REGISTRY, ROOT_TEMPLATE, Loaded, TemplateTree, open_tree
from .values import check_value
from .walk import Declaration, DeploymentWalk, client_files, parameter_types, registry_file_targets, walk_deployment

# Rule IDs of the interface findings (H7xx: environments against the templates they configure).
ENV_NOT_FOUND = "H700"
NOT_AN_ENVIRONMENT = "H701"
MERGE_REJECTED = "H702"
REGISTRY_TARGET_MISSING = "H703"
UNDECLARED = "H704"
BAD_VALUE = "H705"
NOT_TOP_LEVEL = "H706"
NO_EFFECT = "H707"
NULL_REGISTRY_ENTRY = "H708"
DECLARATIONS_DIFFER = "H709"
WALK = "H710"


@dataclass
class LoadedEnvironment:
    path: str  # absolute
    name: str  # as reports show it
    implicit: bool  # the tree's own registry, applied first without being asked for
    loaded: Loaded

    @property
    def data(self) -> Any:
        return self.loaded.data


@dataclass
class Analysis:
    tree: TemplateTree
    root: str
    environments: list[LoadedEnvironment]
    merge: MergeResult
    walk: DeploymentWalk
    heat_types: dict[str, Any]  # every parameter Heat's merge knows -> its type
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def is_root_parameter(self, name: str) -> bool:
        return any(d.file == self.root for d in self.walk.declared_by(name))


def analyze(
    base_path: str | os.PathLike[str] | None = None,
    environments: Sequence[str | os.PathLike[str]] = (),
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    include_registry: bool = True,
    template: str = ROOT_TEMPLATE,
    tree: TemplateTree | None = None,
) -> Analysis:
    """Load, merge and walk. Raises :class:`UserError` for a tree that cannot be rendered, a missing
    root template or environment file (exit code 2) or an unreadable environment file (1)."""
    if tree is None:
        tree = open_tree(base_path, roles_data, network_data)
    root = tree.path(template)
    if not tree.exists(root):
        raise UserError.single(tree.display(root), f"no root template {template} in {tree.root_path}",
                               ENV_NOT_FOUND)
    paths = [tree.find_environment(e) for e in environments]
    registry = tree.path(REGISTRY)
    loaded_envs: list[LoadedEnvironment] = []
    if include_registry and tree.exists(registry) and registry not in paths:
        loaded_envs.append(_load_environment(tree, registry, True))
    loaded_envs.extend(_load_environment(tree, p, False) for p in paths)

    files = client_files(tree, root, [(e.path, e.data) for e in loaded_envs])
    heat_types = parameter_types(tree, root, files)
    inputs = [EnvironmentInput(e.name, e.data, _locator(e.loaded)) for e in loaded_envs]
    merged = merge_environments(inputs, heat_types)
    by_name = {e.name: e.path for e in loaded_envs}
    entries = merged.entries[RESOURCE_REGISTRY]

    def origin_of(path: RegistryPath) -> str | None:
        entry = entries.get("resources" if path[0] == "resources" else path[0])
        setting = entry.set_by if entry is not None else None
        return by_name.get(setting.file) if setting is not None else None

    section = merged.environment.get(RESOURCE_REGISTRY)
    walk = walk_deployment(tree, root, Registry.from_environment(section, origin_of),
                           _mapping(merged.environment.get(PARAMETERS)),
                           _mapping(merged.environment.get(PARAMETER_DEFAULTS)))
    analysis = Analysis(tree, root, loaded_envs, merged, walk, heat_types)
    analysis.diagnostics = sorted(set(_findings(analysis)))
    return analysis


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _locator(loaded: Loaded) -> Any:
    document = loaded.document
    if document is None:
        return None

    def locate(path: tuple[str | int, ...]) -> tuple[int, int]:
        mark = document.locate(path)
        return mark.line, mark.column

    return locate


def _load_environment(tree: TemplateTree, path: str, implicit: bool) -> LoadedEnvironment:
    loaded = tree.load(path)
    name = tree.display(path)
    if loaded is None:
        raise UserError.single(name, "environment file not found", ENV_NOT_FOUND)
    if loaded.error is not None:
        raise UserError([loaded.error], exit_code=1)
    if loaded.data is not None and not isinstance(loaded.data, dict):
        raise UserError.single(name, "not an environment: the file must be a mapping of sections "
                                     "(resource_registry, parameter_defaults ...)", NOT_AN_ENVIRONMENT,
                               line=1, column=1, exit_code=1)
    return LoadedEnvironment(path, name, implicit, loaded)


# -- findings --------------------------------------------------------------------------------


def _at(setting: Setting, path: tuple[str, ...]) -> Location:
    return Location(setting.file, setting.line, setting.column, path=path)


def _findings(analysis: Analysis) -> list[Diagnostic]:
    out: list[Diagnostic] = list(analysis.walk.diagnostics)
    merged = analysis.merge
    for problem in merged.problems:
        out.append(Diagnostic(Location(problem.file, problem.line, problem.column, path=problem.path),
                              MERGE_REJECTED,
                              Severity.ERROR, f"Heat rejects this stack of environments: {problem.message}"))
    out.extend(_registry_findings(analysis))
    out.extend(_parameter_findings(analysis))
    out.extend(_declaration_findings(analysis))
    return out


def _declaration_findings(analysis: Analysis) -> list[Diagnostic]:
    """Templates that declare one parameter with different types: one value cannot suit both."""
    out: list[Diagnostic] = []
    tree = analysis.tree
    for name, declarations in analysis.walk.declarations.items():
        typed = [(d, canonical_type(d.definition.get("type")) if isinstance(d.definition, dict) else None)
                 for d in declarations]
        first, first_type = typed[0]
        for declaration, kind in typed[1:]:
            if kind != first_type:
                out.append(Diagnostic(
                    Location(tree.display(declaration.file), declaration.line, declaration.column,
                             path=("parameters", name)),
                    DECLARATIONS_DIFFER, Severity.INFO,
                    f"{name} is declared as {kind} here but as {first_type} in "
                    f"{tree.display(first.file)}:{first.line}: one value cannot suit both"))
                break
    return out


def _registry_findings(analysis: Analysis) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    tree = analysis.tree
    for env in analysis.environments:
        section = env.data.get(RESOURCE_REGISTRY) if isinstance(env.data, dict) else None
        if not isinstance(section, dict) or env.loaded.document is None:
            continue
        document = env.loaded.document
        base = section.get("base_url") if isinstance(section.get("base_url"), str) else None
        targets = set(registry_file_targets(section))
        for path, value in _registry_items(section):
            if value is None:
                mark = document.locate((RESOURCE_REGISTRY, *path))
                out.append(Diagnostic(
                    Location(env.name, mark.line, mark.column, path=(RESOURCE_REGISTRY, *path)),
                    NULL_REGISTRY_ENTRY, Severity.WARNING,
                    f"'{path[-1]}' is mapped to null: the openstack client fails on a null registry "
                    "entry, and Heat's merge would skip it", hint="map it to OS::Heat::None instead"))
                continue
            if not isinstance(value, str) or value not in targets:
                continue
            resolved = tree.resolve(env.path, value, base)
            if resolved is not None and not tree.exists(resolved):
                mark = document.locate((RESOURCE_REGISTRY, *path), prefer="value")
                out.append(Diagnostic(
                    Location(env.name, mark.line, mark.column, path=(RESOURCE_REGISTRY, *path)),
                    REGISTRY_TARGET_MISSING, Severity.WARNING,
                    f"'{path[-1]}' is mapped to {value}, which does not exist "
                    f"(looked for {tree.display(resolved)}); the client cannot send this environment"))
    return out


def _registry_items(section: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    items: list[tuple[tuple[str, ...], Any]] = []
    for key, value in section.items():
        if key == "resources" and isinstance(value, dict):
            for resource, mapping in value.items():
                if isinstance(mapping, dict):
                    items.extend(((key, str(resource), str(k)), v) for k, v in mapping.items()
                                 if k not in ("hooks", "restricted_actions"))
        elif key != "base_url" and not isinstance(value, dict):
            items.append(((str(key),), value))
    return items


def _parameter_findings(analysis: Analysis) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    walk = analysis.walk
    merged = analysis.merge
    # Heat keeps these under ``parameters`` and then rejects those the root template lacks.
    rejected: set[tuple[str, str]] = set()
    for name, entry in merged.entries[PARAMETERS].items():
        setting = entry.set_by
        if setting is None or entry.value is None or analysis.is_root_parameter(name):
            continue
        rejected.add((setting.file, name))
        out.append(Diagnostic(
            _at(setting, (PARAMETERS, name)), NOT_TOP_LEVEL, Severity.ERROR,
            f"{name} is not a parameter of the root template: Heat rejects it under 'parameters' "
            "(UnknownUserParameter)",
            hint="set it under parameter_defaults" if walk.declared_by(name) else None))
    known = sorted(set(walk.declarations) | set(analysis.heat_types))
    for env in analysis.environments:
        if not isinstance(env.data, dict):
            continue
        for section in (PARAMETERS, PARAMETER_DEFAULTS):
            values = env.data.get(section)
            if not isinstance(values, dict):
                continue
            document = env.loaded.document
            for key in values:
                name = str(key)
                if walk.declared_by(name) or (section == PARAMETERS and (env.name, name) in rejected):
                    continue
                mark = document.locate((section, key)) if document is not None else None
                location = Location(env.name, mark.line if mark else None, mark.column if mark else None,
                                    path=(section, name))
                if name in analysis.heat_types:
                    out.append(Diagnostic(location, NO_EFFECT, Severity.WARNING,
                                          f"{name} is declared only by templates the deployment does not "
                                          "use: this value has no effect"))
                    continue
                close = difflib.get_close_matches(name, known, n=3, cutoff=0.8)
                hint = "did you mean " + " or ".join(close) + "?" if close else None
                out.append(Diagnostic(location, UNDECLARED, Severity.WARNING,
                                      f"no template of the deployment declares {name}", hint=hint))
    for section in (PARAMETERS, PARAMETER_DEFAULTS):
        for name, entry in merged.entries[section].items():
            declarations = walk.declared_by(name)
            setting = entry.set_by
            if not declarations or setting is None or entry.value is None:
                continue
            if section == PARAMETERS and not analysis.is_root_parameter(name):
                continue
            reached = _reached(analysis, name, declarations, section)
            if not reached:
                overridden = merged.entries[PARAMETERS].get(name)
                reason = (f"the root template's value comes from 'parameters' "
                          f"({overridden.set_by.where()})"
                          if overridden is not None and overridden.set_by is not None
                          and overridden.value is not None and analysis.is_root_parameter(name)
                          else "every template that declares it gets it from its parent template")
                out.append(Diagnostic(_at(setting, (section, name)), NO_EFFECT, Severity.WARNING,
                                      f"{name} has no effect here: {reason}"))
                continue
            hidden = any(isinstance(d.definition, dict) and d.definition.get("hidden") is True
                         for d in declarations)
            seen: set[str] = set()
            for declaration in reached:
                problem = check_value(entry.value, declaration.definition)
                if problem is None or problem in seen:
                    continue
                seen.add(problem)
                if hidden:
                    problem = "the value (hidden) is not valid for this parameter"
                where = f"{analysis.tree.display(declaration.file)}:{declaration.line}"
                out.append(Diagnostic(_at(setting, (section, name)), BAD_VALUE, Severity.WARNING,
                                      f"{name}: {problem} (declared in {where})"))
    return out


def _reached(analysis: Analysis, name: str, declarations: list[Declaration], section: str) -> list[Declaration]:
    """The declarations a value set in ``section`` reaches."""
    if section == PARAMETERS:
        return [d for d in declarations if d.file == analysis.root]
    # At the root, a value under ``parameters`` wins over parameter_defaults.
    overridden = analysis.merge.environment[PARAMETERS].get(name) is not None
    return [d for d in declarations
            if (d.file == analysis.root and not overridden)
            or (d.file != analysis.root and not analysis.walk.passed_by_parent(d))]
