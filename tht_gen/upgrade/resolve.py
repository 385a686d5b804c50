"""Each role's upgrade, update and post-upgrade tasks, as Heat's engine computes them.

The task lists a role's nodes run are the ``role_data`` output of the
role's service chain: every service template of the role, created with the
parameters the overcloud gives it, its ``role_data`` evaluated, and the lists
concatenated in service order. This module has Heat's own engine (the
``openstack-heat`` package, in this process, no server) evaluate exactly that,
for the environments given, without creating anything:

* the tree is sent the way a client sends it (:mod:`tht_gen.heat.stackinput`:
  the ``files`` map, the environments merged by Heat, the tree's resource
  registry first), and Heat parses the overcloud template into a stack;
* Heat resolves every intrinsic function. Where a function reads another
  resource's attribute, the resource is treated as created and its attribute
  computed the way it would be after creation: a nested template's attribute
  is the nested stack's output (the nested stack built by Heat from the
  resource's properties, as a create would build it), a resource chain's or
  group's is the list of its members' attributes, an ``OS::Heat::Value``'s is
  its value, ``OS::Heat::None``'s is null. These values reach Heat's
  functions through Heat's own interface for created resources' data
  (``NodeData`` in the stack definition), computed only when a function asks;
* attributes of real resources (a port's address, a random string, a
  server's name) exist only after create: they resolve to null, as Heat
  resolves them before create, and every task list that depends on one says
  so (U903). Task lists rarely need them.

Per role, the result keeps the chain's final lists (what the nodes run) and
each service's own part (for the playbooks' comments, the diff and findings
located in the service template); a test checks the parts add up to the whole.

Diagnostics (rule ids of the ``upgrade`` command):

====  ==============================================================
U900  input problem: a file, a role or the roles data is missing (exit 2)
U901  Heat rejected the tree (the overcloud template or an environment)
U902  a task list could not be resolved (Heat's error, in the template
      where it happened)
U903  a task list depends on a value known only after create (null here)
U904  a resolved task is not gated on exactly one step: it is copied into
      every step's file (Ansible decides at run time from its ``when``)
====  ==============================================================
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity, UserError
from ..heat.availability import HeatUnavailable, heat_available, quiet_dependencies, quietly
from ..yamlio import Document, YamlSyntaxError, load_document
from .steps import TASK_KEYS

# The root template's output with each role's merged role_data, and the
# resource that computes it when a tree has no such output.
ROLE_DATA_OUTPUT = "RoleData"
CHAIN_RESOURCE = "{role}ServiceChain"
SERVICE_PREFIX = "OS::TripleO::Services::"


@dataclass(frozen=True)
class ParameterInfo:
    """A parameter some template of a role declares: type, effective default, who declares it."""

    type: str
    default: Any
    hidden: bool
    templates: tuple[str, ...]


@dataclass
class ServiceTasks:
    """One service of a role: its registry type, template and resolved task lists."""

    resource_type: str
    template: str | None          # relative to the tree; None for OS::Heat::None
    service_name: str | None
    tasks: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.service_name or self.resource_type.removeprefix(SERVICE_PREFIX)


@dataclass
class RoleUpgrade:
    """One role's services and task lists as Heat resolved them, and its upgrade settings."""

    name: str
    services: list[ServiceTasks] = field(default_factory=list)
    tasks: dict[str, list[Any]] = field(default_factory=dict)   # the chain's lists
    attributed: dict[str, bool] = field(default_factory=dict)   # lists equal to the services' parts
    batch_size: int = 1
    update_serial: int | None = None
    operator_driven: bool = False
    parameters: dict[str, ParameterInfo] = field(default_factory=dict)

    def serial(self, key: str) -> int:
        """Ansible's ``serial`` for a task list: ``update_serial`` for updates when the role sets
        it, else ``upgrade_batch_size``."""
        if key == "update_tasks" and self.update_serial:
            return self.update_serial
        return self.batch_size

    @property
    def service_types(self) -> list[str]:
        return [s.resource_type for s in self.services]


