"""tht-gen deploy / outputs against a real Heat API and engine on 127.0.0.1 (no mocks).

One small tree (three template levels, a resource group) goes through create,
a scale-up update, the config download, a preview and delete; a stack that
fails and an unreachable endpoint show their errors.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tht_gen.heat.availability import quiet_dependencies

from .trees import clean_tree


def stack_proxy(cloud: str):  # type: ignore[no-untyped-def]
    from tht_gen.deploy import connect

    return connect(cloud).proxy


def test_create_scale_download_and_delete(cloud: str, tmp_tree, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_tree(clean_tree())
    env = root / "env.yaml"
    code, out, err = run_cli("deploy", "--cloud", cloud, "--stack", "small", "-p", root, "-e", env)
    assert (code, err) == (0, "")
    assert "small CREATE_COMPLETE in" in out
    assert "Stack CREATE completed successfully" in out  # events were followed
    assert 'output ComputeHosts: ["lab-01-compute-0", "lab-01-compute-1"]' in out

    code, out, err = run_cli("deploy", "--cloud", cloud, "--stack", "small", "-p", root, "-e", env,
                             "-P", "ComputeCount=3", "--dry-run")
    assert (code, err) == (0, "")
    assert "updated: 1" in out and "nothing was created or changed" in out
    with quiet_dependencies():
        assert stack_proxy(cloud).find_stack("small").status == "CREATE_COMPLETE"

    code, out, err = run_cli("deploy", "--cloud", cloud, "--stack", "small", "-p", root, "-e", env,
                             "-P", "ComputeCount=3", "-q")
    assert (code, err) == (0, "")
    assert "small UPDATE_COMPLETE" in out
    assert '"lab-01-compute-2"' in out

    dest = tmp_path / "config"
    code, out, err = run_cli("outputs", "--cloud", cloud, "--stack", "small", "-o", dest)
    assert (code, err) == (0, "")
    assert "1 roles (Compute)" in out
    config = (dest / "Compute" / "config_settings.yaml").read_text()
    assert "ntp::pool: pool.ntp.org" in config
    assert "ntp::servers:\n- 0.pool.example.org\n- 1.pool.example.org" in config
    assert (dest / "Compute" / "step_config.pp").read_text() == "include tripleo::profile::base::time::ntp\n"
    assert json.loads((dest / "outputs" / "ComputeHosts.json").read_text())[2] == "lab-01-compute-2"
    assert json.loads((dest / "index.json").read_text())["roles"] == ["Compute"]

    with quiet_dependencies():  # openstacksdk warns about its own deprecations
        proxy = stack_proxy(cloud)
        stack = proxy.find_stack("small")
        proxy.delete_stack(stack)
        proxy.wait_for_delete(stack, interval=1, wait=120)
        assert proxy.find_stack("small") is None


FAILING = """\
heat_template_version: wallaby
resources:
  Fine:
    type: OS::Heat::None
  Doomed:
    type: OS::Heat::TestResource
    depends_on: Fine
    properties:
      fail: true
"""


def test_failed_stack_names_the_failing_resource(cloud: str, tmp_tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_tree({"overcloud.yaml": FAILING})
    code, out, err = run_cli("deploy", "--cloud", cloud, "--stack", "doomed", "-p", root, "-q")
    assert code == 1
    assert "doomed CREATE_FAILED" in out
    assert "stack doomed failed" in err
    assert "doomed/Doomed (OS::Heat::TestResource) CREATE_FAILED" in err
    assert "Test Resource failed" in err


def test_rejected_template_is_reported(cloud: str, tmp_tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_tree({"overcloud.yaml": FAILING.replace("fail: true", "fial: true")})
    code, _out, err = run_cli("deploy", "--cloud", cloud, "--stack", "rejected", "-p", root)
    assert code == 1
    assert "Heat rejected the request to create stack 'rejected'" in err
    assert "Unknown Property fial" in err


def test_unreachable_endpoint(needs_sdk, tmp_path: Path, monkeypatch, run_cli, tmp_tree) -> None:  # type: ignore[no-untyped-def]
    from tht_gen.heat.server import clouds_yaml, free_port

    config = tmp_path / "clouds.yaml"
    port = free_port()  # nothing listens there
    config.write_text(clouds_yaml("gone", f"http://127.0.0.1:{port}/v1/admin"))
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(config))
    started = time.monotonic()
    code, _out, err = run_cli("deploy", "--cloud", "gone", "--stack", "x", "-p", tmp_tree(clean_tree()))
    assert code == 2
    assert f"cannot reach the orchestration (Heat) endpoint of cloud 'gone' at http://127.0.0.1:{port}" in err
    assert "Connection refused" in err
    assert time.monotonic() - started < 60


def test_unknown_cloud(needs_sdk, tmp_path: Path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "none.yaml"))
    code, _out, err = run_cli("outputs", "--cloud", "nowhere", "--stack", "x")
    assert code == 2
    assert "cloud 'nowhere'" in err


@pytest.mark.usefixtures("needs_sdk")
def test_bad_input_is_reported_before_any_request(tmp_tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_tree(clean_tree())
    code, _out, err = run_cli("deploy", "--cloud", "anything", "--stack", "x", "-p", root, "-e", root / "nope.yaml")
    assert code == 2
    assert "nope.yaml" in err and "environment file not found" in err
