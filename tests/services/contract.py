"""The service template contract, as executable checks.

The contract is the library's service template contract (ARCHITECTURE.md
section 3, made concrete in docs/services.md): the parameter interface, the
role_data keys, the ServiceNetMap and EndpointMap names, the task gating. Each check
returns problems as ``path:line:column: message`` strings, so that a failing
test points at the line to fix; an empty list means the template keeps the
contract. The tests run the checks over the shipped library and over
deliberately broken copies (to show that each check can fail).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tht_gen.yamlio import Document, load_document

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
REGISTRY = SERVICES / "registry.j2"

HOT_VERSION = "wallaby"

# The interface every service template declares (name -> (type, default)).
STANDARD_PARAMETERS: dict[str, tuple[str, Any]] = {
    "ServiceData": ("json", {}),
    "ServiceNetMap": ("json", {}),
    "DefaultPasswords": ("json", {}),
    "EndpointMap": ("json", {}),
    "RoleName": ("string", ""),
    "RoleParameters": ("json", {}),
}

SERVICE_NET_MAP_KEYS = frozenset({
    "ApacheNetwork", "AodhApiNetwork", "BarbicanApiNetwork", "CephClusterNetwork", "CephMonNetwork",
    "CephRgwNetwork", "CinderApiNetwork", "CinderIscsiNetwork", "EtcdNetwork", "GlanceApiNetwork",
    "GnocchiApiNetwork", "HaproxyNetwork", "HeatApiNetwork", "HeatApiCfnNetwork", "HorizonNetwork",
    "IronicApiNetwork", "IronicNetwork", "KeystoneAdminApiNetwork", "KeystonePublicApiNetwork",
    "ManilaApiNetwork", "MemcachedNetwork", "MysqlNetwork", "NeutronApiNetwork", "NeutronTenantNetwork",
    "NovaApiNetwork", "NovaLibvirtNetwork", "NovaMetadataNetwork", "NovaPlacementNetwork",
    "NovaVncProxyNetwork", "OctaviaApiNetwork", "OvnDbsNetwork", "PankoApiNetwork", "PacemakerNetwork",
    "PublicNetwork", "RabbitmqNetwork", "RedisNetwork", "SnmpdNetwork", "SwiftProxyNetwork",
    "SwiftStorageNetwork", "ManagementNetwork", "TackerApiNetwork", "ZaqarApiNetwork",
})

_ENDPOINT_SERVICES = (
    "Aodh", "Barbican", "CinderV3", "Glance", "Gnocchi", "Heat", "HeatCfn", "Horizon", "Ironic",
    "IronicInspector", "Keystone", "Manila", "Neutron", "Nova", "NovaPlacement", "NovaVNCProxy", "Octavia",
    "Panko", "CephRgw", "Swift", "Designate", "Tacker", "Zaqar", "ZaqarWebSocket",
)
ENDPOINT_MAP_KEYS = frozenset(
    [f"{s}{kind}" for s in _ENDPOINT_SERVICES for kind in ("Public", "Internal", "Admin")]
    + ["MysqlInternal", "NovaMetadataInternal"])
ENDPOINT_FIELDS = frozenset({"protocol", "host", "host_nobrackets", "port", "uri", "uri_no_suffix"})

# Intrinsic functions of heat_template_version wallaby (2021-04-16).
WALLABY_FUNCTIONS = frozenset({
    "get_attr", "get_file", "get_param", "get_resource", "list_join", "repeat", "resource_facade",
    "str_replace", "str_replace_strict", "str_replace_vstrict", "str_split", "digest", "map_merge",
    "map_replace", "yaql", "equals", "if", "not", "and", "or", "filter", "make_url", "contains",
    "list_concat", "list_concat_unique",
})
# A one-key mapping whose key looks like this is meant as a function call.
_FUNCTION_LIKE = re.compile(r"^(get_|list_|map_|str_|make_|resource_)|^(if|yaql|repeat|digest|filter"
                            r"|equals|not|and|or|contains|Fn::\w+|Ref)$")
PSEUDO_PARAMETERS = frozenset({"OS::stack_name", "OS::stack_id", "OS::project_id"})
HEAT_RESOURCE_TYPES = frozenset({"OS::Heat::Value", "OS::Heat::None"})

PARAMETER_TYPES = frozenset({"string", "number", "json", "comma_delimited_list", "boolean"})
SECRET_NAME = re.compile(r"(Password|Secret|Token|Cookie|Authkey|FernetKey\d*|Credential\d*|PrivateKey)$")

ROLE_DATA_KEYS = frozenset({
    "service_name", "config_settings", "service_config_settings", "global_config_settings",
    "step_config", "upgrade_tasks", "update_tasks", "post_upgrade_tasks", "monitoring_subscription",
    "logging_source", "logging_groups", "metadata_settings",
})
TASK_LISTS = ("upgrade_tasks", "update_tasks", "post_upgrade_tasks")
STEP_RANGE = range(0, 6)
STEP_CONDITION = re.compile(r"^step\|int == (\d+)$")
# Keywords of an Ansible task that are not its module.
TASK_KEYWORDS = frozenset({
    "name", "when", "register", "changed_when", "failed_when", "ignore_errors", "loop", "with_items",
    "become", "become_user", "tags", "vars", "environment", "retries", "delay", "until", "no_log",
    "check_mode", "notify", "args", "delegate_to", "run_once",
})
SERVICE_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
STEP_CONFIG_LINE = re.compile(r"^include ::[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$")
FIREWALL_RULE_NAME = re.compile(r"^\d{3} \S.*$")
FIREWALL_PROTOCOLS = frozenset({"tcp", "udp", "icmp", "ipv6-icmp", "vrrp", "gre", "esp", "ah", "sctp"})
DB_CONNECTION_QUERY = {"read_default_file": "/etc/my.cnf.d/tripleo.cnf", "read_default_group": "tripleo"}
MYSQL_ENTRY_FIELDS = ("user", "password", "host", "dbname", "allowed_hosts")
KEYSTONE_ENTRY_FIELDS = ("tenant", "password", "region", "public_url", "internal_url", "admin_url")
KEYSTONE_USER_FIELDS = ("tenant", "password", "region")

Path_ = tuple[str | int, ...]


@dataclass
class Template:
    """One service template: its file, parsed data and node positions."""

    path: Path
    doc: Document
    problems: list[str] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def parameters(self) -> dict[str, Any]:
        params = self.data.get("parameters")
        return params if isinstance(params, dict) else {}

    @property
    def resources(self) -> dict[str, Any]:
        res = self.data.get("resources")
        return res if isinstance(res, dict) else {}

    @property
    def role_data(self) -> dict[str, Any]:
        try:
            value = self.data["outputs"]["role_data"]["value"]
        except (KeyError, TypeError):
            return {}
        return value if isinstance(value, dict) else {}

    def where(self, path: Path_) -> str:
        mark = self.doc.locate(path)
        return f"{self.rel}:{mark.line}:{mark.column}"

    def report(self, path: Path_, message: str) -> None:
        self.problems.append(f"{self.where(path)}: {message}")

    def nested(self) -> dict[str, Template]:
        """Resources whose type is a template file, by resource name."""
        found = {}
        for name, res in self.resources.items():
            kind = res.get("type") if isinstance(res, dict) else None
            if isinstance(kind, str) and kind.endswith(".yaml"):
                target = (self.path.parent / kind).resolve()
                if target.is_file():
                    found[name] = load(target)
        return found


@cache
def _load_cached(path: Path) -> Template:
    return Template(path, load_document(path.read_text(encoding="utf-8")))


def load(path: Path) -> Template:
    """A fresh Template (problems empty) sharing the parsed document of the file."""
    cached = _load_cached(path.resolve())
    return Template(cached.path, cached.doc)


def editable_copy(template: Template) -> Template:
    """A Template whose data may be changed without touching the cached original.

    Positions still come from the original file, so they are only a guide for
    the parts that were changed.
    """
    doc = dataclasses.replace(template.doc, data=copy.deepcopy(template.doc.data))
    return Template(template.path, doc)


def registry_files() -> list[Path]:
    """services/registry.j2 and the per-area fragments it includes (registry-<area>.j2)."""
    return [REGISTRY, *sorted(SERVICES.glob("registry-*.j2"))]


def registry_lines(path: Path | None = None) -> list[str]:
    """The registry lines of one registry file, or of all of them; jinja tags and
    comments (the fragments' headers, registry.j2's includes) are not lines."""
    files = [path] if path is not None else registry_files()
    lines = []
    for file in files:
        text = re.sub(r"{#.*?#}", "", file.read_text(encoding="utf-8"), flags=re.S)
        lines.extend(line for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("{%"))
    return lines


REGISTRY_LINE = re.compile(r"^  OS::TripleO::Services::(?P<name>[A-Za-z0-9]+): "
                           r"(?P<target>services/[a-z0-9-]+/[a-z0-9.-]+\.yaml|OS::Heat::None)$")


def registry() -> dict[str, str]:
    """Service name -> template path (or OS::Heat::None), from services/registry.j2."""
    entries = {}
    for line in registry_lines():
        match = REGISTRY_LINE.match(line)
        if match:
            entries[match["name"]] = match["target"]
    return entries


def registered_templates() -> list[Template]:
    """Each distinct template file the registry points at, once."""
    paths = sorted({target for target in registry().values() if target.endswith(".yaml")})
    return [load(ROOT / p) for p in paths if (ROOT / p).is_file()]


ENVIRONMENTS = ROOT / "environments"
_SERVICE_TYPE = re.compile(r"^OS::TripleO::Services::(\w+)$")


def environment_registry() -> dict[str, set[str]]:
    """Service name -> the templates the library's environments map it to.

    Optional services are OS::Heat::None in the registry and get their
    template from an environment; clustered flavours replace a service's
    template the same way. Only plain environments are read: their service
    lines do not depend on the roles (jinja2 environments are rendered first).
    """
    found: dict[str, set[str]] = {}
    for env in sorted(ENVIRONMENTS.rglob("*.yaml")):
        if env.name.endswith(".j2.yaml"):
            continue
        data = load_document(env.read_text(encoding="utf-8")).data
        entries = data.get("resource_registry") if isinstance(data, dict) else None
        for key, target in (entries or {}).items():
            match = _SERVICE_TYPE.match(str(key))
            if match and str(target).endswith(".yaml"):
                path = (env.parent / str(target)).resolve()
                if path.is_file() and path.is_relative_to(SERVICES):
                    found.setdefault(match[1], set()).add(path.relative_to(ROOT).as_posix())
    return found


def selectable_templates() -> list[Template]:
    """The templates the registry names and those an environment selects, each once."""
    paths = {target for target in registry().values() if target.endswith(".yaml")}
    paths |= {target for targets in environment_registry().values() for target in targets}
    return [load(ROOT / p) for p in sorted(paths) if (ROOT / p).is_file()]


def all_templates() -> list[Template]:
    return [load(p) for p in sorted(SERVICES.rglob("*.yaml"))]


@cache
def secret_values() -> dict[str, str]:
    """A value for every hidden parameter of the service templates, once per test session:
    ``<name>-secret-value`` (easy to spot in outputs) where the parameter takes any string,
    else one ``tht-gen passwords generate`` would give (a Fernet key, a Ceph key...)."""
    from tht_gen.passwords import generate_value

    values: dict[str, str] = {}
    for template in all_templates():
        for name, decl in template.parameters.items():
            if not isinstance(decl, dict) or not decl.get("hidden") or name in values:
                continue
            constraints = decl.get("constraints") or []
            value = generate_value(constraints) if constraints else f"{name.lower()}-secret-value"
            assert value is not None, name
            values[name] = value
    return values


# --- walking values ---------------------------------------------------------------------------

def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


def function_call(value: Any) -> tuple[str, Any] | None:
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if isinstance(key, str) and _FUNCTION_LIKE.search(key):
            return key, arg
    return None


def resolve(template: Template, value: Any) -> Any:
    """Evaluate what can be known without Heat: nested get_attr, map_merge, list_concat, if.

    ``if`` yields both branches merged (mappings) so that every key it can
    produce is seen; parameters and other functions are left as they are.
    """
    call = function_call(value)
    if call is None:
        if isinstance(value, dict):
            return {k: resolve(template, v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(template, v) for v in value]
        return value
    name, arg = call
    if name == "get_attr" and isinstance(arg, list) and arg[1:] == ["value"]:
        res = template.resources.get(arg[0]) or {}
        if res.get("type") == "OS::Heat::Value":
            return resolve(template, (res.get("properties") or {}).get("value"))
    # Replacing values only keeps the keys: enough to know what a mapping sets.
    if (name == "map_replace" and isinstance(arg, list) and len(arg) == 2
            and isinstance(arg[1], dict) and set(arg[1]) == {"values"}):
        inner = resolve(template, arg[0])
        if isinstance(inner, dict) and function_call(inner) is None:
            return inner
    if name == "get_attr" and isinstance(arg, list) and len(arg) >= 2:
        nested = template.nested().get(arg[0])
        if nested is not None:
            outputs = nested.data.get("outputs", {})
            found: Any = outputs.get(arg[1], {}).get("value") if isinstance(outputs, dict) else None
            for element in arg[2:]:
                found = found.get(element) if isinstance(found, dict) else None
            if found is not None:
                return resolve(nested, found)
    if name == "map_merge" and isinstance(arg, list):
        parts = [resolve(template, a) for a in arg]
        if all(isinstance(p, dict) and function_call(p) is None for p in parts):
            merged: dict[str, Any] = {}
            for part in parts:
                merged.update(part)
            return merged
    if name == "list_concat" and isinstance(arg, list):
        parts = [resolve(template, a) for a in arg]
        if all(isinstance(p, list) for p in parts):
            return [item for part in parts for item in part]
    if name == "if" and isinstance(arg, list) and len(arg) == 3:
        branches = [resolve(template, a) for a in arg[1:]]
        if all(isinstance(b, dict) and function_call(b) is None for b in branches):
            return {**branches[0], **branches[1]}
    return {name: resolve(template, arg)}


def resolved_role_data(template: Template) -> dict[str, Any]:
    value = resolve(template, template.role_data)
    return value if isinstance(value, dict) else {}


# --- checks of one file ---------------------------------------------------------------------------

def _default_matches(kind: str, default: Any) -> bool:
    if kind == "string":
        return isinstance(default, str)
    if kind == "number":
        return isinstance(default, int | float) and not isinstance(default, bool)
    if kind == "boolean":
        return isinstance(default, bool)
    if kind == "json":
        return isinstance(default, dict | list)
    if kind == "comma_delimited_list":
        return isinstance(default, str) or (isinstance(default, list) and all(isinstance(x, str) for x in default))
    return False


def _constraint_problems(default: Any, constraints: Any) -> list[str]:
    problems = []
    for constraint in constraints if isinstance(constraints, list) else []:
        if not isinstance(constraint, dict):
            problems.append("a constraint is not a mapping")
            continue
        if "allowed_values" in constraint and default not in constraint["allowed_values"]:
            problems.append(f"default {default!r} is not one of its allowed_values")
        # As Heat checks it: re.match, and the match must reach the end of the value.
        if "allowed_pattern" in constraint:
            match = re.match(constraint["allowed_pattern"], default) if isinstance(default, str) else None
            if match is None or match.end() != len(default):
                problems.append(f"default {default!r} does not match its allowed_pattern")
        for key, measure in (("range", default), ("length", None)):
            if key not in constraint:
                continue
            bounds = constraint[key]
            size = measure if key == "range" else len(default) if hasattr(default, "__len__") else None
            if size is None or isinstance(size, bool):
                continue
            if ("min" in bounds and size < bounds["min"]) or ("max" in bounds and size > bounds["max"]):
                problems.append(f"default {default!r} is outside its {key} {bounds}")
    return problems


def check_parameters(t: Template) -> None:
    params = t.parameters
    for name, (kind, default) in STANDARD_PARAMETERS.items():
        decl = params.get(name)
        if not isinstance(decl, dict):
            t.report(("parameters",), f"the standard parameter {name} is not declared")
        elif decl.get("type") != kind or decl.get("default") != default:
            t.report(("parameters", name), f"{name} must be type {kind} with default {default!r}")
    for name, decl in params.items():
        where = ("parameters", name)
        if not isinstance(decl, dict):
            t.report(where, f"parameter {name} is not a mapping")
            continue
        kind = decl.get("type")
        if kind not in PARAMETER_TYPES:
            t.report(where, f"parameter {name} has type {kind!r}, not one of {sorted(PARAMETER_TYPES)}")
        description = decl.get("description")
        if not isinstance(description, str) or not description.strip():
            t.report(where, f"parameter {name} has no description")
        if SECRET_NAME.search(name):
            if decl.get("hidden") is not True:
                t.report(where, f"parameter {name} looks like a secret and must be hidden: true")
            if kind != "string":
                t.report(where, f"secret parameter {name} must be a string")
        if decl.get("hidden") is True and "default" in decl:
            t.report(where, f"hidden parameter {name} must not have a default")
        if "default" in decl and isinstance(kind, str):
            if not _default_matches(kind, decl["default"]):
                t.report(where, f"default of {name} does not match its type {kind}")
            else:
                for problem in _constraint_problems(decl["default"], decl.get("constraints")):
                    t.report(where, f"parameter {name}: {problem}")


def check_functions(t: Template) -> None:
    params = set(t.parameters)
    resources = set(t.resources)
    conditions = t.data.get("conditions") or {}
    nested = t.nested()
    for path, value in walk(t.data):
        call = function_call(value)
        if call is None:
            continue
        name, arg = call
        if name not in WALLABY_FUNCTIONS:
            t.report(path, f"{name} is not an intrinsic function of heat_template_version {HOT_VERSION}")
            continue
        if name == "get_param":
            parts = arg if isinstance(arg, list) else [arg]
            if not parts or not isinstance(parts[0], str):
                t.report(path, "get_param needs a parameter name")
                continue
            if parts[0] not in params and parts[0] not in PSEUDO_PARAMETERS:
                t.report(path, f"get_param refers to the undeclared parameter {parts[0]}")
            # The whole map may be handed on (to a nested template); a lookup must use contract names.
            if (parts[0] == "ServiceNetMap" and len(parts) > 1
                    and (len(parts) != 2 or parts[1] not in SERVICE_NET_MAP_KEYS)):
                t.report(path, f"ServiceNetMap key {parts[1:]} is not in the contract's list")
            if (parts[0] == "EndpointMap" and len(parts) > 1
                    and (len(parts) != 3 or parts[1] not in ENDPOINT_MAP_KEYS or parts[2] not in ENDPOINT_FIELDS)):
                t.report(path, f"EndpointMap reference {parts[1:]} is not in the contract")
        elif name in ("get_attr", "get_resource"):
            target = arg[0] if isinstance(arg, list) and arg else arg
            if target not in resources:
                t.report(path, f"{name} refers to the undeclared resource {target}")
            elif name == "get_attr" and target in nested:
                _check_nested_attribute(t, path, nested[target], arg)
        elif name == "if" and not (isinstance(arg, list) and len(arg) == 3 and arg[0] in conditions):
            t.report(path, "if needs [a declared condition, a value if true, a value if false]")


def _check_nested_attribute(t: Template, path: Path_, nested: Template, arg: list[Any]) -> None:
    outputs = nested.data.get("outputs") or {}
    if len(arg) < 2 or arg[1] not in outputs:
        t.report(path, f"{nested.rel} has no output {arg[1] if len(arg) > 1 else ''!r}")
        return
    found: Any = outputs[arg[1]].get("value")
    for element in arg[2:]:
        if not isinstance(found, dict) or element not in found:
            t.report(path, f"output {arg[1]} of {nested.rel} has no {element!r}")
            return
        found = found[element]


def check_resources(t: Template) -> None:
    for name, res in t.resources.items():
        where = ("resources", name)
        kind = res.get("type") if isinstance(res, dict) else None
        if not isinstance(kind, str):
            t.report(where, f"resource {name} has no type")
            continue
        if not kind.endswith(".yaml"):
            if kind not in HEAT_RESOURCE_TYPES:
                t.report((*where, "type"), f"resource type {kind} is neither a nested template nor allowed here")
            continue
        if not kind.startswith("./") and not kind.startswith("../"):
            t.report((*where, "type"), f"nested template {kind} must be a relative path (./ or ../)")
        target = (t.path.parent / kind).resolve()
        if not target.is_file():
            t.report((*where, "type"), f"nested template {kind} does not exist")
            continue
        nested = load(target)
        props = res.get("properties") or {}
        for param in STANDARD_PARAMETERS:
            if props.get(param) != {"get_param": param}:
                t.report((*where, "properties"), f"nested {kind} must be passed {param}: {{get_param: {param}}}")
        for prop in props:
            if prop not in nested.parameters:
                t.report((*where, "properties", prop), f"{kind} declares no parameter {prop}")


def check_role_data(t: Template, registered: bool) -> None:
    role_data = t.role_data
    where: Path_ = ("outputs", "role_data", "value")
    if not role_data:
        t.report(("outputs",), "outputs.role_data.value is missing")
        return
    for key in role_data:
        if key not in ROLE_DATA_KEYS:
            t.report((*where, key), f"role_data has an unknown key {key!r}")
    name = role_data.get("service_name")
    if not isinstance(name, str) or not SERVICE_NAME.match(name):
        t.report((*where, "service_name"), f"service_name {name!r} is not snake_case")
    if "config_settings" not in role_data:
        t.report(where, "role_data has no config_settings")
    step_config = role_data.get("step_config")
    if registered or step_config is not None:
        lines = step_config.strip().splitlines() if isinstance(step_config, str) else []
        if not lines or not all(STEP_CONFIG_LINE.match(line.strip()) for line in lines):
            t.report((*where, "step_config"), "step_config must be puppet include lines (include ::class)")
    if registered:
        resolved = resolved_role_data(t)
        settings = resolved.get("config_settings")
        if not isinstance(settings, dict) or function_call(settings) is not None:
            # Keeping them knowable lets these checks (and readers) see every key a service sets.
            t.report((*where, "config_settings"), "config_settings must resolve to a mapping without Heat "
                     "(map_merge of mappings, nested role_data, if branches, OS::Heat::Value)")
        if not isinstance(resolved.get("upgrade_tasks"), list) or not resolved["upgrade_tasks"]:
            t.report(where, "a registered service must have upgrade_tasks")
    if "logging_source" in role_data:
        groups = role_data.get("logging_groups")
        if not isinstance(groups, list) or not groups:
            t.report(where, "logging_source needs logging_groups")
        source = resolve_param_default(t, role_data["logging_source"])
        if not (isinstance(source, dict) and {"tag", "path"} <= set(source)):
            t.report((*where, "logging_source"), "logging_source needs a tag and a path")


def resolve_param_default(t: Template, value: Any) -> Any:
    call = function_call(value)
    if call and call[0] == "get_param" and isinstance(call[1], str):
        return (t.parameters.get(call[1]) or {}).get("default")
    return value


def _firewall_problems(rules: Any) -> list[str]:
    if not isinstance(rules, dict) or not rules:
        return ["firewall_rules must be a non-empty mapping of rule name to rule"]
    problems = []
    for rule_name, rule in rules.items():
        if not FIREWALL_RULE_NAME.match(str(rule_name)):
            problems.append(f"firewall rule name {rule_name!r} must be '<three digits> <name>'")
        if function_call(rule) and function_call(rule)[0] == "if":  # type: ignore[index]
            continue
        if not isinstance(rule, dict):
            problems.append(f"firewall rule {rule_name!r} is not a mapping")
            continue
        proto = rule.get("proto")
        if proto not in FIREWALL_PROTOCOLS:
            problems.append(f"firewall rule {rule_name!r} has protocol {proto!r}")
        if proto in ("tcp", "udp") and "dport" not in rule:
            problems.append(f"firewall rule {rule_name!r} ({proto}) names no dport")
    return problems


def check_config_settings(t: Template, registered: bool) -> None:
    """Database connections, firewall rules and service_config_settings entries."""
    resolved = resolved_role_data(t)
    settings = resolved.get("config_settings")
    where: Path_ = ("outputs", "role_data", "value")
    if not isinstance(settings, dict):
        return
    service_name = resolved.get("service_name")
    for key, value in settings.items():
        if key.startswith("tripleo.") and key.endswith(".firewall_rules"):
            if registered and key != f"tripleo.{service_name}.firewall_rules":
                t.report((*where, "config_settings"), f"{key} must be tripleo.{service_name}.firewall_rules")
            for problem in _firewall_problems(value):
                t.report((*where, "config_settings"), problem)
    # Connections are checked where they are written, against that file's parameters.
    for path, value in walk(t.data.get("outputs")):
        if path and isinstance(path[-1], str) and path[-1].endswith("database_connection"):
            for problem in database_connection_problems(t, value):
                t.report(("outputs", *path), f"{path[-1]}: {problem}")
    for problem in service_config_problems(t, resolved.get("service_config_settings")):
        t.report((*where, "service_config_settings"), problem)


def database_connection_problems(t: Template, value: Any) -> list[str]:
    call = function_call(value)
    if call is None or call[0] != "make_url" or not isinstance(call[1], dict):
        return ["must be built with make_url"]
    url = call[1]
    problems = []
    if url.get("scheme") != {"get_param": ["EndpointMap", "MysqlInternal", "protocol"]}:
        problems.append("scheme must be EndpointMap.MysqlInternal.protocol")
    if url.get("host") != {"get_param": ["EndpointMap", "MysqlInternal", "host"]}:
        problems.append("host must be EndpointMap.MysqlInternal.host")
    if not (isinstance(url.get("path"), str) and re.fullmatch(r"/[a-z][a-z0-9_]*", url["path"])):
        problems.append("path must be /<database name>")
    if url.get("query") != DB_CONNECTION_QUERY:
        problems.append(f"query must be {DB_CONNECTION_QUERY}")
    if not isinstance(url.get("username"), str):
        problems.append("username must be given")
    password = function_call(url.get("password"))
    if not (password and password[0] == "get_param"
            and (t.parameters.get(password[1]) or {}).get("hidden") is True):
        problems.append("password must come from a hidden parameter")
    return problems


def _entry_prefixes(keys: list[str], pattern: str) -> set[str]:
    found = set()
    for key in keys:
        match = re.match(pattern, key)
        if match:
            found.add(match.group(1))
    return found


def service_config_problems(t: Template, scs: Any) -> list[str]:
    if scs is None:
        return []
    if not isinstance(scs, dict):
        return ["service_config_settings must be a mapping of service_name to settings"]
    problems = []
    for service, settings in scs.items():
        if not SERVICE_NAME.match(str(service)):
            problems.append(f"service_config_settings key {service!r} is not a service_name")
        if not isinstance(settings, dict):
            problems.append(f"service_config_settings.{service} is not a mapping")
    mysql = scs.get("mysql") if isinstance(scs.get("mysql"), dict) else {}
    for prefix in _entry_prefixes(list(mysql), r"^(\w+::db::mysql(?:_\w+)?)::\w+$"):
        for fieldname in MYSQL_ENTRY_FIELDS:
            if f"{prefix}::{fieldname}" not in mysql:
                problems.append(f"mysql entry {prefix} has no {fieldname}")
    keystone = scs.get("keystone") if isinstance(scs.get("keystone"), dict) else {}
    for prefix in _entry_prefixes(list(keystone), r"^(\w+::keystone::auth(?:_\w+)?)::\w+$"):
        # A service with a keystone user but no API (Ceilometer since Queens)
        # sets configure_endpoint: false and needs no endpoint URLs.
        user_only = keystone.get(f"{prefix}::configure_endpoint") is False
        required = KEYSTONE_USER_FIELDS if user_only else KEYSTONE_ENTRY_FIELDS
        for fieldname in required:
            if f"{prefix}::{fieldname}" not in keystone:
                problems.append(f"keystone entry {prefix} has no {fieldname}")
        if user_only:
            continue
        for interface in ("public", "internal", "admin"):
            url = function_call(keystone.get(f"{prefix}::{interface}_url"))
            arg = url[1] if url and url[0] == "get_param" else None
            if not (isinstance(arg, list) and len(arg) == 3 and arg[0] == "EndpointMap"
                    and str(arg[1]).endswith(interface.capitalize()) and arg[2] == "uri"):
                problems.append(f"{prefix}::{interface}_url must be EndpointMap.<Service>{interface.capitalize()}.uri")
    return problems


# --- tasks ----------------------------------------------------------------------------------------

_REGISTERED_USE = re.compile(r"\b([a-z_][a-z0-9_]*)\s*(?:\.(?:rc|stdout|stderr|changed|failed)\b"
                             r"|\s+is\s+(?:changed|failed|succeeded|skipped)\b)")
_NAME_USE = re.compile(r"\b([a-z_][a-z0-9_]*)\b")
_JINJA_WORDS = frozenset({"step", "int", "bool", "lower", "upper", "default", "is", "not", "and", "or", "in",
                          "true", "false", "none", "changed", "failed", "succeeded", "skipped", "defined",
                          "undefined", "rc", "stdout", "stderr", "item", "length"})


def task_step(task: dict[str, Any]) -> tuple[int | None, str | None]:
    """(step, problem): the single step a task is gated on."""
    when = task.get("when")
    conditions = when if isinstance(when, list) else [when] if when is not None else []
    if not conditions:
        return None, "is not gated on a step (no when)"
    first = conditions[0]
    match = STEP_CONDITION.match(first.strip()) if isinstance(first, str) else None
    if match is None:
        return None, "must have 'step|int == N' as its (first) when condition"
    if any(isinstance(c, str) and re.search(r"\bstep\b", c) for c in conditions[1:]):
        return None, "is gated on more than one step condition"
    step = int(match.group(1))
    if step not in STEP_RANGE:
        return None, f"is gated on step {step}, outside {STEP_RANGE.start}..{STEP_RANGE.stop - 1}"
    return step, None


def task_list_problems(tasks: Any, label: str) -> list[str]:
    """Problems of one resolved task list (after list_concat of the nested bases)."""
    if not isinstance(tasks, list):
        return [f"{label} must be a list of tasks"]
    problems = []
    names: set[str] = set()
    registered: dict[str, int] = {}  # variable -> step of the task that registers it
    facts: dict[str, int] = {}       # fact -> first step that sets it
    for index, task in enumerate(tasks):
        prefix = f"{label}[{index}]"
        if not isinstance(task, dict):
            problems.append(f"{prefix} is not a mapping")
            continue
        name = task.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{prefix} has no name")
        elif name in names:
            problems.append(f"{prefix} repeats the task name {name!r}")
        else:
            names.add(name)
        modules = [k for k in task if k not in TASK_KEYWORDS]
        if len(modules) != 1:
            problems.append(f"{prefix} ({name}) must use exactly one module, found {modules}")
        step, problem = task_step(task)
        if problem:
            problems.append(f"{prefix} ({name}) {problem}")
            continue
        assert step is not None
        when = task.get("when")
        for condition in (when if isinstance(when, list) else [when])[1:]:
            problems.extend(_variable_problems(prefix, name, str(condition), step, registered, facts))
        if isinstance(task.get("register"), str):
            registered[task["register"]] = step
        if "set_fact" in task and isinstance(task["set_fact"], dict):
            for fact in task["set_fact"]:
                facts.setdefault(fact, step)
    return problems


def _variable_problems(prefix: str, name: Any, condition: str, step: int,
                       registered: dict[str, int], facts: dict[str, int]) -> list[str]:
    # A task skipped by its `when` still overwrites its `register` variable, so a
    # registered result is only good within the step that registered it; facts
    # (set_fact) survive the later steps, which is how state crosses steps.
    problems = []
    uses_registered = set(_REGISTERED_USE.findall(condition))
    for var in uses_registered:
        if var in facts:
            continue
        if var not in registered:
            problems.append(f"{prefix} ({name}) uses {var}, which no earlier task registers")
        elif registered[var] != step:
            problems.append(f"{prefix} ({name}) uses {var} registered at step {registered[var]}: "
                            "a skipped task overwrites it; keep it in a fact with set_fact")
    stripped = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]", "", condition)
    for var in set(_NAME_USE.findall(stripped)) - uses_registered - _JINJA_WORDS:
        if var.startswith("ansible_") or re.search(rf"\b{var}\s*\|\s*default\b", condition):
            continue
        if var not in facts and var not in registered:
            problems.append(f"{prefix} ({name}) uses {var}, which no earlier task sets")
        elif var in facts and facts[var] > step:
            problems.append(f"{prefix} ({name}) uses {var} before the step ({facts[var]}) that sets it")
    return problems


def check_tasks(t: Template, registered: bool) -> None:
    role_data = t.role_data
    resolved = resolved_role_data(t) if registered else role_data
    for label in TASK_LISTS:
        if label not in role_data:
            continue
        tasks = resolved.get(label)
        for problem in task_list_problems(tasks, label):
            t.report(("outputs", "role_data", "value", label), problem)


def check_template(t: Template, registered: bool) -> list[str]:
    t.problems = []
    if t.data.get("heat_template_version") != HOT_VERSION:
        t.report(("heat_template_version",), f"heat_template_version must be {HOT_VERSION}")
    if not isinstance(t.data.get("description"), str) or not t.data["description"].strip():
        t.report((), "the template has no description")
    for duplicate in t.doc.duplicates:
        mark = duplicate.duplicate
        t.problems.append(f"{t.rel}:{mark.line}:{mark.column}: duplicate key {duplicate.key!r}")
    check_parameters(t)
    check_functions(t)
    check_resources(t)
    check_role_data(t, registered)
    check_config_settings(t, registered)
    check_tasks(t, registered)
    return list(t.problems)


def nested_closure(templates: list[Template]) -> set[Path]:
    """Every template file the given ones use, themselves included."""
    seen: set[Path] = set()
    todo = list(templates)
    while todo:
        t = todo.pop()
        if t.path in seen:
            continue
        seen.add(t.path)
        todo.extend(t.nested().values())
    return seen


# --- checks across the library --------------------------------------------------------------------

def firewall_rule_owners(templates: list[Template]) -> dict[str, list[str]]:
    """Firewall rule name -> the services that declare it."""
    owners: dict[str, list[str]] = {}
    for t in templates:
        settings = resolved_role_data(t).get("config_settings") or {}
        for key, rules in settings.items() if isinstance(settings, dict) else []:
            if key.endswith(".firewall_rules") and isinstance(rules, dict):
                for rule in rules:
                    owners.setdefault(str(rule), []).append(t.rel)
    return owners


def conflicting_settings(templates: list[Template]) -> list[str]:
    """Hiera keys that two services set to different values.

    Hieradata of the services on a node is merged, so such a key would get
    whichever value happened to be merged last.
    """
    seen: dict[str, tuple[str, Any]] = {}
    problems = []
    for t in templates:
        settings = resolved_role_data(t).get("config_settings") or {}
        for key, value in settings.items() if isinstance(settings, dict) else []:
            if key in seen and seen[key][1] != value:
                problems.append(f"{key}: {seen[key][0]} sets {seen[key][1]!r}, {t.rel} sets {value!r}")
            seen.setdefault(key, (t.rel, value))
    return problems


def conflicting_parameters(templates: list[Template]) -> list[str]:
    """Parameters declared by several templates with a different type, default or hidden flag.

    parameter_defaults reach every nested stack, so one name must mean one thing.
    """
    seen: dict[str, tuple[str, tuple[Any, ...]]] = {}
    problems = []
    for t in templates:
        for name, decl in t.parameters.items():
            if not isinstance(decl, dict):
                continue
            shape = (decl.get("type"), decl.get("default"), decl.get("hidden", False))
            if name in seen and seen[name][1] != shape:
                problems.append(f"{name}: {seen[name][0]} declares {seen[name][1]}, {t.rel} declares {shape}")
            seen.setdefault(name, (t.rel, shape))
    return problems


def databases(templates: list[Template]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(database -> users the services connect as, database -> users the mysql entries create)."""
    used: dict[str, set[str]] = {}
    created: dict[str, set[str]] = {}
    for t in templates:
        for path, value in walk(t.data.get("outputs")):
            call = function_call(value)
            if path and str(path[-1]).endswith("database_connection") and call and call[0] == "make_url":
                url = call[1]
                used.setdefault(str(url.get("path", "")).lstrip("/"), set()).add(str(url.get("username")))
        mysql = (resolved_role_data(t).get("service_config_settings") or {}).get("mysql") or {}
        for prefix in _entry_prefixes(list(mysql), r"^(\w+::db::mysql(?:_\w+)?)::\w+$"):
            created.setdefault(str(mysql.get(f"{prefix}::dbname")), set()).add(str(mysql.get(f"{prefix}::user")))
    return used, created


