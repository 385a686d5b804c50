"""Run OpenStack Heat's own engine, in this process, over a rendered template tree.

:func:`validate_tree` sends the tree the way a client would (see
:mod:`.stackinput`) and checks it with Heat's engine code, with no server and
no other OpenStack service:

1. Heat's *validate* handler (``EngineService.validate_template``, what
   ``openstack orchestration template validate`` runs), then
2. Heat's *pre-create* checks (what ``stack create --dry-run`` runs: template
   structure, parameter values, every resource's properties), done resource
   by resource and nested stack by nested stack so that every error is
   reported, not only the first one, and done *strictly* in nested stacks
   too. Heat itself checks nested stacks' property values only when it
   creates them, so a wrong parameter three templates down would pass.

Values that exist only once resources are created (``get_attr``, and
parameters a parent fills from one) are unknown here; Heat resolves them to
``None``. An error met while resolving such a value is not reported (it says
nothing about the template), but each part of the expression whose inputs are
all known is still evaluated by Heat, so a misspelt ``get_param`` inside a
``yaql`` over a ``get_attr`` is still caught.

Every error is mapped back to the file it came from (nested templates are
``file://`` URLs in the request) and, through the path Heat reports, to a
line and column there. Rule ids:

========  ==========================================================
H900      input problem: a file is missing or unreadable (exit 2)
H901      template or environment rejected (structure, version, merge)
H902      parameter definition or value rejected
H903      resource rejected (type, properties, references, nested stack)
H904      output rejected
H905      an error Heat's validate handler reported that the detailed
          checks did not (kept so that nothing Heat finds is lost)
H909      a part of the tree that could not be checked (warning)
========  ==========================================================

Heat is imported lazily: nothing here costs anything unless called.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .. import patterns
from ..diagnostics import Diagnostic, Location, PathElement, Severity, UserError, format_doc_path
from ..yamlio import Document, YamlSyntaxError, load_document
from .availability import HeatUnavailable, heat_available, quietly
from .stackinput import ROOT_TEMPLATE, StackInput, build_stack_input, display, prepare_tree

DocPath = tuple[PathElement, ...]


@dataclass
class HeatValidation:
    """What Heat said about a tree."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    elapsed: float = 0.0  # seconds, everything included
    timings: dict[str, float] = field(default_factory=dict)  # import, render, files, validate, pre-create
    template: str = ROOT_TEMPLATE
    environments: list[str] = field(default_factory=list)
    placeholders: dict[str, Any] = field(default_factory=dict)  # parameter -> value given for the check
    stacks_checked: int = 0
    resources_checked: int = 0
    heat_version: str = ""
    usage_error: bool = False

    @property
    def ok(self) -> bool:
        return not any(d.severity >= Severity.ERROR for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        if self.usage_error:
            return 2
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seconds": round(self.elapsed, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "template": self.template,
            "environments": self.environments,
            "placeholders": sorted(self.placeholders),
            "stacks_checked": self.stacks_checked,
            "resources_checked": self.resources_checked,
            "heat_version": self.heat_version,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


@quietly
def validate_tree(
    tree: str | os.PathLike[str],
    environments: list[str | os.PathLike[str]] | None = None,
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    template: str = ROOT_TEMPLATE,
    include_registry: bool = True,
    parameters: Mapping[str, Any] | None = None,
) -> HeatValidation:
    """Check a template tree with Heat's engine, in process; never prints.

    ``tree`` is a rendered tree, or a source tree (with ``overcloud.j2.yaml``
    and no ``overcloud.yaml``), which is rendered in memory with
    ``roles_data``/``network_data`` first. ``environments`` are applied in
    order, after the tree's ``overcloud-resource-registry-puppet.yaml``
    (unless ``include_registry`` is false). ``parameters`` are extra
    ``parameter_defaults``. Parameters that still have no value get a
    placeholder that satisfies their constraints (listed in the result).

    Raises :class:`HeatUnavailable` when OpenStack Heat is not installed.
    """
    started = time.perf_counter()
    if not heat_available():
        raise HeatUnavailable()
    result = HeatValidation(template=template)
    tree_path = Path(tree)
    try:
        prepared = prepare_tree(tree_path, roles_data, network_data, template)
        if prepared.seconds:
            result.timings["render"] = prepared.seconds
        if not prepared.ok:
            result.diagnostics.extend(prepared.diagnostics)
            result.usage_error = prepared.usage_error
            return _finish(result, started)
        origins = prepared.origins
        t0 = time.perf_counter()
        stack_input = build_stack_input(prepared.root, [Path(e) for e in environments or []],
                                        template=template, overlay=prepared.overlay,
                                        include_registry=include_registry)
        result.timings["files"] = time.perf_counter() - t0
    except UserError as exc:
        result.diagnostics.extend(exc.diagnostics)
        result.usage_error = exc.exit_code == 2
        return _finish(result, started)
    result.environments = [stack_input.relative(u) for u in stack_input.environment_files]
    with _LOCK:
        t0 = time.perf_counter()
        session = _HeatSession.get()
        result.timings["import"] = time.perf_counter() - t0
        result.heat_version = session.version
        checker = _Checker(session, stack_input, origins, dict(parameters or {}), result)
        checker.run()
    result.diagnostics = sorted(set(result.diagnostics))
    return _finish(result, started)


def _finish(result: HeatValidation, started: float) -> HeatValidation:
    result.elapsed = time.perf_counter() - started
    return result


_LOCK = threading.Lock()


# --------------------------------------------------------------------------------------------
# Heat, set up once per process


class _HeatSession:
    """Heat's configuration, database and registries, set up once for in-process checks.

    Heat keeps these in module globals (``cfg.CONF``, the global resource
    environment), so this is per process; the checks themselves are
    serialised by a lock.
    """

    _instance: _HeatSession | None = None

    @classmethod
    def get(cls) -> _HeatSession:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def __init__(self) -> None:
        _quiet_heat_logging()
        # Heat 27 runs oslo.service on threads; choose before it is imported.
        with contextlib.suppress(Exception):
            from oslo_service import backend
            backend.init_backend(backend.BackendType.THREADING)
        import heat.common.wsgi
        import heat.engine.hot.functions  # noqa: F401  registers [yaql]
        from heat import version as heat_version
        from heat.common import config as heat_config  # noqa: F401  registers Heat's options
        from heat.common import context as heat_context
        from heat.common import messaging
        from heat.db import api as db_api
        from heat.db import models
        from heat.engine import resources
        from heat.engine import service as engine_service
        from oslo_config import cfg
        from oslo_db import options as db_options

        conf = cfg.CONF
        if getattr(conf, "_args", None) is None:
            # Parse no file: nothing on this machine should change the check.
            conf([], project="heat", default_config_files=[])
        overrides: dict[tuple[str, str | None], Any] = {
            ("max_resources_per_stack", None): -1,
            ("max_nested_stack_depth", None): 10,
            ("max_template_size", None): 100 * 1024 * 1024,
            ("max_json_body_size", None): 200 * 1024 * 1024,
            ("max_stacks_per_tenant", None): -1,
            ("auth_encryption_key", None): "tht-gen-heat-validate-0123456789"[:32],
            ("deferred_auth_method", None): "password",
            ("limit_iterators", "yaql"): 100000,
            ("memory_quota", "yaql"): 100000000,
        }
        for (name, group), value in overrides.items():
            conf.set_override(name, value, group=group)
        db_options.set_defaults(conf, connection="sqlite://")
        engine = db_api.get_engine()
        models.BASE.metadata.create_all(engine)
        # Some resources make an RPC client even to validate (a ResourceGroup
        # looks for members to skip); the in-process transport serves that.
        messaging.setup("fake://", optional=True)
        resources.initialise()
        self.stubbed = _stub_service_constraints(resources.global_env())
        self.engine = engine_service.EngineService("tht-gen-validate", "engine")
        self.context = heat_context.RequestContext(
            username="admin", user_id="admin", password="unused", project_id="admin",
            project_name="admin", roles=["admin"], is_admin=True, auth_token="unused",
            auth_url="http://127.0.0.1/identity/v3", overwrite=False)
        self.version = heat_version.version_info.version_string()


def _quiet_heat_logging() -> None:
    """Heat logs through the standard library; with no handler set up, its
    warnings would reach stderr through logging's last resort. The API never
    prints, so give those loggers a sink."""
    for name in ("heat", "oslo_db", "oslo_config", "oslo_policy", "stevedore", "keystoneauth",
                 "oslo.messaging", "oslo_messaging", "yaql", "heat.engine"):
        log = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
            log.addHandler(logging.NullHandler())
        log.propagate = False


def _stub_service_constraints(env: Any) -> list[str]:
    """Replace custom constraints that ask another service (nova.flavor, glance.image,
    neutron.network ...) with ones that accept any value; keep the pure ones (IP
    addresses, CIDRs, DNS names, time zones ...), which Heat checks itself."""
    from heat.engine import constraints

    class _AnyValue(constraints.BaseCustomConstraint):  # type: ignore[misc]
        def validate(self, value: Any, context: Any) -> bool:
            return True

    stubbed = []
    for name, cls in list(env.constraints.items()):
        if cls is _AnyValue or cls.__module__.startswith("heat.engine.constraint.common_constraints"):
            continue
        env.register_constraint(name, _AnyValue)
        stubbed.append(name)
    return sorted(stubbed)


@contextlib.contextmanager
def _every_service_available() -> Iterator[None]:
    """Resource types backed by another service (OS::Nova::Server ...) ask Keystone's
    catalog whether that service exists; there is none here, so say yes.

    A Nova server also looks its image and flavor up in Glance and Nova while it
    validates (not through a constraint): like the constraints that would ask
    another service, that look-up accepts any value here, instead of trying to
    reach a Keystone that does not exist."""
    from heat.engine import resource
    from heat.engine.resources.openstack.nova import server

    original = resource.Resource.__dict__["is_service_available"]
    image_flavor = server.Server.__dict__["_validate_image_flavor"]
    resource.Resource.is_service_available = classmethod(lambda cls, context: (True, None))
    server.Server._validate_image_flavor = lambda self, image, flavor: None
    try:
        yield
    finally:
        resource.Resource.is_service_available = original
        server.Server._validate_image_flavor = image_flavor


# --------------------------------------------------------------------------------------------
# Placeholders


def _placeholder_values(session: _HeatSession, stack_input: StackInput,
                        given: Mapping[str, Any]) -> dict[str, Any]:
    """A value for every parameter of every template that has no default and no value."""
    from heat.engine import template as templatem

    tmpl = templatem.Template(stack_input.template, files=stack_input.files)
    have = stack_input.parameters_set() | set(given)
    values: dict[str, Any] = {}
    for name, schema in tmpl.all_param_schemata(stack_input.files).items():
        if schema.default is not None or name in have:
            continue
        values[name] = _placeholder_for(session, name, schema)
    return values


def _placeholder_for(session: _HeatSession, name: str, schema: Any) -> Any:
    from heat.engine import constraints as heat_constraints
    from heat.engine import parameters as heat_parameters

    kind = schema.type
    candidates: list[Any] = []
    for constraint in schema.constraints:
        if isinstance(constraint, heat_constraints.AllowedValues):
            candidates.extend(constraint.allowed[:1])
        elif isinstance(constraint, heat_constraints.AllowedPattern):
            candidates.extend(_strings_matching(constraint.pattern))
        elif isinstance(constraint, heat_constraints.Range):
            low = constraint.min if constraint.min is not None else constraint.max
            if isinstance(constraint, heat_constraints.Length):
                candidates.append("x" * int(constraint.min or 1))
            elif low is not None:
                candidates.append(low)
        elif isinstance(constraint, heat_constraints.Modulo):
            candidates.append(constraint.offset)
        elif isinstance(constraint, heat_constraints.CustomConstraint):
            candidates.extend(_CUSTOM_SAMPLES.get(constraint.name, []))
    by_type: dict[str, list[Any]] = {
        heat_parameters.Schema.STRING: ["placeholder", "x", "1"],
        heat_parameters.Schema.NUMBER: [1, 0],
        heat_parameters.Schema.LIST: ["placeholder", ""],
        heat_parameters.Schema.MAP: [{}],
        heat_parameters.Schema.BOOLEAN: [False],
    }
    candidates.extend(by_type.get(kind, ["placeholder"]))
    for candidate in candidates:
        try:
            heat_parameters.Parameter(name, schema, candidate).validate(True, session.context)
        except Exception:  # any rejection means: try the next one
            continue
        return candidate
    return candidates[0]


_CUSTOM_SAMPLES: dict[str, list[Any]] = {
    "ip_addr": ["192.0.2.10"], "net_cidr": ["192.0.2.0/24"], "ip_or_cidr": ["192.0.2.10"],
    "mac_addr": ["fa:16:3e:00:00:01"], "dns_name": ["host.example.com"], "dns_domain": ["example.com."],
    "rel_dns_name": ["host"], "timezone": ["UTC"], "iso_8601": ["2000-01-01T00:00:00Z"],
    "cron_expression": ["0 0 * * *"], "expiration": ["2999-01-01T00:00:00Z"], "json_string": ["{}"],
}


def _strings_matching(pattern: str, limit: int = 3) -> list[str]:
    """A few short strings a regular expression matches (best effort, for placeholders)."""
    try:
        parsed = patterns.parse(pattern)
    except (re.error, TypeError, ValueError):
        return []
    out = []
    for prefer in (0, 1, 2):
        # the simplest choices first: a readable placeholder in messages
        chooser = patterns.Chooser(pick=partial(_simplest, prefer), repeat=partial(_fewest, prefer))
        try:
            text = patterns.sample(parsed, chooser)
        except patterns.CannotGenerate:
            continue
        # Heat's AllowedPattern: re.match, and the match must span the value
        # (an unanchored pattern may match a shorter prefix of what it generated).
        match = re.match(pattern, text)
        if match is not None and match.end() == len(text) and text not in out:
            out.append(text)
    return out[:limit]


def _simplest(prefer: int, options: Sequence[Any]) -> Any:
    return options[min(prefer, len(options) - 1)]


def _fewest(prefer: int, low: int, high: int) -> int:
    return max(low, min(high, prefer or 1)) if high else low


# --------------------------------------------------------------------------------------------
# The check


@dataclass
class _Origin:
    """Where a stack's template text lives, to turn Heat's paths into file positions."""

    url: str | None  # the template's file:// URL; None for a template Heat generated
    parent: _Origin | None = None
    # For a generated template (a ResourceGroup's or ResourceChain's inner
    # stack): where in the parent file its definition is.
    parent_path: DocPath = ()
    mapper: Callable[[DocPath], DocPath] | None = None

    def resolve(self, path: DocPath) -> tuple[str | None, DocPath]:
        if self.url is not None or self.parent is None:
            return self.url, path
        inner = self.mapper(path) if self.mapper else ()
        return self.parent.resolve(self.parent_path + inner)


@dataclass
class _Unknowns:
    """Inputs of a nested stack whose values are not known before resources exist."""

    params: frozenset[str] = frozenset()
    properties: frozenset[str] = frozenset()  # property names unknown on every resource (generated stacks)


class _Checker:
    def __init__(self, session: _HeatSession, stack_input: StackInput, origins: dict[str, str],
                 parameters: dict[str, Any], result: HeatValidation) -> None:
        self.session = session
        self.input = stack_input
        self.origins = origins
        self.parameters = parameters
        self.result = result
        self.placeholders: dict[str, Any] = {}
        self.docs: dict[str, Document | None] = {}
        self.seen_nested: set[int] = set()

    # -- diagnostics ---------------------------------------------------------------------

    def report(self, origin: _Origin, path: DocPath, rule: str, message: str,
               severity: Severity = Severity.ERROR) -> None:
        url, doc_path = origin.resolve(path)
        if url is None:
            url = self.input.template_url
        relative = self.input.relative(url)
        line = column = None
        doc = self._doc(url)
        if doc is not None and doc_path:
            mark = doc.locate(_doc_path(doc_path))
            line, column = mark.line, mark.column
        where = format_doc_path(doc_path)
        text = _clean_message(message, self.input)
        if where and where not in text:
            text = f"{where}: {text}"
        source = self.origins.get(relative)
        self.result.diagnostics.append(Diagnostic(
            Location(relative, line, column, path=tuple(doc_path)), rule, severity, text,
            origin=Location(source) if source else None))

    def _doc(self, url: str) -> Document | None:
        if url not in self.docs:
            text = self.input.text_of(url)
            try:
                self.docs[url] = load_document(text) if text is not None else None
            except YamlSyntaxError:
                self.docs[url] = None
        return self.docs[url]

    # -- the run -------------------------------------------------------------------------

    def run(self) -> None:

        root = _Origin(self.input.template_url)
        t0 = time.perf_counter()
        try:
            self.placeholders = _placeholder_values(self.session, self.input, self.parameters)
        except Exception as exc:  # a template Heat cannot even read
            self.report(root, (), "H901", _heat_message(exc))
            return
        self.result.placeholders = dict(self.placeholders)
        extra = {"parameter_defaults": {**self.placeholders, **self.parameters}}
        body = self.input.request_body(extra)
        from heat.common import environment_format

        def params() -> dict[str, Any]:
            # What Heat's API hands the engine for an empty environment.
            env: dict[str, Any] = {}
            environment_format.default_for_missing(env)  # fills in place
            return env
        self._empty_params = params

        with _every_service_available():
            # 1. Heat's validate handler, exactly as the API calls it.
            try:
                answer = self.session.engine.validate_template(
                    self.session.context, body["template"], params=params(), files=body["files"],
                    environment_files=body["environment_files"], show_nested=False)
            except Exception as exc:  # the handler lets some errors through
                answer = {"Error": _heat_message(exc)}
            validate_error = answer.get("Error") if isinstance(answer, dict) else None
            self.result.timings["validate"] = time.perf_counter() - t0

            # 2. The pre-create checks, per resource and strict at every depth.
            t1 = time.perf_counter()
            before = len(self.result.diagnostics)
            stack = self._root_stack(body, root)
            if stack is not None:
                self.check_stack(stack, root, _Unknowns())
            self.result.timings["pre-create"] = time.perf_counter() - t1
        found = len(self.result.diagnostics) - before
        if validate_error and not found:
            self.report(root, (), "H905", validate_error)

    def _root_stack(self, body: dict[str, Any], origin: _Origin) -> Any:
        from heat.common import environment_util as env_util
        from heat.engine import environment
        from heat.engine import stack as parser
        from heat.engine import template as templatem

        try:
            tmpl = templatem.Template(body["template"], files=body["files"])
            params = self._empty_params()
            env_util.merge_environments(body["environment_files"], body["files"], params,
                                        tmpl.all_param_schemata(body["files"]))
            tmpl.env = environment.Environment(params)
            tmpl.validate()
        except Exception as exc:  # reported, with Heat's words
            self.report(origin, _error_path(exc), "H901", _heat_message(exc))
            return None
        return parser.Stack(self.session.context, "tht-gen-check", tmpl, strict_validate=True)

    # -- one stack -----------------------------------------------------------------------

    def check_stack(self, stack: Any, origin: _Origin, unknowns: _Unknowns) -> None:
        from heat.common import exception
        from heat.engine import parameter_groups as param_groups

        stack.strict_validate = True
        self.result.stacks_checked += 1
        try:
            stack.t.validate()
        except Exception as exc:
            self.report(origin, _error_path(exc), "H901", _heat_message(exc))
            return
        unknown_params = self._unknown_params(stack, unknowns)
        try:
            stack.parameters._validate_user_parameters()
        except Exception as exc:
            self.report(origin, ("parameters",), "H902", _heat_message(exc))
        for name, param in stack.parameters.params.items():
            if name in stack.parameters.PSEUDO_PARAMETERS:
                continue
            try:
                param.validate(validate_value=name not in unknown_params, context=stack.context)
            except Exception as exc:
                self.report(origin, ("parameters", name), "H902", _heat_message(exc))
        checks: list[tuple[Callable[[], Any], str]] = [
            (lambda: param_groups.ParameterGroups(stack.t).validate(), "parameter_groups"),
            (lambda: stack.t.conditions(stack).validate(), "conditions")]
        for check, section in checks:
            try:
                check()
            except Exception as exc:
                self.report(origin, _error_path(exc) or (section,), "H901", _heat_message(exc))

        found = self._resources(stack, origin)
        if found is None:
            return
        stack, resources = found  # possibly a stand-in with broken resources removed
        try:
            stack._update_all_resource_data(for_resources=True, for_outputs=True)
            ordered = list(stack.dependencies)
        except Exception as exc:  # e.g. a reference to a missing resource, a cycle
            self.report(origin, _error_path(exc) or ("resources",), "H903", _heat_message(exc))
            ordered = list(resources.values())
        unique = {defn.name for defn in {res.t for res in resources.values()}}
        context = _StackContext(stack, unknowns, unknown_params)
        for res in ordered:
            if res.name not in unique:
                continue
            self.result.resources_checked += 1
            self.check_resource(res, origin, context)
            time.sleep(0)
        self.check_outputs(stack, origin, context)
        del exception

    def _unknown_params(self, stack: Any, unknowns: _Unknowns) -> frozenset[str]:
        names = set(unknowns.params)
        for name, param in stack.parameters.params.items():
            if name in self.placeholders and param.user_value is None:
                names.add(name)
        return frozenset(names)

    def _resources(self, stack: Any, origin: _Origin) -> tuple[Any, dict[str, Any]] | None:
        """The stack and its resources; when some cannot even be made (an unknown type ...),
        report each of them and go on with a stand-in stack where they are OS::Heat::None."""
        try:
            return stack, dict(stack.resources)
        except Exception as first:
            failing = self._failing_definitions(stack, origin)
            if not failing:
                self.report(origin, _error_path(first) or ("resources",), "H903", _heat_message(first))
                return None
            replacement = self._without(stack, failing)
            if replacement is None:
                return None
            try:
                return replacement, dict(replacement.resources)
            except Exception as exc:
                self.report(origin, ("resources",), "H903", _heat_message(exc))
                return None

    def _failing_definitions(self, stack: Any, origin: _Origin) -> set[str]:
        from heat.engine import resource as heat_resource

        failing = set()
        try:
            definitions = stack.t.resource_definitions(stack)
        except Exception as exc:
            self.report(origin, _error_path(exc) or ("resources",), "H903", _heat_message(exc))
            return set()
        for name, defn in definitions.items():
            try:
                heat_resource.Resource(name, defn, stack)
            except Exception as exc:
                failing.add(name)
                self.report(origin, ("resources", name, "type"), "H903", _heat_message(exc))
        return failing

    def _without(self, stack: Any, names: set[str]) -> Any:
        """The same stack with the named resources turned into OS::Heat::None (only to go on checking)."""
        import copy

        from heat.engine import stack as parser
        from heat.engine import template as templatem

        raw = copy.deepcopy(stack.t.t)
        section = "resources" if "resources" in raw else "Resources"
        for name in names:
            definition = raw[section][name]
            definition.pop("type", None)
            definition.pop("Type", None)
            definition["type" if section == "resources" else "Type"] = "OS::Heat::None"
            definition.pop("properties", None)
            definition.pop("Properties", None)
        tmpl = templatem.Template(raw, files=stack.t.files, env=stack.env)
        replacement = parser.Stack(stack.context, stack.name, tmpl, nested_depth=stack.nested_depth,
                                   strict_validate=True)
        parent = getattr(stack, "_parent_stack", None)
        if parent is not None:
            replacement.set_parent_stack(parent)
        return replacement

    # -- one resource --------------------------------------------------------------------

    def check_resource(self, res: Any, origin: _Origin, context: _StackContext) -> None:
        from heat.engine.resources import stack_resource

        base = ("resources", res.name)
        nested = isinstance(res, stack_resource.StackResource)
        state = {"nested_done": False}
        if nested:
            self._hook_nested(res, origin, context, state)
        try:
            res.validate()
        except Exception as exc:
            path = _error_path(exc)
            if path[:3] == (*base, "properties") or _is_property_message(exc):
                self.check_properties(res, origin, context)
            elif not self._about_unknowns(exc, res, context):
                self.report(origin, path or base, "H903", _heat_message(exc))
        if nested and not state["nested_done"]:
            try:
                res.validate_nested_stack()
            except Exception as exc:
                self.report(origin, _error_path(exc) or base, "H903", _heat_message(exc))

    def check_properties(self, res: Any, origin: _Origin, context: _StackContext) -> None:
        """Property by property, as Heat's ``Properties.validate`` does, but every one."""
        props = res.properties
        base = ("resources", res.name, "properties")
        for key in props.data:
            if key not in props.props:
                self.report(origin, (*base, key), "H903", f"Unknown Property {key}")
        for key in props.props:
            data = props.data.get(key)
            # In the root stack Heat itself resolves property values before
            # create, an attribute of a resource not yet created as None: an
            # error it meets there rejects the stack, so it is reported.
            unknown = key in context.unknowns.properties or (
                key in props.data and context.depends_on_unknown(data, attributes=context.nested))
            try:
                props._get_property_value(key, validate=True)
            except Exception as exc:
                if unknown:
                    self.report_known_parts(data, origin, (*base, key), "H903", context)
                else:
                    where = (*base, key) if key in props.data else base
                    self.report(origin, where, "H903", _explain(exc, res.stack))

    def _about_unknowns(self, exc: BaseException, res: Any, context: _StackContext) -> bool:
        return context.nested and any(context.depends_on_unknown(v) for v in res.properties.data.values()) and \
            "was not provided" in str(exc)

    def _hook_nested(self, res: Any, origin: _Origin, context: _StackContext, state: dict[str, bool]) -> None:
        """Make Heat's own nested-stack validation run our strict, collecting check.

        Heat builds the child stack (``_parse_nested_stack``: the same child
        template, parameters and environment a real create would use), turns
        strict checking off and calls ``validate()`` on it. The child returned
        here has ``validate`` replaced by :meth:`check_stack`, which turns strict
        checking back on and reports instead of raising. Only these throwaway
        objects are touched, never Heat's classes.
        """
        original = res._parse_nested_stack
        child_origin = self._child_origin(res, origin)
        unknowns = self._child_unknowns(res, context)

        def parse_nested(*args: Any, **kwargs: Any) -> Any:
            nested = original(*args, **kwargs)
            state["nested_done"] = True

            def validate(*_a: Any, **_k: Any) -> None:
                self.check_stack(nested, child_origin, unknowns)

            nested.validate = validate
            return nested

        res._parse_nested_stack = parse_nested

    def _child_origin(self, res: Any, origin: _Origin) -> _Origin:
        kind = type(res).__name__
        base: DocPath = ("resources", res.name, "properties")
        if kind == "ResourceGroup":
            def group(path: DocPath) -> DocPath:
                # resources.<member>.<rest> -> resource_def.<rest>
                return path[2:] if len(path) > 2 and path[0] == "resources" else ()
            return _Origin(None, origin, (*base, "resource_def"), group)
        if kind == "ResourceChain":
            def chain(path: DocPath) -> DocPath:
                if len(path) > 3 and path[0] == "resources" and path[2] == "properties":
                    return ("resource_properties", *path[3:])
                if len(path) > 1 and path[0] == "resources" and str(path[1]).isdigit():
                    return ("resources", int(path[1]))
                return ()
            return _Origin(None, origin, base, chain)
        url = getattr(res, "template_url", None)
        if isinstance(url, str) and url.startswith("file:"):
            return _Origin(url, origin)
        return _Origin(None, origin, ("resources", res.name), lambda _p: ())

    def _child_unknowns(self, res: Any, context: _StackContext) -> _Unknowns:
        data = res.properties.data
        kind = type(res).__name__
        if kind == "ResourceGroup":
            definition = data.get("resource_def") or {}
            inner = definition.get("properties") if isinstance(definition, dict) else None
            if context.depends_on_unknown(definition.get("properties")) if isinstance(definition, dict) else False:
                names = {k for k, v in (inner or {}).items() if context.depends_on_unknown(v)} \
                    if isinstance(inner, dict) else set()
                return _Unknowns(properties=frozenset(names))
            return _Unknowns()
        if kind == "ResourceChain":
            inner = data.get("resource_properties")
            names = {k for k, v in inner.items() if context.depends_on_unknown(v)} if isinstance(inner, dict) else set()
            return _Unknowns(properties=frozenset(names))
        return _Unknowns(params=frozenset(k for k, v in data.items() if context.depends_on_unknown(v))
                         | frozenset(k for k in context.unknowns.properties if k in data))

    # -- outputs and expressions ---------------------------------------------------------

    def check_outputs(self, stack: Any, origin: _Origin, context: _StackContext) -> None:
        section = stack.t.OUTPUTS
        raw_outputs = stack.t.t.get(section) or {}
        value_key = getattr(stack.t, "OUTPUT_VALUE", "value")
        try:
            outputs = stack.outputs
        except Exception as exc:
            self.report(origin, (section,), "H904", _heat_message(exc))
            return
        for name, output in outputs.items():
            base = (section, name, value_key)
            try:
                output.validate()
            except Exception as exc:
                self.report(origin, _error_path(exc) or base, "H904", _heat_message(exc))
                continue
            raw = raw_outputs.get(name, {})
            if not isinstance(raw, dict) or value_key not in raw:
                continue
            try:
                parsed = stack.t.parse(stack, raw[value_key])
            except Exception as exc:
                self.report(origin, base, "H904", _heat_message(exc))
                continue
            self.report_known_parts(parsed, origin, base, "H904", context)

    def report_known_parts(self, snippet: Any, origin: _Origin, path: DocPath, rule: str,
                           ctx: _StackContext) -> None:
        """Evaluate, with Heat, every part of an expression whose inputs are all known."""
        from heat.engine import function

        if isinstance(snippet, function.Function):
            if not ctx.depends_on_unknown(snippet):
                try:
                    function.resolve(snippet)
                except Exception as exc:
                    self.report(origin, (*path, snippet.fn_name), rule, _explain(exc, ctx.stack))
                return
            # A macro (``if`` ...) has already chosen what it stands for: look there.
            inner = snippet.parsed if isinstance(snippet, function.Macro) else snippet.args
            self.report_known_parts(inner, origin, (*path, snippet.fn_name), rule, ctx)
        elif isinstance(snippet, Mapping):
            for key, value in snippet.items():
                self.report_known_parts(value, origin, (*path, key), rule, ctx)
        elif isinstance(snippet, list):
            for index, value in enumerate(snippet):
                self.report_known_parts(value, origin, (*path, index), rule, ctx)


class _StackContext:
    """What is unknown in one stack, and the test for an expression depending on it."""

    def __init__(self, stack: Any, unknowns: _Unknowns, unknown_params: frozenset[str]) -> None:
        self.stack = stack
        self.unknowns = unknowns
        self.unknown_params = unknown_params
        self.nested = bool(stack.nested_depth)

    def depends_on_unknown(self, snippet: Any, attributes: bool = True) -> bool:
        """Whether ``snippet`` reads a value not known before create: an unknown
        parameter, or (with ``attributes``) a resource attribute."""
        from heat.engine import function
        from heat.engine.cfn import functions as cfn_functions
        from heat.engine.hot import functions as hot_functions

        if isinstance(snippet, function.Function):
            if isinstance(snippet, (hot_functions.GetAttThenSelect, cfn_functions.GetAtt)):
                return attributes
            if isinstance(snippet, (hot_functions.GetParam, cfn_functions.ParamRef)):
                args = snippet.args
                name = args[0] if isinstance(args, list) and args else args
                if not isinstance(name, str):
                    return True
                if name not in self.stack.parameters:
                    return False  # a misspelt name: evaluate it, so that it is reported
                # A path may itself read an unknown value, e.g. a port's address
                # [IPPool, internal_api, {get_param: NodeIndex}] where the parent
                # fills NodeIndex only at create time: that item is unknown too.
                path = args[1:] if isinstance(args, list) else []
                return name in self.unknown_params or self.depends_on_unknown(path, attributes)
            if isinstance(snippet, function.Macro):
                return self.depends_on_unknown(snippet.parsed, attributes)
            return self.depends_on_unknown(snippet.args, attributes)
        if isinstance(snippet, Mapping):
            return any(self.depends_on_unknown(v, attributes) for v in snippet.values())
        if isinstance(snippet, list):
            return any(self.depends_on_unknown(v, attributes) for v in snippet)
        return False


# --------------------------------------------------------------------------------------------
# Heat's errors, in our terms


def _error_path(exc: BaseException) -> DocPath:
    """The template path Heat attached to an error (``StackValidationFailed.path``)."""
    inner = _unwrap(exc)
    path = getattr(inner, "path", None)
    if not path:
        return ()
    out: list[PathElement] = []
    for element in path:
        text = str(element)
        # Heat names a nested stack "Name<file:///...>" in paths.
        text = re.sub(r"<[^>]*>$", "", text)
        out.append(text)
    if out and out[0] in ("Resources", "Outputs", "Parameters"):
        out[0] = out[0].lower()
    for i, element in enumerate(out):
        if isinstance(element, str) and element in ("Properties", "Value") and i >= 2:
            out[i] = element.lower()
    return tuple(out)


def _unwrap(exc: BaseException) -> BaseException:
    """oslo.messaging wraps errors raised behind an RPC call; the real one is inside."""
    exc_info = getattr(exc, "exc_info", None)
    if isinstance(exc_info, tuple) and len(exc_info) > 1 and isinstance(exc_info[1], BaseException):
        return exc_info[1]
    return exc


def _heat_message(exc: BaseException) -> str:
    inner = _unwrap(exc)
    message = getattr(inner, "error_message", None) or str(inner)
    error = getattr(inner, "error", None)
    if isinstance(error, str) and error and error not in message and error not in ("Property error",):
        message = f"{error}: {message}"
    return " ".join(str(message).split()) or type(inner).__name__


def _explain(exc: BaseException, stack: Any) -> str:
    """Heat's words, plus what they mean when a ``get_param`` names no declared parameter.

    Heat says "The Parameter (X) was not provided." both for a declared
    parameter without a value and for a name the template never declares.
    """
    message = _heat_message(exc)
    inner = _unwrap(exc)
    key = getattr(inner, "kwargs", {}).get("key") if hasattr(inner, "kwargs") else None
    if key is None:
        found = re.search(r"The Parameter \((.+?)\) was not provided", message)
        key = found.group(1) if found else None
    if key is not None and key not in stack.parameters:
        return f"{key!r} is not a parameter of this template (Heat: {message})"
    return message


def _is_property_message(exc: BaseException) -> bool:
    text = str(_unwrap(exc))
    return "Property error" in text or text.startswith("Unknown Property") or "Properties" in text


def _clean_message(message: str, stack_input: StackInput) -> str:
    """Heat quotes nested templates by their file:// URL; show them relative to the tree."""
    base = stack_input.url_for(stack_input.tree) + "/"
    return message.replace(base, "")


def _doc_path(path: DocPath) -> DocPath:
    """Heat gives list indexes and resource names as strings; a YAML path wants ints for indexes."""
    return tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in path)


def environment_json(values: Mapping[str, Any]) -> str:
    return json.dumps({"parameter_defaults": dict(values)}, indent=2, sort_keys=True)


__all__ = ["HeatValidation", "display", "validate_tree"]
