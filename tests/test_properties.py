"""Properties of the renderer and the YAML loader, on generated inputs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tht_gen import render
from tht_gen.yamlio import check_syntax, load_document

from .conftest import tree_files

TEMPLATES = {
    "puppet/role.role.j2.yaml": (
        "heat_template_version: rocky\n"
        "description: {{role.name}} with {{ role.networks|default([])|length }} networks\n"
        "resources:\n"
        "{%- for n in networks if n.enabled|default(true) and n.name in role.networks|default([]) %}\n"
        "  {{n.name}}Port:\n    type: OS::TripleO::{{role.name}}::Ports::{{n.name}}Port\n"
        "{%- endfor %}\n  Server:\n    type: OS::Heat::None\n"
    ),
    "network/config/single/role.role.j2.yaml": "description: nic config for {{role.name}}\n",
    "network/network.network.j2.yaml": "description: {{network.name}} {{network.idx}}\n",
    "network/ports/port.network.j2.yaml": "description: port on {{network.name_lower}}\n",
    "overcloud.j2.yaml": (
        "parameters:\n{%- for role in roles %}\n  {{role.name}}Count:\n    type: number\n"
        "    default: {{role.CountDefault|default(1)}}\n{%- endfor %}\n"
    ),
    "environments/static.yaml": "parameter_defaults: {}\n",
}

_name = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
                min_size=1, max_size=12).filter(lambda s: s[0].isalpha())


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    network_names = draw(st.lists(_name, max_size=5, unique_by=str.lower))
    networks: list[dict[str, object]] = []
    for name in network_names:
        net: dict[str, object] = {"name": name}
        if draw(st.booleans()):
            net["name_lower"] = name.lower() + "_net"
        if draw(st.integers(0, 3)) == 0:
            net["enabled"] = False
        networks.append(net)
    role_names = draw(st.lists(_name, min_size=1, max_size=6, unique_by=str.lower))
    roles: list[dict[str, object]] = []
    for name in role_names:
        role: dict[str, object] = {
            "name": name, "tags": ["x"],
            "networks": draw(st.lists(st.sampled_from(network_names), unique=True))
            if network_names else [],
            "CountDefault": draw(st.integers(0, 5)),
        }
        if draw(st.integers(0, 4)) == 0:
            role["deprecated_nic_config_name"] = f"legacy-{name.lower()}.yaml"
        roles.append(role)
    # legacy NIC config names must not collide with each other or with role names
    legacy = [str(r.get("deprecated_nic_config_name", f"{str(r['name']).lower()}.yaml")) for r in roles]
    if len(set(legacy)) != len(legacy):
        for r in roles:
            r.pop("deprecated_nic_config_name", None)
    return roles, networks


def expected_outputs(roles: list[dict[str, object]], networks: list[dict[str, object]]) -> set[str]:
    """The plan, worked out here from the naming rules, independently of tht_gen.render.plan."""
    out = {"overcloud.yaml", "environments/static.yaml", "roles_data.yaml", "network_data.yaml"}
    for role in roles:
        lower = str(role["name"]).lower()
        out.add(f"puppet/{lower}-role.yaml")
        out.add("network/config/single/" + str(role.get("deprecated_nic_config_name", f"{lower}.yaml")))
    for net in networks:
        if net.get("enabled", True) is False:
            continue
        lower = str(net.get("name_lower") or str(net["name"]).lower())
        out.add(f"network/{lower}.yaml")
        out.add(f"network/ports/{lower}.yaml")
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trees())
def test_rendered_file_set_equals_the_plan_parses_and_is_deterministic(tree) -> None:
    roles, networks = tree
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        for relative, text in TEMPLATES.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        (root / "roles_data.yaml").write_text(yaml.safe_dump(roles))
        (root / "network_data.yaml").write_text(yaml.safe_dump(networks))
        first = render(root, None, None, Path(tmp) / "a", jobs=1)
        assert first.ok, [d.format_text() for d in first.diagnostics]
        files = tree_files(Path(tmp) / "a")
        assert set(files) == expected_outputs(roles, networks)
        for data in files.values():
            yaml.safe_load(data)  # every output parses
        second = render(root, None, None, Path(tmp) / "b", jobs=2, use_cache=False)
        assert second.ok
        assert tree_files(Path(tmp) / "b") == files
        shutil.rmtree(root)


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029"),
            max_size=20),
)
_keys = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8)
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(_keys, children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_documents, st.booleans())
def test_loader_agrees_with_safe_load_and_locates_every_path(data, flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert check_syntax(text) is None
    doc = load_document(text)
    assert doc.data == yaml.safe_load(text)
    assert doc.duplicates == []
    lines = text.splitlines()

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                mark = doc.locate((*path, key))
                assert 1 <= mark.line <= max(len(lines), 1)
                if not flow:
                    # in block style the key is written where the mark points
                    line = lines[mark.line - 1][mark.column - 1:]
                    assert line.startswith(key) or line.startswith(("'", '"'))
                walk(child, (*path, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*path, index))

    walk(data, ())


_yamlish = st.text(st.sampled_from("ab:-[]{},'\"#&*!|> \n\t0123"), max_size=40)


# Heat loads templates with libyaml's safe loader when it is there, as we do; where
# libyaml and PyYAML's pure-Python scanner disagree ("{0:}" only the latter accepts),
# the check follows libyaml.
_HEATS_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@settings(max_examples=400, deadline=None)
@given(_yamlish)
@example("{0:}")
def test_check_syntax_never_rejects_what_safe_load_accepts(text: str) -> None:
    try:
        yaml.load(text, Loader=_HEATS_LOADER)
    except yaml.YAMLError:
        return
    except (ValueError, TypeError):
        return
    assert check_syntax(text) is None, text
