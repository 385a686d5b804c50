"""Properties of the engine over generated templates: no crash, every finding inside the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tht_gen.hot.versions import all_versions
from tht_gen.lint import LintConfig, lint

names = st.sampled_from(["get_param", "get_attr", "get_resource", "list_join", "str_replace",
                         "map_merge", "if", "equals", "repeat", "yaql", "Fn::Join", "condition",
                         "type", "A", "B", "value", "properties", "for_each", "template"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), names, st.text(max_size=5))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=3)), max_leaves=12)
templates = st.fixed_dictionaries(
    {"heat_template_version": st.sampled_from([v.date for v in all_versions()] + ["wallaby", 1])},
    optional={"parameters": st.dictionaries(names, values, max_size=3),
              "resources": st.dictionaries(names, values, max_size=3),
              "outputs": st.dictionaries(names, values, max_size=3),
              "conditions": st.dictionaries(names, values, max_size=3),
              "parameter_groups": values})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates)
def test_any_template_shape_is_linted_without_crashing(template: dict[str, object]) -> None:
    text = yaml.safe_dump(template, sort_keys=False)
    lines = text.count("\n") + 1
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "t.yaml").write_text(text)
        report = lint([folder], jobs=1, config=LintConfig())
    assert not report.usage_error
    for d in report.diagnostics:
        assert "internal error" not in d.message, d.message
        assert d.location.file == "t.yaml"
        assert d.location.line is not None and 1 <= d.location.line <= lines
        assert d.location.column is not None and d.location.column >= 1
