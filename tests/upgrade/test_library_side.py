"""The library's side: environments/upgrade/ and puppet/upgrade-steps.j2.yaml deliver, through
Heat, the same per-step playbooks as ``tht-gen upgrade playbooks`` writes, with the batch sizes
and the operator-driven roles of the roles data; and Heat accepts the whole overcloud with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tht_gen.upgrade.playbooks import PlaybookSet, build_playbooks
from tht_gen.upgrade.resolve import Resolution, resolve_roles
from tht_gen.upgrade.steps import KINDS, runs_at, steps_of

pytestmark = pytest.mark.usefixtures("needs_heat")

SETTINGS = {"Controller": {"upgrade_batch_size": 2},
            "Compute": {"upgrade_batch_size": 5, "update_serial": 10, "disable_upgrade_deployment": True},
            "BlockStorage": {"upgrade_batch_size": 3}}

WRAPPER = """\
heat_template_version: wallaby
description: The overcloud's upgrade hook alone, given the roles' data (a test's).
parameters:
  RoleData: {type: json, description: d}
  Phase: {type: string, default: before_deployment, description: d}
resources:
  UpgradeSteps:
    type: OS::TripleO::UpgradeSteps
    properties:
      RoleData: {get_param: RoleData}
      Servers: {}
      Phase: {get_param: Phase}
"""


class Library:
    def __init__(self, root: Path, resolution: Resolution, playbooks: dict[str, PlaybookSet]) -> None:
        self.root = root
        self.resolution = resolution
        self.playbooks = playbooks

    def role_data(self) -> dict[str, Any]:
        return {r.name: {k: r.tasks[k] for k in KINDS.values()} for r in self.resolution.roles}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    import tht_gen
    from tests.heat.conftest import require

    require("heat.engine", "OpenStack Heat (openstack-heat)")
    base = tmp_path_factory.mktemp("upgrade-library")
    roles = yaml.safe_load((ROOT / "roles_data.yaml").read_text())
    for role in roles:
        role.update(SETTINGS.get(role["name"], {}))
    roles_file = base / "roles_data.yaml"
    roles_file.write_text(yaml.safe_dump(roles, sort_keys=False))
    out = base / "rendered"
    rendered = tht_gen.render(None, roles_file, output_dir=out, jobs=1)  # no fork: Heat is imported
    assert rendered.ok, [d.format_text() for d in rendered.diagnostics]
    resolution = resolve_roles(None, roles_data=roles_file)
    assert resolution.ok, [d.format_text() for d in resolution.diagnostics]
    playbooks = {kind: build_playbooks(resolution, kind) for kind in KINDS}
    (out / "upgrade-wrapper.yaml").write_text(WRAPPER)
    return Library(out, resolution, playbooks)


def _upgrade_stack(library: Library, environment: str, phase: str) -> tuple[Any, Any]:
    """Heat's stack for the wrapper with ``environment``, and the UpgradeSteps nested stack."""
    from tht_gen.heat.stackinput import build_stack_input
    from tht_gen.heat.validate import _HeatSession
    from tht_gen.upgrade.resolve import _Evaluator

    params = library.root / f"params-{phase}.json"
    params.write_text(json.dumps({"parameter_defaults": {"RoleData": library.role_data(), "Phase": phase}}))
    stack_input = build_stack_input(library.root, [library.root / environment, params],
                                    template="upgrade-wrapper.yaml")
    evaluator = _Evaluator(_HeatSession.get(), stack_input, {}, Resolution(library.root))
    stack = evaluator.root_stack()
    assert stack is not None, evaluator.result.diagnostics
    return evaluator, evaluator.child(stack, stack.resources["UpgradeSteps"])


@pytest.mark.parametrize(("environment", "phase", "kind"), [
    ("environments/upgrade/major-upgrade.yaml", "before_deployment", "upgrade"),
    ("environments/upgrade/major-upgrade.yaml", "after_deployment", "post_upgrade"),
    ("environments/upgrade/minor-update.yaml", "before_deployment", "update"),
])
def test_heat_delivers_the_playbooks_the_cli_writes(library: Library, environment: str, phase: str,
                                                      kind: str) -> None:
    from tht_gen.heat.availability import quiet_dependencies

    key = KINDS[kind]
    files = library.playbooks[kind].files
    with quiet_dependencies():
        _, steps_stack = _upgrade_stack(library, environment, phase)
        names = steps_stack.defn.enabled_rsrc_names()
        for role in library.resolution.roles:
            previous = None
            for step in steps_of(key):
                config = steps_stack.resources[f"{role.name}UpgradeConfig_Step{step}"]
                assert config.properties["group"] == "ansible"
                [play] = yaml.safe_load(config.properties["config"])
                assert (play["hosts"], play["vars"]) == ("localhost", {"step": step})
                written = yaml.safe_load(files[f"{role.name}/{key}_step{step}.yaml"]) or []
                assert play["tasks"] == written, (role.name, step)
                deployment = f"{role.name}Upgrade_Step{step}"
                assert (deployment in names) == (not role.operator_driven)
                if deployment not in names:
                    continue
                group = steps_stack.resources[deployment]
                batch = role.serial(key)
                assert group.update_policy["batch_create"]["max_batch_size"] == batch
                assert group.update_policy["rolling_update"]["max_batch_size"] == batch
                assert group.properties["input_values"]["step"] == step
                if previous is not None:
                    assert _deployments_before(steps_stack, deployment) == [previous]
                previous = deployment


def test_roles_run_one_after_another(library: Library) -> None:
    from tht_gen.heat.availability import quiet_dependencies

    with quiet_dependencies():
        _, steps_stack = _upgrade_stack(library, "environments/upgrade/major-upgrade.yaml", "before_deployment")
    automatic = [r.name for r in library.resolution.roles if not r.operator_driven]
    firsts = {name: _deployments_before(steps_stack, f"{name}Upgrade_Step0") for name in automatic}
    assert firsts == {name: ([f"{automatic[i - 1]}Upgrade_Step5"] if i else []) for i, name in enumerate(automatic)}
    assert "Compute" not in automatic


def _deployments_before(stack: Any, name: str) -> list[str]:
    """The deployments ``name`` waits for (its configs are dependencies too; they run nothing)."""
    return sorted(d.name for d in stack.resources[name].t.dependencies(stack)
                  if "Upgrade_Step" in d.name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.none(), st.booleans(),
    st.sampled_from(["step|int == 1", "step | int == 3", "(step|int) == 0", "2 == step|int", "step == 1",
                     "step|int in [1, 2]", "x|bool", "nova_step_done|bool", "step|int > 1"]),
    st.lists(st.sampled_from(["step|int == 2", "step|int == 4", "x|bool", "step|int >= 1", "y is changed"]),
             max_size=3)), max_size=6))
