"""Heat's own merge of a real request, for the comparison tests (never imported without Heat)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tht_gen.heat.availability import quiet_dependencies
from tht_gen.interface.analysis import Analysis
from tht_gen.interface.merge import canonical_type


def assert_heat_agrees(heat: SimpleNamespace, analysis: Analysis) -> None:
    """The request openstacksdk's template utilities build for the analysed tree and environments,
    merged by Heat's engine code as ``create_stack`` merges it, must give our parameter schemata
    and our merged parameters."""
    from tht_gen.heat.stackinput import build_stack_input

    environments = [Path(e.path) for e in analysis.environments if not e.implicit]
    request = build_stack_input(analysis.tree.root, environments, overlay=analysis.tree.overlay,
                                include_registry=any(e.implicit for e in analysis.environments))
    with quiet_dependencies():
        template = heat.template.Template(request.template, files=request.files)
        schemata = template.all_param_schemata(request.files)
        params: dict[str, Any] = {}
        heat.environment_format.default_for_missing(params)
        heat.environment_util.merge_environments(request.environment_files, request.files, params, schemata)
    assert {k: canonical_type(s.type) for k, s in schemata.items()} == {
        k: canonical_type(t) for k, t in analysis.heat_types.items()}
    for section in ("parameters", "parameter_defaults"):
        assert params[section] == analysis.merge.environment[section], section
    # Registry values differ only in form: the client turns file paths into file:// URLs.
    assert sorted(params["resource_registry"]) == sorted(analysis.merge.environment["resource_registry"])
