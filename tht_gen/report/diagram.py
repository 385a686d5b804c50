"""The picture of a deployment: roles above, networks as buses below them, virtual IPs on the buses.

Pure SVG, laid out on a fixed grid so that the same data gives the same
bytes; every name is escaped (role and network names are user input).
"""

from __future__ import annotations

from html import escape
from typing import Any

from .collect import CTLPLANE, ReportData

PALETTE = ("#5b6b7f", "#c0392b", "#2874a6", "#b9770e", "#7d3c98", "#1e8449", "#af601a", "#117a65",
           "#a93226", "#2e4053")
LABEL_WIDTH = 230
ROLE_WIDTH = 150
ROLE_GAP = 24
ROLE_HEIGHT = 66
TOP = 16
BUS_GAP = 48
VIP_WIDTH = 190
MARGIN = 20


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nodes(count: Any) -> str:
    return "1 node" if count == 1 else f"{count} nodes"


def diagram_svg(data: ReportData) -> str:
    """An SVG element (no XML prolog: it sits inside the HTML page)."""
    networks = [(CTLPLANE, "ControlPlane", "provisioning (undercloud)", True, True)]
    for network in data.networks:
        facts = ", ".join(network.cidrs[:1] + ((f"VLAN {network.vlan}",) if network.vlan is not None else ()))
        networks.append((network.name_lower, network.name, facts, network.enabled, network.created))
    lower_of = {n.name: n.name_lower for n in data.networks}
    vips_on: dict[str, list[Any]] = {}
    for vip in data.vips:
        vips_on.setdefault(vip.network, []).append(vip)
    vip_columns = max((len(v) for v in vips_on.values()), default=0)
    roles = data.roles
    roles_width = max(len(roles), 1) * (ROLE_WIDTH + ROLE_GAP)
    vip_x0 = LABEL_WIDTH + roles_width + 16
    width = vip_x0 + vip_columns * VIP_WIDTH + MARGIN
    bus_y0 = TOP + ROLE_HEIGHT + 44
    bus_y = {name: bus_y0 + i * BUS_GAP for i, (name, *_rest) in enumerate(networks)}
    legend_y = bus_y0 + len(networks) * BUS_GAP + 4
    height = legend_y + 28
    colour = {name: PALETTE[i % len(PALETTE)] for i, (name, *_rest) in enumerate(networks)}

    out = [f'<svg class="diagram" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="diagram-title">',
           '<title id="diagram-title">Roles, the networks they are on, and the virtual IPs</title>']
    # Role columns first: the buses are drawn over them, with a white edge, so that a column
    # crossing a network it is not on is visibly cut.
    for index, role in enumerate(roles):
        x = LABEL_WIDTH + index * (ROLE_WIDTH + ROLE_GAP) + ROLE_WIDTH // 2
        on = [CTLPLANE] + [lower_of.get(name, name) for name, _ in role.networks]
        on = [n for n in on if n in bus_y]
        bottom = max(bus_y[n] for n in on)
        out.append(f'<line class="drop" x1="{x}" y1="{TOP + ROLE_HEIGHT}" x2="{x}" y2="{bottom}" '
                   'stroke="#444" stroke-width="2"/>')
    for name, label, facts, enabled, created in networks:
        y = bus_y[name]
        dash = "" if created and enabled else ' stroke-dasharray="8 6"'
        out.append(f'<line x1="{LABEL_WIDTH - 10}" y1="{y}" x2="{width - MARGIN}" y2="{y}" stroke="#fff" '
                   'stroke-width="9"/>')
        out.append(f'<line class="bus" x1="{LABEL_WIDTH - 10}" y1="{y}" x2="{width - MARGIN}" y2="{y}" '
                   f'stroke="{colour[name]}" stroke-width="3"{dash}/>')
        state = "" if enabled else " (disabled)" if name != CTLPLANE else ""
        if enabled and not created and name != CTLPLANE:
            state = " (not created)"
        out.append(f'<text x="{MARGIN}" y="{y - 5}" class="bus-name" fill="{colour[name]}">'
                   f'{_e(_short(label, 24))}{_e(state)}</text>')
        out.append(f'<text x="{MARGIN}" y="{y + 14}" class="bus-facts">{_e(_short(facts, 34))}</text>')
    for index, role in enumerate(roles):
        x0 = LABEL_WIDTH + index * (ROLE_WIDTH + ROLE_GAP)
        x = x0 + ROLE_WIDTH // 2
        running = sum(1 for s in role.services if data.services[s].enabled)
        out.append(f'<g class="role"><rect x="{x0}" y="{TOP}" width="{ROLE_WIDTH}" height="{ROLE_HEIGHT}" rx="6" '
                   'fill="#f4f6f8" stroke="#444" stroke-width="1.5"/>')
        out.append(f'<text x="{x}" y="{TOP + 24}" text-anchor="middle" class="role-name">'
                   f'{_e(_short(role.name, 18))}</text>')
        out.append(f'<text x="{x}" y="{TOP + 42}" text-anchor="middle" class="role-facts">'
                   f'{_e(_nodes(role.count))} · {running} services</text>')
        tags = ", ".join(role.tags)
        out.append(f'<text x="{x}" y="{TOP + 57}" text-anchor="middle" class="role-tags">'
                   f'{_e(_short(tags, 24))}</text></g>')
        for name in [CTLPLANE] + [lower_of.get(n, n) for n, _ in role.networks]:
            if name in bus_y:
                out.append(f'<circle cx="{x}" cy="{bus_y[name]}" r="6" fill="{colour[name]}" stroke="#fff" '
                           'stroke-width="2"/>')
    for name, vips in sorted(vips_on.items()):
        if name not in bus_y:
            continue
        y = bus_y[name]
        for column, vip in enumerate(vips):
            x = vip_x0 + column * VIP_WIDTH + 10
            fill = colour[name] if vip.isolated else "#fff"
            out.append(f'<path class="vip" d="M{x} {y - 8} L{x + 8} {y} L{x} {y + 8} L{x - 8} {y} Z" '
                       f'fill="{fill}" stroke="{colour[name]}" stroke-width="2"/>')
            note = "" if vip.isolated else " (ctlplane address)"
            out.append(f'<text x="{x + 13}" y="{y - 6}" class="vip-name">{_e(_short(vip.resource, 24))}</text>')
            if note:
                out.append(f'<text x="{x + 13}" y="{y + 16}" class="bus-facts">{_e(note.strip())}</text>')
    out.append(f'<text x="{MARGIN}" y="{legend_y + 14}" class="legend">● a role on a network   ◆ a virtual IP '
               '(hollow: the control plane address stands in)   dashed: a network not created (no isolation '
               'environment) or disabled</text>')
    out.append("</svg>")
    return "\n".join(out)
