"""Every parameter a deployment takes, across its nested templates: the ``params`` view.

Built on an :class:`.analysis.Analysis`. For each parameter: how it is
declared (the root template's declaration when it has one, else the one
nearest the root), every template that declares it (file:line), whether a
value reaches it as a top-level parameter, only through
``parameter_defaults``, or not at all (every declaring template gets it from
its parent), its parameter group, the role it belongs to, and with
environments its effective value and the file that set it.

:meth:`ParameterSchema.to_json` is the stable JSON form, described by
``tht_gen/schemas/params.schema.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from .analysis import Analysis, analyze
from .merge import PARAMETER_DEFAULTS, PARAMETERS, Entry, Setting, canonical_type
from .walk import Declaration

SCHEMA_VERSION = 1
TOP_LEVEL, NESTED, INTERNAL = "top-level", "parameter_defaults", "internal"
HIDDEN_TEXT = "******"
# Constraint kinds of HOT (heat.engine.hot.parameters), in the order forms show them.
CONSTRAINT_KINDS = ("allowed_values", "allowed_pattern", "length", "range", "modulo", "custom_constraint")


@dataclass(frozen=True)
class DeclarationRef:
    """One template's declaration of the parameter."""

    file: str
    line: int
    column: int
    source: str | None  # the jinja2 source it was rendered from, for a tree rendered in memory
    passed_by_parent: bool  # every stack made from this template gets the value from its parent
    type: str | None
    default: Any
    has_default: bool


@dataclass(frozen=True)
class ValueSource:
    file: str
    line: int | None
    column: int | None
    value: Any

    @classmethod
    def of(cls, setting: Setting) -> ValueSource:
        return cls(setting.file, setting.line, setting.column, setting.value)


@dataclass(frozen=True)
class EffectiveValue:
    """The value Heat would use, and where it comes from.

    ``origin``: ``parameters`` or ``parameter_defaults`` (an environment's
    section: ``file`` says which; ``sources`` every file merged into it for a
    ``merge`` strategy), ``default`` (the template's), ``parent`` (the
    parent templates pass it) or ``none`` (no value: Heat asks for one).
    """

    origin: str
    value: Any = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    strategy: str = "overwrite"
    sources: tuple[ValueSource, ...] = ()
    replaced: tuple[ValueSource, ...] = ()


@dataclass
class ParameterInfo:
    name: str
    type: str | None
    description: str | None
    label: str | None
    default: Any
    has_default: bool
    hidden: bool
    immutable: bool
    tags: list[str]
    constraints: list[dict[str, Any]]
    scope: str
    group: str | None
    role: str | None
    declared_in: list[DeclarationRef]
    conflicts: list[str] = field(default_factory=list)
    value: EffectiveValue = field(default_factory=lambda: EffectiveValue("none"))

    @property
    def allowed_values(self) -> list[Any] | None:
        for constraint in self.constraints:
            if isinstance(constraint.get("allowed_values"), list):
                return list(constraint["allowed_values"])
        return None


