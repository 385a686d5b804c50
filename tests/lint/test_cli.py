"""``tht-gen lint`` end to end: exact output per format, and exit codes."""

from __future__ import annotations

import json
import os

import pytest

from tht_gen.lint.formatters import sarif_document

from ..conftest import RunCli, TreeFactory

H = "heat_template_version: wallaby\n"
TEMPLATE = H + "outputs:\n  a:\n    value: {get_param: Nope}\n  b:\n    value: {get_attr: [Gone, x]}\n"


@pytest.fixture
def tree(tmp_tree: TreeFactory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    root = tmp_tree({"t.yaml": TEMPLATE, "env.yaml": "parameter_defaults:\n  Nope: 1\n"})
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_COLOR", "1")
    return root


def test_text(run_cli: RunCli, tree) -> None:  # type: ignore[no-untyped-def]
    rc, out, err = run_cli("lint", "-j", "1")
    assert rc == 1
    assert err == (
        "env.yaml:2:3: warning H603 parameter_defaults: no template in the tree declares 'Nope'\n"
        "t.yaml:4:24: error H301 get_param: parameter 'Nope' is not declared\n"
        "t.yaml:6:24: error H302 get_attr: resource 'Gone' is not declared\n"
    )
    assert out.startswith("2 files checked: 2 errors, 1 warnings (")


def test_quiet_text_shows_errors_only(run_cli: RunCli, tree) -> None:  # type: ignore[no-untyped-def]
    rc, out, err = run_cli("lint", "-q", ".")
    assert (rc, out) == (1, "")
    assert [line.split(":")[0] for line in err.splitlines()] == ["t.yaml", "t.yaml"]


def test_json(run_cli: RunCli, tree) -> None:  # type: ignore[no-untyped-def]
    rc, out, err = run_cli("lint", "--format", "json")
    assert (rc, err) == (1, "")
    assert json.loads(out)[1] == {
        "path": "t.yaml", "line": 4, "column": 24, "rule": "H301", "severity": "error",
        "message": "get_param: parameter 'Nope' is not declared", "origin": None,
    }
    assert len(json.loads(out)) == 3


def test_github(run_cli: RunCli, tree) -> None:  # type: ignore[no-untyped-def]
    rc, out, _ = run_cli("lint", "--format", "github")
    assert rc == 1
    assert out.splitlines()[1] == (
        "::error file=t.yaml,line=4,col=24,title=H301::get_param: parameter 'Nope' is not declared")


def test_sarif(run_cli: RunCli, tree) -> None:  # type: ignore[no-untyped-def]
    rc, out, _ = run_cli("lint", "--format", "sarif")
    assert rc == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    result = run["results"][1]
    assert result["ruleId"] == "H301"
    assert rules[result["ruleIndex"]]["id"] == "H301"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "t.yaml"}, "region": {"startLine": 4, "startColumn": 24}}


def test_sarif_has_the_required_shape() -> None:
    # The parts of SARIF 2.1.0 that code-scanning uploads require.
    log = sarif_document([])
    assert set(log) == {"$schema", "version", "runs"}
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "tht-gen" and driver["rules"]
    assert all({"id", "shortDescription"} <= set(r) for r in driver["rules"])
    assert log["runs"][0]["results"] == []


def test_clean_tree_exits_zero(run_cli: RunCli, tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"t.yaml": H + "resources: {}\n"})
    rc, out, err = run_cli("lint", root)
    assert (rc, err) == (0, "")
    assert out.startswith("1 files checked: 0 errors, 0 warnings")


def test_usage_errors_exit_two(run_cli: RunCli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rc, _, err = run_cli("lint", tmp_path / "missing")
    assert rc == 2 and "no such file or folder" in err
    rc, _, err = run_cli("lint", "--config", tmp_path / "missing.yaml", tmp_path)
    assert rc == 2 and "configuration file not found" in err
    rc, _, err = run_cli("lint", "--format", "xml")
    assert rc == 2 and "invalid choice" in err


def test_list_rules(run_cli: RunCli) -> None:
    rc, out, _ = run_cli("lint", "--list-rules")
    assert rc == 0
    assert "H301  get-param-undeclared" in out and out.splitlines()[0].startswith("ID")


def test_paths_of_several_targets_keep_their_folder(run_cli: RunCli, tmp_tree: TreeFactory,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_tree({"a/t.yaml": TEMPLATE, "b/t.yaml": TEMPLATE})
    monkeypatch.chdir(root)
    rc, out, _ = run_cli("lint", "--format", "json", "a", os.path.join("b", "t.yaml"))
    assert rc == 1
    assert sorted({d["path"] for d in json.loads(out)}) == ["a/t.yaml", "b/t.yaml"]
