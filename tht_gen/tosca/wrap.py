"""heat-translator's HOT wrapped as a composable service template of ours, and the environment that
registers it.

The service template keeps the library's contract (docs/services.md):

* ``heat_template_version: wallaby``; the six standard parameters; every
  TOSCA input as a parameter named ``<Service><Input>`` (``storage_size`` of
  service ``MetricsStore`` becomes ``MetricsStoreStorageSize``: parameter
  defaults reach every nested stack, so a bare ``storage_size`` would mean
  different things to different services); inputs whose name says secret
  are ``hidden`` with no default;
* the translated resources, unchanged but for the renamed ``get_param``;
* ``outputs.role_data``: ``service_name`` (the name in snake_case),
  ``config_settings`` with one hiera key ``<service_name>::<output>`` per
  TOSCA output (the resources' outputs; each resource's id when the TOSCA
  template has no outputs), ``step_config`` (one puppet include), and
  ``upgrade_tasks`` gated on their step: at step 0 whether the node runs
  the service (``service_names`` in its hieradata), then for each unit
  given a running check (step 0) and a stop (step 1), and for the packages
  given an update (step 3); with packages, ``update_tasks`` update them at
  step 3 and restart the units at step 4 when they changed;
* the TOSCA outputs, kept as outputs of the template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..hot.functions import is_call
from .translate import Folded

HOT_VERSION = "wallaby"
SERVICE_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# Names that say secret: hidden, and never a default (the library contract; lint's secret rule).
SECRET = re.compile(r"(Password|Passphrase|Secret|Token|Cookie|Key|Authkey|Credential)$")

STANDARD_PARAMETERS: dict[str, dict[str, Any]] = {
    "ServiceData": {"type": "json", "default": {},
                    "description": "Data the service chain hands to every service, such as net_cidr_map."},
    "ServiceNetMap": {"type": "json", "default": {},
                      "description": "Network (name_lower) each service listens on, keyed <Service>Network."},
    "DefaultPasswords": {"type": "json", "default": {},
                         "description": "Passwords generated for the deployment, by name."},
    "EndpointMap": {"type": "json", "default": {},
                    "description": "Endpoints of every service (protocol, host, port, uri), keyed "
                                   "<Service><Public|Internal|Admin>."},
    "RoleName": {"type": "string", "default": "", "description": "Name of the role the service is deployed on."},
    "RoleParameters": {"type": "json", "default": {},
                       "description": "Parameter values set for this role only; they win over the global ones."},
}


def snake_case(name: str) -> str:
    """``MetricsStore`` -> ``metrics_store`` (``HTTPProxy`` -> ``http_proxy``)."""
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()


def camel_case(name: str) -> str:
    """A TOSCA input name (``storage_size``, ``db-password``, ``sizeGB``) as a CamelCase word."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Input"


def kebab_case(name: str) -> str:
    return snake_case(name).replace("_", "-")


def parameter_names(service: str, inputs: Sequence[str]) -> dict[str, str]:
    """TOSCA input -> parameter name, unique (a numeric suffix when two inputs camel-case alike)."""
    names: dict[str, str] = {}
    taken = set(STANDARD_PARAMETERS)
    for item in inputs:
        base = service + camel_case(item)
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}{counter}", counter + 1
        names[item] = candidate
        taken.add(candidate)
    return names