@dataclass
class Resolution:
    """The roles of a tree, resolved by Heat, and what was found on the way."""

    tree: Path
    roles: list[RoleUpgrade] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    heat_version: str = ""
    elapsed: float = 0.0
    usage_error: bool = False

    @property
    def ok(self) -> bool:
        return not self.usage_error and not any(d.severity >= Severity.ERROR for d in self.diagnostics)

    def role(self, name: str) -> RoleUpgrade | None:
        return next((r for r in self.roles if r.name == name), None)


def _positive(value: Any, default: int | None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return default
    return value


def role_settings(role: Mapping[str, Any]) -> tuple[int, int | None, bool]:
    """(upgrade_batch_size, update_serial, operator-driven) of a role's data (defaults 1, None, False)."""
    batch = _positive(role.get("upgrade_batch_size"), 1) or 1
    serial = _positive(role.get("update_serial"), None)
    return batch, serial, role.get("disable_upgrade_deployment") is True


@quietly
def resolve_roles(
    tree: str | os.PathLike[str] | None = None,
    environments: Sequence[str | os.PathLike[str]] = (),
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    roles: Sequence[str] | None = None,
    keys: Sequence[str] = TASK_KEYS,
    parameters: bool = False,
) -> Resolution:
    """Resolve the task lists (``keys``) of every role (or of ``roles``) of a tree with Heat.

    ``tree`` is a source tree (rendered in memory with ``roles_data`` and
    ``network_data``, nothing written), a rendered tree, or None for the
    shipped library. ``environments`` are applied in order after the tree's
    resource registry. With ``parameters``, each role also lists the
    parameters its services' templates declare (for the diff). Never prints.

    Raises :class:`tht_gen.heat.HeatUnavailable` when Heat is not installed.
    """
    started = time.perf_counter()
    if not heat_available():
        raise HeatUnavailable()
    from ..heat.stackinput import build_stack_input, prepare_tree
    from ..library import resolve_library

    root = resolve_library(None if tree is None else Path(tree)).root
    result = Resolution(tree=root)
    try:
        role_defs = _load_roles(root, tree is not None, roles_data)
        prepared = prepare_tree(None if tree is None else Path(tree), roles_data, network_data)
        if not prepared.ok:
            result.diagnostics.extend(prepared.diagnostics)
            result.usage_error = prepared.usage_error
            return _done(result, started)
        stack_input = build_stack_input(prepared.root, [Path(e) for e in environments],
                                        overlay=prepared.overlay)
    except UserError as exc:
        result.diagnostics.extend(exc.diagnostics)
        result.usage_error = exc.exit_code == 2
        return _done(result, started)
    result.environments = [stack_input.relative(u) for u in stack_input.environment_files]
    wanted = list(roles) if roles else [r["name"] for r in role_defs]
    known = {str(r["name"]): r for r in role_defs}
    for name in wanted:
        if name not in known:
            result.diagnostics.append(Diagnostic(Location("roles data"), "U900", Severity.ERROR,
                                                 f"no role named {name!r} (roles: {', '.join(known)})"))
            result.usage_error = True
    if result.usage_error:
        return _done(result, started)
    from ..heat.validate import _LOCK, _HeatSession

    with _LOCK, quiet_dependencies():
        session = _HeatSession.get()
        result.heat_version = session.version
        evaluator = _Evaluator(session, stack_input, prepared.origins, result)
        stack = evaluator.root_stack()
        if stack is not None:
            for name in wanted:
                role = RoleUpgrade(name)
                role.batch_size, role.update_serial, role.operator_driven = role_settings(known[name])
                evaluator.role(stack, role, keys, parameters)
                result.roles.append(role)
    result.diagnostics = sorted(set(result.diagnostics))
    return _done(result, started)


def _done(result: Resolution, started: float) -> Resolution:
    result.elapsed = time.perf_counter() - started
    return result


def _load_roles(root: Path, explicit_base: bool, roles_data: str | os.PathLike[str] | None) -> list[dict[str, Any]]:
    """The roles data the tree is rendered with, found as ``tht-gen render`` finds it."""
    from ..render.data import DEFAULT_ROLES_DATA
    from ..render.engine import _resolve_data_path
    from ..yamlio import load_data

    path = _resolve_data_path(root, roles_data, (DEFAULT_ROLES_DATA,), explicit_base)
    try:
        data = load_data(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError.single(os.fspath(path), f"cannot read the roles data: {exc.strerror}", "U900") from None
    except YamlSyntaxError as exc:
        raise UserError.single(os.fspath(path), f"invalid YAML: {exc.message}", "U900",
                               exc.line, exc.column) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) and isinstance(r.get("name"), str)
                                             for r in data):
        raise UserError.single(os.fspath(path), "roles data must be a list of roles, each with a name",
                               "U900")
    return data


# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cause:
    """Why a value is not what a created stack would give: unknown before create, or an error."""

    kind: str       # "unknown" or "error"
    where: str      # stack path / resource
    detail: str
    url: str | None = None          # the template where an error happened
    path: tuple[Any, ...] = ()      # and where in it


@dataclass
class _Entry:
    value: Any
    causes: frozenset[_Cause]
    members: list[tuple[str, Any, Any]] | None = None  # a chain's (member, resource, stack) for traces


class _Located(Exception):
    """An error, and the template and document path where Heat met it."""

    def __init__(self, error: BaseException, url: str | None, path: tuple[Any, ...]) -> None:
        super().__init__(str(error))
        self.error = error
        self.url = url
        self.path = path


class _LazyAttributes(dict):  # type: ignore[type-arg]
    """A created resource's attribute values, as Heat's NodeData holds them; computed when
    a function first asks (the evaluator caches them, with what they depend on)."""

    def __init__(self, evaluator: _Evaluator, stack: Any, name: str) -> None:
        super().__init__()
        self.evaluator = evaluator
        self.stack = stack
        self.name = name

    def __missing__(self, key: Any) -> Any:
        path = tuple(key) if isinstance(key, tuple) else (key,)
        return self.evaluator.attribute(self.stack, self.name, path)


