"""``tht-gen networks show|validate FILE``: read and check network data (and VIP data)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..checks import CheckContext, run_checks, schema_diagnostics, validate_networks
from ..diagnostics import Diagnostic, Severity, UserError, has_errors
from ..model.networks import (
    Network,
    NetworkData,
    Subnet,
    VipData,
    looks_like_vip_data,
    parse_network_data,
    parse_vip_data,
)
from ..model.roles import RolesData, parse_roles_data
from ..yamlio import YamlSyntaxError

ORDER = 31

EXAMPLES = """\
examples:
  tht-gen networks show network_data.yaml
  tht-gen networks validate network_data.yaml
  tht-gen networks validate network_data.yaml vip_data.yaml -r roles_data.yaml
  tht-gen networks validate --format json network_data.yaml

exit status: 0 no error-level findings, 1 findings, 2 bad usage or unreadable input
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "networks", help="show and check network data",
        description="Show network data (both the flat form and the form with subnets) and "
                    "check it: schema, addresses, pools, VLANs, MTUs, routes and VIPs.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="networks_command", metavar="ACTION")
    p_show = sub.add_parser("show", help="show the networks and subnets of network data")
    p_show.add_argument("file", metavar="FILE")
    p_show.add_argument("--format", choices=("text", "json"), default="text")
    p_show.set_defaults(handler=run_show)
    p_val = sub.add_parser(
        "validate", help="check network data (and VIP data) files",
        description="Check network data files; a VIP data file given with them is checked "
                    "against the network data; with -r, the roles' networks are checked too.")
    p_val.add_argument("files", nargs="+", metavar="FILE")
    p_val.add_argument("-r", "--roles-data", dest="roles_data", metavar="FILE",
                       help="also check that the roles' networks and subnets exist")
    p_val.add_argument("--format", choices=("text", "json"), default="text")
    p_val.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p_val.set_defaults(handler=run_validate)
    parser.set_defaults(handler=lambda args, out: _no_action(parser))



