"""``tht-gen report``: what the page says, checked against the tree read independently (YAML, not the
report's own code), and that it is one self-contained, escaped, deterministic file."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen import render
from tht_gen.heat.availability import heat_available
from tht_gen.report import build_report

from ..conftest import ROOT, RunCli
from .pageparse import Element, matrix, parse

ISOLATION = ("environments/network-isolation.yaml", "environments/net-bond-with-vlans.yaml")


@cache
def library_report(environments: tuple[str, ...] = ()) -> Any:
    return build_report(environments=environments, jobs=1)


@cache
def rendered_library() -> dict[str, Any]:
    result = render(None, dry_run=True, keep_contents=True, jobs=1)
    assert result.ok and result.contents is not None
    return {name: data for name, data in result.contents.items()}


def _registry() -> dict[str, str]:
    data = yaml.safe_load(rendered_library()["overcloud-resource-registry-puppet.yaml"])
    return data["resource_registry"]


def test_the_matrix_is_the_roles_services_as_the_registry_maps_them() -> None:
    document, problems = parse(library_report().html)
    assert problems == []
    roles, states = matrix(document)
    roles_data = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    assert roles == [r["name"] for r in roles_data]
    registry = _registry()
    listed = {t for r in roles_data for t in r["ServicesDefault"]}
    assert set(states) == {t.removeprefix("OS::TripleO::Services::") for t in listed}
    for role in roles_data:
        for type_name in listed:
            name = type_name.removeprefix("OS::TripleO::Services::")
            expected = ""
            if type_name in role["ServicesDefault"]:
                expected = "on" if str(registry.get(type_name, "")).endswith(".yaml") else "off"
            assert states[name][role["name"]] == expected, (name, role["name"])
    assert any(s == "on" for row in states.values() for s in row.values())
    assert any(s == "off" for row in states.values() for s in row.values())


def test_an_environment_that_enables_a_service_turns_its_cells_on(tmp_path: Path) -> None:
    # environments/services/etcd.yaml maps Etcd to its template; the Controller lists Etcd.
    before = matrix(parse(library_report().html)[0])[1]
    after = matrix(parse(build_report(environments=["environments/services/etcd.yaml"], lint=False,
                                      upgrade="static").html)[0])[1]
    assert before["Etcd"]["Controller"] == "off" and after["Etcd"]["Controller"] == "on"
    changed = {(s, r) for s in before for r in before[s] if before[s][r] != after[s][r]}
    assert changed == {("Etcd", "Controller")}


def test_each_role_shows_its_networks_and_nic_layouts() -> None:
    report = library_report(ISOLATION)
    document = parse(report.html)[0]
    networks = {n["name"]: n for n in yaml.safe_load((ROOT / "network_data.yaml").read_text(encoding="utf-8"))}
    roles_data = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    cards = {c.find("h3").all_text(): c for c in document.find_all("div", class_="role-card")}
    assert list(cards) == [r["name"] for r in roles_data]
    for role in roles_data:
        card = cards[role["name"]]
        rows = card.find("table").find("tbody").find_all("tr")
        shown = [row.find("td").all_text().split()[0] for row in rows]
        assert shown == ["ControlPlane", *role["networks"]]
        # The layout the environments chose is the one marked in effect, and it is open.
        effect = [d for d in card.find_all("details") if "in effect" in d.find("summary").all_text()]
        assert len(effect) == 1 and "open" in effect[0].attrs
        assert f"network/config/bond-with-vlans/{role['name'].lower()}.yaml" in effect[0].all_text()
        # bond-with-vlans: each of the role's networks on a VLAN with network_data's id.
        text = effect[0].all_text()
        for name in role["networks"]:
            assert f"VLAN {networks[name]['vlan']} — {name}" in text
        assert "ovs_bond bond1" in text and "interface nic2" in text and "interface nic3" in text


def test_the_diagram_draws_every_role_network_and_virtual_ip() -> None:
    report = library_report(ISOLATION)
    svg = parse(report.html)[0].find("svg")
    texts = [t.all_text() for t in svg.find_all("text")]
    roles_data = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    networks = yaml.safe_load((ROOT / "network_data.yaml").read_text(encoding="utf-8"))
    for role in roles_data:
        assert role["name"] in texts
    for network in networks:
        assert any(t.startswith(network["name"]) for t in texts)
    overcloud = yaml.safe_load(rendered_library()["overcloud.yaml"])
    vips = [name for name, r in overcloud["resources"].items() if str(r.get("type", "")).endswith("VipPort")]
    assert len(vips) >= 3
    for vip in vips:
        assert vip in texts
    # One dot per role per network it is on (the control plane included).
    assert len(svg.find_all("circle")) == sum(1 + len(r["networks"]) for r in roles_data)
    # With isolation, every VIP is on its own network: no hollow marker.
    assert all(p.attrs["fill"] != "#fff" for p in svg.find_all("path", class_="vip"))
    plain = parse(library_report().html)[0].find("svg")
    assert any(p.attrs["fill"] == "#fff" for p in plain.find_all("path", class_="vip"))


def test_the_service_network_map_is_the_map_templates_defaults() -> None:
    document = parse(library_report().html)[0]
    table = document.find("section", id="netmap").find("table")
    shown = {}
    for row in table.find("tbody").find_all("tr"):
        cells = row.find_all("td")
        shown[cells[1].all_text().strip()] = cells[0].find("code").all_text()
    template = yaml.safe_load(rendered_library()["network/service_net_map.yaml"])
    assert shown == template["parameters"]["ServiceNetMapDefaults"]["default"]


def test_upgrade_steps_show_each_services_tasks_at_their_step() -> None:
    report = build_report(lint=False, upgrade="static")
    assert report.data.upgrade_source == "static"
    assert "the task lists are read from the service templates" in report.html
    controller = next(u for u in report.data.upgrades if u.role == "Controller")
    memcached = yaml.safe_load((ROOT / "services/memcached/memcached.yaml").read_text(encoding="utf-8"))
    tasks = memcached["outputs"]["role_data"]["value"]["upgrade_tasks"]
    expected: dict[int, list[str]] = {}
    for task in tasks:
        when = task["when"] if isinstance(task["when"], str) else task["when"][0]
        expected.setdefault(int(re.search(r"== (\d)", when).group(1)), []).append(task["name"])
    row = next(s for s in controller.lists["upgrade_tasks"] if s.service == "Memcached")
    assert row.steps == expected
    # ... and in the page, under the role.
    section = parse(report.html)[0].find("details", id=next(
        d.attrs["id"] for d in parse(report.html)[0].find_all("details") if d.attrs.get("id", "").startswith(
            "upgrade-controller-")))
    assert all(name in section.all_text() for names in expected.values() for name in names)


def test_a_base_templates_tasks_are_followed_and_kept_once_per_role() -> None:
    """Services running in httpd nest the Apache base: its tasks are part of their lists, and the
    role's chain (list_concat_unique) keeps the first copy only."""
    chain = yaml.safe_load((ROOT / "puppet/service-chain.yaml").read_text(encoding="utf-8"))
    assert "list_concat_unique" in chain["outputs"]["role_data"]["value"]["upgrade_tasks"]
    report = build_report(lint=False, upgrade="static")
    controller = next(u for u in report.data.upgrades if u.role == "Controller")
    apache = yaml.safe_load((ROOT / "services/apache/apache.yaml").read_text(encoding="utf-8"))
    apache_names = {t["name"] for t in apache["outputs"]["role_data"]["value"]["upgrade_tasks"]}
    holders = [s.service for s in controller.lists["upgrade_tasks"]
               if apache_names & {n for names in s.steps.values() for n in names}]
    roles_data = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    order = [t.removeprefix("OS::TripleO::Services::") for t in roles_data[0]["ServicesDefault"]]
    first_wsgi = next(name for name in order if name in {"AodhApi", "Apache", "CinderApi", "GnocchiApi", "HeatApi",
                                                         "Keystone", "NovaApi"})
    assert holders == [first_wsgi]
    first = next(s for s in controller.lists["upgrade_tasks"] if s.service == first_wsgi)
    assert apache_names <= {n for names in first.steps.values() for n in names}


