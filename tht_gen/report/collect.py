"""What the report shows, gathered from a tree: roles and their services, networks and NIC layouts,
the service to network map, the virtual IPs, the upgrade steps per role, the lint findings.

Everything is read the way the deployment reads it: the tree rendered in
memory when it is a jinja2 source tree, the environments merged after the
tree's resource registry as Heat merges them, every resource type looked up
in the merged registry as Heat looks it up (:mod:`tht_gen.interface`).
Nothing is written.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Severity, UserError
from ..interface.analysis import analyze
from ..interface.merge import PARAMETER_DEFAULTS, PARAMETERS, RESOURCE_REGISTRY
from ..interface.registry import Registry
from ..interface.tree import ROOT_TEMPLATE, TemplateTree, open_tree
from ..upgrade.steps import STEP_MEANINGS, TASK_KEYS, gate_of
from ..upgrade.tasks import ListRef, TaskRef, iter_tasks
from .nic import CONTROL_PLANE, NicLayout, read_layout

SERVICE_PREFIX = "OS::TripleO::Services::"
NONE_TYPE = "OS::Heat::None"
CTLPLANE = "ctlplane"
_VIP_PORT = re.compile(r"^OS::TripleO::Network::Ports::(?P<net>\w+)VipPort$")
EVERY_STEP = "every step"
DECIDED_BY_HEAT = "decided by Heat"
WHOLE_ROLE = "(every service of the role, in order)"
CONDITIONAL = "(if a condition holds)"


@dataclass(frozen=True)
class Service:
    """A service type the roles list, and what the merged registry maps it to."""

    type: str
    template: str | None        # relative to the tree; None when mapped to a type (OS::Heat::None)
    mapped_to: str | None       # the type it is mapped to when it is not a template
    service_name: str | None    # the template's role_data service_name, when written literally

    @property
    def name(self) -> str:
        return self.type.removeprefix(SERVICE_PREFIX)

    @property
    def enabled(self) -> bool:
        return self.template is not None


@dataclass
class RoleReport:
    name: str
    description: str
    count: Any
    tags: list[str]
    services: list[str]                     # service types, as the role lists them
    networks: list[tuple[str, str | None]]  # (network name, subnet)
    nic_layouts: list[NicLayout] = field(default_factory=list)
    nic_in_effect: str | None = None        # the template the registry maps the role's NIC config to
    unbound: list[tuple[str, str, str]] = field(default_factory=list)  # (service, key, network) off-role


@dataclass(frozen=True)
class NetworkReport:
    name: str
    name_lower: str
    enabled: bool
    vip: bool
    cidrs: tuple[str, ...]
    vlan: Any
    mtu: Any
    created: bool    # the registry creates it (network isolation on)


@dataclass(frozen=True)
class VipReport:
    resource: str    # the overcloud's resource name (ControlVirtualIP ...)
    network: str     # name_lower, or ctlplane
    isolated: bool   # its port is on its own network (False: the control plane address stands in)


@dataclass(frozen=True)
class NetMapEntry:
    key: str                # ServiceNetMap key (NovaApiNetwork)
    network: str            # name_lower or ctlplane
    overridden: bool        # set by the environments' ServiceNetMap
    services: tuple[str, ...]   # service types whose templates read the key


@dataclass
class StepTasks:
    """The tasks one service runs in one task list, by step (int, or EVERY_STEP / DECIDED_BY_HEAT)."""

    service: str
    steps: dict[Any, list[str]] = field(default_factory=dict)


@dataclass
class RoleUpgradeReport:
    role: str
    lists: dict[str, list[StepTasks]] = field(default_factory=dict)  # task list key -> per service


@dataclass
class ReportData:
    """Everything the page shows, as values: for another tool to render its own way."""

    tree: str
    environments: list[str]
    roles: list[RoleReport]
    services: dict[str, Service]
    networks: list[NetworkReport]
    vips: list[VipReport]
    net_map: list[NetMapEntry]
    upgrades: list[RoleUpgradeReport]
    upgrade_source: str            # "heat" or "static"
    upgrade_note: str | None
    lint: list[Diagnostic] | None  # None: not run
    lint_files: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)  # problems met while collecting

    def network_by_lower(self, name_lower: str) -> NetworkReport | None:
        return next((n for n in self.networks if n.name_lower == name_lower), None)


def collect(base_path: str | os.PathLike[str] | None = None, *,
            roles_data: str | os.PathLike[str] | None = None,
            network_data: str | os.PathLike[str] | None = None,
            environments: Sequence[str | os.PathLike[str]] = (),
            lint: bool = True, upgrade: str = "auto", jobs: int | None = None) -> ReportData:
    """Gather the report's data. ``upgrade``: ``heat`` (resolve the task lists with Heat's engine),
    ``static`` (read them from the templates), ``auto`` (Heat when it is installed).
    Raises :class:`UserError` when the tree cannot be rendered or an environment is missing."""
    if upgrade not in ("auto", "heat", "static"):
        raise ValueError(f"upgrade must be auto, heat or static, not {upgrade!r}")
    tree = open_tree(base_path, roles_data, network_data)
    analysis = analyze(tree=tree, environments=environments)
    merged = analysis.merge.environment
    registry = Registry.from_environment(merged.get(RESOURCE_REGISTRY), _origin_lookup(analysis))
    values = {**_mapping(merged.get(PARAMETER_DEFAULTS)), **_mapping(merged.get(PARAMETERS))}
    root = tree.path(ROOT_TEMPLATE)
    roles_definition = _roles_definition(tree, base_path, roles_data)
    networks_definition = _networks_definition(tree, base_path, network_data)
    reader = _Reader(tree, registry, root)

    networks = [_network(n, reader) for n in networks_definition]
    net_map, map_keys = _service_net_map(reader, values)
    roles: list[RoleReport] = []
    services: dict[str, Service] = {}
    for definition in roles_definition:
        role = _role(definition, values, reader)
        roles.append(role)
        for type_name in role.services:
            if type_name not in services:
                services[type_name] = reader.service(type_name)
    usage = _net_map_usage(reader, services)
    entries = [NetMapEntry(key, network, key in map_keys.overridden, tuple(sorted(usage.get(key, ()))))
               for key, network in sorted(map_keys.values.items())]
    lower_of = {n.name: n.name_lower for n in networks}
    for role in roles:
        on = {CTLPLANE} | {lower_of.get(name, name) for name, _ in role.networks}
        for type_name in role.services:
            if services[type_name].enabled:
                for key in sorted(usage_by_service(usage, type_name)):
                    network = map_keys.values.get(key)
                    if network is not None and network not in on:
                        role.unbound.append((type_name, key, network))
    data = ReportData(
        tree=_display_tree(tree, base_path),
        environments=[e.name for e in analysis.environments if not e.implicit],
        roles=roles, services=dict(sorted(services.items())), networks=networks,
        vips=_vips(reader, net_map, {n.name: n.name_lower for n in networks}), net_map=entries, upgrades=[],
        upgrade_source="static", upgrade_note=None,
        lint=None, diagnostics=list(analysis.diagnostics))
    _upgrades(data, reader, upgrade, base_path, roles_data, network_data, environments)
    if lint:
        _lint(data, base_path, roles_data, network_data, jobs)
    return data


def usage_by_service(usage: Mapping[str, set[str]], type_name: str) -> set[str]:
    return {key for key, types in usage.items() if type_name in types}


# -- reading the tree -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, tree: TemplateTree, registry: Registry, root: str) -> None:
        self.tree = tree
        self.registry = registry
        self.root = root

    def template_of(self, type_name: str, origin: str | None = None) -> tuple[str | None, str | None]:
        """(absolute path of the template, or None; the type it maps to when not a template)."""
        resolution = self.registry.lookup(type_name)
        if resolution.template is None:
            return None, None if resolution.unknown else resolution.type_name
        return self.tree.resolve(resolution.origin or origin or self.root, resolution.template), None

    def data(self, path: str | None) -> Any:
        loaded = self.tree.load(path) if path else None
        return loaded.data if loaded is not None else None

    def relative(self, path: str) -> str:
        return self.tree.display(path)

    def service(self, type_name: str) -> Service:
        path, mapped = self.template_of(type_name)
        name = None
        data = self.data(path)
        if isinstance(data, Mapping):
            value = _dig(data, "outputs", "role_data", "value")
            if isinstance(value, Mapping) and isinstance(value.get("service_name"), str):
                name = value["service_name"]
        if path is not None and data is None:
            return Service(type_name, None, f"missing template {self.relative(path)}", None)
        return Service(type_name, self.relative(path) if path else None, mapped, name)

    def nested(self, path: str) -> Iterator[tuple[str, str]]:
        """(resource name, absolute path) of each resource of a template that is a template."""
        data = self.data(path)
        resources = data.get("resources") if isinstance(data, Mapping) else None
        for name, resource in (resources.items() if isinstance(resources, Mapping) else ()):
            kind = resource.get("type") if isinstance(resource, Mapping) else None
            if not isinstance(kind, str):
                continue
            if kind.endswith((".yaml", ".template")):
                yield str(name), self.tree.resolve(path, kind) or ""
            elif kind.startswith("OS::TripleO::"):
                target, _ = self.template_of(kind, path)
                if target:
                    yield str(name), target


def _origin_lookup(analysis: Any) -> Any:
    entries = analysis.merge.entries[RESOURCE_REGISTRY]
    by_name = {e.name: e.path for e in analysis.environments}

    def origin_of(path: tuple[str, ...]) -> str | None:
        entry = entries.get("resources" if path[0] == "resources" else path[0])
        setting = entry.set_by if entry is not None else None
        return by_name.get(setting.file) if setting is not None else None

    return origin_of


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _display_tree(tree: TemplateTree, base_path: Any) -> str:
    if base_path is None:
        return "the library shipped with tht-gen"
    return str(os.fspath(base_path))


def _load_list(tree: TemplateTree, path: Path) -> list[dict[str, Any]]:
    text = tree.read(tree.path(path.as_posix()) if not path.is_absolute() else path.as_posix())
    if text is None:
        raise UserError.single(os.fspath(path), "cannot read the file", "R000")
    from ..yamlio import YamlSyntaxError, load_data

    try:
        data = load_data(text)
    except YamlSyntaxError as exc:
        raise UserError.single(os.fspath(path), f"invalid YAML: {exc.message}", "R000", exc.line, exc.column) \
            from None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _data_path(tree: TemplateTree, base_path: Any, given: Any, defaults: Sequence[str]) -> Path:
    from ..render.engine import _resolve_data_path

    return _resolve_data_path(Path(tree.root_path), given, defaults, base_path is not None)


def _roles_definition(tree: TemplateTree, base_path: Any, roles_data: Any) -> list[dict[str, Any]]:
    from ..render.data import DEFAULT_ROLES_DATA

    roles = _load_list(tree, _data_path(tree, base_path, roles_data, (DEFAULT_ROLES_DATA,)))
    return [r for r in roles if isinstance(r.get("name"), str)]


def _networks_definition(tree: TemplateTree, base_path: Any, network_data: Any) -> list[dict[str, Any]]:
    from ..render.data import DEFAULT_NETWORK_DATA

    path = _data_path(tree, base_path, network_data, DEFAULT_NETWORK_DATA)
    if not path.exists():
        return []
    return [n for n in _load_list(tree, path) if isinstance(n.get("name"), str)]


def _network(definition: Mapping[str, Any], reader: _Reader) -> NetworkReport:
    from ..model.networks import Network

    network = Network(str(definition["name"]), definition, ())
    cidrs: list[str] = []
    vlan = None
    for subnet in network.subnets:
        cidrs.extend(c for c in (subnet.ip_subnet, subnet.ipv6_subnet) if c)
        if vlan is None and subnet.vlan is not None:
            vlan = subnet.vlan
    target, _ = reader.template_of(f"OS::TripleO::Network::{network.name}")
    return NetworkReport(network.name, network.name_lower, network.enabled, network.vip, tuple(cidrs), vlan,
                         network.mtu, created=target is not None)


def _role(definition: Mapping[str, Any], values: Mapping[str, Any], reader: _Reader) -> RoleReport:
    from ..model.roles import Role

    role = Role(str(definition["name"]), definition, ())
    services = values.get(f"{role.name}Services")
    service_list = [s for s in services if isinstance(s, str)] if isinstance(services, list) else list(role.services)
    count = values.get(f"{role.name}Count", role.count_default if role.count_default is not None else 0)
    report = RoleReport(role.name, role.description, count, list(role.tags), service_list,
                        [(n.name, n.subnet) for n in role.networks])
    path, _ = reader.template_of(f"OS::TripleO::{role.name}::Net::SoftwareConfig")
    if path is not None:
        report.nic_in_effect = reader.relative(path)
        report.nic_layouts = _layouts(reader, path)
    return report


def _layouts(reader: _Reader, in_effect: str) -> list[NicLayout]:
    """The role's NIC configuration in every layout of the tree: the same file name in each sibling
    folder of the one in effect (``network/config/<layout>/<role>.yaml``)."""
    folder = posixpath.dirname(in_effect)
    parent = posixpath.dirname(folder)
    name = posixpath.basename(in_effect)
    candidates = {in_effect}
    tree = reader.tree
    prefix = parent + "/"
    for path in list(tree.overlay):
        if path.startswith(prefix) and posixpath.basename(path) == name and path.count("/") == in_effect.count("/"):
            candidates.add(path)
    disk = Path(parent)
    if disk.is_dir():
        for sub in disk.iterdir():
            if (sub / name).is_file() and not sub.name.startswith("."):
                candidates.add((sub / name).as_posix())
    layouts = []
    for path in sorted(candidates, key=lambda p: (p != in_effect, p)):
        layouts.append(read_layout(posixpath.basename(posixpath.dirname(path)), reader.relative(path),
                                   reader.data(path)))
    return layouts


@dataclass
class _MapKeys:
    values: dict[str, str] = field(default_factory=dict)
    overridden: set[str] = field(default_factory=set)


def _service_net_map(reader: _Reader, values: Mapping[str, Any]) -> tuple[dict[str, str], _MapKeys]:
    """The ServiceNetMap as the deployment computes it: the map template's defaults with the
    environments' ``ServiceNetMap`` overrides."""
    keys = _MapKeys()
    path, _ = reader.template_of("OS::TripleO::ServiceNetMap")
    data = reader.data(path)
    defaults = _dig(data, "parameters", "ServiceNetMapDefaults", "default") if data else None
    if isinstance(defaults, Mapping):
        keys.values = {str(k): str(v) for k, v in defaults.items() if isinstance(v, str)}
    overrides = values.get("ServiceNetMap")
    if isinstance(overrides, Mapping):
        for key, value in overrides.items():
            if isinstance(value, str):
                keys.values[str(key)] = value
                keys.overridden.add(str(key))
    return dict(keys.values), keys


