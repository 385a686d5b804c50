"""Which kind of file a loaded YAML document is, by its content (never by its name)."""

from __future__ import annotations

import difflib
import enum
import re
from typing import Any


class FileKind(str, enum.Enum):
    HOT = "hot"                  # a Heat Orchestration Template
    ENVIRONMENT = "environment"  # a Heat environment file
    ROLES = "roles"              # TripleO roles data (a list of roles)
    NETWORKS = "networks"        # TripleO network data (a list of networks)
    YAML = "yaml"                # anything else: checked for syntax only

    def __str__(self) -> str:
        return self.value


# Heat's environment sections (heat.common.environment_format).
ENVIRONMENT_SECTIONS = frozenset({
    "parameters", "parameter_defaults", "resource_registry", "encrypted_param_names",
    "event_sinks", "parameter_merge_strategies",
})
# A top-level key that is not one of these makes a mapping "other YAML", not an environment.
_ENVIRONMENT_MARKERS = frozenset({"parameter_defaults", "resource_registry",
                                  "parameter_merge_strategies", "event_sinks"})
_NETWORK_KEYS = frozenset({"name_lower", "vip", "ip_subnet", "subnets", "ipv6_subnet",
                           "allocation_pools", "mtu", "dns_domain", "ipv6"})
_ROLE_KEYS = frozenset({"ServicesDefault", "CountDefault", "HostnameFormatDefault",
                        "networks", "tags", "description", "RoleParametersDefault",
                        "deprecated_nic_config_name", "deprecated_param_image",
                        "disable_constraints", "update_serial", "uses_deprecated_params"})

# Cheap tests on the text, so that a file which is plainly none of the kinds
# above (release notes, Ansible, CI configuration) is only syntax-checked and
# never built into Python objects.
_MAYBE_HOT = re.compile(r"^heat_template_version\s*:", re.MULTILINE)
_MAYBE_ENV = re.compile(r"^(?:parameter_defaults|resource_registry|parameters|"
                        r"parameter_merge_strategies|event_sinks|encrypted_param_names)\s*:",
                        re.MULTILINE)
_MAYBE_LIST_OF_NAMED = re.compile(r"^-\s+name\s*:", re.MULTILINE)


def may_need_model(text: str) -> bool:
    """False when ``text`` certainly is none of the kinds that have rules beyond syntax."""
    return bool(_MAYBE_HOT.search(text) or _MAYBE_ENV.search(text)
                or _MAYBE_LIST_OF_NAMED.search(text))


def classify(data: Any) -> FileKind:
    """The kind of a loaded document."""
    if isinstance(data, dict):
        if "heat_template_version" in data:
            return FileKind.HOT
        keys = {k for k in data if isinstance(k, str)}
        if len(keys) != len(data) or not keys & (_ENVIRONMENT_MARKERS | {"parameters"}):
            return FileKind.YAML
        unknown = keys - ENVIRONMENT_SECTIONS
        if not unknown:
            return FileKind.ENVIRONMENT
        # An environment with a misspelt section is still an environment (and the
        # misspelling a finding); a file with other keys of its own (a TripleO plan
        # environment, say) is not.
        if keys & _ENVIRONMENT_MARKERS and all(
                difflib.get_close_matches(k, ENVIRONMENT_SECTIONS, n=1, cutoff=0.8)
                for k in unknown):
            return FileKind.ENVIRONMENT
        return FileKind.YAML
    if isinstance(data, list) and data and all(isinstance(i, dict) and "name" in i for i in data):
        keys = set().union(*(set(i) for i in data))
        if keys & _ROLE_KEYS and ("ServicesDefault" in keys or "CountDefault" in keys):
            return FileKind.ROLES
        if keys & _NETWORK_KEYS:
            return FileKind.NETWORKS
    return FileKind.YAML