class _Evaluator:
    def __init__(self, session: Any, stack_input: Any, origins: dict[str, str], result: Resolution) -> None:
        self.session = session
        self.input = stack_input
        self.origins = origins
        self.result = result
        self.cache: dict[tuple[int, str, tuple[Any, ...]], _Entry] = {}
        self.children: dict[tuple[int, str], Any] = {}
        self.keep: list[Any] = []             # stacks alive while ids key the caches
        self.param_causes: dict[int, dict[str, frozenset[_Cause]]] = {}
        self.inherited: dict[int, dict[str, frozenset[_Cause]]] = {}
        self.recorders: list[set[_Cause]] = []
        self.traces: list[tuple[Any, ...]] | None = None
        self.docs: dict[str, Document | None] = {}
        self.urls: dict[int, str] = {}        # stack -> the template file it was built from
        # per role and service index: (the chain's stack, member name, causes per task list)
        self.members: dict[tuple[str, int], tuple[Any, str, dict[str, frozenset[_Cause]]]] = {}

    # -- recording -----------------------------------------------------------------------

    def note(self, causes: Iterator[_Cause] | frozenset[_Cause] | set[_Cause] | list[_Cause]) -> None:
        """Add to the innermost recording; a recording's causes reach the one around it only
        when its owner says so (an attribute's do: whoever reads it depends on them)."""
        if self.recorders:
            self.recorders[-1].update(causes)

    def recording(self) -> _Recording:
        return _Recording(self)

    # -- stacks --------------------------------------------------------------------------

    def root_stack(self) -> Any:
        from heat.common import environment_format
        from heat.common import environment_util as env_util
        from heat.engine import environment
        from heat.engine import stack as parser
        from heat.engine import template as templatem

        body = self.input.request_body()
        try:
            tmpl = templatem.Template(body["template"], files=body["files"])
            params: dict[str, Any] = {}
            environment_format.default_for_missing(params)
            env_util.merge_environments(body["environment_files"], body["files"], params,
                                        tmpl.all_param_schemata(body["files"]))
            tmpl.env = environment.Environment(params)
            stack = parser.Stack(self.session.context, "overcloud", tmpl)
            self.install(stack)
        except Exception as exc:  # Heat's words, about the tree
            self.result.diagnostics.append(Diagnostic(
                Location(self.input.relative(self.input.template_url)), "U901", Severity.ERROR,
                f"Heat rejected the tree: {_message(exc)}"))
            return None
        self.param_causes[id(stack)] = {}
        self.urls[id(stack)] = self.input.template_url
        return stack

    def install(self, stack: Any) -> None:
        """Give every resource of ``stack`` the data of a created resource (lazily computed)."""
        from heat.engine import node_data, stk_defn

        self.keep.append(stack)
        for name in sorted(stack.defn.enabled_rsrc_names()):
            data = node_data.NodeData(None, name, None, name, _LazyAttributes(self, stack, name),
                                      "CREATE", "COMPLETE")
            stk_defn.update_resource_data(stack.defn, name, data)

    def child(self, stack: Any, res: Any) -> Any:
        """The nested stack of ``res``, built by Heat as a create would build it."""
        key = (id(stack), res.name)
        if key in self.children:
            return self.children[key]
        causes = self._property_causes(stack, res)
        building: set[_Cause] = set()
        try:
            with self.recording() as building:
                template = res.child_template()
                params = res.child_params()
                child = res._parse_nested_stack(f"{stack.name}-{res.name}", template, params)
        except Exception:
            self.note(building)  # what the failure depended on: the caller judges it
            raise
        self.install(child)
        if _kind(res) == "template" and isinstance(res.template_url, str):
            self.urls[id(child)] = res.template_url
        inherited = self.inherited.get(id(stack), {})
        self.param_causes[id(child)] = {
            name: causes.get(name, frozenset()) | inherited.get(name, frozenset())
            for name in set(causes) | set(inherited)}
        if _kind(res) == "chain":
            # The members' properties are the chain's resource_properties, already resolved into
            # the generated template: carry what each of them depended on.
            self.inherited[id(child)] = self._mapping_causes(stack, res, "resource_properties")
        self.children[key] = child
        return child

    def _property_causes(self, stack: Any, res: Any) -> dict[str, frozenset[_Cause]]:
        out: dict[str, frozenset[_Cause]] = {}
        data = res.properties.data
        for name in data:
            with self.recording() as recorder:
                self.note_params(stack, data[name])
                try:
                    res.properties.get_user_value(name)
                except Exception:  # reported where the value is used, if it is
                    pass
            out[name] = frozenset(recorder)
        return out

    def _mapping_causes(self, stack: Any, res: Any, prop: str) -> dict[str, frozenset[_Cause]]:
        from heat.engine import function

        snippet = res.properties.data.get(prop)
        out: dict[str, frozenset[_Cause]] = {}
        if not isinstance(snippet, Mapping):
            return out
        for name, value in snippet.items():
            with self.recording() as recorder:
                self.note_params(stack, value)
                try:
                    function.resolve(value)
                except Exception:
                    pass
            out[name] = frozenset(recorder)
        return out

    def note_params(self, stack: Any, snippet: Any) -> None:
        """Note what the parameters ``snippet`` reads depended on (they were computed when
        the stack was built, so reading them leaves no trace of their own)."""
        causes = self.param_causes.get(id(stack))
        if not causes:
            return
        for name in _param_names(snippet):
            self.note(causes.get(name, frozenset()))

    # -- attributes and outputs ----------------------------------------------------------

    def attribute(self, stack: Any, name: str, path: tuple[Any, ...]) -> Any:
        key = (id(stack), name, path)
        entry = self.cache.get(key)
        if entry is None:
            with self.recording() as recorder:
                members: list[tuple[str, Any, Any]] | None = None
                try:
                    value, members = self._compute(stack, name, path)
                except Exception as exc:
                    value = None
                    # An error computing something that depends on a value not known
                    # before create says nothing about the templates (Heat, before
                    # create, would not report it either).
                    if not any(c.kind == "unknown" for c in recorder):
                        recorder.add(self._error_cause(stack, name, exc))
            entry = _Entry(value, frozenset(recorder), members)
            self.cache[key] = entry
        self.note(entry.causes)
        if self.traces is not None and entry.members is not None:
            self.traces.append((path, entry.members))
        return copy.deepcopy(entry.value)

    def _compute(self, stack: Any, name: str, path: tuple[Any, ...]) -> tuple[Any, Any]:
        from heat.engine import attributes

        res = stack.resources[name]
        attr, rest = path[0], path[1:]
        kind = _kind(res)
        if kind == "chain":
            child = self.child(stack, res)
            names = sorted(child.defn.enabled_rsrc_names(), key=_member_order)
            if isinstance(attr, str) and attr.startswith("resource."):
                member, _, inner = attr[len("resource."):].partition(".")
                return self.attribute(child, member, (inner, *rest) if inner else rest), None
            if attr == "refs":
                return attributes.select_from_attribute(list(names), list(rest)), None
            values = [self.attribute(child, member, path) for member in names]
            return values, [(member, child.resources[member], child) for member in names]
        if kind == "template":
            child = self.child(stack, res)
            return self.output(child, attr, rest), None
        if kind == "none":
            return None, None
        if kind == "value":
            return res.get_attribute(attr, *rest), None
        self.note([_Cause("unknown", f"{_where(stack)}/{name}",
                          f"{res.type()} attribute {'.'.join(str(p) for p in path)}")])
        return None, None

    def output(self, stack: Any, name: str, path: Sequence[Any] = ()) -> Any:
        """An output of ``stack``, resolved only as deep as ``path`` asks."""
        from heat.common import exception

        try:
            snippet = stack.defn.output_definition(name)._value
        except KeyError:
            raise exception.InvalidTemplateAttribute(resource=stack.name, key=name) from None
        try:
            return self.select(stack, snippet, list(path))
        except _Located:
            raise
        except Exception as exc:
            where = ("outputs", name, "value", *[p for p in path if isinstance(p, (str, int))])
            raise _Located(exc, self.urls.get(id(stack)), where) from exc

    def select(self, stack: Any, snippet: Any, path: list[Any]) -> Any:
        from heat.engine import attributes, function
        from heat.engine.hot import functions as hot_functions

        while path:
            if isinstance(snippet, Mapping) and not isinstance(snippet, function.Function):
                snippet = snippet.get(path[0])
                path = path[1:]
                continue
            if isinstance(snippet, list) and isinstance(path[0], int) and 0 <= path[0] < len(snippet):
                snippet = snippet[path[0]]
                path = path[1:]
                continue
            if isinstance(snippet, hot_functions.GetAtt):
                # get_attr [R, a, p...] then [q...]: ask R for a.p.q, so that only the
                # part wanted is computed (R's other outputs may depend on unknowns).
                self.note_params(stack, snippet.args)
                resource = function.resolve(snippet._resource_name)
                attr = function.resolve(snippet._attribute)
                own = function.resolve(snippet._path_components)
                if isinstance(resource, str) and attr is not None:
                    proxy = stack.defn[resource]
                    return proxy.FnGetAtt(attr, *own, *path)
            break
        self.note_params(stack, snippet)
        return attributes.select_from_attribute(function.resolve(snippet), path)

    # -- a role --------------------------------------------------------------------------

    def role(self, stack: Any, role: RoleUpgrade, keys: Sequence[str], with_parameters: bool) -> None:
        from_output = ROLE_DATA_OUTPUT in stack.defn.enabled_output_names()
        chain_name = CHAIN_RESOURCE.format(role=role.name)
        if not from_output and chain_name not in stack.defn.enabled_rsrc_names():
            self._report_missing(role)
            return
        for key in keys:
            self.traces = []
            with self.recording() as recorder:
                try:
                    if from_output:
                        value = self.output(stack, ROLE_DATA_OUTPUT, [role.name, key])
                    else:
                        value = self.attribute(stack, chain_name, ("role_data", key))
                except Exception as exc:
                    recorder.add(self._error_cause(stack, chain_name, exc))
                    value = None
            traces, self.traces = self.traces, None
            role.tasks[key] = value if isinstance(value, list) else []
            members = next((m for p, m in traces if p == ("role_data", key)), None)
            if members is not None:
                self._services(role, key, members)
            parts = [t for s in role.services for t in s.tasks.get(key, [])]
            if members is not None and parts != role.tasks[key]:
                _keep_first_copies(role.services, key, role.tasks[key])
                parts = [t for s in role.services for t in s.tasks.get(key, [])]
            role.attributed[key] = members is not None and parts == role.tasks[key]
            self._report(role, key, recorder)
        if with_parameters:
            self._parameters(role)

    def _services(self, role: RoleUpgrade, key: str, members: list[tuple[str, Any, Any]]) -> None:
        """Each chain member's own list (already computed for the chain's), in member order."""
        for index, (member, res, child) in enumerate(members):
            if index == len(role.services):
                kind = _kind(res)
                template = self.input.relative(res.template_url) if kind == "template" else None
                name = self.attribute(child, member, ("role_data", "service_name")) if kind == "template" else None
                role.services.append(ServiceTasks(res.type(), template, name if isinstance(name, str) else None))
                self.members[(role.name, index)] = (child, member, {})
            entry = self.cache.get((id(child), member, ("role_data", key)))
            tasks = entry.value if entry is not None else None
            role.services[index].tasks[key] = copy.deepcopy(tasks) if isinstance(tasks, list) else []
            self.members[(role.name, index)][2][key] = entry.causes if entry is not None else frozenset()

    def _report_missing(self, role: RoleUpgrade) -> None:
        self.result.diagnostics.append(Diagnostic(
            Location(self.input.relative(self.input.template_url)), "U901", Severity.ERROR,
            f"the tree has neither a {ROLE_DATA_OUTPUT} output nor a "
            f"{CHAIN_RESOURCE.format(role=role.name)} resource to read role {role.name}'s tasks from"))

    def _report(self, role: RoleUpgrade, key: str, recorder: set[_Cause]) -> None:
        """One diagnostic per cause, in the service template whose list it affects."""
        placed: set[_Cause] = set()
        for index, service in enumerate(role.services):
            causes = self.members.get((role.name, index), (None, "", {}))[2].get(key, frozenset())
            for cause in sorted(causes, key=lambda c: (c.kind, c.where, c.detail)):
                placed.add(cause)
                self._diagnose(cause, role, key, service)
        for cause in sorted(set(recorder) - placed, key=lambda c: (c.kind, c.where, c.detail)):
            self._diagnose(cause, role, key, None)

    def _diagnose(self, cause: _Cause, role: RoleUpgrade, key: str, service: ServiceTasks | None) -> None:
        file = service.template if service and service.template else \
            self.input.relative(self.input.template_url)
        path: tuple[Any, ...] = ("outputs", "role_data", "value", key) if service else ("outputs",)
        if cause.kind == "error" and cause.url is not None:
            file, path = self.input.relative(cause.url), cause.path or ()
        line, column = self._locate(file, path)
        subject = f"role {role.name}, {service.label if service else 'the role'}, {key}"
        source = self.origins.get(file)
        origin = Location(source) if source else None
        if cause.kind == "unknown":
            message = (f"{subject}: depends on {cause.where} ({cause.detail}), known only once the "
                       "stack is created; resolved as null")
            diag = Diagnostic(Location(file, line, column), "U903", Severity.WARNING, message, origin)
        else:
            message = f"{subject}: cannot be resolved: {cause.detail}"
            diag = Diagnostic(Location(file, line, column), "U902", Severity.ERROR, message, origin)
        self.result.diagnostics.append(diag)

    def _locate(self, file: str, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
        if file not in self.docs:
            text = self.input.text_of(self.input.url_for(self.input.tree / file))
            try:
                self.docs[file] = load_document(text) if text is not None else None
            except YamlSyntaxError:
                self.docs[file] = None
        doc = self.docs[file]
        if doc is None:
            return None, None
        while path:
            node, _ = doc.node_at(path)
            if node is not None:
                break
            path = path[:-1]
        mark = doc.locate(path) if path else doc.locate(())
        return mark.line, mark.column

    def _error_cause(self, stack: Any, name: str, exc: BaseException) -> _Cause:
        if isinstance(exc, _Located):
            return _Cause("error", f"{_where(stack)}/{name}", _message(exc.error), exc.url, exc.path)
        return _Cause("error", f"{_where(stack)}/{name}", _message(exc), self.urls.get(id(stack)),
                      ("resources", name))

    # -- parameters (for the diff) -------------------------------------------------------

    def _parameters(self, role: RoleUpgrade) -> None:
        found: dict[str, tuple[str, Any, bool, set[str]]] = {}
        for index, service in enumerate(role.services):
            member = self.members.get((role.name, index))
            if member is None or service.template is None:
                continue
            chain_child, name, _ = member
            try:
                stack = self.child(chain_child, chain_child.resources[name])
            except Exception:
                continue
            for template, stk in self._templates(stack, service.template, depth=0):
                for pname, param in stk.parameters.params.items():
                    if pname in stk.parameters.PSEUDO_PARAMETERS:
                        continue
                    schema = param.schema
                    default = param.user_default if param.user_default is not None else schema.default
                    entry = found.setdefault(pname, (str(schema.type), default, bool(schema.hidden), set()))
                    entry[3].add(template)
        role.parameters = {n: ParameterInfo(t, d, h, tuple(sorted(files)))
                           for n, (t, d, h, files) in sorted(found.items())}

    def _templates(self, stack: Any, template: str, depth: int) -> Iterator[tuple[str, Any]]:
        yield template, stack
        if depth > 8:
            return
        for name in sorted(stack.defn.enabled_rsrc_names()):
            try:
                res = stack.resources[name]
            except Exception:
                continue
            if _kind(res) != "template":
                continue
            try:
                child = self.child(stack, res)
            except Exception:
                continue
            yield from self._templates(child, self.input.relative(res.template_url), depth + 1)


class _Recording:
    def __init__(self, evaluator: _Evaluator) -> None:
        self.evaluator = evaluator
        self.recorder: set[_Cause] = set()

    def __enter__(self) -> set[_Cause]:
        self.evaluator.recorders.append(self.recorder)
        return self.recorder

    def __exit__(self, *exc: object) -> None:
        self.evaluator.recorders.pop()


def _keep_first_copies(services: list[ServiceTasks], key: str, merged: list[Any]) -> None:
    """Attribute a chain merged with ``list_concat_unique`` to its services.

    Services nesting the same base each carry the base's tasks; the chain keeps
    a task where it first appears, so that is the only service credited with
    it. Applied only when it reproduces the merged list exactly, so a chain
    merged some other way stays unattributed rather than misattributed.
    """
    seen: list[Any] = []
    kept: list[list[Any]] = []
    for service in services:
        own = []
        for task in service.tasks.get(key, []):
            if task not in seen:
                seen.append(task)
                own.append(task)
        kept.append(own)
    if seen == merged:
        for service, own in zip(services, kept, strict=True):
            service.tasks[key] = own


def _kind(res: Any) -> str:
    from heat.engine.resources import template_resource
    from heat.engine.resources.openstack.heat import none_resource, resource_chain, resource_group, value

    if isinstance(res, (resource_chain.ResourceChain, resource_group.ResourceGroup)):
        return "chain"
    if isinstance(res, template_resource.TemplateResource):
        return "template"
    if isinstance(res, none_resource.NoneResource):
        return "none"
    if isinstance(res, value.Value):
        return "value"
    return "other"


def _member_order(name: str) -> tuple[int, Any]:
    return (0, int(name)) if name.isdigit() else (1, name)


def _where(stack: Any) -> str:
    return str(stack.name).replace("overcloud-", "", 1) if stack.name != "overcloud" else "overcloud"


def _param_names(snippet: Any) -> set[str]:
    """The parameters ``get_param`` reads anywhere in a parsed snippet."""
    from heat.engine import function
    from heat.engine.hot import functions as hot_functions

    names: set[str] = set()
    pending = [snippet]
    while pending:
        item = pending.pop()
        if isinstance(item, hot_functions.GetParam):
            args = item.args
            first = args[0] if isinstance(args, list) and args else args
            if isinstance(first, str):
                names.add(first)
            pending.append(args)
        elif isinstance(item, function.Macro):
            pending.append(item.parsed)
        elif isinstance(item, function.Function):
            pending.append(item.args)
        elif isinstance(item, Mapping):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return names


def _message(exc: BaseException) -> str:
    from ..heat.validate import _heat_message

    return _heat_message(exc)



__all__ = ["ParameterInfo", "Resolution", "RoleUpgrade", "ServiceTasks", "resolve_roles", "role_settings"]
