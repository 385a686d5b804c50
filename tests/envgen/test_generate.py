"""``tht-gen env generate``: sample environments from their descriptions, on small trees and on the library.

The small trees have one service template with parameters of every kind and
a description file; each test changes one thing and checks what the
generator writes, or which finding (with its line and column) it reports.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen.envgen import GENERATOR_DIR, generate_environments
from tht_gen.envgen.generate import MARKER_PREFIX
from tht_gen.interface.metadata import read_metadata
from tht_gen.interface.values import check_value

from ..conftest import ROOT, RunCli, TreeFactory

TEMPLATE = """\
heat_template_version: wallaby
description: A small service.
parameters:
  ServiceNetMap: {type: json, default: {}, description: The service to network map.}
  WidgetWorkers:
    type: number
    default: 0
    description: Worker processes; 0 lets puppet size it from the CPU count.
    constraints:
      - range: {min: 0, max: 64}
  WidgetMode:
    type: string
    default: fast
    description: How widgets are made.
    constraints:
      - allowed_values: [fast, careful]
  WidgetServers:
    type: comma_delimited_list
    default: []
    description: Servers widgets are sent to.
  WidgetOptions:
    type: json
    default: {}
    description: Extra options.
  WidgetBanner:
    type: string
    description: Text shown at login.
  WidgetPassword:
    type: string
    hidden: true
    description: Password of the widget user.
resources:
  Base:
    type: ./widget-base.yaml
outputs:
  role_data:
    value: {service_name: widget}
"""

BASE = """\
heat_template_version: wallaby
description: What widgets share.
parameters:
  WidgetDebug:
    type: boolean
    default: false
    description: Debug logging of the widget service.
"""

DESCRIPTION = """\
environments:
  - file: environments/services/widget.yaml
    title: Widgets
    purpose: services
    description: |
      Run the widget service.
      Two paragraphs are fine.
    resource_registry:
      OS::TripleO::Services::Widget: services/widget/widget.yaml
    parameters:
      WidgetWorkers: 2
      WidgetMode:
        value: careful
        note: Careful widgets survive a power cut.
      WidgetServers: [a.example.com, 'b.example.com:8080']
      WidgetOptions:
        value: {depth: 3, names: [x, y]}
      WidgetDebug: true
    required: [WidgetPassword]
