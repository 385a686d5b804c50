"""``tht-gen import-tosca``: TOSCA translated by heat-translator (for real) and wrapped as a service of ours.

The wrapped template is checked with the library's own contract checks
(tests/services/contract.py), linted alone and inside the rendered library,
and (slow, with Heat) validated by Heat's engine as part of the overcloud.
TOSCA that tosca-parser or heat-translator rejects must come back as
findings with the file and line, never a traceback.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tht_gen import lint, render
from tht_gen.tosca import import_tosca
from tht_gen.yamlio import load_document

from ..conftest import ROOT, RunCli
from ..services import contract

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "metrics-store.yaml"

if importlib.util.find_spec("translator") is None:  # a regular dependency: its absence is a broken install
    pytest.fail("heat-translator is not installed (pip install -e .): import-tosca cannot be tested",
                pytrace=False)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("tosca")
    result = import_tosca(FIXTURE, "MetricsStore", output_dir=out, packages=["metrics-store"],
                          units=["metrics-store"])
    assert result.exit_code == 0, [d.format_text() for d in result.diagnostics]
    return out, result


def _template(out: Path) -> dict[str, Any]:
    data = yaml.safe_load((out / "services/metrics-store/metrics-store.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_writes_the_service_template_and_its_environment(imported: tuple[Path, Any]) -> None:
    out, result = imported
    assert sorted(result.written) == ["environments/services/metrics-store.yaml",
                                      "services/metrics-store/metrics-store.yaml"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(result.written)
    env = yaml.safe_load((out / "environments/services/metrics-store.yaml").read_text(encoding="utf-8"))
    assert env == {"resource_registry": {
        "OS::TripleO::Services::MetricsStore": "../../services/metrics-store/metrics-store.yaml"}}
    from tht_gen.interface.metadata import read_metadata

    metadata = read_metadata((out / "environments/services/metrics-store.yaml").read_text(encoding="utf-8"))
    assert metadata.title and metadata.description and metadata.purpose == "services"
    assert "MetricsStoreArchiveName" in metadata.description  # no default: the operator must give it


def test_inputs_become_prefixed_parameters_and_secrets_are_hidden(imported: tuple[Path, Any]) -> None:
    template = _template(imported[0])
    parameters = template["parameters"]
    assert list(parameters)[:6] == list(contract.STANDARD_PARAMETERS)
    assert parameters["MetricsStoreVolumeSize"] == {"type": "number", "default": 20,
                                                    "description": "Size of the volume holding the measures."}
    assert parameters["MetricsStoreCollectorCidr"]["default"] == "192.168.50.0/24"
    assert "default" not in parameters["MetricsStoreArchiveName"]
    token = parameters["MetricsStoreApiToken"]
    assert token["hidden"] is True and "default" not in token
    warnings = [d for d in imported[1].diagnostics if d.rule_id == "X008"]
    assert len(warnings) == 1 and warnings[0].location.line == 20  # the api_token input
    # Every get_param of a TOSCA input now reads the prefixed parameter.
    used = {p for _, v in contract.walk(template) if (c := contract.function_call(v)) and c[0] == "get_param"
            for p in ([c[1]] if isinstance(c[1], str) else c[1][:1])}
    assert used <= set(parameters)
    assert {"MetricsStoreVolumeSize", "MetricsStoreCollectorCidr", "MetricsStoreArchiveName"} <= used


def test_the_translated_resources_are_heat_translators(imported: tuple[Path, Any]) -> None:
    template = _template(imported[0])
    types = {name: r["type"] for name, r in template["resources"].items()}
    assert types == {"measures_volume": "OS::Cinder::Volume", "collector_net": "OS::Neutron::Net",
                     "collector_net_subnet": "OS::Neutron::Subnet", "archive": "OS::Swift::Container"}
    assert template["heat_template_version"] == "wallaby"


def test_role_data_is_built_from_the_outputs(imported: tuple[Path, Any]) -> None:
    template = _template(imported[0])
    role_data = template["outputs"]["role_data"]["value"]
    assert role_data["service_name"] == "metrics_store"
    assert role_data["config_settings"] == {
        "metrics_store::volume_id": {"get_resource": "measures_volume"},
        "metrics_store::collector_network": "collectors",
    }
    assert role_data["step_config"] == "include ::tripleo::profile::base::metrics_store"
    steps = {t["name"]: (t["when"] if isinstance(t["when"], str) else t["when"][0]) for t in role_data["upgrade_tasks"]}
    assert steps["Stop metrics-store"] == "step|int == 1"
    assert steps["Update the metrics_store packages"] == "step|int == 3"
    assert steps["Check that metrics-store is running before the upgrade"] == "step|int == 0"
    assert [t["name"] for t in role_data["update_tasks"]][-1] == "Restart metrics-store after its packages changed"
    # The TOSCA outputs stay outputs of the template.
    assert set(template["outputs"]) == {"role_data", "volume_id", "collector_network"}


class _Imported(contract.Template):
    @property
    def rel(self) -> str:
        return self.path.name


def test_the_library_contract_checks_pass(imported: tuple[Path, Any]) -> None:
    path = imported[0] / "services/metrics-store/metrics-store.yaml"
    template = _Imported(path, load_document(path.read_text(encoding="utf-8")))
    contract.check_parameters(template)
    contract.check_functions(template)
    contract.check_role_data(template, registered=True)
    contract.check_config_settings(template, registered=True)
    contract.check_tasks(template, registered=True)
    # (check_resources is the library's own rule that its services create no real resources; an imported
    # service exists to create them.)
    assert template.problems == []


def test_the_checks_would_see_a_broken_import(imported: tuple[Path, Any]) -> None:
    """The contract checks above can fail: an ungated task and an undeclared parameter are caught."""
    path = imported[0] / "services/metrics-store/metrics-store.yaml"
    document = load_document(path.read_text(encoding="utf-8"))
    tasks = document.data["outputs"]["role_data"]["value"]["upgrade_tasks"]
    tasks[0] = {k: v for k, v in tasks[0].items() if k != "when"}
    document.data["resources"]["measures_volume"]["properties"]["size"] = {"get_param": "volume_size"}
    broken = _Imported(path, dataclasses.replace(document))
    contract.check_functions(broken)
    contract.check_tasks(broken, registered=True)
    assert any("undeclared parameter volume_size" in p for p in broken.problems)
    assert any("not gated on a step" in p for p in broken.problems)


def test_the_output_lints_clean(imported: tuple[Path, Any]) -> None:
    report = lint([imported[0]], jobs=1, cache=False)
    assert [d.format_text() for d in report.diagnostics] == []
    assert len(report.checked) == 2


@pytest.fixture(scope="module")
def library_with_service(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The library rendered with roles whose Controller runs the imported service, and the service in it."""
    base = tmp_path_factory.mktemp("library")
    roles = yaml.safe_load((ROOT / "roles_data.yaml").read_text(encoding="utf-8"))
    controller = next(r for r in roles if r["name"] == "Controller")
    controller["ServicesDefault"] = [*controller["ServicesDefault"], "OS::TripleO::Services::MetricsStore"]
    roles_path = base / "roles_data.yaml"
    roles_path.write_text(yaml.safe_dump(roles, sort_keys=False), encoding="utf-8")
    tree = base / "tree"
    assert render(None, roles_path, None, tree, jobs=1).ok
    result = import_tosca(FIXTURE, "MetricsStore", output_dir=tree)
    assert result.exit_code == 0
    return tree, roles_path