def _net_map_usage(reader: _Reader, services: Mapping[str, Service]) -> dict[str, set[str]]:
    """ServiceNetMap key -> the service types whose template (or a template it nests) reads it."""
    usage: dict[str, set[str]] = {}
    for type_name, service in services.items():
        if service.template is None:
            continue
        for path in _closure(reader, reader.tree.path(service.template)):
            for key in _net_map_keys(reader.data(path)):
                usage.setdefault(key, set()).add(type_name)
    return usage


def _closure(reader: _Reader, path: str) -> list[str]:
    seen: dict[str, None] = {}
    pending = [path]
    while pending:
        current = pending.pop()
        if current in seen or not current:
            continue
        seen[current] = None
        pending.extend(p for _, p in reader.nested(current))
    return list(seen)


def _net_map_keys(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        arg = value.get("get_param") if len(value) == 1 else None
        if isinstance(arg, list) and len(arg) >= 2 and arg[0] == "ServiceNetMap" and isinstance(arg[1], str):
            yield arg[1]
            return
        for item in value.values():
            yield from _net_map_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _net_map_keys(item)


def _vips(reader: _Reader, net_map: Mapping[str, str], networks: Mapping[str, str]) -> list[VipReport]:
    """The overcloud's virtual IP ports: each resource of type ``OS::TripleO::Network::Ports::<X>VipPort``
    (``X`` a network's name) and the network it sits on: ``X``'s, or the ServiceNetMap key its
    ``NetworkName`` property reads."""
    data = reader.data(reader.root)
    resources = data.get("resources") if isinstance(data, Mapping) else None
    vips = []
    for name, resource in (resources.items() if isinstance(resources, Mapping) else ()):
        kind = resource.get("type") if isinstance(resource, Mapping) else None
        match = _VIP_PORT.match(kind) if isinstance(kind, str) else None
        if match is None:
            continue
        network = networks.get(match.group("net"), CTLPLANE if match.group("net") == CONTROL_PLANE else None)
        by_key = _dig(resource, "properties", "NetworkName")
        attr = by_key.get("get_attr") if isinstance(by_key, Mapping) else None
        if isinstance(attr, list) and attr and attr[-1] in net_map:
            network = net_map[attr[-1]]
        if network is None:
            network = CTLPLANE
        path, _ = reader.template_of(str(kind))
        # A no-op or control plane port gives the control plane address in place of one on the network.
        stand_in = path is None or posixpath.basename(path).startswith(("noop", "ctlplane"))
        vips.append(VipReport(str(name), network, network == CTLPLANE or not stand_in))
    return vips


# -- upgrade steps --------------------------------------------------------------------------------


def _upgrades(data: ReportData, reader: _Reader, mode: str, base_path: Any, roles_data: Any,
              network_data: Any, environments: Sequence[Any]) -> None:
    from ..heat.availability import heat_available

    if mode == "heat" or (mode == "auto" and heat_available()):
        note = _heat_upgrades(data, base_path, roles_data, network_data, environments)
        if note is None:
            data.upgrade_source = "heat"
            return
        if mode == "heat":
            raise UserError.single("--upgrade-tasks heat", note, "U901")
        data.upgrade_note = note + " The task lists below are read from the templates instead."
    else:
        data.upgrade_note = ("OpenStack Heat is not installed: the task lists are read from the service "
                             "templates as written (literal lists, list_concat, if branches, nested base "
                             "templates), without environment values: both branches of a condition are "
                             f"shown, marked {CONDITIONAL}, and lists only Heat can compute are listed as "
                             "such. Install tht-gen[heat] to have Heat's engine resolve them.")
    unique = {key: _chain_keeps_one_copy(reader, key) for key in TASK_KEYS}
    for role in data.roles:
        report = RoleUpgradeReport(role.name)
        for key in TASK_KEYS:
            report.lists[key] = []
            seen: list[Any] = []
            for type_name in role.services:
                service = data.services[type_name]
                if service.template is None:
                    continue
                steps: dict[Any, list[str]] = {}
                for task in _static_tasks(reader, reader.tree.path(service.template), key, set()):
                    if unique[key]:
                        if task in seen:
                            continue
                        seen.append(task)
                    _place(steps, task)
                if steps:
                    report.lists[key].append(StepTasks(service.name, steps))
        data.upgrades.append(report)


def _chain_keeps_one_copy(reader: _Reader, key: str) -> bool:
    """Whether the role's service chain joins the services' lists with ``list_concat_unique`` (a task
    two services share, such as a base template's, then runs once, where it first appears)."""
    path, _ = reader.template_of("OS::TripleO::ServiceChain")
    value = _dig(reader.data(path), "outputs", "role_data", "value", key)
    return isinstance(value, Mapping) and "list_concat_unique" in value


def _static_tasks(reader: _Reader, path: str, key: str, seen: set[str]) -> Iterator[Any]:
    if path in seen:
        return
    seen = seen | {path}
    template = reader.data(path)
    nested = dict(reader.nested(path))
    for item in iter_tasks(template):
        if isinstance(item, TaskRef):
            if item.key == key:
                if "if" in item.path and isinstance(item.task, Mapping):
                    # One branch of a condition only Heat can decide: both branches are shown.
                    yield {**item.task, "name": f"{item.task.get('name', '(unnamed task)')} {CONDITIONAL}"}
                else:
                    yield item.task
        elif isinstance(item, ListRef):
            if item.key != key:
                continue
            target = item.target
            if item.how == "get_attr" and isinstance(target, list) and target and target[0] in nested:
                yield from _static_tasks(reader, nested[target[0]], key, seen)
            else:
                yield {"name": f"(a list computed by {item.how})", "when": {"heat": item.how}}


def _place(steps: dict[Any, list[str]], task: Any) -> None:
    if not isinstance(task, Mapping):
        return
    gate = gate_of(task)
    where: Any = gate.step if gate.single else DECIDED_BY_HEAT if gate.status == "dynamic" else EVERY_STEP
    name = task.get("name")
    steps.setdefault(where, []).append(str(name) if isinstance(name, str) else "(unnamed task)")


def _heat_upgrades(data: ReportData, base_path: Any, roles_data: Any, network_data: Any,
                   environments: Sequence[Any]) -> str | None:
    """Fill the upgrade steps from Heat's resolution; a note saying why not, when it fails.

    Parameters that no environment gives a value (the passwords, typically) get a placeholder of
    their type, in an environment of their own after the others: a report deploys nothing, and a
    task list that read one would show the placeholder (the page says how many there were)."""
    import json
    import tempfile

    from ..heat.availability import HeatUnavailable
    from ..interface import parameters
    from ..upgrade import resolve_roles

    schema = parameters(base_path, environments, roles_data=roles_data, network_data=network_data)
    placeholders = {p.name: _placeholder(p) for p in schema.parameters
                    if p.value.origin == "none" and p.scope != "internal"}
    with tempfile.TemporaryDirectory(prefix="tht-gen-report-") as folder:
        extra = list(environments)
        if placeholders:
            path = Path(folder) / "placeholders.yaml"
            path.write_text(json.dumps({"parameter_defaults": placeholders}, sort_keys=True), encoding="utf-8")
            extra.append(path)
        try:
            resolution = resolve_roles(base_path, extra, roles_data=roles_data, network_data=network_data)
        except HeatUnavailable as exc:
            return str(exc) + "."
    if not resolution.ok:
        errors = [d for d in resolution.diagnostics if d.severity >= Severity.ERROR]
        first = errors[0].format_text() if errors else "unknown error"
        return f"Heat could not resolve the task lists ({first})."
    data.diagnostics.extend(d for d in resolution.diagnostics if d.severity < Severity.ERROR)
    if placeholders:
        data.upgrade_note = (f"{len(placeholders)} parameters have no value in these environments (passwords, "
                             "typically); Heat resolved the task lists with a placeholder for each: "
                             + ", ".join(sorted(placeholders)) + ".")
    whole = []
    for role in resolution.roles:
        report = RoleUpgradeReport(role.name)
        for key in TASK_KEYS:
            report.lists[key] = []
            split = _split_by_service(role, key)
            if split is None:
                # The services' own lists do not add up to the role's: show the role's list as Heat
                # composed it, in order, rather than a split that would be wrong.
                steps: dict[Any, list[str]] = {}
                for task in role.tasks.get(key) or []:
                    _place(steps, task)
                if steps:
                    report.lists[key].append(StepTasks(WHOLE_ROLE, steps))
                    whole.append(f"{role.name} {key}")
                continue
            for service, tasks in split:
                steps = {}
                for task in tasks:
                    _place(steps, task)
                if steps:
                    report.lists[key].append(StepTasks(service.resource_type.removeprefix(SERVICE_PREFIX), steps))
        data.upgrades.append(report)
    if whole:
        note = ("Heat's lists could not be split by service for " + ", ".join(whole)
                + ": they are shown whole, in the order the role runs them.")
        data.upgrade_note = f"{data.upgrade_note} {note}" if data.upgrade_note else note
    return None


def _split_by_service(role: Any, key: str) -> list[tuple[Any, list[Any]]] | None:
    """The role's list as Heat composed it, service by service: each service's own tasks, less those
    an earlier service already gave (a chain joined with list_concat_unique keeps the first copy).
    None when the parts do not add up to the whole."""
    whole = role.tasks.get(key) or []
    if role.attributed.get(key, False):
        return [(s, s.tasks.get(key) or []) for s in role.services]
    if any(key not in s.tasks for s in role.services):
        return None
    taken: list[Any] = []
    split = []
    for service in role.services:
        own = [t for t in service.tasks[key] if t not in taken]
        taken.extend(own)
        split.append((service, own))
    return split if taken == whole else None


def _placeholder(parameter: Any) -> Any:
    """A value of the parameter's type that its first choice list or range accepts."""
    allowed = parameter.allowed_values
    if allowed:
        return allowed[0]
    kind = parameter.type
    if kind == "number":
        for constraint in parameter.constraints:
            bounds = constraint.get("range")
            if isinstance(bounds, dict) and isinstance(bounds.get("min"), int | float):
                return bounds["min"]
        return 0
    return {"boolean": False, "json": {}, "comma_delimited_list": []}.get(kind or "", "placeholder")


def step_meaning(key: str, step: Any) -> str:
    return STEP_MEANINGS.get(key, {}).get(step, "") if isinstance(step, int) else ""


# -- lint -----------------------------------------------------------------------------------------


def _lint(data: ReportData, base_path: Any, roles_data: Any, network_data: Any, jobs: int | None) -> None:
    from ..library import resolve_library
    from ..lint import lint

    root = resolve_library(None if base_path is None else Path(base_path)).root
    report = lint([root], roles_data=roles_data, network_data=network_data, jobs=jobs)
    data.lint = list(report.diagnostics)
    data.lint_files = len(report.checked)