"""


def widget_tree(tmp_tree: TreeFactory, description: str = DESCRIPTION, **extra: str) -> Path:
    files = {
        "services/widget/widget.yaml": TEMPLATE,
        "services/widget/widget-base.yaml": BASE,
        f"{GENERATOR_DIR}/widgets.yaml": description,
    }
    files.update(extra)
    return tmp_tree(files)


def generated(root: Path) -> tuple[str, dict[str, Any]]:
    text = (root / "environments/services/widget.yaml").read_text(encoding="utf-8")
    return text, yaml.safe_load(text)


def test_writes_the_environment_with_documented_parameters(tmp_tree: TreeFactory) -> None:
    root = widget_tree(tmp_tree)
    result = generate_environments(root)
    assert result.exit_code == 0, [d.format_text() for d in result.diagnostics]
    assert [(f.file, f.status) for f in result.files] == [("environments/services/widget.yaml", "written")]
    text, data = generated(root)
    assert data == {
        "resource_registry": {"OS::TripleO::Services::Widget": "../../services/widget/widget.yaml"},
        "parameter_defaults": {"WidgetWorkers": 2, "WidgetMode": "careful",
                               "WidgetServers": ["a.example.com", "b.example.com:8080"],
                               "WidgetOptions": {"depth": 3, "names": ["x", "y"]}, "WidgetDebug": True},
    }
    # The registry target is relative to the environment file, as Heat clients resolve it.
    target = posixpath.normpath(posixpath.join("environments/services", data["resource_registry"][
        "OS::TripleO::Services::Widget"]))
    assert (root / target).is_file()
    metadata = read_metadata(text)
    assert metadata.title == "Widgets"
    assert metadata.description == "Run the widget service.\nTwo paragraphs are fine."
    assert metadata.purpose == "services"
    assert f"{MARKER_PREFIX}{GENERATOR_DIR}/widgets.yaml:" in text
    # Each parameter is documented from its template: description, type, default, constraints, file.
    assert "  # How widgets are made.\n  # type: string; template default: \"fast\"; one of: \"fast\", " \
           "\"careful\"; services/widget/widget.yaml\n  # Careful widgets survive a power cut.\n" \
           "  WidgetMode: careful\n" in text
    # ... found in a nested template when the service's own does not declare it.
    assert "  # type: boolean; template default: false; services/widget/widget-base.yaml\n  WidgetDebug: true" in text
    # Secrets are documented for the operator to set, never written.
    assert "#   WidgetPassword (string, hidden)\n#       Password of the widget user.\n" in text
    assert "WidgetPassword:" not in text


def test_a_second_run_changes_nothing_and_check_passes(tmp_tree: TreeFactory) -> None:
    root = widget_tree(tmp_tree)
    generate_environments(root)
    output = root / "environments/services/widget.yaml"
    os.utime(output, (1_000_000, 1_000_000))
    again = generate_environments(root)
    assert [f.status for f in again.files] == ["unchanged"]
    assert output.stat().st_mtime == 1_000_000
    assert generate_environments(root, check=True).exit_code == 0


def test_check_reports_a_hand_edited_or_missing_file_and_writes_nothing(tmp_tree: TreeFactory) -> None:
    root = widget_tree(tmp_tree)
    missing = generate_environments(root, check=True)
    assert missing.exit_code == 1 and [f.status for f in missing.files] == ["stale"]
    assert not (root / "environments/services").exists()
    generate_environments(root)
    output = root / "environments/services/widget.yaml"
    output.write_text(output.read_text().replace("WidgetWorkers: 2", "WidgetWorkers: 3"))
    edited = generate_environments(root, check=True)
    assert edited.exit_code == 1 and [f.file for f in edited.stale] == ["environments/services/widget.yaml"]
    assert "WidgetWorkers: 3" in output.read_text()


def test_a_file_no_description_produces_any_more_is_removed(tmp_tree: TreeFactory) -> None:
    root = widget_tree(tmp_tree, **{"environments/hand-written.yaml": "parameter_defaults: {WidgetWorkers: 1}\n"})
    generate_environments(root)
    description = root / GENERATOR_DIR / "widgets.yaml"
    description.write_text(DESCRIPTION.replace("environments/services/widget.yaml", "environments/widget.yaml"))
    check = generate_environments(root, check=True)
    assert sorted((f.file, f.status) for f in check.files) == [
        ("environments/services/widget.yaml", "orphan"), ("environments/widget.yaml", "stale")]
    result = generate_environments(root)
    assert sorted((f.file, f.status) for f in result.files) == [
        ("environments/services/widget.yaml", "removed"), ("environments/widget.yaml", "written")]
    assert not (root / "environments/services/widget.yaml").exists()
    # A file without the marker is not the generator's: never touched.
    assert (root / "environments/hand-written.yaml").read_text() == "parameter_defaults: {WidgetWorkers: 1}\n"


def test_template_default_takes_the_templates_value(tmp_tree: TreeFactory) -> None:
    root = widget_tree(tmp_tree, DESCRIPTION.replace("WidgetWorkers: 2", "WidgetWorkers: {template_default: true}"))
    assert generate_environments(root).exit_code == 0
    assert generated(root)[1]["parameter_defaults"]["WidgetWorkers"] == 0


def _findings(root: Path) -> list[str]:
    result = generate_environments(root)
    assert result.exit_code == 1
    assert not (root / "environments/services/widget.yaml").exists(), "nothing is written with an error"
    return [d.format_text() for d in result.diagnostics]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("WidgetWorkers: 2", "WidgetWorkrs: 2",
     "environments/generator/widgets.yaml:11:7: error G006 no template of the tree declares WidgetWorkrs "
     "(Heat would ignore it)\n    hint: did you mean WidgetWorkers?"),
    ("WidgetWorkers: 2", "WidgetWorkers: 100",
     "environments/generator/widgets.yaml:11:7: error G007 WidgetWorkers (services/widget/widget.yaml): "),
    ("        value: careful", "        value: sloppy",
     "environments/generator/widgets.yaml:13:9: error G007 WidgetMode (services/widget/widget.yaml): "),
    ("      WidgetDebug: true", "      WidgetPassword: secret",
     "environments/generator/widgets.yaml:18:7: error G008 WidgetPassword is hidden (a secret)"),
    ("      WidgetDebug: true", "      WidgetBanner: {template_default: true}",
     "environments/generator/widgets.yaml:18:7: error G009 WidgetBanner has no default"),
    ("services/widget/widget.yaml\n", "services/widget/widgit.yaml\n",
     "environments/generator/widgets.yaml:9:7: error G005 OS::TripleO::Services::Widget: no template "
     "services/widget/widgit.yaml in the tree (paths are relative to its root)\n    hint: did you mean "
     "services/widget/widget.yaml?"),
    ("    purpose: services", "    purpos: services",
     "environments/generator/widgets.yaml:4:5: error G002 unknown key 'purpos'\n    hint: did you mean 'purpose'?"),
    ("    purpose: services", "    purpose: everything",
     "environments/generator/widgets.yaml:4:14: error G003 unknown purpose 'everything'"),
    ("file: environments/services/widget.yaml", "file: ../widget.yaml",
     "environments/generator/widgets.yaml:2:11: error G004 '../widget.yaml' leaves the tree"),
    ("file: environments/services/widget.yaml", "file: environments/widget.j2.yaml",
     "environments/generator/widgets.yaml:2:11: error G004 'environments/widget.j2.yaml' is not a plain .yaml"),
    ("    required: [WidgetPassword]", "    required: [WidgetPasswd]",
     "environments/generator/widgets.yaml:19:16: error G006 no template of the tree declares WidgetPasswd"),
    ("    title: Widgets\n", "",
     "environments/generator/widgets.yaml:2:5: error G003 missing 'title'"),
    ("    required: [WidgetPassword]", "    templates: [services/nothing/*.yaml]",
     "environments/generator/widgets.yaml:19:17: error G010 no template of the tree matches "
     "'services/nothing/*.yaml'"),
    ("        value: careful", "        value: careful\n        value: fast",
     "environments/generator/widgets.yaml:14:9: error G001 duplicate key 'value'"),
    ("    resource_registry:", "    resource_registry: [\n",
     "environments/generator/widgets.yaml:"),
])
def test_each_mistake_is_reported_at_its_line(tmp_tree: TreeFactory, old: str, new: str, expected: str) -> None:
    assert old in DESCRIPTION
    findings = _findings(widget_tree(tmp_tree, DESCRIPTION.replace(old, new, 1)))
    assert any(f.startswith(expected) for f in findings), findings


def test_one_file_described_twice_is_an_error(tmp_tree: TreeFactory) -> None:
    root = widget_tree(tmp_tree, **{f"{GENERATOR_DIR}/again.yaml": DESCRIPTION})
    findings = _findings(root)
    assert "environments/generator/widgets.yaml:2:11: error G004 environments/services/widget.yaml is " \
           "described twice (also in environments/generator/again.yaml)" in findings


def test_a_tree_without_descriptions_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "environments").mkdir()
    result = generate_environments(tmp_path)
    assert result.exit_code == 2
    code, _, err = run_cli("env", "generate", "-p", tmp_path)
    assert code == 2 and "no description files (environments/generator/*.yaml)" in err


def test_cli_check_lists_stale_files_and_json_says_the_same(tmp_tree: TreeFactory, run_cli: RunCli) -> None:
    root = widget_tree(tmp_tree)
    code, out, err = run_cli("env", "generate", "-p", root, "--check")
    assert code == 1 and err == ""
    assert "stale: environments/services/widget.yaml (from environments/generator/widgets.yaml)" in out
    code, out, _ = run_cli("env", "generate", "-p", root, "--check", "--format", "json")
    assert code == 1
    assert json.loads(out)["files"] == [{"file": "environments/services/widget.yaml",
                                         "description": "environments/generator/widgets.yaml", "status": "stale"}]
    code, out, _ = run_cli("env", "generate", "-p", root)
    assert code == 0 and "written: environments/services/widget.yaml" in out
    assert run_cli("env", "generate", "-p", root, "--check")[0] == 0


def test_cli_reports_findings_with_their_location_and_no_traceback(tmp_tree: TreeFactory, run_cli: RunCli) -> None:
    root = widget_tree(tmp_tree, "environments: [\n")
    code, out, err = run_cli("env", "generate", "-p", root)
    assert code == 1
    assert err.startswith("environments/generator/widgets.yaml:2:1: error G001 not valid YAML")
    assert "Traceback" not in err + out


# -- the shipped library ------------------------------------------------------------------------


def test_the_librarys_generated_environments_are_up_to_date(run_cli: RunCli) -> None:
    """The CI check: edit environments/generator/*.yaml, then run `tht-gen env generate`."""
    code, out, err = run_cli("env", "generate", "--check")
    assert (code, err) == (0, ""), out
    result = generate_environments(check=True)
    assert result.exit_code == 0
    assert len(result.files) >= 8
    for item in result.files:
        text = (ROOT / item.file).read_text(encoding="utf-8")
        assert f"{MARKER_PREFIX}{item.source}:" in text


def _library_specs() -> list[dict[str, Any]]:
    specs = []
    for path in sorted((ROOT / GENERATOR_DIR).glob("*.yaml")):
        specs.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["environments"])
    return specs


@pytest.mark.parametrize("spec", _library_specs(), ids=lambda s: s["file"])
def test_each_library_environment_sets_what_its_description_says(spec: dict[str, Any]) -> None:
    path = ROOT / spec["file"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = {}
    for name, entry in (spec.get("parameters") or {}).items():
        expected[name] = entry["value"] if isinstance(entry, dict) and "value" in entry else entry
    if any(isinstance(e, dict) and e.get("template_default") for e in (spec.get("parameters") or {}).values()):
        pytest.skip("template defaults are checked on the small tree")
    assert (data.get("parameter_defaults") or {}) == expected
    registry = data.get("resource_registry") or {}
    assert list(registry) == list(spec.get("resource_registry") or {})
    for key, target in registry.items():
        if target.endswith(".yaml"):
            assert posixpath.normpath(posixpath.join(posixpath.dirname(spec["file"]), target)) == \
                spec["resource_registry"][key]
    metadata = read_metadata(path.read_text(encoding="utf-8"))
    assert (metadata.title, metadata.purpose) == (spec["title"], spec.get("purpose"))


def test_library_values_suit_their_parameters() -> None:
    """Independent of the generator's own check: every value against its declaration, as Heat checks it."""
    from tht_gen.envgen import build_catalog

    catalog = build_catalog()
    for spec in _library_specs():
        data = yaml.safe_load((ROOT / spec["file"]).read_text(encoding="utf-8"))
        for name, value in (data.get("parameter_defaults") or {}).items():
            declarations = catalog.declarations(name)
            assert declarations, f"{spec['file']}: {name}"
            assert check_value(value, declarations[0].definition) is None, f"{spec['file']}: {name}"
