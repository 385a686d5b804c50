"""Whatever TOSCA-shaped YAML it is given, import-tosca answers with findings or files, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tht_gen.tosca import import_tosca

_NAMES = st.sampled_from(["vol", "net", "store", "size", "cidr", "a-b", "x.y", "1", ""])
_TYPES = st.sampled_from(["tosca.nodes.BlockStorage", "tosca.nodes.network.Network", "tosca.nodes.ObjectStorage",
                          "tosca.nodes.Compute", "tosca.nodes.LoadBalancer", "tosca.nodes.Nope", "", "string",
                          "integer", "scalar-unit.size"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6), _NAMES, _TYPES,
                     st.sampled_from(["10 GB", "1 GiB", "192.0.2.0/24", "{get_input: size}"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(_NAMES, st.sampled_from(
        ["type", "properties", "get_input", "get_attribute", "value", "default", "description",
         "requirements", "size", "cidr", "network_name", "name"])), inner, max_size=3)), max_leaves=10)
_NODE = st.fixed_dictionaries({"type": _TYPES}, optional={"properties": st.dictionaries(_NAMES, _VALUES, max_size=3)})
_DOCUMENT = st.fixed_dictionaries(
    {"tosca_definitions_version": st.sampled_from(["tosca_simple_yaml_1_0", "tosca_simple_yaml_1_3", "nope"])},
    optional={
        "description": _SCALARS,
        "topology_template": st.fixed_dictionaries({}, optional={
            "inputs": st.dictionaries(_NAMES, st.one_of(_VALUES, st.fixed_dictionaries({"type": _TYPES}, optional={
                "default": _SCALARS})), max_size=3),
            "node_templates": st.one_of(st.dictionaries(_NAMES, _NODE, max_size=3), _VALUES),
            "outputs": st.dictionaries(_NAMES, st.fixed_dictionaries({"value": _VALUES}), max_size=2),
        }),
    })


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_DOCUMENT)
# heat-translator writes YAML that does not parse for an empty key: reported on the input
@example(document={"tosca_definitions_version": "tosca_simple_yaml_1_0", "topology_template": {
    "node_templates": {"vol": {"type": "tosca.nodes.network.Network", "properties": {"cidr": {"": None}}}}}})
def test_any_tosca_shaped_document_gets_an_answer(document: Any, tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = import_tosca(source, "Thing", output_dir=out, force=True, write=False)
    if result.ok:
        assert "services/thing/thing.yaml" in result.files
    else:
        assert result.diagnostics
        assert all((d.location.line or 0) >= 1 for d in result.diagnostics)
    assert not out.exists()
