"""The commands' output against the golden files (regenerate: python tools/update_interface_goldens.py)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tht_gen.interface.params import json_schema

from .goldens import CASES, GOLDEN, KEEP, Case, render_case


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_output_matches_golden(case: Case) -> None:
    path = GOLDEN / case.name
    assert path.exists(), f"{path} is missing: run python tools/update_interface_goldens.py"
    assert render_case(case) == path.read_text(encoding="utf-8"), (
        f"{case.name} differs from what tht-gen prints now; if the change is deliberate, run "
        f"python tools/update_interface_goldens.py {case.name} and review the diff")


def test_no_stale_goldens() -> None:
    names = {c.name for c in CASES} | set(KEEP)
    assert sorted(p.name for p in GOLDEN.iterdir() if p.name not in names) == []


def test_params_golden_follows_the_schema() -> None:
    jsonschema.validate(json.loads((GOLDEN / "fixture-params.json").read_text()), json_schema())


def test_goldens_show_every_kind_of_provenance() -> None:
    """The fixture's goldens must keep showing what they exist for, whatever a regeneration does."""
    explain = (GOLDEN / "fixture-explain.txt").read_text()
    for text in ("replaced environments/base.yaml:7", "merged (merge) from", "did you mean NtpServer?",
                 "H703", "H705", "H707", "left out by Heat's merge"):
        assert text in explain, text
    assert "exit status: 1" in (GOLDEN / "fixture-explain-rejected.txt").read_text()
