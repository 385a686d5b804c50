"""`tht-gen lint --heat`: our rules, then OpenStack Heat's own checks, in one run."""

from __future__ import annotations

import os

import pytest

from tht_gen.heat import heat_available

from ..heat.trees import NTP, clean_tree, line_of

pytestmark = pytest.mark.skipif(
    not heat_available() and not os.environ.get("THT_GEN_REQUIRE_HEAT"),
    reason="OpenStack Heat is not installed (pip install 'tht-gen[heat]'); "
           "set THT_GEN_REQUIRE_HEAT=1 to fail instead")


def test_lint_heat_finds_a_typo_three_levels_down_and_passes_the_clean_tree(
        tmp_tree, run_cli) -> None:
    clean = tmp_tree(clean_tree())
    code, _out, err = run_cli("lint", clean, "--heat", "-e", clean / "env.yaml", "--no-cache")
    assert code == 0, err
    assert "info H900 Heat" in err and "stacks" in err  # the time it took is reported

    files = clean_tree()
    files["svc/ntp.yaml"] = NTP.replace("{get_param: NtpPool}", "{get_param: NtpPol}")
    broken = tmp_tree(files)
    code, _, err = run_cli("lint", broken, "--heat", "-e", broken / "env.yaml", "--no-cache")
    line = line_of(files["svc/ntp.yaml"], "NtpPol")
    assert code == 1
    assert any(f"svc/ntp.yaml:{line}:" in row and "H904" in row for row in err.splitlines()), err
