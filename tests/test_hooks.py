"""The pre-commit hooks (.pre-commit-hooks.yaml): well-formed, matching the right files, working."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from .conftest import MINIMAL_NETWORKS, MINIMAL_ROLES, RunCli, TreeFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: hook for hook in data}


def test_hooks_are_well_formed(hooks: dict[str, dict[str, object]]) -> None:
    assert set(hooks) == {"tht-gen-lint", "tht-gen-render-check"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert str(hook["entry"]).startswith("tht-gen ")
    assert hooks["tht-gen-render-check"]["pass_filenames"] is False
    assert hooks["tht-gen-lint"]["types"] == ["yaml"]


@pytest.mark.parametrize(("path", "matches"), [
    ("services/time/ntp.yaml", True),
    ("roles/Controller.yaml", True),
    ("network/ports/port.network.j2.yaml", True),
    ("overcloud.j2.yaml", True),
    ("roles_data.yaml", True),
    ("network_data_v6.yaml", True),
    ("j2_excludes.yaml", True),
    ("README.md", False),
    ("tht_gen/cli.py", False),
    ("docs/services/x.yaml", False),
])
def test_render_check_hook_runs_for_template_changes(
        hooks: dict[str, dict[str, object]], path: str, matches: bool) -> None:
    pattern = str(hooks["tht-gen-render-check"]["files"])
    assert bool(re.search(pattern, path)) is matches


def _run_entry(run_cli: RunCli, entry: object, *files: str) -> int:
    argv = shlex.split(str(entry))
    assert argv[0] == "tht-gen"
    return run_cli(*argv[1:], *files)[0]


def test_lint_hook_fails_on_a_bad_file_and_passes_a_good_one(
        hooks: dict[str, dict[str, object]], run_cli: RunCli, tmp_tree: TreeFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_tree({
        "good.yaml": "heat_template_version: wallaby\nresources: {}\n",
        "bad.yaml": "heat_template_version: wallaby\noutputs:\n  a: {value: {get_param: X}}\n",
    })
    monkeypatch.chdir(root)
    entry = hooks["tht-gen-lint"]["entry"]
    assert _run_entry(run_cli, entry, "good.yaml") == 0
    assert _run_entry(run_cli, entry, "good.yaml", "bad.yaml") == 1


def test_render_check_hook_reports_stale_rendering(
        hooks: dict[str, dict[str, object]], run_cli: RunCli, tmp_tree: TreeFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_tree({"roles_data.yaml": MINIMAL_ROLES, "network_data.yaml": MINIMAL_NETWORKS,
                     "overcloud.j2.yaml": "heat_template_version: wallaby\n"
                                          "description: {{ roles|length }} roles\n"})
    monkeypatch.chdir(root)
    entry = hooks["tht-gen-render-check"]["entry"]
    assert _run_entry(run_cli, entry) == 1          # nothing rendered yet
    assert run_cli("render", "-p", ".")[0] == 0
    assert _run_entry(run_cli, entry) == 0          # up to date
    (root / "overcloud.yaml").write_text("stale\n")
    assert _run_entry(run_cli, entry) == 1