def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _read(file: str, what: str) -> str:
    try:
        return Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError.single(file, f"{what} file not found") from None
    except IsADirectoryError:
        raise UserError.single(file, f"{what} file is a folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError.single(file, f"cannot read {what} file: {exc}") from None


def _syntax(file: str, what: str, exc: YamlSyntaxError) -> UserError:
    return UserError.single(file, f"{what} is not valid YAML: {exc.message}", "S000",
                            exc.line, exc.column, exit_code=1)


def load(file: str) -> NetworkData | VipData:
    """Network data or VIP data, told apart by content."""
    text = _read(file, "network data")
    try:
        networks = parse_network_data(text, file)
    except YamlSyntaxError as exc:
        raise _syntax(file, "network data", exc) from None
    if looks_like_vip_data(networks.data):
        return parse_vip_data(text, file)
    return networks


def _roles(file: str) -> RolesData:
    text = _read(file, "roles data")
    try:
        return parse_roles_data(text, file)
    except YamlSyntaxError as exc:
        raise _syntax(file, "roles data", exc) from None


# --------------------------------------------------------------------------- show

def _subnet_json(subnet: Subnet) -> dict[str, Any]:
    info: dict[str, Any] = {"name": subnet.name, "vlan": subnet.vlan}
    for version in (4, 6):
        cidr = subnet.cidr(version)
        if cidr is None:
            continue
        info[f"ipv{version}"] = {
            "cidr": cidr,
            "gateway": subnet.gateway(version),
            "allocation_pools": [{"start": p.start, "end": p.end, "size": p.size}
                                 for p in subnet.pools(version)],
            "routes": [{"destination": r.destination, "nexthop": r.nexthop}
                       for r in subnet.routes(version)],
            "free_addresses": subnet.free_addresses(version),
        }
    return info


def network_json(network: Network) -> dict[str, Any]:
    return {
        "name": network.name, "name_lower": network.name_lower, "enabled": network.enabled,
        "vip": network.vip, "ipv6": network.ipv6, "mtu": network.mtu,
        "form": "flat" if network.is_flat else "subnets",
        "subnets": [_subnet_json(s) for s in network.subnets],
    }


def _subnet_lines(subnet: Subnet) -> list[str]:
    head = f"    {subnet.name}" + (f"  vlan {subnet.vlan}" if subnet.vlan is not None else "")
    lines = [head]
    for version in (4, 6):
        cidr = subnet.cidr(version)
        if cidr is None:
            continue
        gateway = subnet.gateway(version)
        pools = ", ".join(f"{p.start}-{p.end}" for p in subnet.pools(version)) or "whole subnet"
        text = f"      {cidr}" + (f"  gateway {gateway}" if gateway else "")
        text += f"  pools {pools} ({subnet.free_addresses(version)} addresses)"
        lines.append(text)
        for route in subnet.routes(version):
            lines.append(f"      route {route.destination} via {route.nexthop}")
    return lines


def run_show(args: argparse.Namespace, out: Any) -> int:
    data = load(args.file)
    if isinstance(data, VipData):
        rows = [dict(v.definition) for v in data]
        if args.format == "json":
            out.result(json.dumps({"file": args.file, "vips": rows}, indent=2, default=str))
        else:
            for vip in data:
                where = vip.network or "?"
                extra = "".join(f"  {k} {vip.definition[k]}" for k in ("subnet", "ip_address",
                                                                      "dns_name", "name")
                                if k in vip.definition)
                out.result(f"VIP on {where}{extra}")
        return 0
    if not isinstance(data.data, list):
        raise UserError.single(args.file, "network data must be a list of networks", "S102",
                               1, 1, exit_code=1)
    if args.format == "json":
        out.result(json.dumps({"file": args.file,
                               "networks": [network_json(n) for n in data]}, indent=2,
                              default=str))
        return 0
    if not data.networks:
        out.result(f"{args.file}: no networks")
    for network in data:
        flags = [f"name_lower {network.name_lower}"]
        if not network.enabled:
            flags.append("disabled")
        if network.vip:
            flags.append("vip")
        if network.ipv6:
            flags.append("ipv6")
        flags.append(f"mtu {network.mtu if network.mtu is not None else '1500 (unset)'}")
        out.result(f"{network.name}  " + ", ".join(flags))
        if not network.subnets:
            out.result("    (no subnets: addresses come from parameters)")
        for subnet in network.subnets:
            out.result("\n".join(_subnet_lines(subnet)))
    return 0


# --------------------------------------------------------------------------- validate

def run_validate(args: argparse.Namespace, out: Any) -> int:
    loaded = [load(f) for f in args.files]
    network_files = [d for d in loaded if isinstance(d, NetworkData)]
    vip_files = [d for d in loaded if isinstance(d, VipData)]
    if vip_files and (len(network_files) > 1 or len(vip_files) > 1):
        raise UserError.single("<command line>", "give VIP data with one network data file and "
                               "check one VIP data file at a time, so that it is clear which "
                               "networks the VIPs are on")
    paired = network_files[0] if len(network_files) == 1 else None
    diagnostics: list[Diagnostic] = []
    for networks in network_files:
        diagnostics += validate_networks(networks, vip_files[0] if vip_files else None)
    if not network_files:
        for vips in vip_files:
            diagnostics += schema_diagnostics(vips, "vip_data")
    if args.roles_data:
        if paired is None:
            raise UserError.single("<command line>", "-r needs exactly one network data file")
        roles = _roles(args.roles_data)
        diagnostics += run_checks(CheckContext(roles=roles, networks=paired), ("roles",),
                                  only=("N004", "N005"))
    diagnostics = sorted(diagnostics)
    if args.format == "json":
        out.result(json.dumps([d.to_json() for d in diagnostics], indent=2))
        return 1 if has_errors(diagnostics) else 0
    shown = [d for d in diagnostics if not args.quiet or d.severity >= Severity.ERROR]
    out.diagnostics(shown)
    errors = sum(1 for d in diagnostics if d.severity >= Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity == Severity.WARNING)
    for data in loaded:
        what = (f"{len(data.networks)} networks" if isinstance(data, NetworkData)
                else f"{len(data.vips)} VIPs")
        out.info(f"{data.file}: {what}")
    out.info(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return 1 if errors else 0


__all__ = ["load", "network_json", "register"]