@dataclass
class ParameterSchema:
    """The parameters of a deployment (``parameters()``'s result)."""

    tree: str
    root_template: str
    environments: list[str]
    roles: list[str]
    parameters: list[ParameterInfo]
    groups: list[dict[str, Any]]
    diagnostics: list[Diagnostic]
    analysis: Analysis = field(repr=False)

    def by_name(self, name: str) -> ParameterInfo | None:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        return None

    def __getitem__(self, name: str) -> ParameterInfo:
        found = self.by_name(name)
        if found is None:
            raise KeyError(name)
        return found

    def to_json(self, show_hidden: bool = False) -> dict[str, Any]:
        """The stable JSON form (schema: ``tht_gen/schemas/params.schema.json``)."""
        common = [p for p in self.parameters if p.role is None]
        return {
            "schema_version": SCHEMA_VERSION,
            "tree": self.tree,
            "root_template": self.root_template,
            "environments": self.environments,
            "parameters": [_parameter_json(p, show_hidden) for p in common],
            "roles": [{"name": role,
                       "parameters": [_parameter_json(p, show_hidden) for p in self.parameters
                                      if p.role == role]}
                      for role in self.roles],
            "groups": self.groups,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def parameters(
    base_path: str | os.PathLike[str] | None = None,
    environments: Sequence[str | os.PathLike[str]] = (),
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    include_registry: bool = True,
    template: str = "overcloud.yaml",
) -> ParameterSchema:
    """Every parameter of the deployment of ``base_path`` (default: the shipped library).

    A jinja2 source tree is rendered in memory (with ``roles_data`` and
    ``network_data``); nothing is written. ``environments`` (files, in
    order) give effective values; the tree's resource registry is applied
    first unless ``include_registry`` is false. Raises
    :class:`tht_gen.diagnostics.UserError` for a tree or file that cannot be
    read; findings come back in ``diagnostics``.
    """
    analysis = analyze(base_path, environments, roles_data=roles_data, network_data=network_data,
                       include_registry=include_registry, template=template)
    return schema_of(analysis)


def schema_of(analysis: Analysis) -> ParameterSchema:
    tree = analysis.tree
    walk = analysis.walk
    order = {path: index for index, path in enumerate(walk.templates)}
    infos: list[ParameterInfo] = []
    for name in sorted(walk.declarations):
        declarations = sorted(walk.declarations[name], key=lambda d: (order.get(d.file, 1 << 30), d.file))
        infos.append(_info(analysis, name, declarations))
    groups = _groups(infos)
    return ParameterSchema(
        tree=str(tree.root_path), root_template=tree.display(analysis.root),
        environments=[e.name for e in analysis.environments], roles=list(tree.roles),
        parameters=infos, groups=groups, diagnostics=analysis.diagnostics, analysis=analysis)


def _info(analysis: Analysis, name: str, declarations: list[Declaration]) -> ParameterInfo:
    tree = analysis.tree
    walk = analysis.walk
    main = declarations[0]  # the root's, else the one nearest the root
    definition = main.definition if isinstance(main.definition, dict) else {}
    refs = []
    for d in declarations:
        own = d.definition if isinstance(d.definition, dict) else {}
        refs.append(DeclarationRef(tree.display(d.file), d.line, d.column, tree.source_of(d.file),
                                   walk.passed_by_parent(d), _type(own), own.get("default"),
                                   own.get("default") is not None))
    if main.file == analysis.root:
        scope = TOP_LEVEL
    elif all(r.passed_by_parent for r in refs):
        scope = INTERNAL
    else:
        scope = NESTED
    info = ParameterInfo(
        name=name,
        type=_type(definition),
        description=_text(definition.get("description")),
        label=_text(definition.get("label")),
        default=definition.get("default"),
        has_default=definition.get("default") is not None,
        hidden=any(isinstance(d.definition, dict) and d.definition.get("hidden") is True for d in declarations),
        immutable=definition.get("immutable") is True,
        tags=[str(t) for t in definition.get("tags") or [] if isinstance(t, str)]
        if isinstance(definition.get("tags"), list) else [],
        constraints=_constraints(definition.get("constraints")),
        scope=scope,
        group=next((d.group for d in declarations if d.group), None),
        role=role_of(name, tree.roles),
        declared_in=refs,
        conflicts=_conflicts(refs),
    )
    info.value = _effective(analysis, info, declarations)
    return info


def _type(definition: dict[str, Any]) -> str | None:
    value = definition.get("type")
    return canonical_type(value) or (value if isinstance(value, str) else None)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _constraints(value: Any) -> list[dict[str, Any]]:
    """The constraints as written, each one kind (plus its description), in template order."""
    out: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        for kind in CONSTRAINT_KINDS:
            if kind in item:
                constraint: dict[str, Any] = {kind: item[kind]}
                if isinstance(item.get("description"), str):
                    constraint["description"] = item["description"].strip()
                out.append(constraint)
    return out


def _conflicts(refs: list[DeclarationRef]) -> list[str]:
    out = []
    types = sorted({r.type or "?" for r in refs})
    if len(types) > 1:
        out.append("declared with different types: " + ", ".join(
            f"{t} ({', '.join(f'{r.file}:{r.line}' for r in refs if (r.type or '?') == t)})" for t in types))
    defaults = {json.dumps(r.default, sort_keys=True, default=str) for r in refs if r.has_default}
    if len(defaults) > 1:
        out.append(f"declared with {len(defaults)} different defaults")
    return out


def role_of(name: str, roles: Sequence[str]) -> str | None:
    """The role a parameter belongs to, by name: ``<Role>Count``, ``<Role>Parameters``,
    ``Overcloud<Role>Flavor`` ... (the role's name, then a capitalised word). The longest role
    name wins (``ComputeHCIParameters`` is ComputeHCI's, not Compute's)."""
    best: str | None = None
    for candidate in (name, name[len("Overcloud"):] if name.startswith("Overcloud") else None):
        if not candidate or candidate in roles:
            continue
        for role in roles:
            rest = candidate[len(role):]
            if candidate.startswith(role) and rest and (rest[0].isupper() or rest[0].isdigit()) \
                    and (best is None or len(role) > len(best)):
                best = role
    return best


def _effective(analysis: Analysis, info: ParameterInfo, declarations: list[Declaration]) -> EffectiveValue:
    entries = analysis.merge.entries
    entry: Entry | None = None
    if info.scope == TOP_LEVEL:
        candidate = entries[PARAMETERS].get(info.name)
        if candidate is not None and candidate.value is not None:
            entry = candidate
    if entry is None and info.scope != INTERNAL:
        candidate = entries[PARAMETER_DEFAULTS].get(info.name)
        if candidate is not None and candidate.value is not None:
            entry = candidate
    if entry is not None and entry.set_by is not None:
        setting = entry.set_by
        return EffectiveValue(entry.section, entry.value, setting.file, setting.line, setting.column,
                              entry.strategy, tuple(ValueSource.of(s) for s in entry.sources),
                              tuple(ValueSource.of(s) for s in entry.replaced))
    if info.scope == INTERNAL:
        return EffectiveValue("parent")
    if info.has_default:
        main = declarations[0]
        return EffectiveValue("default", info.default, analysis.tree.display(main.file), main.line, main.column)
    return EffectiveValue("none")


def _groups(infos: list[ParameterInfo]) -> list[dict[str, Any]]:
    labels: dict[str, list[str]] = {}
    for info in infos:
        if info.group:
            labels.setdefault(info.group, []).append(info.name)
    return [{"label": label, "parameters": names} for label, names in labels.items()]


def _masked(value: Any, hidden: bool, show_hidden: bool) -> Any:
    return HIDDEN_TEXT if hidden and not show_hidden and value is not None else value


def _parameter_json(p: ParameterInfo, show_hidden: bool) -> dict[str, Any]:
    hide = p.hidden and not show_hidden
    out: dict[str, Any] = {
        "name": p.name,
        "type": p.type,
        "description": p.description,
        "label": p.label,
        "default": _masked(p.default, p.hidden, show_hidden),
        "has_default": p.has_default,
        "hidden": p.hidden,
        "immutable": p.immutable,
        "tags": p.tags,
        "constraints": p.constraints,
        "allowed_values": p.allowed_values,
        "scope": p.scope,
        "group": p.group,
        "role": p.role,
        "declared_in": [{
            "file": r.file, "line": r.line, "column": r.column, "source": r.source,
            "passed_by_parent": r.passed_by_parent, "type": r.type,
            "default": _masked(r.default, p.hidden, show_hidden), "has_default": r.has_default,
        } for r in p.declared_in],
        "conflicts": p.conflicts,
    }
    v = p.value
    out["value"] = {
        "origin": v.origin,
        "value": HIDDEN_TEXT if hide and v.value is not None else v.value,
        "file": v.file, "line": v.line, "column": v.column,
        "strategy": v.strategy,
        "sources": [_source_json(s, hide) for s in v.sources],
        "replaced": [_source_json(s, hide) for s in v.replaced],
    }
    return out


def _source_json(source: ValueSource, hide: bool) -> dict[str, Any]:
    return {"file": source.file, "line": source.line, "column": source.column,
            "value": HIDDEN_TEXT if hide and source.value is not None else source.value}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`ParameterSchema.to_json` (``tht_gen/schemas/params.schema.json``)."""
    from importlib import resources

    text = resources.files("tht_gen.schemas").joinpath("params.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
