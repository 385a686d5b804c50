"""Typed, read-only views of the files a template tree holds.

Each view wraps data loaded by :mod:`tht_gen.yamlio` (never copies it) and
answers questions by name: a template's parameters, resources and outputs, an
environment's registry and parameter defaults, the services a role runs.
Every item knows its document path, so a finding about it can be turned into
a line and column. The lint rules are built on these views, and so can be any
later capability (parameter discovery, environment merging, Heat checks).
"""

from .classify import FileKind, classify
from .environment import Environment, RegistryEntry
from .hot import FunctionCall, HotTemplate, Output, Parameter, Resource
from .networks import (
    Network,
    NetworkData,
    Pool,
    Route,
    Subnet,
    Vip,
    VipData,
    load_network_data,
    parse_network_data,
    parse_vip_data,
)
from .roles import (
    Role,
    RoleNetwork,
    RolesData,
    RolesFolder,
    load_roles_data,
    load_roles_folder,
    parse_roles_data,
)

__all__ = [
    "Environment",
    "FileKind",
    "FunctionCall",
    "HotTemplate",
    "Network",
    "NetworkData",
    "Output",
    "Parameter",
    "Pool",
    "RegistryEntry",
    "Resource",
    "Role",
    "RoleNetwork",
    "RolesData",
    "RolesFolder",
    "Route",
    "Subnet",
    "Vip",
    "VipData",
    "classify",
    "load_network_data",
    "load_roles_data",
    "load_roles_folder",
    "parse_network_data",
    "parse_roles_data",
    "parse_vip_data",
]