def conditional_keys(template: Template) -> set[str]:
    """Keys a template (or a base it nests) sets only in a branch of an ``if``."""
    keys: set[str] = set()
    for t in [template, *template.nested().values()]:
        for _, value in walk(t.data):
            call = function_call(value)
            if call and call[0] == "if" and isinstance(call[1], list):
                for branch in call[1][1:]:
                    if isinstance(branch, dict) and function_call(branch) is None:
                        keys.update(branch)
    return keys


# --- a stack on a real, local Heat -------------------------------------------------------------

def outputs_from_local_heat(tree: Path, template: str, environments: list[Path], stack_name: str,
                            state_dir: Path) -> dict[str, Any]:
    """Create ``template`` (in ``tree``, with ``environments``) on a Heat of its own
    (``tht_gen.heat.server`` in ``state_dir``), through ``tht-gen deploy``'s code, and
    return the stack's outputs; the server is stopped before this returns."""
    import os

    from tht_gen.heat.availability import quiet_dependencies

    with quiet_dependencies():  # openstacksdk and Heat warn about their own deprecations
        from tht_gen.deploy.deploy import deploy
        from tht_gen.heat.server import HeatServer, clouds_yaml
        from tht_gen.heat.stackinput import build_stack_input

    server = HeatServer(state_dir).start()
    previous = os.environ.get("OS_CLIENT_CONFIG_FILE")
    try:
        config = tree / "clouds.yaml"
        config.write_text(clouds_yaml("local-heat", server.url), encoding="utf-8")
        os.environ["OS_CLIENT_CONFIG_FILE"] = str(config)
        with quiet_dependencies():
            stack_input = build_stack_input(tree, environments, template=template, include_registry=False)
            result = deploy(stack_input, cloud="local-heat", stack_name=stack_name, poll_seconds=0.5)
    finally:
        if previous is None:
            os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
        else:
            os.environ["OS_CLIENT_CONFIG_FILE"] = previous
        server.stop()
    assert result.ok, (result.status, result.reason, result.failed)
    assert result.output_errors == {}
    return dict(result.outputs)