def rename_params(value: Any, names: dict[str, str]) -> Any:
    """A copy of ``value`` with ``get_param`` of a TOSCA input renamed."""
    if isinstance(value, dict):
        if is_call(value) and "get_param" in value:
            arg = value["get_param"]
            if isinstance(arg, str) and arg in names:
                return {"get_param": names[arg]}
            if isinstance(arg, list) and arg and isinstance(arg[0], str) and arg[0] in names:
                return {"get_param": [names[arg[0]], *[rename_params(a, names) for a in arg[1:]]]}
        return {k: rename_params(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [rename_params(v, names) for v in value]
    return value


def _hiera_word(name: str) -> str:
    word = re.sub(r"[^a-z0-9_]+", "_", snake_case(name)).strip("_")
    return word or "value"


def service_template(hot: dict[str, Any], service: str, *, source: str, description: str | None,
                     puppet_class: str, packages: Sequence[str] = (), units: Sequence[str] = ()) -> tuple[
                         dict[str, Any], list[str]]:
    """(the service template, the inputs whose default was dropped because they are secrets)."""
    name = snake_case(service)
    declared = hot.get("parameters")
    inputs: dict[str, Any] = declared if isinstance(declared, dict) else {}
    names = parameter_names(service, list(inputs))
    parameters: dict[str, Any] = {k: dict(v) for k, v in STANDARD_PARAMETERS.items()}
    dropped = []
    for item, definition in inputs.items():
        declared = dict(definition) if isinstance(definition, dict) else {"type": "string"}
        if not isinstance(declared.get("description"), str) or not declared["description"].strip():
            declared["description"] = f"The TOSCA input {item}."
        else:
            declared["description"] = " ".join(declared["description"].split())
        if SECRET.search(names[item]):
            declared["type"] = "string"
            declared["hidden"] = True
            if "default" in declared:
                declared.pop("default")
                dropped.append(item)
        parameters[names[item]] = declared
    resources = rename_params(hot.get("resources") or {}, names)
    outputs = rename_params(hot.get("outputs") or {}, names)
    settings: dict[str, Any] = {}
    for output, definition in outputs.items():
        if isinstance(definition, dict) and "value" in definition:
            settings[f"{name}::{_hiera_word(str(output))}"] = definition["value"]
    if not settings:
        for resource in resources:
            settings[f"{name}::{_hiera_word(str(resource))}_id"] = {"get_resource": resource}
    role_data: dict[str, Any] = {
        "service_name": name,
        "config_settings": settings,
        "step_config": f"include ::{puppet_class.removeprefix('::')}",
        "upgrade_tasks": upgrade_tasks(name, packages, units),
    }
    if packages:
        role_data["update_tasks"] = update_tasks(name, packages, units)
    text = description or f"The {service} service"
    template: dict[str, Any] = {
        "heat_template_version": HOT_VERSION,
        "description": Folded(f"{text.rstrip('.')}. Imported from the TOSCA template {source} by tht-gen "
                              f"import-tosca: its resources are created once per role that runs {service}, "
                              "and their outputs are the service's hieradata."),
        "parameters": parameters,
    }
    if hot.get("conditions"):
        template["conditions"] = rename_params(hot["conditions"], names)
    template["resources"] = resources
    template["outputs"] = {"role_data": {"description": f"Role data for {service}.", "value": role_data}}
    for output, definition in outputs.items():
        if output != "role_data":
            template["outputs"][output] = definition
    return template, dropped


def _service_check(name: str) -> list[dict[str, Any]]:
    return [
        {"name": f"Check whether this node runs {name}", "when": "step|int == 0",
         "command": "hiera -c /etc/puppet/hiera.yaml service_names",
         "register": f"{name}_service_names_result", "failed_when": False, "changed_when": False},
        {"name": f"Remember whether this node runs {name}", "when": "step|int == 0",
         "set_fact": {f"{name}_enabled": f"{{{{ '{name}' in ({name}_service_names_result.stdout | default('')) }}}}"}},
    ]


def upgrade_tasks(name: str, packages: Sequence[str], units: Sequence[str]) -> list[dict[str, Any]]:
    gate = f"{name}_enabled|bool"
    tasks = _service_check(name)
    for unit in units:
        tasks.append({"name": f"Check that {unit} is running before the upgrade", "when": ["step|int == 0", gate],
                      "command": f"systemctl is-active --quiet {unit}", "changed_when": False})
    for unit in units:
        tasks.append({"name": f"Stop {unit}", "when": ["step|int == 1", gate],
                      "service": {"name": unit, "state": "stopped"}})
    if packages:
        tasks.append({"name": f"Update the {name} packages", "when": ["step|int == 3", gate],
                      "package": {"name": list(packages), "state": "latest"}})
    return tasks


def update_tasks(name: str, packages: Sequence[str], units: Sequence[str]) -> list[dict[str, Any]]:
    gate = f"{name}_enabled|bool"
    tasks = _service_check(name)
    tasks.append({"name": f"Update the {name} packages", "when": ["step|int == 3", gate],
                  "package": {"name": list(packages), "state": "latest"},
                  "register": f"{name}_package_result"})
    tasks.append({"name": f"Remember whether the {name} packages changed", "when": ["step|int == 3", gate],
                  "set_fact": {f"{name}_packages_changed": f"{{{{ {name}_package_result is changed }}}}"}})
    for unit in units:
        tasks.append({"name": f"Restart {unit} after its packages changed",
                      "when": ["step|int == 4", gate, f"{name}_packages_changed|bool"],
                      "service": {"name": unit, "state": "restarted"}})
    return tasks


def environment(service: str, template_path: str, environment_path: str, source: str,
                required: Sequence[str]) -> str:
    """The environment that registers the service (the registry target relative to the environment)."""
    import posixpath

    target = posixpath.relpath(template_path, posixpath.dirname(environment_path) or ".")
    lines = [
        f"# title: {service} (imported from TOSCA)",
        "# description: |",
        f"#   Run {service}, translated from the TOSCA template {source}, on the roles that",
        f"#   list OS::TripleO::Services::{service} in their ServicesDefault.",
    ]
    if required:
        lines.append(f"#   Give in your own environment: {', '.join(required)}.")
    lines += [
        "# purpose: services",
        "#",
        f"# Generated by `tht-gen import-tosca` from {source}.",
        "resource_registry:",
        f"  OS::TripleO::Services::{service}: {target}",
    ]
    return "\n".join(lines) + "\n"
