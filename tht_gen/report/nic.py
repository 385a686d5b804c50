"""A role's NIC layout as a person reads it: which device carries which network, read from the
os-net-config data of its network configuration template.

The template (``OS::TripleO::<Role>::Net::SoftwareConfig``) holds a
``network_config`` list somewhere in a software config's properties. Each
item is a device (``interface``, ``ovs_bridge``, ``ovs_bond``, ``vlan``,
``linux_bridge`` ...) with ``members``; names and VLAN ids are often
``get_param`` of the template's parameters, whose defaults are what the
layout uses unless an environment says otherwise. A device carries a
network when an address comes from ``<Network>IpSubnet`` (or
``ControlPlaneIp``), or its VLAN id from ``<Network>NetworkVlanID``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

CONTROL_PLANE = "ControlPlane"
_SUBNET_PARAM = re.compile(r"^(?P<net>[A-Za-z0-9]+)IpSubnet$")
_VLAN_PARAM = re.compile(r"^(?P<net>[A-Za-z0-9]+)NetworkVlanID$")


@dataclass
class NicDevice:
    kind: str                  # os-net-config's type
    name: str                  # as the layout names it ("" when it has none: a VLAN)
    vlan: Any = None           # VLAN id (the parameter's default when it is a parameter)
    networks: list[str] = field(default_factory=list)   # networks with an address on the device
    children: list[NicDevice] = field(default_factory=list)

    def label(self) -> str:
        if self.kind == "vlan" and not self.name and self.vlan is not None:
            return f"VLAN {self.vlan}"
        parts = [self.kind]
        if self.name:
            parts.append(self.name)
        if self.vlan is not None:
            parts.append(f"VLAN {self.vlan}")
        return " ".join(parts)

    def walk(self) -> Iterator[NicDevice]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class NicLayout:
    """One role's devices in one layout (empty: the layout leaves the boot-time configuration)."""

    layout: str      # the folder name under network/config, or the template path
    template: str    # relative to the tree
    devices: list[NicDevice] = field(default_factory=list)

    def networks(self) -> list[str]:
        return sorted({n for device in self.devices for d in device.walk() for n in d.networks})


def read_layout(layout: str, template_path: str, template: Any) -> NicLayout:
    """The devices of a NIC configuration template (a loaded HOT template)."""
    result = NicLayout(layout, template_path)
    if not isinstance(template, Mapping):
        return result
    declared = template.get("parameters")
    parameters: Mapping[str, Any] = declared if isinstance(declared, Mapping) else {}
    config = _find_network_config(template.get("resources"))
    if config is None:
        return result
    result.devices = [d for d in (_device(item, parameters) for item in config) if d is not None]
    return result


def _find_network_config(value: Any) -> list[Any] | None:
    if isinstance(value, Mapping):
        found = value.get("network_config")
        if isinstance(found, list):
            return found
        for item in value.values():
            inner = _find_network_config(item)
            if inner is not None:
                return inner
    elif isinstance(value, list):
        for item in value:
            inner = _find_network_config(item)
            if inner is not None:
                return inner
    return None


def _param_name(value: Any) -> str | None:
    if isinstance(value, Mapping) and len(value) == 1 and "get_param" in value:
        arg = value["get_param"]
        if isinstance(arg, str):
            return arg
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            return arg[0]
    return None


def _value(value: Any, parameters: Mapping[str, Any]) -> Any:
    """A literal, or the default of the parameter it reads."""
    name = _param_name(value)
    if name is None:
        return value if isinstance(value, str | int) and not isinstance(value, bool) else None
    definition = parameters.get(name)
    return definition.get("default") if isinstance(definition, Mapping) else None


def _params_in(value: Any) -> Iterator[str]:
    name = _param_name(value)
    if name is not None:
        yield name
        return
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _params_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _params_in(item)


def _device(item: Any, parameters: Mapping[str, Any]) -> NicDevice | None:
    if not isinstance(item, Mapping):
        return None
    kind = item.get("type")
    if not isinstance(kind, str):
        return None
    name = _value(item.get("name"), parameters)
    device = NicDevice(kind, "" if name is None else str(name))
    vlan_param = _param_name(item.get("vlan_id"))
    if vlan_param is not None:
        device.vlan = _value(item.get("vlan_id"), parameters)
        match = _VLAN_PARAM.match(vlan_param)
        if match:
            device.networks.append(match.group("net"))
    elif isinstance(item.get("vlan_id"), int):
        device.vlan = item["vlan_id"]
    for param in _params_in(item.get("addresses")):
        match = _SUBNET_PARAM.match(param)
        network = CONTROL_PLANE if param == "ControlPlaneIp" else match.group("net") if match else None
        if network and network not in device.networks:
            device.networks.append(network)
    members = item.get("members")
    if isinstance(members, list):
        device.children = [d for d in (_device(m, parameters) for m in members) if d is not None]
    return device
