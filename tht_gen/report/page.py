"""The report as one self-contained HTML page: inline CSS, SVG and a little JavaScript, nothing fetched.

The tables are plain HTML and readable without JavaScript; the script only
adds a filter box over the role-by-service matrix and highlights a role's
column. A Content-Security-Policy forbids every network load, so a name
that slipped through escaping could still fetch nothing. Every piece of
data is escaped; element ids are derived from names by a fixed scheme, so
the same data gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..upgrade.steps import STEP_MEANINGS, TASK_KEYS
from .collect import CTLPLANE, DECIDED_BY_HEAT, EVERY_STEP, ReportData, RoleReport
from .diagram import diagram_svg
from .nic import NicDevice, NicLayout

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

STYLE = """
:root { --fg: #1c2733; --muted: #5d6b78; --line: #d5dbe1; --on: #1e7d3a; --off: #b0b8c0; --bad: #b03a2e;
        --warn: #9a6700; --bg-alt: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg);
       margin: 0; }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
main { padding: 0 28px 40px; }
nav a { margin-right: 14px; }
a { color: #1b5fa6; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 22px; margin: 6px 0; color: var(--muted); }
.facts b { color: var(--fg); }
.chip { display: inline-block; padding: 1px 8px; border-radius: 10px; background: var(--bg-alt);
        border: 1px solid var(--line); font-size: 12px; }
.chip.error { color: #fff; background: var(--bad); border-color: var(--bad); }
.chip.warning { color: #fff; background: var(--warn); border-color: var(--warn); }
.note { background: #fff8e1; border: 1px solid #f0d58a; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 7px; text-align: left; vertical-align: top; }
thead th { background: var(--bg-alt); }
.matrix thead th { position: sticky; top: 0; z-index: 1; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
.matrix td.cell { text-align: center; width: 46px; font-size: 15px; }
.matrix td.on { color: #fff; background: var(--on) !important; }
.matrix td.off { color: var(--off); }
.matrix td.missing { color: #fff; background: var(--bad) !important; }
.matrix th.role { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; cursor: pointer;
                  padding: 8px 4px; }
.matrix .picked { outline: 2px solid #1b5fa6; outline-offset: -2px; }
.matrix tfoot td { font-weight: 600; text-align: center; background: var(--bg-alt); }
.diagram { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.diagram text { font-family: system-ui, "DejaVu Sans", sans-serif; }
.diagram .role-name { font-size: 14px; font-weight: 600; fill: var(--fg); }
.diagram .role-facts, .diagram .role-tags, .diagram .bus-facts { font-size: 11px; fill: var(--muted); }
.diagram .bus-name { font-size: 13px; font-weight: 600; }
.diagram .vip-name { font-size: 12px; fill: var(--fg); }
.diagram .legend { font-size: 11px; fill: var(--muted); }
.roles { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
.role-card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.role-card h3 { margin-top: 2px; }
.role-card table { width: 100%; }
.role-card td.mono { overflow-wrap: anywhere; }
.role-card small { color: var(--muted); }
ul.nic { margin: 4px 0 8px; padding-left: 18px; }
ul.nic li { margin: 1px 0; }
.badge { font-size: 11px; padding: 0 6px; border-radius: 8px; background: #e3f2e8; color: var(--on);
         border: 1px solid #b7dcc3; }
.warning-text { color: var(--warn); }
.steps td { font-size: 12.5px; min-width: 120px; }
.steps td ol { margin: 0; padding-left: 16px; }
.steps th small { display: block; font-weight: normal; color: var(--muted); }
.steps td.unsure { background: #fff4e5 !important; }
details { margin: 6px 0; }
summary { cursor: pointer; }
.sev-error { color: var(--bad); font-weight: 600; }
.sev-warning { color: var(--warn); font-weight: 600; }
.sev-info { color: var(--muted); }
.filter { margin: 4px 0 8px; }
.filter input { padding: 4px 8px; width: 260px; }
footer { color: var(--muted); font-size: 12px; padding: 12px 28px; border-top: 1px solid var(--line); }
"""

SCRIPT = """
(function () {
  var table = document.getElementById('matrix-table');
  var box = document.getElementById('matrix-filter');
  if (!table || !box) { return; }
  document.getElementById('matrix-tools').hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var shown = document.getElementById('matrix-shown');
  function filter() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute('data-search');
      var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    shown.textContent = count + ' of ' + rows.length + ' services';
  }
  box.addEventListener('input', filter);
  filter();
  Array.prototype.forEach.call(table.querySelectorAll('th.role'), function (th) {
    th.addEventListener('click', function () {
      var column = th.getAttribute('data-column');
      var picked = th.classList.contains('picked');
      Array.prototype.forEach.call(table.querySelectorAll('.picked'), function (el) {
        el.classList.remove('picked');
      });
      if (!picked) {
        Array.prototype.forEach.call(table.querySelectorAll('[data-column="' + column + '"]'), function (el) {
          el.classList.add('picked');
        });
      }
    });
  });
}());
"""


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def anchor(kind: str, name: str) -> str:
    """An element id for a name: letters, digits and dashes only, plus a fixed suffix that keeps
    names differing only in other characters apart."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "x"
    checksum = sum((i + 1) * ord(c) for i, c in enumerate(name)) % 9973
    return f"{kind}-{slug}-{checksum}"


def render_page(data: ReportData, *, version: str, title: str = "tht-gen report") -> str:
    """The whole page: same data, same bytes."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        _header(data, title),
        "<main>",
        _diagram_section(data),
        _matrix_section(data),
        _roles_section(data),
        _net_map_section(data),
        _upgrade_section(data),
        _lint_section(data),
        "</main>",
        f"<footer>Generated by tht-gen {_e(version)} (<code>tht-gen report</code>) from {_e(data.tree)}. "
        "One self-contained page: nothing is fetched.</footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _lint_counts(data: ReportData) -> tuple[int, int, int]:
    findings = data.lint or []
    return tuple(sum(1 for d in findings if d.severity == s)  # type: ignore[return-value]
                 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))


def _header(data: ReportData, title: str) -> str:
    enabled = sum(1 for s in data.services.values() if s.enabled)
    nodes = sum(r.count for r in data.roles if isinstance(r.count, int) and not isinstance(r.count, bool))
    facts = [
        f"<span>tree <b>{_e(data.tree)}</b></span>",
        f"<span><b>{len(data.roles)}</b> roles, <b>{nodes}</b> nodes</span>",
        f"<span><b>{enabled}</b> services running of <b>{len(data.services)}</b> listed</span>",
        f"<span><b>{sum(1 for n in data.networks if n.enabled)}</b> networks</span>",
        f"<span><b>{len(data.vips)}</b> virtual IPs</span>",
    ]
    if data.lint is None:
        facts.append("<span>lint: not run</span>")
    else:
        errors, warnings, infos = _lint_counts(data)
        chips = []
        if errors:
            chips.append(f'<span class="chip error">{errors} errors</span>')
        if warnings:
            chips.append(f'<span class="chip warning">{warnings} warnings</span>')
        if infos:
            chips.append(f'<span class="chip">{infos} notes</span>')
        facts.append(f"<span>lint: {' '.join(chips) if chips else '<b>clean</b>'}</span>")
    environments = ", ".join(f"<code>{_e(e)}</code>" for e in data.environments) or "none (the tree's registry only)"
    return "\n".join([
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<div class="facts">{"".join(facts)}</div>',
        f'<div class="facts"><span>environments: {environments}</span></div>',
        '<nav><a href="#diagram">Diagram</a><a href="#matrix">Roles × services</a><a href="#roles">Roles, networks '
        'and NICs</a><a href="#netmap">Service networks</a><a href="#upgrades">Upgrade steps</a>'
        '<a href="#lint">Lint</a></nav>',
        "</header>",
    ])


def _diagram_section(data: ReportData) -> str:
    return "\n".join([
        '<section id="diagram">',
        "<h2>Roles, networks and virtual IPs</h2>",
        diagram_svg(data),
        "</section>",
    ])


def _matrix_section(data: ReportData) -> str:
    roles = data.roles
    head = ["<tr><th>Service</th><th>Template</th>"]
    for index, role in enumerate(roles):
        head.append(f'<th class="role" data-column="{index}" title="{_e(role.name)}: click to highlight">'
                    f"{_e(role.name)}</th>")
    head.append("</tr>")
    body = []
    listed = {role.name: set(role.services) for role in roles}
    for type_name, service in data.services.items():
        target = service.template or service.mapped_to or "not registered"
        search = f"{service.name} {service.service_name or ''} {target}".lower()
        row = [f'<tr data-search="{_e(search)}"><th scope="row" id="{anchor("svc", service.name)}">'
               f"{_e(service.name)}</th><td class=\"mono\">{_e(target)}</td>"]
        for index, role in enumerate(roles):
            if type_name not in listed[role.name]:
                row.append(f'<td class="cell" data-column="{index}"></td>')
            elif service.enabled:
                row.append(f'<td class="cell on" data-column="{index}" title="{_e(role.name)} runs '
                           f'{_e(service.name)}">●</td>')
            elif service.mapped_to:
                row.append(f'<td class="cell off" data-column="{index}" title="{_e(role.name)} lists '
                           f'{_e(service.name)}, mapped to {_e(service.mapped_to)}: not deployed">○</td>')
            else:
                row.append(f'<td class="cell missing" data-column="{index}" title="{_e(service.name)} is not '
                           'registered">!</td>')
        row.append("</tr>")
        body.append("".join(row))
    foot = ["<tr><td>running</td><td></td>"]
    for index, role in enumerate(roles):
        running = sum(1 for s in role.services if data.services[s].enabled)
        foot.append(f'<td data-column="{index}">{running}</td>')
    foot.append("</tr>")
    return "\n".join([
        '<section id="matrix">',
        "<h2>Roles × services</h2>",
        "<p>● the role runs the service &nbsp; ○ the role lists it, but the registry maps it to nothing "
        "(an environment switches it on) &nbsp; ! not registered.</p>",
        '<div id="matrix-tools" class="filter" hidden><input id="matrix-filter" type="search" '
        'placeholder="filter services (name, template)" aria-label="filter services"> '
        '<span id="matrix-shown"></span></div>',
        '<table class="matrix" id="matrix-table">',
        "<thead>" + "".join(head) + "</thead>",
        "<tbody>", *body, "</tbody>",
        "<tfoot>" + "".join(foot) + "</tfoot>",
        "</table>",
        "</section>",
    ])


def _device_items(devices: Iterable[NicDevice]) -> str:
    items = []
    for device in devices:
        networks = ", ".join(device.networks)
        text = f"<code>{_e(device.label())}</code>" + (f" — {_e(networks)}" if networks else "")
        inner = f'<ul class="nic">{_device_items(device.children)}</ul>' if device.children else ""
        items.append(f"<li>{text}{inner}</li>")
    return "".join(items)


def _layout(layout: NicLayout, in_effect: bool) -> str:
    badge = ' <span class="badge">in effect</span>' if in_effect else ""
    open_attr = " open" if in_effect else ""
    if layout.devices:
        body = f'<ul class="nic">{_device_items(layout.devices)}</ul>'
    else:
        body = "<p>No NIC configuration: the node keeps the configuration it booted with.</p>"
    return (f"<details{open_attr}><summary><b>{_e(layout.layout)}</b>{badge} <code>{_e(layout.template)}</code>"
            f"</summary>{body}</details>")


def _role_card(data: ReportData, role: RoleReport) -> str:
    network_rows = ['<tr><td>ControlPlane <small>ctlplane</small></td><td colspan="2">the provisioning network'
                    '</td></tr>']
    by_name = {n.name: n for n in data.networks}
    for name, subnet in role.networks:
        network = by_name.get(name)
        cidrs = "<br>".join(_e(c) for c in network.cidrs) if network else "not in the network data"
        vlan = network.vlan if network and network.vlan is not None else ""
        network_rows.append(f"<tr><td>{_e(name)} <small>{_e(subnet or '')}</small></td>"
                            f"<td class=\"mono\">{cidrs}</td><td>{_e(vlan)}</td></tr>")
    layouts = "".join(_layout(layout, layout.template == role.nic_in_effect) for layout in role.nic_layouts)
    if not role.nic_layouts:
        layouts = "<p>The registry maps no NIC configuration for this role.</p>"
    warnings = ""
    if role.unbound:
        items = "".join(f"<li><b>{_e(t.removeprefix('OS::TripleO::Services::'))}</b> binds to "
                        f"<code>{_e(network)}</code> ({_e(key)}), a network this role is not on: it gets the "
                        "control plane address instead</li>" for t, key, network in role.unbound)
        warnings = f'<p class="warning-text">Services bound to networks the role lacks:</p><ul>{items}</ul>'
    tags = ", ".join(role.tags) or "none"
    return "\n".join([
        f'<div class="role-card" id="{anchor("role", role.name)}">',
        f"<h3>{_e(role.name)}</h3>",
        f"<p>{_e(role.description)}</p>" if role.description else "",
        f'<div class="facts"><span>nodes <b>{_e(role.count)}</b></span><span>tags <b>{_e(tags)}</b></span>'
        f"<span>services <b>{len(role.services)}</b></span></div>",
        "<table><thead><tr><th>Network <small>subnet</small></th><th>Addresses</th><th>VLAN</th></tr></thead>"
        f"<tbody>{''.join(network_rows)}</tbody></table>",
        "<p><b>NIC layouts</b> (the one in effect first; an environment such as "
        "<code>net-bond-with-vlans.yaml</code> picks another):</p>",
        layouts,
        warnings,
        "</div>",
    ])


def _roles_section(data: ReportData) -> str:
    return "\n".join([
        '<section id="roles">',
        "<h2>Roles, networks and NIC layouts</h2>",
        '<div class="roles">',
        *(_role_card(data, role) for role in data.roles),
        "</div>",
        "</section>",
    ])


def _net_map_section(data: ReportData) -> str:
    names = {n.name_lower: n.name for n in data.networks}
    names[CTLPLANE] = "ControlPlane"
    rows = []
    for entry in sorted(data.net_map, key=lambda e: (e.network, e.key)):
        services = ", ".join(f'<a href="#{anchor("svc", s.removeprefix("OS::TripleO::Services::"))}">'
                             f'{_e(s.removeprefix("OS::TripleO::Services::"))}</a>' for s in entry.services
                             if s in data.services)
        marker = ' <span class="chip">set by an environment</span>' if entry.overridden else ""
        rows.append(f"<tr><td>{_e(names.get(entry.network, entry.network))} <code>{_e(entry.network)}</code></td>"
                    f"<td class=\"mono\">{_e(entry.key)}{marker}</td><td>{services}</td></tr>")
    return "\n".join([
        '<section id="netmap">',
        "<h2>Which network each service listens on</h2>",
        "<p>The service to network map (<code>ServiceNetMap</code>) as the deployment computes it, and the services "
        "whose templates read each key.</p>",
        "<table><thead><tr><th>Network</th><th>Key</th><th>Services</th></tr></thead>",
        "<tbody>", *rows, "</tbody></table>",
        "</section>",
    ])


def _steps_table(key: str, services: list[Any]) -> str:
    meanings = STEP_MEANINGS.get(key, {})
    columns: list[Any] = list(range(0, 6))
    extra = [c for c in (EVERY_STEP, DECIDED_BY_HEAT) if any(c in s.steps for s in services)]
    head = "".join(f"<th>{c}<small>{_e(meanings.get(c, ''))}</small></th>" for c in columns)
    head += "".join(f"<th>{_e(c)}</th>" for c in extra)
    rows = []
    for service in services:
        cells = []
        for column in [*columns, *extra]:
            names = service.steps.get(column, [])
            cls = ' class="unsure"' if column in (EVERY_STEP, DECIDED_BY_HEAT) and names else ""
            items = "".join(f"<li>{_e(n)}</li>" for n in names)
            cells.append(f"<td{cls}>{f'<ol>{items}</ol>' if items else ''}</td>")
        rows.append(f"<tr><th scope=\"row\">{_e(service.service)}</th>{''.join(cells)}</tr>")
    return (f'<table class="steps"><thead><tr><th>Service</th>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")


def _upgrade_section(data: ReportData) -> str:
    source = ("resolved by OpenStack Heat's engine for the environments given" if data.upgrade_source == "heat"
              else "read from the service templates")
    parts = ['<section id="upgrades">', "<h2>Upgrade steps per role</h2>",
             f"<p>Which service does what at which step: the task lists, {source}. Each list runs once per step "
             "(0 to 5) on every node of the role, one role at a time.</p>"]
    if data.upgrade_note:
        parts.append(f'<p class="note">{_e(data.upgrade_note)}</p>')
    labels = {"upgrade_tasks": "major upgrade (upgrade_tasks)", "update_tasks": "minor update (update_tasks)",
              "post_upgrade_tasks": "after the upgrade's deployment steps (post_upgrade_tasks)"}
    for report in data.upgrades:
        counts = ", ".join(
            f"{key.removesuffix('_tasks')} {sum(len(v) for s in report.lists.get(key, []) for v in s.steps.values())}"
            for key in TASK_KEYS)
        parts.append(f'<details id="{anchor("upgrade", report.role)}"><summary><b>{_e(report.role)}</b> — tasks: '
                     f"{_e(counts)}</summary>")
        for key in TASK_KEYS:
            services = report.lists.get(key, [])
            parts.append(f"<h3>{_e(labels[key])}</h3>")
            parts.append(_steps_table(key, services) if services else "<p>No tasks.</p>")
        parts.append("</details>")
    parts.append("</section>")
    return "\n".join(parts)


def _lint_section(data: ReportData) -> str:
    parts = ['<section id="lint">', "<h2>Lint findings</h2>"]
    if data.lint is None:
        parts.append("<p>Not run (<code>--no-lint</code>).</p>")
    elif not data.lint:
        parts.append(f"<p>No findings in {data.lint_files} files (<code>tht-gen lint</code>).</p>")
    else:
        parts.append(f"<p>{len(data.lint)} findings in {data.lint_files} files (<code>tht-gen lint</code>).</p>")
        parts.append(_diagnostics_table(data.lint))
    if data.diagnostics:
        parts.append("<h3>Found while reading the environments</h3>")
        parts.append(_diagnostics_table(data.diagnostics))
    parts.append("</section>")
    return "\n".join(parts)


def _diagnostics_table(diagnostics: list[Diagnostic]) -> str:
    rows = []
    for d in diagnostics:
        where = str(d.location)
        origin = f" (from {_e(d.origin)})" if d.origin else ""
        hint = f"<br><small>{_e(d.hint)}</small>" if d.hint else ""
        rows.append(f'<tr><td class="sev-{_e(d.severity)}">{_e(d.severity)}</td><td>{_e(d.rule_id)}</td>'
                    f'<td class="mono">{_e(where)}{origin}</td><td>{_e(d.message)}{hint}</td></tr>')
    return ("<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
