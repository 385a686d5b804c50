"""``tht-gen params`` and ``tht-gen env``: exit codes, formats, filters, nothing written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..conftest import RunCli, tree_files
from .conftest import FIXTURES

TREE = FIXTURES / "tree"


def test_params_filters(run_cli: RunCli) -> None:
    code, out, err = run_cli("params", "-p", TREE, "Ntp*", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert [p["name"] for p in data["parameters"]] == ["NtpIburst", "NtpServer"]
    assert all(r["parameters"] == [] for r in data["roles"])
    code, out, _ = run_cli("params", "-p", TREE, "--role", "Compute", "--scope", "top-level")
    assert code == 0
    assert "ComputeCount" in out and "ComputeExtraConfig" not in out and "NtpServer" not in out


def test_params_text_shows_the_tracing(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    code, out, err = run_cli("params", "-p", "tree", "-e", "environments/base.yaml", "-e",
                             "environments/override.yaml", "NtpServer")
    assert code == 0 and err == ""
    assert "set by environments/override.yaml:9 (parameter_defaults)" in out
    assert 'replaced environments/base.yaml:7: ["0.pool.ntp.org"]' in out


def test_explain_exit_codes(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    code, _, err = run_cli("env", "explain", "-p", "tree", "-e", "site/site.yaml")
    assert code == 0 and "warning H705" in err
    assert run_cli("env", "explain", "-p", "tree", "-e", "site/site.yaml", "--strict")[0] == 1
    code, _, err = run_cli("env", "explain", "-p", "tree", "-e", "site/bad.yaml")
    assert code == 1 and "site/bad.yaml:4:3: error H706" in err


def test_missing_and_broken_files(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli("env", "explain", "-p", TREE, "-e", tmp_path / "nope.yaml")
    assert (code, out) == (2, "")
    assert "H700 environment file not found" in err and "Traceback" not in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("parameter_defaults:\n  A: {\n")
    code, out, err = run_cli("env", "explain", "-p", TREE, "-e", broken)
    assert code == 1 and out == ""
    assert err.startswith(f"{os.fspath(broken)}:3:") and "S000" in err
    code, _, err = run_cli("params", "-p", tmp_path)
    assert code == 2 and "no root template overcloud.yaml" in err


def test_a_source_environment_name_means_its_rendering(run_cli: RunCli) -> None:
    code, out, _ = run_cli("env", "explain", "-e", "environments/network-isolation.j2.yaml", "--format", "json")
    assert code == 0
    assert [f["file"] for f in json.loads(out)["files"]][-1] == "environments/network-isolation.yaml"


def test_env_needs_an_action(run_cli: RunCli) -> None:
    code, out, err = run_cli("env")
    assert code == 2 and out == "" and "choose an action: explain, list" in err


def test_env_list_json(run_cli: RunCli) -> None:
    code, out, _ = run_cli("env", "list", "-p", TREE, "--format", "json")
    assert code == 0
    assert [g["heading"] for g in json.loads(out)["groups"]] == [
        "Services", "Updates, upgrades and scaling", "Other"]


def test_nothing_is_written(run_cli: RunCli, tmp_path: Path) -> None:
    """A source tree is rendered in memory: the commands leave it as it was."""
    import shutil

    from tht_gen.library import LIBRARY_ITEMS

    from ..conftest import ROOT

    tree = tmp_path / "src"
    tree.mkdir()
    for item in LIBRARY_ITEMS:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, tree / item)
        elif source.exists():
            shutil.copy2(source, tree / item)
    before = tree_files(tmp_path)
    assert run_cli("params", "-p", tree, "--format", "json")[0] == 0
    assert run_cli("env", "explain", "-p", tree, "-e", "environments/network-isolation.yaml")[0] == 0
    assert run_cli("env", "list", "-p", tree)[0] == 0
    assert tree_files(tmp_path) == before