def test_the_templates_step_filter_is_the_clis_on_the_same_tasks(library: Library, whens: list[Any]) -> None:
    """Heat's own yaql, from the rendered template, against tht_gen.upgrade.steps.runs_at."""
    from tht_gen.heat.availability import quiet_dependencies
    from tht_gen.heat.validate import _HeatSession

    tasks = [{"name": f"t{i}", **({} if when is None else {"when": when})} for i, when in enumerate(whens)]
    template = yaml.safe_load((library.root / "puppet/upgrade-steps.yaml").read_text())
    expression = template["resources"]["ControllerUpgradeConfig_Step2"]["properties"]["config"][
        "str_replace"]["params"]["_TASKS_"]["yaql"]["expression"]
    with quiet_dependencies():
        from heat.engine import function
        from heat.engine import stack as parser
        from heat.engine import template as templatem

        session = _HeatSession.get()
        for step in (0, 2, 4):
            tmpl = templatem.Template({"heat_template_version": "wallaby", "outputs": {"o": {"value": {
                "yaql": {"expression": expression, "data": {"tasks": tasks, "step": step}}}}}})
            stack = parser.Stack(session.context, "filter", tmpl)
            kept = function.resolve(stack.defn.output_definition("o")._value)
            assert [t["name"] for t in kept] == [t["name"] for t in tasks if runs_at(t, step)]


@pytest.mark.parametrize("environment", ["environments/upgrade/major-upgrade.yaml",
                                         "environments/upgrade/minor-update.yaml"])
def test_heat_accepts_the_overcloud_with_the_upgrade_environments(library: Library, environment: str) -> None:
    """Heat's validate and pre-create checks, strict in every nested stack, on the whole
    overcloud (with the no-op deployment environment, which needs no other service)."""
    from tht_gen.heat import validate_tree

    result = validate_tree(library.root, [library.root / "environments/noop-deployment.yaml",
                                          library.root / environment])
    assert [d.format_text() for d in result.diagnostics] == []
    base = validate_tree(library.root, [library.root / "environments/noop-deployment.yaml"])
    # the upgrade stacks were checked too: two more nested stacks than without them
    assert result.stacks_checked == base.stacks_checked + (2 if "major" in environment else 1)
