"""The shipped library, proven by Heat: lint --heat on the default tree, and a real create,
scale-up and delete of 3 controllers + 2 computes with network isolation and the no-op
environment, on a Heat with no other OpenStack service.

The library is being rewritten; where its templates still make Heat reject the stack,
the test is an expected failure that names the reason (and passes again by itself once
the library is fixed: strict=False).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tht_gen.heat.availability import quiet_dependencies

ENVIRONMENTS = ["environments/network-isolation.yaml", "environments/noop-deployment.yaml"]
LIBRARY_ROOT_YAQL = pytest.mark.xfail(
    reason="overcloud.j2.yaml: AllNodesServiceData and AllNodesConfig evaluate yaql over get_attr "
           "in resource properties of the root stack, which Heat resolves (as None) before create "
           "and rejects; owned by the library's authors", strict=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import tht_gen

    out = tmp_path_factory.mktemp("library")
    result = tht_gen.render(None, output_dir=out)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    (out / "counts.yaml").write_text("parameter_defaults:\n  ControllerCount: 3\n  ComputeCount: 2\n")
    return out


@LIBRARY_ROOT_YAQL
@pytest.mark.usefixtures("needs_heat", "needs_sdk")
def test_library_passes_lint_heat(rendered: Path) -> None:
    from tht_gen.heat import validate_tree

    result = validate_tree(rendered, [rendered / e for e in [*ENVIRONMENTS, "counts.yaml"]])
    assert [d.format_text() for d in result.diagnostics] == []
    assert result.stacks_checked > 20


@LIBRARY_ROOT_YAQL
def test_library_deploys_scales_and_deletes(rendered: Path, cloud: str, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tht_gen.heat import validate_tree

    envs = [rendered / e for e in [*ENVIRONMENTS, "counts.yaml"]]
    # Parameters with no default (passwords) get values, as an operator's environment would.
    missing = validate_tree(rendered, envs).placeholders
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(json.dumps({"parameter_defaults": {k: f"test-{k.lower()}" for k in missing}}))
    args = ["deploy", "--cloud", cloud, "--stack", "overcloud", "-p", rendered, "-q"]
    for env in [*envs, secrets]:
        args += ["-e", env]

    code, out, err = run_cli(*args)
    assert (code, err) == (0, ""), err
    assert "overcloud CREATE_COMPLETE" in out
    dest = tmp_path / "config"
    code, out, err = run_cli("outputs", "--cloud", cloud, "--stack", "overcloud", "-o", dest)
    assert code == 0, err
    index = json.loads((dest / "index.json").read_text())
    assert {"Controller", "Compute"} <= set(index["roles"])
    for role in ("Controller", "Compute"):
        names = (dest / role / "service_names.yaml").read_text()
        assert "ntp" in names or "timezone" in names

    code, out, err = run_cli(*args, "-P", "ComputeCount=3")
    assert (code, err) == (0, ""), err
    assert "overcloud UPDATE_COMPLETE" in out

    with quiet_dependencies():
        from tht_gen.deploy import connect

        proxy = connect(cloud).proxy
        stack = proxy.find_stack("overcloud")
        proxy.delete_stack(stack)
        proxy.wait_for_delete(stack, interval=2, wait=600)
        assert proxy.find_stack("overcloud") is None