@pytest.mark.skipif(heat_available(), reason="Heat is installed: the report resolves the tasks with it")
def test_without_heat_the_page_says_where_the_steps_come_from() -> None:
    report = build_report(lint=False, upgrade="auto")
    assert report.data.upgrade_source == "static"
    assert "OpenStack Heat is not installed" in report.html


def test_the_page_is_self_contained_and_fetches_nothing() -> None:
    html = library_report().html
    document, problems = parse(html)
    assert problems == []
    for element in _walk(document):
        for name, value in element.attrs.items():
            assert name not in ("src", "srcset", "action", "data", "poster"), (element.tag, name)
            if name in ("href", "xlink:href"):
                assert value.startswith("#"), value
    assert not re.search(r"https?://|//[a-z]|url\(|@import", "".join(
        s.all_text() for s in document.find_all("style")))
    assert "<link" not in html and "<iframe" not in html
    csp = document.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    assert "default-src 'none'" in csp


def _walk(element: Element) -> list[Element]:
    out = [element]
    for child in element.children:
        out.extend(_walk(child))
    return out


def test_the_same_input_gives_the_same_bytes(tmp_path: Path, run_cli: RunCli) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert run_cli("report", "-o", first, "-j", "1")[0] == 0
    assert run_cli("report", "-o", second, "-j", "1", "-q")[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8") == library_report().html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]


def hostile_roles(tmp_path: Path) -> Path:
    """The library's roles, plus a role whose name and description are markup, running a service bound
    to a network it is not on, and an unregistered service."""
    roles = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    compute = next(r for r in roles if r["name"] == "Compute")
    compute = {k: v for k, v in compute.items() if k != "deprecated_nic_config_name"}
    roles.append(dict(compute, name='Evil<img src=x onerror=alert(1)>&"q"',
                      description="<script>alert(1)</script> & <i>more</i>",
                      networks={"Tenant": {"subnet": "tenant_subnet"}},
                      ServicesDefault=[*compute["ServicesDefault"], "OS::TripleO::Services::NoSuchThing"],
                      HostnameFormatDefault="%stackname%-evil-%index%"))
    path = tmp_path / "roles_data.yaml"
    path.write_text(yaml.safe_dump(roles, sort_keys=False), encoding="utf-8")
    return path


def test_names_are_escaped_and_problems_shown(tmp_path: Path) -> None:
    report = build_report(roles_data=hostile_roles(tmp_path), upgrade="static", jobs=1)
    html = report.html
    document, problems = parse(html)
    assert problems == []
    assert len(document.find_all("script")) == 1, "only the page's own script"
    assert not document.find_all("img") and not document.find_all("i")
    assert "Evil&lt;img src=x onerror=alert(1)&gt;&amp;&quot;q&quot;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;i&gt;more&lt;/i&gt;" in html
    roles, states = matrix(document)
    assert roles[-1] == 'Evil<img src=x onerror=alert(1)>&"q"'
    assert states["NoSuchThing"][roles[-1]] == "missing"
    evil = next(r for r in report.data.roles if r.name == roles[-1])
    # NovaCompute binds to NovaLibvirtNetwork (internal_api), which this role is not on.
    assert ("OS::TripleO::Services::NovaLibvirt", "NovaLibvirtNetwork", "internal_api") in evil.unbound
    # lint's findings about the rendered tree (the name is no resource type name: H502) are listed,
    # escaped like everything else (no <img> above).
    assert any(d.rule_id == "H502" and roles[-1] in d.message for d in report.data.lint or [])
    lint_rows = document.find("section", id="lint").find("tbody").find_all("tr")
    assert any("H502" in r.all_text() and roles[-1] in r.all_text() for r in lint_rows)


def test_cli_errors_are_diagnostics_not_tracebacks(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("report", "-e", "no-such-environment.yaml", "-o", tmp_path / "r.html")
    assert code == 2 and "H700" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
    bad = tmp_path / "bad_roles.yaml"
    bad.write_text("- name: [unclosed\n", encoding="utf-8")
    code, _, err = run_cli("report", "-r", bad, "-o", tmp_path / "r.html")
    assert code in (1, 2) and "bad_roles.yaml" in err and "Traceback" not in err
    code, _, err = run_cli("report")
    assert code == 2 and "-o" in err


@pytest.mark.slow
def test_heat_resolves_the_same_upgrade_steps_as_the_templates_say() -> None:
    """With Heat, the steps come from Heat's engine; on the library (no condition in its upgrade
    tasks) they must equal the templates' own, service by service."""
    from ..heat.conftest import require

    require("heat.engine", "OpenStack Heat (openstack-heat)")
    heat = build_report(lint=False, upgrade="heat")
    static = build_report(lint=False, upgrade="static")
    assert heat.data.upgrade_source == "heat" and "placeholder" in (heat.data.upgrade_note or "")
    assert "resolved by OpenStack Heat's engine" in heat.html
    for resolved, written in zip(heat.data.upgrades, static.data.upgrades, strict=True):
        assert {s.service: s.steps for s in resolved.lists["upgrade_tasks"]} == \
            {s.service: s.steps for s in written.lists["upgrade_tasks"]}, resolved.role


@pytest.mark.skipif(heat_available(), reason="Heat is installed")
def test_asking_for_heat_without_it_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("report", "--upgrade-tasks", "heat", "-o", tmp_path / "r.html", "--no-lint")
    assert code == 2 and "OpenStack Heat is not installed" in err and "tht-gen[heat]" in err
    assert not (tmp_path / "r.html").exists()
