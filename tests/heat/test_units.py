"""Parts of the Heat and deploy code that need neither Heat nor openstacksdk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tht_gen.commands.deploy import parse_parameters
from tht_gen.deploy.client import DeployError
from tht_gen.deploy.outputs import StackOutputs, write_config_download
from tht_gen.heat.validate import _strings_matching

ATOMS = ["[a-z]", "[0-9]", "[A-Za-z0-9_]", "x", r"\d", r"\w", "-", r"\.", "(ab|cd)", "[^/]"]
QUANTIFIERS = ["", "+", "*", "?", "{2}", "{1,3}"]


@given(st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)), min_size=1, max_size=6),
       st.booleans())
def test_placeholder_strings_match_their_pattern(parts: list[tuple[str, str]], anchored: bool) -> None:
    pattern = "".join(atom + quantifier for atom, quantifier in parts)
    if anchored:
        pattern = f"^{pattern}$"
    found = _strings_matching(pattern)
    if anchored:  # the engine backtracks to the end, so what was generated matches
        assert found, pattern
    for text in found:
        # Heat's AllowedPattern: re.match, and the match must span the value.
        match = re.match(pattern, text)
        assert match is not None and match.end() == len(text), (pattern, text)


def test_parse_parameters_reads_json_when_it_parses() -> None:
    assert parse_parameters(["ComputeCount=3", "Name=abc", "Map={\"a\": 1}", "Empty="]) == {
        "ComputeCount": 3, "Name": "abc", "Map": {"a": 1}, "Empty": ""}
    with pytest.raises(ValueError, match="NAME=VALUE"):
        parse_parameters(["novalue"])


def outputs(**role_data: dict) -> StackOutputs:  # type: ignore[type-arg]
    return StackOutputs("overcloud", "id-1", "CREATE_COMPLETE",
                        {"RoleData": role_data, "VipMap": {"internal_api": "172.16.2.250"}})


def test_config_download_writes_per_role_files_and_removes_stale_ones(tmp_path: Path) -> None:
    dest = tmp_path / "config"
    first = write_config_download(outputs(
        Controller={"service_names": ["ntp"], "config_settings": {"ntp::servers": ["a"]},
                    "step_config": "include ntp", "upgrade_tasks": [{"name": "x", "when": "step|int == 1"}]},
        Compute={"service_names": ["ntp"]}), dest)
    assert first.roles == ["Compute", "Controller"]
    assert (dest / "Controller" / "config_settings.yaml").read_text() == "ntp::servers:\n- a\n"
    assert (dest / "Controller" / "step_config.pp").read_text() == "include ntp\n"
    assert json.loads((dest / "outputs" / "VipMap.json").read_text()) == {"internal_api": "172.16.2.250"}
    (dest / "mine.txt").write_text("kept")

    second = write_config_download(outputs(Controller={"service_names": ["ntp", "timezone"]}), dest)
    assert "Compute/service_names.yaml" in second.removed
    assert not (dest / "Compute" / "service_names.yaml").exists()
    assert not (dest / "Controller" / "step_config.pp").exists()
    assert (dest / "mine.txt").read_text() == "kept"  # never ours: left alone
    assert second.written == ["Controller/role_data.json", "Controller/service_names.yaml", "index.json"]


def test_config_download_adds_each_roles_merged_hieradata(tmp_path: Path) -> None:
    stack = StackOutputs("overcloud", "id-1", "CREATE_COMPLETE", {
        "RoleData": {"Controller": {"service_names": ["ntp"]}, "Compute": {"service_names": ["ntp"]}},
        "RoleMergedConfigSettings": {"Controller": {"ntp::servers": ["a"]}}})
    dest = tmp_path / "config"
    write_config_download(stack, dest)
    assert (dest / "Controller" / "merged_config_settings.yaml").read_text() == "ntp::servers:\n- a\n"
    assert json.loads((dest / "Controller" / "role_data.json").read_text())["merged_config_settings"] == \
        {"ntp::servers": ["a"]}
    assert not (dest / "Compute" / "merged_config_settings.yaml").exists()
    assert not (dest / "outputs" / "RoleMergedConfigSettings.json").exists()


def test_config_download_never_leaves_its_folder(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="cannot be a file name"):
        write_config_download(outputs(**{"../escape": {"service_names": []}}), tmp_path / "c")
    (tmp_path / "c").mkdir(exist_ok=True)
    (tmp_path / "c" / "index.json").write_text(json.dumps({"files": ["../victim.txt"]}))
    (tmp_path / "victim.txt").write_text("precious")
    write_config_download(outputs(Controller={"service_names": []}), tmp_path / "c")
    assert (tmp_path / "victim.txt").read_text() == "precious"


def test_config_download_needs_role_data(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="no RoleData output"):
        write_config_download(StackOutputs("s", "i", "CREATE_COMPLETE", {"Other": 1}), tmp_path)


def test_heat_validate_without_heat_says_how_to_install(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tht_gen.heat import heat_available

    if heat_available():
        pytest.skip("Heat is installed here; this checks the message shown without it")
    code, _out, err = run_cli("heat-validate", tmp_path)
    assert code == 2
    assert "OpenStack Heat is not installed" in err and "tht-gen[heat]" in err