def test_the_service_lints_clean_inside_the_library(library_with_service: tuple[Path, Path]) -> None:
    tree, _ = library_with_service
    report = lint([tree], jobs=1, cache=False)
    assert [d.format_text() for d in report.diagnostics] == []


@pytest.mark.slow
def test_heat_accepts_the_overcloud_with_the_service(library_with_service: tuple[Path, Path]) -> None:
    from ..heat.conftest import require

    require("heat.engine", "OpenStack Heat (openstack-heat)")
    from tht_gen.heat import validate_tree

    tree, _ = library_with_service
    result = validate_tree(tree, ["environments/noop-deployment.yaml", "environments/services/metrics-store.yaml"])
    assert [d.format_text() for d in result.diagnostics] == []
    # Heat reached the service's own stack: it needed values for the inputs without a default.
    assert {"MetricsStoreArchiveName", "MetricsStoreApiToken"} <= set(result.placeholders)
    # Without the environment registering it, the Controller's service type is unknown to Heat.
    unregistered = validate_tree(tree, ["environments/noop-deployment.yaml"])
    assert any("MetricsStore" in d.message for d in unregistered.diagnostics)


# -- what heat-translator rejects ----------------------------------------------------------------

REJECTED = {
    "unknown-type.yaml": ("tosca_definitions_version: tosca_simple_yaml_1_0\n"
                          "topology_template:\n  node_templates:\n    vol:\n      type: tosca.nodes.BlockStorag\n",
                          "unknown-type.yaml:5:13: error X003 InvalidTypeError: Type \"tosca.nodes.BlockStorag\" "
                          "is not a valid type."),
    "unknown-field.yaml": ("tosca_definitions_version: tosca_simple_yaml_1_0\ntopology_template:\n"
                           "  node_templates:\n    vol:\n      type: tosca.nodes.BlockStorage\n"
                           "      properties:\n        size: 1 GB\n        colour: blue\n",
                           "unknown-field.yaml:8:9: error X003 UnknownFieldError: \"properties\" of template "
                           "\"vol\" contains unknown field \"colour\"."),
    "unknown-input.yaml": ("tosca_definitions_version: tosca_simple_yaml_1_0\ntopology_template:\n"
                           "  node_templates:\n    vol:\n      type: tosca.nodes.BlockStorage\n"
                           "      properties:\n        size: {get_input: sizes}\n",
                           "unknown-input.yaml:7:27: error X003 UnknownInputError: Unknown input \"sizes\"."),
    "untranslatable.yaml": ("tosca_definitions_version: tosca_simple_yaml_1_0\ntopology_template:\n"
                            "  node_templates:\n    balancer:\n      type: tosca.nodes.LoadBalancer\n",
                            "untranslatable.yaml:5:13: error X003 heat-translator cannot translate it: Type "
                            "\"tosca.nodes.LoadBalancer\" is valid TOSCA type but translation support is not "
                            "yet available."),
    "not-tosca.yaml": ("heat_template_version: wallaby\nresources: {}\n",
                       "not-tosca.yaml:1:1: error X002 not a TOSCA service template"),
    "syntax.yaml": ("tosca_definitions_version: tosca_simple_yaml_1_0\ntopology_template: [\n",
                    "syntax.yaml:3:1: error X001 not valid YAML"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_tosca_is_reported_at_its_line(name: str, tmp_path: Path, run_cli: RunCli,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    text, expected = REJECTED[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("import-tosca", name, "--service", "Thing", "-o", "out")
    assert code == (2 if name == "syntax.yaml" else 1)
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert "Traceback" not in out + err
    assert not (tmp_path / "out").exists()


def test_cli_refuses_to_overwrite_and_dry_run_writes_nothing(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "tree"
    code, stdout, _ = run_cli("import-tosca", FIXTURE, "--service", "MetricsStore", "-o", out, "--dry-run")
    assert code == 0 and "would write services/metrics-store/metrics-store.yaml" in stdout and not out.exists()
    assert run_cli("import-tosca", FIXTURE, "--service", "MetricsStore", "-o", out, "-q")[0] == 0
    before = (out / "services/metrics-store/metrics-store.yaml").read_text()
    code, _, err = run_cli("import-tosca", FIXTURE, "--service", "MetricsStore", "-o", out,
                           "--puppet-class", "profile::metrics")
    assert code == 2 and "X006 exists: not overwritten" in err
    assert (out / "services/metrics-store/metrics-store.yaml").read_text() == before
    code, _, _ = run_cli("import-tosca", FIXTURE, "--service", "MetricsStore", "-o", out,
                         "--puppet-class", "profile::metrics", "--force", "-q")
    assert code == 0 and "include ::profile::metrics" in (out / "services/metrics-store/metrics-store.yaml").read_text()
    code, stdout, _ = run_cli("import-tosca", FIXTURE, "--service", "MetricsStore", "-o", out, "--dry-run",
                              "--format", "json")
    data = json.loads(stdout)
    assert data["written"] == [] and data["files"] == ["environments/services/metrics-store.yaml",
                                                       "services/metrics-store/metrics-store.yaml"]
    assert [d["rule"] for d in data["diagnostics"]] == ["X008"]


def test_cli_rejects_a_service_name_that_cannot_name_a_service(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("import-tosca", FIXTURE, "--service", "metrics_store", "-o", tmp_path)
    assert code == 2 and "CamelCase" in err
    assert os.listdir(tmp_path) == []
